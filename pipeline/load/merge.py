"""Merge a run's rows into the live curated rows: pages read again replace their earlier rows, unless
the live rows were read on a later night (a re-run of an old night never overwrites newer reads)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection
from typing import Any

from pipeline.normalise.employers import employer_rows

Row = dict[str, Any]
PAGE_TABLES = ("pages", "vacancy_sightings", "contacts", "benefits", "employer_mentions")
_ORDER: dict[str, Callable[[Row], tuple[Any, ...]]] = {
    "pages": lambda r: (r["source_id"], r["url"]),
    "vacancy_sightings": lambda r: (r["source_id"], r["page_id"], r["vacancy_id"], r["title"] or ""),
    "contacts": lambda r: (r["source_id"], r["page_id"], r["contact_id"]),
    "benefits": lambda r: (r["source_id"], r["page_id"], r["category"], r["benefit_text"]),
    "employer_mentions": lambda r: (r["page_id"], r["employer_id"]),
    "rejects": lambda r: (r["source_id"], r["url"], r["stage"], r.get("table_name") or "", r.get("row_id") or ""),
}


def _newer(live: dict[str, list[Row]], inputs: set[tuple[str, str]], night: dt.date) -> set[tuple[str, str]]:
    """Inputs whose live page or reject was recorded on a later night than this one."""
    return {
        (r["source_id"], r["url"])
        for table in ("pages", "rejects")
        for r in live.get(table, [])
        if (r["source_id"], r["url"]) in inputs and r["snapshot_date"] > night
    }


def merge_rows(
    live: dict[str, list[Row]],
    run: dict[str, list[Row]],
    inputs: set[tuple[str, str]],
    night: dt.date,
    whole_sources: Collection[str] = (),
) -> dict[str, list[Row]]:
    """Live rows minus those of the (source, url) inputs of this run, plus this run's rows; employers
    rebuilt. Inputs already read on a later night keep their live rows. The same run twice gives the same
    rows. For `whole_sources` (read whole tonight, not ingested file by file), this run replaces the night's
    rejects and fetch_log rows: a reject that no longer holds does not linger."""
    newer = _newer(live, inputs, night)
    inputs = inputs - newer
    replaced = {r["page_id"] for r in live.get("pages", []) if (r["source_id"], r["url"]) in inputs}
    stale = {r["page_id"] for r in run.get("pages", []) if (r["source_id"], r["url"]) in newer}
    merged: dict[str, list[Row]] = {}
    for table in PAGE_TABLES:
        kept = [r for r in live.get(table, []) if r["page_id"] not in replaced]
        merged[table] = _unique(kept + [r for r in run.get(table, []) if r["page_id"] not in stale], table)
    rejects = [
        r
        for r in live.get("rejects", [])
        if (r["source_id"], r["url"]) not in inputs and not _of_night(r, whole_sources, night)
    ]
    rejects += [r for r in run.get("rejects", []) if (r["source_id"], r["url"]) not in newer]
    merged["rejects"] = sorted(rejects, key=_ORDER["rejects"])
    this_run = {r["run_id"] for r in run.get("fetch_log", [])}
    merged["fetch_log"] = sorted(
        [r for r in live.get("fetch_log", []) if r["run_id"] not in this_run and not _of_night(r, whole_sources, night)]
        + run.get("fetch_log", []),
        key=lambda r: (r["run_id"], r["source_id"], r["url"]),
    )
    merged["employers"] = employer_rows(merged["employer_mentions"])
    return merged


def _of_night(row: Row, sources: Collection[str], night: dt.date) -> bool:
    return row["source_id"] in sources and row.get("snapshot_date") == night


def _unique(rows: list[Row], table: str) -> list[Row]:
    """Rows in a stable order; exact duplicates (a page given twice in one run) dropped."""
    seen: set[bytes] = set()
    out = []
    for row in sorted(rows, key=_ORDER[table]):
        # a 128-bit digest of the whole row, not the row's text: the set stays small on a long history
        key = hashlib.blake2b(repr(sorted(row.items())).encode(), digest_size=16).digest()
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
