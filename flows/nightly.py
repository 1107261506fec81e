"""The nightly Prefect flow: acquire each source, extract in batches, publish atomically.

Tasks are per source (acquire) and per chunk of pages (extract), never per page: a Prefect task run
costs tens of milliseconds. Only TransientError is retried.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from pipeline.acquire.local import Reject
from pipeline.config import BUNDLED_SOURCES, Source, load_sources
from pipeline.documents import RawDocument
from pipeline.errors import TransientError
from pipeline.extract.limits import Limits
from pipeline.load.night import Night, Published
from pipeline.run_artifacts import markdown_summary, source_counts
from pipeline.runner import CHUNK_SIZE, Acquired, Stages, acquire_source, extract_documents, publish_run, run_night
from pipeline.storage.locations import Location, parse_location
from pipeline.summary import RunSummary

# Extract tasks running at once on the default runner. Its threads share one interpreter lock: running chunks
# side by side gains nothing, and it cost a 5,000-page night 20-30% more time (GIL contention with the task
# engine) and more memory (every chunk in flight); bench/scale.py.
EXTRACT_IN_FLIGHT = 1


def retry_transient_only(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect retry condition: retry a task only when it failed with a TransientError."""
    error = state.data
    if not isinstance(error, BaseException):
        try:
            error = state.result(raise_on_failure=False)
        except Exception:  # the state holds no readable result: do not retry
            return False
    return isinstance(error, TransientError)


# Tasks are never cached: every night must read its inputs afresh, and hashing the rows would cost time.
# Acquire is not retried here: the fetcher retries transient HTTP failures itself (one retry layer).
@task(name="acquire-source", cache_policy=NO_CACHE)
def acquire_task(source: Source, raw_dir: str, run_token: str) -> Acquired:
    """Snapshot one source's local pages and crawl its web pages into raw/."""
    logger = get_run_logger()
    acquired = acquire_source(source, parse_location(raw_dir), run_token, progress=logger.info)
    logger.info(
        "source %s acquired: %d pages fetched, %d unchanged (304 or not due), %d failed",
        source.id,
        len(acquired.documents),
        len(acquired.unchanged),
        len(acquired.rejects),
    )
    return acquired


@task(name="extract-chunk", cache_policy=NO_CACHE)
def extract_task(
    documents: list[RawDocument],
    raw_dir: str,
    as_of: dt.date | None,
    run_id: str,
    night: dt.date,
    label: str,
    limits: Limits,
) -> tuple[dict[str, list[dict[str, Any]]], list[Reject]]:
    """Extract and normalise a chunk of pages."""
    rows, rejects = extract_documents(documents, parse_location(raw_dir), as_of, run_id, night, limits)
    get_run_logger().info(
        "extracted chunk %s: %d pages, %d vacancy sightings, %d rejected",
        label,
        len(documents),
        len(rows.get("vacancy_sightings", [])),
        len(rejects),
    )
    return rows, rejects


@task(name="publish", retries=2, retry_delay_seconds=2, retry_condition_fn=retry_transient_only, cache_policy=NO_CACHE)
def publish_task(
    curated_dir: Location,
    rows: dict[str, list[dict[str, Any]]],
    rejects: list[Reject],
    inputs: set[tuple[str, str]],
    night: Night,
) -> Published:
    """Validate, merge, add the night to the history and publish the curated tables atomically."""
    return publish_run(curated_dir, rows, rejects, inputs, night)


def _publish_quoted(
    curated_dir: Location,
    rows: dict[str, list[dict[str, Any]]],
    rejects: list[Reject],
    inputs: set[tuple[str, str]],
    night: Night,
) -> Published:
    """The publish task, its big arguments quoted: Prefect would otherwise walk every row looking for
    futures (seconds per 10,000 rows; bench/scale.py)."""
    return publish_task(curated_dir, quote(rows), quote(rejects), quote(inputs), night)  # type: ignore[call-overload]


def _acquire_with_tasks(sources: Sequence[Source], raw_dir: Location, run_token: str) -> list[Acquired]:
    """One acquire task per source, run concurrently (politeness is per host, shared by the run)."""
    futures = [acquire_task.submit(source, str(raw_dir), run_token) for source in sources]
    return [future.result() for future in futures]


def _acquire_in_threads(sources: Sequence[Source], raw_dir: Location, run_token: str) -> list[Acquired]:
    """Acquire every source in this process, on threads (with a distributed task runner: the run's per-host
    politeness lives in this process, so crawling never leaves it)."""
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(sources)))) as pool:
        return list(pool.map(lambda source: acquire_source(source, raw_dir, run_token), sources))


