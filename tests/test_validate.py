"""Validation before publish (pandera): failing rows go to rejects with the reason, and the run counts them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.config import Source
from pipeline.load.validate import check_rows, implied_hourly_rate, minimum_hourly_rate, reject_record
from pipeline.runner import run_night

REFERENCE = dt.date(2025, 11, 20)


def _vacancy(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "vacancy_id": "v1",
        "page_id": "p1",
        "source_id": "s",
        "salary_min": 25000.0,
        "salary_max": 27000.0,
        "salary_period": "year",
        "salary_annual_min": 25000.0,
        "salary_annual_max": 27000.0,
        "closing_date": dt.date(2025, 12, 8),
        "evidence": "Salary: £25,000 - £27,000",
        "extraction_method": "text",
    }
    row.update(changes)
    return row


CASES = {
    "a plausible advert": ({}, None),
    "minimum above maximum": ({"salary_min": 30000.0}, "salary_min <= salary_max"),
    "a million a year": ({"salary_max": 1e6, "salary_annual_max": 1e6}, "above £250,000 a year"),
    "two pounds an hour": (
        {"salary_min": 2.0, "salary_max": 2.0, "salary_period": "hour", "salary_annual_min": 3859.0},
        "minimum wage",
    ),
    "closing date fifty years on": ({"closing_date": dt.date(2075, 1, 1)}, "closing date within range"),
    "a period outside the vocabulary": ({"salary_period": "fortnight"}, "isin"),
    "hours per week over 80": ({"hours_per_week": 168.0}, "in_range"),
    "null evidence": ({"evidence": None}, "not_nullable"),
    "text in a money column": ({"salary_min": "25k"}, "wrong type"),
}


@pytest.mark.parametrize("changes, reason", CASES.values(), ids=CASES.keys())
def test_vacancy_checks(changes: dict[str, Any], reason: str | None) -> None:
    failures = check_rows([_vacancy(**changes)], "vacancy_sightings", {"p1": REFERENCE})
    if reason is None:
        assert failures == {}
    else:
        assert reason in " ".join(failures[0]), failures


def test_a_validation_reject_names_row_column_value_and_rule_once_each() -> None:
    row = _vacancy(salary_min=50000.0, closing_date=dt.date(2075, 1, 1), evidence="x" * 5000, salary_period="fortnight")
    failures = check_rows([row], "vacancy_sightings", {"p1": REFERENCE})
    reason = reject_record(row, "vacancy_sightings", failures[0], None, "run", REFERENCE)["reason"]
    assert "\n" not in reason and len(reason) < 400, reason
    assert reason.startswith("vacancy_sightings row v1: ")
    assert "salary_min=50000.0, salary_max=27000.0 fails salary_min <= salary_max" in reason
    assert "closing_date=2075-01-01 fails closing date within range" in reason
    assert "salary_period=fortnight fails isin(" in reason
    assert reason.count("salary_min <= salary_max") == 1


def test_part_time_pay_is_judged_on_its_hours() -> None:
    part_time = _vacancy(salary_min=9000.0, salary_max=9000.0, salary_annual_min=9000.0, hours_per_week=18.5)
    assert implied_hourly_rate(part_time) == pytest.approx(9.33, abs=0.01)
    assert check_rows([part_time], "vacancy_sightings", {"p1": REFERENCE}) == {}
    assert implied_hourly_rate({**part_time, "hours_per_week": None, "hours": "part-time"}) is None


def test_minimum_rate_follows_the_april_uprating() -> None:
    assert minimum_hourly_rate(dt.date(2025, 3, 31)) == 6.40
    assert minimum_hourly_rate(dt.date(2025, 4, 1)) == 7.55
    assert minimum_hourly_rate(dt.date(2010, 1, 1)) == 3.90, "before the table: its first rate"


def test_an_old_advert_is_judged_by_the_minimum_rate_of_its_own_day() -> None:
    # £7.55 an hour was the apprentice minimum until April 2026; an advert that closed in June 2025, read a
    # year later, was lawful
    row = _vacancy(salary_min=7.55, salary_max=7.55, salary_period="hour", salary_annual_min=14_527.0,
                   salary_annual_max=14_527.0, closing_date=dt.date(2025, 6, 12))  # fmt: skip
    assert check_rows([row], "vacancy_sightings", {"p1": dt.date(2026, 12, 1)}) == {}
    later = {**row, "closing_date": dt.date(2026, 12, 20)}
    assert "minimum wage" in " ".join(check_rows([later], "vacancy_sightings", {"p1": dt.date(2026, 12, 1)})[0])


def test_a_big_run_is_validated_in_bounded_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.load.validate as validate

    monkeypatch.setattr(validate, "VALIDATE_BATCH_ROWS", 2)
    pages = [{"page_id": "p1", "reference_date": REFERENCE}]
    sightings = [_vacancy(vacancy_id=f"v{i}") for i in range(5)]
    sightings[3] = _vacancy(vacancy_id="v3", salary_min=30000.0)  # fails, in the second batch
    kept, rejects = validate.validate_run({"pages": pages, "vacancy_sightings": sightings}, "run-1", REFERENCE)
    assert [r["vacancy_id"] for r in kept["vacancy_sightings"]] == ["v0", "v1", "v2", "v4"]
    reasons = [r["reason"] for r in rejects if r["table_name"] == "vacancy_sightings"]
    assert len(reasons) == 1 and "salary_min <= salary_max" in reasons[0]


def test_contact_and_benefit_checks() -> None:
    contact = {"contact_id": "c", "page_id": "p", "source_id": "s", "evidence": "Call us", "phone": "01332 642"}
    assert "str_matches" in " ".join(check_rows([contact], "contacts", {})[0])
    benefit = {"page_id": "p", "source_id": "s", "category": "yacht", "benefit_text": "a yacht", "evidence": "x"}
    assert "isin" in " ".join(check_rows([benefit], "benefits", {})[0])


def test_failing_rows_are_rejected_with_the_reason_and_counted(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    good = "Residential Support Worker\n\nSalary: £25,000 - £27,000 per annum\nClosing date: 8 December 2025\n"
    bad = "Relief Support Worker\n\nSalary: £2.00 per hour\nClosing date: 8 December 2025\n"
    (folder / "good.txt").write_text(good, encoding="utf-8")
    (folder / "bad.txt").write_text(bad, encoding="utf-8")
    summary = run_night([Source("s", "Derby City Council", (folder,))], tmp_path / "raw", tmp_path / "cur", REFERENCE)
    assert summary.rows_rejected == 1
    assert summary.per_source["s"]["rejects"] == 1
    assert "1 rows failed validation" in summary.render()
    vacancies = pd.read_parquet(tmp_path / "cur" / "vacancies")
    assert vacancies.title.tolist() == ["Residential Support Worker"]
    rejects = pd.read_parquet(tmp_path / "cur" / "rejects")
    (reject,) = rejects.itertuples()
    assert (reject.stage, reject.table_name) == ("validate", "vacancy_sightings")
    assert reject.url.endswith("bad.txt") and "minimum wage" in reject.reason
    assert json.loads(reject.record)["salary_min"] == 2.0, "the whole row is kept"
    pages = pd.read_parquet(tmp_path / "cur" / "pages")
    assert len(pages) == 2, "the page itself is published; only the failing row is held back"


def test_a_rejected_page_row_does_not_lose_its_vacancies(tmp_path: Path) -> None:
    from pipeline.load.history import SourceNight
    from pipeline.load.night import Night, publish_night

    url = "https://example.invalid/jobs/1"
    page = {
        "page_id": "p1",
        "source_id": "s",
        "url": url,
        "fetched_at": dt.datetime(2025, 11, 20, tzinfo=dt.UTC),
        "content_sha256": "0" * 64,
        "raw_path": "objects/00/0",
        "page_kind": "bogus",
        "run_id": "r",
        "snapshot_date": REFERENCE,
    }
    rows = {"pages": [page], "vacancy_sightings": [{**_vacancy(), "title": "Social Worker"}]}
    night = Night(REFERENCE, "r", {"s": SourceNight("s", frozenset({url}))})
    published = publish_night(tmp_path, rows, [], {("s", url)}, night)
    assert [r["table_name"] for r in published.invalid] == ["pages"]
    assert "page_kind" in published.invalid[0]["reason"]
    assert [v["title"] for v in published.merged["vacancies"]] == ["Social Worker"]
