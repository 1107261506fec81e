"""Salary figures and ranges: annual, monthly, weekly, daily and hourly; "up to", "pro rata", enhancements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.models import Salary
from pipeline.resources import any_of, load_yaml

# A figure ends where its digits end: "£34,0387" (a misprint) is no amount at all, nor is "£24, - £25, per year"
# (a capture that lost the digits after the comma).
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?!,\s*(?:[-–]|per\b))(?:\.\d{1,2})?)(?![\d]|,\d)"
# Between the figures of a range; a pay scale's name may stand before the second ("MPS £22,917 – UPS £38,633").
_SEP = r"\s*(?:-|–|—|to|and|until|rising\s+to|increasing\s+to)\s*(?:[A-Z]{2,4}\d*\s*(?=£))?"
_AMOUNTS = re.compile(
    rf"(?P<c1>£|GBP\s?)\s?(?P<n1>{_NUM})(?P<k1>\s?[kK](?![a-zA-Z]))?"
    rf"(?:{_SEP}(?P<c2>£|GBP\s?)?\s?(?P<n2>{_NUM})(?P<k2>\s?[kK](?![a-zA-Z]))?)?",
)
# Amounts annual salaries never go below or above; outside, a figure without a stated period is dropped.
MIN_PLAUSIBLE_ANNUAL = 5_000.0
MAX_PLAUSIBLE = 500_000.0


@dataclass(frozen=True)
class _Patterns:
    periods: tuple[tuple[str, re.Pattern[str]], ...]
    period_labels: tuple[tuple[str, re.Pattern[str]], ...]
    pro_rata: re.Pattern[str]
    enhancements: re.Pattern[str]
    up_to: re.Pattern[str]
    from_: re.Pattern[str]
    not_after: re.Pattern[str]
    not_before: re.Pattern[str]
    annual_sized_from: dict[str, float]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    data = load_yaml("salary.yaml")
    flags = re.IGNORECASE
    return _Patterns(
        tuple((k, re.compile(rf"^[\s,.()]*(?:{any_of(v)})", flags)) for k, v in data["periods"].items()),
        tuple(
            (k, re.compile(rf"(?:{any_of(v)})\s*(?:\([^)]*\))?\s*[:\-–]?\s*$", flags))
            for k, v in data["period_labels"].items()
        ),
        re.compile(any_of(data["pro_rata"]), flags),
        re.compile(any_of(data["enhancements"]), flags),
        re.compile(rf"(?:{any_of(data['up_to'])})\s*:?\s*$", flags),
        re.compile(rf"(?:{any_of(data['from'])})\s*:?\s*$", flags),
        re.compile(rf"^\s*(?:{any_of(data['not_salary_after'])})", flags),
        re.compile(rf"(?:{any_of(data['not_salary_before'])})\s*$", flags),
        {k: float(v) for k, v in data["annual_sized_from"].items()},
    )


def _number(digits: str, k: str | None) -> float:
    value = float(digits.replace(",", ""))
    return value * 1000 if k else value


def _period_after(tail: str) -> str | None:
    for name, pattern in _patterns().periods:
        if pattern.search(tail):
            return name
    return None


def _period_before(head: str) -> str | None:
    for name, pattern in _patterns().period_labels:
        if pattern.search(head):
            return name
    return None


def infer_period(value: float) -> str | None:
    """Period of a figure stated without one: large figures are annual, small ones hourly, else unknown."""
    if value >= MIN_PLAUSIBLE_ANNUAL:
        return "year"
    if value < 100:
        return "hour"
    return None


def _sentence_tail(text: str, end: int) -> str:
    """Text after an amount up to the next amount or sentence end, at most 80 characters."""
    tail = text[end : end + 80]
    cut = re.search(r"£|(?<=[a-z)])\.\s|[;\n]", tail)
    return tail[: cut.start()] if cut else tail


def _amounts(match: re.Match[str]) -> tuple[float, float | None]:
    first = _number(match["n1"], match["k1"])
    if match["n2"] is None:
        return first, None
    second = _number(match["n2"], match["k2"])
    second_has_form = bool(match["c2"] or match["k2"] or "," in match["n2"] or "." in match["n2"])
    # "£28598 -31022": a bare second figure of the same length and larger is the top of a range.
    same_shape = len(match["n2"]) == len(match["n1"].replace(",", "")) and second > first
    if not (second_has_form or same_shape):
        return first, None
    if match["k2"] and not match["k1"] and first < 1000:
        first *= 1000  # "£27 - 30k"
    return first, second


def _span_end(match: re.Match[str], has_second: bool) -> int:
    return match.end() if has_second else match.end("k1") if match["k1"] else match.end("n1")


def _strip_period(tail: str) -> str:
    for _, pattern in _patterns().periods:
        match = pattern.search(tail)
        if match:
            return tail[match.end() :]
    return tail


def _parse_match(text: str, match: re.Match[str]) -> Salary | None:
    pats = _patterns()
    first, second = _amounts(match)
    end = _span_end(match, second is not None)
    head = text[max(0, match.start() - 40) : match.start()]
    tail = _sentence_tail(text, end)
    if pats.not_after.search(tail) or pats.not_after.search(_strip_period(tail)) or pats.not_before.search(head):
        return None
    period = _period_after(tail) or _period_before(head)
    up_to = pats.up_to.search(head) if second is None else None
    from_only = pats.from_.search(head) if second is None and not up_to else None
    low, high = (first, second) if second is not None else (first, first)
    low, high = min(low, high), max(low, high)
    if period is None:
        period = infer_period(high)
        if period is None:
            return None
    period = _checked_period(high, period)
    if (period == "year" and high < MIN_PLAUSIBLE_ANNUAL) or high > MAX_PLAUSIBLE or high <= 0:
        return None
    prefix = up_to or from_only
    written = (prefix.group(0) if prefix else "") + text[match.start() : end].strip()
    return _salary(None if up_to else low, None if from_only else high, period, written, tail, bool(up_to))


def _checked_period(high: float, period: str) -> str:
    """The stated period, or "year" for a yearly-sized figure under a shorter one ("£25,608 to £27,000 per
    month": a job board's period menu left at its default)."""
    return "year" if high >= _patterns().annual_sized_from.get(period, float("inf")) else period


def _salary(low: float | None, high: float | None, period: str, written: str, tail: str, up_to: bool) -> Salary:
    """A salary with the qualifiers that follow its figures ("per annum pro rata", "plus enhancements")."""
    pats = _patterns()
    qualifiers = tail[:60]
    return Salary(
        min=low,
        max=high,
        period=period,
        text=written + _qualifier_text(tail),
        up_to=up_to,
        pro_rata=bool(pats.pro_rata.search(qualifiers)),
        plus_enhancements=bool(pats.enhancements.search(qualifiers)),
    )


def _qualifier_text(tail: str) -> str:
    """The period/qualifier words that directly follow an amount ("per annum pro rata")."""
    match = re.match(r"[^.;£]{0,60}", tail)
    words = match.group(0) if match else ""
    pats = _patterns()
    last = 0
    for pattern in [p for _, p in pats.periods] + [pats.pro_rata, pats.enhancements]:
        for m in pattern.finditer(words):
            if m.start() <= last + 25:
                last = max(last, m.end())
    return words[:last].rstrip(" ,") if last else ""


# Figures without a currency sign count only where the text says they are pay ("Salary 25,000 - 30,000", the
# value of a salary field), and only written as money is: thousands grouped by commas.
_BARE_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d{2})?(?![\d]|,\d)"
_BARE_AMOUNTS = re.compile(rf"(?<![\w£.,/-])(?P<n1>{_BARE_NUM})(?:{_SEP}(?P<n2>{_BARE_NUM}))?")
_SAYS_SALARY = re.compile(r"\b(?:salary|pay|cyflog)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _grade_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = load_yaml("salary.yaml")["grade_words"]
    return re.compile(words[0], re.IGNORECASE), re.compile(any_of(words), re.IGNORECASE)


_GRADE_JOINERS = re.compile(r"^(?:[\s,/|&:\-–]|(?:and|to)\b)*$", re.IGNORECASE)


def grade_only(line: str) -> bool:
    """True for a line that states only a grade or pay points ("Pay Band Q / SCP 48 - 49", "Grade 7"): pay,
    never a post's heading."""
    first, every = _grade_words()
    if len(line) > 60 or not first.search(line):
        return False
    return _GRADE_JOINERS.match(every.sub(" ", line)) is not None


def extract_salaries(text: str, labelled: bool = False) -> list[Salary]:
    """All salary figures and ranges in a passage, in order of appearance. `labelled`: the text is the value
    of a salary field, so figures without a £ sign count too."""
    found: list[Salary] = []
    for match in _AMOUNTS.finditer(text):
        salary = _parse_match(text, match)
        if salary is not None:
            found.append(salary)
    if not found and "£" not in text and (labelled or _SAYS_SALARY.search(text)):
        for match in _BARE_AMOUNTS.finditer(text):
            salary = _parse_bare(text, match, labelled)
            if salary is not None:
                found.append(salary)
    if not found and labelled and (rate := _BARE_RATE.match(text)) and (salary := _bare_rate(text, rate)):
        found.append(salary)
    return found


# A salary field holding an hourly rate without its £ sign: "Salary: 13.28", "12.60 - 13.28 per hour".
_BARE_RATE = re.compile(rf"^\s*(?P<n1>\d{{1,2}}\.\d{{2}})(?:{_SEP}(?P<n2>\d{{1,2}}\.\d{{2}}))?(?![\d.,])")


def _bare_rate(text: str, match: re.Match[str]) -> Salary | None:
    """An hourly rate (or the period written after it) read from a salary field's figures."""
    figures = sorted(float(match[n]) for n in ("n1", "n2") if match[n])
    low, high = figures[0], figures[-1]
    tail = _sentence_tail(text, match.end())
    period = _period_after(tail) or "hour"
    return None if period == "year" else _salary(low, high, period, match.group(0).strip(), tail, False)


def _parse_bare(text: str, match: re.Match[str], labelled: bool) -> Salary | None:
    """A comma-grouped figure or range without a currency sign: in a salary field, or a range or a figure with
    its period just after the word salary or pay ("Salary 25,000 - 30,000 per annum"); annual unless a period
    follows."""
    first = _number(match["n1"], None)
    second = _number(match["n2"], None) if match["n2"] else None
    low, high = sorted((first, second if second is not None else first))
    tail = _sentence_tail(text, match.end())
    head = text[max(0, match.start() - 40) : match.start()]
    pats = _patterns()
    if pats.not_after.search(tail) or pats.not_before.search(head):
        return None
    stated = _period_after(tail)
    if not labelled and (not _SAYS_SALARY.search(head[-30:]) or (second is None and stated is None)):
        return None
    period = _checked_period(high, stated or "year")
    if (period == "year" and low < MIN_PLAUSIBLE_ANNUAL) or high > MAX_PLAUSIBLE:
        return None
    return _salary(low, high, period, text[match.start() : match.end()].strip(), tail, False)
