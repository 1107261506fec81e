"""`pipeline export csv|xlsx`: the curated tables for people who use spreadsheets.

CSV: one `<table>.csv` per table (ISO dates, plain numbers, UTF-8) and `README.md` holding the data
dictionary. xlsx: one workbook, `recruitment.xlsx`, with a README sheet (the dictionary) first and one
sheet per table; dates are Excel dates, money and counts are numbers. Personal data is left out unless
`include_personal` (see pipeline/outputs/privacy.py)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.errors import PipelineError
from pipeline.load.database import open_curated
from pipeline.load.schemas import PARTITIONED, TABLE_DESCRIPTIONS, TABLES
from pipeline.outputs.privacy import personal_columns, redact_frame
from pipeline.storage.locations import Location

EXCEL_MAX_ROWS = 1_048_575  # a sheet's rows, less the header
WORKBOOK = "recruitment.xlsx"


def check_tables(tables: Sequence[str] | None) -> list[str]:
    """The tables asked for (default: all), or a one-line error naming the unknown ones."""
    chosen = list(tables or TABLES)
    unknown = [t for t in chosen if t not in TABLES]
    if unknown:
        raise PipelineError(f"unknown table(s) {', '.join(unknown)}; choose from {', '.join(TABLES)}")
    return chosen


def contact_names(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the people in the contacts table (to scrub from every text column)."""
    rows = connection.sql("select distinct name from contacts where name is not null").fetchall()
    return [row[0] for row in rows]


def read_frame(connection: duckdb.DuckDBPyConnection, table: str, names: list[str] | None) -> pd.DataFrame:
    """A curated table as a DataFrame (dates as datetime.date, lists joined with '; '); with `names`
    (the contacts' names), redacted."""
    arrow = connection.sql(f"select * from {table}").to_arrow_table()
    frame = arrow.to_pandas(date_as_object=True)
    for field in arrow.schema:
        if pa.types.is_list(field.type):
            frame[field.name] = [None if v is None else "; ".join(str(x) for x in v) for v in frame[field.name]]
        elif pa.types.is_timestamp(field.type):
            frame[field.name] = frame[field.name].dt.tz_convert("UTC").dt.tz_localize(None)
    return frame if names is None else redact_frame(table, frame, names)


def dictionary_frame(tables: Sequence[str], include_personal: bool) -> pd.DataFrame:
    """The data dictionary of the exported tables: one row per column."""
    rows = []
    for table in tables:
        fields = list(TABLES[table]) + ([pa.field(PARTITIONED[table], pa.date32())] if table in PARTITIONED else [])
        personal = set(personal_columns(table))
        for field in fields:
            description = (field.metadata or {}).get(b"description", b"The night.").decode("utf-8")
            rows.append(
                {
                    "table": table,
                    "table_description": TABLE_DESCRIPTIONS[table],
                    "column": field.name,
                    "type": str(field.type),
                    "personal": "yes" if field.name in personal else "",
                    "description": description,
                }
            )
    frame = pd.DataFrame(rows)
    note = "personal data included" if include_personal else "personal data left out (--include-personal keeps it)"
    frame.attrs["note"] = note
    return frame


def _readme_markdown(dictionary: pd.DataFrame) -> str:
    lines = [
        "# Curated recruitment data: export",
        "",
        f"Written by `pipeline export`; {dictionary.attrs['note']}. Dates are ISO (YYYY-MM-DD), money is GBP as "
        "plain numbers, timestamps are UTC, an empty cell is a missing value; lists are joined with '; '.",
        "",
    ]
    for table, columns in dictionary.groupby("table", sort=False):
        lines += [
            f"## {table}.csv",
            "",
            columns["table_description"].iloc[0],
            "",
            "| column | type | personal | description |",
        ]
        lines.append("|---|---|---|---|")
        lines += [f"| `{r.column}` | {r.type} | {r.personal} | {r.description} |" for r in columns.itertuples()]
        lines.append("")
    return "\n".join(lines)


def _opened(
    curated_dir: Location, tables: Sequence[str] | None, include_personal: bool
) -> tuple[list[str], duckdb.DuckDBPyConnection, list[str] | None]:
    """The tables asked for, a connection to the curated views, and the names to redact (None: keep all)."""
    chosen = check_tables(tables)
    connection = open_curated(curated_dir)
    return chosen, connection, None if include_personal else contact_names(connection)


def export_csv(
    curated_dir: Location, out_dir: Path, tables: Sequence[str] | None = None, include_personal: bool = False
) -> list[Path]:
    """Write `<table>.csv` per table and README.md (the data dictionary); returns the files written."""
    chosen, connection, names = _opened(curated_dir, tables, include_personal)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in chosen:
        target = out_dir / f"{table}.csv"
        staging = target.with_name(f".{target.name}.tmp")
        read_frame(connection, table, names).to_csv(staging, index=False, date_format="%Y-%m-%dT%H:%M:%S")
        os.replace(staging, target)
        written.append(target)
    readme = out_dir / "README.md"
    readme.write_text(_readme_markdown(dictionary_frame(chosen, include_personal)), encoding="utf-8")
    return [*written, readme]


def export_xlsx(
    curated_dir: Location, out_dir: Path, tables: Sequence[str] | None = None, include_personal: bool = False
) -> list[Path]:
    """Write `recruitment.xlsx`: a README sheet (the data dictionary), then one sheet per table."""
    chosen, connection, names = _opened(curated_dir, tables, include_personal)
    frames = {table: read_frame(connection, table, names) for table in chosen}
    too_long = [f"{t} ({len(f):,} rows)" for t, f in frames.items() if len(f) > EXCEL_MAX_ROWS]
    if too_long:
        raise PipelineError(f"too many rows for a sheet: {', '.join(too_long)}; export csv instead")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / WORKBOOK
    staging = out_dir / f".{WORKBOOK}.tmp.xlsx"
    dictionary = dictionary_frame(chosen, include_personal)
    with pd.ExcelWriter(staging, engine="openpyxl") as writer:
        pd.DataFrame(
            {"README": [f"Curated recruitment data, written by pipeline export; {dictionary.attrs['note']}."]}
        ).to_excel(writer, sheet_name="README", index=False)
        dictionary.to_excel(writer, sheet_name="README", index=False, startrow=2)
        for table, frame in frames.items():
            frame.to_excel(writer, sheet_name=table, index=False)
            _format_dates(writer.sheets[table], frame)
    os.replace(staging, target)
    return [target]


def _format_dates(sheet: object, frame: pd.DataFrame) -> None:
    """Day-first date formats on date columns (openpyxl writes them as Excel dates)."""
    for index, column in enumerate(frame.columns, start=1):
        sample = next((v for v in frame[column] if v is not None and not (isinstance(v, float) and pd.isna(v))), None)
        if isinstance(sample, dt.date):
            number_format = "dd/mm/yyyy hh:mm" if isinstance(sample, (dt.datetime, pd.Timestamp)) else "dd/mm/yyyy"
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):  # type: ignore[attr-defined]
                cell.number_format = number_format
