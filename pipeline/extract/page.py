"""One page in, everything it says out: the extraction cascade (JSON-LD, then structure, then text)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise

from pipeline.extract.adverts import link_adverts
from pipeline.extract.benefits import extract_benefits
from pipeline.extract.clean import html_blocks, html_title, parse_html, parse_html_checked, text_blocks
from pipeline.extract.contacts import extract_contacts
from pipeline.extract.employer_kinds import kind_from_page
from pipeline.extract.employers import (
    agency_and_client,
    employer_in_field,
    employer_line,
    extract_employers,
    primary_employer,
)
from pipeline.extract.fields import label_fields
from pipeline.extract.job_descriptions import (
    is_job_description,
    job_description_role,
    opens_as_job_description,
    without_document_words,
)
from pipeline.extract.jsonld import json_ld_objects, postings
from pipeline.extract.limits import (
    PARSER_DEPTH,
    SPACY_PART,
    Deadline,
    Limits,
    html_as_text,
    html_depth_over,
    ld_json_scripts,
    split_long,
)
from pipeline.extract.models import Block, EmployerMention, PageExtraction, VacancyCandidate
from pipeline.extract.nlp import analyse, names_post
from pipeline.extract.pay_rows import unflatten_pay_rows
from pipeline.extract.prefilter import Alternation
from pipeline.extract.roles import title_key
from pipeline.extract.sections import title_lines
from pipeline.extract.units import COMPLETABLE
from pipeline.resources import load_yaml


@lru_cache(maxsize=1)
def _campaign() -> tuple[Alternation, int]:
    data = load_yaml("page_kinds.yaml")
    return Alternation(data["campaign_cues"], re.IGNORECASE), int(data["campaign_min_cues"])


NAME_LINE_BLOCKS = 8  # an employer's name line is read only among the first blocks of a page
_TITLE_DASH = re.compile(r"\s[-–|]\s")  # "Lead Nursery Nurse - St Paul's Primary School"


@lru_cache(maxsize=1)
def _foi() -> tuple[Alternation, int]:
    data = load_yaml("page_kinds.yaml")
    return Alternation(data["foi_cues"], re.IGNORECASE), int(data["foi_min_cues"])


def answers_information_request(text: str) -> bool:
    """Whether a page answers a freedom-of-information request (its posts and pay are facts, not adverts)."""
    pattern, minimum = _foi()
    return len(pattern.findall(text)) >= minimum


def classify_page(text: str, vacancies: int, is_description: bool = False) -> str:
    """`job_description` (the page's title says so: `is_description`), `vacancy`, `listing`, `campaign` or
    `information` (`other` for a page with no text)."""
    if is_description:
        return "job_description"
    if vacancies == 1:
        return "vacancy"
    if vacancies > 1:
        return "listing"
    if not text.strip():
        return "other"
    pattern, minimum = _campaign()
    return "campaign" if len(pattern.findall(text)) >= minimum else "information"


def _merge_structured(structured: list[VacancyCandidate], found: list[VacancyCandidate]) -> list[VacancyCandidate]:
    """JSON-LD postings first, completed by what the text says of the same title; other text finds kept."""
    if not structured:
        return found
    by_title = {title_key(v.title): v for v in found if v.title}
    merged = []
    for posting in structured:
        text = by_title.pop(title_key(posting.title), None) if posting.title else None
        if text is not None:
            if (
                text.salary
                and posting.salary
                and (text.salary.min, text.salary.max) == (posting.salary.min, posting.salary.max)
            ):
                posting = replace(posting, salary=text.salary)  # the page's wording keeps its qualifiers
            posting = replace(
                posting,
                **{k: getattr(text, k) for k in COMPLETABLE if getattr(posting, k) is None},
            )
        merged.append(posting)
    return merged + [v for v in found if v.title is None or title_key(v.title) in by_title]


def _blocks(
    content: str, is_html: bool, limits: Limits
) -> tuple[str | None, list[Block], list[VacancyCandidate], list[str]]:
    """The page's title, blocks and JSON-LD postings, and how its limits cut it."""
    notes: list[str] = []
    structured: list[VacancyCandidate] = []
    if is_html:
        root, too_deep = parse_html_checked(content, huge_tree=limits.max_depth > PARSER_DEPTH)
        if not too_deep and limits.max_depth < PARSER_DEPTH:  # a lower limit than the parser's own
            too_deep = html_depth_over(content, limits.max_depth)
        if not too_deep:
            return html_title(root), html_blocks(root), postings(json_ld_objects(root)), notes
        notes.append(f"element depth over max_depth ({limits.max_depth}): read as text")
        scripts = ld_json_scripts(content)
        structured = postings(json_ld_objects(parse_html(scripts))) if scripts else []
        content = html_as_text(content)
    blocks = text_blocks(content)
    title = next((b.text for b in blocks if b.kind == "heading"), blocks[0].text[:200] if blocks else None)
    return title, blocks, structured, notes


def _bounded(blocks: list[Block], limits: Limits, notes: list[str]) -> list[Block]:
    """The blocks up to max_chars of text (the last one cut), each split into spaCy-sized parts."""
    kept: list[Block] = []
    total = 0
    for block in blocks:
        room = limits.max_chars - total
        if room <= 0 or len(block.text) > room:
            if room > 0:
                kept.append(replace(block, text=block.text[:room]))
            notes.append(f"text over max_chars ({limits.max_chars:,}): the first {limits.max_chars:,} characters read")
            break
        kept.append(block)
        total += len(block.text)
    if all(len(b.text) <= SPACY_PART for b in kept):
        return kept
    return [replace(b, text=part) for b in kept for part in split_long(b.text)]


def _field_employers(blocks: list[Block]) -> list[EmployerMention]:
    """Employers named by an employer field, or among the page's first blocks by a name line straight under a
    heading that names a post (a job board's title, then its employer: "Higher Level Teaching Assistant" /
    "Trinity School") or by the last dashed part of such a heading ("Lead Nursery Nurse - St Paul's Primary
    School")."""
    found = [employer_in_field(b.text) for b in blocks if b.kind == "field" and b.label == "employer"]
    for before, block in pairwise(blocks[:NAME_LINE_BLOCKS]):
        if before.kind == "heading" and block.kind in ("heading", "paragraph") and names_post(before.text):
            found.append(employer_line(block.text))
    for block in blocks[:NAME_LINE_BLOCKS]:
        parts = _TITLE_DASH.split(block.text)
        if block.kind == "heading" and len(parts) > 1 and names_post(parts[0]):
            found.append(employer_line(parts[-1].split(",")[0]))  # "- X School, Internal Vacancy Only"
    return [m for m in found if m is not None]


def extract_page(
    content: str,
    is_html: bool,
    reference: dt.date | None = None,
    default_employer: str | None = None,
    limits: Limits | None = None,
    default_is_agency: bool = False,
) -> PageExtraction:
    """Extract vacancies, contacts, benefits and employers from one decoded page, within its limits (raises
    ExtractionTimeout past max_extract_seconds). `default_is_agency`: the default employer is a recruitment
    agency (the source's kind), so the page's employer is the client it names."""
    limits = limits or Limits()
    deadline = Deadline(limits.max_extract_seconds)
    title, blocks, structured, notes = _blocks(content, is_html, limits)
    blocks = unflatten_pay_rows(blocks)
    is_description = is_job_description(title, "\n".join(b.text for b in blocks[:1])) or opens_as_job_description(
        blocks
    )
    blocks = without_document_words(blocks) if is_description else blocks
    deadline.check("parsing")
    blocks = title_lines(label_fields(_bounded(blocks, limits, notes)))
    deadline.check("fields")
    docs = analyse([b.text for b in blocks])
    deadline.check("language analysis")
    vacancies = _merge_structured(structured, link_adverts(blocks, docs, reference))
    deadline.check("advert linking")
    full_text = "\n".join([title or "", *(b.text for b in blocks)])
    employers = extract_employers(full_text)
    named = _field_employers(blocks)
    # An employer field ("School:", "Employer:", "Company:") names the page's employer when it names one only.
    agency_default = default_employer if default_is_agency else None
    primary = (None if agency_default else default_employer) or (
        named[0].key if len({m.key for m in named}) == 1 else None
    )
    primary = primary or primary_employer(employers)
    employers = [*employers, *(m for m in named if m.key not in {e.key for e in employers})]
    agency, primary, cue = agency_and_client(employers, primary, full_text, agency_default)
    vacancies = [v if v.employer and v.employer != agency else replace(v, employer=primary) for v in vacancies]
    if answers_information_request(full_text):
        vacancies = []
    described = job_description_role(blocks, primary) if is_description and not vacancies else None
    vacancies = [described] if described else vacancies
    benefits = [b if b.employer else replace(b, employer=primary) for b in extract_benefits(blocks, docs)]
    deadline.check("benefits")
    return PageExtraction(
        title=title,
        page_kind=classify_page(full_text, len(vacancies), is_description),
        vacancies=tuple(vacancies),
        contacts=tuple(extract_contacts(blocks)),
        benefits=tuple(benefits),
        employers=tuple(employers),
        primary_employer=primary,
        limits_applied=tuple(notes),
        via_agency=agency,
        agency_cue=cue,
        employer_kind_cue=None if agency or cue else kind_from_page(full_text),
    )
