"""Literal prefilters for the data files' big alternations of case-insensitive patterns.

Python's regular-expression engine tries every alternative at every position of a text, which is slow for a
page's whole text. Most alternatives can only match where some literal words occur ("behalf", "client"), and
a plain substring test finds those far faster. `Alternation` reads the literals each alternative requires
from its parsed form, and searches a text with only the alternatives whose literals the text holds (or not
at all when none does). The matches are exactly the full pattern's: an alternative left out could not have
matched anywhere in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from pipeline.resources import any_of

Clause = frozenset[str]  # one of these (lower-case) literals occurs wherever the alternative matches
MIN_LITERAL = 3  # shorter literals occur in nearly every text: not worth testing
MAX_VARIANTS = 256  # reduced patterns kept per alternation
# Characters outside ASCII that the engine matches to an ASCII letter when ignoring case
# (re.fullmatch(letter, char, re.IGNORECASE) over all of Unicode; tests/test_prefilter.py checks it).
_ASCII_LOOKALIKES = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


@lru_cache(maxsize=32)
def folded(text: str) -> str:
    """The text in lower case, with the letters the engine takes for ASCII letters made ASCII (for literal
    tests: each character that can match an ASCII literal is that literal in lower case)."""
    if not text.isascii():
        for char, letter in _ASCII_LOOKALIKES.items():
            if char in text:
                text = text.replace(char, letter)
    return text.lower()


def _best(clauses: list[Clause]) -> Clause | None:
    """The clause whose shortest literal is longest (the most selective, roughly)."""
    return max(clauses, key=lambda c: min(map(len, c)), default=None)


def _clauses(items: Iterable[tuple[Any, Any]]) -> list[Clause]:
    """The clauses a parsed sequence requires: its runs of ASCII literals and those of its parts that must
    occur (groups, repeats of at least one, branches whose every option requires a literal)."""
    clauses: list[Clause] = []
    run: list[str] = []

    def end_run() -> None:
        if len(run) >= MIN_LITERAL:
            clauses.append(frozenset({"".join(run)}))
        run.clear()

    for op, av in items:
        if op is sre.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        end_run()
        if op is sre.SUBPATTERN:
            clauses += _clauses(av[3])
        elif op is sre.ATOMIC_GROUP:
            clauses += _clauses(av)
        elif op in _REPEATS and av[0] >= 1:
            clauses += _clauses(av[2])
        elif op is sre.BRANCH:
            options = [_best(_clauses(branch)) for branch in av[1]]
            if all(options):
                clauses.append(frozenset().union(*(o for o in options if o)))
    end_run()
    return clauses


def required_literals(pattern: str, flags: int = 0) -> tuple[Clause, ...]:
    """Clauses of literals that any match of the pattern holds (in lower case): each clause has one of its
    literals in the text wherever the pattern matches. Empty when nothing is required."""
    try:
        return tuple(_clauses(sre_parse.parse(pattern, flags)))
    except (re.error, TypeError, ValueError):
        return ()


def _satisfied(needs: tuple[tuple[Clause, ...], ...], present: set[str]) -> Iterator[int]:
    """The indexes of the alternatives each of whose clauses has a literal among those present."""
    for i, clauses in enumerate(needs):
        for clause in clauses:
            if clause.isdisjoint(present):
                break
        else:
            yield i


class Alternation:
    """`before + any_of(alternatives) + after`, compiled with `flags`, searched with literal prefilters."""

    def __init__(self, alternatives: Sequence[str], flags: int = 0, before: str = "", after: str = "") -> None:
        self.alternatives = tuple(alternatives)
        self.before, self.after, self.flags = before, after, flags
        self.pattern = re.compile(before + any_of(list(alternatives)) + after, flags)
        self.needs = tuple(required_literals(a, flags) for a in alternatives)
        self.literals = tuple(sorted({w for needs in self.needs for clause in needs for w in clause}))
        self.always = any(not needs for needs in self.needs)  # an alternative that requires no literal
        # A quick first test: one literal of each alternative's most selective clause.
        self.quick = tuple(sorted({w for needs in self.needs if needs for w in _best(list(needs)) or ()}))
        # Leaving an alternative out renumbers the groups after it: only alternatives without groups.
        self.reducible = all(re.compile(a, flags).groups == 0 for a in alternatives)
        self._variants: dict[tuple[int, ...], re.Pattern[str]] = {}

    def _variant(self, kept: tuple[int, ...]) -> re.Pattern[str]:
        pattern = self._variants.get(kept)
        if pattern is None:
            pattern = re.compile(self.before + any_of([self.alternatives[i] for i in kept]) + self.after, self.flags)
            if len(self._variants) < MAX_VARIANTS:
                self._variants[kept] = pattern
        return pattern

    def pattern_for(self, text: str) -> re.Pattern[str] | None:
        """The pattern to search this text with: the alternatives whose literals it holds, or None when it holds
        none's (nothing can match)."""
        low = folded(text)
        if not self.always and not any(map(low.__contains__, self.quick)):
            return None
        present = set(filter(low.__contains__, self.literals))
        kept = tuple(_satisfied(self.needs, present))
        if not kept:
            return None
        if len(kept) == len(self.needs) or not self.reducible:
            return self.pattern
        return self._variant(kept)

    def search(self, text: str) -> re.Match[str] | None:
        """The first match, as `self.pattern.search(text)`."""
        pattern = self.pattern_for(text)
        return pattern.search(text) if pattern else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Every match, as `self.pattern.finditer(text)`."""
        pattern = self.pattern_for(text)
        return pattern.finditer(text) if pattern else iter(())

    def findall(self, text: str) -> list[Any]:
        """Every match, as `self.pattern.findall(text)`."""
        pattern = self.pattern_for(text)
        return pattern.findall(text) if pattern else []
