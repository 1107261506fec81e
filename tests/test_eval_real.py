"""The real-page evaluation set: its labels, its fixed held-out split, and the floors it must meet."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.evaluation import load_floors, load_labels
from tests.conftest import ROOT, shared_path

REAL = ROOT / "eval" / "real"
FOLDERS = ("corpus/pages", "fixtures/teaching-vacancies/pages", "fixtures/civil-service-jobs")
ROLE_KEYS = {"title", "aliases", "salary_min", "salary_max", "salary_period", "closing_date", "hours", "contract"}
PERIODS = {"year", "month", "week", "day", "hour"}
HOURS = {"full-time", "part-time"}
CONTRACTS = {"permanent", "temporary", "fixed-term", "casual", "zero-hours", "agency"}
BENEFITS = {
    "pension", "annual_leave", "family_leave", "flexible_working", "cycle_to_work", "car_or_travel", "wellbeing",
    "discounts", "training", "professional_fees", "relocation", "enhancements", "other",
}  # fmt: skip


def held_out(file_name: str) -> bool:
    """The written rule: a page is held out when sha256 of its file name is 0 modulo 3."""
    return int(hashlib.sha256(file_name.encode()).hexdigest(), 16) % 3 == 0


def _labels() -> list[dict[str, Any]]:
    return load_labels(REAL / "labels.jsonl")


def test_every_label_follows_the_format_and_the_split_rule() -> None:
    labels = _labels()
    assert len({label["page"] for label in labels}) == len(labels), "each page is labelled once"
    for label in labels:
        page = str(label["page"])
        assert label["split"] == ("holdout" if held_out(page) else "dev"), page
        for role in label["roles"]:
            assert set(role) <= ROLE_KEYS and role.get("title"), (page, role)
            assert role.get("salary_period", "year") in PERIODS, page
            assert role.get("hours", "full-time") in HOURS and role.get("contract", "permanent") in CONTRACTS, page
            if "salary_min" in role and "salary_max" in role:
                assert role["salary_min"] <= role["salary_max"], page
        assert set(label["benefits"]) <= BENEFITS, page
        for phone in label["contacts"].get("phones", []):
            assert phone.startswith("+44") and phone[1:].isdigit(), (page, phone)


def test_a_third_is_held_out_and_both_parts_have_pages_with_and_without_roles() -> None:
    labels = _labels()
    held = [label for label in labels if label["split"] == "holdout"]
    assert 0.3 <= len(held) / len(labels) <= 0.4
    for part in (held, [label for label in labels if label["split"] == "dev"]):
        assert sum(1 for label in part if label["roles"]) >= 10
        assert sum(1 for label in part if not label["roles"]) >= 10


def test_every_page_of_the_three_collections_is_labelled() -> None:
    labelled = {str(label["page"]) for label in _labels()}
    pages = {p.name for folder in FOLDERS for p in shared_path(folder).iterdir() if p.suffix in (".txt", ".html")}
    assert pages == labelled


def test_labels_never_copy_the_pages_sentences() -> None:
    """Notes describe; a label holds facts. No note repeats 60 characters of its page."""
    for label in _labels():
        note = str(label.get("note") or "")
        if len(note) < 60:
            continue
        folder = next(f for f in FOLDERS if (shared_path(f) / str(label["page"])).is_file())
        page = shared_path(folder) / str(label["page"])
        text = " ".join(page.read_text(encoding="utf-8", errors="replace").split())
        assert not any(note[i : i + 60] in text for i in range(len(note) - 59)), label["page"]


def test_the_floors_file_pins_both_parts() -> None:
    floors = load_floors(REAL / "floors.yaml")
    assert set(floors.splits) == {"dev", "holdout"}
    assert floors.max_no_vacancy_false_positives is not None


@pytest.mark.prefect
def test_real_pages_meet_the_pinned_floors(prefect_harness: None, capsys: pytest.CaptureFixture[str]) -> None:
    folders = [str(shared_path(folder)) for folder in FOLDERS]
    code = main(["eval", str(REAL / "labels.jsonl"), *folders, "--floors", str(REAL / "floors.yaml")])
    out = capsys.readouterr()
    assert code == 0, out.err + out.out
    assert "== split dev" in out.out and "== split holdout" in out.out


def test_labels_file_is_json_lines() -> None:
    for line in (REAL / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        assert isinstance(json.loads(line), dict)


def test_shared_path_skips_without_the_shared_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import tests.conftest as conftest

    monkeypatch.setattr(conftest, "SHARED", tmp_path / "nowhere")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not beside this checkout"):
        conftest.shared_path("corpus")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="not beside this checkout"):
        conftest.shared_path("corpus")
