"""The crawler against a real HTTP server on 127.0.0.1 with injected faults (no mocks)."""

from __future__ import annotations

import itertools
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from pipeline.acquire.addresses import host_key
from pipeline.acquire.crawl import Crawler, CrawlResult, CrawlSpec, normalise_url
from pipeline.acquire.http import Fetcher, FetchSettings, Open
from pipeline.acquire.politeness import HostPolicies, Politeness
from pipeline.acquire.rawstore import RawStore
from pipeline.extract.decode import decode_bytes
from tests.webserver import Site, gzip_bomb, page, send

FAST = FetchSettings(connect_timeout=1.0, read_timeout=0.5, max_attempts=3, backoff_base=0.05, max_bytes=200_000)


def _crawl(
    base: str,
    tmp: Path,
    max_depth: int,
    delay: float = 0.0,
    sitemap: str | None = None,
    selectors: tuple[str, ...] = (),
) -> tuple[CrawlResult, HostPolicies]:
    fetcher = Fetcher(FAST)
    policies = HostPolicies(fetcher, Politeness(min_delay=delay, max_concurrency=2))
    spec = CrawlSpec(start_urls=(base + "/jobs",), max_depth=max_depth, sitemap=sitemap, follow_selectors=selectors)
    return Crawler("test", spec, fetcher, policies, RawStore(tmp)).run(), policies


def _council_site(site: Site) -> None:
    site.routes["/robots.txt"] = lambda h: send(h, 200, b"User-agent: *\nDisallow: /private\n", "text/plain")
    site.routes["/jobs"] = lambda h: send(
        h,
        200,
        page(
            "Jobs",
            (
                '<a href="/jobs/1">Social Worker</a> <a href="/jobs/1#apply">again</a> '
                '<a href="/jobs/1?utm_source=x">tracked</a> <a href="/jobs/2">Residential Support Worker</a> '
                '<a href="/private/secret">staff only</a> <a href="https://example.org/elsewhere">elsewhere</a>'
            ),
        ),
    )
    site.routes["/jobs/1"] = lambda h: (
        send(h, 304, b"", headers={"ETag": '"v1"'})
        if h.headers.get("If-None-Match") == '"v1"'
        else send(
            h,
            200,
            page("Social Worker", "<p>Salary: £38,000</p><p>Closing date: 12 December 2025</p>"),
            headers={"ETag": '"v1"'},
        )
    )
    site.routes["/jobs/2"] = lambda h: send(h, 200, page("Residential Support Worker", '<a href="/jobs/3">more</a>'))
    site.routes["/jobs/3"] = lambda h: send(h, 200, page("Deeper", ""))


