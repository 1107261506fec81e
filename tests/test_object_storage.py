"""Raw snapshots and curated tables on object storage (`s3://bucket/prefix`), against a real S3-compatible
server on 127.0.0.1 that the tests start (moto in server mode): the flow end to end, reading the live version
with pandas, pyarrow and DuckDB, a run killed before its pointer PUT, and runs racing for one prefix."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from pipeline.config import BUNDLED_SOURCES, load_sources
from pipeline.documents import RawDocument
from pipeline.errors import InputError, PipelineError, TransientError
from pipeline.load.database import connect, table_folders
from pipeline.load.schemas import PARTITIONED, TABLES
from pipeline.outputs.report import render_report
from pipeline.storage.locations import parse_location, s3_filesystem
from pipeline.storage.objectraw import ObjectRawStore
from pipeline.storage.objectstore import ObjectCuratedStore
from tests.conftest import ROOT
from tests.s3server import S3Server, s3_server
from tests.test_kill import _corpus, _kill_when

NIGHT = dt.date(2025, 11, 20)
STABLE = ["vacancy_id", "title", "salary_min", "salary_max", "closing_date", "employer_name", "status"]


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


def _ingest(corpus: Path, bucket: str, source_id: str = "local", log: Path | None = None) -> subprocess.Popen[bytes]:
    """`pipeline ingest` in a child process with raw and curated on the test server."""
    args = ["ingest", str(corpus), "--source-id", source_id, "--as-of", "2025-11-20"]
    args += ["--raw-dir", f"s3://{bucket}/raw", "--curated-dir", f"s3://{bucket}/curated"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    out = open(log or os.devnull, "wb")  # noqa: SIM115 - the child keeps it open
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdout=out, stderr=subprocess.STDOUT, env=env)


def _pointer(bucket: str) -> dict[str, object]:
    return dict(json.loads(s3_filesystem().cat_file(f"{bucket}/curated/CURRENT.json")))


def _tables(url: str) -> dict[str, pd.DataFrame]:
    """Every live table as a reader sees it, through DuckDB with the s3fs filesystem registered."""
    connection = connect(url)
    return {t: connection.sql(f"select * from {t}").df() for t in TABLES}


def _sorted(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns].astype(str).sort_values(columns).reset_index(drop=True)


@pytest.mark.prefect
def test_the_flow_on_object_storage_matches_a_local_folder(
    prefect_harness: None, samples_curated: Path, s3: S3Server, tmp_path: Path
) -> None:
    from flows.nightly import nightly_flow

    bucket = s3.new_bucket()
    url = f"s3://{bucket}/curated"
    summary = nightly_flow(load_sources(BUNDLED_SOURCES), f"s3://{bucket}/raw", url, NIGHT, echo=False)
    assert summary.pages_read == 9
    remote, local = _tables(url), {t: connect(samples_curated).sql(f"select * from {t}").df() for t in TABLES}
    for table in ("vacancies", "pages", "benefits", "contacts"):
        assert len(remote[table]) == len(local[table]) > 0, table
    pd.testing.assert_frame_equal(_sorted(remote["vacancies"], STABLE), _sorted(local["vacancies"], STABLE))

    # The three readers of the README, resolving the pointer object first.
    pointer = _pointer(bucket)
    live = f"{bucket}/curated/{pointer['path']}"
    assert table_folders(url)["vacancies"] == f"s3://{live}/vacancies"
    with_pandas = pd.read_parquet(
        f"s3://{live}/vacancies/", storage_options={"client_kwargs": {"endpoint_url": s3.endpoint}}
    )
    arrow_fs = pafs.S3FileSystem(endpoint_override=s3.endpoint, access_key="testing", secret_key="testing")
    with_pyarrow = pq.read_table(f"{live}/vacancies/part-0.parquet", filesystem=arrow_fs).to_pandas()
    database = duckdb.connect()
    database.register_filesystem(s3_filesystem())
    glob = f"s3://{live}/vacancy_snapshots/**/*.parquet"
    snapshot_rows = database.sql(f"select count(*) from read_parquet('{glob}', hive_partitioning = true)").fetchall()
    assert len(with_pandas) == len(with_pyarrow) == len(local["vacancies"])
    assert snapshot_rows == [(len(local["vacancy_snapshots"]),)]

    # Raw snapshots are content-addressed objects with their fetch metadata, as in a local raw folder.
    files = s3_filesystem().find(f"{bucket}/raw")
    assert sum("/objects/" in f for f in files) == 9 and sum("/meta/" in f for f in files) == 9

    # A second night reads the pages again from the raw store and publishes a second version, keeping both.
    again = nightly_flow(load_sources(BUNDLED_SOURCES), f"s3://{bucket}/raw", url, NIGHT + dt.timedelta(1), echo=False)
    assert again.pages_unchanged == 9 and again.pages_read == 0
    assert len(_pointer(bucket)["kept"]) == 2  # type: ignore[arg-type]
    assert "Open vacancies" in render_report(url)


def test_raw_store_on_object_storage_keeps_metadata_and_skips_known_content(s3: S3Server) -> None:
    store = ObjectRawStore(f"s3://{s3.new_bucket()}/raw")
    sha, relative = store.put(b"<h1>Residential Support Worker</h1>")
    assert store.put(b"<h1>Residential Support Worker</h1>") == (sha, relative)
    assert store.read(relative) == b"<h1>Residential Support Worker</h1>"
    document = RawDocument(
        source_id="site",
        url="https://example.org/jobs/1",
        fetched_at=dt.datetime(2025, 11, 20, tzinfo=dt.UTC),
        content_sha256=sha,
        raw_path=relative,
        content_type="text/html",
        bytes=35,
    )
    store.record(document)
    assert store.previous("site") == {"https://example.org/jobs/1": document}
    assert store.previous("other") == {}
    with pytest.raises(FileNotFoundError):
        store.read("objects/00/missing")


def test_a_lost_race_refuses_to_replace_the_pointer_and_the_retry_merges(s3: S3Server) -> None:
    url = f"s3://{s3.new_bucket()}/curated"
    first, second = ObjectCuratedStore(url), ObjectCuratedStore(url)
    page: dict[str, list[dict[str, object]]] = {t: [] for t in TABLES}
    with first.lock(), second.lock():  # both runs read the same (empty) live state
        won = first.publish(page)
        with pytest.raises(TransientError, match="another run published"):
            second.publish(page)
    fs = s3_filesystem()
    assert fs.ls(f"{url[5:]}/versions", detail=False) == [won[5:]], "the loser removed its own version"
    with second.lock():  # the retry reads the winner's version and commits on top of it
        merged = second.publish(page)
    pointer = json.loads(fs.cat_file(f"{url[5:]}/CURRENT.json"))
    assert f"s3://{url[5:]}/{pointer['path']}" == merged
    assert pointer["kept"] == [merged.rsplit("/", 1)[1], won.rsplit("/", 1)[1]]


def test_old_unreferenced_versions_are_pruned_and_young_ones_kept(s3: S3Server) -> None:
    url = f"s3://{s3.new_bucket()}/curated"
    base, fs = url[5:], s3_filesystem()
    fs.pipe_file(f"{base}/versions/20200101T000000000000Z-deadbeef/pages/part-0.parquet", b"killed run")
    young = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}-cafecafe"
    fs.pipe_file(f"{base}/versions/{young}/pages/part-0.parquet", b"a run still writing")
    store = ObjectCuratedStore(url)
    for _ in range(4):
        with store.lock():
            store.publish({t: [] for t in TABLES})
    names = {p.rsplit("/", 1)[1] for p in fs.ls(f"{base}/versions", detail=False)}
    pointer = json.loads(fs.cat_file(f"{base}/CURRENT.json"))
    assert names == {*pointer["kept"], young} and len(pointer["kept"]) == 3


def test_a_run_killed_before_its_pointer_put_changes_nothing_readers_see(s3: S3Server, tmp_path: Path) -> None:
    bucket = s3.new_bucket()
    url, fs = f"s3://{bucket}/curated", s3_filesystem()
    assert _ingest(_corpus(tmp_path / "corpus", 300, version=0), bucket).wait(timeout=300) == 0
    before, pointer = _tables(url), _pointer(bucket)
    assert len(before["vacancies"]) == 300

    _corpus(tmp_path / "corpus", 300, version=1)
    run = _ingest(tmp_path / "corpus", bucket)
    versions = f"{bucket}/curated/versions"
    killed = _kill_when(run, lambda: len(fs.ls(versions, detail=False)) > 1, timeout=300)
    assert killed, "the run published before it could be killed"
    assert _pointer(bucket) == pointer, "the pointer was replaced by a killed run"
    after_kill = _tables(url)
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after_kill[table], obj=table)

    assert _ingest(tmp_path / "corpus", bucket).wait(timeout=300) == 0
    final = _tables(url)
    assert sorted(final["vacancies"].salary_min) == sorted(24100 + 10 * n for n in range(300))
    assert len(fs.ls(versions, detail=False)) == 3  # two published versions and the killed run's folder


def test_two_runs_racing_for_one_prefix_both_land(s3: S3Server, tmp_path: Path) -> None:
    bucket = s3.new_bucket()
    north = _corpus(tmp_path / "north", 40, version=0)
    south = _corpus(tmp_path / "south", 40, version=5)
    runs = [_ingest(north, bucket, "north"), _ingest(south, bucket, "south")]
    started = time.monotonic()
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    assert time.monotonic() - started < 300
    tables = _tables(f"s3://{bucket}/curated")
    assert set(tables["pages"].source_id) == {"north", "south"}
    assert tables["pages"].groupby("source_id").size().to_dict() == {"north": 40, "south": 40}
    assert set(tables["source_nights"].source_id) == {"north", "south"}
    assert set(tables["vacancy_snapshots"].source_id) == {"north", "south"}
    for table in PARTITIONED:
        assert len(tables[table]) > 0


def test_locations_are_checked_with_one_line_errors() -> None:
    assert parse_location("s3://bucket/some/prefix/") == "s3://bucket/some/prefix"
    assert parse_location("curated") == Path("curated")
    with pytest.raises(InputError, match="needs a bucket"):
        parse_location("s3://")
    with pytest.raises(InputError, match="only local folders and s3://"):
        parse_location("gs://bucket/prefix")


def test_a_pointer_that_is_not_json_is_a_one_line_error(s3: S3Server) -> None:
    url = f"s3://{s3.new_bucket()}/curated"
    s3_filesystem().pipe_file(f"{url[5:]}/CURRENT.json", b"<html>not a pointer</html>")
    with pytest.raises(PipelineError, match=r"CURRENT.json is not a pointer object"):
        ObjectCuratedStore(url).read_rows("pages")
