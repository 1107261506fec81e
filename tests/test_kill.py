"""A real run killed with SIGKILL, during extraction and during the write, leaves the curated data readable
(the previous complete version) and the next run completes normally."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.load.schemas import PARTITIONED, TABLES
from tests.conftest import ROOT

ADVERT = "{title}\n\nSalary: £{low:,} - £{high:,} per annum\nClosing date: {closing:%-d %B %Y}\nHours: 37 a week\n"
TITLES = ("Residential Support Worker", "Senior Residential Worker", "Night Care Worker", "Social Worker")


def _corpus(folder: Path, pages: int, version: int) -> Path:
    """Generated adverts; `version` changes every salary so the next run has work to do."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(pages):
        low = 24000 + 10 * n + 100 * version
        closing = dt.date(2025, 12, 1) + dt.timedelta(days=n)  # one advert per closing date: 300 vacancies
        text = ADVERT.format(title=TITLES[n % 4], low=low, high=low + 3000, closing=closing)
        (folder / f"advert-{n:04d}.txt").write_text(text, encoding="utf-8")
    return folder


def _start(corpus: Path, base: Path, log: Path | None = None) -> subprocess.Popen[bytes]:
    """`pipeline ingest` in a child process, its output (Prefect's log lines) in `log`."""
    args = ["ingest", str(corpus), "--raw-dir", str(base / "raw"), "--curated-dir", str(base / "curated")]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    command = [sys.executable, "-m", "pipeline", *args, "--as-of", "2025-11-20"]
    out = open(log or os.devnull, "wb")  # noqa: SIM115 - the child keeps it open
    return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)


def _tables(curated: Path) -> dict[str, pd.DataFrame]:
    """Every live table as readers see it: pandas for plain tables, DuckDB for the partitioned one."""
    frames = {t: pd.read_parquet(curated / t) for t in TABLES if t not in PARTITIONED}
    for table in PARTITIONED:
        glob = str(curated / table / "**" / "*.parquet")
        relation = duckdb.sql(f"select * from read_parquet('{glob}', hive_partitioning=true)")
        assert relation is not None
        frames[table] = relation.df()
    return frames


def _same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    for table, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[table], obj=table)


def _kill_when(proc: subprocess.Popen[bytes], ready: object, timeout: float = 180) -> bool:
    """SIGKILL the run as soon as `ready()` holds; False when the run ended first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return True
        time.sleep(0.0005)
    proc.wait(timeout=30)
    return False


def test_runs_killed_during_extraction_and_during_the_write(tmp_path: Path) -> None:
    base = tmp_path / "work"
    curated = base / "curated"
    first = _start(_corpus(tmp_path / "corpus", 300, version=0), base)
    assert first.wait(timeout=300) == 0
    before = _tables(curated)
    assert len(before["vacancies"]) == 300

    # 1. Killed while extracting (its log says so): nothing of the new night is published.
    _corpus(tmp_path / "corpus", 300, version=1)
    log = tmp_path / "run.log"
    run = _start(tmp_path / "corpus", base, log)
    assert _kill_when(run, lambda: b"extracting 300 changed pages" in log.read_bytes())
    _same(before, _tables(curated))

    # 2. Killed during the write: the staging version exists beside the live one.
    staging = curated / ".versions"
    run = _start(tmp_path / "corpus", base)
    killed = _kill_when(run, lambda: any(p.name.startswith(".tmp-") for p in staging.iterdir()))
    assert killed, "the run published before it could be killed"
    _same(before, _tables(curated))
    assert any(p.name.startswith(".tmp-") for p in staging.iterdir()), "the kill left a partial version behind"

    # 3. The next run completes normally and cleans up the partial version.
    final = _start(tmp_path / "corpus", base)
    assert final.wait(timeout=300) == 0
    after = _tables(curated)
    assert not any(p.name.startswith(".tmp-") for p in staging.iterdir())
    assert len(after["vacancies"]) == 300
    assert sorted(after["vacancies"].salary_min) == sorted(24100 + 10 * n for n in range(300))
    assert after["vacancy_snapshots"].vacancy_id.nunique() == 300
