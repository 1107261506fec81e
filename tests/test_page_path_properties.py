"""Property tests of the whole page path (decode -> extract -> normalise -> validate): random bytes, random
HTML trees and random JSON-LD never raise, and each input ends as rows or as a reject."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.acquire.rawstore import RawStore
from pipeline.documents import RawDocument
from pipeline.load.validate import validate_run
from pipeline.runner import extract_documents

NIGHT = dt.date(2025, 11, 20)
RAW = Path(tempfile.mkdtemp(prefix="page-path-"))
FRAGMENTS = [
    "Residential Support Worker",
    "Salary: £25,000 - £27,000",
    "Closing date: 15 December 2025",
    "£13.50 per hour",
    "Social Worker (Grade 10)",
    "Hours: 37",
    "Permanent",
    "jobs@derby.gov.uk",
    "01332 642000",
    "DE1 2FS",
    "What we offer",
    "28 days annual leave",
    "Up to £55,000*",
    "pro rata",
    "Closing: 31/02/2025",
    "\u00a0",
    "&amp;",
]
TAGS = [
    "div",
    "p",
    "h1",
    "h2",
    "h3",
    "ul",
    "li",
    "table",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "span",
    "strong",
    "section",
    "article",
    "br",
    "script",
    "style",
    "a",
    "b",
]


def through_the_path(data: bytes, content_type: str) -> None:
    """One document through decode, extract, normalise and validate; it must end as rows or as a reject."""
    store = RawStore(RAW)
    sha, relative = store.put(data)
    fetched = dt.datetime(2025, 11, 20, tzinfo=dt.UTC)
    document = RawDocument("prop", f"file:///prop/{sha}.html", sha, relative, fetched, content_type, len(data))
    rows, rejects = extract_documents([document], RAW, NIGHT, "run-prop", NIGHT)
    assert len(rows.get("pages", [])) + len(rejects) == 1
    kept, invalid = validate_run(rows, "run-prop", NIGHT)
    for table in ("vacancy_sightings", "contacts", "benefits"):
        assert len(kept.get(table, [])) + sum(1 for r in invalid if r["table_name"] == table) == len(
            rows.get(table, [])
        )
    for row in kept.get("vacancy_sightings", []):
        if row["salary_min"] is not None and row["salary_max"] is not None:
            assert row["salary_min"] <= row["salary_max"]


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.binary(max_size=3000), st.sampled_from(["text/html", "text/plain"]))
def test_random_bytes(data: bytes, content_type: str) -> None:
    through_the_path(data, content_type)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, inner, attrs: f"<{tag}{attrs}>{''.join(inner)}</{tag}>",
        st.sampled_from(TAGS),
        st.lists(children, max_size=4),
        st.sampled_from(["", ' class="job"', ' id="x"', ' itemprop="title"', ' style="display:none"']),
    )


TEXT = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))
TREES = st.recursive(TEXT, _element, max_leaves=40)


@PROPERTY
@given(TREES, st.booleans())
def test_random_html_trees(tree: str, wrapped: bool) -> None:
    html = f"<html><head><title>Jobs</title></head><body>{tree}</body></html>" if wrapped else tree
    through_the_path(html.encode("utf-8", "surrogatepass"), "text/html")


JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
POSTING = st.fixed_dictionaries(
    {"@type": st.sampled_from(["JobPosting", ["JobPosting"], "Thing"])},
    optional={
        "title": JSON | st.sampled_from(FRAGMENTS),
        "validThrough": JSON | st.sampled_from(["2025-12-15", "15/12/2025", "9999-99-99", ""]),
        "baseSalary": JSON
        | st.fixed_dictionaries(
            {"value": st.fixed_dictionaries({"minValue": JSON, "maxValue": JSON, "unitText": JSON})}
        ),
        "employmentType": JSON,
        "hiringOrganization": JSON,
        "jobLocation": JSON,
    },
)


@PROPERTY
@given(st.one_of(POSTING, JSON, st.lists(POSTING, max_size=3)), st.booleans())
def test_random_json_ld(value: Any, graph: bool) -> None:
    payload = {"@context": "https://schema.org", "@graph": value} if graph else value
    script = json.dumps(payload, allow_nan=True).replace("</", "<\\/")
    html = f'<html><head><script type="application/ld+json">{script}</script></head><body><p>Apply.</p></body></html>'
    through_the_path(html.encode("utf-8", "surrogatepass"), "text/html")
