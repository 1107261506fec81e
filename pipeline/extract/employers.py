"""Employers named on a page: councils by name, children's trusts and charities, and bare county names
in an employer context ("working for Derbyshire").

Names are found from anchors (the word "Council", "Borough of", a trust's name, an employer-context cue)
and looked up in the gazetteer, longest name first.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import lru_cache

from pipeline.extract.employer_kinds import agency_cue, kind_from_name
from pipeline.extract.models import EmployerMention
from pipeline.extract.nlp import names_post
from pipeline.extract.prefilter import Alternation
from pipeline.reference import Gazetteer, gazetteer
from pipeline.resources import load_yaml

MAX_NAME_WORDS = 6
_COUNCIL = re.compile(r"\b(?:[Cc]ouncil|COUNCIL)\b")
_BOROUGH_OF = re.compile(r"\b(?:(?:London|Royal)\s+Borough\s+of|Cyngor)\s+", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][\w'.&-]*")
# Private providers: capitalised words ending in a company suffix ("Bright Futures Care Ltd").
# A number may stand between its words ("Acorns 2 Oaks Ltd"), never first.
COMPANY = Alternation(
    [r"\b[A-Z][\w&'-]*[ \t]+(?:(?:[A-Z][\w&'-]*|\d{1,2})[ \t]+){0,4}(?:Ltd|Limited|LLP|plc|PLC|CIC)\b\.?"]
)
_NOT_COMPANY_START = {"The", "A", "An", "Our", "At", "By", "For", "With", "From", "And", "Join", "Working"}
# English NHS trusts by their names' ending: "Oxford Health NHS Foundation Trust".
# Place names keep their lower-case words: "The Newcastle upon Tyne Hospitals NHS Foundation Trust".
NHS_TRUST = Alternation([r"\b(?:[A-Z][\w'-]*[ \t]+(?:(?:and|upon)[ \t]+)?){1,8}NHS[ \t]+(?:Foundation[ \t]+)?Trust\b"])


def _names_ending(pattern: Alternation, text: str, min_words: int) -> Iterator[tuple[int, int, str]]:
    """Names that a pattern finds by their ending ("... Ltd", "... NHS Trust"), without leading words such as
    "The" or "Join" and without a full stop after the name."""
    for match in pattern.finditer(text):
        words = list(re.finditer(r"\S+", match.group(0)))
        while words and words[0].group(0) in _NOT_COMPANY_START:
            words.pop(0)
        if len(words) >= min_words:
            start = match.start() + words[0].start()
            end = match.start() + words[-1].end() - words[-1].group(0).endswith(".")
            yield start, end, text[start:end]


def _nhs_trusts(text: str) -> Iterator[tuple[int, int, str]]:
    return _names_ending(NHS_TRUST, text, 3)


def _companies(text: str) -> Iterator[tuple[int, int, str]]:
    return _names_ending(COMPANY, text, 2)


def _words_before(text: str, end: int) -> list[re.Match[str]]:
    return list(_WORD.finditer(text, max(0, end - 90), end))[-MAX_NAME_WORDS:]


def _words_after(text: str, start: int) -> list[re.Match[str]]:
    return list(_WORD.finditer(text, start, start + 90))[:MAX_NAME_WORDS]


def _councils(text: str, gaz: Gazetteer) -> Iterator[tuple[int, int, str]]:
    for anchor in _COUNCIL.finditer(text):
        words = _words_before(text, anchor.start())
        for k in range(len(words), 0, -1):
            first = words[-k]
            if not first.group(0)[0].isupper() or text[first.end() : anchor.start()].count("\n"):
                continue
            employer = gaz.resolve(text[first.start() : anchor.end()])
            if employer and employer.name.lower() in gaz.bare_names:
                break  # a regulator or partner ("Scottish Social Services Council"): only in an employer context
            if employer:
                yield first.start(), anchor.end(), employer.name
                break


def _boroughs(text: str, gaz: Gazetteer) -> Iterator[tuple[int, int, str]]:
    for anchor in _BOROUGH_OF.finditer(text):
        words = _words_after(text, anchor.end())
        for k in range(len(words), 0, -1):
            employer = gaz.resolve(text[anchor.start() : words[k - 1].end()])
            if employer:
                yield anchor.start(), words[k - 1].end(), employer.name
                break


@lru_cache(maxsize=1)
def _lowered(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((name, name.lower()) for name in names)


def _organisations(text: str, lower: str, gaz: Gazetteer) -> Iterator[tuple[int, int, str]]:
    for name, low_name in _lowered(gaz.organisations):
        start = lower.find(low_name)
        while start >= 0:
            end = start + len(name)
            if (start == 0 or not lower[start - 1].isalnum()) and (end == len(lower) or not lower[end].isalnum()):
                employer = gaz.resolve(name)
                if employer:
                    yield start, end, employer.name
            start = lower.find(low_name, end)


def _bare(text: str, gaz: Gazetteer) -> Iterator[tuple[int, int, str]]:
    for cue in gaz.bare_before.finditer(text):
        words = [w for w in _words_after(text, cue.end()) if w.start() < cue.end() + 60]
        yield from _longest(text, gaz, [words[: k + 1] for k in range(len(words) - 1, -1, -1)])
    for cue in gaz.bare_after.finditer(text):
        words = _words_before(text, cue.start())
        yield from _longest(text, gaz, [words[k:] for k in range(len(words))])


def _longest(text: str, gaz: Gazetteer, spans: list[list[re.Match[str]]]) -> Iterator[tuple[int, int, str]]:
    for span in spans:
        if not span or not span[0].group(0)[0].isupper():
            continue
        name = text[span[0].start() : span[-1].end()]
        if name.lower() in gaz.bare_names:
            employer = gaz.resolve(name) or gaz.resolve(f"{name} council")
            if employer:
                yield span[0].start(), span[-1].end(), employer.name
                return


def _head_words(words: list[str]) -> str:
    """An alternation of a name's head words ("Care", "Child Care"), spaces matching any whitespace."""
    return "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in words)


