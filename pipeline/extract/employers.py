"""Employers named on a page: councils by name, children's trusts and charities, and bare county names
in an employer context ("working for Derbyshire")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pipeline.extract.models import EmployerMention
from pipeline.reference import gazetteer


def extract_employers(text: str) -> list[EmployerMention]:
    """Employer mentions in a passage, in order of appearance."""
    gaz = gazetteer()
    text = text.replace("’", "'")
    found: list[tuple[int, EmployerMention]] = []
    for m in gaz.explicit.finditer(text):
        employer = gaz.resolve(m.group(0))
        if employer:
            found.append((m.start(), EmployerMention(employer.name, m.group(0), True)))
    taken = [(start, start + len(e.text)) for start, e in found]
    for m in gaz.bare.finditer(text):
        group = "a" if m.group("a") else "b"
        start = m.start(group)
        if any(s <= start < e for s, e in taken):
            continue
        employer = gaz.resolve(m.group(group)) or gaz.resolve(m.group(group) + " council")
        if employer:
            found.append((start, EmployerMention(employer.name, m.group(group), False)))
    return [mention for _, mention in sorted(found, key=lambda f: f[0])]


def primary_employer(mentions: Sequence[EmployerMention]) -> str | None:
    """The page's employer: named in more than half of the employer mentions (explicit names first)."""
    for explicit in (True, False):
        counts = Counter(m.key for m in mentions if m.explicit == explicit)
        if counts:
            key, count = counts.most_common(1)[0]
            return key if count * 2 > sum(counts.values()) else None
    return None
