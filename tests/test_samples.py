"""Golden whole-page check of the bundled samples with a quality floor (trafilatura-style eval gate)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytestmark = pytest.mark.prefect
GOLDEN = json.loads((Path(__file__).parent / "golden" / "samples.json").read_text(encoding="utf-8"))


def _same(expected: Any, actual: Any) -> bool:
    if expected is None:
        return actual is None or (isinstance(actual, float) and pd.isna(actual))
    if isinstance(expected, str) and len(expected) == 10 and expected[4] == "-" and isinstance(actual, dt.date):
        return actual == dt.date.fromisoformat(expected)
    if isinstance(expected, float | int) and not isinstance(expected, bool):
        return actual is not None and not pd.isna(actual) and abs(float(actual) - expected) < 0.005
    return bool(actual == expected)


def test_samples_meet_the_quality_floor(samples_curated: Path) -> None:
    vacancies = pd.read_parquet(samples_curated / "vacancies")
    checked = matched = 0
    misses: list[str] = []
    for expected in GOLDEN["vacancies"]:
        rows = vacancies[(vacancies.source_id == expected["source_id"]) & (vacancies.title == expected["title"])]
        assert len(rows) == 1, f"{expected['source_id']}: {expected['title']} not found exactly once"
        row = rows.iloc[0].to_dict()
        for column, value in expected.items():
            checked += 1
            if _same(value, row.get(column)):
                matched += 1
            else:
                misses.append(f"{expected['title']}.{column}: expected {value!r}, got {row.get(column)!r}")
    assert matched / checked >= GOLDEN["floor"], misses


def test_no_invented_vacancies(samples_curated: Path) -> None:
    vacancies = pd.read_parquet(samples_curated / "vacancies")
    assert len(vacancies) == len(GOLDEN["vacancies"])
    assert not vacancies.source_id.isin(GOLDEN["no_vacancies"]).any()


def test_every_vacancy_has_evidence_and_sorted_salary(samples_curated: Path) -> None:
    vacancies = pd.read_parquet(samples_curated / "vacancies")
    assert vacancies.evidence.str.len().gt(0).all()
    both = vacancies.dropna(subset=["salary_min", "salary_max"])
    assert (both.salary_min <= both.salary_max).all()
    assert (vacancies.title.isna() | vacancies.title.str.len().gt(0)).all(), "missing is null, never empty"


def test_windows_1252_sample_is_decoded(samples_curated: Path) -> None:
    pages = pd.read_parquet(samples_curated / "pages").set_index("source_id")
    assert pages.loc["rutland-early-help", "encoding"] == "cp1252"
