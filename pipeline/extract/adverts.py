"""Adverts: group a page's blocks into units (one role or a group of roles each) and attach to each unit
the salary, closing date, hours, contract and location stated for it.

Rules, in order of precedence:
- a listing card (a repeated li/article) is one unit, titled by its heading;
- a heading that is a role title opens a unit that lasts until a heading of the same or higher level;
- in running text a role advertised at the start of a block ("The Team Manager post ..."), before a
  posting noun ("these Neighbourhood Outreach Worker roles") or after a recruiting cue ("we are looking
  for a ...") opens a unit; "The following positions will be based in ..." opens a unit for roles the
  page does not name;
- a salary or closing date joins the open unit; one stated for a group ("these jobs") when the open
  unit already has one waits for the next unit; one stated for "the following posts" before a list of
  roles applies to each role of the list.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from spacy.tokens import Doc

from pipeline.extract.contacts import extract_postcodes
from pipeline.extract.dates import extract_dates
from pipeline.extract.employers import employer_in_field, extract_employers
from pipeline.extract.models import Block, DateMention, RoleMention, Salary, VacancyCandidate
from pipeline.extract.nlp import sentence_at, singular_title
from pipeline.extract.roles import clean_title, is_scale_heading, role_mentions, title_key
from pipeline.extract.salaries import extract_salaries
from pipeline.extract.terms import (
    extract_contract,
    extract_hours,
    extract_location,
    refers_forward,
    refers_to_all,
    refers_to_group,
)
from pipeline.resources import load_yaml

_TEXT_LEVEL = 99  # units opened in running text close at any heading
JOB_FIELDS = frozenset({"salary", "closing", "hours", "contract", "grade", "reference"})


@dataclass(frozen=True)
class _Structure:
    generic: frozenset[str]
    min_section_facts: int
    min_card_facts: int
    max_title_words: int
    not_title: re.Pattern[str]


@lru_cache(maxsize=1)
def _structure() -> _Structure:
    data = load_yaml("adverts.yaml")
    return _Structure(
        frozenset(data["generic_headings"]),
        int(data["min_section_facts"]),
        int(data["min_card_facts"]),
        int(data["max_title_words"]),
        re.compile("|".join(f"(?:{p})" for p in data["not_title_words"]), re.IGNORECASE),
    )


_GRADE_HEADING = re.compile(r"^(?:grade|band|level|scale|scp|point|pay\s+band)\s+[\w.+-]{1,5}$", re.IGNORECASE)


def is_generic_heading(text: str) -> bool:
    """True for a heading that names a part of an advert ("Job details", "About the role") or a grade ("Grade
    8", a pay table's row or column label), not a post."""
    words = " ".join(text.lower().strip(" :|-–").split())
    return words in _structure().generic or bool(_GRADE_HEADING.match(words))


_HOURS_LINE = re.compile(
    r"^(?:full[\s-]?time|part[\s-]?time|job[\s-]?share|\d(?:\.\d+)?\s*fte|\d{1,2}(?:\.\d+)?\s*(?:hours|hrs)"
    r"(?:\s*(?:per|a|/)\s*week)?|term[\s-]time(?:\s+only)?)\b",
    re.IGNORECASE,
)


def advert_facts(block: Block) -> set[str]:
    """The job facts a block states on its own: a labelled salary, closing date, contract, grade or reference
    field, an hours field that states working hours, or a short line of hours or contract words ("Full time",
    "Permanent", "1.0 fte"). A location or employer field alone is no job fact (a service's address and
    opening hours are not an advert)."""
    if block.kind == "field" and block.label in JOB_FIELDS:
        if block.label == "hours" and extract_hours(block.text, labelled=True) == (None, None):
            return set()
        return {block.label}
    if block.kind == "field":
        return set()
    text = block.text.strip(" .,")
    if len(text.split()) > 6 or block.kind == "heading":
        return set()
    facts = set()
    if _HOURS_LINE.match(text):
        facts.add("hours")
    if extract_contract(text) and len(text.split()) <= 4:
        facts.add("contract")
    return facts


def _section_facts(blocks: list[Block], index: int) -> int:
    """Advert facts between a heading and the next heading of its level or higher (generic headings such
    as "Job details" do not end it)."""
    level = blocks[index].level
    facts: set[str] = set()
    count = 0
    for block in blocks[index + 1 :]:
        if block.kind == "heading" and block.level <= level and not is_generic_heading(block.text):
            break
        found = advert_facts(block) - facts
        facts |= found
        count += len(found)
    return count


def _title_like(text: str) -> bool:
    """A heading without role words that may still title an advert: short, not a sentence, not naming an
    employer or a campaign ("Children's residential recruitment", "Cornwall Council")."""
    words = text.split()
    structure = _structure()
    return (
        0 < len(words) <= structure.max_title_words
        and not text.rstrip().endswith((".", "?", "!"))
        and not structure.not_title.search(text)
    )


@dataclass
class _Fact:
    kind: str  # salary | closing
    value: Any
    sentence: str
    group_ref: bool
    forward: bool
    all_ref: bool = False  # "all posts", "both posts"


@dataclass
class _Unit:
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
    later_salaries: list[_Fact] = field(default_factory=list)  # further, different salaries in its section

    def add_evidence(self, sentence: str) -> None:
        if sentence and sentence not in self.evidence:
            self.evidence.append(sentence)

    def has(self, kind: str) -> bool:
        return getattr(self, kind) is not None

    def accept(self, fact: _Fact) -> None:
        setattr(self, fact.kind, fact.value)
        self.add_evidence(fact.sentence)


_PAY_POINT_ROW = re.compile(r"^\s*(?:(?:scp|point|pt)\.?\s*)?\d{1,2}\b[^£]*£[^£]+£", re.IGNORECASE)


def _facts(block: Block, reference: dt.date | None) -> list[_Fact]:
    text = block.text
    facts: list[_Fact] = []
    label = block.label if block.kind == "field" else None
    # A pay scale's row ("3 EDSA03 £ 42,811 £ 848 £ 43,659 £ 22.19") is a point on a scale, not an advert's pay.
    if label not in ("reference", "contact") and not _PAY_POINT_ROW.match(text):
        for salary in extract_salaries(text, labelled=label == "salary"):
            facts.append(_fact("salary", salary, text, text.find(salary.text[:8])))
    # A labelled field other than a closing date ("Contract: fixed term to 31 July 2026") holds no closing date.
    for date in extract_dates(text, reference, label) if label in (None, "closing") else ():
        if date.is_closing:
            facts.append(_fact("closing", date, text, text.find(date.text)))
    if label:
        for fact in facts:
            fact.sentence = f"{block.label}: {text}" if block.label else text
    return facts


def _fact(kind: str, value: Any, text: str, offset: int) -> _Fact:
    sentence = sentence_at(text, max(offset, 0))
    return _Fact(kind, value, sentence, refers_to_group(sentence), refers_forward(sentence), refers_to_all(sentence))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, DateMention) and isinstance(b, DateMention):
        return a.date == b.date
    if isinstance(a, Salary) and isinstance(b, Salary):
        return (a.min, a.max, a.period) == (b.min, b.max, b.period)
    return False


