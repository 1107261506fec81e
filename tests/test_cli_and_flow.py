"""The `pipeline` command and the Prefect flow: bad input, rejects, batching, retries."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from prefect.states import Failed

from flows.nightly import nightly_flow, retry_transient_only
from pipeline.cli import main
from pipeline.config import BUNDLED_SOURCES, load_sources
from pipeline.errors import ConfigError, InputError, TransientError
from tests.conftest import seed

pytestmark = pytest.mark.prefect


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_missing_path_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ingest", str(tmp_path / "nope.html"), "--curated-dir", str(tmp_path / "c")])
    assert code == 2
    assert "no such file" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "c").exists(), "nothing half-written"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sources: [", "not valid YAML"),
        ("sources: []", "at least one source"),
        ("sources:\n  - id: Bad Id\n    paths: [x]\n", "'id' must be"),
        ("sources:\n  - id: a\n", "'start_urls'/'sitemap'/'feeds' must be given"),
        ("sources:\n  - id: a\n    start_urls: [ftp://x]\n", "not an http"),
        ("sources:\n  - id: a\n    start_urls: [http://x]\n    follow: ['(']\n", "bad 'follow' pattern"),
        ("sources:\n  - id: a\n    paths: [x]\n  - id: a\n    paths: [y]\n", "duplicate source id"),
    ],
)
def test_malformed_sources_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_sources(sources)
    assert main(["run", "--sources", str(sources), "--curated-dir", str(tmp_path / "c")]) == 2
    assert message.strip("'") in _one_line(capsys.readouterr().err)


def test_missing_sources_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--sources", str(tmp_path / "none.yaml")]) == 2
    assert "sources file not found" in _one_line(capsys.readouterr().err)


def test_bad_documents_are_rejected_with_reasons_and_the_rest_goes_on(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.html").write_bytes(b"")
    (folder / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "broken.html").write_text("<html><body><h1>Family Support Worker<p>Salary: £24,000<p>Closes 9 Jan 2026")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    curated = tmp_path / "curated"
    code = main(
        [
            "ingest",
            str(folder),
            str(seed("001")),
            str(folder / "notes.pdf"),
            "--curated-dir",
            str(curated),
            "--raw-dir",
            str(tmp_path / "raw"),
            "--as-of",
            "2025-12-01",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1, "an unreadable input makes the exit code non-zero"
    assert (
        captured.err.splitlines()[-1]
        == "error: 3 input(s) rejected (acquire 1, decode 2); each is in the rejects table"
    )
    rejects = pd.read_parquet(curated / "rejects").set_index("url")
    reasons = {Path(url).name: reason for url, reason in rejects.reason.items()}
    assert reasons["empty.html"] == "empty document"
    assert "binary" in reasons["picture.html"]
    assert "unsupported file type" in reasons["notes.pdf"]
    vacancies = pd.read_parquet(curated / "vacancies")
    assert "Family Support Worker" in set(vacancies.title)
    assert vacancies.loc[vacancies.title == "Family Support Worker", "closing_date"].tolist() == [dt.date(2026, 1, 9)]
    assert len(vacancies) == 8
    pages = pd.read_parquet(curated / "pages")
    assert len(pages) + len(rejects) == 5, "every input ends up in a table"


def test_run_with_no_arguments_uses_the_bundled_samples(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "9 pages read" in out and "curated tables" in out
    assert len(pd.read_parquet(tmp_path / "curated" / "pages")) == 9
    assert list((tmp_path / "raw" / "objects").rglob("*"))


def test_flow_batches_pages_into_few_tasks(prefect_harness: None, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    sources = load_sources(BUNDLED_SOURCES)
    state = nightly_flow(sources, str(tmp_path / "raw"), str(tmp_path / "curated"), None, return_state=True)
    summary = state.result()
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    assert summary.pages_read == 9 and summary.vacancies == 14
    expected = len(sources) + 1 + 1  # one acquire task per source, one extract chunk, one publish
    runs: Sequence[object] = []
    with get_client(sync_client=True) as client:
        for _ in range(50):  # the server records task runs from events, after the flow returns: wait for them
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            if len(runs) >= expected:
                break
            time.sleep(0.2)
    assert len(runs) == expected, "one acquire task per source, one extract chunk, one publish"


def test_extract_chunks_run_one_at_a_time_on_the_default_runner(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Threads share one interpreter lock: chunks side by side would only contend (flows/nightly.py).
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    import pipeline.runner

    monkeypatch.setattr(pipeline.runner, "CHUNK_SIZE", 3)
    state = nightly_flow(load_sources(BUNDLED_SOURCES), str(tmp_path / "raw"), str(tmp_path / "curated"), None,
                         return_state=True)  # fmt: skip
    assert state.result().vacancies == 14
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    chunks: list[Any] = []
    with get_client(sync_client=True) as client:
        for _ in range(50):  # task runs are recorded from events, after the flow returns
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            chunks = sorted(
                (r for r in runs if r.name.startswith("extract-chunk") and r.end_time), key=lambda r: r.start_time
            )
            if len(chunks) == 3:
                break
            time.sleep(0.2)
    assert len(chunks) == 3
    assert all(later.start_time >= earlier.end_time for earlier, later in itertools.pairwise(chunks))


def test_only_transient_errors_are_retried() -> None:
    assert retry_transient_only(None, None, Failed(data=TransientError("timeout")))
    assert not retry_transient_only(None, None, Failed(data=InputError("empty document")))
    assert not retry_transient_only(None, None, Failed(data=ValueError("bug")))


def test_the_real_council_sources_file_is_valid() -> None:
    from tests.conftest import ROOT

    sources = load_sources(ROOT / "sources" / "english-councils.yaml")
    assert len(sources) >= 7 and all(s.crawl and s.crawl.start_urls for s in sources)
    assert all(s.politeness.min_delay >= 5 and s.politeness.max_concurrency == 1 for s in sources)


def test_prefects_log_is_hidden_unless_verbose_and_progress_stays(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    pipeline = Path(sys.executable).with_name("pipeline")
    base = [str(pipeline), "ingest", str(BUNDLED_SOURCES.parent / "pages"), "--as-of", "2025-11-20"]

    def run(name: str, *extra: str) -> str:
        where = ["--raw-dir", str(tmp_path / name / "raw"), "--curated-dir", str(tmp_path / name / "curated")]
        done = subprocess.run([*base, *where, *extra], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stderr

    quiet = run("quiet")
    assert "extracted 9 of 9 changed pages" in quiet and "source local: 9 pages to extract" in quiet
    assert "| INFO" not in quiet and "temporary server" not in quiet
    verbose = run("verbose", "--verbose")
    assert "| INFO" in verbose and "extracted 9 of 9 changed pages" in verbose
