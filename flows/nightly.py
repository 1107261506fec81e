"""The nightly Prefect flow: acquire each source, extract in batches, publish atomically.

Tasks are per source (acquire) and per chunk of pages (extract), never per page: a Prefect task run
costs tens of milliseconds. Only TransientError is retried.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline.acquire.local import Reject
from pipeline.acquire.politeness import end_run
from pipeline.config import Source
from pipeline.documents import RawDocument
from pipeline.errors import TransientError
from pipeline.runner import (
    Acquired,
    RunSummary,
    acquire_source,
    extract_documents,
    make_run_id,
    publish_run,
    summarise,
)

CHUNK_SIZE = 200  # pages per extract task


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
    acquired = acquire_source(source, Path(raw_dir), run_token)
    get_run_logger().info(
        "source %s: %d pages fetched, %d unchanged, %d failed",
        source.id,
        len(acquired.documents),
        len(acquired.unchanged),
        len(acquired.rejects),
    )
    return acquired


@task(name="extract-chunk", cache_policy=NO_CACHE)
def extract_task(
    documents: list[RawDocument], raw_dir: str, as_of: dt.date | None, run_id: str
) -> tuple[dict[str, list[dict[str, Any]]], list[Reject]]:
    """Extract and normalise a chunk of pages."""
    rows, rejects = extract_documents(documents, Path(raw_dir), as_of, run_id)
    get_run_logger().info(
        "extracted %d pages: %d vacancies, %d rejected",
        len(documents),
        len(rows.get("vacancy_sightings", [])),
        len(rejects),
    )
    return rows, rejects


@task(name="publish", retries=2, retry_delay_seconds=2, retry_condition_fn=retry_transient_only, cache_policy=NO_CACHE)
def publish_task(
    curated_dir: str,
    rows: dict[str, list[dict[str, Any]]],
    rejects: list[Reject],
    inputs: set[tuple[str, str]],
    run_id: str,
) -> tuple[dict[str, list[dict[str, Any]]], Path]:
    """Merge and publish the curated tables atomically."""
    return publish_run(Path(curated_dir), rows, rejects, inputs, run_id)


def _chunks(documents: list[RawDocument], size: int) -> list[list[RawDocument]]:
    return [documents[i : i + size] for i in range(0, len(documents), size)]


@flow(name="nightly-recruitment", log_prints=False)
def nightly_flow(
    sources: list[Source], raw_dir: str = "raw", curated_dir: str = "curated", as_of: dt.date | None = None
) -> RunSummary:
    """Run every source through acquire -> extract -> publish and return the run summary."""
    logger = get_run_logger()
    run_token = uuid.uuid4().hex
    try:
        acquired = [future.result() for future in [acquire_task.submit(s, raw_dir, run_token) for s in sources]]
    finally:
        end_run(run_token)
    documents = [d for a in acquired for d in a.documents]
    unchanged = [d for a in acquired for d in a.unchanged]
    rejects: list[Reject] = [r for a in acquired for r in a.rejects]
    run_id = make_run_id([*documents, *unchanged], rejects, as_of)
    rows: dict[str, list[dict[str, Any]]] = {
        "fetch_log": [{**row, "run_id": run_id} for a in acquired for row in a.fetch_log]
    }
    for future in [extract_task.submit(chunk, raw_dir, as_of, run_id) for chunk in _chunks(documents, CHUNK_SIZE)]:
        chunk_rows, bad = future.result()
        for table, table_rows in chunk_rows.items():
            rows.setdefault(table, []).extend(table_rows)
        rejects.extend(bad)
    # Unchanged pages are not inputs: their rows from earlier runs stay as they are.
    inputs = {(d.source_id, d.url) for d in documents} | {(r.source_id, r.url) for r in rejects}
    merged, version = publish_task(curated_dir, rows, rejects, inputs, run_id)
    summary = summarise(run_id, rows, merged, rejects, Path(raw_dir), Path(curated_dir), version, unchanged)
    for source_id, counts in sorted(summary.per_source.items()):
        logger.info("source %s: %s", source_id, ", ".join(f"{k} {v}" for k, v in counts.items()))
    return summary
