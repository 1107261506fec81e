"""Pay tables captured as text row by row: a row of posts ("Post Newly Qualified Social Worker Social Worker
(Level 1) SW2 Senior Practitioner SW3 ...") followed by a row of their pay ("Basic Salary £29,590 Up to
£36,109 Up to £39,532 ..."), the cells run together with spaces. When the posts split (each ends at a role's
head word, with its bracket and grade code) into as many as there are figures, the two rows become one line
per post with its pay: a title heading over a salary field, as a table read from HTML gives."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.extract.models import CELL_LEVEL, Block
from pipeline.extract.nlp import role_titles

_POSTS_ROW = re.compile(r"^(?:posts?|roles?|job\s+titles?|positions?|grades?\s+and\s+posts?)\s+(?P<cells>.+)$", re.I)
_PAY_ROW = re.compile(r"^(?:basic\s+)?(?:salary|salaries|pay|annual\s+salary|salary\s+range)\s+(?P<cells>.+)$", re.I)
_PAY_CELL = re.compile(
    r"(?:up\s+to\s+)?£\s?\d[\d,]*(?:\.\d{1,2})?(?:\s*(?:-|–|to)\s*£?\s?\d[\d,]*(?:\.\d{1,2})?)?"
    r"(?:\s*(?:pa|p\.a\.|per\s+annum|a\s+year))?",
    re.I,
)
_GRADE_CODE = re.compile(r"^[A-Z]{1,4}\d{1,2}[A-Z]?$")


def split_posts(cells: str) -> list[str]:
    """Posts run together in one row, each ending at a head word ("Worker", "Manager") with the bracket
    after it ("(Level 1)"); a grade code after a post ("SW2") is dropped. Empty when a word is left over."""
    words = cells.split()
    posts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(words):
        current.append(words[i])
        if role_titles().is_head_word(words[i]):
            if i + 1 < len(words) and words[i + 1].startswith("("):
                while i + 1 < len(words) and not current[-1].endswith(")"):
                    i += 1
                    current.append(words[i])
            posts.append(" ".join(current))
            current = []
            if i + 1 < len(words) and _GRADE_CODE.match(words[i + 1]):
                i += 1
        i += 1
    return posts if posts and not current else []


def unflatten_pay_rows(blocks: list[Block]) -> list[Block]:
    """Blocks with each row-flattened pay table (a posts row, then a pay row with one figure per post)
    turned into a title heading and a salary field per post ("Senior Practitioner", "Up to £44,218")."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        posts_row = _POSTS_ROW.match(block.text) if block.kind != "field" else None
        pay_row = _PAY_ROW.match(nxt.text) if nxt is not None and posts_row else None
        if posts_row and pay_row and nxt is not None:
            posts = split_posts(posts_row["cells"])
            pay = [m.group(0).strip() for m in _PAY_CELL.finditer(pay_row["cells"])]
            if len(posts) >= 2 and len(posts) == len(pay):
                for post, figure in zip(posts, pay, strict=True):  # a title heading over its salary field
                    out.append(replace(block, kind="heading", text=post, level=CELL_LEVEL, label=None))
                    out.append(replace(block, kind="field", text=figure, label="salary"))
                i += 2
                continue
        out.append(block)
        i += 1
    return out
