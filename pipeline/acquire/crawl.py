"""Crawl a source's web pages: start URLs and sitemaps, links inside the allowed domains to a depth limit,
polite per host, conditional re-fetching, and a log row for every URL attempted."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from pipeline.acquire.addresses import host_key, refusal
from pipeline.acquire.feeds import item_document, read_feed
from pipeline.acquire.http import Fetcher, FetchResult
from pipeline.acquire.local import Reject
from pipeline.acquire.politeness import HostPolicies
from pipeline.acquire.rawstore import RawStore
from pipeline.documents import RawDocument

_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|ref_src)$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class CrawlSpec:
    """Where a source's pages are and how far to go."""

    start_urls: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()  # regexes; a link is followed when its URL matches one
    follow_selectors: tuple[str, ...] = ()  # CSS selectors; a link is followed when its <a> matches one
    # With neither follow rule, every link inside the allowed domains is followed.
    sitemap: str | None = None
    max_depth: int = 2
    max_pages: int = 500
    # A page seen before is not requested again while its linking page is unchanged (304) and it was
    # checked within this many days; it is reused as unchanged. Start pages are always requested.
    revisit_days: float = 7.0
    feeds: tuple[str, ...] = ()  # RSS/Atom/ATS feeds; each item becomes a document (see feeds.py)
    follow_feed_links: bool = False  # also crawl each item's link for the full advert (depth 0)


@dataclass
class CrawlResult:
    """Documents fetched (changed), documents unchanged since the last run, rejects and the fetch log."""

    documents: list[RawDocument] = field(default_factory=list)
    unchanged: list[RawDocument] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)


def normalise_url(url: str, base: str | None = None) -> str | None:
    """Absolute http(s) URL without fragment, tracking parameters or default port, host in lower case."""
    absolute = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(absolute)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    port = f":{parts.port}" if parts.port and parts.port != _DEFAULT_PORTS[scheme] else ""
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((scheme, f"{host}{port}", parts.path or "/", query, ""))


def in_domains(url: str, domains: Iterable[str]) -> bool:
    """True when the URL's host is one of the domains or a subdomain of one."""
    host = urlsplit(url).hostname or ""
    return any(host == d or host.endswith("." + d) for d in domains)


def _links(body: bytes, base: str, selectors: tuple[str, ...] = ()) -> tuple[list[str], set[str]]:
    """(every link of the page, the links picked by the CSS selectors), absolute and normalised."""
    try:
        root = lxml.html.fromstring(body)
    except (etree.ParserError, ValueError):
        return [], set()
    found = [u for u in (normalise_url(str(href), base) for href in root.xpath("//a/@href")) if u]
    picked: set[str] = set()
    for selector in selectors:
        for element in root.cssselect(selector):
            anchors = [element] if element.tag == "a" else list(element.iter("a"))
            picked.update(u for a in anchors if (u := normalise_url(a.get("href") or "", base)))
    return found, picked


def _sitemap_urls(body: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) of a sitemap or sitemap index."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return [], []
    locs = [str(loc.text).strip() for loc in root.iter("{*}loc") if loc.text]
    is_index = etree.QName(root).localname == "sitemapindex"
    return ([], locs) if is_index else (locs, [])


class SourceGuard:
    """What every URL and redirect hop of one source's crawl must pass before it is requested: the source's
    domains, a public address (or one of the source's own start hosts), a host not deferred, robots.txt."""

    def __init__(self, policies: HostPolicies, domains: tuple[str, ...], start_urls: tuple[str, ...]) -> None:
        self.policies = policies
        self.domains = domains
        # Start hosts on a private or loopback address (a local test site, an intranet) are the operator's
        # choice: those exact hosts, and only they, may be connected to.
        self._exempt = frozenset(host_key(u) for u in start_urls if _private(u))
        self._addresses: dict[str, str | None] = {}

    def check(self, url: str) -> str | None:
        """Why the URL may not be requested, or None."""
        if not in_domains(url, self.domains):
            return f"outside the source's domains ({urlsplit(url).hostname})"
        key = host_key(url)
        if key not in self._addresses:
            self._addresses[key] = refusal(url, self._exempt)
        reason = self._addresses[key] or self.policies.deferred(url)
        if reason:
            return reason
        return None if self.policies.allowed(url, self._exempt) else "disallowed by robots.txt"

    def slot(self, url: str) -> AbstractContextManager[None]:
        """The host's gate."""
        return self.policies.gate(url, self._exempt).slot()

    def exempt(self) -> frozenset[str]:
        """The source's start hosts that are on a private or loopback address."""
        return self._exempt

    def note(self, url: str, failed: bool) -> None:
        """Count the host's consecutive failures (see HostPolicies.note)."""
        self.policies.note(url, failed)


