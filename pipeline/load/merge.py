"""Merge a run's rows into the live curated rows: pages read again replace their earlier rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.normalise.rows import dedupe_vacancies, employer_rows

Row = dict[str, Any]
PAGE_TABLES = ("pages", "vacancy_sightings", "contacts", "benefits", "employer_mentions")
_ORDER: dict[str, Callable[[Row], tuple[Any, ...]]] = {
    "pages": lambda r: (r["source_id"], r["url"]),
    "vacancy_sightings": lambda r: (r["source_id"], r["page_id"], r["vacancy_id"], r["title"] or ""),
    "contacts": lambda r: (r["source_id"], r["page_id"], r["contact_id"]),
    "benefits": lambda r: (r["source_id"], r["page_id"], r["category"], r["benefit_text"]),
    "employer_mentions": lambda r: (r["page_id"], r["employer_id"]),
    "rejects": lambda r: (r["source_id"], r["url"]),
}


def merge_rows(
    live: dict[str, list[Row]], run: dict[str, list[Row]], inputs: set[tuple[str, str]]
) -> dict[str, list[Row]]:
    """Live rows minus those of the (source, url) inputs of this run, plus this run's rows; derived tables
    (vacancies, employers) rebuilt. The same run twice gives the same rows."""
    replaced = {r["page_id"] for r in live.get("pages", []) if (r["source_id"], r["url"]) in inputs}
    merged: dict[str, list[Row]] = {}
    for table in PAGE_TABLES:
        kept = [r for r in live.get(table, []) if r["page_id"] not in replaced]
        merged[table] = _unique(kept + run.get(table, []), table)
    rejects = [r for r in live.get("rejects", []) if (r["source_id"], r["url"]) not in inputs]
    merged["rejects"] = sorted(rejects + run.get("rejects", []), key=_ORDER["rejects"])
    this_run = {r["run_id"] for r in run.get("fetch_log", [])}
    merged["fetch_log"] = sorted(
        [r for r in live.get("fetch_log", []) if r["run_id"] not in this_run] + run.get("fetch_log", []),
        key=lambda r: (r["run_id"], r["source_id"], r["url"]),
    )
    merged["vacancies"] = dedupe_vacancies(merged["vacancy_sightings"])
    merged["employers"] = employer_rows(merged["employer_mentions"])
    return merged


def _unique(rows: list[Row], table: str) -> list[Row]:
    """Rows in a stable order; exact duplicates (a page given twice in one run) dropped."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for row in sorted(rows, key=_ORDER[table]):
        key = tuple(sorted((k, repr(v)) for k, v in row.items()))
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