@lru_cache(maxsize=1)
def _provider_pattern() -> Alternation:
    data = load_yaml("employers.yaml")
    heads = _head_words(data["provider_heads"])
    word = r"[A-Z][\w'&.-]*"
    name = rf"(?:The\s+)?{word}(?:[ \t]+(?:{word}|and|of|&)){{0,4}}[ \t]+(?:{heads})\b"
    return Alternation(data["provider_name_before"], before=r"\b(?i:", after=rf")[ \t]+(?P<name>{name})")


@lru_cache(maxsize=1)
def _provider_subject_pattern() -> Alternation:
    data = load_yaml("employers.yaml")
    word = r"[A-Z][\w'&-]*"  # no full stop: a name never runs over a sentence's end
    name = rf"(?<![\w'’])(?P<name>(?:The\s+)?{word}(?:[ \t]+(?:{word}|and|of|&)){{0,4}})"
    return Alternation(data["provider_name_after"], before=rf"{name}(?i:", after=")")


@lru_cache(maxsize=1)
def _recruiting_subject_pattern() -> Alternation:
    data = load_yaml("employers.yaml")
    heads = _head_words([*data["provider_heads"], *data["recruiting_heads"]])
    word = r"[A-Z][\w'&-]*"
    name = rf"(?:The\s+)?{word}(?:[ \t]+(?:{word}|and|of|&)){{0,7}}[ \t]+(?:{heads})"
    prefix = data["recruiting_prefix"]
    bracket = r"(?:[ \t]*\([^)\n]{1,40}\))?"  # "X Academy (part of Y Trust) is seeking"
    subject = rf"(?<![\w'’])(?:{prefix})?(?P<name>{name}){bracket}"
    return Alternation(data["recruiting_after"], before=rf"{subject}(?i:", after=")")


def _named_mid_sentence(name: str, text: str) -> bool:
    """A one-word subject ("Nurtrio are proud to") counts only when the page also writes it capitalised inside a
    sentence ("within Nurtrio's homes"): at a sentence's start any word is capitalised ("Stability is a ...").
    An acronym alone never counts."""
    if len(name.split()) > 1:
        return True
    if name.isupper():
        return False  # an acronym alone is a team or service far more often ("MASH is a multi-agency service")
    return re.search(rf"(?:[a-z,;]|:)[ \t]+{re.escape(name)}\b", text) is not None


@lru_cache(maxsize=1)
def _lead_words() -> frozenset[str]:
    return frozenset(load_yaml("employers.yaml")["provider_lead_words"])


@lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    return frozenset(w.lower() for w in load_yaml("employers.yaml")["provider_generic_words"])


_COUNCIL_WORDS = re.compile(r"\b(?:Council|Borough|County|Authority|NHS|Government)\b")


@lru_cache(maxsize=1)
def _recruiting_name_pattern() -> Alternation:
    """A name of two to six capitalised words opening a line, as the subject of a recruiting statement, whatever
    its last word ("North Kent Mind is seeking qualified Sessional Therapists")."""
    word = r"[A-Z][\w'&-]*"
    data = load_yaml("employers.yaml")
    subject = rf"^(?:{data['recruiting_prefix']})?(?P<name>{word}(?:[ \t]+(?:{word}|and|of|&)){{1,5}})"
    return Alternation(data["recruiting_name_after"], re.MULTILINE, before=rf"{subject}(?i:", after=")")


