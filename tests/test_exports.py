"""Exports for spreadsheet users (csv, xlsx), schema.org JobPosting (jsonld) and the DuckDB database,
read back from real files: pandas, openpyxl, DuckDB and the pipeline's own JSON-LD extractor."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.config import Source
from pipeline.load.database import DATABASE_NAME
from pipeline.load.schemas import TABLES
from pipeline.outputs.exports import export_csv, export_xlsx
from pipeline.outputs.postings import export_jsonld, open_postings
from pipeline.runner import run_night

ROOT = Path(__file__).resolve().parent.parent
NAMES = {"Rhian Morgan", "Amira Khan", "Tom Whitworth"}  # the sample pages' contacts


def _parquet(curated: Path, table: str) -> pd.DataFrame:
    return duckdb.connect(str(curated / DATABASE_NAME), read_only=True).sql(f"select * from {table}").df()


def test_csv_export_has_every_table_typed_and_a_dictionary(samples_curated: Path, tmp_path: Path) -> None:
    written = export_csv(samples_curated, tmp_path)
    assert {p.name for p in written} == {f"{t}.csv" for t in TABLES} | {"README.md"}
    vacancies = pd.read_csv(tmp_path / "vacancies.csv", parse_dates=["closing_date", "first_seen"])
    expected = _parquet(samples_curated, "vacancies").sort_values("vacancy_id")
    vacancies = vacancies.sort_values("vacancy_id")
    assert vacancies["salary_max"].dtype == "float64"  # money as numbers
    assert vacancies["salary_max"].tolist() == expected["salary_max"].tolist()
    assert [d.date() for d in vacancies["closing_date"]] == [d.date() for d in pd.to_datetime(expected["closing_date"])]
    assert (tmp_path / "vacancies.csv").read_text(encoding="utf-8").count(",2025-12-08,") >= 1  # ISO dates
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "## contacts.csv" in readme and "| `email` | string | yes |" in readme
    assert "personal data left out" in readme


def test_csv_export_leaves_out_personal_data_unless_asked(samples_curated: Path, tmp_path: Path) -> None:
    export_csv(samples_curated, tmp_path / "redacted", ["contacts", "vacancies"])
    export_csv(samples_curated, tmp_path / "full", ["contacts"], include_personal=True)
    redacted = (tmp_path / "redacted" / "contacts.csv").read_text(encoding="utf-8")
    full = (tmp_path / "full" / "contacts.csv").read_text(encoding="utf-8")
    assert not any(name in redacted for name in NAMES)
    assert all(name in full for name in NAMES)
    assert "childrens.recruitment@lincolnshire.gov.uk" in redacted  # a shared mailbox is kept
    assert "+441332642000" in redacted  # an office number is kept
    assert not any(name in (tmp_path / "redacted" / "vacancies.csv").read_text(encoding="utf-8") for name in NAMES)
    assert sorted(p.name for p in (tmp_path / "redacted").iterdir()) == ["README.md", "contacts.csv", "vacancies.csv"]


def test_xlsx_export_has_a_readme_sheet_and_typed_cells(samples_curated: Path, tmp_path: Path) -> None:
    (path,) = export_xlsx(samples_curated, tmp_path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", *TABLES]
    sheet = book["vacancies"]
    header = [c.value for c in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert isinstance(first["closing_date"].value, dt.datetime) and first["closing_date"].number_format == "dd/mm/yyyy"
    assert first["salary_max"].data_type == "n"
    assert first["soc2020_code"].data_type == "s"  # codes stay text
    readme = [[c.value for c in row] for row in book["README"].iter_rows()]
    assert ["contacts", "name"] in [row[:1] + row[2:3] for row in readme]
    contacts = book["contacts"]
    names = [row[[c.value for c in contacts[1]].index("name")].value for row in contacts.iter_rows(min_row=2)]
    assert names and not any(names)  # redacted by default


def test_export_command_errors_in_one_line(
    samples_curated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["export", "csv", "--curated-dir", str(samples_curated), "--out", str(tmp_path), "--table", "nope"]) == 2
    )
    assert capsys.readouterr().err.startswith("error: unknown table(s) nope; choose from pages, ")
    assert main(["export", "xlsx", "--curated-dir", str(tmp_path / "none"), "--out", str(tmp_path)]) == 2
    assert "no curated data" in capsys.readouterr().err


# schema.org JobPosting: what Google's job-posting guidelines require and recommend (remote-only ones aside)
REQUIRED = ("title", "description", "datePosted", "hiringOrganization", "jobLocation")
RECOMMENDED = ("identifier", "validThrough", "employmentType", "baseSalary")
JOBPOSTING_PROPERTIES = set(REQUIRED + RECOMMENDED) | {"@context", "@type", "occupationalCategory"}


def test_jsonld_postings_have_the_required_and_recommended_properties(samples_curated: Path, tmp_path: Path) -> None:
    jsonl, document = export_jsonld(samples_curated, tmp_path)
    postings = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    graph = json.loads(document.read_text(encoding="utf-8"))
    assert graph["@context"] == "https://schema.org" and len(graph["@graph"]) == len(postings) == 14
    opened = _parquet(samples_curated, "vacancies").query("status == 'open'")
    assert len(postings) == len(opened)
    rows = {r["vacancy_id"]: r for r in opened.to_dict("records")}
    for posting in postings:
        assert set(posting) <= JOBPOSTING_PROPERTIES
        assert posting["@type"] == "JobPosting"
        assert all(posting.get(key) for key in REQUIRED), posting
        row = rows[posting["identifier"]["value"]]  # a recommended property is there whenever the row has it
        assert ("employmentType" in posting) == (pd.notna(row["hours"]) or pd.notna(row["contract"])), posting
        assert dt.date.fromisoformat(posting["datePosted"]) == row["first_seen"].date()
        assert dt.date.fromisoformat(posting["validThrough"]) == row["closing_date"].date()
        assert posting["hiringOrganization"]["@type"] == "Organization"
        assert posting["jobLocation"]["address"]["@type"] == "PostalAddress"
        salary = posting["baseSalary"]
        assert salary["@type"] == "MonetaryAmount" and salary["currency"] == "GBP"
        value = salary["value"]
        assert value["@type"] == "QuantitativeValue" and value["unitText"] in {"HOUR", "DAY", "WEEK", "MONTH", "YEAR"}
        assert value.get("minValue", value["maxValue"]) <= value["maxValue"]
        assert set(posting.get("employmentType", [])) <= {
            "FULL_TIME",
            "PART_TIME",
            "TEMPORARY",
            "PER_DIEM",
            "CONTRACTOR",
            "PERMANENT",
            "FIXED_TERM",
            "ZERO_HOURS",
            "AGENCY",
        }
        assert re.fullmatch(r"\d{4}", posting["occupationalCategory"]["codeValue"])
    assert not any(name in jsonl.read_text(encoding="utf-8") for name in NAMES)


ROUND_TRIP = (
    "title",
    "salary_min",
    "salary_max",
    "salary_period",
    "closing_date",
    "hours",
    "contract",
    "employer_name",
    "postcode",
    "location_text",
)


def test_jsonld_export_reads_back_through_the_extractor(samples_curated: Path, tmp_path: Path) -> None:
    postings = open_postings(samples_curated)
    pages = tmp_path / "pages"
    pages.mkdir()
    for index, posting in enumerate(postings):
        script = json.dumps(posting).replace("</", "<\\/")
        (pages / f"posting-{index}.html").write_text(
            f"<html><head><script type='application/ld+json'>{script}</script></head><body></body></html>",
            encoding="utf-8",
        )
    night = dt.date(2025, 11, 20)
    run_night([Source("roundtrip", None, (pages,))], tmp_path / "raw", tmp_path / "curated", as_of=night)
    before = _by_title(_parquet(samples_curated, "vacancies").query("status == 'open'"))
    after = _by_title(_parquet(tmp_path / "curated", "vacancies"))
    assert after == before


def _by_title(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    rows = frame[list(ROUND_TRIP)].to_dict("records")
    clean = [{k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()} for row in rows]
    return {f"{r['employer_name']}|{r['title']}|{r['closing_date']}": r for r in clean}


def test_duckdb_database_has_a_view_per_table(samples_curated: Path) -> None:
    connection = duckdb.connect(str(samples_curated / DATABASE_NAME), read_only=True)
    views = {row[0] for row in connection.sql("select view_name from duckdb_views() where not internal").fetchall()}
    assert views == set(TABLES)
    assert connection.sql("select count(*) from vacancies").fetchall() == [(14,)]
    assert connection.sql("select typeof(snapshot_date) from vacancy_snapshots limit 1").fetchall() == [("DATE",)]


def readme_duckdb_queries() -> list[str]:
    """The SQL blocks of the README's section on curated/recruitment.duckdb."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Querying with DuckDB", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return [block.strip() for block in re.findall(r"```sql\n(.*?)```", section, flags=re.S)]


def test_readme_duckdb_queries_run(samples_curated: Path) -> None:
    queries = readme_duckdb_queries()
    assert len(queries) >= 3
    connection = duckdb.connect(str(samples_curated / DATABASE_NAME), read_only=True)
    for query in queries:
        assert connection.sql(query.rstrip().rstrip(";")).fetchall(), query
