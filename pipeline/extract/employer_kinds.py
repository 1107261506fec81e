"""What kind of employer a page names: from the end of its name ("... Academy Trust", "... Ltd"), from
evidence on the page about its own employer (a charity or company number), and whether the page is an
agency's advert for a client ("on behalf of our client"). Patterns are in pipeline/data/employer_kinds.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.prefilter import Alternation
from pipeline.resources import any_of, load_yaml


@dataclass(frozen=True)
class KindCue:
    """A kind and the words of the page that show it."""

    kind: str
    cue: str


@dataclass(frozen=True)
class _Patterns:
    name_endings: tuple[tuple[str, re.Pattern[str]], ...]
    legal_suffix: re.Pattern[str]
    private_suffix: re.Pattern[str]
    page_cues: tuple[tuple[str, Alternation], ...]
    agency: Alternation


@lru_cache(maxsize=1)
def patterns() -> _Patterns:
    """The compiled patterns of employer_kinds.yaml (built once)."""
    data = load_yaml("employer_kinds.yaml")
    flags = re.IGNORECASE
    suffixes = rf"(?:[\s,]+(?:{any_of(data['legal_suffixes'])}))+\.?\s*$"
    return _Patterns(
        tuple((k, re.compile(rf"\b(?:{any_of(v)})$", flags)) for k, v in data["name_endings"].items()),
        re.compile(suffixes, flags),
        re.compile(rf"[\s,]+(?:{any_of(data['private_suffixes'])})\.?\s*$", flags),
        tuple((k, Alternation(v, flags)) for k, v in data["page_cues"].items()),
        Alternation(data["agency_cues"], flags),
    )


def strip_legal_suffix(name: str) -> str:
    """The name without its legal form and holding-company words ("Cambian Group Holdings Limited" is
    "Cambian Group")."""
    return patterns().legal_suffix.sub("", name).strip(" ,.") or name


def kind_from_name(name: str) -> KindCue | None:
    """The kind an employer's name shows by its ending, with the ending as the cue; a company's legal form
    ("Ltd", "plc") makes it `private` when no other ending decides."""
    found = patterns()
    text = " ".join(name.replace("’", "'").split())
    bare = strip_legal_suffix(text)
    for kind, pattern in found.name_endings:
        match = pattern.search(bare)
        if match:
            return KindCue(kind, match.group(0))
    suffix = found.private_suffix.search(text.rstrip(" ,"))
    if suffix is None:
        holding = found.legal_suffix.search(text)
        suffix = found.private_suffix.search(text[: holding.start()]) if holding else None
    return KindCue("private", suffix.group(0).strip(" ,")) if suffix else None


def kind_from_page(text: str) -> KindCue | None:
    """The kind the page says its own employer is (a charity number before a company number)."""
    for kind, pattern in patterns().page_cues:
        match = pattern.search(text)
        if match:
            return KindCue(kind, " ".join(match.group(0).split()))
    return None


def agency_cue(text: str) -> str | None:
    """The words that show the page is an agency's advert for a client, if it is one."""
    match = patterns().agency.search(text)
    return " ".join(match.group(0).split()) if match else None
