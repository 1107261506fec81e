"""`pipeline eval`: scoring, the labels format, and the pinned floors on the development set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.errors import ConfigError
from pipeline.eval_flow import locate_pages
from pipeline.evaluation import (
    Report,
    Score,
    below_floors,
    employer_key,
    load_floors,
    load_labels,
    match_key,
    render,
    score_labels,
    score_page,
    splits_of,
)
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
    floors.write_text(
        "as_of: 2026-11-30\nmax_no_vacancy_false_positives: 0\nfloors: {roles: 0.5}\n"
        "split_floors: {dev: {roles: 0.9}, holdout: {salary: 0.8}}\n"
    )
    pinned = load_floors(floors)
    assert pinned.overall == {"roles": 0.5} and pinned.splits["holdout"] == {"salary": 0.8}
    assert pinned.max_no_vacancy_false_positives == 0 and str(pinned.as_of) == "2026-11-30"


def test_titles_match_across_dashes_ampersands_plurals_and_aliases() -> None:
    assert match_key("Principal Child & Adolescent Psychotherapist") == match_key(
        "Principal Child and Adolescent Psychotherapist"
    )
    assert match_key("Portage Worker – SEND and Inclusion") == match_key("Portage Worker - SEND and Inclusion")
    assert match_key("Teachers of Mathematics") == match_key("Teacher of Mathematics")
    assert match_key("Teacher") != match_key("Teacher of Health and Social Care"), "a cut title is a different title"
    label = {"page": "p", "roles": [{"title": "Team Manager - Adoption Team", "aliases": ["Team Manager - Adoption"]}]}
    report = Report()
    score_page(report, label, _predicted([{"title": "Team Manager – Adoption"}]))
    assert (report.scores["roles"].tp, report.scores["roles"].fp) == (1, 0)


def test_employers_and_contact_names_compare_without_case_punctuation_or_honorifics() -> None:
    assert employer_key("NHS Greater Glasgow & Clyde") == employer_key("NHS Greater Glasgow and Clyde")
    assert employer_key("The English Martyrs School") == employer_key("English Martyrs School")
    assert employer_key(None) is None
    label = {"page": "p", "roles": [], "contacts": {"names": ["Mrs Hogg"], "emails": ["A.B@School.org.uk"]}}
    predicted = _predicted([])
    predicted["contacts"] = {"names": {"Hogg"}, "phones": set(), "emails": {"a.b@school.org.uk"}, "postcodes": set()}
    report = Report()
    score_page(report, label, predicted)
    assert report.scores["contact_names"].tp == 1 and report.scores["contact_emails"].tp == 1


def test_splits_are_scored_apart_and_pages_are_found_in_several_folders(tmp_path: Path) -> None:
    labels: list[dict[str, Any]] = [
        {"page": "a.txt", "split": "dev", "roles": [{"title": "Social Worker"}]},
        {"page": "b.html", "split": "holdout", "roles": []},
    ]
    assert splits_of(labels) == ["dev", "holdout"]
    report = score_labels([labels[0]], {"a.txt": _predicted([{"title": "Social Worker"}])})
    assert report.scores["roles"].tp == 1 and len(report.pages) == 1
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "a.txt").write_text("x")
    (two / "b.html").write_text("y")
    assert locate_pages(labels, [one, two]) == [one / "a.txt", two / "b.html"]
    (two / "a.txt").write_text("x")
    with pytest.raises(ConfigError, match="more than one folder"):
        locate_pages(labels, [one, two])
    with pytest.raises(ConfigError, match="not in"):
        locate_pages([{"page": "c.txt"}], [one, two])


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
