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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc

from pipeline.extract.models import Block, RoleMention, VacancyCandidate
from pipeline.extract.nlp import sentence_at, singular_title
from pipeline.extract.roles import (
    clean_title,
    counts_posts,
    is_scale_heading,
    names_vacancy,
    role_mentions,
    title_key,
)
from pipeline.extract.sections import advert_facts, backed_headings, is_generic_heading, title_like
from pipeline.extract.terms import refers_forward
from pipeline.extract.units import (
    COMPLETABLE,
    TEXT_LEVEL,
    Fact,
    Unit,
    candidates,
    facts_of,
    is_advert,
    merge_repeats,
    other_rung,
    rungs_differ,
    same,
    widen_to_levels,
    zip_columns,
)


@dataclass
class _Linker:
    reference: dt.date | None
    units: list[Unit] = field(default_factory=list)
    current: Unit | None = None
    pending_next: list[Fact] = field(default_factory=list)
    pending_list: list[Fact] = field(default_factory=list)
    list_used: bool = False
    list_units: list[Unit] = field(default_factory=list)  # units opened by the current run of list items
    loose: list[Block] = field(default_factory=list)  # blocks read while no unit was open
    section_units: list[Unit] = field(default_factory=list)  # units opened since the last section heading

    def close(self) -> None:
        if self.current is not None:
            self.units.append(self.current)
        self.current = None

    def open(self, unit: Unit, block: Block) -> None:
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
        unit.own_start = len(unit.texts)
        for fact in self.pending_next:
            if not unit.has(fact.kind):
                unit.accept(fact)
                unit.carried.add(fact.kind)
        self.pending_next.clear()
        if self.pending_list and block.kind in ("item", "heading"):
            for fact in self.pending_list:
                if not unit.has(fact.kind):
                    unit.accept(fact)
            self.list_used = True

    def attach(self, fact: Fact, roles_follow: bool) -> None:
        unit = self.current
        if fact.forward and roles_follow:
            self.pending_list.append(fact)
            self.list_used = False
        elif unit is None:
            self.pending_next.append(fact)
        elif not unit.has(fact.kind):
            unit.accept(fact)
        elif fact.kind in unit.carried and len(unit.texts) - unit.own_start <= 2 and unit.level != TEXT_LEVEL:
            # a figure straight under a title heading is its own; one carried from the line before the heading
            # was the line before's ("ASYE" / "£32,251" / "Social Worker" / "£34,688 – £38,476")
            unit.accept(fact)
            unit.carried.discard(fact.kind)
        elif same(getattr(unit, fact.kind), fact.value):
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
        facts = facts_of(block, self.reference)
        if block.kind == "heading":
            self._heading(block, mentions, backed)
        elif mentions:
            self._text_anchor(block, mentions)
        elif refers_forward(block.text) and not facts and not roles_follow:
            unit = Unit([], TEXT_LEVEL, block.group, unnamed=True)
            self.open(unit, block)
            unit.add_evidence(sentence_at(block.text, block.text.lower().find("following")))
        if self.current is None:
            self.loose.append(block)
        else:
            self.current.texts.append(block.text)
            if len(self.current.texts) <= 3 and counts_posts(block.text):
                self.current.announced = True  # "(X2 Vacancies)" under the title: it is being recruited to
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
        if mentions or block.group or (backed and title_like(block.text)):
            # A listing card's heading, or a heading over advert fields, is the title as the site wrote it
            # (structure before text rules).
            whole = block.group or not mentions
            titles = [singular_title(clean_title(block.text))] if whole else [m.title for m in mentions]
            # "Project Worker Vacancy": the heading itself says the post is being recruited to
            self.open(Unit(titles, block.level, block.group, announced=names_vacancy(block.text)), block)
            assert self.current is not None
            self.current.add_evidence(block.text)
        elif unit is not None and block.level <= unit.level and (len(unit.texts) > 1 or unit.level == TEXT_LEVEL):
            self.close()  # a heading straight after a title heading is its subtitle, not a new section
            self.section_units = []
        elif unit is None:
            self.section_units = []

    def _text_anchor(self, block: Block, mentions: list[RoleMention]) -> None:
        unit = self.current
        keys = {title_key(m.title) for m in mentions}
        unit_keys = [title_key(t) for t in unit.titles] if unit is not None else []
        title_field = block.kind == "field" and block.label == "title"
        announced = all(m.announced for m in mentions)
        # prose announcing the open unit's post in other words ("Maths Teacher" under "Teacher of Maths")
        renamed = announced and all(_same_post(m.title, unit_keys) for m in mentions)
        if unit is not None and not _next_rung(unit, block, mentions[0]) and not (
            # prose announcing other posts under a heading that names a role but states no advert fact (a news
            # headline, "Career opportunities for social workers"): those posts are the page's, not the heading's
            announced and not renamed and _factless_heading(unit)
        ) and (
            ((unit.level != TEXT_LEVEL or (unit.structured and not title_field)) and block.kind != "item")
            # the open advert's post named again, perhaps shorter ("a social worker" in a Children's Social
            # Worker advert)
            or keys <= set(unit_keys)
            or (block.kind != "item" and all(any(k in t for t in unit_keys) for k in keys))
        ):
            unit.add_evidence(sentence_at(block.text, block.text.find(mentions[0].text)))
            if renamed:
                unit.announced = True  # the page's prose says it recruits to the heading's post
            if title_field and len(unit.titles) == 1 and _extends(title_key(mentions[0].title), unit_keys[0]):
                unit.titles = [mentions[0].title]  # the field names the post in full ("X, X Service")
            return
        titles = list(dict.fromkeys(m.title for m in mentions))
        self.open(Unit(titles, TEXT_LEVEL, block.group, announced=announced, structured=title_field), block)
        assert self.current is not None
        self.current.add_evidence(sentence_at(block.text, block.text.find(mentions[0].text)))


