"""Vacancy history (pure): what one night saw, and the vacancies table derived from every night.

Each night writes a snapshot: one row per vacancy seen that night, plus rows carried forward from the
source's previous night for pages that could not be read (so a site that is down does not withdraw its
vacancies). The `vacancies` table (first_seen, last_seen, status) and the per-night counts of
`source_nights` are recomputed from all snapshots on every publish, so running nights out of order or
running an old night again gives the same history as running them in order.

A closing date is part of a vacancy's id, so an advert whose closing date is extended comes back under a
new id. When a vacancy disappears on the very night a vacancy with the same source, employer and title
(the same `advert_key`) and a later closing date first appears, and neither has another candidate, the
old one is `closed` with `superseded_by` naming the new one, and the night counts it as updated.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pipeline.documents import short_hash
from pipeline.normalise.identity import advert_key
from pipeline.normalise.rows import dedupe_vacancies

Row = dict[str, Any]
ADVERTISED = (
    "employer_name",
    "title",
    "salary_min",
    "salary_max",
    "salary_period",
    "salary_text",
    "closing_date",
    "hours",
    "hours_per_week",
    "contract",
    "location_text",
    "postcode",
)
SNAPSHOT_ONLY = ("page_urls", "carried_forward", "content_hash", "run_id", "advert_key")
COUNT_COLUMNS = (
    "vacancies_seen",
    "vacancies_carried",
    "vacancies_open",
    "vacancies_new",
    "vacancies_updated",
    "vacancies_closed",
    "vacancies_withdrawn",
)


@dataclass(frozen=True)
class SourceNight:
    """What a run observed of one source: the pages it read, and the pages it could not read tonight.

    `additive` (ingest): pages not given tonight are not observed either, so their vacancies carry forward.
    A page read but rejected (undecodable, failed extraction) counts as unreadable, not read.
    """

    source_id: str
    read_urls: frozenset[str] = frozenset()
    unreadable_urls: frozenset[str] = frozenset()
    additive: bool = False
    root_failed: bool = False  # a path, start URL, sitemap or feed of the source could not be read tonight

    def carries(self, urls: Iterable[str]) -> bool:
        """Whether a vacancy last seen on these pages is carried forward: none of them was read tonight, and
        they could not be (unreadable), or were not looked for (ingest), or the source's own path, start
        page, sitemap or feed failed (so what hangs from it was never reached)."""
        urls = list(urls)
        if any(url in self.read_urls for url in urls):
            return False
        return self.additive or self.root_failed or all(url in self.unreadable_urls for url in urls)


def content_hash(row: Row) -> str:
    """Hash of the advertised fields of a vacancy row."""
    return short_hash(*(row.get(column) for column in ADVERTISED))


def night_snapshot(
    sightings: list[Row], page_urls: dict[str, str], previous: list[Row], nights: dict[str, SourceNight], run_id: str
) -> list[Row]:
    """Tonight's snapshot rows: the sightings de-duplicated per vacancy, plus carried-forward rows of
    `previous` (the sources' last snapshot before tonight) whose pages were not observed tonight."""
    rows = []
    urls_of: dict[str, set[str]] = {}
    for sighting in sightings:
        urls_of.setdefault(sighting["vacancy_id"], set()).add(page_urls[sighting["page_id"]])
    for vacancy in dedupe_vacancies(sightings):
        vacancy_urls = sorted(urls_of[vacancy["vacancy_id"]])
        rows.append(
            {
                **vacancy,
                "page_urls": vacancy_urls,
                "carried_forward": False,
                "content_hash": content_hash(vacancy),
                "advert_key": advert_key(vacancy),
                "run_id": run_id,
            }
        )
    seen = {row["vacancy_id"] for row in rows}
    for old in previous:
        night = nights.get(old["source_id"])
        if night and old["vacancy_id"] not in seen and night.carries(old["page_urls"]):
            rows.append({**old, "carried_forward": True, "run_id": run_id})
            seen.add(old["vacancy_id"])
    return sorted(rows, key=lambda r: (r["source_id"], r["vacancy_id"]))


@dataclass
class VacancyHistory:
    """Where one vacancy appears in the snapshots."""

    source_id: str
    advert_key: str | None = None
    closing_date: dt.date | None = None
    seen: set[dt.date] = field(default_factory=set)
    carried: set[dt.date] = field(default_factory=set)
    hashes: dict[dt.date, str] = field(default_factory=dict)

    def present(self, night: dt.date) -> bool:
        """Listed (seen or carried forward) that night."""
        return night in self.seen or night in self.carried


@dataclass(frozen=True)
class Status:
    """Derived history columns of a vacancy."""

    first_seen: dt.date
    last_seen: dt.date
    status: str
    status_date: dt.date | None
    nights_seen: int
    superseded_by: str | None = None


INDEX_COLUMNS = (
    "snapshot_date",
    "source_id",
    "vacancy_id",
    "closing_date",
    "carried_forward",
    "content_hash",
    "advert_key",
)


def index_histories(index: dict[str, list[Any]]) -> dict[str, VacancyHistory]:
    """Histories from the index of every snapshot: one list per column of INDEX_COLUMNS, row-aligned."""
    histories: dict[str, VacancyHistory] = {}
    latest: dict[str, dt.date] = {}
    for night, source_id, vacancy_id, closing, carried, digest, key in zip(
        *(index[c] for c in INDEX_COLUMNS), strict=True
    ):
        history = histories.get(vacancy_id)
        if history is None:
            history = histories[vacancy_id] = VacancyHistory(source_id, key)
        history.hashes[night] = digest
        if carried:
            history.carried.add(night)
            continue
        history.seen.add(night)
        if vacancy_id not in latest or night > latest[vacancy_id]:
            latest[vacancy_id] = night
            history.closing_date = closing
    return histories


def _disappeared(history: VacancyHistory, closing: dt.date | None, gone_on: dt.date) -> str:
    """withdrawn when it disappeared before its closing date, else closed."""
    return "withdrawn" if closing is not None and gone_on < closing else "closed"


def vacancy_status(history: VacancyHistory, source_nights: list[dt.date], as_of: dt.date) -> Status | None:
    """first_seen, last_seen and status of a vacancy, given the nights its source was observed (sorted) and
    the latest night of the data; None when it was never seen (only carried)."""
    if not history.seen:
        return None
    first, last = min(history.seen), max(history.seen)
    later = source_nights[bisect.bisect_right(source_nights, last) :]  # source_nights is sorted
    gone_on = next((night for night in later if not history.present(night)), None)
    closing = history.closing_date
    if gone_on is not None:
        status = _disappeared(history, closing, gone_on)
    else:
        status = "closed" if closing is not None and closing < as_of else "open"
    return Status(first, last, status, gone_on, len(history.seen))


def _later(new: dt.date | None, old: dt.date | None) -> bool:
    return new is not None and (old is None or new > old)


def redated_links(histories: dict[str, VacancyHistory], statuses: dict[str, Status]) -> dict[str, str]:
    """Old id -> new id for adverts that came back with a later closing date on the night they disappeared
    (same advert_key; exactly one candidate each way)."""
    groups: dict[str, list[str]] = {}
    for vacancy_id, history in histories.items():
        if history.advert_key and vacancy_id in statuses:
            groups.setdefault(history.advert_key, []).append(vacancy_id)
    links: dict[str, str] = {}
    for ids in (ids for ids in groups.values() if len(ids) > 1):
        starts: dict[dt.date, list[str]] = {}
        for vacancy_id in ids:
            starts.setdefault(statuses[vacancy_id].first_seen, []).append(vacancy_id)
        claims: dict[str, list[str]] = {}
        for old in ids:
            gone_on = statuses[old].status_date
            if gone_on is None:
                continue
            old_closing = histories[old].closing_date
            successors = [n for n in starts.get(gone_on, []) if _later(histories[n].closing_date, old_closing)]
            if len(successors) == 1:
                claims.setdefault(successors[0], []).append(old)
        links.update({olds[0]: new for new, olds in claims.items() if len(olds) == 1})
    return links


def supersede(statuses: dict[str, Status], links: dict[str, str]) -> dict[str, Status]:
    """The statuses with each re-dated advert's earlier vacancy closed and pointing at its successor."""
    out = dict(statuses)
    for old, new in links.items():
        out[old] = replace(statuses[old], status="closed", superseded_by=new)
    return out


def night_counts(
    histories: dict[str, VacancyHistory],
    nights_by_source: dict[str, list[dt.date]],
    links: dict[str, str] | None = None,
) -> dict[tuple[dt.date, str], dict[str, int]]:
    """Per (night, source): vacancies seen, carried, open, new, updated, closed and withdrawn, each night
    compared with the source's previous observed night. Cost grows with the snapshot rows, not with
    nights x vacancies."""
    present: dict[tuple[str, dt.date], list[str]] = {}
    firsts = {vacancy_id: min(h.seen) for vacancy_id, h in histories.items() if h.seen}
    for vacancy_id, history in histories.items():
        for night in history.seen | history.carried:
            present.setdefault((history.source_id, night), []).append(vacancy_id)
    counts: dict[tuple[dt.date, str], dict[str, int]] = {}
    for source_id, nights in nights_by_source.items():
        previous: dt.date | None = None
        for night in nights:
            tonight = present.get((source_id, night), [])
            before = present.get((source_id, previous), []) if previous else []
            nights_pair = (night, previous)
            counts[(night, source_id)] = _one_night(histories, firsts, tonight, before, nights_pair, links or {})
            previous = night
    return counts


def _one_night(
    histories: dict[str, VacancyHistory],
    firsts: dict[str, dt.date],
    tonight: list[str],
    before: list[str],
    nights: tuple[dt.date, dt.date | None],
    links: dict[str, str],
) -> dict[str, int]:
    night, previous = nights
    count = dict.fromkeys(COUNT_COLUMNS, 0)
    listed_before = set(before)
    listed_now = set(tonight)
    continued = {new for old in listed_before if (new := links.get(old)) is not None and new in listed_now}
    for vacancy_id in tonight:
        history = histories[vacancy_id]
        closing = history.closing_date
        seen = night in history.seen
        count["vacancies_seen" if seen else "vacancies_carried"] += 1
        count["vacancies_open"] += closing is None or closing >= night
        count["vacancies_new"] += seen and night == firsts.get(vacancy_id) and vacancy_id not in continued
        if previous is not None and vacancy_id in listed_before:
            changed = history.hashes.get(night) != history.hashes.get(previous)
            count["vacancies_updated"] += seen and changed
            count["vacancies_closed"] += closing is not None and previous <= closing < night
    for vacancy_id in listed_before.difference(tonight):
        if links.get(vacancy_id) in continued:
            count["vacancies_updated"] += 1  # re-dated: the same advert with a later closing date
            continue
        history = histories[vacancy_id]
        count[f"vacancies_{_disappeared(history, history.closing_date, night)}"] += 1
    return count


def vacancy_rows(latest: dict[str, Row], statuses: dict[str, Status]) -> list[Row]:
    """The vacancies table: each vacancy's row from its last night seen, with its history columns."""
    rows = []
    for vacancy_id in sorted(statuses):
        status = statuses[vacancy_id]
        row = {k: v for k, v in latest[vacancy_id].items() if k not in SNAPSHOT_ONLY}
        row.update(
            first_seen=status.first_seen,
            last_seen=status.last_seen,
            status=status.status,
            status_date=status.status_date,
            nights_seen=status.nights_seen,
            superseded_by=status.superseded_by,
        )
        rows.append(row)
    return rows
