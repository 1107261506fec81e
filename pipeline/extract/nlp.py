"""The spaCy pipeline: `spacy.blank("en")` plus rule components built from the package's data files.

Components (registered factories): `role_titles` (doc.spans["roles"]) and `benefit_terms`
(doc.spans["benefits"], labelled with the benefit category). Evidence sentences are cut by a rule on the
text (`sentence_at`), which is all the sentence splitting the extractors need. Setting the environment
variable PIPELINE_SPACY_MODEL to an installed model's name uses that model's tokenizer instead; nothing
requires one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import spacy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from pipeline.resources import load_yaml

ROLES = "roles"
BENEFITS = "benefits"
_CONNECTORS = {"and", "&", "of", "'s", "’s", "for", "-"}
_FORWARD_CONNECTORS = _CONNECTORS | {"in", "with"}  # "Head of Service for Children in Care"


class RoleTitles:
    """Finds role titles: capitalised modifiers ending in a head noun, and "Head of ..." titles."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.heads = {h.lower() for h in data["heads"]}
        self.forward = {h.lower() for h in data["forward_heads"]}
        self.stop = set(data["stop_modifiers"])
        self.left_stop = frozenset(data["function_words"])  # lower-case words no title opens with or runs through
        self.possessors = frozenset(data["possessive_leads"])  # "children's social workers"
        self._hashes: set[int] | None = None
        self._prose_stop: frozenset[str] = frozenset()
        # Words whose presence makes a title possible: heads, their plurals, and forward heads.
        self.triggers = (
            self.heads
            | {h + "s" for h in self.heads}
            | {h + "es" for h in self.heads}
            | {w for h in self.forward for w in h.split()}
        )

    def is_head(self, token: Token) -> bool:
        """True for a head noun of a title, singular or plural ("Worker", "Officers")."""
        return self.is_head_word(token.lower_)

    def is_head_word(self, word: str) -> bool:
        """The same test on a written word, in any case and with punctuation around it ("Managers),")."""
        word = word.strip("(),.:;'’").lower()
        return word in self.heads or (word.endswith("s") and (word[:-1] in self.heads or word[:-2] in self.heads))

    def _modifier(self, token: Token, any_case: bool) -> bool:
        if token.text in self.stop or not token.is_alpha or token.lower_ in self._prose_stop:
            return False
        return token.is_title or (token.is_upper and len(token) > 1) or (any_case and token.is_lower)

    def _extend_left(self, doc: Doc, head: int, any_case: bool, floor: int) -> int:
        start = head
        i = head - 1
        while i >= floor:
            tok = doc[i]
            if self._modifier(tok, any_case) and tok.text not in self.left_stop:
                start = i
            elif not self._joins(doc, i, any_case):
                break
            i -= 1
        return start

    def _joins(self, doc: Doc, i: int, any_case: bool) -> bool:
        """Whether token i joins the words before it to a title: a connector ("Health and Social Care") or a
        possessive of a possessor ("children's")."""
        tok = doc[i]
        if i == 0:
            return False
        if tok.lower_ in _CONNECTORS:
            return self._modifier(doc[i - 1], any_case) and tok.lower_ != "of"
        return self.possessive_at(doc, i)

    def possessive_at(self, doc: Doc, i: int) -> bool:
        """Whether token i is the "'s" of a possessor a title may open with ("children's social worker")."""
        return i > 0 and doc[i].text in ("'s", "’s") and doc[i - 1].lower_ in self.possessors

    def _forward_title(self, doc: Doc, i: int, any_case: bool) -> int | None:
        """End of "Head of Policy Research" starting at token i, or None."""
        if doc[i].lower_ not in self.forward or i + 2 >= len(doc) or doc[i + 1].lower_ != "of":
            return None
        end = i + 2
        while end < len(doc) and (
            self._modifier(doc[end], any_case)
            or (
                doc[end].lower_ in _FORWARD_CONNECTORS and end + 1 < len(doc) and self._modifier(doc[end + 1], any_case)
            )
        ):
            end += 1
        while end > i + 2 and doc[end - 1].lower_ in _FORWARD_CONNECTORS:
            end -= 1
        return end if end > i + 2 else None

    def _continues(self, doc: Doc, i: int, any_case: bool) -> bool:
        """True when the head at i is a modifier of a longer title ("Lead Automation Engineer")."""
        j = i + 1
        while j < len(doc) and self._modifier(doc[j], any_case):
            if self.is_head(doc[j]):
                return True
            j += 1
        return False

    def _candidates(self, doc: Doc) -> list[int]:
        """Indexes of tokens that may end or open a title (a vectorised look-up, no Token objects)."""
        hashes = self.trigger_hashes(doc)
        return [i for i, h in enumerate(doc.to_array([LOWER]).tolist()) if h in hashes]

    def trigger_hashes(self, doc: Doc) -> set[int]:
        """Hashes of the trigger words in the doc's vocabulary (cached)."""
        if self._hashes is None:
            self._hashes = {doc.vocab.strings.add(w) for w in self.triggers}
        return self._hashes

    def find(self, doc: Doc, any_case: bool = False, stop: frozenset[str] = frozenset()) -> list[Span]:
        """Role-title spans; with any_case (headings, fields) lower-case titles count too. Words in `stop`
        (lower case) never belong to a title (running text read in any case)."""
        self._prose_stop = stop
        try:
            return self._find(doc, any_case)
        finally:
            self._prose_stop = frozenset()

    def _find(self, doc: Doc, any_case: bool) -> list[Span]:
        spans: list[Span] = []
        for i in self._candidates(doc):
            tok = doc[i]
            if spans and i < spans[-1].end:
                continue
            opens = tok.lower_ in self.forward and (tok.is_title or any_case)
            forward_end = self._forward_title(doc, i, any_case) if opens else None
            if forward_end:
                spans.append(doc[i:forward_end])
                continue
            if self.is_head(tok) and (tok.is_title or any_case) and not self._continues(doc, i, any_case):
                start = self._extend_left(doc, i, any_case, spans[-1].end if spans else 0)
                while start < i and doc[start].lower_ in _CONNECTORS:
                    start += 1
                if start < i or any_case:
                    spans.extend(_split_conjoined(doc[start : i + 1], self))
        return _joined_by_slash(doc, spans)

    def __call__(self, doc: Doc) -> Doc:
        """Set doc.spans["roles"]."""
        doc.spans[ROLES] = self.find(doc)
        return doc


