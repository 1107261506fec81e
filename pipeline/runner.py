"""The stages of a run as plain functions: acquire -> extract + normalise -> merge + publish.

Flows in flows/ call these and add batching, retries, logging and scheduling.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pipeline.acquire.crawl import Crawler, normalise_url
from pipeline.acquire.local import Reject, acquire_files
from pipeline.acquire.politeness import end_run, for_run
from pipeline.config import Source
from pipeline.documents import RawDocument, short_hash
from pipeline.errors import InputError
from pipeline.extract.decode import decode_bytes
from pipeline.extract.limits import Limits
from pipeline.extract.page import extract_page
from pipeline.load.history import SourceNight
from pipeline.load.night import Night, Published, publish_night
from pipeline.normalise.rows import page_id, page_rows
from pipeline.storage.locations import Location
from pipeline.storage.stores import curated_store, raw_store
from pipeline.summary import RunSummary, source_line, summarise

Rows = dict[str, list[dict[str, Any]]]


@dataclass
class Acquired:
    """What acquiring a source gave: changed documents, documents unchanged since the last run (not
    re-extracted), rejects, and the fetch log of its crawl."""

    documents: list[RawDocument] = field(default_factory=list)
    unchanged: list[RawDocument] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    fetch_log: list[dict[str, Any]] = field(default_factory=list)


def acquire_source(
    source: Source, raw_dir: Location, run_token: str = "default", progress: Callable[[str], None] | None = None
) -> Acquired:
    """Snapshot a source's local pages and crawl its web pages into raw/ (progress: told how a crawl goes)."""
    store = raw_store(raw_dir)
    acquired = Acquired()
    if source.paths:
        acquired.documents, acquired.rejects = acquire_files(
            list(source.paths), source.id, store, source.employer, source.from_sources_file, source.limits.max_bytes
        )
    if source.crawl is not None:
        fetcher, policies = for_run(run_token, source.politeness, source.limits.max_bytes)
        crawler = Crawler(source.id, source.crawl, fetcher, policies, store, source.employer, progress=progress)
        crawled = crawler.run()
        acquired.documents += crawled.documents
        acquired.unchanged += crawled.unchanged
        acquired.rejects += crawled.rejects
        acquired.fetch_log = crawled.log
    if source.kind:
        acquired.documents = [replace(d, employer_kind=source.kind) for d in acquired.documents]
    return acquired


def make_run_id(
    documents: Sequence[RawDocument], rejects: Sequence[Reject], as_of: dt.date | None, night: dt.date
) -> str:
    """Id of a run from its night, reference date and inputs: the same night over the same inputs gives the
    same id, so re-running a night replaces its rows instead of adding to them."""
    parts = sorted(f"{d.source_id}|{d.url}|{d.content_sha256}" for d in documents)
    parts += sorted(f"{r.source_id}|{r.url}|{r.reason}" for r in rejects)
    return "run-" + short_hash(night, as_of, *parts)


def reject_row(reject: Reject, run_id: str, night: dt.date) -> dict[str, Any]:
    """A rejects-table row."""
    return {
        "source_id": reject.source_id,
        "url": reject.url,
        "stage": reject.stage,
        "reason": reject.reason,
        "content_sha256": reject.content_sha256,
        "run_id": run_id,
        "snapshot_date": night,
        "table_name": None,
        "row_id": None,
        "record": None,
    }


def published_pages(curated_dir: Location) -> set[tuple[str, str, str]]:
    """(source, url, content hash) of every live page."""
    columns = ["source_id", "url", "content_sha256"]
    return {
        (r["source_id"], r["url"], r["content_sha256"]) for r in curated_store(curated_dir).read_rows("pages", columns)
    }


def split_unchanged(acquired: Acquired, known: set[tuple[str, str, str]]) -> None:
    """Move documents whose content is the same as the live page's (same source, URL and content hash;
    `known` from published_pages) to `unchanged`: they are not extracted again."""
    changed: list[RawDocument] = []
    for document in acquired.documents:
        key = (document.source_id, document.url, document.content_sha256)
        (acquired.unchanged if key in known else changed).append(document)
    acquired.documents = changed


