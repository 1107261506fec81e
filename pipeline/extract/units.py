"""Units of a page being linked (one role or a group of roles each, with the facts stated for it), and what
becomes of them at the end: flattened pay-table columns, repeated titles, which units are adverts, and the
vacancy candidates they give."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pipeline.extract.contacts import extract_postcodes
from pipeline.extract.dates import extract_dates
from pipeline.extract.employers import employer_in_field, extract_employers
from pipeline.extract.models import Block, DateMention, Salary, VacancyCandidate
from pipeline.extract.nlp import sentence_at
from pipeline.extract.roles import title_key
from pipeline.extract.salaries import extract_salaries
from pipeline.extract.sections import structure
from pipeline.extract.terms import (
    extract_contract,
    extract_hours,
    extract_location,
    refers_forward,
    refers_to_all,
    refers_to_group,
)
from pipeline.resources import any_of, load_yaml

TEXT_LEVEL = 99  # units opened in running text close at any heading


@dataclass
class Fact:
    """A salary or closing date stated in a block, with its sentence and how it refers to roles."""

    kind: str  # salary | closing
    value: Any
    sentence: str
    group_ref: bool
    forward: bool
    all_ref: bool = False  # "all posts", "both posts"


@dataclass
class Unit:
    """One role, or a group of roles named together, with the facts and text gathered for it."""

    titles: list[str]
    level: int
    group: int
    unnamed: bool = False
    announced: bool = False  # opened by a recruiting statement ("we are recruiting social workers")
    structured: bool = False  # opened by a title field ("Job title: ...")
    facts: set[str] = field(default_factory=set)  # advert facts of its blocks (see advert_facts)
    salary: Salary | None = None
    closing: DateMention | None = None
    evidence: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    title_salaries: dict[str, Salary] = field(default_factory=dict)  # salaries stated next to one title
    later_salaries: list[Fact] = field(default_factory=list)  # further, different salaries in its section
    carried: set[str] = field(default_factory=set)  # kinds of fact taken from lines before its title
    own_start: int = 0  # index in texts of its title's own block (the lines before it come first)

    def add_evidence(self, sentence: str) -> None:
        """Keep a sentence the unit was read from (once)."""
        if sentence and sentence not in self.evidence:
            self.evidence.append(sentence)

    def has(self, kind: str) -> bool:
        """True when the unit already has a fact of this kind (salary, closing)."""
        return getattr(self, kind) is not None

    def accept(self, fact: Fact) -> None:
        """Take a fact as the unit's own."""
        setattr(self, fact.kind, fact.value)
        self.add_evidence(fact.sentence)


_PAY_POINT_ROW = re.compile(r"^\s*(?:(?:scp|point|pt)\.?\s*)?\d{1,2}\b[^£]*£[^£]+£", re.IGNORECASE)


def facts_of(block: Block, reference: dt.date | None) -> list[Fact]:
    """The salaries and closing dates a block states."""
    text = block.text
    facts: list[Fact] = []
    label = block.label if block.kind == "field" else None
    # A pay scale's row ("3 EDSA03 £ 42,811 £ 848 £ 43,659 £ 22.19") is a point on a scale, not an advert's pay.
    if label not in ("reference", "contact") and not _PAY_POINT_ROW.match(text):
        for salary in extract_salaries(text, labelled=label == "salary"):
            facts.append(make_fact("salary", salary, text, text.find(salary.text[:8])))
    # A labelled field other than a closing date ("Contract: fixed term to 31 July 2026") holds no closing date.
    for date in extract_dates(text, reference, label) if label in (None, "closing") else ():
        if date.is_closing:
            facts.append(make_fact("closing", date, text, text.find(date.text)))
    if label:
        for fact in facts:
            fact.sentence = f"{block.label}: {text}" if block.label else text
    return facts


def make_fact(kind: str, value: Any, text: str, offset: int) -> Fact:
    """A fact with the sentence around `offset` and the group references that sentence makes."""
    sentence = sentence_at(text, max(offset, 0))
    return Fact(kind, value, sentence, refers_to_group(sentence), refers_forward(sentence), refers_to_all(sentence))


def same(a: Any, b: Any) -> bool:
    """True when two facts state the same date or the same salary figures."""
    if isinstance(a, DateMention) and isinstance(b, DateMention):
        return a.date == b.date
    if isinstance(a, Salary) and isinstance(b, Salary):
        return (a.min, a.max, a.period) == (b.min, b.max, b.period)
    return False


def candidates(unit: Unit, method: str) -> list[VacancyCandidate]:
    """One vacancy candidate per title of a unit, with the hours, contract, place and employer it states."""
    text = "\n".join(unit.texts)
    hours, per_week = extract_hours(unit.fields["hours"], labelled=True) if "hours" in unit.fields else (None, None)
    if hours is None and per_week is None:
        hours, per_week = extract_hours(text)
    # the title's own contract note counts too ("Teacher of Maths (one year maternity cover)")
    heading = unit.evidence[0] if unit.evidence and unit.level != TEXT_LEVEL else ""
    contract = extract_contract(unit.fields.get("contract", "")) or extract_contract(text) or extract_contract(heading)
    location = unit.fields.get("location") or extract_location(text)
    postcodes = extract_postcodes(unit.fields.get("location", "")) or extract_postcodes(text)
    named = employer_in_field(unit.fields["employer"]) if "employer" in unit.fields else None
    employers = extract_employers(text) if named is None else []
    employer = named.key if named else next((e.key for e in employers if e.explicit), None)
    evidence = "\n".join(unit.evidence)
    titles: list[str | None] = list(unit.titles) if unit.titles else [None]
    return [
        VacancyCandidate(
            title,
            unit.title_salaries.get(title or "", unit.salary),
            unit.closing,
            hours,
            per_week,
            contract,
            location,
            postcodes[0].canonical if postcodes else None,
            employer,
            evidence,
            method,
            context=text[:600] if title is None else "",
        )
        for title in titles
    ]