def _factless_heading(unit: Unit) -> bool:
    """A unit opened by a heading (not a title field) that states no advert fact."""
    return not (unit.level == TEXT_LEVEL or unit.structured or unit.facts or unit.salary or unit.closing)


def _same_post(title: str, unit_keys: list[str]) -> bool:
    """True when a title names one of a unit's posts in other words ("Maths Teacher" for "Teacher of Maths"):
    the same words, in another order."""
    small = {"of", "the", "and", "for", "in"}
    return any(set(title_key(title).split()) - small == set(key.split()) - small for key in unit_keys)


def _next_rung(unit: Unit, block: Block, mention: RoleMention) -> bool:
    """A line that opens with a title and states its own grade and pay, under an open unit that has its pay for
    another grade: the next rung of a pay ladder ("Social Worker (Grade 11) - £41,538" after "... (Grade 10)")."""
    opens = block.text.lstrip(" -–•*").startswith(mention.text)
    first = unit.evidence[0] if unit.evidence else ""
    return opens and "£" in block.text and unit.salary is not None and rungs_differ(first, block.text)


def _salaries_per_title(unit: Unit, block: Block, mentions: list[RoleMention], facts: list[Fact]) -> None:
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


def _single_advert(blocks: list[Block], mentions: list[list[RoleMention]], facts: list[Fact]) -> list[Unit]:
    """A page whose salary or closing date joined no role: one advert, titled by the first heading that
    names a role (the title is then the advert's subject even where the heading says more)."""
    for block, found in zip(blocks, mentions, strict=True):
        if block.kind == "heading" and found:
            unit = Unit([found[0].title], block.level, block.group)
            unit.add_evidence(block.text)
            unit.texts.extend(b.text for b in blocks)
            unit.fields.update({b.label: b.text for b in reversed(blocks) if b.kind == "field" and b.label})
            for fact in facts:
                if not unit.has(fact.kind):
                    unit.accept(fact)
            return [unit]
    return []


def _fuller_title(key: str, seen: dict[str, int]) -> str:
    """The key of a title already found that a title field names in short ("Position Title: Assistant Manager"
    under "Assistant Manager - Children's Residential Services"): the same post. Else the key itself."""
    return next((other for other in seen if _extends(other, key)), key)


