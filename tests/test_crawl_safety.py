"""Crawls that cannot be led astray or held up: redirects checked hop by hop, private and link-local addresses
refused, a bad host deferred, a time budget per URL. Real servers on 127.0.0.1 and 127.0.0.2 (no mocks)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from pipeline.acquire.addresses import forbidden_kind, refusal
from pipeline.acquire.crawl import Crawler, CrawlResult, CrawlSpec
from pipeline.acquire.http import Fetcher, FetchSettings
from pipeline.acquire.politeness import HostPolicies, Politeness
from pipeline.acquire.rawstore import RawStore
from tests.webserver import Site, page, send, serve

FAST = FetchSettings(connect_timeout=0.5, read_timeout=0.3, max_attempts=3, backoff_base=0.02, url_budget=5.0)


def _second_loopback_works() -> bool:
    try:
        with socket.socket() as sock:
            sock.bind(("127.0.0.2", 0))
        return True
    except OSError:
        return False


@pytest.fixture
def sites() -> Iterator[tuple[Site, str, Site, str]]:
    """A council site on 127.0.0.1 and a foreign one on 127.0.0.2."""
    if not _second_loopback_works():
        pytest.skip("127.0.0.2 cannot be bound on this machine")
    home, foreign = Site(), Site()
    home_server, home_base = serve(home)
    foreign_server, foreign_base = serve(foreign, "127.0.0.2")
    yield home, home_base, foreign, foreign_base
    home_server.shutdown()
    foreign_server.shutdown()


def _crawl(start: str, tmp: Path, settings: FetchSettings = FAST, defer_after: int = 3, **spec: object) -> CrawlResult:
    fetcher = Fetcher(settings)
    policies = HostPolicies(fetcher, Politeness(min_delay=0.0, max_concurrency=1, defer_after=defer_after))
    crawl = CrawlSpec(start_urls=(start,), **spec)  # type: ignore[arg-type]
    return Crawler("test", crawl, fetcher, policies, RawStore(tmp)).run()


def _log(result: CrawlResult, base: str) -> dict[str, dict[str, object]]:
    return {str(row["url"]).removeprefix(base): row for row in result.log}


def test_a_redirect_into_a_path_robots_disallows_is_not_followed(
    sites: tuple[Site, str, Site, str], tmp_path: Path
) -> None:
    home, base, _, _ = sites
    home.routes["/robots.txt"] = lambda h: send(h, 200, b"User-agent: *\nDisallow: /private\n", "text/plain")
    home.routes["/jobs"] = lambda h: send(h, 200, page("Jobs", '<a href="/moved">a job</a>'))
    home.routes["/moved"] = lambda h: send(h, 302, b"", headers={"Location": "/private/secret"})
    home.routes["/private/secret"] = lambda h: send(h, 200, page("Secret", "<p>Salary: £99,000</p>"))
    result = _crawl(base + "/jobs", tmp_path, max_depth=1)
    assert "/private/secret" not in home.paths(), "the hop was checked against robots.txt and never requested"
    row = _log(result, base)["/moved"]
    assert row["redirects"] == [base + "/private/secret"] and "disallowed by robots.txt" in str(row["refused"])
    assert [d.url for d in result.documents] == [base + "/jobs"]
    assert any(r.url == base + "/moved" and "refused" in r.reason for r in result.rejects)


def test_a_redirect_to_a_foreign_host_is_not_followed(sites: tuple[Site, str, Site, str], tmp_path: Path) -> None:
    home, base, foreign, foreign_base = sites
    home.routes["/jobs"] = lambda h: send(h, 200, page("Jobs", '<a href="/away">a job</a>'))
    home.routes["/away"] = lambda h: send(h, 301, b"", headers={"Location": foreign_base + "/latest/meta-data"})
    foreign.routes["/latest/meta-data"] = lambda h: send(h, 200, b"secret", "text/plain")
    result = _crawl(base + "/jobs", tmp_path, max_depth=1)
    assert foreign.log == [], "nothing was requested from the foreign host"
    row = _log(result, base)["/away"]
    assert "outside the source's domains" in str(row["refused"]) and row["final_url"] is None


def test_a_foreign_private_host_is_refused_even_inside_the_allowed_domains(
    sites: tuple[Site, str, Site, str], tmp_path: Path
) -> None:
    home, base, foreign, foreign_base = sites
    home.routes["/jobs"] = lambda h: send(h, 200, page("Jobs", f'<a href="{foreign_base}/jobs">partner</a>'))
    foreign.routes["/jobs"] = lambda h: send(h, 200, page("Partner", ""))
    result = _crawl(base + "/jobs", tmp_path, max_depth=1, allowed_domains=("127.0.0.1", "127.0.0.2"))
    assert foreign.log == [], "only the source's own start host may be on a loopback address"
    row = _log(result, "")[foreign_base + "/jobs"]
    assert "loopback address" in str(row["refused"])


def test_a_link_to_a_link_local_address_is_refused(sites: tuple[Site, str, Site, str], tmp_path: Path) -> None:
    home, base, _, _ = sites
    home.routes["/jobs"] = lambda h: send(h, 200, page("Jobs", '<a href="http://169.254.169.254/latest/">x</a>'))
    result = _crawl(base + "/jobs", tmp_path, max_depth=1, allowed_domains=("127.0.0.1", "169.254.169.254"))
    row = _log(result, "")["http://169.254.169.254/latest/"]
    assert "link-local address" in str(row["refused"]) and row["attempts"] == 0


def test_redirects_within_the_site_are_followed_and_logged(sites: tuple[Site, str, Site, str], tmp_path: Path) -> None:
    home, base, _, _ = sites
    home.routes["/jobs"] = lambda h: send(h, 301, b"", headers={"Location": "/vacancies/"})
    home.routes["/vacancies/"] = lambda h: send(h, 200, page("Vacancies", '<a href="advert">an advert</a>'))
    home.routes["/vacancies/advert"] = lambda h: send(h, 200, page("Advert", ""))
    result = _crawl(base + "/jobs", tmp_path, max_depth=1)
    row = _log(result, base)["/jobs"]
    assert row["final_url"] == base + "/vacancies/" and row["redirects"] == [base + "/vacancies/"]
    assert "/vacancies/advert" in home.paths(), "relative links resolve against the page's final URL"


def _hang(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(1.0)  # longer than the read timeout


def test_a_bad_host_is_deferred_after_a_few_failures(sites: tuple[Site, str, Site, str], tmp_path: Path) -> None:
    home, base, _, _ = sites
    links = "".join(f'<a href="/slow/{n}">advert {n}</a>' for n in range(8))
    home.routes["/jobs"] = lambda h: send(h, 200, page("Jobs", links))
    for n in range(8):
        home.routes[f"/slow/{n}"] = _hang
    started = time.monotonic()
    result = _crawl(base + "/jobs", tmp_path, max_depth=1, defer_after=3)
    took = time.monotonic() - started
    slow = [p for p in home.paths() if p.startswith("/slow/")]
    assert len(slow) == 3, "three timeouts in a row, then the host waits for the next run"
    deferred = [r for r in result.rejects if "deferred" in r.reason]
    assert len(deferred) == 7 and not any(r.gone for r in result.rejects), "deferred pages are carried, not gone"
    assert took < 8 * FAST.max_attempts * FAST.read_timeout


def test_a_url_has_a_total_time_budget(sites: tuple[Site, str, Site, str], tmp_path: Path) -> None:
    home, base, _, _ = sites
    home.routes["/jobs"] = _hang
    settings = FetchSettings(connect_timeout=0.5, read_timeout=0.6, max_attempts=10, backoff_base=0.5, url_budget=1.5)
    result = _crawl(base + "/jobs", tmp_path, settings=settings, defer_after=99)
    row = _log(result, base)["/jobs"]
    assert "time budget" in str(row["error"]) and float(str(row["elapsed"])) < 2.5
    assert int(str(row["attempts"])) < 10


ADDRESSES = [
    ("127.0.0.1", "loopback"),
    ("10.1.2.3", "private"),
    ("192.168.0.10", "private"),
    ("169.254.169.254", "link-local"),
    ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::1", "loopback"),
    ("::ffff:10.0.0.1", "private"),
    ("fe80::1", "link-local"),
    ("8.8.8.8", None),
]


@pytest.mark.parametrize(("address", "kind"), ADDRESSES)
def test_which_addresses_are_refused(address: str, kind: str | None) -> None:
    assert forbidden_kind(address) == kind


def test_exempt_hosts_are_exact_host_and_port() -> None:
    assert refusal("http://127.0.0.1:8080/jobs", {"127.0.0.1:8080"}) is None
    assert "loopback" in str(refusal("http://127.0.0.1:8081/jobs", {"127.0.0.1:8080"}))
