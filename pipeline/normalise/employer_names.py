"""One name per employer: "The X School" and "X School", "X Care Ltd" and "X Care", "WITHERSLACK GROUP
LIMITED" and "Witherslack Group" are one employer. Known employers and their other names (aliases, short
forms, former names) are data in pipeline/data/employers.yaml; the rules here only tidy a written name."""

from __future__ import annotations

import re

from pipeline.extract.employer_kinds import (
    KindCue,
    agency_cue,
    kind_from_name,
    kind_from_page,
    patterns,
    strip_legal_suffix,
)
from pipeline.reference import Employer, gazetteer

_BRACKET = re.compile(r"^(?P<before>.*?)\s*\((?P<inner>[^()]*)\)(?P<after>.*)$")
_ASIDE = re.compile(r"^(?:formerly|previously|now|registered|reg\.?|charity|company|trading|t/a)\b", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Z][A-Za-z]{0,2}[A-Z]{1,4}")
_OWNER = re.compile(r"\b(?:private\s+equity|topco|midco|bidco|holdings?)\b", re.IGNORECASE)
_SMALL_WORDS = {"and", "of", "for", "the", "in", "on", "at", "to", "by", "with", "upon"}


def _tidy(text: str) -> str:
    text = " ".join(text.replace("’", "'").replace("‘", "'").replace(" & ", " and ").split())
    return text.strip(" ,.;:-|")


def _is_company(text: str) -> bool:
    return bool(patterns().private_suffix.search(text) or _OWNER.search(text))


def _unbracket(text: str) -> str:
    """A name with a bracketed part: the brand when the bracket pairs it with its legal owner ("Amalfi Midco
    Limited (CareTech)" is CareTech), without asides and abbreviations ("Outcomes First Group (OFG)")."""
    match = _BRACKET.match(text)
    if match is None:
        return text
    before, inner, after = match.group("before"), match.group("inner").strip(), match.group("after")
    if any(c.isdigit() for c in inner) and not _ASIDE.match(inner):
        return text  # part of the name: "Park Care Homes (No 2) Ltd"
    if _is_company(before) and not _is_company(inner) and not _ACRONYM.fullmatch(inner):
        return _tidy(inner)
    return _tidy(f"{before} {after}")


def _cased(text: str) -> str:
    """A name's words capitalised ("Pield heath House School"), and a name written all in capitals in title
    case ("WITHERSLACK GROUP"); short words (and, of) stay small, a one-word capitalised name ("OHCAT") stays."""
    words = text.split()
    if len(words) == 1 and len(text) <= 6:
        return text
    shouting = text.isupper()
    out = []
    for i, word in enumerate(words):
        small = i > 0 and word.lower() in _SMALL_WORDS
        if small:
            word = word.lower()
        elif word.islower() or (shouting and len(word) > 3):
            word = word[0].upper() + word[1:].lower()
        out.append(word)
    return " ".join(out)


def known_employer(written: str) -> Employer | None:
    """The reference employer a written name refers to, also without its legal form or a leading "The"."""
    gaz = gazetteer()
    text = _unbracket(_tidy(written))
    for candidate in (text, strip_legal_suffix(text)):
        employer = gaz.by_name.get(candidate.lower()) or gaz.resolve(candidate)
        if employer is not None:
            return employer
    return None


def identify(written: str) -> tuple[str, Employer | None]:
    """An employer's one name and its reference entry, from one lookup: the reference name when it is known,
    else the written name without a leading "The", its legal form, brackets that pair it with its owner, and
    shouting."""
    employer = known_employer(written)
    if employer is not None:
        return employer.name, employer
    text = strip_legal_suffix(_unbracket(_tidy(written)))
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    return _cased(text), None


def canonical_name(written: str) -> str:
    """The one name an employer goes by (see identify)."""
    return identify(written)[0]


def name_key(name: str) -> str:
    """A slug of a canonical name (the employer_id of employers the reference data does not know)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "").replace("&", " and ")).strip("-")


COUNCIL_KINDS = frozenset(
    {
        "county_council",
        "unitary_authority",
        "metropolitan_district",
        "london_borough",
        "district_council",
        "welsh_principal_area",
        "scottish_council",
        "northern_ireland_district",
    }
)


def employer_kind(name: str, page_text: str = "", configured: str | None = None) -> tuple[str, str, str | None]:
    """(kind, kind_evidence, kind_cue) of an employer named on a page whose words are `page_text` (see
    kind_of; what the page says of its own employer: an agency's "on behalf of our client", a charity
    number, a company number)."""
    agency = agency_cue(page_text) if page_text else None
    page_cue = KindCue("agency", agency) if agency else (kind_from_page(page_text) if page_text else None)
    return kind_of(known_employer(name), name, configured, page_cue)


def kind_of(
    employer: Employer | None, written: str, configured: str | None = None, page_cue: KindCue | None = None
) -> tuple[str, str, str | None]:
    """(kind, kind_evidence, kind_cue): the reference entry's kind first, then the sources file's `kind`,
    then the page: the written name's ending, then `page_cue`; `unknown` with evidence `none` when nothing
    says."""
    if employer is not None:
        return employer.kind, "reference_data", None
    if configured:
        return configured, "sources_file", None
    cue = kind_from_name(written) or page_cue
    return (cue.kind, "page", cue.cue) if cue else ("unknown", "none", None)
