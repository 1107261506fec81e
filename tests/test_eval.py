"""`pipeline eval`: scoring, the labels format, and the pinned floors on the development set."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import ConfigError
from pipeline.evaluation import Report, Score, below_floors, load_floors, load_labels, render, score_page
from tests.conftest import ROOT

DEV = ROOT / "eval" / "dev"


def _predicted(roles: list[dict[str, object]], employer: str | None = None) -> dict[str, object]:
    return {
        "roles": roles,
        "employer": employer,
        "benefits": {"pension"},
        "contacts": {"names": set(), "phones": {"+441629533190"}, "emails": set(), "postcodes": set()},
    }


def test_score_arithmetic() -> None:
    score = Score(tp=8, fp=2, fn=0)
    assert (score.precision, score.recall) == (0.8, 1.0)
    assert round(score.f1, 4) == round(2 * 0.8 / 1.8, 4)
    assert Score().f1 == 1.0, "nothing expected and nothing found is perfect"


def test_score_page_matches_roles_by_title_and_counts_fields() -> None:
    label = {
        "page": "p.html",
        "employer": "Derby City Council",
        "roles": [
            {
                "title": "Social Workers",
                "salary_min": 30000,
                "salary_max": 35000,
                "salary_period": "year",
                "closing_date": "2025-12-01",
            },
            {"title": "Team Manager"},
        ],
        "contacts": {"phones": ["+441629533190"]},
        "benefits": ["pension", "training"],
    }
    predicted = _predicted(
        [
            {
                "title": "Social Worker",
                "salary_min": 30000.0,
                "salary_max": 35000.0,
                "salary_period": "year",
                "closing_date": "2025-12-08",
                "hours": "full-time",
                "contract": None,
            },
            {
                "title": "Deputy Manager",
                "salary_min": None,
                "salary_max": None,
                "salary_period": None,
                "closing_date": None,
                "hours": None,
                "contract": None,
            },
        ],
        employer="Derby City Council",
    )
    report = Report()
    score_page(report, label, predicted)
    s = report.scores
    assert (s["roles"].tp, s["roles"].fp, s["roles"].fn) == (1, 1, 1)
    assert (s["salary"].tp, s["closing_date"].fp, s["closing_date"].fn) == (1, 1, 1)
    assert (s["hours"].fp, s["employer"].tp, s["contact_phones"].tp, s["benefits"].fn) == (1, 1, 1, 1)
    text = render(report, {"roles": 0.9})
    assert "BELOW FLOOR" in text and "Team Manager" in text
    assert below_floors(report, {"roles": 0.9}) == ["roles 0.500 < 0.900"]


def test_vacancies_on_a_page_without_vacancies_are_reported() -> None:
    report = Report()
    score_page(report, {"page": "campaign.html", "roles": []}, _predicted([{"title": "Social Worker"}]))
    assert report.no_vacancy_false_positives == ["campaign.html: 1 vacancies"]


def test_labels_and_floors_files_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "labels.jsonl"
    bad.write_text('{"page": "a.html"}\n{not json}\n')
    with pytest.raises(ConfigError, match=r"labels.jsonl:2: not valid JSON"):
        load_labels(bad)
    floors = tmp_path / "floors.yaml"
    floors.write_text("floors: {roles: 0.9, colour: 0.5}\n")
    with pytest.raises(ConfigError, match="unknown field"):
        load_floors(floors)


def test_development_set_is_large_and_covers_pages_without_vacancies() -> None:
    labels = load_labels(DEV / "labels.jsonl")
    assert len(labels) >= 60
    assert sum(1 for label in labels if not label["roles"]) >= 15
    assert all((DEV / "pages" / label["page"]).is_file() for label in labels)


@pytest.mark.prefect
def test_development_set_meets_the_pinned_floors(prefect_harness: None, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", str(DEV / "labels.jsonl"), str(DEV / "pages")])
    out = capsys.readouterr()
    assert code == 0, out.err + out.out
    assert "false positives on pages without vacancies: 0" in out.out