def source_roots(source: Source) -> frozenset[str]:
    """Where a source starts: its paths (as given and as file URIs), start URLs, sitemap and feeds. When one
    of them cannot be read, nothing below it was reached."""
    roots = {str(p) for p in source.paths} | {p.resolve().as_uri() for p in source.paths}
    if source.crawl is not None:
        urls = [
            *source.crawl.start_urls,
            *source.crawl.feeds,
            *([source.crawl.sitemap] if source.crawl.sitemap else []),
        ]
        roots |= {normalise_url(u) or u for u in urls}
    return frozenset(roots)


def build_night(
    snapshot_date: dt.date,
    run_id: str,
    sources: Sequence[Source],
    acquired: Sequence[Acquired],
    rejects: Sequence[Reject],
) -> Night:
    """The night a run stands for: what it read and could not read of each source."""
    failed: dict[str, list[Reject]] = {}
    for reject in rejects:
        failed.setdefault(reject.source_id, []).append(reject)
    observed: dict[str, SourceNight] = {}
    for source, got in zip(sources, acquired, strict=True):
        bad = [r for r in failed.get(source.id, []) if not r.gone]
        unreadable = frozenset(r.url for r in bad)
        read = frozenset(d.url for d in [*got.documents, *got.unchanged]) - unreadable
        roots = source_roots(source)
        root_failed = any(r.url in roots for r in bad)
        observed[source.id] = SourceNight(source.id, read, unreadable, source.additive, root_failed)
    unchanged = frozenset(page_id(d) for got in acquired for d in got.unchanged)
    pages_failed = {source_id: len({r.url for r in bad}) for source_id, bad in failed.items()}
    return Night(snapshot_date, run_id, observed, unchanged, pages_failed)


def extract_documents(
    documents: Sequence[RawDocument],
    raw_dir: Location,
    as_of: dt.date | None,
    run_id: str,
    snapshot_date: dt.date,
    limits: Limits | None = None,
) -> tuple[Rows, list[Reject]]:
    """Decode, extract and normalise a batch of documents; a bad document becomes a reject."""
    store = raw_store(raw_dir)
    rows: Rows = {}
    rejects: list[Reject] = []
    for doc in documents:
        try:
            decoded = decode_bytes(store.read(doc.raw_path))
        except (InputError, OSError) as exc:
            rejects.append(Reject(doc.source_id, doc.url, "decode", str(exc), doc.content_sha256))
            continue
        reference = as_of or doc.fetched_at.date()
        try:
            is_html = doc.content_type == "text/html"
            agency = doc.employer_kind == "agency"
            extraction = extract_page(decoded.text, is_html, reference, doc.employer, limits, agency)
        except Exception as exc:  # one bad page must not stop the run: it is recorded with its reason
            reason = str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
            rejects.append(Reject(doc.source_id, doc.url, "extract", reason.splitlines()[0], doc.content_sha256))
            continue
        for table, table_rows in page_rows(
            doc,
            extraction,
            encoding=decoded.encoding,
            run_id=run_id,
            reference_date=reference,
            snapshot_date=snapshot_date,
        ).items():
            rows.setdefault(table, []).extend(table_rows)
    return rows, rejects


def publish_run(
    curated_dir: Location, rows: Rows, rejects: Sequence[Reject], inputs: set[tuple[str, str]], night: Night
) -> Published:
    """Validate this run's rows, merge them into the live curated tables, add the night to the history and
    publish atomically."""
    reject_rows = [reject_row(r, night.run_id, night.snapshot_date) for r in rejects]
    return publish_night(curated_dir, rows, reject_rows, inputs, night)


AcquireAll = Callable[[Sequence[Source], Location, str], list[Acquired]]
ExtractAll = Callable[
    [list[list[RawDocument]], Location, dt.date | None, str, dt.date, Limits], Iterable[tuple[Rows, list[Reject]]]
]
PublishNight = Callable[[Location, Rows, list[Reject], set[tuple[str, str]], Night], Published]


