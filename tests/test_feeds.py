"""Vacancy feeds: the real platform shapes of ../shared/fixtures/teaching-vacancies/feeds read in place, and a
feed served from 127.0.0.1 crawled into documents whose structured fields the cascade maps directly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.acquire.crawl import Crawler, CrawlSpec
from pipeline.acquire.feeds import item_document, read_feed
from pipeline.acquire.http import Fetcher, FetchSettings
from pipeline.acquire.politeness import HostPolicies, Politeness
from pipeline.acquire.rawstore import RawStore
from pipeline.extract.page import extract_page
from tests.conftest import shared_path
from tests.webserver import Site, page, send

FEEDS = ("fixtures", "teaching-vacancies", "feeds")
# (file, title, salary min, max, period, closing date, hours, contract): facts of the fixtures. The broadbean
# feed gives "£50879 - £85262 per week": yearly-sized figures under a shorter period are read as yearly (the
# rule salary.yaml's annual_sized_from states for every salary text).
SHAPES = [
    ("ventrus.xml", "Teaching Assistant", 21575, 22369, "year", dt.date(2043, 9, 1), "part-time", "permanent"),
    ("broadbean.xml", "Class Teacher", 50879, 85262, "year", dt.date(2042, 8, 23), "part-time", "fixed-term"),
    ("vacancy_poster.xml", "Test Post", 80000, 80000, "year", dt.date(2044, 6, 15), "full-time", "permanent"),
    ("fusion.json", "Class Teacher", 25714, 41604, "year", dt.date(2042, 10, 28), "full-time", "fixed-term"),
]


@pytest.mark.parametrize("shape", SHAPES, ids=[s[0] for s in SHAPES])
def test_structured_fields_are_mapped_directly(shape: tuple[object, ...]) -> None:
    name, title, low, high, period, closing, hours, contract = shape
    (item,) = read_feed((shared_path(*FEEDS) / str(name)).read_bytes())
    (vacancy,) = extract_page(item_document(item).decode(), True, dt.date(2026, 12, 1)).vacancies
    assert vacancy.method == "jsonld", "the feed's fields come through the JobPosting, not from text"
    assert vacancy.title == title and vacancy.closing is not None and vacancy.closing.date == closing
    assert vacancy.salary is not None and (vacancy.salary.min, vacancy.salary.max, vacancy.salary.period) == (
        low,
        high,
        period,
    )
    assert (vacancy.hours, vacancy.contract) == (hours, contract)


def test_an_unreadable_feed_has_no_items() -> None:
    assert read_feed(b"") == [] and read_feed(b"{not json") == [] and read_feed(b"<html>nothing</html>") == []


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Vacancies</title>
<item><title>Residential Support Worker</title><link>{base}/jobs/1</link>
<description>&lt;p&gt;Salary: £25,000 per annum. Closing date: 12 December 2026.&lt;/p&gt;</description></item>
<item><title>Senior Practitioner</title><link>{base}/jobs/2</link>
<description>&lt;p&gt;Salary: £40,000. Closes 19 December 2026.&lt;/p&gt;</description></item>
</channel></rss>"""


def test_a_feed_served_locally_becomes_documents_and_its_links_may_be_crawled(
    site: tuple[Site, str], tmp_path: Path
) -> None:
    server, base = site
    server.routes["/feed.rss"] = lambda h: send(h, 200, RSS.format(base=base).encode(), "application/rss+xml")
    server.routes["/jobs/1"] = lambda h: send(h, 200, page("Residential Support Worker", "<p>Full advert</p>"))
    server.routes["/jobs/2"] = lambda h: send(h, 200, page("Senior Practitioner", "<p>Full advert</p>"))
    fetcher = Fetcher(FetchSettings(read_timeout=2.0, max_attempts=1))
    policies = HostPolicies(fetcher, Politeness(min_delay=0.0))
    spec = CrawlSpec(feeds=(base + "/feed.rss",), follow_feed_links=True, max_depth=0)
    result = Crawler("feed", spec, fetcher, policies, RawStore(tmp_path)).run()
    urls = sorted(d.url.removeprefix(base) for d in result.documents)
    assert urls == ["/jobs/1", "/jobs/1#feed-item-1", "/jobs/2", "/jobs/2#feed-item-2"]
    item = next(d for d in result.documents if d.url.endswith("#feed-item-1"))
    text = (tmp_path / item.raw_path).read_text(encoding="utf-8")
    (vacancy,) = extract_page(text, True, dt.date(2026, 12, 1)).vacancies
    assert (vacancy.title, vacancy.salary and vacancy.salary.min) == ("Residential Support Worker", 25000)
    assert vacancy.closing is not None and vacancy.closing.date == dt.date(2026, 12, 12)
    assert result.log[0]["url"] == base + "/feed.rss"


def test_an_atom_feed_is_read_too() -> None:
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Jobs</title>'
        b'<entry><title>Family Support Worker</title><link href="https://jobs.example.gov.uk/1"/>'
        b"<id>urn:job:1</id><updated>2026-11-20T09:00:00Z</updated>"
        b'<content type="html">&lt;p&gt;Salary: &#163;27,000. Closing date: 5 January 2027.&lt;/p&gt;</content></entry>'
        b"</feed>"
    )
    (item,) = read_feed(atom)
    assert (item.title, item.link) == ("Family Support Worker", "https://jobs.example.gov.uk/1")
    (vacancy,) = extract_page(item_document(item).decode(), True, dt.date(2026, 12, 1)).vacancies
    assert vacancy.salary is not None and vacancy.salary.min == 27000
    assert vacancy.closing is not None and vacancy.closing.date == dt.date(2027, 1, 5)