def _joined_by_slash(doc: Doc, spans: list[Span]) -> list[Span]:
    """Titles written "A / B" are one combined post ("SEND Learning Support Assistant / Midday Assistant"):
    one span over both. Plural titles ("Service Managers / Service Leads") name several posts, not one."""
    joined: list[Span] = []
    for span in spans:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and span.start == previous.end + 1
            and doc[previous.end].text == "/"
            and not _plural(previous)
            and not _plural(span)
        ):
            joined[-1] = doc[previous.start : span.end]
        else:
            joined.append(span)
    return joined


def _plural(span: Span) -> bool:
    return singular_title(span.text) != span.text


def _split_conjoined(span: Span, roles: RoleTitles) -> list[Span]:
    """ "Practice Manager and Independent Reviewing Officer" -> two titles; "Youth and Community Worker" one."""
    for k, tok in enumerate(span):
        if tok.lower_ in ("and", "&") and k > 0 and roles.is_head(span[k - 1]) and k > 1:
            return [span[:k], *_split_conjoined(span[k + 1 :], roles)] if k + 1 < len(span) else [span[:k]]
    return [span] if len(span) else []


class BenefitTerms:
    """Marks benefit phrases from data/benefits.yaml, labelled with their category."""

    def __init__(self, nlp: Language, data: dict[str, Any]) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for category, phrases in data["categories"].items():
            self.matcher.add(category, [nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        """Set doc.spans["benefits"], one span per phrase, labelled with its category."""
        spans = [Span(doc, s, e, label=m) for m, s, e in self.matcher(doc)]
        doc.spans[BENEFITS] = spacy.util.filter_spans(spans)
        return doc


@Language.factory("role_titles")
def make_role_titles(nlp: Language, name: str) -> RoleTitles:
    """Factory for the role-title component (patterns from data/roles.yaml)."""
    return RoleTitles(load_yaml("roles.yaml"))


@lru_cache(maxsize=1)
def role_titles() -> RoleTitles:
    """The role-title rules outside a spaCy pipeline (head words of posts), built once."""
    return RoleTitles(load_yaml("roles.yaml"))


def names_post(text: str) -> bool:
    """Whether a line holds a post's head word ("Higher Level Teaching Assistant")."""
    return any(role_titles().is_head_word(word.strip("(),:;")) for word in text.split())


@Language.factory("benefit_terms")
def make_benefit_terms(nlp: Language, name: str) -> BenefitTerms:
    """Factory for the benefit-phrase component (phrases from data/benefits.yaml)."""
    return BenefitTerms(nlp, load_yaml("benefits.yaml"))


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The shared pipeline, built once per process."""
    model = os.environ.get("PIPELINE_SPACY_MODEL")
    nlp = spacy.load(model, exclude=["ner", "lemmatizer", "textcat"]) if model else spacy.blank("en")
    nlp.add_pipe("role_titles")
    nlp.add_pipe("benefit_terms")
    return nlp


_WORDS = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def _trigger_words() -> frozenset[str]:
    """Words without which neither component can find anything: role heads, and for each benefit phrase its
    longest word (a phrase matches only when all its words are there; the longest is the rarest)."""
    phrases = [p for group in load_yaml("benefits.yaml")["categories"].values() for p in group]
    rarest = {max(_WORDS.findall(p.lower()), key=len) for p in phrases if _WORDS.findall(p.lower())}
    return frozenset(role_component().triggers | rarest)


# spaCy's string store keeps every word it has seen; past this many strings the pipeline is built afresh
# (between pages), so memory stays flat over a long run.
MAX_VOCAB_STRINGS = 200_000


def bounded_nlp() -> Language:
    """The shared pipeline, rebuilt first when its string store has grown past MAX_VOCAB_STRINGS."""
    nlp = get_nlp()
    if len(nlp.vocab.strings) > MAX_VOCAB_STRINGS:
        get_nlp.cache_clear()
        nlp = get_nlp()
    return nlp


def analyse(texts: Sequence[str]) -> list[Doc | None]:
    """spaCy docs for the texts that hold role or benefit vocabulary; None where there is nothing to find."""
    triggers = _trigger_words()
    wanted = [i for i, text in enumerate(texts) if triggers.intersection(_WORDS.findall(text.lower()))]
    docs: list[Doc | None] = [None] * len(texts)
    for i, doc in zip(wanted, bounded_nlp().pipe(texts[i] for i in wanted), strict=True):
        docs[i] = doc
    return docs


def role_component() -> RoleTitles:
    """The pipeline's role-title component (for finding lower-case titles in headings)."""
    component = get_nlp().get_pipe("role_titles")
    assert isinstance(component, RoleTitles)
    return component


# A sentence ends at . ! or ? followed by space and a capital, digit, £ or quote; not after a title like "Mr"
# or a single initial.
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z0-9£\"'‘“(])")
_NOT_AN_END = re.compile(r"(?:\b(?:Mr|Ms|Mrs|Dr|St|No|Cllr)|\b[A-Z])$")


def sentence_at(text: str, char: int) -> str:
    """The sentence of the text that contains a character offset."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if _NOT_AN_END.search(text, 0, end.start()):
            continue
        if end.end() > char:
            return text[start : end.end()].strip()
        start = end.end()
    return text[start:].strip()


def singular_word(word: str) -> str:
    """A word made singular by its ending ("Secretaries" -> "Secretary", "Workers" -> "Worker")."""
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + ("Y" if word[-1].isupper() else "y")
    if lower.endswith(("sses", "ches", "shes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def _head_words() -> frozenset[str]:
    data = load_yaml("roles.yaml")
    return frozenset(h.lower() for h in [*data["heads"], *data["forward_heads"]] if " " not in h)


def singular_title(title: str) -> str:
    """Title with its head noun singular ("Teachers of Mathematics" -> "Teacher of Mathematics") and a
    trailing acronym in brackets removed. Without a known head noun, the title is kept as it is."""
    title = re.sub(r"\s*\([A-Z]{2,}s?\)\s*$", "", title).strip()
    words = title.split()
    if not words:
        return title
    heads = _head_words()
    for i in range(len(words) - 1, -1, -1):
        bare = words[i].strip("(),:;")
        singular = singular_word(bare)
        if bare.lower() in heads:
            return title  # the head noun is already singular
        if singular != bare and singular.lower() in heads:
            words[i] = words[i].replace(bare, singular)
            return " ".join(words)
    return title  # no head noun to make singular ("Consultant in Community Paediatrics")
