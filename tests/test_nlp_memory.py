"""spaCy's string store is bounded over a long run: the pipeline is rebuilt between pages past a limit."""

from __future__ import annotations

import pytest

from pipeline.extract import nlp
from pipeline.extract.page import extract_page


def test_the_string_store_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "MAX_VOCAB_STRINGS", len(nlp.get_nlp().vocab.strings) + 500)
    sizes = []
    for page in range(30):
        words = " ".join(f"word{page}x{i}" for i in range(100))
        found = extract_page(f"Residential Support Worker {words}\n\nSalary: £25,000", False)
        assert [v.title for v in found.vacancies] == ["Residential Support Worker"]
        sizes.append(len(nlp.get_nlp().vocab.strings))
    assert max(sizes) <= nlp.MAX_VOCAB_STRINGS + 200, "rebuilt before it grows much past the limit"
    assert sizes[-1] < sizes[4] + 3000