def _private(url: str) -> bool:
    """True when the URL's host resolves to an address a crawl may not otherwise connect to."""
    reason = refusal(url, ())
    return bool(reason and "does not resolve" not in reason)


class Crawler:
    """Crawls one source with a shared fetcher and host policies."""

    def __init__(
        self,
        source_id: str,
        spec: CrawlSpec,
        fetcher: Fetcher,
        policies: HostPolicies,
        store: RawStore,
        employer: str | None = None,
        workers: int = 8,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.source_id = source_id
        self.progress = progress  # told how the crawl is going every PROGRESS_EVERY pages and at each depth
        self.spec = spec
        self.fetcher = fetcher
        self.policies = policies
        self.store = store
        self.employer = employer
        self.workers = workers
        self.previous = store.previous(source_id)
        self.domains = spec.allowed_domains or tuple(
            urlsplit(u).hostname or "" for u in (*spec.start_urls, *spec.feeds)
        )
        self.follow = [re.compile(p) for p in spec.follow]
        self.guard = SourceGuard(policies, self.domains, (*spec.start_urls, *spec.feeds))
        self.bases: dict[str, str] = {}  # URL -> the URL it redirected to

    def _log(
        self, result: CrawlResult, url: str, fetched: FetchResult | None, error: str | None, from_cache: bool = False
    ) -> None:
        result.log.append(
            {
                "url": url,
                "source_id": self.source_id,
                "status": fetched.status if fetched else None,
                "bytes": len(fetched.body) if fetched else 0,
                "elapsed": fetched.elapsed if fetched else 0.0,
                "attempts": fetched.attempts if fetched else 0,
                "from_cache": from_cache,
                "error": error,
                "final_url": fetched.final_url if fetched else None,
                "redirects": list(fetched.redirects) if fetched and fetched.redirects else None,
                "refused": fetched.refused if fetched else None,
                "fetched_at": dt.datetime.now(dt.UTC).replace(microsecond=0),
            }
        )

    def _report(self, result: CrawlResult, depth: int, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(
                f"{self.source_id}: depth {depth}, {done}/{total} pages of this depth; so far "
                f"{len(result.documents)} changed, {len(result.unchanged)} unchanged, {len(result.rejects)} failed"
            )

    def _get(self, url: str) -> FetchResult:
        previous = self.previous.get(url)
        return self.fetcher.fetch(
            url, previous.etag if previous else None, previous.last_modified if previous else None, self.guard
        )

    def _recent(self, previous: RawDocument) -> bool:
        age = dt.datetime.now(dt.UTC) - previous.fetched_at
        return age <= dt.timedelta(days=self.spec.revisit_days)

    def _visit(self, url: str, result: CrawlResult, parent_unchanged: bool) -> tuple[bytes | None, bool]:
        """Fetch one page and record it; returns (its body for link-following, whether it is unchanged)."""
        previous = self.previous.get(url)
        if parent_unchanged and previous is not None and self._recent(previous):
            self._log(result, url, None, None, from_cache=True)  # not requested: nothing points to a change
            result.unchanged.append(previous)
            return self.store.read(previous.raw_path), True
        fetched = self._get(url)
        if fetched.not_modified and previous is not None:
            self._log(result, url, fetched, None, from_cache=True)
            checked = replace(previous, fetched_at=dt.datetime.now(dt.UTC).replace(microsecond=0))
            self.store.record(checked)  # validated now: the revisit clock starts again
            result.unchanged.append(checked)
            return self.store.read(previous.raw_path), True
        if not fetched.ok:
            self._failed(result, url, fetched)
            return None, False
        self._log(result, url, fetched, None)
        if fetched.final_url and fetched.final_url != url:
            self.bases[url] = fetched.final_url  # its relative links are relative to where it was found
        content_type = "text/plain" if (fetched.content_type or "").startswith("text/plain") else "text/html"
        self._keep(result, url, fetched.body, content_type, fetched)
        return fetched.body, False

    def _failed(self, result: CrawlResult, url: str, fetched: FetchResult) -> None:
        """Log a URL that gave no page and reject it (a 404 or 410 is gone; anything else is carried forward)."""
        self._log(result, url, fetched, fetched.error)
        reason = fetched.error or f"HTTP {fetched.status}"
        result.rejects.append(Reject(self.source_id, url, "fetch", reason, gone=fetched.status in (404, 410)))

    def _keep(
        self, result: CrawlResult, url: str, body: bytes, content_type: str, fetched: FetchResult | None = None
    ) -> None:
        """Snapshot a document into raw/ and add it to the crawl's changed documents."""
        sha, relative = self.store.put(body)
        document = RawDocument(
            self.source_id,
            url,
            sha,
            relative,
            dt.datetime.now(dt.UTC).replace(microsecond=0),
            content_type,
            len(body),
            self.employer,
            etag=fetched.etag if fetched else None,
            last_modified=fetched.last_modified if fetched else None,
        )
        self.store.record(document)
        result.documents.append(document)

    def _sitemap_pages(self, result: CrawlResult) -> list[str]:
        pages: list[str] = []
        queue = [self.spec.sitemap] if self.spec.sitemap else []
        seen: set[str] = set()
        while queue and len(seen) < 20:
            url = normalise_url(queue.pop(0) or "")
            if not url or url in seen:
                continue
            seen.add(url)
            fetched = self.fetcher.fetch(url, guard=self.guard)
            self._log(result, url, fetched, fetched.error)
            if fetched.ok:
                found, nested = _sitemap_urls(fetched.body)
                pages.extend(found)
                queue.extend(nested)
        return pages

    def _feed_documents(self, result: CrawlResult) -> list[str]:
        """Read the source's feeds: one document per item (its structured fields as a JobPosting); returns the
        items' links, to crawl when `follow_feed_links` is set."""
        links: list[str] = []
        for feed_url in self.spec.feeds:
            url = normalise_url(feed_url) or feed_url
            fetched = self.fetcher.fetch(url, guard=self.guard)
            if not fetched.ok:
                self._failed(result, url, fetched)
                continue
            self._log(result, url, fetched, None)
            self.store.put(fetched.body)  # the feed as it was read, for provenance
            for number, item in enumerate(read_feed(fetched.body), 1):
                link = normalise_url(item.link, url) if item.link and "://" in item.link else None
                if link and in_domains(link, self.domains):
                    links.append(link)
                self._keep(
                    result, f"{link or url}#feed-item-{item.reference or number}", item_document(item), "text/html"
                )
        return links if self.spec.follow_feed_links else []

    def _wanted(self, url: str, picked: set[str]) -> bool:
        if not in_domains(url, self.domains):
            return False
        if not self.follow and not self.spec.follow_selectors:
            return True
        return url in picked or any(p.search(url) for p in self.follow)

    def _next_level(self, url: str, body: bytes) -> list[str]:
        links, picked = _links(body, self.bases.get(url, url), self.spec.follow_selectors)
        return [link for link in links if self._wanted(link, picked)]

    def run(self) -> CrawlResult:
        """Crawl breadth first: start URLs and sitemap pages at depth 0, their links at depth 1, ..."""
        result = CrawlResult()
        feed_links = self._feed_documents(result)
        listed = (*self.spec.start_urls, *self._sitemap_pages(result), *feed_links)
        starts = list(dict.fromkeys(u for u in (normalise_url(s) for s in listed) if u))
        level: list[tuple[str, bool]] = [(u, False) for u in starts]  # (url, its linking page was unchanged)
        seen: set[str] = set()
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for depth in range(self.spec.max_depth + 1):
                pending: dict[str, bool] = {}  # url -> every page linking to it was unchanged
                for url, parent_unchanged in level:
                    if url not in seen and in_domains(url, self.domains):
                        pending[url] = pending.get(url, True) and parent_unchanged
                todo = _interleave_hosts(list(pending.items()))
                todo = todo[: max(0, self.spec.max_pages - len(seen))]
                seen.update(u for u, _ in todo)
                visited = []
                for item in pool.map(lambda item: (item[0], *self._visit(item[0], result, item[1])), todo):
                    visited.append(item)
                    if len(visited) % PROGRESS_EVERY == 0 or len(visited) == len(todo):
                        self._report(result, depth, len(visited), len(todo))
                level = [
                    (link, unchanged)
                    for url, body, unchanged in visited
                    if body is not None and depth < self.spec.max_depth
                    for link in self._next_level(url, body)
                ]
                if not level:
                    break
        return result


PROGRESS_EVERY = 100


def _interleave_hosts(items: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Round-robin the URLs over their hosts, so the workers spread over hosts instead of queueing on one."""
    by_host: dict[str, list[tuple[str, bool]]] = {}
    for item in items:
        by_host.setdefault(urlsplit(item[0]).netloc, []).append(item)
    queues = list(by_host.values())
    return [q[i] for i in range(max((len(q) for q in queues), default=0)) for q in queues if i < len(q)]
