"""Checks before publish (pandera): types, nullability, vocabularies, patterns and plausible ranges.

Every new row of the page tables is checked; a row that fails is taken out of its table and recorded in
`rejects` (stage `validate`) with the reasons and the whole row as JSON. Limits are data, in
`pipeline/data/validation.yaml`.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow as arrow

from pipeline.load.schemas import TABLES
from pipeline.normalise.salary import WEEKS_PER_YEAR
from pipeline.resources import load_yaml

Row = dict[str, Any]
CHECKED = ("pages", "vacancy_sightings", "contacts", "benefits", "employer_mentions")
ROW_ID = {"vacancy_sightings": "vacancy_id", "contacts": "contact_id", "pages": "page_id"}


def _settings() -> dict[str, Any]:
    settings: dict[str, Any] = load_yaml("validation.yaml")
    return settings


def minimum_hourly_rate(on: dt.date) -> float:
    """The lowest statutory minimum hourly rate in force on a date."""
    rates = sorted(_settings()["minimum_hourly_rate"].items())
    rate = rates[0][1]
    for start, value in rates:
        if start <= on:
            rate = value
    return float(rate)


def implied_hourly_rate(row: Row) -> float | None:
    """The lowest hourly rate a vacancy row implies, or None when the hours are unknown for a part-time salary."""
    lowest = row.get("salary_min") if row.get("salary_min") is not None else row.get("salary_max")
    if lowest is None:
        return None
    if row.get("salary_period") == "hour":
        return float(lowest)
    annual = row.get("salary_annual_min") if row.get("salary_annual_min") is not None else row.get("salary_annual_max")
    if annual is None:
        return None
    full_time = float(_settings()["full_time_hours"])
    if row.get("salary_pro_rata"):
        hours = full_time
    elif row.get("hours_per_week"):
        hours = float(row["hours_per_week"])
    elif row.get("hours") == "part-time":
        return None
    else:
        hours = full_time
    return float(annual) / (WEEKS_PER_YEAR * hours)


def _column_checks(table: str) -> dict[str, list[pa.Check]]:
    settings = _settings()
    checks: dict[str, list[pa.Check]] = {}
    for key, values in settings["vocabularies"].items():
        name, column = key.split(".")
        if name == table:
            checks.setdefault(column, []).append(pa.Check.isin(values))
    for key, pattern in settings["patterns"].items():
        name, column = key.split(".")
        if name == table:
            checks.setdefault(column, []).append(pa.Check.str_matches(pattern))
    if table == "vacancy_sightings":
        ceiling = float(settings["maximum_annual_salary"])
        for column in ("salary_min", "salary_max"):
            checks.setdefault(column, []).append(pa.Check.gt(0))
        for column in ("salary_annual_min", "salary_annual_max"):
            checks.setdefault(column, []).append(pa.Check.le(ceiling, error=f"above £{ceiling:,.0f} a year"))
        checks["hours_per_week"] = [pa.Check.in_range(0, settings["maximum_hours_per_week"], include_min=False)]
    if table == "benefits":
        checks["value"] = [pa.Check.ge(0)]
    return checks


def _frame_checks(table: str) -> list[pa.Check]:
    if table != "vacancy_sightings":
        return []
    return [
        pa.Check(
            lambda df: df["salary_min"].isna() | df["salary_max"].isna() | (df["salary_min"] <= df["salary_max"]),
            name="salary_min <= salary_max",
        ),
        pa.Check(
            lambda df: df["_implied_hourly"].isna() | (df["_implied_hourly"] >= df["_minimum_hourly"]),
            name="salary at least the minimum wage for the stated hours",
        ),
        pa.Check(
            lambda df: df["closing_date"].isna() | df["_reference"].isna() | _closing_in_range(df),
            name="closing date within range of the reference date",
        ),
    ]


# The columns each check across columns reads, named in its reject reason.
FRAME_CHECK_COLUMNS = {
    "salary_min <= salary_max": ("salary_min", "salary_max"),
    "salary at least the minimum wage for the stated hours": ("salary_min", "salary_max", "salary_period"),
    "closing date within range of the reference date": ("closing_date",),
}


def _short(value: Any, limit: int = 40) -> str:
    """A value for a reject reason: on one line, cut short."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _closing_in_range(df: pd.DataFrame) -> pd.Series:
    settings = _settings()
    reference = pd.to_datetime(df["_reference"].astype(object))
    closing = pd.to_datetime(df["closing_date"].astype(object))
    after = reference + pd.DateOffset(years=settings["closing_date_max_years_after"])
    before = reference - pd.DateOffset(years=settings["closing_date_max_years_before"])
    return (closing <= after) & (closing >= before)


