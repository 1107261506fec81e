"""Staff benefits: categorised mentions in passages about what an employer offers its staff.

A block counts when it sits under a benefits heading ("Rewards and benefits"), contains a benefits cue
("benefits package", "we offer", "employees benefit from"), or is a list item introduced by such a
sentence. Elsewhere (a care leaver's "travel expenses") the same words are not staff benefits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span

from pipeline.extract.employers import extract_employers
from pipeline.extract.models import CELL_LEVEL, BenefitMention, Block
from pipeline.extract.nlp import BENEFITS, sentence_at
from pipeline.extract.prefilter import Alternation
from pipeline.resources import load_yaml

HEADING_LINE_MAX_CHARS = 60  # a paragraph line this short, not a sentence, may stand for a heading
LIST_INTRO_MAX_CHARS = 80  # a short cue line ("What you'll get in return") introduces the list after it
VALUE_WINDOW = 50  # characters either side of a benefit phrase searched for its value
_PERCENT = re.compile(r"(\d{1,2}(?:\.\d{1,2})?)\s?%")
_DAYS = re.compile(r"(\d{1,2}(?:\.\d)?)\s+(days?|weeks?)\b", re.IGNORECASE)
_MONEY = re.compile(r"£\s?(\d[\d,]*(?:\.\d{1,2})?)(?:\s*(?:a|per)\s+(day|hour|week|month|year|annum))?", re.IGNORECASE)


@dataclass(frozen=True)
class _Cues:
    context: Alternation
    heading: re.Pattern[str]
    topics: tuple[tuple[str, re.Pattern[str]], ...]


def _words(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:\\b{c}\\b)" for c in patterns), re.IGNORECASE)


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = load_yaml("benefits.yaml")
    return _Cues(
        Alternation(data["context_cues"], re.IGNORECASE),
        _words(data["section_headings"]),
        tuple((category, _words(patterns)) for category, patterns in data["topic_headings"].items()),
    )


def _section(heading: str) -> str | None:
    """What a heading opens: "all" (a benefits section), one category (a section about that benefit), or None."""
    cues = _cues()
    if cues.heading.search(heading):
        return "all"
    return next((category for category, pattern in cues.topics if pattern.search(heading)), None)


_GOES_ON = re.compile(
    r"^\W*(?:these|this|they|it|which)\s+(?:include|includes|including|are|is|means)\b", re.IGNORECASE
)
_CLAUSE_BREAK = re.compile(r"[,;:.](?:\s|$)|\s(?:and|plus|with\s+a|as\s+well\s+as)\s(?=[a-z0-9£])")


def _clause(text: str, span: Span) -> str:
    """The clause of the sentence that holds the span: values of a neighbouring benefit are not its own."""
    start = max(0, span.start_char - VALUE_WINDOW)
    end = min(len(text), span.end_char + VALUE_WINDOW)
    for brk in _CLAUSE_BREAK.finditer(text, start, end):
        if brk.end() <= span.start_char:
            start = brk.end()
        elif brk.start() >= span.end_char:
            end = brk.start()
            break
    return text[start:end]


def _value(text: str, span: Span) -> tuple[float | None, str | None]:
    window = _clause(text, span)
    label = span.label_
    if label == "pension":
        match = _PERCENT.search(window)
        return (float(match.group(1)), "percent") if match else (None, None)
    if label == "annual_leave":
        days = _DAYS.search(window)
        return (
            (float(days.group(1)), "weeks" if days.group(2).lower().startswith("week") else "days")
            if days
            else (None, None)
        )
    money = _MONEY.search(window)
    if money:
        per = money.group(2)
        return float(money.group(1).replace(",", "")), f"GBP per {'year' if per == 'annum' else per}" if per else "GBP"
    return None, None


def _block_benefits(block: Block, doc: Doc | None, employer: str | None, other_if_none: bool) -> list[BenefitMention]:
    found: dict[str, BenefitMention] = {}
    for span in doc.spans[BENEFITS] if doc is not None else ():
        value, unit = _value(block.text, span)
        mention = BenefitMention(
            span.label_, span.text, sentence_at(block.text, span.start_char), value, unit, employer
        )
        if span.label_ not in found or (found[span.label_].value is None and value is not None):
            found[span.label_] = mention
    if not found and other_if_none:
        found["other"] = BenefitMention("other", block.text, block.text, None, None, employer)
    return list(found.values())


_LABEL = re.compile(r"^\s*([A-Za-z][\w '&/-]{1,40}?)\s*:")


def _labelled_topic(block: Block) -> str | None:
    """The benefit a label line names ("Annual Leave:", "Pension: LGPS"): its whole label is a benefits or
    topic heading."""
    label = _LABEL.match(block.text)
    if label is None or block.kind == "item":
        return None
    topic = _section(label.group(1))
    heading = _cues().heading if topic == "all" else dict(_cues().topics).get(topic or "")
    return topic if heading is not None and heading.fullmatch(label.group(1)) else None


def _opens_section(text: str) -> bool:
    """Whether a heading-like line begins with a benefits heading ("What the school offers its staff",
    "Benefits"), rather than only mentioning one."""
    return bool(_cues().heading.match(text.strip()))


def _heading_line(block: Block) -> bool:
    """A short paragraph line that is not a sentence: in a capture without blank lines it is how a heading
    looks ("What the school offers its staff")."""
    text = block.text.rstrip()
    short = len(text) <= HEADING_LINE_MAX_CHARS
    return block.kind == "paragraph" and short and not text.endswith((".", "!", "?", ",", ";"))


def _cue_matters(blocks: Sequence[Block], index: int, doc: Doc | None, is_item: bool) -> bool:
    """Whether a block's benefits cue can change anything: it names a benefit, it may introduce a list, or
    the next block goes on from it ("These include ..."). The cue search is the costliest step, so it is made
    only then."""
    if doc is not None and len(doc.spans[BENEFITS]):
        return True
    if not is_item and _introduces_list(blocks[index]):
        return True
    return index + 1 < len(blocks) and bool(_GOES_ON.match(blocks[index + 1].text))


def _introduces_list(block: Block) -> bool:
    """A line shaped to introduce the list after it: it ends with a colon, or is short."""
    return block.text.rstrip().endswith(":") or len(block.text) <= LIST_INTRO_MAX_CHARS


def extract_benefits(blocks: Sequence[Block], docs: Sequence[Doc | None]) -> list[BenefitMention]:
    """Benefit mentions of a page, one per category per passage."""
    cues = _cues()
    mentions: list[BenefitMention] = []
    section: str | None = None
    list_intro = False
    previous_cue = False
    from_line = False  # the section was opened by a line of a capture, not by a heading
    for index, (block, doc) in enumerate(zip(blocks, docs, strict=True)):
        if block.kind == "heading" and block.level == CELL_LEVEL:
            continue  # a post's name in a pay table: the table stays in its section ("Pay & Benefits")
        if block.kind == "heading":
            section = _section(block.text)
            list_intro = from_line = False
            continue
        has_phrase = doc is not None and len(doc.spans[BENEFITS]) > 0
        if from_line and block.kind != "item" and not has_phrase and "£" not in block.text:
            section, from_line = None, False  # a section a line opened runs over its list, pay and benefit lines
        topic = _labelled_topic(block)
        if topic is not None and block.text.rstrip().endswith(":"):
            section, list_intro, from_line = topic, False, True  # a label line alone opens its topic's section
        elif _heading_line(block) and _opens_section(block.text):  # a capture's heading line ("What we offer")
            section, list_intro, from_line = "all", False, True
            continue
        in_section = section is not None or topic is not None
        # "These include ..." goes on from a cue in the line before. (Additions stated in a salary, "plus
        # enhancements", are part of the pay: the salary columns keep them.)
        is_item = block.kind == "item"
        cue = _cue_matters(blocks, index, doc, is_item) and bool(cues.context.search(block.text))
        cue = cue or (previous_cue and bool(_GOES_ON.match(block.text)))
        previous_cue = cue
        if in_section or cue or (is_item and list_intro):
            named = [m.key for m in sorted(extract_employers(block.text), key=lambda m: not m.explicit)]
            listed = is_item and section == "all" and not from_line  # an unnamed item of a benefits list
            found = _block_benefits(block, doc, named[0] if named else None, other_if_none=listed)
            only = topic if topic not in (None, "all") else section
            if only not in (None, "all") and not cue and not list_intro:
                found = [m for m in found if m.category == only]  # a section or label line about one benefit
            mentions.extend(found)
        if not is_item:
            list_intro = cue and _introduces_list(block)
    return mentions