@dataclass
class _Linker:
    reference: dt.date | None
    units: list[_Unit] = field(default_factory=list)
    current: _Unit | None = None
    pending_next: list[_Fact] = field(default_factory=list)
    pending_list: list[_Fact] = field(default_factory=list)
    list_used: bool = False
    list_units: list[_Unit] = field(default_factory=list)  # units opened by the current run of list items
    loose: list[Block] = field(default_factory=list)  # blocks read while no unit was open
    section_units: list[_Unit] = field(default_factory=list)  # units opened since the last section heading

    def close(self) -> None:
        if self.current is not None:
            self.units.append(self.current)
        self.current = None

    def open(self, unit: _Unit, block: Block) -> None:
        self.close()
        self.current = unit
        self.section_units.append(unit)
        if block.kind == "item":
            self.list_units.append(unit)
        else:
            self.list_units = []
        if self.pending_next and not unit.group:
            # Facts stated before the title ("Salary: ...", "Hours: ..." above the heading) are the advert's: so
            # are the fields and lines they came with.
            for loose in self.loose:
                unit.texts.append(loose.text)
                unit.facts |= advert_facts(loose)
                if loose.kind == "field" and loose.label:
                    unit.fields.setdefault(loose.label, loose.text)
        self.loose = []
        for fact in self.pending_next:
            if not unit.has(fact.kind):
                unit.accept(fact)
        self.pending_next.clear()
        if self.pending_list and block.kind in ("item", "heading"):
            for fact in self.pending_list:
                if not unit.has(fact.kind):
                    unit.accept(fact)
            self.list_used = True

    def attach(self, fact: _Fact, roles_follow: bool) -> None:
        unit = self.current
        if fact.forward and roles_follow:
            self.pending_list.append(fact)
            self.list_used = False
        elif unit is None:
            self.pending_next.append(fact)
        elif not unit.has(fact.kind):
            unit.accept(fact)
        elif _same(getattr(unit, fact.kind), fact.value):
            unit.add_evidence(fact.sentence)
        elif fact.group_ref:
            self.pending_next.append(fact)
        elif fact.kind == "salary":
            unit.later_salaries.append(fact)  # a column of a flattened pay table, perhaps (see _zip_columns)
        if fact.all_ref:
            for opened in self.section_units:  # "the closing date for all posts is ..."
                if not opened.has(fact.kind):
                    opened.accept(fact)
        if fact.group_ref and unit is not None and unit in self.list_units:
            for listed in self.list_units:  # "these posts" after a list of roles: every role of the list
                if not listed.has(fact.kind):
                    listed.accept(fact)

    def feed(self, block: Block, all_mentions: list[RoleMention], roles_follow: bool, backed: bool = False) -> None:
        """Take the next block: open or close units, attach the facts it states. `backed`: a heading whose
        section holds advert fields (it opens an advert whatever its words)."""
        mentions = [m for m in all_mentions if m.anchor]
        if block.kind != "item" and self.list_used:
            self.pending_list.clear()
            self.list_used = False
        unit = self.current
        if unit is not None and block.group != unit.group:
            self.close()
        facts = _facts(block, self.reference)
        if block.kind == "heading":
            self._heading(block, mentions, backed)
        elif mentions:
            self._text_anchor(block, mentions)
        elif refers_forward(block.text) and not facts and not roles_follow:
            unit = _Unit([], _TEXT_LEVEL, block.group, unnamed=True)
            self.open(unit, block)
            unit.add_evidence(sentence_at(block.text, block.text.lower().find("following")))
        if self.current is None:
            self.loose.append(block)
        else:
            self.current.texts.append(block.text)
            self.current.facts |= advert_facts(block)
            if block.kind == "field" and block.label:
                self.current.fields.setdefault(block.label, block.text)
        for fact in facts:
            self.attach(fact, roles_follow)
        if len(all_mentions) > 1 and self.current is not None:
            _salaries_per_title(self.current, block, all_mentions, facts)

    def _heading(self, block: Block, mentions: list[RoleMention], backed: bool) -> None:
        unit = self.current
        if is_scale_heading(block.text):  # a pay scale's heading: its figures are not an advert's
            self.close()
            self.section_units = []
            return
        if is_generic_heading(block.text):
            return  # "Job details", "About the role": a part of the open advert
        if mentions or block.group or (backed and _title_like(block.text)):
            # A listing card's heading, or a heading over advert fields, is the title as the site wrote it
            # (structure before text rules).
            whole = block.group or not mentions
            titles = [singular_title(clean_title(block.text))] if whole else [m.title for m in mentions]
            self.open(_Unit(titles, block.level, block.group), block)
            assert self.current is not None
            self.current.add_evidence(block.text)
        elif unit is not None and block.level <= unit.level and (len(unit.texts) > 1 or unit.level == _TEXT_LEVEL):
            self.close()  # a heading straight after a title heading is its subtitle, not a new section
            self.section_units = []
        elif unit is None:
            self.section_units = []

    def _text_anchor(self, block: Block, mentions: list[RoleMention]) -> None:
        unit = self.current
        keys = {title_key(m.title) for m in mentions}
        unit_keys = [title_key(t) for t in unit.titles] if unit is not None else []
        title_field = block.kind == "field" and block.label == "title"
        if unit is not None and (
            ((unit.level != _TEXT_LEVEL or (unit.structured and not title_field)) and block.kind != "item")
            # the open advert's post named again, perhaps shorter ("a social worker" in a Children's Social
            # Worker advert)
            or keys <= set(unit_keys)
            or (block.kind != "item" and all(any(k in t for t in unit_keys) for k in keys))
        ):
            unit.add_evidence(sentence_at(block.text, block.text.find(mentions[0].text)))
            return
        titles = list(dict.fromkeys(m.title for m in mentions))
        structured = block.kind == "field" and block.label == "title"
        announced = all(m.announced for m in mentions)
        self.open(_Unit(titles, _TEXT_LEVEL, block.group, announced=announced, structured=structured), block)
        assert self.current is not None
        self.current.add_evidence(sentence_at(block.text, block.text.find(mentions[0].text)))


