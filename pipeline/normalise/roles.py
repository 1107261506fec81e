"""Role titles to the documented role-family vocabulary (data/role_families.yaml) and SOC 2020 codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.reference import soc_titles
from pipeline.resources import any_of, load_yaml


@dataclass(frozen=True)
class RoleFamily:
    """A role family and its SOC 2020 unit group."""

    id: str
    label: str
    soc2020_code: str | None
    soc2020_title: str | None


@lru_cache(maxsize=1)
def _families() -> tuple[tuple[RoleFamily, re.Pattern[str]], ...]:
    titles = soc_titles()
    families = []
    for entry in load_yaml("role_families.yaml")["families"]:
        code = entry["soc2020"]
        family = RoleFamily(entry["id"], entry["label"], code, titles.get(code) if code else None)
        families.append((family, re.compile(any_of(entry["patterns"]), re.IGNORECASE)))
    return tuple(families)


def family_ids() -> list[str]:
    """The vocabulary of role_family values."""
    return [family.id for family, _ in _families()]


def classify_role(title: str | None, context: str = "") -> RoleFamily | None:
    """Role family of a title; for an unnamed role, of its context (None when nothing fits but `other`)."""
    text = title if title else context
    if not text:
        return None
    for family, pattern in _families():
        if family.id == "other" and not title:
            return None
        if family.id == "management_other" and not title:
            continue
        if pattern.search(text):
            return family
    return None
