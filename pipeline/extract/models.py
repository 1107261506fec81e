"""Typed, frozen results of extraction. Every result keeps the text it was read from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.extract.employer_kinds import KindCue

# Heading level of a post's name read from a pay table's flattened row (pipeline/extract/pay_rows.py): below
# every real heading, so it opens an advert without ending the page section around the table.
CELL_LEVEL = 7


@dataclass(frozen=True)
class Block:
    """One unit of page structure: a heading, a paragraph, a list item or a label/value field."""

    kind: str  # "heading" | "paragraph" | "item" | "field"
    text: str
    level: int = 0  # heading level (1-6) for headings, 0 otherwise
    group: int = 0  # id of the repeated listing item (card) the block sits in; 0 when none
    label: str | None = None  # for fields: the label ("Salary", "Closing date")
    para: int = 0  # physical paragraph: lines of one <p>/<address> or one blank-line-separated chunk


@dataclass(frozen=True)
class Salary:
    """A salary figure or range as stated. `min`/`max` are in `period` units; "up to" sets only max."""

    min: float | None
    max: float | None
    period: str | None  # year | month | week | day | hour
    text: str
    up_to: bool = False
    pro_rata: bool = False
    plus_enhancements: bool = False


@dataclass(frozen=True)
class DateMention:
    """A calendar date in the text; `is_closing` when the sentence states it as a closing date."""

    date: dt.date
    text: str
    is_closing: bool
    year_inferred: bool = False


@dataclass(frozen=True)
class Phone:
    """A telephone number in E.164 with the label the page gives it (Office, Freephone...)."""

    e164: str
    text: str
    label: str | None = None


@dataclass(frozen=True)
class Postcode:
    """A UK postcode in canonical form (`S40 2NT`) and as written."""

    canonical: str
    text: str


@dataclass(frozen=True)
class ContactPoint:
    """A person or office to contact. At least one of name/phone/email/address is set."""

    name: str | None
    phone: Phone | None
    email: str | None
    address: str | None
    postcode: str | None
    evidence: str


@dataclass(frozen=True)
class BenefitMention:
    """A staff benefit, categorised, with a value and unit where the page states one."""

    category: str
    text: str
    evidence: str
    value: float | None = None
    unit: str | None = None
    employer: str | None = None  # employer named in the same passage, as written


@dataclass(frozen=True)
class EmployerMention:
    """An employer named on the page, resolved to a canonical key of the reference data."""

    key: str  # canonical name from the gazetteer
    text: str
    explicit: bool  # "X County Council" (True) or a bare place name in an employer context (False)
    recruits: bool = False  # the subject of a recruiting statement ("North Kent Mind is seeking ...")


@dataclass(frozen=True)
class RoleMention:
    """A role title found in text; `anchor` when the passage advertises it (not a passing mention)."""

    title: str
    text: str
    anchor: bool
    announced: bool = False  # named in a recruiting statement ("we are recruiting social workers")


@dataclass(frozen=True)
class VacancyCandidate:
    """One advertised role with the facts attached to it and the sentences they came from."""

    title: str | None
    salary: Salary | None
    closing: DateMention | None
    hours: str | None
    hours_per_week: float | None
    contract: str | None
    location_text: str | None
    postcode: str | None
    employer: str | None
    evidence: str
    method: str  # jsonld | structure | text
    context: str = ""  # surrounding text used to infer a role family when the title is missing


@dataclass(frozen=True)
class PageExtraction:
    """Everything read from one page."""

    title: str | None
    page_kind: str
    vacancies: tuple[VacancyCandidate, ...] = ()
    contacts: tuple[ContactPoint, ...] = ()
    benefits: tuple[BenefitMention, ...] = ()
    employers: tuple[EmployerMention, ...] = ()
    primary_employer: str | None = None  # the page's employer (an agency's client, never the agency)
    limits_applied: tuple[str, ...] = ()  # how the page's limits cut it (max_chars, max_depth)
    via_agency: str | None = None  # the recruitment agency that placed the advert, when the page names it
    agency_cue: str | None = None  # the words showing the page is an agency's advert for a client
    employer_kind_cue: KindCue | None = None  # what the page says of its own employer (a charity number...)
