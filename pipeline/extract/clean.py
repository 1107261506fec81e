"""Page cleaning: HTML or plain text to a list of Blocks, without navigation, icons or cookie text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.html
from lxml import etree

from pipeline.errors import InputError
from pipeline.extract.models import Block
from pipeline.extract.prefilter import Alternation
from pipeline.extract.salaries import grade_only
from pipeline.extract.terms import terms_only
from pipeline.resources import load_yaml

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "blockquote",
    "address",
    "header",
    "footer",
    "figure",
    "figcaption",
    "body",
    "fieldset",
    "details",
    "summary",
    "pre",
    "hr",
} | set(_HEADINGS)
_CARD_TAGS = {"li", "article", "tr"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CHAR_FIXES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00ad": None, "\u200b": None, "\ufeff": None})
_BULLET = re.compile(r"^\s*(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7*]|-(?=\s))\s*")
# Markdown strong emphasis in a capture ("**Salary**: ...", a bold line of its own), also where a bold passage
# runs over lines and one of its ends is on this line; "** " (a footnote mark) is no emphasis
_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__|^\*\*(?=[^\s*])|(?<=[^\s*])\*\*$")


def normalise_text(text: str) -> str:
    """Fold unicode spaces and hyphen variants, trim each line; keep line breaks."""
    text = _SPACES.sub(" ", text.translate(_CHAR_FIXES))  # the spaces folded are all but line breaks
    return "\n".join(line.strip() for line in text.split("\n"))


@dataclass
class _Rules:
    drop_tags: frozenset[str]
    chrome_tags: frozenset[str]
    class_tokens: frozenset[str]
    roles: frozenset[str]
    class_hint: re.Pattern[str]  # any drop_class_tokens entry, inside a word or not (a quick test)
    block_pattern: Alternation  # any drop_block_patterns entry
    icon_pattern: Alternation  # any icon_label_patterns entry


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_yaml("boilerplate.yaml")
    return _Rules(
        frozenset(data["drop_tags"]),
        frozenset(data["chrome_tags"]),
        frozenset(data["drop_class_tokens"]),
        frozenset(data["drop_roles"]),
        re.compile("|".join(re.escape(t) for t in sorted(data["drop_class_tokens"], key=len, reverse=True))),
        Alternation(data["drop_block_patterns"], re.IGNORECASE),
        Alternation(data["icon_label_patterns"], re.IGNORECASE),
    )


def is_boilerplate(text: str) -> bool:
    """True for a block that is navigation, cookie text or a run of icon labels."""
    rules = _rules()
    if rules.block_pattern.search(text):
        return True
    words = len(text.split())
    if words == 0:
        return True
    covered = sum(len(m.group(0).split()) for m in rules.icon_pattern.finditer(text))
    return covered * 2 >= words and covered >= 2


@dataclass
class _Page:
    """What the walk over one page's tree reads: the rules, its listing cards, its table cells' column labels,
    and the class and id values already judged (a page repeats its few class names many times)."""

    rules: _Rules
    cards: set[etree._Element]
    labels: dict[etree._Element, str]
    chrome_names: dict[tuple[str, str], bool] = field(default_factory=dict)


def _is_chrome(el: etree._Element, page: _Page) -> bool:
    rules = page.rules
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in rules.drop_tags:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if (el.get("role") or "").lower() in rules.roles:
        return True
    names = (el.get("class", ""), el.get("id", ""))
    chrome = page.chrome_names.get(names)
    if chrome is None:
        chrome = page.chrome_names[names] = _names_chrome(*names, rules)
    if chrome:
        return True
    if tag in rules.chrome_tags:
        return not any(a.tag in ("article", "main", "section") for a in el.iterancestors())
    return False


_NAME_BREAKS = re.compile(r"[\s_-]+")


def _names_chrome(classes: str, ident: str, rules: _Rules) -> bool:
    """Whether an element's class or id holds a navigation or cookie-banner token ("site-nav", "cookie_bar")."""
    if not classes and not ident:
        return False
    names = f"{classes} {ident}".lower()
    if rules.class_hint.search(names) is None:
        return False
    return bool(rules.class_tokens.intersection(_NAME_BREAKS.split(names)))


