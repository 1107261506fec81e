"""Vacancy history (pure): what one night saw, and the vacancies table derived from every night.

Each night writes a snapshot: one row per vacancy seen that night, plus rows carried forward from the
source's previous night for pages that could not be read (so a site that is down does not withdraw its
vacancies). The `vacancies` table (first_seen, last_seen, status) and the per-night counts of
`source_nights` are recomputed from all snapshots on every publish, so running nights out of order or
running an old night again gives the same history as running them in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.documents import short_hash
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
SNAPSHOT_ONLY = ("page_urls", "carried_forward", "content_hash", "run_id")
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
    """

    source_id: str
    read_urls: frozenset[str] = frozenset()
    unreadable_urls: frozenset[str] = frozenset()
    additive: bool = False

    def carries(self, urls: Iterable[str]) -> bool:
        """Whether a vacancy last seen on these pages is carried forward (none of them observed tonight)."""
        urls = list(urls)
        if any(url in self.read_urls for url in urls):
            return False
        return self.additive or all(url in self.unreadable_urls for url in urls)


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


def index_histories(index: Iterable[Row]) -> dict[str, VacancyHistory]:
    """Histories from index rows (snapshot_date, source_id, vacancy_id, closing_date, carried_forward,
    content_hash) of every snapshot."""
    histories: dict[str, VacancyHistory] = {}
    latest: dict[str, dt.date] = {}
    for row in index:
        vacancy_id, night = row["vacancy_id"], row["snapshot_date"]
        history = histories.setdefault(vacancy_id, VacancyHistory(row["source_id"]))
        history.hashes[night] = row["content_hash"]
        if row["carried_forward"]:
            history.carried.add(night)
            continue
        history.seen.add(night)
        if vacancy_id not in latest or night > latest[vacancy_id]:
            latest[vacancy_id] = night
            history.closing_date = row["closing_date"]
    return histories


def _disappeared(history: VacancyHistory, closing: dt.date | None, gone_on: dt.date) -> str:
    """withdrawn when it disappeared before its closing date, else closed."""
    return "withdrawn" if closing is not None and gone_on < closing else "closed"


def vacancy_status(history: VacancyHistory, source_nights: list[dt.date], as_of: dt.date) -> Status | None:
    """first_seen, last_seen and status of a vacancy, given the nights its source was observed and the
    latest night of the data; None when it was never seen (only carried)."""
    if not history.seen:
        return None
    first, last = min(history.seen), max(history.seen)
    gone_on = next((night for night in source_nights if night > last and not history.present(night)), None)
    closing = history.closing_date
    if gone_on is not None:
        status = _disappeared(history, closing, gone_on)
    else:
        status = "closed" if closing is not None and closing < as_of else "open"
    return Status(first, last, status, gone_on, len(history.seen))


def night_counts(
    histories: dict[str, VacancyHistory], nights_by_source: dict[str, list[dt.date]]
) -> dict[tuple[dt.date, str], dict[str, int]]:
    """Per (night, source): vacancies seen, carried, open, new, updated, closed and withdrawn, each night
    compared with the source's previous observed night."""
    by_source: dict[str, list[tuple[str, VacancyHistory]]] = {}
    for vacancy_id, history in histories.items():
        by_source.setdefault(history.source_id, []).append((vacancy_id, history))
    counts: dict[tuple[dt.date, str], dict[str, int]] = {}
    for source_id, nights in nights_by_source.items():
        vacancies = by_source.get(source_id, [])
        previous: dt.date | None = None
        for night in nights:
            counts[(night, source_id)] = _one_night(vacancies, night, previous)
            previous = night
    return counts


def _one_night(vacancies: list[tuple[str, VacancyHistory]], night: dt.date, previous: dt.date | None) -> dict[str, int]:
    count = dict.fromkeys(COUNT_COLUMNS, 0)
    for _, history in vacancies:
        closing = history.closing_date
        if history.present(night):
            count["vacancies_seen" if night in history.seen else "vacancies_carried"] += 1
            count["vacancies_open"] += closing is None or closing >= night
            if night in history.seen and night == min(history.seen):
                count["vacancies_new"] += 1
        if previous is None or not history.present(previous):
            continue
        if history.present(night):
            changed = history.hashes.get(night) != history.hashes.get(previous)
            count["vacancies_updated"] += night in history.seen and changed
            count["vacancies_closed"] += closing is not None and previous <= closing < night
        else:
            count[f"vacancies_{_disappeared(history, closing, night)}"] += 1
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
        )
        rows.append(row)
    return rows