def _salaries_per_title(unit: _Unit, block: Block, mentions: list[RoleMention], facts: list[_Fact]) -> None:
    """Several titles in one block, each followed by its own salary: each title keeps the one after it."""
    starts = [(block.text.find(m.text), m.title) for m in mentions]
    salaries = [f for f in facts if f.kind == "salary"]
    if len(salaries) < 2:
        return
    for fact in salaries:
        position = block.text.find(fact.value.text[:8])
        preceding = [title for start, title in starts if 0 <= start < position]
        if preceding:
            unit.title_salaries.setdefault(preceding[-1], fact.value)


def _roles_follow(blocks: list[Block], mentions: list[list[RoleMention]], index: int) -> bool:
    """True when the next block is a list item or heading that names a role."""
    nxt = index + 1
    return nxt < len(blocks) and blocks[nxt].kind in ("item", "heading") and bool(mentions[nxt])


def _candidates(unit: _Unit, method: str) -> list[VacancyCandidate]:
    text = "\n".join(unit.texts)
    hours, per_week = extract_hours(unit.fields["hours"], labelled=True) if "hours" in unit.fields else (None, None)
    if hours is None and per_week is None:
        hours, per_week = extract_hours(text)
    contract = extract_contract(unit.fields.get("contract", "")) or extract_contract(text)
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