def _extract_with_tasks(
    chunks: list[list[RawDocument]],
    raw_dir: Location,
    as_of: dt.date | None,
    run_id: str,
    night: dt.date,
    limits: Limits,
    in_flight: int | None = EXTRACT_IN_FLIGHT,
) -> Iterator[tuple[dict[str, list[dict[str, Any]]], list[Reject]]]:
    """One extract task per chunk of pages, at most `in_flight` of them running at once (None: all submitted
    at once, for Dask); results in chunk order. On the default (thread) runner the chunk is quoted, not
    searched for futures; Dask ships it as it is."""
    quoted = in_flight is not None
    pending: deque[Any] = deque()
    for i, chunk in enumerate(chunks):
        pending.append(
            extract_task.submit(
                quote(chunk) if quoted else chunk,  # type: ignore[arg-type]
                str(raw_dir),
                as_of,
                run_id,
                night,
                f"{i + 1}/{len(chunks)}",
                limits,
            )
        )
        if in_flight is not None and len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _publish_artifacts(summary: RunSummary) -> None:
    """The run's Prefect artifacts: counts per source (table) and a markdown summary."""
    create_table_artifact(
        key="nightly-source-counts", table=source_counts(summary), description=f"Night {summary.snapshot_date}"
    )
    create_markdown_artifact(
        key="nightly-summary", markdown=markdown_summary(summary), description=f"Night {summary.snapshot_date}"
    )


def dask_chunk_size(pages: int, workers: int) -> int:
    """Pages per extract task on Dask: about four tasks per worker, between 50 and 200 pages (a task costs
    tens of milliseconds to schedule and ship; a page about 6 ms to extract: bench/dask_runner.py)."""
    return max(50, min(CHUNK_SIZE, -(-pages // (4 * max(1, workers)))))


def _night(
    sources: list[Source],
    raw_dir: str,
    curated_dir: str,
    as_of: dt.date | None,
    reextract: bool,
    echo: bool = False,
    dask_workers: int = 0,
) -> RunSummary:
    logger = get_run_logger()

    def log(message: str) -> None:
        logger.info(message)
        if echo:  # progress on stderr even when Prefect's log is hidden
            print(message, file=sys.stderr, flush=True)

    stages = Stages(_acquire_with_tasks, _extract_with_tasks, _publish_quoted, log)
    if dask_workers:  # extraction goes to the Dask workers; acquisition and publishing stay here
        stages.acquire = _acquire_in_threads
        stages.extract = functools.partial(_extract_with_tasks, in_flight=None)
        stages.chunk_size = lambda pages: dask_chunk_size(pages, dask_workers)
    summary = run_night(sources, parse_location(raw_dir), parse_location(curated_dir), as_of, reextract, stages)
    _publish_artifacts(summary)
    return summary


@flow(name="nightly-recruitment", log_prints=False)
def nightly_flow(
    sources: list[Source],
    raw_dir: str = "raw",
    curated_dir: str = "curated",
    as_of: dt.date | None = None,
    reextract: bool = False,
    echo: bool = False,
    dask_workers: int = 0,
) -> RunSummary:
    """Run every source through acquire -> extract -> validate -> publish and return the run summary.

    The run is the night `as_of` (default: today, UTC). Pages unchanged since they were last read are not
    extracted again unless `reextract` is set (after upgrading the pipeline). `echo` also prints the progress
    lines to stderr (the CLI does, when Prefect's own log is hidden). `dask_workers` (set by dask_flow) sizes
    the extract batches for a Dask task runner and keeps acquisition in this process."""
    return _night(sources, raw_dir, curated_dir, as_of, reextract, echo, dask_workers)


def dask_flow(address: str | None = None, workers: int = 2) -> Any:
    """nightly_flow on prefect-dask's DaskTaskRunner: on the cluster at `address`, else on a local cluster of
    `workers` processes. Call it with the nightly_flow arguments plus dask_workers."""
    from prefect_dask import DaskTaskRunner

    runner = (
        DaskTaskRunner(address=address)
        if address
        else DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    )
    return nightly_flow.with_options(task_runner=runner)  # type: ignore[arg-type]  # a PrefectDaskFuture runner


@flow(name="nightly-recruitment-deployment", log_prints=False)
def scheduled_nightly(
    sources_file: str | None = None,
    raw_dir: str = "raw",
    curated_dir: str = "curated",
    reextract: bool = False,
) -> dict[str, Any]:
    """The deployment's entry point (`pipeline serve`, prefect.yaml): the nightly run over a sources file
    (default: the bundled samples), with JSON parameters only. Returns the run summary as a dict."""
    sources = load_sources(Path(sources_file) if sources_file else BUNDLED_SOURCES)
    return _night(sources, raw_dir, curated_dir, None, reextract).as_dict()
