"""Publish one night: validate the run's rows, merge them into the live tables, write the night's
vacancy snapshot, re-derive the history tables, and make it all live in one atomic step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.load.history import (
    COUNT_COLUMNS,
    INDEX_COLUMNS,
    SourceNight,
    index_histories,
    night_counts,
    night_snapshot,
    redated_links,
    supersede,
    vacancy_rows,
    vacancy_status,
)
from pipeline.load.merge import merge_rows
from pipeline.load.schemas import PARTITIONED, TABLES
from pipeline.normalise.identity import apply_ids, resolve_vacancy_ids
from pipeline.storage.locations import Location
from pipeline.storage.stores import CuratedTables, curated_store

Row = dict[str, Any]
Rows = dict[str, list[Row]]
SNAPSHOTS = "vacancy_snapshots"
DERIVED = ("vacancies", "employers")


@dataclass(frozen=True)
class Night:
    """A run as one night of history: its date, its id, and what it observed of each source."""

    snapshot_date: dt.date
    run_id: str
    sources: dict[str, SourceNight]
    unchanged_pages: frozenset[str] = frozenset()  # page ids of pages unchanged since they were read
    pages_failed: dict[str, int] = field(default_factory=dict)  # per source: pages not fetched or read


@dataclass
class Published:
    """What publishing a night gave: the merged tables, the new version, validation rejects, and the
    night's source_nights rows."""

    merged: Rows
    version: Location
    invalid: list[Row]
    nights: list[Row]


def publish_night(
    curated_dir: Location, rows: Rows, reject_rows: list[Row], inputs: set[tuple[str, str]], night: Night
) -> Published:
    """Validate, merge, snapshot and publish the night atomically (under the curated directory's lock)."""
    store = curated_store(curated_dir)
    date = night.snapshot_date
    with store.lock():
        live = {t: store.read_rows(t) for t in TABLES if t not in PARTITIONED and t not in DERIVED}
        run, invalid = _validated(rows, night)
        run["rejects"] = reject_rows + invalid
        tonight = run.get("vacancy_sightings", []) + [
            r for r in live["vacancy_sightings"] if r["page_id"] in night.unchanged_pages
        ]
        mapping = resolve_vacancy_ids(tonight)
        merged = merge_rows(live, run, inputs, date, {s for s, n in night.sources.items() if not n.additive})
        for table in ("vacancy_sightings", "contacts", "benefits"):
            merged[table] = apply_ids(merged[table], mapping)
        page_urls = {r["page_id"]: r["url"] for r in live["pages"] + rows.get("pages", [])}  # before validation
        previous = _previous_snapshot(store, live["source_nights"], night)
        snapshot = night_snapshot(apply_ids(tonight, mapping), page_urls, previous, night.sources, night.run_id)
        partition = _tonight_partition(store.read_partition(SNAPSHOTS, date), snapshot, night)
        source_nights = [
            r for r in live["source_nights"] if not (r["snapshot_date"] == date and r["source_id"] in night.sources)
        ] + _night_rows(night, run["rejects"], merged["pages"])
        merged["vacancies"], merged["source_nights"] = _derive(store, partition, source_nights, date)
        version = store.publish(merged, {SNAPSHOTS: {date: partition}})
    tonight_rows = [
        r for r in merged["source_nights"] if r["snapshot_date"] == date and r["source_id"] in night.sources
    ]
    return Published(merged, version, invalid, tonight_rows)


def _validated(rows: Rows, night: Night) -> tuple[Rows, list[Row]]:
    """The run's rows that pass validation, and rejects rows for those that do not. pandera is imported
    only when there are new rows (it takes about a second)."""
    if not any(rows.get(table) for table in ("pages", "vacancy_sightings", "contacts", "benefits")):
        return dict(rows), []
    from pipeline.load.validate import validate_run

    return validate_run(rows, night.run_id, night.snapshot_date)


def _previous_snapshot(store: CuratedTables, source_nights: list[Row], night: Night) -> list[Row]:
    """Each source's snapshot rows of its latest observed night before this one."""
    latest: dict[str, dt.date] = {}
    for row in source_nights:
        if row["source_id"] in night.sources and row["snapshot_date"] < night.snapshot_date:
            latest[row["source_id"]] = max(row["snapshot_date"], latest.get(row["source_id"], row["snapshot_date"]))
    rows: list[Row] = []
    for date in sorted(set(latest.values())):
        wanted = {source for source, last in latest.items() if last == date}
        rows += [r for r in store.read_partition(SNAPSHOTS, date) if r["source_id"] in wanted]
    return rows