@dataclass
class _Emitter:
    blocks: list[Block] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=lambda: ["paragraph"])
    group: int = 0
    next_group: int = 1
    para: int = 0

    def add(self, text: str | None) -> None:
        if text:
            self.buffer.append(text)

    def flush(self) -> None:
        if not self.buffer:
            return
        raw = "".join(self.buffer)
        self.buffer.clear()
        if raw.isspace():
            return
        text = normalise_text(raw)
        if not text.strip():
            return
        self.para += 1
        for line in text.split("\n"):
            if line:
                self.blocks.append(Block(self.kinds[-1], line, group=self.group, para=self.para))

    def heading(self, text: str, level: int) -> None:
        text = " ".join(normalise_text(text).split())
        if text:
            self.para += 1
            self.blocks.append(Block("heading", text, level=level, group=self.group, para=self.para))


def _repeated_cards(root: etree._Element) -> set[etree._Element]:
    """Listing items: sibling li/article/tr elements sharing a class, two or more, with a heading or link."""
    siblings: dict[tuple[etree._Element, str, str], list[etree._Element]] = {}
    for item in root.iterdescendants(*_CARD_TAGS):
        siblings.setdefault((item.getparent(), item.tag, item.get("class", "")), []).append(item)
    cards: set[etree._Element] = set()
    for items in siblings.values():
        if len(items) >= 2 and all(_is_card(it) for it in items):
            cards.update(items)
    return cards


def _is_card(item: etree._Element) -> bool:
    """A listing card holds a heading, or a link plus more text than the link (not a bare menu link)."""
    if _has_heading(item):
        return True
    link = item.find(".//a")
    if link is None:
        return False
    return len(" ".join(item.text_content().split())) - len(" ".join(link.text_content().split())) >= 20


def _column_labels(root: etree._Element) -> dict[etree._Element, str]:
    """For tables with a header row, each data cell mapped to its column's header text."""
    labels: dict[etree._Element, str] = {}
    for table in root.iter("table"):
        rows = [r for r in table.iter("tr") if r.getparent() is not None]
        header = next((r for r in rows if r.findall("th") and not r.findall("td")), None)
        if header is None:
            continue
        names = [" ".join(th.text_content().split()) for th in header.findall("th")]
        for row in rows:
            for i, cell in enumerate(row.findall("td")):
                if i < len(names) and names[i]:
                    labels[cell] = names[i]
    return labels


def _has_heading(el: etree._Element) -> bool:
    return next(el.iterdescendants(*_HEADINGS), None) is not None


def _walk(el: etree._Element, out: _Emitter, page: _Page) -> None:
    if not isinstance(el.tag, str) or _is_chrome(el, page):
        out.add(el.tail)
        return
    tag = el.tag
    if tag == "br":
        out.add("\n")
        out.add(el.tail)
        return
    block = tag in _BLOCK_TAGS
    if block:
        out.flush()
    if tag in _HEADINGS:
        out.heading(el.text_content(), _HEADINGS[tag])
        out.add(el.tail)
        return
    card = el in page.cards
    saved_group = out.group
    if card:
        out.group, out.next_group = out.next_group, out.next_group + 1
    out.kinds.append(
        "item" if tag == "li" else out.kinds[-1] if tag in ("span", "a", "em", "strong", "b") else "paragraph"
    )
    if el in page.labels:
        out.add(f"{page.labels[el]}: ")
    out.add(el.text)
    for child in el:
        _walk(child, out, page)
    if block:
        out.flush()
    out.kinds.pop()
    out.group = saved_group
    out.add(el.tail)


def parse_html(html: str) -> etree._Element:
    """Parse (possibly broken) HTML; raises InputError when nothing can be parsed."""
    return parse_html_checked(html)[0]


def parse_html_checked(html: str, huge_tree: bool = False) -> tuple[etree._Element, bool]:
    """Parse (possibly broken) HTML, and say whether libxml2 dropped elements nested past its depth limit
    (255 elements; 2,047 with huge_tree). Raises InputError when nothing can be parsed."""
    if not html.strip():
        raise InputError("empty document")
    parser = lxml.html.HTMLParser(huge_tree=huge_tree)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"unparseable HTML: {exc}") from exc
    return root, any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def html_title(root: etree._Element) -> str | None:
    """The page's <title>, or its first h1."""
    for path in (".//title", ".//h1"):
        found = root.find(path)
        if found is not None:
            text = " ".join(found.text_content().split())
            if text:
                return text
    return None


def html_blocks(root: etree._Element) -> list[Block]:
    """Blocks of an HTML document in reading order, with listing cards numbered as groups."""
    rules = _rules()
    body = root.find(".//body")
    start = body if body is not None else root
    out = _Emitter()
    _walk(start, out, _Page(rules, _repeated_cards(start), _column_labels(start)))
    out.flush()
    return [b for b in out.blocks if not is_boilerplate(b.text)]


