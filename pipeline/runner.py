"""The stages of a run as plain functions: acquire -> extract + normalise -> merge + publish.

Flows in flows/ call these and add batching, retries, logging and scheduling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.acquire.crawl import Crawler
from pipeline.acquire.local import Reject, acquire_files
from pipeline.acquire.politeness import for_run
from pipeline.acquire.rawstore import RawStore
from pipeline.config import Source
from pipeline.documents import RawDocument, short_hash
from pipeline.errors import InputError
from pipeline.extract.decode import decode_bytes
from pipeline.extract.page import extract_page
from pipeline.load.merge import merge_rows
from pipeline.load.publish import CuratedStore
from pipeline.load.schemas import TABLES
from pipeline.normalise.rows import page_rows

Rows = dict[str, list[dict[str, Any]]]


@dataclass
class RunSummary:
    """What a run did, for the console and for the flow's return value."""

    run_id: str
    pages_read: int = 0
    pages_rejected: int = 0
    vacancies: int = 0
    contacts: int = 0
    benefits: int = 0
    employers: int = 0
    raw_dir: str = ""
    curated_dir: str = ""
    version: str = ""
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    curated_totals: dict[str, int] = field(default_factory=dict)  # rows per table after this run
    reject_reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A plain dict (JSON-friendly)."""
        return asdict(self)

    def render(self) -> str:
        """A short human summary."""
        lines = [
            f"run {self.run_id}: {self.pages_read} pages read, {self.pages_rejected} rejected",
            f"  vacancies {self.vacancies}, contacts {self.contacts}, benefits {self.benefits}, "
            f"employers {self.employers}",
        ]
        lines += [
            f"  source {sid}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
            for sid, counts in sorted(self.per_source.items())
        ]
        lines += [f"  rejected: {reason}" for reason in self.reject_reasons]
        if self.curated_totals:
            lines.append("  curated totals: " + ", ".join(f"{k} {v}" for k, v in self.curated_totals.items()))
        lines += [
            f"  raw snapshots: {self.raw_dir}",
            f"  curated tables: {self.curated_dir}/<table> ({', '.join(TABLES)})",
        ]
        return "\n".join(lines)


@dataclass
class Acquired:
    """What acquiring a source gave: changed documents, documents unchanged since the last run (not
    re-extracted), rejects, and the fetch log of its crawl."""

    documents: list[RawDocument] = field(default_factory=list)
    unchanged: list[RawDocument] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    fetch_log: list[dict[str, Any]] = field(default_factory=list)


def acquire_source(source: Source, raw_dir: Path, run_token: str = "default") -> Acquired:
    """Snapshot a source's local pages and crawl its web pages into raw/."""
    store = RawStore(raw_dir)
    acquired = Acquired()
    if source.paths:
        acquired.documents, acquired.rejects = acquire_files(list(source.paths), source.id, store, source.employer)
    if source.crawl is not None:
        fetcher, policies = for_run(run_token, source.politeness)
        crawled = Crawler(source.id, source.crawl, fetcher, policies, store, source.employer).run()
        acquired.documents += crawled.documents
        acquired.unchanged += crawled.unchanged
        acquired.rejects += crawled.rejects
        acquired.fetch_log = crawled.log
    return acquired


def make_run_id(documents: Sequence[RawDocument], rejects: Sequence[Reject], as_of: dt.date | None) -> str:
    """Id of a run from its inputs and reference date: the same inputs give the same id."""
    parts = sorted(f"{d.source_id}|{d.url}|{d.content_sha256}" for d in documents)
    parts += sorted(f"{r.source_id}|{r.url}|{r.reason}" for r in rejects)
    return "run-" + short_hash(as_of, *parts)


def reject_row(reject: Reject, run_id: str) -> dict[str, Any]:
    """A rejects-table row."""
    return {
        "source_id": reject.source_id,
        "url": reject.url,
        "stage": reject.stage,
        "reason": reject.reason,
        "content_sha256": reject.content_sha256,
        "run_id": run_id,
    }


def extract_documents(
    documents: Sequence[RawDocument], raw_dir: Path, as_of: dt.date | None, run_id: str
) -> tuple[Rows, list[Reject]]:
    """Decode, extract and normalise a batch of documents; a bad document becomes a reject."""
    store = RawStore(raw_dir)
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
            extraction = extract_page(decoded.text, doc.content_type == "text/html", reference, doc.employer)
        except Exception as exc:  # one bad page must not stop the run: it is recorded with its reason
            reason = str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
            rejects.append(Reject(doc.source_id, doc.url, "extract", reason.splitlines()[0], doc.content_sha256))
            continue
        for table, table_rows in page_rows(
            doc, extraction, encoding=decoded.encoding, run_id=run_id, reference_date=reference
        ).items():
            rows.setdefault(table, []).extend(table_rows)
    return rows, rejects


def publish_run(
    curated_dir: Path, rows: Rows, rejects: Sequence[Reject], inputs: set[tuple[str, str]], run_id: str
) -> tuple[Rows, Path]:
    """Merge this run into the live curated tables and publish atomically; returns the merged rows."""
    store = CuratedStore(curated_dir)
    with store.lock():
        live = {table: store.read_rows(table) for table in TABLES}
        run_rows = dict(rows)
        run_rows["rejects"] = [reject_row(r, run_id) for r in rejects]
        merged = merge_rows(live, run_rows, inputs)
        version = store.publish(merged)
    return merged, version


def summarise(
    run_id: str,
    rows: Rows,
    merged: Rows,
    rejects: Sequence[Reject],
    raw_dir: Path,
    curated_dir: Path,
    version: Path,
    unchanged: Sequence[RawDocument] = (),
) -> RunSummary:
    """The run's summary: this run's counts per source and the curated totals."""
    summary = RunSummary(run_id, raw_dir=str(raw_dir), curated_dir=str(curated_dir), version=version.name)
    summary.curated_totals = {
        t: len(merged.get(t, [])) for t in ("pages", "vacancies", "contacts", "benefits", "employers", "rejects")
    }
    summary.pages_read = len(rows.get("pages", []))
    summary.pages_rejected = len(rejects)
    summary.vacancies = len({r["vacancy_id"] for r in rows.get("vacancy_sightings", [])})
    summary.contacts = len(rows.get("contacts", []))
    summary.benefits = len(rows.get("benefits", []))
    summary.employers = len({r["employer_id"] for r in rows.get("employer_mentions", [])})
    for page in rows.get("pages", []):
        counts = summary.per_source.setdefault(page["source_id"], {"pages": 0, "vacancies": 0, "rejected": 0})
        counts["pages"] += 1
        counts["vacancies"] += page["vacancy_count"]
    for document in unchanged:
        counts = summary.per_source.setdefault(document.source_id, {"pages": 0, "vacancies": 0, "rejected": 0})
        counts["unchanged"] = counts.get("unchanged", 0) + 1
    for reject in rejects:
        counts = summary.per_source.setdefault(reject.source_id, {"pages": 0, "vacancies": 0, "rejected": 0})
        counts["rejected"] += 1
        summary.reject_reasons.append(f"{reject.url}: {reject.stage}: {reject.reason}")
    return summary
