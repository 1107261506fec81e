"""Vacancy identity across the pages of one night (pure).

A vacancy's id is the hash of its source, employer, normalised title and closing date
(`rows.vacancy_key`), so the same advert gets the same id on every night and on every page that gives
those four facts. A listing entry often omits the closing date that its detail page gives; such an
undated sighting takes the id of the one dated vacancy with the same source, employer and title seen
the same night. When there are several dated ones (the same title advertised twice) or none, the
undated sighting keeps its own id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.documents import short_hash
from pipeline.extract.roles import title_key

Row = dict[str, Any]


def advert_key(row: Row) -> str | None:
    """Hash of source, employer and normalised title: the vacancy id without its closing date (None when
    the advert names no title)."""
    if not row.get("title"):
        return None
    return short_hash(row["source_id"], (row.get("employer_name") or "").lower(), title_key(row["title"]))


def resolve_vacancy_ids(sightings: Iterable[Row]) -> dict[str, str]:
    """Map of undated sighting ids to the id of the one dated vacancy of the same source, employer and title."""
    dated: dict[str, set[str]] = {}
    undated: dict[str, set[str]] = {}
    for row in sightings:
        group = advert_key(row)
        if group is not None:
            (dated if row.get("closing_date") else undated).setdefault(group, set()).add(row["vacancy_id"])
    mapping: dict[str, str] = {}
    for group, ids in undated.items():
        targets = dated.get(group, set())
        if len(targets) == 1:
            target = next(iter(targets))
            mapping.update({vacancy_id: target for vacancy_id in ids})
    return mapping


def apply_ids(rows: Iterable[Row], mapping: dict[str, str]) -> list[Row]:
    """The rows with their vacancy_id replaced where the mapping says so (other rows unchanged)."""
    return [
        {**row, "vacancy_id": mapping[row["vacancy_id"]]} if row.get("vacancy_id") in mapping else row for row in rows
    ]