def _provider_name(match: re.Match[str], text: str, gaz: Gazetteer) -> tuple[int, int, str] | None:
    """The provider a match names, without a leading "The" or sentence opener, or None for a description, a
    council's service ("Bradford Children's Services"), a known employer or a post."""
    name = match.group("name")
    start = match.start("name") + (4 if name.startswith("The ") else 0)
    lead = text[start : match.end("name")].split(" ", 1)
    if len(lead) == 2 and lead[0] in _lead_words():  # "Today Nugent Care is ..."
        start += len(lead[0]) + 1
    first = text[start : match.end("name")].split()[0].replace("’", "'").lower()
    if first in _generic_words() or first in gaz.by_place or _COUNCIL_WORDS.search(name) or gaz.resolve(name):
        return None
    if names_post(name):
        return None  # a post, not an employer ("The Deputy Manager is the service's ...")
    return start, match.end("name"), text[start : match.end("name")]


def _named_providers(text: str, gaz: Gazetteer) -> Iterator[tuple[int, int, str]]:
    """Employers outside the reference data named in prose after an employer cue ("join our team at X Care")
    or before one that describes an organisation ("X is a charity", "X operates children's homes")."""
    subjects = [m for m in _provider_subject_pattern().finditer(text) if _named_mid_sentence(m.group("name"), text)]
    for match in [*_provider_pattern().finditer(text), *subjects]:
        if (found := _provider_name(match, text, gaz)) is not None:
            yield found


def _recruiting_subjects(text: str, gaz: Gazetteer) -> Iterator[tuple[int, int, str]]:
    """Employers outside the reference data named as the subject of a recruiting or safeguarding statement ("X
    School has an exciting opportunity", "The Governors of X School wish to appoint", "X Academy is committed to
    safeguarding", a line opening "North Kent Mind is seeking")."""
    matches = [*_recruiting_subject_pattern().finditer(text), *_recruiting_name_pattern().finditer(text)]
    for match in matches:
        if len(match.group("name").removeprefix("The ").split()) < 2:
            continue  # "The Trustees are looking to recruit": no name
        if (found := _provider_name(match, text, gaz)) is not None:
            yield found


def extract_employers(text: str) -> list[EmployerMention]:
    """Employer mentions in a passage, in order of appearance."""
    gaz = gazetteer()
    text = text.replace("’", "'").replace(" & ", " and ")
    explicit = [
        *_councils(text, gaz),
        *_boroughs(text, gaz),
        *_organisations(text, text.lower(), gaz),
        *_companies(text),
        *_nhs_trusts(text),
        *_named_providers(text, gaz),
    ]
    recruiting = {s: (s, e, key) for s, e, key in _recruiting_subjects(text, gaz)}
    explicit += recruiting.values()  # a name also found another way is kept once, as below
    found = [(s, EmployerMention(key, text[s:e], True, s in recruiting)) for s, e, key in explicit]
    for start, end, key in _bare(text, gaz):
        if not any(s <= start < e for s, e, _ in explicit):
            found.append((start, EmployerMention(key, text[start:end], False)))
    ordered = sorted(found, key=lambda f: f[0])
    return [mention for i, (start, mention) in enumerate(ordered) if i == 0 or ordered[i - 1][0] != start]


def primary_employer(mentions: Sequence[EmployerMention]) -> str | None:
    """The page's employer: named in more than half of the employer mentions (explicit names first), else the
    one name the page gives as the subject of a recruiting statement.

    A children's trust named beside the council it serves is the employer: it runs the service.
    """
    gaz = gazetteer()
    named = {m.key for m in mentions}
    recruiting = {m.key for m in mentions if m.recruits}
    # no name is most of them: the one the page has recruiting ("The Governors of X School wish to appoint")
    recruiter = next(iter(recruiting)) if len(recruiting) == 1 else None
    for explicit in (True, False):
        counts = Counter(m.key for m in mentions if m.explicit == explicit)
        if counts:
            key, count = counts.most_common(1)[0]
            majority = key if count * 2 > sum(counts.values()) else None
            return _trust_for(key, named, gaz) or majority or recruiter
    return None


def _trust_for(key: str, named: set[str], gaz: Gazetteer) -> str | None:
    """The children's trust among the named employers that serves the authority `key`, if any."""
    authority = gaz.by_name.get(key.lower())
    if authority is None or not authority.gss_code:
        return None
    for name in named:
        trust = gaz.by_name.get(name.lower())
        if trust is not None and authority.gss_code in trust.serves:
            return trust.name
    return None


