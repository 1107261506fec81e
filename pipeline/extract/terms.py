"""Hours, contract type and location as stated in a vacancy's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.prefilter import Alternation
from pipeline.resources import load_yaml


@dataclass(frozen=True)
class _Patterns:
    hours: tuple[tuple[str, Alternation], ...]
    hours_fte: tuple[tuple[str, Alternation], ...]
    hours_per_week: re.Pattern[str]
    full_time_min: float
    contract: tuple[tuple[str, Alternation], ...]
    any_contract: Alternation  # every contract pattern: no contract word in a text that it cannot match
    location: re.Pattern[str]
    group_reference: re.Pattern[str]
    forward_reference: re.Pattern[str]
    all_reference: re.Pattern[str]


def _compile(categories: dict[str, list[str]]) -> tuple[tuple[str, Alternation], ...]:
    return tuple((name, Alternation(pats, re.IGNORECASE)) for name, pats in categories.items())


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    data = load_yaml("terms.yaml")
    return _Patterns(
        _compile(data["hours"]),
        _compile(data["hours_fte"]),
        re.compile(data["hours_per_week"], re.IGNORECASE),
        float(data["full_time_min_hours"]),
        _compile(data["contract"]),
        Alternation([p for pats in data["contract"].values() for p in pats], re.IGNORECASE),
        re.compile(data["location"]),
        re.compile(data["group_reference"], re.IGNORECASE),
        re.compile(data["forward_reference"], re.IGNORECASE),
        re.compile(data["all_reference"], re.IGNORECASE),
    )


# In an hours field: "30 hours", "36 per week", or the number alone ("Hours of Duty: 18.50").
_FIELD_HOURS = re.compile(r"(?P<h>\d{1,2}(?:\.\d{1,2})?)\s*(?:hours|hrs|per\s+week|a\s+week|pw)\b", re.IGNORECASE)
_BARE_HOURS = re.compile(r"^\s*(?P<h>\d{1,2}(?:\.\d{1,2})?)\s*$")


def extract_hours(text: str, labelled: bool = False) -> tuple[str | None, float | None]:
    """(hours, hours_per_week): `full-time`/`part-time` when the text names exactly one and its weekly hours
    (35 or more is full time) do not say the other, and the weekly hours.

    `labelled` is for the value of an hours field, where "30 hours" needs no "per week".
    """
    pats = _patterns()
    per_week = pats.hours_per_week.search(text)
    if per_week is None and labelled:
        per_week = _FIELD_HOURS.search(text) or _BARE_HOURS.match(text)
    weekly = float(per_week["h"]) if per_week else None
    unbracketed = re.sub(r"\([^)]*\)", " ", text)
    named = {name for name, pattern in pats.hours if pattern.search(text)}
    named |= {name for name, pattern in pats.hours_fte if pattern.search(unbracketed)}
    if weekly is not None and named <= {"full-time", "part-time"}:  # the week's hours say which, too
        named |= {"full-time" if weekly >= pats.full_time_min else "part-time"}
    if len(named) == 1:  # "Full-time, 31.25 hours per week" says both: none
        return named.pop(), weekly
    return None, weekly


def extract_contract(text: str) -> str | None:
    """The contract type named first in the text, from the contract's vocabulary."""
    pats = _patterns()
    if pats.any_contract.pattern_for(text) is None:
        return None
    found = {name: m.start() for name, pattern in pats.contract if (m := pattern.search(text))}
    if "zero-hours" in found and "casual" in found:
        return "zero-hours"  # a zero-hours contract is the casual kind the page names most precisely
    return min(found, key=found.__getitem__) if found else None


_TERM_JOINERS = re.compile(r"^(?:[\s,/|&+·•\-–]|(?:and|or|contract|basis|post|position|role)\b)*$", re.IGNORECASE)


def terms_only(line: str) -> bool:
    """True for a line of hours and contract words alone, as a job board's chips write them ("Permanent",
    "Full time, Fixed term", "Part-time | Temporary"): a fact of the advert, never its heading."""
    if len(line) > 60:
        return False
    pats = _patterns()
    rest = line
    for _, words in (*pats.hours, *pats.contract):
        if words.search(rest):
            rest = words.pattern.sub(" ", rest)
    return rest != line and _TERM_JOINERS.match(rest) is not None


def extract_location(text: str) -> str | None:
    """Where a role is based, as written: the capitalised place segments after "based in"."""
    match = _patterns().location.search(text)
    if not match:
        return None
    segments: list[str] = []
    for segment in match["loc"].split(","):
        segment = segment.strip()
        if not segment or not segment[0].isupper():
            break
        segments.append(re.split(r"\s+(?:and|with|where|which|who|to|for)\s+[a-z]", segment)[0])
    return ", ".join(segments) or None


def refers_to_group(sentence: str) -> bool:
    """True for "these jobs", "the following posts", "these Neighbourhood Outreach Worker roles"."""
    return bool(_patterns().group_reference.search(sentence))


def refers_forward(sentence: str) -> bool:
    """True for "the following posts": the sentence points at roles listed after it."""
    return bool(_patterns().forward_reference.search(sentence))


def refers_to_all(sentence: str) -> bool:
    """True for "all posts", "both posts": the sentence speaks of every role in its section."""
    return bool(_patterns().all_reference.search(sentence))
