"""Role titles in a block, and whether the block advertises them (an anchor) or mentions them in passing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span

from pipeline.extract.models import Block, RoleMention
from pipeline.extract.nlp import ROLES, role_component, singular_title
from pipeline.resources import load_yaml

_NUMBER_WORDS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
HEADING_COVERAGE = 0.4  # a heading advertises a role when the title is at least this share of it
HEADING_LEAD_WORDS = 2  # ... or when at most this many words ("Band 5") come before the title


@dataclass(frozen=True)
class _Cues:
    leading: re.Pattern[str]
    posting: re.Pattern[str]
    recruiting: re.Pattern[str]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = load_yaml("roles.yaml")
    leading = "|".join(data["leading_determiners"])
    nouns = "|".join(data["posting_nouns"])
    recruiting = "|".join(f"(?:{c})" for c in data["recruiting_cues"])
    return _Cues(
        re.compile(rf"^\s*(?:(?:{leading})\s+)*$", re.IGNORECASE),
        re.compile(rf"^\s*(?:\([A-Z]{{2,}}s?\)\s*)?(?:{nouns})\b", re.IGNORECASE),
        re.compile(
            rf"(?:{recruiting})\s+(?:(?:an?|the|{_NUMBER_WORDS}|several|\d+|experienced|qualified|new|"
            rf"enthusiastic|dedicated|full[\s-]time|part[\s-]time)\s+)*$",
            re.IGNORECASE,
        ),
    )


def _clean(title: str) -> str:
    return " ".join(title.replace("’", "'").split()).strip(" -–,:")


# Between two advertised titles of one sentence: "a Deputy Manager (£32,000) and two Residential Support Workers".
_CONJOINED = re.compile(
    r"^\s*(?:\([^)]{0,60}\)\s*)?(?:,|and|&|or|as\s+well\s+as|plus)\s+"
    rf"(?:(?:an?|the|{_NUMBER_WORDS}|several|\d+|experienced|qualified)\s+)*$",
    re.IGNORECASE,
)


def _is_anchor(block: Block, span: Span) -> bool:
    cues = _cues()
    before = block.text[: span.start_char]
    after = block.text[span.end_char :]
    return bool(cues.leading.match(before) or cues.posting.match(after) or cues.recruiting.search(before))


def role_mentions(block: Block, doc: Doc | None) -> list[RoleMention]:
    """Role titles in the block; in headings and title fields lower-case titles count too.

    `doc` is the block's spaCy doc, or None when the block holds no role vocabulary.
    """
    if block.kind == "field" and block.label == "title":
        title = _clean(re.split(r"\s+[-–|]\s+", _english_part(block.text))[0])
        return [RoleMention(singular_title(title), block.text, True)] if title else []
    if doc is None:
        return []
    if block.kind == "heading":
        spans = role_component().find(doc, any_case=True)
        return [RoleMention(singular_title(_clean(s.text)), s.text, _heads_heading(block.text, s)) for s in spans]
    mentions: list[RoleMention] = []
    previous: Span | None = None
    for span in doc.spans[ROLES]:
        anchor = _is_anchor(block, span) or (
            previous is not None
            and mentions[-1].anchor
            and bool(_CONJOINED.match(block.text[previous.end_char : span.start_char]))
        )
        mentions.append(RoleMention(singular_title(_clean(span.text)), span.text, anchor))
        previous = span
    return mentions


def _english_part(text: str) -> str:
    """Of a bilingual "Gweithiwr Cymdeithasol / Social Worker", the part that holds an English role word."""
    parts = re.split(r"\s+/\s+", text)
    triggers = role_component().triggers
    return next((p for p in parts if triggers.intersection(re.findall(r"[a-z]+", p.lower()))), parts[0])


def _heads_heading(heading: str, span: Span) -> bool:
    """A heading advertises a role when the title leads it ("Band 5 Social Worker - ...") or fills most of it."""
    leading_words = len(heading[: span.start_char].split())
    return leading_words <= HEADING_LEAD_WORDS or len(span.text) >= HEADING_COVERAGE * len(heading)


def title_key(title: str) -> str:
    """Comparison key of a title: lower case, singular, single spaces."""
    return singular_title(_clean(title)).lower()