def zip_columns(units: list[Unit]) -> None:
    """A pay table flattened column by column ("Social Worker Level 1", "Social Worker Level 2", "Team Manager",
    then "£26,822 to £29,323", "£30,153 to £32,486", ...): title headings with nothing under them, then as many
    salaries as titles under the last one. The salaries go to the titles in order."""
    for i, last in enumerate(units):
        if last.salary is None or not last.later_salaries or last.group:
            continue
        run: list[Unit] = []
        j = i - 1
        while j >= 0 and bare_heading(units[j]) and units[j].level == last.level:
            run.insert(0, units[j])
            j -= 1
        salaries = [last.salary, *(f.value for f in last.later_salaries)]
        if run and len(salaries) == len(run) + 1:
            sentences = [last.evidence[-1] if last.evidence else "", *(f.sentence for f in last.later_salaries)]
            for unit, salary, sentence in zip([*run, last], salaries, sentences, strict=True):
                unit.salary = salary
                unit.add_evidence(sentence)
            last.later_salaries = []


@lru_cache(maxsize=1)
def _level_line() -> re.Pattern[str]:
    return re.compile(rf"^\W*(?:{any_of(load_yaml('salary.yaml')['pay_level_lines'])})", re.IGNORECASE)


def widen_to_levels(unit: Unit) -> None:
    """One title over lines that each state one level's pay ("ASYE - ... £27,924 - £29,558", "Qualified - ...
    £32,778 - £33,857"): the vacancy is paid from the lowest level's minimum to the highest's maximum."""
    if unit.salary is None or not unit.later_salaries or unit.group or len(unit.titles) != 1:
        return
    first = next((t for t in unit.texts if unit.salary.text[:8] in t), "")
    lines = [first, *(f.sentence for f in unit.later_salaries)]
    salaries = [unit.salary, *(f.value for f in unit.later_salaries)]
    if not all(_level_line().match(line) for line in lines) or len({s.period for s in salaries}) != 1:
        return
    lows = [s.min for s in salaries if s.min is not None]
    highs = [s.max for s in salaries if s.max is not None]
    low, high = (min(lows) if lows else None), (max(highs) if highs else None)
    unit.salary = Salary(
        min=low,
        max=high,
        period=unit.salary.period,
        text="; ".join(s.text for s in salaries),
        up_to=False,
        pro_rata=any(s.pro_rata for s in salaries),
        plus_enhancements=any(s.plus_enhancements for s in salaries),
    )
    for fact in unit.later_salaries:
        unit.add_evidence(fact.sentence)
    unit.later_salaries = []


def bare_heading(unit: Unit) -> bool:
    """A unit that is a title heading and nothing else (one cell of a flattened header row)."""
    return (
        len(unit.texts) == 1
        and unit.salary is None
        and unit.closing is None
        and not unit.facts
        and unit.level != TEXT_LEVEL
        and not unit.group
    )


def is_advert(unit: Unit) -> bool:
    """A unit is an advert when it states a salary or closing date, was announced as being recruited to, or
    (a card, or a section under a title heading) carries enough advert fields."""
    if unit.salary is not None or unit.closing is not None or unit.announced:
        return True
    thresholds = structure()
    if unit.group:
        return len(unit.facts) >= thresholds.min_card_facts
    return (unit.level != TEXT_LEVEL or unit.structured) and len(unit.facts) >= thresholds.min_section_facts


_RUNG = re.compile(r"\b(?:grade|level|band|scale|points?|scp|spinal\s+points?)\s*[\w.]+", re.IGNORECASE)


def rungs_differ(first: str, second: str) -> bool:
    """True when two statements each name a grade, level or pay point, and not the same one."""
    a, b = _RUNG.search(first), _RUNG.search(second)
    return a is not None and b is not None and a.group(0).lower() != b.group(0).lower()


def other_rung(first: str, second: str, first_pay: Any, second_pay: Any) -> bool:
    """True when one title is stated on two rungs of a pay ladder ("Social Worker (Grade 10) - £37,024",
    "Social Worker (Grade 11) - £41,538"): each statement names its own grade and its own pay. A title named
    again with a supplement ("Service manager: £7,000") names no grade: the same role."""
    if not (first_pay and second_pay) or same(first_pay, second_pay):
        return False
    return rungs_differ(first, second)


def _first(evidence: list[str]) -> str:
    return evidence[0] if evidence else ""


def merge_repeats(units: list[Unit]) -> list[Unit]:
    """One advert per title outside listing cards: a title repeated further down a page ("Applying for:
    Head of Physics") is the same advert, and what it adds completes the first."""
    merged: list[Unit] = []
    by_title: dict[tuple[str, ...], Unit] = {}
    for unit in units:
        key = tuple(title_key(t) for t in unit.titles)
        first = by_title.get(key) if unit.titles and not unit.group else None
        if first is not None and other_rung(_first(first.evidence), _first(unit.evidence), first.salary, unit.salary):
            first = None  # one title on two rungs of a pay ladder: two roles
        if first is None:
            merged.append(unit)
            if unit.titles and not unit.group:
                by_title[key] = unit
            continue
        first.salary = first.salary or unit.salary
        first.closing = first.closing or unit.closing
        first.facts |= unit.facts
        for name, value in unit.fields.items():
            first.fields.setdefault(name, value)
        first.texts.extend(unit.texts)
        for sentence in unit.evidence:
            first.add_evidence(sentence)
    return merged


COMPLETABLE = ("salary", "closing", "hours", "hours_per_week", "contract", "location_text", "postcode", "employer")
