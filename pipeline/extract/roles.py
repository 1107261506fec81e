"""Role titles in a block, and whether the block advertises them (an anchor) or mentions them in passing."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from spacy.tokens import Doc, Span

from pipeline.extract.models import Block, RoleMention
from pipeline.extract.nlp import ROLES, role_component, singular_title
from pipeline.reference import gazetteer
from pipeline.resources import any_of, load_yaml

_NUMBER_WORDS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
HEADING_COVERAGE = 0.4  # a heading advertises a role when the title is at least this share of it
HEADING_LEAD_WORDS = 2  # ... or when at most this many words ("Band 5") come before the title


@dataclass(frozen=True)
class _Cues:
    leading: re.Pattern[str]
    posting: re.Pattern[str]
    recruiting: re.Pattern[str]
    announcement: re.Pattern[str]
    prose_stop: frozenset[str]
    scale: re.Pattern[str]
    prefixes: tuple[re.Pattern[str], ...]
    suffixes: tuple[re.Pattern[str], ...]
    not_post: re.Pattern[str]
    noun_suffix: re.Pattern[str]
    vacancy_heading: re.Pattern[str]
    post_count: re.Pattern[str]
    terms_only: re.Pattern[str]
    stop_modifiers: frozenset[str]
    heading_lead: frozenset[str]
    specialism: frozenset[str]
    prose_breaks: frozenset[str]  # words that end a title read from running text in any case


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data = load_yaml("roles.yaml")
    leading = "|".join(data["leading_determiners"])
    nouns = "|".join(data["posting_nouns"])
    recruiting = any_of(data["recruiting_cues"])
    flags = re.IGNORECASE
    return _Cues(
        re.compile(rf"^\s*(?:(?:{leading})\s+)*$", flags),
        re.compile(rf"^\s*(?:\([A-Z]{{2,}}s?\)\s*)?(?:{nouns})\b", flags),
        re.compile(
            # Adjectives may stand between the cue and a capitalised title ("seeking dedicated and
            # compassionate Deputy Manager"): lower-case words only, at most four.
            rf"(?:{recruiting})\s+(?:(?:an?|the|{_NUMBER_WORDS}|several|\d+|experienced|qualified|new|"
            rf"enthusiastic|dedicated|full[\s-]time|part[\s-]time)\s+)*(?-i:(?:[a-z][a-z-]*,?\s+){{0,4}})$",
            flags,
        ),
        re.compile(any_of(data["announcement_cues"]), flags),
        frozenset(data["prose_stop_words"]),
        re.compile(any_of(data["scale_headings"]), flags),
        tuple(re.compile(rf"^(?:{p})", flags) for p in data["title_prefixes"]),
        tuple(re.compile(p, flags) for p in data["title_suffixes"]),
        re.compile(any_of(data["not_posts"]), flags),
        re.compile(data["title_noun_suffix"], flags),
        re.compile(data["vacancy_heading_suffix"], flags),
        re.compile(data["post_count_line"], flags),
        re.compile(data["terms_only_title"], flags),
        frozenset(data["stop_modifiers"]),
        frozenset(data["heading_lead_words"]),
        frozenset(data["specialism_words"]),
        frozenset(w for w in data["prose_stop_words"] if w not in TITLE_ADJECTIVES) | frozenset(data["posting_nouns"]),
    )


# Words of praise that belong to a title when they open it ("Newly qualified social worker", "Experienced ...").
TITLE_ADJECTIVES = frozenset({"newly", "qualified", "experienced", "senior"})


def _clean(title: str) -> str:
    return " ".join(title.replace("’", "'").split()).strip(" -–,:|")


_TRAILING_PART = re.compile(r"\s*(?:\s[-–|]\s|,\s)(?P<part>[^,–|]+?)\s*$")
_PLACE_WORD = re.compile(r"^(?:[A-Z][\w'’]*(?:-(?:[a-z]{1,5}-)?[A-Z][\w'’]*)*|upon|on|in|under|le|by|the|St\.?)$")


def _is_place_or_employer(part: str) -> bool:
    """True for the trailing part of a title that is where the post is or who offers it, not what it is."""
    words = part.split()
    if not words or len(words) > 6:
        return False
    if re.search(r"\b(?:Council|Cyngor|Ltd|Limited|LLP|plc|Trust|NHS|HMYOI|HMP|YOI)\b", part) or gazetteer().resolve(
        part
    ):
        return True
    if any(w.lower().strip("()'’") in _cues().specialism for w in words):
        return False
    if any(role_component().is_head_word(w) for w in words):
        return False  # "Army - Assistant Campaign Manager": the part after the dash is the post itself
    return len(words) <= 3 and all(_PLACE_WORD.match(w) for w in words) and words[0][:1].isupper()


def _without_place(title: str) -> str:
    """The title without trailing places and employers ("Social Worker - Kendal", "Worker - Keys Group Ltd,
    Telford"), keeping specialisms ("Social Worker - Children in Care")."""
    while True:
        match = _TRAILING_PART.search(title)
        if not match or not match.start() or not _is_place_or_employer(match["part"]):
            return title
        title = title[: match.start()].rstrip(" ,-–|")


def clean_title(text: str) -> str:
    """An advertised title without its grade, reference, post count, contract note, place or employer ("Band 6
    Social Worker - 2 posts" -> "Social Worker"); what the page calls the post is otherwise kept."""
    cues = _cues()
    title = _clean(_english_part(text))
    changed = True
    while changed and title:
        changed = False
        for pattern in cues.prefixes:
            cut = pattern.sub("", title, count=1)
            if cut != title and cut.strip():
                title, changed = _clean(cut), True
        for pattern in cues.suffixes:
            cut = pattern.sub("", title, count=1)
            if cut != title and cut.strip():
                title, changed = _clean(cut), True
        cut = _without_place(title)
        if cut != title and cut.strip():
            title, changed = _clean(cut), True
        cut = cues.noun_suffix.sub("", title, count=1)
        if cut != title and any(role_component().is_head_word(w) for w in cut.split()):
            title, changed = _clean(cut), True
    return title


def is_scale_heading(text: str) -> bool:
    """True for a heading that names a pay scale rather than a post ("Educational Psychologists - Scale A")."""
    return bool(_cues().scale.search(text))


# Between two advertised titles of one sentence: "a Deputy Manager (£32,000) and two Residential Support Workers".
_CONJOINED = re.compile(
    r"^\s*(?:\([^)]{0,60}\)\s*)?(?:,|/|and|&|or|as\s+well\s+as|plus)\s+"
    rf"(?:(?:an?|the|{_NUMBER_WORDS}|several|\d+|experienced|qualified)\s+)*$",
    re.IGNORECASE,
)


def _is_anchor(block: Block, span: Span) -> bool:
    cues = _cues()
    before = block.text[: span.start_char]
    after = block.text[span.end_char :]
    return bool(cues.leading.match(before) or cues.posting.match(after) or cues.recruiting.search(before))


_NEW_BEFORE = re.compile(r"\bnew\s+$", re.IGNORECASE)


def _new_post(text: str, span: Span) -> bool:
    """A title named as a new post ("funding for a new Child and Adolescent Psychotherapy Trainee position"):
    the post is being recruited to."""
    return bool(_NEW_BEFORE.search(text[: span.start_char]) and _cues().posting.match(text[span.end_char :]))


def names_vacancy(heading: str) -> bool:
    """Whether a heading calls its post a vacancy ("Project Worker Vacancy")."""
    return bool(_cues().vacancy_heading.search(heading))


def counts_posts(line: str) -> bool:
    """Whether a line of its own counts the posts of the title above it ("(X2 Vacancies)", "3 posts")."""
    return _cues().post_count.fullmatch(line.strip()) is not None


def is_post(title: str) -> bool:
    """False for titles that are never employed posts (foster carers, adopters, volunteers)."""
    return not _cues().not_post.search(title)


def role_mentions(block: Block, doc: Doc | None) -> list[RoleMention]:
    """Role titles in the block (see `_role_mentions`); foster carers, adopters and volunteers never advertise
    a post."""
    return [
        m if m.anchor is False or is_post(m.title) else replace(m, anchor=False, announced=False)
        for m in _role_mentions(block, doc)
    ]


def _role_mentions(block: Block, doc: Doc | None) -> list[RoleMention]:
    """Role titles in the block; in headings and title fields lower-case titles count too.

    `doc` is the block's spaCy doc, or None when the block holds no role vocabulary. A title field's value
    and a heading that starts with a title are taken whole ("Teacher of Health and Social Care", "Team
    Manager - Adoption"), without grades or references: structure outranks vocabulary.
    """
    if block.kind == "field" and block.label == "title":
        title = clean_title(block.text)
        if not title or not title[:1].isalpha():  # "Post: 2 Southbank Health Centre" is not a title
            return []
        if _cues().terms_only.fullmatch(re.sub(r"\([^)]*\)", " ", title).strip()):
            return []  # "Position: Full Time (37.5 hours per week)": the post's hours, not its title
        return [RoleMention(singular_title(title), block.text, True)]
    if doc is None:
        return []
    if block.kind == "heading":
        spans = role_component().find(doc, any_case=True)
        if not spans:
            return []
        conjoined = any(
            re.fullmatch(r"\s*(?:and|&|or|,)\s*", block.text[a.end_char : b.start_char], re.IGNORECASE)
            for a, b in pairwise(spans)
        )
        first = heading_title(block.text, spans[0]) if not conjoined else _clean(spans[0].text)
        rest = [] if first != _clean(spans[0].text) and all(s.text in first for s in spans[1:]) else spans[1:]
        return [RoleMention(singular_title(first), spans[0].text, _heads_heading(block.text, spans[0]))] + [
            RoleMention(singular_title(_clean(s.text)), s.text, _heads_heading(block.text, s)) for s in rest
        ]
    mentions: list[RoleMention] = []
    previous: Span | None = None
    for span in doc.spans[ROLES]:
        announced = _announced(block.text, span.start_char) or _new_post(block.text, span)
        anchor = not _possessive(block.text, span.end_char) and (
            announced
            or _is_anchor(block, span)
            or (
                previous is not None
                and mentions[-1].anchor
                and bool(_CONJOINED.match(block.text[previous.end_char : span.start_char]))
            )
        )
        opening = block.text[: span.start_char]
        if opening.strip() and all(w.lower() in TITLE_ADJECTIVES for w in opening.split()):
            # "Newly Qualified Social Worker (Grade 9) - £33,274": words a title may open with, then the title
            span_text = block.text[: span.end_char].strip()
            anchor = True  # the title, with those words, opens its block
        else:
            span_text = span.text
        mentions.append(RoleMention(singular_title(_clean(span_text)), span_text, anchor, announced))
        previous = span
    line_title = _title_line(block, doc)
    if line_title is not None:
        return [line_title]
    taken = [(s.start_char, s.end_char) for s in doc.spans[ROLES]]
    return mentions + _prose_mentions(block, doc, taken)


_ADVERT_NOUN_END = re.compile(r"\b(?:opportunity|opportunities|vacancy|vacancies)\s*$", re.IGNORECASE)


def _title_line(block: Block, doc: Doc) -> RoleMention | None:
    """A line of a text capture that is a title and nothing else ("Trainee Health Visitor Opportunity"): the
    advert's heading, though the capture lost the blank line that would make it one."""
    text = block.text.strip()
    spans = list(doc.spans[ROLES])
    if block.kind != "paragraph" or not spans or len(text.split()) > 10 or text.endswith((".", "!", "?", ":", ",")):
        return None
    if re.search(r"[£:@]|\d{1,2}/\d{1,2}/\d{2}", text):  # a line that states pay or a date is an advert line
        return None
    title = heading_title(text, spans[0])
    if title == _clean(spans[0].text) and len(title) < 0.7 * len(clean_title(text)):
        return None
    if any(w[:1].islower() and w.lower() not in _SMALL_WORDS for w in title.split()):
        return None  # a title is written in capitals ("within Lancashire hold a ..." is a sentence)
    announced = bool(_ADVERT_NOUN_END.search(text))
    return RoleMention(singular_title(title), text, True, announced)


def heading_title(heading: str, span: Span) -> str:
    """The title a heading gives: the whole heading (cleaned) when it starts with the title found in it,
    else just the title found ("Join us as a Social Worker" -> "Social Worker")."""
    whole = clean_title(heading)
    found = _clean(span.text)
    at = whole.lower().find(found.lower())
    if at < 0:
        trimmed = clean_title(found)  # "Part-Time Classroom Assistant (...)": the heading cleaned of its terms
        if trimmed == found or not found.lower().endswith(trimmed.lower()) or not whole.startswith(trimmed):
            return found
        found, at = trimmed, 0
    cues = _cues()
    lead = [w.strip(":,-–") for w in whole[:at].split()]
    if any(
        w not in cues.heading_lead and (w[:1].islower() or w in cues.stop_modifiers or w.lower() in cues.prose_stop)
        for w in lead
    ):
        return found
    return whole


def _prose_span(doc: Doc, span: Span, keep_praise: bool = False) -> Span | None:
    """A title found in any case, cut to the words before its head noun that can belong to a title ("apply
    for one of our social worker roles" -> "social worker"; "nearly 50 front-line social workers" -> "social
    workers"). With `keep_praise` (a line that opens with its title), "Newly qualified" stays."""
    stop = _cues().prose_stop
    keep = TITLE_ADJECTIVES if keep_praise else frozenset()
    titles = role_component()
    start = span.end - 1
    while start > span.start and (
        (doc[start - 1].is_alpha and (doc[start - 1].lower_ not in stop or doc[start - 1].lower_ in keep))
        or titles.possessive_at(doc, start - 1)
    ):
        start -= 1
    while keep_praise and start > 0 and doc[start - 1].lower_ in keep:  # "Experienced social worker (...): £..."
        start -= 1
    trimmed = doc[start : span.end]
    return trimmed if len(trimmed) else None


# Between a recruiting statement and a title, words that start another clause: the title is then not the
# post recruited to ("looking for an experienced assistant to work in partnership with class teachers").
_NEW_CLAUSE = re.compile(
    r"\bto\s+(?!recruit|appoint|employ|fill|join|become|be\b|work\s+as\b)[a-z]+|\b(?:with|who|which|that|whose)\b",
    re.IGNORECASE,
)


_LIST_OPENER = re.compile(r"\b(?:including|includes?|such\s+as)\b", re.IGNORECASE)


def _announced(text: str, start: int) -> bool:
    """True when a recruiting statement precedes the offset in its sentence ("the council is recruiting ..."),
    with no other clause between them."""
    before = text[:start]
    sentence_start = max(before.rfind(". "), before.rfind("; "), before.rfind("? "), before.rfind("! "))
    cues = list(_cues().announcement.finditer(before[sentence_start + 1 :]))
    if not cues:
        return False
    gap = before[sentence_start + 1 + cues[-1].end() :]
    listed = list(_LIST_OPENER.finditer(gap))  # "... including full and part-time residential support workers"
    return not _NEW_CLAUSE.search(gap[listed[-1].end() :] if listed else gap)


def _lone_title(doc: Doc, span: Span) -> bool:
    """A one-word title written capitalised and ending its phrase ("an outstanding Principal for April"), not
    the first word of a longer name ("our Specialist Community Paediatric Teams")."""
    after = doc[span.end] if span.end < len(doc) else None
    return span[0].is_title and not (after is not None and after.is_title)


def _prose_mentions(block: Block, doc: Doc, taken: list[tuple[int, int]]) -> list[RoleMention]:
    """Titles in any case that the text announces as posts: after a recruiting statement in the same sentence
    ("the council is recruiting 50 social workers and 12 advanced practitioners"), before a posting noun after
    "our"/"the" ("one of our social worker roles"), or opening a line that states its pay ("Social worker
    (points 3 to 8): £33,898 to £37,055")."""
    cues = _cues()
    text = block.text
    found: list[RoleMention] = []
    for span in role_component().find(doc, any_case=True, stop=cues.prose_breaks):
        if any(a < span.end_char and span.start_char < b for a, b in taken):
            continue
        trimmed = _prose_span(doc, span, keep_praise=True)  # "Experienced social worker (...): £..." opens a line
        opens_line = trimmed is not None and not text[: trimmed.start_char].strip(" -–•*")
        if not opens_line:
            trimmed = _prose_span(doc, span)
        if trimmed is None or not any(role_component().is_head(t) for t in trimmed):
            continue
        if _possessive(text, trimmed.end_char):
            continue
        announced = _announced(text, trimmed.start_char)
        if len(trimmed) == 1 and not opens_line and not (announced and _lone_title(doc, trimmed)):
            continue  # a bare "managers" in running text is not a post; "seeking to appoint a Principal" is
        before = text[: trimmed.start_char]
        posted = bool(cues.posting.match(text[trimmed.end_char :])) and bool(
            re.search(r"\b(?:our|these|the|this|an?\s+new)\s+(?:\S+\s+){0,1}$", before, re.IGNORECASE)
        )
        paid = not before.strip(" -–•*") and "£" in text[trimmed.end_char :]
        if announced or posted or paid:
            found.append(RoleMention(title_case(singular_title(_clean(trimmed.text))), trimmed.text, True, announced))
    return found


def _possessive(text: str, end: int) -> bool:
    """Whether the title ending at `end` is written as a possessive ("Teachers' Pay Scale", "the Social
    Worker's caseload"): it names a thing of the post's, not a post being advertised."""
    return text[end : end + 1] in ("'", "’")


_SMALL_WORDS = frozenset({"and", "of", "for", "in", "the", "with", "to", "&"})


def title_case(title: str) -> str:
    """A title read from running text in lower case, capitalised as a title ("social worker" -> "Social Worker")."""
    return " ".join(
        w if w.lower() in _SMALL_WORDS or not w[:1].islower() else w[:1].upper() + w[1:] for w in title.split()
    )


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
