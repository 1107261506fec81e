"""The summary of a run: what it read, what it found, and the counts per source."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.acquire.local import Reject
from pipeline.load.night import Night, Published
from pipeline.load.schemas import TABLES
from pipeline.storage.locations import Location, is_remote

Rows = dict[str, list[dict[str, Any]]]
SUMMARY_TABLES = ("pages", "vacancies", "contacts", "benefits", "employers", "rejects", "source_nights")
PER_SOURCE = (
    "pages_changed",
    "pages_unchanged",
    "pages_failed",
    "vacancies_seen",
    "vacancies_new",
    "vacancies_updated",
    "vacancies_closed",
    "vacancies_withdrawn",
    "rejects",
)


@dataclass
class RunSummary:
    """What a run did, for the console and for the flow's return value."""

    run_id: str
    snapshot_date: str = ""
    pages_read: int = 0
    pages_unchanged: int = 0
    pages_rejected: int = 0
    rows_rejected: int = 0
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
    rejects_by_stage: dict[str, int] = field(default_factory=dict)  # this run's rejects per stage

    def as_dict(self) -> dict[str, Any]:
        """A plain dict (JSON-friendly)."""
        return asdict(self)

    def render(self) -> str:
        """A short human summary."""
        lines = [
            f"run {self.run_id} (night {self.snapshot_date}): {self.pages_read} pages read, "
            f"{self.pages_unchanged} unchanged, {self.pages_rejected} rejected; {self.rows_rejected} rows failed "
            "validation",
            f"  vacancies on tonight's pages {self.vacancies}; extracted from changed pages: contacts "
            f"{self.contacts}, benefits {self.benefits}, employers {self.employers}",
        ]
        lines += ["  " + source_line(sid, counts) for sid, counts in sorted(self.per_source.items())]
        lines += [f"  rejected: {reason}" for reason in self.reject_reasons]
        if self.curated_totals:
            lines.append("  curated totals: " + ", ".join(f"{k} {v}" for k, v in self.curated_totals.items()))
        where = (
            f"{self.curated_dir}/versions/{self.version}/<table>, named by {self.curated_dir}/CURRENT.json"
            if is_remote(self.curated_dir)
            else f"{self.curated_dir}/<table>"
        )
        lines += [f"  raw snapshots: {self.raw_dir}", f"  curated tables: {where} ({', '.join(TABLES)})"]
        return "\n".join(lines)


def summarise(
    night: Night,
    rows: Rows,
    published: Published,
    rejects: Sequence[Reject],
    raw_dir: Location,
    curated_dir: Location,
) -> RunSummary:
    """The run's summary: this run's counts, per source and in all, and the curated totals."""
    merged = published.merged
    summary = RunSummary(
        night.run_id,
        snapshot_date=night.snapshot_date.isoformat(),
        raw_dir=str(raw_dir),
        curated_dir=str(curated_dir),
        version=str(published.version).rstrip("/").rsplit("/", 1)[-1],
    )
    summary.curated_totals = {t: len(merged.get(t, [])) for t in SUMMARY_TABLES}
    summary.pages_read = len(rows.get("pages", []))
    summary.pages_unchanged = len(night.unchanged_pages)
    summary.pages_rejected = len(rejects)
    summary.rows_rejected = len(published.invalid)
    pages = {r["page_id"] for r in rows.get("pages", [])} | night.unchanged_pages
    summary.vacancies = len(  # adverts and listings only: a job description is not an open vacancy
        {
            r["vacancy_id"]
            for r in merged.get("vacancy_sightings", [])
            if r["page_id"] in pages and r.get("page_kind") != "job_description"
        }
    )
    summary.contacts = len(rows.get("contacts", []))
    summary.benefits = len(rows.get("benefits", []))
    summary.employers = len({r["employer_id"] for r in rows.get("employer_mentions", [])})
    for row in published.nights:
        summary.per_source[row["source_id"]] = {column: row[column] for column in PER_SOURCE}
    _this_run_pages(summary, night, rows, merged, rejects, published.invalid)
    summary.rejects_by_stage = dict(Counter([r.stage for r in rejects] + ["validate"] * len(published.invalid)))
    summary.reject_reasons = [f"{r.url}: {r.stage}: {r.reason}" for r in rejects]
    summary.reject_reasons += [f"{r['url']}: validate: {r['reason']}" for r in published.invalid]
    return summary


def _this_run_pages(
    summary: RunSummary,
    night: Night,
    rows: Rows,
    merged: Rows,
    rejects: Sequence[Reject],
    invalid: list[dict[str, Any]],
) -> None:
    """Per source, the pages and rejects of this run (not of the night so far): the terms of the headline."""
    source_of = {r["page_id"]: r["source_id"] for r in merged.get("pages", [])}
    changed = Counter(r["source_id"] for r in rows.get("pages", []))
    unchanged = Counter(source_of[page] for page in night.unchanged_pages if page in source_of)
    rejected = Counter([r.source_id for r in rejects] + [r["source_id"] for r in invalid])
    for source_id, counts in summary.per_source.items():
        counts.update(
            pages_changed=changed[source_id],
            pages_unchanged=unchanged[source_id],
            pages_failed=night.pages_failed.get(source_id, 0),
            rejects=rejected[source_id],
        )


def source_line(source_id: str, counts: dict[str, int]) -> str:
    """The one log line of a source: this run's pages and rejects, the vacancies seen, and the night's changes
    in the history (a re-run of a night repeats the changes that night made)."""
    return (
        f"source {source_id}: {counts.get('pages_changed', 0)} pages changed, {counts.get('pages_unchanged', 0)} "
        f"unchanged, {counts.get('pages_failed', 0)} failed, {counts.get('rejects', 0)} rejects; vacancies "
        f"{counts.get('vacancies_seen', 0)} seen (the night's history: {counts.get('vacancies_new', 0)} new, "
        f"{counts.get('vacancies_updated', 0)} updated, {counts.get('vacancies_closed', 0)} closed, "
        f"{counts.get('vacancies_withdrawn', 0)} withdrawn)"
    )
