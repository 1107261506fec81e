"""Labelled advert fields: "Salary: £24,000" on one line, "Salary | £24,000 |" from a flattened table, a label
line followed by its value (a heading, a `dt`, a list item), and several labels run together on one line.

Text captures glue labels to their neighbours ("Residential CareLocation: Anytown", "POST NO: 1045 GRADE: 9",
"PermanentAbout the Role"); such lines are split before the label so that no label ends up inside a value.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise

from pipeline.extract.models import Block
from pipeline.resources import load_yaml

MAX_LABEL_CHARS = 40  # a line longer than this is not a bare label
_CAMEL = re.compile(r"[a-z)][A-Z]")
_GLOSS = r"(?:\s*\([^()]{1,30}\))?"  # a label's bracketed gloss: "VACANCY (Post Title):"


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    """Written label (lower case) to the field it holds."""
    data: dict[str, list[str]] = load_yaml("fields.yaml")["labels"]
    return {label: field for field, labels in data.items() for label in labels}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _inline() -> re.Pattern[str]:
    return re.compile(
        rf"^\s*(?P<label>{_alternation(list(_labels()))}){_GLOSS}\s*[:\-–|]\s*(?P<value>\S.*)$", re.IGNORECASE
    )


def _capitalised(words: list[str]) -> str:
    """The labels with a capital first letter, the rest in any case (labels glued into text are written so)."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(
        f"{re.escape(w[0].upper())}(?i:{re.escape(w[1:]).replace(chr(92) + ' ', chr(92) + 's+')})" for w in ordered
    )


@lru_cache(maxsize=1)
def _glue() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(label glued after a word or another field, section heading glued after a word)."""
    data = load_yaml("fields.yaml")
    labels = _capitalised(list(_labels()))
    headings = _capitalised(data["glued_headings"])
    return (
        # "CareLocation: X" (lower letter then label) or "... POST NO: 1 GRADE: 9" (a spaced label in capitals
        # or Title Case, followed by a colon, after some value text).
        re.compile(rf"(?:(?<=[a-z)])|(?<=\S)\s+)(?=(?:{labels}){_GLOSS}\s*:\s*\S)"),
        re.compile(rf"(?<=[a-z)])(?=(?:{headings})\b)"),
    )


def field_of(label: str) -> str | None:
    """The field a written label holds ("Dyddiad cau" -> "closing"), or None."""
    for part in label.split("/"):  # bilingual labels: "Cyflogwr / Employer"
        field = _labels().get(" ".join(part.strip().strip("|").strip().rstrip(":").strip().lower().split()))
        if field:
            return field
    return None


def _bare_label(block: Block) -> str | None:
    """The field of a block that is only a label ("Salary:", "Closing date |", "Grade")."""
    if len(block.text) >= MAX_LABEL_CHARS:
        return None
    return field_of(block.text)


def split_glued(text: str) -> list[str]:
    """A line cut before each label or section heading glued into it (a field line's labels each start a part)."""
    if ":" not in text and not _CAMEL.search(text):
        return [text]  # nothing glued: labels need a colon, glued headings a lower-to-capital join
    label_glue, heading_glue = _glue()
    first = _inline().match(text)
    value_start = first.start("value") if first else None
    cuts = {m.start() for m in heading_glue.finditer(text)}
    label_end = 0
    for m in label_glue.finditer(text):
        at = m.end() if text[m.start() : m.end()].isspace() else m.start()
        colon = text.find(":", at)
        if at < label_end or (value_start is not None and m.start() < value_start):
            continue  # inside a label already cut ("JOB TITLE:") or the line's own label ("Rate of Pay:")
        glued = m.start() > 0 and text[m.start() - 1].islower()
        capitals = re.sub(r"\([^()]*\)", "", text[at:colon]).isupper()  # "ROLE ADVERT ROLE TITLE: ..."
        if glued or capitals or value_start is not None:
            cuts.add(at)
            label_end = colon
    cuts.discard(0)
    if not cuts:
        return [text]
    bounds = [0, *sorted(cuts), len(text)]
    parts = [part for a, b in pairwise(bounds) if (part := text[a:b].strip())]
    # A part that now starts with a label may hold further labels ("POST NO: 1045 GRADE: 9").
    return [piece for part in parts for piece in (split_glued(part) if part != text else [part])]


def _unglued(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        parts = split_glued(block.text) if block.kind != "heading" else [block.text]
        out.extend(replace(block, text=part) for part in parts) if len(parts) > 1 else out.append(block)
    return out


def _value_follows(block: Block, field: str, nxt: Block | None) -> bool:
    """True when the next block is the value of a bare label holding `field` (same card, not a heading,
    another label or a labelled field of its own: "Role: X" after a table's last column heading)."""
    if nxt is None or nxt.group != block.group or _bare_label(nxt) is not None:
        return False
    if nxt.kind == "heading":  # a capture's label line, then its value line ("Key stage", "Early years, ...")
        return block.kind == "heading" and nxt.para == block.para + 1 and field == "details"
    if nxt.kind == "field" or _inline().match(nxt.text):
        return False
    if nxt.para == block.para + 1 and {block.kind, nxt.kind} in ({"heading", "item"}, {"item", "paragraph"}):
        return True  # a capture's label line, then its value line, one a bullet ("• Closing date", "8 May 2026")
    if block.kind == "item" or nxt.kind == "item":  # "<li><strong>Salary:</strong><br>£24,000</li>"
        return nxt.para == block.para
    return True


# A label whose colon the capture lost, before a figure: "Salary 36,000", "Closing date 12 December 2025".
_SPACED_LABEL = re.compile(
    r"^(?P<label>salary|pay|rate\s+of\s+pay|hourly\s+rate|closing\s+date|hours)\s+(?P<value>[£$]?\d.*)$", re.I
)


def _clean_value(text: str) -> str:
    return text.strip().strip("|").strip()


def label_fields(blocks: list[Block]) -> list[Block]:
    """Blocks with label/value pairs turned into `field` blocks (label = the field name)."""
    blocks = _unglued(blocks)
    out: list[Block] = []
    skip = False
    for i, block in enumerate(blocks):
        if skip:
            skip = False
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        field = _bare_label(block)
        if field and _value_follows(block, field, nxt):
            assert nxt is not None
            out.append(replace(nxt, kind="field", label=field, text=_clean_value(nxt.text)))
            skip = True
            continue
        match = _inline().match(block.text) if block.kind != "heading" or ":" in block.text else None
        if match is None and block.kind == "paragraph" and len(block.text) < 120:
            match = _SPACED_LABEL.match(block.text)
        if match and _clean_value(match["value"]):
            name = field_of(match["label"])
            out.append(replace(block, kind="field", label=name, text=_clean_value(match["value"])))
            continue
        out.append(block)
    return out