def _shorter_title(
    key: str, seen: dict[str, int], found: list[VacancyCandidate], candidate: VacancyCandidate
) -> str | None:
    """The key of a title already found that this title field names in full ("Teaching assistant", a job
    board's job-role category, then "One to One Teaching Assistant"), when their pay does not differ: the same
    post, under its fuller name. Else None."""
    for other, index in seen.items():
        first = found[index]
        names_it = (key.endswith(" " + other) or _extends(key, other)) and first.method == "structure"
        if names_it and (first.salary is None or candidate.salary is None or first.salary == candidate.salary):
            return other
    return None


def _one_structured_advert(found: list[VacancyCandidate]) -> bool:
    """True when the page so far holds one vacancy, a structured advert with its own pay or closing date: a
    post its prose then names without pay or date of its own is that advert's."""
    return len(found) == 1 and found[0].method == "structure" and _dated_or_paid(found[0])


def _dated_or_paid(candidate: VacancyCandidate) -> bool:
    return candidate.salary is not None or candidate.closing is not None


def _named_in_short(key: str, seen: dict[str, int]) -> str:
    """The key of a title already found whose last words are this one ("senior social worker" for "social
    worker"): prose naming the advert's post in short, with no pay or date of its own. Else the key itself."""
    return next((other for other in seen if other.endswith(" " + key) or _extends(other, key)), key)


def _extends(longer: str, shorter: str) -> bool:
    """True when a title key is another's words and more ("assistant manager - children's residential services"
    of "assistant manager")."""
    return len(longer) > len(shorter) and longer.startswith(shorter) and not longer[len(shorter)].isalnum()


def link_adverts(blocks: list[Block], docs: Sequence[Doc | None], reference: dt.date | None) -> list[VacancyCandidate]:
    """Vacancy candidates of a page: every unit that states a salary or a closing date, was announced, or
    sits under a title heading with advert fields."""
    linker = _Linker(reference)
    mentions = [role_mentions(block, doc) for block, doc in zip(blocks, docs, strict=True)]
    backed = backed_headings(blocks)
    for i, block in enumerate(blocks):
        linker.feed(block, mentions[i], _roles_follow(blocks, mentions, i), i in backed)
    linker.close()
    zip_columns(linker.units)
    for unit in linker.units:
        widen_to_levels(unit)
    units = merge_repeats([u for u in linker.units if is_advert(u)])
    if not units and linker.pending_next:
        units = _single_advert(blocks, mentions, linker.pending_next)
    if len(units) == 1 and linker.pending_next:
        for fact in linker.pending_next:
            if not units[0].has(fact.kind):
                units[0].accept(fact)
    found: list[VacancyCandidate] = []
    seen: dict[str, int] = {}  # title key -> index in found, outside listing cards
    for unit in units:
        method = "structure" if unit.group or unit.level != TEXT_LEVEL or unit.structured else "text"
        for candidate in candidates(unit, method):
            key = title_key(candidate.title) if candidate.title else None
            first = found[seen[key]] if key is not None and key in seen else None
            if first is not None and other_rung(first.evidence, candidate.evidence, first.salary, candidate.salary):
                key = None  # one title on two rungs of a pay ladder ("Social Worker (Grade 10)", "(Grade 11)")
            elif key is not None and not unit.group and method == "structure" and key not in seen:
                shorter = _shorter_title(key, seen, found, candidate)
                if shorter is not None:  # a board's job-role category, then the advert's own title
                    found[seen[shorter]] = replace(found[seen[shorter]], title=candidate.title)
                    seen[key] = seen.pop(shorter)
                elif unit.structured:
                    key = _fuller_title(key, seen)
            elif key is not None and method == "text" and key not in seen and not _dated_or_paid(candidate):
                key = _named_in_short(key, seen)  # "experienced Social Worker" in a Senior Social Worker advert
                if key not in seen and _one_structured_advert(found):
                    continue  # the page's one advert named in other words ("an opportunity has arisen for ...")
            if key is not None and not unit.group and key in seen:
                # The same post named in two statements of one page: one vacancy, completed by the second.
                first = found[seen[key]]
                found[seen[key]] = replace(
                    first, **{k: getattr(candidate, k) for k in COMPLETABLE if getattr(first, k) is None}
                )
                continue
            if key is not None and not unit.group:
                seen[key] = len(found)
            found.append(candidate)
    return found
