"""Employers of every kind through the real pipeline (run_night: acquire, extract, normalise, publish, read
back with DuckDB): a provider's kind from its name and from its page, from the sources file, an agency's
advert with and without its client, an agency source, and a job description that is read but never counted
as an open vacancy. The pages are written here in the shapes the real-string tests cover
(tests/test_employer_kinds.py); they show the wiring, not accuracy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pipeline.config import Source
from pipeline.load.database import connect
from pipeline.outputs.figures import Figures
from pipeline.runner import run_night

NIGHT = dt.date(2025, 11, 20)
PAGES = {
    "provider.txt": "Residential Support Worker\n\nEmployer: Bright Futures Care Ltd\nSalary: £26,000 - £28,000 per "
    "annum\nClosing date: 12 December 2025\n\nBright Futures Care Ltd. Registered in England, company number "
    "01234567.\n",
    "charity.txt": "Senior Residential Worker\n\nSalary: £30,000 per annum\nClosing date: 10 December 2025\n\n"
    "Hollins Park Homes is a registered charity, charity number 1234567.\n",
    "agency.txt": "Residential Support Worker (locum)\n\nPay: £16.50 - £18.00 per hour\nClosing date: 5 December "
    "2025\n\nSanctuary Personnel are recruiting on behalf of our client, Kent County Council, for a locum "
    "residential support worker in a children's home in Maidstone.\n",
    "agency-no-client.txt": "Children's Social Worker\n\nPay: £38 per hour\nClosing date: 6 December 2025\n\n"
    "Hays Social Care are recruiting on behalf of our client, a local authority in the South East.\n",
    "job-description.txt": "Job Description and Person Specification: Team Manager\n\nGrade: 10\nSalary: "
    "£45,000 - £48,000\nHours: 37 per week\n\nPurpose of the job: to lead a children's social work team.\n",
}


def _night(tmp_path: Path, sources: list[Source]) -> dict[str, list[dict[str, Any]]]:
    run_night(sources, tmp_path / "raw", tmp_path / "curated", as_of=NIGHT)
    db = connect(tmp_path / "curated")
    return {t: db.sql(f"select * from {t}").to_arrow_table().to_pylist() for t in ("vacancies", "employers", "pages")}


def _folder(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(PAGES[name], encoding="utf-8")
    return folder


def test_kinds_agencies_and_job_descriptions_through_the_pipeline(tmp_path: Path) -> None:
    tables = _night(tmp_path, [Source("mixed", None, (_folder(tmp_path, list(PAGES)),))])
    vacancies = {v["title"]: v for v in tables["vacancies"]}
    employers = {e["name"]: e for e in tables["employers"]}

    provider = employers["Bright Futures Care"]  # one canonical name, without its legal form
    assert (provider["kind"], provider["kind_evidence"], provider["kind_cue"]) == ("private", "page", "Ltd")
    assert vacancies["Residential Support Worker"]["employer_name"] in ("Bright Futures Care", "Kent County Council")

    placed = next(v for v in tables["vacancies"] if v["via_agency"] == "Sanctuary Personnel")
    assert placed["employer_name"] == "Kent County Council" and placed["agency_work"]
    assert placed["salary_period"] == "hour" and placed["salary_max"] == 18.0
    own = next(v for v in tables["vacancies"] if v["employer_name"] == "Bright Futures Care")
    assert (own["via_agency"], own["agency_work"]) == (None, False)

    unnamed = vacancies["Children's Social Worker"]
    assert (unnamed["via_agency"], unnamed["employer_name"], unnamed["agency_work"]) == ("Hays", None, True)
    assert employers["Sanctuary Personnel"]["kind"] == "agency"

    description = vacancies["Team Manager"]
    assert description["page_kind"] == "job_description" and description["salary_min"] == 45000.0
    kinds = {p["url"].rsplit("/", 1)[-1]: p["page_kind"] for p in tables["pages"]}
    assert kinds["job-description.txt"] == "job_description"
    figures = Figures(connect(tmp_path / "curated"))
    assert figures.headline().open_vacancies == len(tables["vacancies"]) - 1  # the job description is not counted


def test_the_sources_file_kind_and_an_agency_source(tmp_path: Path) -> None:
    charity = Source("hollins", "Hollins Park Homes", (_folder(tmp_path, ["charity.txt"]),), kind="voluntary")
    tables = _night(tmp_path, [charity])
    (employer,) = [e for e in tables["employers"] if e["name"] == "Hollins Park Homes"]
    assert (employer["kind"], employer["kind_evidence"]) == ("voluntary", "sources_file")

    other = tmp_path / "agency-site"
    other.mkdir()
    (other / "advert.txt").write_text(
        "Residential Support Worker\n\nPay: £17 per hour\nClosing date: 5 December 2025\n", encoding="utf-8"
    )
    agency = Source("carers-direct", "Carers Direct Recruitment", (other,), kind="agency")
    tables = _night(tmp_path / "second", [agency])
    (vacancy,) = tables["vacancies"]
    assert (vacancy["via_agency"], vacancy["employer_name"], vacancy["agency_work"]) == (
        "Carers Direct Recruitment",
        None,
        True,
    )
    (employer,) = tables["employers"]
    assert (employer["kind"], employer["kind_evidence"]) == ("agency", "sources_file")
