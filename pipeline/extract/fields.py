"""Labelled advert fields: "Salary: £24,000" on one line, or a label heading followed by its value."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from pipeline.extract.models import Block
from pipeline.resources import load_yaml


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    """Written label (lower case) to the field it holds."""
    data: dict[str, list[str]] = load_yaml("fields.yaml")["labels"]
    return {label: field for field, labels in data.items() for label in labels}


@lru_cache(maxsize=1)
def _inline() -> re.Pattern[str]:
    alternation = "|".join(re.escape(label) for label in sorted(_labels(), key=len, reverse=True))
    return re.compile(rf"^\s*(?P<label>{alternation})\s*[:\-–]\s*(?P<value>\S.*)$", re.IGNORECASE)


def field_of(label: str) -> str | None:
    """The field a written label holds ("Dyddiad cau" -> "closing"), or None."""
    for part in label.split("/"):  # bilingual labels: "Cyflogwr / Employer"
        field = _labels().get(part.strip().rstrip(":").strip().lower())
        if field:
            return field
    return None


def label_fields(blocks: list[Block]) -> list[Block]:
    """Blocks with label/value pairs turned into `field` blocks (label = the field name)."""
    out: list[Block] = []
    skip = False
    for i, block in enumerate(blocks):
        if skip:
            skip = False
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        field = field_of(block.text) if block.kind != "item" and len(block.text) < 40 else None
        if (
            field
            and nxt is not None
            and nxt.kind != "heading"
            and nxt.group == block.group
            and field_of(nxt.text) is None
        ):
            out.append(replace(nxt, kind="field", label=field))
            skip = True
            continue
        match = _inline().match(block.text) if block.kind != "heading" or ":" in block.text else None
        if match:
            name = field_of(match["label"])
            out.append(replace(block, kind="field", label=name, text=match["value"].strip()))
            continue
        out.append(block)
    return out
