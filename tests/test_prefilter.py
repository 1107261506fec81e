"""The literal prefilters of big alternations: the same matches as the full pattern, found faster."""

from __future__ import annotations

import re
import string
import sys

import pytest

from pipeline.extract.prefilter import _ASCII_LOOKALIKES, Alternation, folded, required_literals

CUES = [
    r"(?:recruiting|advertising)\s+on\s+behalf\s+of\s+(?:our|a)\b",
    r"our\s+client\s+(?:is|has)\b",
    r"\bvacanc(?:y|ies)\b",
    r"\brequest\s+ID\b",
    r"£\d+",  # no literal: always searched
]
TEXTS = [
    "",
    "We are recruiting on behalf of our client, who has a vacancy.",
    "Our CLIENT IS a charity. Request ID 42. Vacancies: £30",
    "Nothing to see here.",
    "Our client has two VACANCIES: £25 each.",
    "recruıting on behalf of our client",  # dotless i: the engine takes it for "i"
    "Request \u0130D 7; ſeveral vacancieſ",
]


def test_lookalikes_are_every_non_ascii_letter_the_engine_folds_to_ascii() -> None:
    found: dict[str, str] = {}
    for letter in string.ascii_lowercase:
        pattern = re.compile(letter, re.IGNORECASE)
        found |= {chr(cp): letter for cp in range(128, sys.maxunicode + 1) if pattern.fullmatch(chr(cp))}
    assert found == _ASCII_LOOKALIKES


def test_required_literals() -> None:
    assert required_literals(r"our\s+client\s+(?:is|has)\b") == (frozenset({"our"}), frozenset({"client"}))
    assert required_literals(r"\bvacanc(?:y|ies)\b") == (frozenset({"vacanc"}),)
    assert required_literals(r"(?:working|recruiting)\s+at") == (frozenset({"working", "recruiting"}),)
    assert required_literals(r"£\d+(?:\s+a\s+year)?") == ()


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("before", "after"), [("", ""), ("(?P<lead>", ")"), (r"\b(?:", r")\s*(?P<next>\w+)?")])
def test_the_same_matches_as_the_full_pattern(text: str, before: str, after: str) -> None:
    alternation = Alternation(CUES, re.IGNORECASE, before=before, after=after)
    full = alternation.pattern
    assert [(m.span(), m.groups()) for m in alternation.finditer(text)] == [
        (m.span(), m.groups()) for m in full.finditer(text)
    ]
    assert alternation.findall(text) == full.findall(text)
    found, expected = alternation.search(text), full.search(text)
    assert (found and found.span()) == (expected and expected.span())


def test_folded_keeps_offsets_of_ascii_lookalikes() -> None:
    assert folded("Recruıting ſTAFF") == "recruiting staff"
