"""Limits on one document, so a hostile page never stalls a run or exhausts memory (pure functions).

- `max_bytes`: bytes read of a document (the rest is not read; the cut is recorded on its pages row);
- `max_chars`: characters of text extracted (blocks past it are left out, recorded likewise);
- `max_depth`: element depth of an HTML tree (default 255, at most 900). libxml2 drops, silently, whatever
  lies deeper than 255 elements (2,047 with `huge_tree`, used when the limit is above 255); the parser's
  error log says when it did, and a lower limit is checked on the tags. A deeper page is read as text
  instead (its tags stripped, its blocks kept as lines, its JSON-LD still read), and that is recorded;
- `max_extract_seconds`: time spent extracting it, checked between stages; over it, the page is rejected
  with a reason that names the limit.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass

from pipeline.errors import InputError

PARSER_DEPTH = 255  # libxml2's own depth limit without huge_tree (2,047 with it)
MAX_DEPTH = 900  # deeper trees would exhaust the recursion of the HTML walk
SPACY_PART = 100_000  # characters per spaCy doc: a longer block is split at a sentence or line end


@dataclass(frozen=True)
class Limits:
    """Per-document limits (defaults; the sources file's `limits:` and the command line change them)."""

    max_bytes: int = 5_000_000
    max_chars: int = 1_000_000
    max_depth: int = PARSER_DEPTH
    max_extract_seconds: float = 60.0

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_chars", "max_depth", "max_extract_seconds"):
            if getattr(self, name) <= 0:
                raise InputError(f"limit {name} must be above zero (got {getattr(self, name)})")
        if self.max_depth > MAX_DEPTH:
            raise InputError(f"limit max_depth must be at most {MAX_DEPTH} (got {self.max_depth})")


class ExtractionTimeout(InputError):
    """Extraction of one page ran over max_extract_seconds."""


class Deadline:
    """The time a page's extraction may take, checked between its stages."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self, stage: str) -> None:
        """Raise ExtractionTimeout when the time is up."""
        if time.monotonic() > self.end:
            raise ExtractionTimeout(f"extraction ran over max_extract_seconds ({self.seconds:g} s) at {stage}")


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "basefont",
        "frame",
        "keygen",
    ]
)


def html_depth_over(markup: str, limit: int) -> bool:
    """True when the HTML nests elements deeper than `limit` (counted on the tags, before parsing)."""
    depth = 0
    for match in _TAG.finditer(markup):
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        if name in VOID or rest.rstrip().endswith("/"):
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


_SKIP = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|section|article|li|ul|ol|dl|dt|dd|tr|td|th|table|h[1-6]|br|header|footer|main|aside|nav|"
    r"address|blockquote|pre|form|fieldset|figure|figcaption)\b[^>]*>",
    re.IGNORECASE,
)
_LD_JSON = re.compile(
    r"<script[^>]+type\s*=\s*[\"']?application/ld\+json[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)


def html_as_text(markup: str) -> str:
    """The page's text with its tags stripped: block elements become line breaks, scripts are dropped."""
    text = _BLOCK_TAG.sub("\n", _SKIP.sub(" ", markup))
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    paragraphs, blank = [], False
    for line in lines:
        if line:
            paragraphs.append(line)
            blank = False
        elif not blank:
            paragraphs.append("")
            blank = True
    return "\n".join(paragraphs).strip()


def ld_json_scripts(markup: str) -> str:
    """The page's JSON-LD scripts alone, as a tiny HTML document (for a page read as text)."""
    scripts = _LD_JSON.findall(markup)
    return "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)


_PART_END = re.compile(r"(?:[.!?]\s|\n)")


def split_long(text: str, size: int = SPACY_PART) -> list[str]:
    """The text in parts of at most `size` characters, each ending at a sentence or line end where there is
    one (else a space, else the size); the parts joined give the text back."""
    parts: list[str] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        ends = list(_PART_END.finditer(window))
        cut = ends[-1].end() if ends else (window.rfind(" ") + 1 or size)
        parts.append(text[start : start + cut])
        start += cut
    parts.append(text[start:])
    return parts
