"""Page structure around adverts: which headings name a part of an advert, which blocks state job facts, and
whether a heading's section holds enough of them to be an advert whatever the heading's words."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline.extract.clean import looks_like_heading
from pipeline.extract.models import Block
from pipeline.extract.nlp import names_post
from pipeline.extract.terms import extract_contract, extract_hours
from pipeline.resources import any_of, load_yaml

JOB_FIELDS = frozenset({"salary", "closing", "hours", "contract", "grade", "reference", "title"})


@dataclass(frozen=True)
class Structure:
    """Thresholds and word lists of pipeline/data/adverts.yaml."""

    generic: frozenset[str]
    min_section_facts: int
    min_card_facts: int
    max_title_words: int
    not_title: re.Pattern[str]


@lru_cache(maxsize=1)
def structure() -> Structure:
    """The structure rules, read once from pipeline/data/adverts.yaml."""
    data = load_yaml("adverts.yaml")
    return Structure(
        frozenset(data["generic_headings"]),
        int(data["min_section_facts"]),
        int(data["min_card_facts"]),
        int(data["max_title_words"]),
        re.compile(any_of(data["not_title_words"]), re.IGNORECASE),
    )


_GRADE_HEADING = re.compile(r"^(?:grade|band|level|scale|scp|point|pay\s+band)\s+[\w.+-]{1,5}$", re.IGNORECASE)


# A line that only places an advert ("Malvern, ENG, GB, United Kingdom", an applicant-tracking site's location).
_PLACE_HEADING = re.compile(r"^[A-Z][\w .'&-]*(?:,\s*[\w .'&-]+)*,\s*(?:united\s+kingdom|uk|gb|england|eng)$", re.I)


def is_generic_heading(text: str) -> bool:
    """True for a heading that names a part of an advert ("Job details", "About the role"), a grade ("Grade
    8", a pay table's row or column label) or only a place ("Malvern, ENG, GB, United Kingdom"), not a post."""
    words = " ".join(text.lower().strip(" :|-–").split())
    return words in structure().generic or bool(_GRADE_HEADING.match(words) or _PLACE_HEADING.match(text.strip()))


_HOURS_LINE = re.compile(
    r"^(?:full[\s-]?time|part[\s-]?time|job[\s-]?share|\d(?:\.\d+)?\s*fte|\d{1,2}(?:\.\d+)?\s*(?:hours|hrs)"
    r"(?:\s*(?:per|a|/)\s*week)?|term[\s-]time(?:\s+only)?)\b",
    re.IGNORECASE,
)


def advert_facts(block: Block) -> frozenset[str]:
    """The job facts a block states on its own: a labelled salary, closing date, contract, grade or reference
    field, an hours field that states working hours, or a short line of hours or contract words ("Full time",
    "Permanent", "1.0 fte"). A location or employer field alone is no job fact (a service's address and
    opening hours are not an advert)."""
    return _facts(block.kind, block.label, block.text)


@lru_cache(maxsize=512)  # a page's blocks are read for their facts twice (its sections, then its adverts)
def _facts(kind: str, label: str | None, text: str) -> frozenset[str]:
    if kind == "field" and label in JOB_FIELDS:
        if label == "hours" and extract_hours(text, labelled=True) == (None, None):
            return frozenset()
        return frozenset({label})
    if kind == "field":
        return frozenset()
    text = text.strip(" .,")
    if len(text.split()) > 6 or kind == "heading":
        return frozenset()
    facts = set()
    if _HOURS_LINE.match(text):
        facts.add("hours")
    if extract_contract(text) and len(text.split()) <= 4:
        facts.add("contract")
    return frozenset(facts)


def backed_headings(blocks: list[Block]) -> set[int]:
    """Indexes of the headings whose section (up to the next heading of their level or higher; generic headings
    such as "Job details" do not end it) holds at least `min_section_facts` distinct job facts. A section that
    holds a labelled title field ("Job Title: One to One Teaching Assistant") is titled by that field, not by
    its heading ("What we're looking for", "KNOWLEDGE"). One pass: the open sections are a stack of at most six
    heading levels."""
    minimum = structure().min_section_facts
    backed: set[int] = set()
    titled: set[int] = set()
    open_sections: list[tuple[int, int, set[str]]] = []  # (heading index, level, facts so far)
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            if is_generic_heading(block.text):
                continue
            open_sections = [s for s in open_sections if s[1] < block.level]
            open_sections.append((i, block.level, set()))
            continue
        if block.kind == "field" and block.label == "title" and open_sections:
            titled.add(open_sections[-1][0])
        found = advert_facts(block)
        for index, _level, facts in open_sections if found else ():
            facts |= found
            if len(facts) >= minimum:
                backed.add(index)
    return backed - titled


def title_like(text: str) -> bool:
    """A heading without role words that may still title an advert: short, not a sentence, not naming an
    employer or a campaign ("Children's residential recruitment", "Cornwall Council")."""
    words = text.split()
    thresholds = structure()
    return (
        0 < len(words) <= thresholds.max_title_words
        and not text.rstrip().endswith((".", "?", "!"))
        and not thresholds.not_title.search(text)
    )


TITLE_LINE_REACH = 3  # a title line stands at most this many blocks above the advert's first field


def title_lines(blocks: list[Block]) -> list[Block]:
    """Blocks with the title line of a capture without blank lines made a heading: the nearest title-like line
    that names a post within a few blocks above a run of advert fields ("Modern Apprentice – Early Years
    Practitioner - fixed term until 29/6/" above "Salary: ..."), where no heading stands between them and no
    heading or title field above already names a post. Listing cards keep their own structure."""
    out = list(blocks)
    titled = False  # a heading above names a post
    for i, block in enumerate(blocks):
        if block.kind == "heading" or (block.kind == "field" and block.label == "title"):
            titled = titled or block.kind == "field" or names_post(block.text)
        if titled or block.kind != "field" or block.label not in JOB_FIELDS or (i and blocks[i - 1].kind == "field"):
            continue
        for j in range(i - 1, max(-1, i - 1 - TITLE_LINE_REACH), -1):
            above = out[j]
            if above.kind in ("heading", "field") or above.group:
                break
            title_like_line = looks_like_heading(above.text, contract_note=True)
            if above.kind == "paragraph" and title_like_line and names_post(above.text):
                out[j] = replace(above, kind="heading", level=2)
                titled = True
                break
    return out
