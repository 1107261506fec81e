"""Contact details: phones (E.164), emails, UK postcodes, addresses, and names given as contacts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import phonenumbers

from pipeline.extract.models import Block, ContactPoint, Phone, Postcode
from pipeline.extract.prefilter import Alternation
from pipeline.resources import any_of, load_yaml

EMAIL = re.compile(r"\b[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Outward code forms A9, A99, AA9, AA99, A9A, AA9A; inward 9AA with the letters Royal Mail uses.
_POSTCODE = re.compile(
    r"\b(?P<out>(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)|GIR)"
    r"\s?(?P<in>[0-9][ABD-HJLNP-UW-Z]{2})\b"
)
_NAME_TOKEN = r"(?:Mc|Mac|O'|O’|D'|De|Van|Le)?[A-Z][a-zà-öø-ÿ]+(?:[-'’][A-Z][a-zà-öø-ÿ]+)?"
MAX_OFFICE_DISTANCE = 4  # blocks after an address in which a phone still belongs to that office


@dataclass(frozen=True)
class _Patterns:
    name: Alternation
    not_name: frozenset[str]
    label_noise: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    data = load_yaml("contacts.yaml")
    followers = any_of(data["name_followers"])
    honor = "|".join(data["honorifics"])
    # A name after a cue: two or three name words, or an honorific and a surname ("call Mrs Hogg on ...").
    name = (
        rf"))\s+(?:(?P<hon>{honor})\.?\s+(?P<surname>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}})"
        rf"|(?P<name>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,2}}))"
        rf"(?=\s*(?i:{followers}))"
    )
    noise = any_of(data["phone_label_noise"])
    return _Patterns(
        Alternation(data["name_cues"], before=r"(?i:\b(?:", after=name),
        frozenset(data["not_name_words"]),
        re.compile(rf"(?:(?:^|\s|\b)(?:{noise})\s*)+$", re.IGNORECASE),
    )


def extract_postcodes(text: str) -> list[Postcode]:
    """Valid UK postcodes in canonical form ("S402NT" -> "S40 2NT")."""
    return [Postcode(f"{m['out']} {m['in']}", m.group(0)) for m in _POSTCODE.finditer(text)]


# Text captures glue labels to addresses: "Email addressname@trust.nhs.uk", "name@nhs.nettelephone".
_GLUED_BEFORE = re.compile(r"^(?:e-?mail(?:\s?address)?|address|email:)(?=[a-z0-9])", re.IGNORECASE)
_GLUED_AFTER = re.compile(
    r"\.(?P<tld>uk|com|org|net|gov|nhs|scot|wales|cymru|info|ac|sch)(?P<glued>telephone|tel|phone|mobile|fax|"
    r"website|web|tweet|twitter|contact|or|and|for)$",
    re.IGNORECASE,
)


def _unglued_email(local: str, domain: str, before: str) -> tuple[str, str]:
    if re.search(r"e-?mail\s*$", before, re.IGNORECASE) or _GLUED_BEFORE.match(local):
        local = _GLUED_BEFORE.sub("", local) if _GLUED_BEFORE.match(local) else re.sub(r"^address", "", local)
    glued = _GLUED_AFTER.search(domain)
    if glued:
        domain = domain[: glued.start("glued")]
    return local, domain


def extract_emails(text: str) -> list[str]:
    """Email addresses, lower-cased domain, in order of appearance; labels glued to them are cut off."""
    found: list[str] = []
    for m in EMAIL.finditer(text):
        local, domain = m.group(0).rsplit("@", 1)
        local, domain = _unglued_email(local, domain, text[max(0, m.start() - 12) : m.start()])
        email = f"{local}@{domain.lower()}".rstrip(".")
        if local and email not in found:
            found.append(email)
    return found


_FAX = re.compile(r"\bfax(?:\s+(?:no\.?|number))?\s*[:.]?\s*$", re.IGNORECASE)
_PHONE_SHAPE = re.compile(r"(?:\+\s?44|\b0)[\d\s().-]{8,}\d")  # cheap test before the full matcher


def extract_phones(text: str) -> list[tuple[Phone, int, int]]:
    """Valid UK phone numbers as (Phone, start, end); the label is the text just before the number."""
    found: list[tuple[Phone, int, int]] = []
    if not _PHONE_SHAPE.search(text):
        return found
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID):
        if _FAX.search(text[: match.start]):
            continue  # a fax number is not one to call
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((Phone(e164, match.raw_string, _phone_label(text[: match.start])), match.start, match.end))
    return found


def _phone_label(before: str) -> str | None:
    segment = re.split(r"[.;\n]|\b(?:or|and)\b", before)[-1]
    segment = _patterns().label_noise.sub("", segment).strip(" :,-")
    words = segment.split()
    if not words or len(words) > 8 or re.search(r"\d", segment):
        return None
    return segment[0].upper() + segment[1:]


def extract_names(text: str) -> list[tuple[str, int, int]]:
    """Person names given as someone to contact, as (name, start, end)."""
    pats = _patterns()
    names: list[tuple[str, int, int]] = []
    for m in pats.name.finditer(text):
        group = "surname" if m["surname"] else "name"
        tokens = m[group].split()
        if any(t in pats.not_name for t in tokens):
            continue
        name = f"{m['hon']} {m[group]}" if m["hon"] else m[group]
        names.append((name, m.start(group), m.end(group)))
    names.extend(_chained_names(text, names))
    return sorted(set(names), key=lambda n: n[1])


def _chained_names(text: str, names: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """ "contact A on 01... or B on 07...": names joined to a cued one by or/and, followed by a number."""
    chained: list[tuple[str, int, int]] = []
    pattern = re.compile(rf"\s+(?:or|and|,)\s+(?P<name>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,2}})(?=\s+(?:on|at)\b)")
    for _, _, end in names:
        rest = text[end : end + 200]
        for m in pattern.finditer(rest):
            if not any(t in _patterns().not_name for t in m["name"].split()):
                chained.append((m["name"], end + m.start("name"), end + m.end("name")))
    return chained


def _address_lines(blocks: Sequence[Block], index: int, postcode: Postcode) -> str:
    """The address a postcode closes: earlier short lines of the same paragraph, or the same line."""
    block = blocks[index]
    before = block.text[: block.text.find(postcode.text)].strip(" ,")
    lines = [before] if before else []
    j = index - 1
    while not before and j >= 0 and index - j <= 6:
        prev = blocks[j]
        if prev.para != block.para or len(prev.text.split()) > 8 or prev.text.endswith((".", ":")):
            break
        lines.insert(0, prev.text.strip(" ,"))
        j -= 1
    if not lines:  # an address written one line per paragraph (<p> or <div> per line)
        j = index - 1
        while j >= 0 and index - j <= 6 and _address_line(blocks[j]):
            lines.insert(0, blocks[j].text.strip(" ,"))
            j -= 1
    parts = [p.strip() for line in lines for p in line.split(",") if p.strip()]
    return ", ".join([*parts, postcode.canonical]) if parts else ""


def _address_line(block: Block) -> bool:
    text = block.text
    return block.kind in ("paragraph", "item") and len(text.split()) <= 6 and not text.endswith((".", ":", "?"))


def _contacts_in_block(text: str, continuation: str = "") -> list[ContactPoint]:
    """Contact points of one block; `continuation` is the start of the next line of the same paragraph, so that
    a name wrapped onto it ("please contact\nVioleta Corzo on ...") is still found."""
    points: list[ContactPoint] = []
    found_next = {name for name, _, _ in extract_names(continuation)} if continuation else set()
    names = [n for n in extract_names(f"{text} {continuation}".strip()) if n[1] < len(text) or n[0] not in found_next]
    phones = extract_phones(text)
    emails = extract_emails(text)
    used_phones: set[int] = set()
    used_emails: set[str] = set()
    for name, _start, end in names:
        nearby = next(((p, s) for p, s, _ in phones if s >= end and s - end < 60 and s not in used_phones), None)
        window = text[end : end + 80]
        email = next((e for e in emails if e in window and e not in used_emails), None)
        if nearby:
            used_phones.add(nearby[1])
        if email:
            used_emails.add(email)
        number = replace(nearby[0], label=None) if nearby else None
        points.append(ContactPoint(name, number, email, None, None, text))
    for phone, start, _ in phones:
        if start not in used_phones:
            points.append(ContactPoint(None, phone, None, None, None, text))
    for email in emails:
        if email not in used_emails:
            points.append(ContactPoint(None, None, email, None, None, text))
    return points


def extract_contacts(blocks: Sequence[Block]) -> list[ContactPoint]:
    """Contact points of a page: people, phones and emails, with the office address they sit under."""
    points: list[ContactPoint] = []
    office: tuple[str, str, int, int] | None = None  # address, postcode, block index, para
    for i, block in enumerate(blocks):
        # A job's place ("Location: Thurrock, RM17 6SL", a results card's location line) is not a contact.
        postcodes = [] if _is_job_location(block) else extract_postcodes(block.text)
        if postcodes:
            address = _address_lines(blocks, i, postcodes[-1])
            office = (address, postcodes[-1].canonical, i, block.para)
            if address:
                points.append(
                    ContactPoint(
                        None, None, None, address, postcodes[-1].canonical, _address_evidence(blocks, i, address)
                    )
                )
        elif office and ((block.kind == "heading" and block.para != office[3]) or i - office[2] > MAX_OFFICE_DISTANCE):
            office = None
        text = f"Contact: {block.text}" if block.kind == "field" and block.label == "contact" else block.text
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        # A capture's wrapped line (its first part may have been taken for a heading).
        wrapped = nxt is not None and nxt.para == block.para and nxt.kind == "paragraph" and block.kind != "item"
        for point in _contacts_in_block(text, nxt.text[:80] if wrapped and nxt is not None else ""):
            if office and point.name is None:
                point = ContactPoint(None, point.phone, point.email, office[0], office[1], point.evidence)
            points.append(point)
    return _merge_offices(points)


_CONTACT_CUE = re.compile(r"\b(?:write|send|post|return|address|contact|apply|visit|enquir)", re.IGNORECASE)


def _is_job_location(block: Block) -> bool:
    """A location field, or a line of a listing card that names a place without a contact cue."""
    if block.kind == "field":
        return block.label == "location"
    return bool(block.group) and not _CONTACT_CUE.search(block.text)


def _address_evidence(blocks: Sequence[Block], index: int, address: str) -> str:
    para = blocks[index].para
    lines = [b.text for b in blocks[max(0, index - 6) : index + 1] if b.para == para]
    return "\n".join(lines) if lines else address


def _merge_offices(points: list[ContactPoint]) -> list[ContactPoint]:
    """Drop a bare address row when a phone or email row already carries that address."""
    with_details = {(p.address, p.postcode) for p in points if p.address and (p.phone or p.email)}
    return [p for p in points if p.phone or p.email or p.name or (p.address, p.postcode) not in with_details]
