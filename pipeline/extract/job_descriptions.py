"""Job descriptions, person specifications and application packs: they name a role but are not adverts.
The page says so in its title or first line (`job_description_cues` in pipeline/data/page_kinds.yaml); its
role is still read: from the adverts the page's structure gives, else from its job-title field or the heading
that names the post, with the pay and hours its fields state."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from pipeline.extract.models import Block, VacancyCandidate
from pipeline.extract.nlp import role_titles
from pipeline.extract.roles import title_case
from pipeline.extract.salaries import extract_salaries
from pipeline.extract.terms import extract_hours
from pipeline.resources import any_of, load_yaml

_JOINED = re.compile(r"^[\s:;,.|&–—-]+|[\s:;,.|&–—-]+$|^\s*and\s+|\s+and\s*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _cues() -> re.Pattern[str]:
    return re.compile(any_of(load_yaml("page_kinds.yaml")["job_description_cues"]), re.I)


def is_job_description(title: str | None, text: str) -> bool:
    """True when the page's title (or, without one, its first line) names a job description, person
    specification, role profile or application pack."""
    heading = title or text.strip().split("\n", 1)[0][:200]
    return bool(_cues().search(heading))


OPENING_BLOCKS = 5  # how far down a page its document line may sit, under a letterhead ("NUGENT CARE", an address)
_ADVERT_CUE = re.compile(r"\bclosing\s+date\b|\bcloses\b|\bapply\s+(?:by|before)\b|\bdeadline\b", re.I)


def opens_as_job_description(blocks: list[Block]) -> bool:
    """True when a short line among the page's first blocks names the document ("JOB DESCRIPTION" under a
    letterhead, "Job Description for Therapeutic Care Worker") and the page states no closing date: an advert
    that links its job description says when applications close."""
    opening = [b.text for b in blocks[:OPENING_BLOCKS] if len(b.text.split()) <= 8]
    if not any(_cues().search(text) for text in opening):
        return False
    return not any(_ADVERT_CUE.search(b.text) for b in blocks)


def without_document_words(blocks: list[Block]) -> list[Block]:
    """A job description's opening headings with the document's own words taken out, so that the role they
    name is read: "Job Description and Person Specification: Team Manager" reads as "Team Manager"."""
    kept = []
    for index, block in enumerate(blocks):
        if index < OPENING_BLOCKS and block.kind in ("heading", "paragraph") and _cues().search(block.text):
            text = _cues().sub(" ", block.text)
            while _JOINED.search(text):
                text = _JOINED.sub("", text)
            block = replace(block, text=" ".join(text.split()))
        if block.text:
            kept.append(block)
    return kept


def _names_a_post(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 10 and any(role_titles().is_head_word(w) for w in words)


def job_description_role(blocks: list[Block], employer: str | None) -> VacancyCandidate | None:
    """The role a job description names when no advert was found on it: its job-title field, else its
    first heading that names a post, with the salary and hours its fields state."""
    titled = [b for b in blocks if b.kind == "field" and b.label == "title" and _names_a_post(b.text)]
    headings = [
        b
        for i, b in enumerate(blocks[:8])
        if (b.kind == "heading" or i < 2) and b.kind != "field" and _names_a_post(b.text)
    ]
    if not titled and not headings:
        return _subject_role(blocks, employer)
    source = (titled or headings)[0]
    fields = {b.label: b.text for b in blocks if b.kind == "field" and b.label}
    salaries = extract_salaries(fields["salary"], labelled=True) if "salary" in fields else []
    hours, per_week = extract_hours(fields["hours"], labelled=True) if "hours" in fields else (None, None)
    described = _described(source.text.strip(" :-–"), source.text, employer, "structure")
    salary = salaries[0] if salaries else None
    return replace(described, salary=salary, hours=hours, hours_per_week=per_week, location_text=fields.get("location"))


def _described(title: str, evidence: str, employer: str | None, method: str) -> VacancyCandidate:
    """A job description's post with nothing but its title: the pay, hours and place are added where known."""
    return VacancyCandidate(
        title=title,
        salary=None,
        closing=None,
        hours=None,
        hours_per_week=None,
        contract=None,
        location_text=None,
        postcode=None,
        employer=employer,
        evidence=evidence,
        method=method,
    )


# The post a job description is about, named as the subject of its opening sentences ("The role of the Deputy
# Manager (DM) is to support ...", "The residential care worker will play a vital role ...").
_SUBJECT_POST = re.compile(
    r"\b[Tt]he\s+(?:role\s+of\s+(?:the|a)\s+)?(?P<title>(?:[A-Za-z'’-]+\s+){0,4}?[A-Za-z'’-]+)"
    r"(?:\s+\([A-Z]{2,6}\))?\s+(?:is|will|role|post)\b"
)


def _subject_role(blocks: list[Block], employer: str | None) -> VacancyCandidate | None:
    """The post named as the subject of one of a job description's first paragraphs, if any."""
    for block in [b for b in blocks if b.kind == "paragraph"][:3]:
        match = _SUBJECT_POST.search(block.text)
        if match is None or not role_titles().is_head_word(match["title"].split()[-1]):
            continue
        return _described(title_case(match["title"]), block.text, employer, "text")
    return None
