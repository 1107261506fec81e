"""Dates in UK day-first order, and which of them are closing dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.models import DateMention
from pipeline.resources import load_yaml

# A date without a year takes the reference year, or the next one when it would fall more than this
# many days before the reference date (closing dates lie ahead of the day a page was fetched).
YEARLESS_LOOKBACK_DAYS = 60
_WEEKDAY = r"(?:(?P<w>mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ORD = r"(?:st|nd|rd|th)?"
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class _Patterns:
    months: dict[str, int]
    day_month: re.Pattern[str]
    month_day: re.Pattern[str]
    numeric: re.Pattern[str]
    iso: re.Pattern[str]
    closing: re.Pattern[str]
    not_closing: re.Pattern[str]
    min_year: int
    max_year: int


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    data = load_yaml("dates.yaml")
    months: dict[str, int] = data["months"]
    names = "|".join(sorted(months, key=len, reverse=True))
    flags = re.IGNORECASE
    return _Patterns(
        months=months,
        day_month=re.compile(
            rf"\b{_WEEKDAY}(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}(?:\s+of)?[\s-]+(?P<m>{names})\b\.?,?"
            rf"(?:[\s-]+(?P<y>\d{{4}}|'\d{{2}}))?",
            flags,
        ),
        month_day=re.compile(rf"\b{_WEEKDAY}(?P<m>{names})\.?\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})\b", flags),
        numeric=re.compile(r"(?<![\d/.£-])(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4}|\d{2})(?![\d/]|\.\d)"),
        iso=re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
        closing=re.compile("|".join(f"(?:\\b{p})" for p in data["closing_cues"]), flags),
        not_closing=re.compile("|".join(f"(?:\\b{p})" for p in data["not_closing_cues"]), flags),
        min_year=int(data["min_year"]),
        max_year=int(data["max_year"]),
    )


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    raw = raw.lstrip("'")
    year = int(raw)
    return year + 2000 if year < 100 else year


def _on(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_year(month: int, day: int, reference: dt.date, weekday: int | None = None) -> dt.date | None:
    """The date for a day and month written without a year, relative to the reference date. A weekday
    written with it ("Friday 28th November") picks, of the year before, the reference year and the next, the
    one where the day falls on that weekday (a page fetched after its closing date keeps its year)."""
    if weekday is not None:
        around = [_on(year, month, day) for year in (reference.year - 1, reference.year, reference.year + 1)]
        matching = [d for d in around if d is not None and d.weekday() == weekday]
        if len(matching) == 1:
            return matching[0]
    for year in (reference.year, reference.year + 1):
        candidate = _on(year, month, day)
        if candidate is not None and (reference - candidate).days <= YEARLESS_LOOKBACK_DAYS:
            return candidate
    return None


def _make_date(
    day: int, month: int, year: int | None, reference: dt.date | None, weekday: int | None = None
) -> tuple[dt.date | None, bool]:
    pats = _patterns()
    if year is None:
        return (resolve_year(month, day, reference, weekday), True) if reference else (None, True)
    if not pats.min_year <= year <= pats.max_year:
        return None, False
    return _on(year, month, day), False


Candidate = tuple[int, int, int, int, int | None, int | None]


def _candidates(text: str) -> list[Candidate]:
    """(start, end, day, month, year, weekday) for every date-shaped span, earliest first, overlaps removed."""
    pats = _patterns()
    found: list[Candidate] = []
    if not _DIGIT.search(text):
        return found
    for pattern in (pats.day_month, pats.month_day):
        for m in pattern.finditer(text):
            weekday = _WEEKDAYS.index(m["w"][:3].lower()) if m["w"] else None
            found.append((m.start(), m.end(), int(m["d"]), pats.months[m["m"].lower()], _year(m["y"]), weekday))
    for pattern in (pats.numeric, pats.iso):
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), int(m["d"]), int(m["m"]), _year(m["y"]), None))
    found.sort(key=lambda c: (c[0], -c[1]))
    kept: list[Candidate] = []
    for cand in found:
        if not kept or cand[0] >= kept[-1][1]:
            kept.append(cand)
    return kept


def _is_closing(text: str, start: int, previous_end: int) -> bool:
    pats = _patterns()
    window_start = max(previous_end, _sentence_start(text, start), start - 120)
    window = text[window_start:start]
    cues = list(pats.closing.finditer(window))
    if not cues:
        return False
    between = window[cues[-1].end() :]
    return not pats.not_closing.search(between)


def _sentence_start(text: str, pos: int) -> int:
    cut = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), text.rfind("? ", 0, pos), text.rfind("! ", 0, pos))
    return cut + 1 if cut >= 0 else 0


def extract_dates(text: str, reference: dt.date | None = None, label: str | None = None) -> list[DateMention]:
    """Every valid date in the passage; a closing-date field `label` makes its first date a closing date."""
    pats = _patterns()
    label_closing = bool(label and (label == "closing" or pats.closing.search(label)))
    mentions: list[DateMention] = []
    previous_end = 0
    for start, end, day, month, year, weekday in _candidates(text):
        if not 1 <= month <= 12:
            continue
        date, inferred = _make_date(day, month, year, reference, weekday)
        if date is None:
            continue
        closing = (label_closing and not mentions) or _is_closing(text, start, previous_end)
        mentions.append(DateMention(date, text[start:end].strip(" ,."), closing, inferred))
        previous_end = end
    return mentions