@cache
def table_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a table: its arrow types and nullability, plus the checks of validation.yaml."""
    checks = _column_checks(table)
    columns = {
        field.name: pa.Column(pd.ArrowDtype(field.type), checks.get(field.name, []), nullable=field.nullable)
        for field in TABLES[table]
    }
    return pa.DataFrameSchema(columns, checks=_frame_checks(table), strict=False)


def _frame(rows: list[Row], table: str) -> tuple[pd.DataFrame, dict[int, str]]:
    """Rows as an arrow-typed frame indexed by position; rows that cannot take the table's types are
    returned apart with the reason."""
    schema = TABLES[table]
    wrong: dict[int, str] = {}
    positions = list(range(len(rows)))
    try:
        data = arrow.Table.from_pylist([_typed(r, schema) for r in rows], schema=schema)
    except (arrow.ArrowException, TypeError, ValueError):
        positions = []
        for position, row in enumerate(rows):
            try:
                arrow.Table.from_pylist([_typed(row, schema)], schema=schema)
                positions.append(position)
            except (arrow.ArrowException, TypeError, ValueError) as exc:
                wrong[position] = f"wrong type: {_short(str(exc).splitlines()[0], 120)}"
        data = arrow.Table.from_pylist([_typed(rows[p], schema) for p in positions], schema=schema)
    frame = data.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = pd.Index(positions)
    return frame, wrong


def _typed(row: Row, schema: arrow.Schema) -> Row:
    return {name: row.get(name) for name in schema.names}


def check_rows(rows: list[Row], table: str, reference: dict[str, dt.date | None]) -> dict[int, list[str]]:
    """Positions of the rows that fail, with their reasons. `reference` maps page_id to the page's
    reference date (for the closing-date and minimum-wage checks)."""
    if not rows:
        return {}
    frame, wrong = _frame(rows, table)
    failures: dict[int, list[str]] = {position: [reason] for position, reason in wrong.items()}
    if table == "vacancy_sightings":
        dates = [reference.get(page_id) for page_id in frame["page_id"]]
        fallback = dt.date.today()
        frame["_reference"] = pd.Series(dates, index=frame.index, dtype=pd.ArrowDtype(arrow.date32()))
        frame["_implied_hourly"] = [implied_hourly_rate(rows[p]) for p in frame.index]
        # The minimum in force when the advert ran: by its closing date when that came before the page was read
        # (an old advert read today is judged by the rate of its day).
        frame["_minimum_hourly"] = [
            minimum_hourly_rate(min(d or fallback, rows[p].get("closing_date") or d or fallback))
            for p, d in zip(frame.index, dates, strict=True)
        ]
    try:
        table_schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        for case in errors.failure_cases.itertuples():
            if pd.isna(case.index):
                continue
            position = int(case.index)
            if case.schema_context == "DataFrameSchema":  # a check across columns: name them once
                columns = FRAME_CHECK_COLUMNS.get(str(case.check), ())
                values = ", ".join(f"{c}={_short(rows[position].get(c))}" for c in columns)
                line = f"{values} fails {case.check}" if values else f"fails {case.check}"
            else:
                line = f"{case.column}={_short(case.failure_case)} fails {_short(case.check, 60)}"
            if line not in failures.setdefault(position, []):
                failures[position].append(line)
    return failures


def reject_record(row: Row, table: str, reasons: list[str], page: Row | None, run_id: str, night: dt.date) -> Row:
    """The rejects row of a row that failed validation."""
    return {
        "source_id": row.get("source_id") or (page or {}).get("source_id") or "",
        "url": (page or {}).get("url") or row.get("url") or "",
        "stage": "validate",
        "reason": f"{table} row {row.get(ROW_ID.get(table, 'page_id'))}: " + "; ".join(dict.fromkeys(reasons)),
        "content_sha256": (page or {}).get("content_sha256"),
        "run_id": run_id,
        "snapshot_date": night,
        "table_name": table,
        "row_id": row.get(ROW_ID.get(table, "page_id")),
        "record": json.dumps(row, default=str, sort_keys=True),
    }


VALIDATE_BATCH_ROWS = 5_000  # rows per validated frame: a night's frames never all exist at once


def validate_run(rows: dict[str, list[Row]], run_id: str, night: dt.date) -> tuple[dict[str, list[Row]], list[Row]]:
    """The run's rows without those that fail validation, and the rejects rows of those that do."""
    pages = {row["page_id"]: row for row in rows.get("pages", [])}
    reference = {page_id: page.get("reference_date") for page_id, page in pages.items()}
    kept = dict(rows)
    rejects: list[Row] = []
    for table in CHECKED:
        table_rows = rows.get(table, [])
        failures: dict[int, list[str]] = {}
        for start in range(0, len(table_rows), VALIDATE_BATCH_ROWS):  # bounded frames on a big night
            batch = check_rows(table_rows[start : start + VALIDATE_BATCH_ROWS], table, reference)
            failures.update({start + position: reasons for position, reasons in batch.items()})
        if not failures:
            continue
        kept[table] = [row for position, row in enumerate(table_rows) if position not in failures]
        for position, reasons in sorted(failures.items()):
            row = table_rows[position]
            rejects.append(reject_record(row, table, reasons, pages.get(row.get("page_id", "")), run_id, night))
    return kept, rejects