def _single_advert(blocks: list[Block], mentions: list[list[RoleMention]], facts: list[_Fact]) -> list[_Unit]:
    """A page whose salary or closing date joined no role: one advert, titled by the first heading that
    names a role (the title is then the advert's subject even where the heading says more)."""
    for block, found in zip(blocks, mentions, strict=True):
        if block.kind == "heading" and found:
            unit = _Unit([found[0].title], block.level, block.group)
            unit.add_evidence(block.text)
            unit.texts.extend(b.text for b in blocks)
            unit.fields.update({b.label: b.text for b in reversed(blocks) if b.kind == "field" and b.label})
            for fact in facts:
                if not unit.has(fact.kind):
                    unit.accept(fact)
            return [unit]
    return []


def _zip_columns(units: list[_Unit]) -> None:
    """A pay table flattened column by column ("Social Worker Level 1", "Social Worker Level 2", "Team Manager",
    then "£26,822 to £29,323", "£30,153 to £32,486", ...): title headings with nothing under them, then as many
    salaries as titles under the last one. The salaries go to the titles in order."""
    for i, last in enumerate(units):
        if last.salary is None or not last.later_salaries or last.group:
            continue
        run: list[_Unit] = []
        j = i - 1
        while j >= 0 and _bare_heading(units[j]) and units[j].level == last.level:
            run.insert(0, units[j])
            j -= 1
        salaries = [last.salary, *(f.value for f in last.later_salaries)]
        if run and len(salaries) == len(run) + 1:
            sentences = [last.evidence[-1] if last.evidence else "", *(f.sentence for f in last.later_salaries)]
            for unit, salary, sentence in zip([*run, last], salaries, sentences, strict=True):
                unit.salary = salary
                unit.add_evidence(sentence)
            last.later_salaries = []