def test_crawl_follows_links_politely_and_dedupes(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    _council_site(server)
    result, _ = _crawl(base, tmp_path, max_depth=1)
    fetched = sorted(d.url.removeprefix(base) for d in result.documents)
    assert fetched == ["/jobs", "/jobs/1", "/jobs/2"], "depth 1: /jobs/3 is one level too deep"
    assert server.paths().count("/jobs/1") == 1, "fragment and tracking variants are one URL"
    assert "/private/secret" not in server.paths(), "robots.txt disallows it: never requested"
    assert server.paths().count("/robots.txt") == 1
    assert any(r["error"] == "disallowed by robots.txt" for r in result.log)
    assert {row["url"] for row in result.log} >= {base + "/jobs", base + "/private/secret"}


def test_second_run_sends_validators_and_reuses_the_snapshot(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    _council_site(server)
    _crawl(base, tmp_path, max_depth=1)
    second, _ = _crawl(base, tmp_path, max_depth=1)
    assert [d.url for d in second.unchanged] == [base + "/jobs/1"]
    conditional = [headers for path, headers, _ in server.log if path == "/jobs/1"][-1]
    assert conditional.get("If-None-Match") == '"v1"'
    assert any(row["from_cache"] and row["status"] == 304 for row in second.log)


def test_per_host_delay_is_respected(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    _council_site(server)
    _crawl(base, tmp_path, max_depth=1, delay=0.3)
    starts = sorted(t for path, _, t in server.log if path != "/robots.txt")
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps and min(gaps) >= 0.28, gaps


def test_crawl_delay_from_robots_txt(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    server.routes["/robots.txt"] = lambda h: send(h, 200, b"User-agent: *\nCrawl-delay: 1\n", "text/plain")
    server.routes["/jobs"] = lambda h: send(h, 200, page("Jobs", '<a href="/a">a</a>'))
    server.routes["/a"] = lambda h: send(h, 200, page("A", ""))
    _crawl(base, tmp_path, max_depth=1)
    starts = [t for path, _, t in server.log if path in ("/jobs", "/a")]
    assert starts[1] - starts[0] >= 0.95


def test_retry_after_is_honoured_for_429(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    server.routes["/jobs"] = lambda h: (
        send(h, 429, b"slow down", headers={"Retry-After": "1"})
        if server.hits["/jobs"] == 1
        else send(h, 200, page("Jobs", ""))
    )
    result, _ = _crawl(base, tmp_path, max_depth=0)
    times = [t for path, _, t in server.log if path == "/jobs"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95
    assert result.log[-1]["attempts"] == 2 and result.documents


def test_transient_503_and_500_are_retried_but_404_and_403_are_not(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    server.routes["/jobs"] = lambda h: send(
        h,
        200,
        page(
            "Jobs",
            '<a href="/flaky">f</a><a href="/blip">b</a><a href="/broken">x</a><a href="/gone">g</a>'
            '<a href="/forbidden">n</a>',
        ),
    )
    server.routes["/flaky"] = lambda h: send(h, 503) if server.hits["/flaky"] < 3 else send(h, 200, page("Ok", ""))
    server.routes["/blip"] = lambda h: send(h, 500) if server.hits["/blip"] < 2 else send(h, 200, page("Ok", ""))
    server.routes["/broken"] = lambda h: send(h, 500)
    server.routes["/forbidden"] = lambda h: send(h, 403)
    result, _ = _crawl(base, tmp_path, max_depth=1)
    assert server.hits["/flaky"] == 3 and server.hits["/blip"] == 2, "503 and 500 are retried"
    assert server.hits["/broken"] == FAST.max_attempts, "a lasting 500 is retried up to the cap"
    assert server.hits["/gone"] == 1 and server.hits["/forbidden"] == 1, "404 and 403 are not retried"
    reasons = {r.url.removeprefix(base): r.reason for r in result.rejects}
    assert reasons == {"/broken": "HTTP 500 after 3 attempts", "/gone": "HTTP 404", "/forbidden": "HTTP 403"}


def _reset(handler: BaseHTTPRequestHandler) -> None:
    handler.connection.close()


def _truncated(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "5000")
    handler.end_headers()
    handler.wfile.write(b"<html><body>only part")
    handler.wfile.flush()
    handler.connection.close()


def _slow(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(1.0)
    send(handler, 200, page("Slow", ""))


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (_reset, "ConnectionError"),
        (_truncated, "ChunkedEncodingError"),
        (_slow, "Timeout"),
        (lambda h: send(h, 302, headers={"Location": "/jobs"}), "redirects"),
        (lambda h: send(h, 200, b"x" * 300_000), "body over max_bytes"),
        (lambda h: send(h, 200, gzip_bomb(5_000_000), headers={"Content-Encoding": "gzip"}), "body over max_bytes"),
    ],
    ids=["reset", "truncated", "slow", "redirect-loop", "oversize", "gzip-bomb"],
)
def test_faults_are_recorded_with_reasons(site: tuple[Site, str], tmp_path: Path, route: object, expected: str) -> None:
    server, base = site
    server.routes["/jobs"] = route  # type: ignore[assignment]
    result, _ = _crawl(base, tmp_path, max_depth=0)
    assert not result.documents
    (reject,) = result.rejects
    assert expected in reject.reason
    assert result.log and result.log[-1]["error"]


def test_windows_1252_page_decodes(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    body = "<html><head><meta charset='windows-1252'></head><body><p>Salary: £25,000 – you’ll</p></body></html>"
    server.routes["/jobs"] = lambda h: send(h, 200, body.encode("cp1252"), "text/html")
    result, _ = _crawl(base, tmp_path, max_depth=0)
    (document,) = result.documents
    text = decode_bytes(RawStore(tmp_path).read(document.raw_path)).text
    assert "£25,000 – you’ll" in text


def test_sitemap_pages_are_crawled(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    server.routes["/sitemap.xml"] = lambda h: send(
        h,
        200,
        (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}/jobs/9</loc></url></urlset>"
        ).encode(),
        "application/xml",
    )
    server.routes["/jobs"] = lambda h: send(h, 200, page("Jobs", ""))
    server.routes["/jobs/9"] = lambda h: send(h, 200, page("Nine", ""))
    result, _ = _crawl(base, tmp_path, max_depth=0, sitemap=base + "/sitemap.xml")
    assert sorted(d.url.removeprefix(base) for d in result.documents) == ["/jobs", "/jobs/9"]


def test_url_normalisation() -> None:
    assert normalise_url("HTTP://Example.GOV.uk:80/jobs/1?utm_source=x&id=3#top") == "http://example.gov.uk/jobs/1?id=3"
    assert normalise_url("mailto:jobs@example.gov.uk") is None
    assert normalise_url("../jobs/2", "https://example.gov.uk/a/b") == "https://example.gov.uk/jobs/2"


def test_css_selectors_choose_the_vacancy_links(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    server.routes["/jobs"] = lambda h: send(
        h,
        200,
        page(
            "Jobs",
            (
                '<ul class="vacancies"><li><a href="/v/1">Social Worker</a></li></ul>'
                '<nav><a href="/about">About</a></nav>'
            ),
        ),
    )
    server.routes["/v/1"] = lambda h: send(h, 200, page("Social Worker", ""))
    server.routes["/about"] = lambda h: send(h, 200, page("About", ""))
    result, _ = _crawl(base, tmp_path, max_depth=1, selectors=("ul.vacancies a",))
    assert sorted(d.url.removeprefix(base) for d in result.documents) == ["/jobs", "/v/1"]
    assert "/about" not in server.paths()


def test_an_unchanged_listing_means_its_known_pages_are_not_requested(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    server.routes["/jobs"] = lambda h: (
        send(h, 304, headers={"ETag": '"list"'})
        if h.headers.get("If-None-Match") == '"list"'
        else send(h, 200, page("Jobs", '<a href="/jobs/1">Social Worker</a>'), headers={"ETag": '"list"'})
    )
    server.routes["/jobs/1"] = lambda h: send(h, 200, page("Social Worker", ""))
    _crawl(base, tmp_path, max_depth=1)
    second, _ = _crawl(base, tmp_path, max_depth=1)
    assert server.hits["/jobs"] == 2 and server.hits["/jobs/1"] == 1, "the detail page was not asked for again"
    assert sorted(d.url.removeprefix(base) for d in second.unchanged) == ["/jobs", "/jobs/1"]
    skipped = next(r for r in second.log if r["url"] == base + "/jobs/1")
    assert skipped["from_cache"] and skipped["attempts"] == 0


def test_user_agent_names_the_project_and_the_operators_contact(
    site: tuple[Site, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, base = site
    monkeypatch.setenv("PIPELINE_CRAWLER_CONTACT", "mailto:data-team@example.org")
    server.routes["/jobs"] = lambda h: send(h, 200, page("Jobs", ""))
    fetcher = Fetcher(FetchSettings())
    fetcher.fetch(base + "/jobs", guard=Open(frozenset({host_key(base)})))
    agent = server.log[-1][1]["User-Agent"]
    assert agent.startswith("childrens-services-recruitment-pipeline/") and "mailto:data-team@example.org" in agent


def test_a_long_crawl_reports_its_progress(site: tuple[Site, str], tmp_path: Path) -> None:
    server, base = site
    links = "".join(f'<a href="/jobs/{n}">advert {n}</a>' for n in range(250))
    server.routes["/jobs"] = lambda h: send(h, 200, page("Jobs", links))
    for n in range(250):
        server.routes[f"/jobs/{n}"] = lambda h: send(h, 200, page("Advert", "<p>Salary: £30,000</p>"))
    fetcher = Fetcher(FAST)
    policies = HostPolicies(fetcher, Politeness(min_delay=0.0, max_concurrency=4))
    spec = CrawlSpec(start_urls=(base + "/jobs",), max_depth=1, max_pages=1000)
    said: list[str] = []
    Crawler("test", spec, fetcher, policies, RawStore(tmp_path), progress=said.append).run()
    steps = [line.split(";")[0] for line in said]  # what follows counts pages other workers have done
    assert steps == [
        "test: depth 0, 1/1 pages of this depth",
        "test: depth 1, 100/250 pages of this depth",
        "test: depth 1, 200/250 pages of this depth",
        "test: depth 1, 250/250 pages of this depth",
    ]
    assert said[-1].endswith("so far 251 changed, 0 unchanged, 0 failed")