def _text_lines(text: str) -> Iterator[tuple[str, int]]:
    """Yield (line, paragraph number) for non-empty lines; blank lines separate paragraphs."""
    para = 1
    for line in normalise_text(text).split("\n"):
        if line:
            yield line, para
        else:
            para += 1


# a post count or a reference before a title: "2x Family Support Worker", "202310: Youth Justice Worker"
_TITLE_PREFIX = re.compile(r"^(?:\d{1,2}\s*[x×]|\d{4,}\s*[:\-–])\s+(?=[A-Z])")
# a contract note after a title: "Modern Apprentice – Early Years Practitioner - fixed term until 29/6/26"
_CONTRACT_NOTE = re.compile(
    r"\s[-–|]\s*(?:fixed[\s-]term|temporary|permanent|secondment|maternity\s+cover|part[\s-]time|full[\s-]time)\b[^-–|]*$",
    re.IGNORECASE,
)
# a sentence without its full stop is no heading: "This is a 12 months fixed term contract"
_SENTENCE_OPENING = re.compile(
    r"^(?:this|that|it|we|you|they|there|he|she)\s+(?:is|are|was|were|will|would|have|has|can|could|must|should|may)\b",
    re.IGNORECASE,
)
_DASHED_WORDS = re.compile(r"^[^\d()/]+\s[-–]\s[^\d()/]+$")  # "Portage Worker – SEND and Inclusion Team"


def looks_like_heading(line: str, contract_note: bool = False) -> bool:
    """A short title-like line: capitalised, not a sentence, no figures or addresses. A leading post count
    ("2x") or reference number, or with `contract_note` a trailing contract note ("- fixed term until 29/6/26"),
    is not part of it, and a title with a dashed team or specialism (words only: no
    figures, brackets or slashes, which pay and contract lines have) may run to ten words."""
    line = _TITLE_PREFIX.sub("", line)
    line = _CONTRACT_NOTE.sub("", line) if contract_note else line
    dashed = _DASHED_WORDS.match(line) is not None
    words = [w for w in line.split() if not (dashed and w in ("-", "–"))]
    most_words, most_chars = (10, 90) if dashed else (8, 70)
    return (
        0 < len(words) <= most_words
        and len(line) <= most_chars
        and line[0].isupper()
        and not re.search(r"[.;,!?:]$|[:@£]|\d{3}", line)
        and not _SENTENCE_OPENING.match(line)
    )


_TABLE_RULE = re.compile(r"^:?-{3,}:?$")


def _table_row(line: str) -> str:
    """A markdown table row of a capture as a line: "| Salary: | £25,608 |" -> "Salary: £25,608"; a rule row
    ("|---|---|") -> ""; other rows keep their cells apart with " | "."""
    if not (line.startswith("|") and line.endswith("|") and len(line) > 2):
        return line
    cells = [c.strip() for c in line[1:-1].split("|")]
    if all(_TABLE_RULE.match(c) for c in cells):
        return ""
    filled = [c for c in cells if c]
    if len(filled) == 2 and filled[0].endswith(":"):
        return f"{filled[0]} {filled[1]}"
    return " | ".join(filled)


def _chip(line: str) -> bool:
    """A line of hours and contract words or of a grade alone ("Permanent", "Pay Band Q / SCP 48 - 49"): an
    advert's fact, as job boards and packs set them under a title, never a heading."""
    return terms_only(line) or grade_only(line)


def text_blocks(text: str) -> list[Block]:
    """Blocks of a plain-text capture: one per line; bullets become items; a short title-like line that opens
    a paragraph becomes a heading."""
    blocks: list[Block] = []
    previous_para = 0
    for marked, para in _text_lines(text):
        line = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2) or "", _table_row(marked)).strip()
        # a line wholly in bold stands apart like a paragraph's first line
        first_of_paragraph, previous_para = para != previous_para or _EMPHASIS.fullmatch(marked) is not None, para
        if not line or is_boilerplate(line):
            continue
        if _BULLET.match(line):
            blocks.append(Block("item", _BULLET.sub("", line), para=para))
        elif first_of_paragraph and looks_like_heading(line) and not _chip(line):  # at a paragraph's top
            blocks.append(Block("heading", line, level=2, para=para))
        else:
            blocks.append(Block("paragraph", line, para=para))
    return blocks