def _bare_heading(unit: _Unit) -> bool:
    """A unit that is a title heading and nothing else (one cell of a flattened header row)."""
    return (
        len(unit.texts) == 1
        and unit.salary is None
        and unit.closing is None
        and not unit.facts
        and unit.level != _TEXT_LEVEL
        and not unit.group
    )


def _is_advert(unit: _Unit) -> bool:
    """A unit is an advert when it states a salary or closing date, was announced as being recruited to, or
    (a card, or a section under a title heading) carries enough advert fields."""
    if unit.salary is not None or unit.closing is not None or unit.announced:
        return True
    structure = _structure()
    if unit.group:
        return len(unit.facts) >= structure.min_card_facts
    return (unit.level != _TEXT_LEVEL or unit.structured) and len(unit.facts) >= structure.min_section_facts


def _merge_repeats(units: list[_Unit]) -> list[_Unit]:
    """One advert per title outside listing cards: a title repeated further down a page ("Applying for:
    Head of Physics") is the same advert, and what it adds completes the first."""
    merged: list[_Unit] = []
    by_title: dict[tuple[str, ...], _Unit] = {}
    for unit in units:
        key = tuple(title_key(t) for t in unit.titles)
        first = by_title.get(key) if unit.titles and not unit.group else None
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


def link_adverts(blocks: list[Block], docs: Sequence[Doc | None], reference: dt.date | None) -> list[VacancyCandidate]:
    """Vacancy candidates of a page: every unit that states a salary or a closing date, was announced, or
    sits under a title heading with advert fields."""
    linker = _Linker(reference)
    mentions = [role_mentions(block, doc) for block, doc in zip(blocks, docs, strict=True)]
    for i, block in enumerate(blocks):
        backed = block.kind == "heading" and _section_facts(blocks, i) >= _structure().min_section_facts
        linker.feed(block, mentions[i], _roles_follow(blocks, mentions, i), backed)
    linker.close()
    _zip_columns(linker.units)
    units = _merge_repeats([u for u in linker.units if _is_advert(u)])
    if not units and linker.pending_next:
        units = _single_advert(blocks, mentions, linker.pending_next)
    if len(units) == 1 and linker.pending_next:
        for fact in linker.pending_next:
            if not units[0].has(fact.kind):
                units[0].accept(fact)
    found: list[VacancyCandidate] = []
    seen: dict[str, int] = {}  # title key -> index in found, outside listing cards
    for unit in units:
        method = "structure" if unit.group or unit.level != _TEXT_LEVEL or unit.structured else "text"
        for candidate in _candidates(unit, method):
            key = title_key(candidate.title) if candidate.title else None
            if key is not None and not unit.group and key in seen:
                # The same post named in two statements of one page: one vacancy, completed by the second.
                first = found[seen[key]]
                found[seen[key]] = replace(
                    first, **{k: getattr(candidate, k) for k in _COMPLETABLE if getattr(first, k) is None}
                )
                continue
            if key is not None and not unit.group:
                seen[key] = len(found)
            found.append(candidate)
    return found


_COMPLETABLE = ("salary", "closing", "hours", "hours_per_week", "contract", "location_text", "postcode", "employer")