_FIELD_INVITATION = re.compile(r"^(?:join|work\s+(?:for|with|at)|be\s+part\s+of)\s+", re.IGNORECASE)
_FIELD_APPOSITION = re.compile(r",\s+(?:a|an|one|part|which|who|where)\s+|\s+(?:is|are|was)\s+(?:a|an|the|one)\s+")
_FIELD_EMPLOYER = re.compile(r"^[A-Z0-9][\w'&(),. -]{2,120}$")
_NOT_EMPLOYER_VALUE = re.compile(
    r"^(?:nhs|council|local\s+authority|private|public|charity|voluntary|school|academy|"
    r"children'?s\s+services|social\s+care|various|n/?a|none|confidential|see\s+advert)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _unit_endings() -> frozenset[str]:
    return frozenset(w.lower() for w in load_yaml("employers.yaml")["unit_endings"])


@lru_cache(maxsize=1)
def _job_boards() -> frozenset[str]:
    return frozenset(b.lower() for b in load_yaml("employers.yaml")["job_boards"])


def employer_in_field(value: str) -> EmployerMention | None:
    """The employer an employer field names ("School: Churchill Community College", "Employer: Oxford Health
    NHS Foundation Trust"): the reference name when known, else the name as written."""
    value = " ".join(value.replace("’", "'").split()).strip(" .,|")
    value = _FIELD_INVITATION.sub("", value)  # "Company: Join the Mulberry Bush, a therapeutic community ..."
    value = re.sub(r"^the\s+", "The ", value)
    value = _FIELD_APPOSITION.split(value, maxsplit=1)[0].strip(" .,|")
    if not _FIELD_EMPLOYER.match(value) or _NOT_EMPLOYER_VALUE.match(value) or len(value.split()) > 12:
        return None
    if value.lower() in _job_boards():
        return None  # "Company: NHS Jobs": the site the advert came through
    known = extract_employers(value)
    whole = next((m for m in known if m.explicit and len(m.text) >= 0.6 * len(value)), None)
    if whole is not None:
        return whole
    if len(value.split()) < 2 or value.split()[-1].lower() in _unit_endings():
        return None  # one word, or a part of the employer ("Public Protection Department")
    return EmployerMention(value, value, True)


def is_agency(name: str) -> bool:
    """True when the reference data or the name's ending says the employer is a recruitment agency."""
    known = gazetteer().by_name.get(name.replace("’", "'").lower())
    if known is not None:
        return known.kind == "agency"
    cue = kind_from_name(name)
    return cue is not None and cue.kind == "agency"


def agency_and_client(
    mentions: Sequence[EmployerMention], primary: str | None, text: str, configured_agency: str | None = None
) -> tuple[str | None, str | None, str | None]:
    """(agency, client, cue) of a page an agency placed: the agency is the configured one (a source whose
    `kind` is agency), else a named agency when the page is the agency's own (its employer, or the page says
    "on behalf of our client"); the client is the page's employer among the other names, or None: never the
    agency. A page no agency placed gives (None, primary, None)."""
    cue = agency_cue(text)
    agencies = [m.key for m in mentions if is_agency(m.key)]
    agency = configured_agency or (agencies[0] if agencies and (cue or (primary and is_agency(primary))) else None)
    if agency is None and cue is None:
        return None, primary, None
    clients = [m for m in mentions if not is_agency(m.key) and m.key != agency]
    client = primary if primary and not is_agency(primary) and primary != agency else primary_employer(clients)
    return agency, client, cue


@lru_cache(maxsize=1)
def _name_line_pattern() -> re.Pattern[str]:
    data = load_yaml("employers.yaml")
    heads = _head_words(data["name_line_heads"])
    word = r"[A-Z][\w'&.-]*"
    return re.compile(rf"(?:The\s+)?{word}(?:[ \t]+(?:{word}|and|of|&)){{0,6}}[ \t]+(?:{heads})")


def employer_line(text: str) -> EmployerMention | None:
    """The employer a line holds when the whole line is an organisation's name ("Trinity School", "THORNTON
    HEATH NURSERY SCHOOL"), as job boards print it under an advert's title; not a description ("Children's
    Services") or a post."""
    line = " ".join(text.replace("’", "'").split())
    line = line.title().replace("'S ", "'s ") if line.isupper() else line
    if not _name_line_pattern().fullmatch(line):
        return None
    first = line.removeprefix("The ").split()[0].lower()
    if first in _generic_words() or names_post(line):
        return None
    return employer_in_field(line)