def _tonight_partition(existing: list[Row], snapshot: list[Row], night: Night) -> list[Row]:
    """Tonight's partition: other sources' rows as they were, this run's snapshot, and for an additive
    source (ingest) the rows an earlier run of the same night saw on pages this run did not read."""
    kept = []
    ids = {r["vacancy_id"] for r in snapshot if not r["carried_forward"]}
    for row in existing:
        source = night.sources.get(row["source_id"])
        not_reread = source is not None and source.additive and not set(row["page_urls"]) & source.read_urls
        if source is None or (not_reread and row["vacancy_id"] not in ids):
            kept.append(row)
    kept_ids = {r["vacancy_id"] for r in kept}
    rows = kept + [r for r in snapshot if r["vacancy_id"] not in kept_ids]
    return sorted(rows, key=lambda r: (r["source_id"], r["vacancy_id"]))


def _night_rows(night: Night, rejects: list[Row], pages: list[Row]) -> list[Row]:
    """The night's source_nights rows (vacancy counts are filled in by _derive). A page counts as changed
    when it was read and extracted on this night, so a re-run of the night gives the same counts."""
    read_on: dict[tuple[str, str], dt.date] = {(r["source_id"], r["url"]): r["snapshot_date"] for r in pages}
    rows = []
    for source_id, source in sorted(night.sources.items()):
        nights = [read_on[(source_id, url)] for url in source.read_urls if (source_id, url) in read_on]
        rows.append(
            {
                "snapshot_date": night.snapshot_date,
                "source_id": source_id,
                "run_id": night.run_id,
                "pages_changed": sum(d == night.snapshot_date for d in nights),
                "pages_unchanged": sum(d < night.snapshot_date for d in nights),
                "pages_failed": night.pages_failed.get(source_id, 0),
                "rejects": sum(r["source_id"] == source_id for r in rejects),
                **dict.fromkeys(COUNT_COLUMNS, 0),
            }
        )
    return rows


def _derive(
    store: CuratedTables, partition: list[Row], source_nights: list[Row], date: dt.date
) -> tuple[list[Row], list[Row]]:
    """The vacancies table and the source_nights counts, from every night's snapshot."""
    columns = [c for c in INDEX_COLUMNS if c != "snapshot_date"]
    stored = store.read_partitioned(SNAPSHOTS, columns)
    earlier = stored.filter(pc.not_equal(stored["snapshot_date"], pa.scalar(date, pa.date32()))).to_pydict()
    index = {c: earlier[c] + ([date] * len(partition) if c == "snapshot_date" else [r[c] for r in partition])
             for c in INDEX_COLUMNS}  # fmt: skip
    histories = index_histories(index)
    nights_by_source: dict[str, list[dt.date]] = {}
    for row in source_nights:
        nights_by_source.setdefault(row["source_id"], []).append(row["snapshot_date"])
    for dates in nights_by_source.values():
        dates.sort()
    as_of = max(r["snapshot_date"] for r in source_nights)
    statuses = {}
    for vacancy_id, history in histories.items():
        status = vacancy_status(history, nights_by_source.get(history.source_id, []), as_of)
        if status is not None:
            statuses[vacancy_id] = status
    links = redated_links(histories, statuses)
    statuses = supersede(statuses, links)
    counts = night_counts(histories, nights_by_source, links)
    nights = sorted(
        ({**r, **counts.get((r["snapshot_date"], r["source_id"]), {})} for r in source_nights),
        key=lambda r: (r["snapshot_date"], r["source_id"]),
    )
    return vacancy_rows(_latest_rows(store, statuses, partition, date), statuses), nights


def _latest_rows(store: CuratedTables, statuses: dict[str, Any], partition: list[Row], date: dt.date) -> dict[str, Row]:
    """Each vacancy's snapshot row of its last night seen."""
    wanted: dict[dt.date, set[str]] = {}
    for vacancy_id, status in statuses.items():
        wanted.setdefault(status.last_seen, set()).add(vacancy_id)
    latest: dict[str, Row] = {}
    for night, ids in wanted.items():
        rows = partition if night == date else store.read_partition(SNAPSHOTS, night, only=ids)
        latest.update({r["vacancy_id"]: r for r in rows if r["vacancy_id"] in ids and not r["carried_forward"]})
    return latest