def _acquire_all(sources: Sequence[Source], raw_dir: Location, run_token: str) -> list[Acquired]:
    return [acquire_source(source, raw_dir, run_token) for source in sources]


def _extract_all(
    chunks: list[list[RawDocument]],
    raw_dir: Location,
    as_of: dt.date | None,
    run_id: str,
    night: dt.date,
    limits: Limits,
) -> Iterator[tuple[Rows, list[Reject]]]:
    for chunk in chunks:
        yield extract_documents(chunk, raw_dir, as_of, run_id, night, limits)


CHUNK_SIZE = 200  # pages per extract batch (one Prefect task each in the flow)


@dataclass
class Stages:
    """How run_night carries out its stages: plain calls by default; the Prefect flow submits tasks."""

    acquire: AcquireAll = _acquire_all
    extract: ExtractAll = _extract_all
    publish: PublishNight = publish_run
    log: Callable[[str], None] = lambda message: None
    chunk_size: Callable[[int], int] = lambda pages: CHUNK_SIZE  # pages per extract batch, given the night's count


def run_night(
    sources: Sequence[Source],
    raw_dir: Location,
    curated_dir: Location,
    as_of: dt.date | None = None,
    reextract: bool = False,
    stages: Stages | None = None,
) -> RunSummary:
    """One night: acquire every source, extract the changed pages, validate, merge, add the night to the
    history and publish. The night is `as_of` (default: today, UTC)."""
    stages = stages or Stages()
    night_date = as_of or dt.datetime.now(dt.UTC).date()
    run_token = uuid.uuid4().hex
    try:
        acquired = stages.acquire(sources, raw_dir, run_token)
    finally:
        end_run(run_token)
    known = set() if reextract else published_pages(curated_dir)
    for source, got in zip(sources, acquired, strict=True):
        if reextract:
            got.documents, got.unchanged = got.documents + got.unchanged, []
        else:
            split_unchanged(got, known)
        stages.log(
            f"source {source.id}: {len(got.documents)} pages to extract, {len(got.unchanged)} unchanged, "
            f"{len({r.url for r in got.rejects})} failed"
        )
    documents = [d for a in acquired for d in a.documents]
    rejects: list[Reject] = [r for a in acquired for r in a.rejects]
    run_id = make_run_id([*documents, *(d for a in acquired for d in a.unchanged)], rejects, as_of, night_date)
    rows: Rows = {
        "fetch_log": [{**row, "run_id": run_id, "snapshot_date": night_date} for a in acquired for row in a.fetch_log]
    }
    size = max(1, stages.chunk_size(len(documents)))
    chunks = [documents[i : i + size] for i in range(0, len(documents), size)]
    stages.log(f"night {night_date}: extracting {len(documents)} changed pages in {len(chunks)} chunks")
    done = 0
    limits = sources[0].limits if sources else Limits()  # file-wide settings: every source has the same
    extracted = stages.extract(chunks, raw_dir, as_of, run_id, night_date, limits)
    for chunk, (chunk_rows, bad) in zip(chunks, extracted, strict=True):
        for table, table_rows in chunk_rows.items():
            rows.setdefault(table, []).extend(table_rows)
        rejects.extend(bad)
        done += len(chunk)
        stages.log(f"extracted {done} of {len(documents)} changed pages")
    night = build_night(night_date, run_id, sources, acquired, rejects)
    # Unchanged pages are not inputs: their rows from earlier runs stay as they are.
    inputs = {(d.source_id, d.url) for d in documents} | {(r.source_id, r.url) for r in rejects}
    published = stages.publish(curated_dir, rows, rejects, inputs, night)
    summary = summarise(night, rows, published, rejects, raw_dir, curated_dir)
    for source_id, counts in sorted(summary.per_source.items()):
        stages.log(source_line(source_id, counts))
    return summary
