"""Load: atomic publish, idempotence, merging runs, and a run killed mid-write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from pipeline.acquire.local import acquire_files
from pipeline.acquire.rawstore import RawStore
from pipeline.config import Source
from pipeline.load.publish import CuratedStore
from pipeline.load.schemas import TABLES
from pipeline.runner import run_night
from tests.conftest import ROOT, seed


def _ingest(paths: list[Path], raw: Path, curated: Path, source_id: str = "local") -> None:
    run_night([Source(source_id, None, tuple(paths), additive=True)], raw, curated, dt.date(2025, 11, 20))


def _snapshot(curated: Path) -> dict[str, pd.DataFrame]:
    return {table: pd.read_parquet(curated / table) for table in TABLES}


def test_same_input_twice_gives_the_same_rows(tmp_path: Path) -> None:
    paths = [seed("001"), seed("004")]
    _ingest(paths, tmp_path / "raw", tmp_path / "curated")
    first = _snapshot(tmp_path / "curated")
    _ingest(paths, tmp_path / "raw", tmp_path / "curated")
    second = _snapshot(tmp_path / "curated")
    for table in TABLES:
        pd.testing.assert_frame_equal(first[table], second[table], obj=table)
    assert len(first["vacancies"]) == 7


def test_later_runs_add_pages_and_replace_pages_read_again(tmp_path: Path) -> None:
    page = tmp_path / "advert.txt"
    page.write_text("Residential Support Worker\n\nSalary: £25,000 - £27,000\nClosing date: 8 December 2025\n")
    _ingest([seed("001")], tmp_path / "raw", tmp_path / "curated")
    _ingest([page], tmp_path / "raw", tmp_path / "curated")
    assert len(pd.read_parquet(tmp_path / "curated" / "vacancies")) == 8
    page.write_text("Residential Support Worker\n\nSalary: £26,000 - £28,000\nClosing date: 8 December 2025\n")
    _ingest([page], tmp_path / "raw", tmp_path / "curated")
    vacancies = pd.read_parquet(tmp_path / "curated" / "vacancies")
    assert len(vacancies) == 8
    assert vacancies.loc[vacancies.title == "Residential Support Worker", "salary_min"].tolist() == [26000]
    assert len(pd.read_parquet(tmp_path / "curated" / "pages")) == 2


def test_a_folder_without_pages_is_a_reject_not_silence(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.pdf").write_bytes(b"%PDF")
    documents, rejects = acquire_files([tmp_path / "in"], "local", RawStore(tmp_path / "raw"))
    assert documents == []
    assert [r.reason for r in rejects] == ["folder holds no .html, .htm or .txt files"]


def test_raw_snapshots_are_content_addressed(tmp_path: Path) -> None:
    documents, _ = acquire_files([seed("001")], "local", RawStore(tmp_path))
    (document,) = documents
    assert document.raw_path.endswith(document.content_sha256)
    assert (tmp_path / document.raw_path).read_bytes() == seed("001").read_bytes()
    assert list((tmp_path / "meta" / "local").glob("*.json"))


def test_a_failed_publish_leaves_the_previous_version(tmp_path: Path) -> None:
    _ingest([seed("001")], tmp_path / "raw", tmp_path / "curated")
    before = _snapshot(tmp_path / "curated")
    store = CuratedStore(tmp_path / "curated")
    rows = {table: store.read_rows(table) for table in TABLES}
    rows["rejects"] = [{"source_id": "x", "url": "y", "stage": "decode", "reason": None, "run_id": "r"}]
    with pytest.raises(pa.ArrowInvalid, match=r"'reason' is declared non-nullable"):
        store.publish(rows)  # `reason` is not nullable: the last table fails after the others were written
    after = _snapshot(tmp_path / "curated")
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)
    _ingest([seed("004")], tmp_path / "raw", tmp_path / "curated")
    assert not list((tmp_path / "curated" / ".versions").glob(".tmp-*")), "partial versions are cleaned up"


def test_every_column_is_described_and_the_dictionary_is_current() -> None:
    from pipeline.load.dictionary import render_dictionary

    for name, schema in TABLES.items():
        for field in schema:
            assert field.metadata and field.metadata.get(b"description"), f"{name}.{field.name}"
    assert (ROOT / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8") == render_dictionary(), (
        "docs/DATA_DICTIONARY.md is stale: run `make dictionary`"
    )
