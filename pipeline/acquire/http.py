"""HTTP fetching: one session per worker thread, timeouts and a total time budget per URL, a body cap on the
decoded stream, redirects followed one hop at a time (each hop checked like a new URL by the caller's guard:
robots.txt, allowed domains, the host's address and its gate), conditional requests, and retries with
exponential backoff and jitter for transient failures only.

This is the only retry layer for web pages: flows do not retry crawl tasks again.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import random
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin

import requests

from pipeline.acquire.addresses import REFUSED, GuardedAdapter, exempting


def user_agent() -> str:
    """Our User-Agent: the project, and the operator's contact from PIPELINE_CRAWLER_CONTACT."""
    contact = os.environ.get("PIPELINE_CRAWLER_CONTACT", "contact not set: PIPELINE_CRAWLER_CONTACT")
    return f"childrens-services-recruitment-pipeline/0.1 (research crawler; +{contact})"


# Retried with backoff, up to the attempt cap: a 500 that succeeds on the second try is common.
TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchSettings:
    """How politely and patiently to fetch."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_bytes: int = 5_000_000  # counted on the decoded (decompressed) body
    max_redirects: int = 5
    max_attempts: int = 4
    url_budget: float = 60.0  # seconds for one URL: every hop, attempt and wait
    backoff_base: float = 0.5  # seconds; doubled each attempt, plus jitter
    backoff_cap: float = 30.0
    user_agent: str = field(default_factory=user_agent)


@dataclass
class FetchResult:
    """What one URL gave: body and validators, or the reason it failed."""

    url: str
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    attempts: int = 0
    elapsed: float = 0.0
    error: str | None = None
    history: list[int] = field(default_factory=list)  # status of each redirect hop
    redirects: list[str] = field(default_factory=list)  # URLs redirected to, in order (the last is final_url)
    refused: str | None = None  # why a URL or redirect hop was not requested (robots, domains, address, host)

    @property
    def not_modified(self) -> bool:
        """True for a 304: the stored snapshot is still current."""
        return self.status == 304

    @property
    def ok(self) -> bool:
        """True for a 2xx response with its body read in full."""
        return self.error is None and self.status is not None and 200 <= self.status < 300


class BodyTooLarge(Exception):
    """The decoded body passed the size cap."""


def _retry_after(response: requests.Response | None) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    parsed = email.utils.parsedate_to_datetime(value)
    return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class Guard(Protocol):
    """What a fetch asks of its caller for every URL and redirect hop."""

    def check(self, url: str) -> str | None:
        """Why the URL may not be requested (robots.txt, domains, address, a deferred host), or None."""

    def slot(self, url: str) -> AbstractContextManager[None]:
        """The URL's host gate: wait for a free slot and the host's next permitted start."""

    def exempt(self) -> frozenset[str]:
        """The exact hosts that may be connected to whatever their address (the source's own start hosts)."""

    def note(self, url: str, failed: bool) -> None:
        """One attempt on the URL's host ended: `failed` for a timeout or connection failure."""


class Open:
    """A guard that checks no URL itself: connections still refuse private and loopback addresses, except the
    exact hosts (host:port) given here (for callers that vet URLs themselves, and for tests)."""

    def __init__(self, exempt: frozenset[str] = frozenset()) -> None:
        self.exempt_hosts = exempt

    def check(self, url: str) -> str | None:
        """Nothing is refused before the connection."""
        return None

    def slot(self, url: str) -> AbstractContextManager[None]:
        """No gate."""
        return contextlib.nullcontext()

    def exempt(self) -> frozenset[str]:
        """The exact hosts that may be on a private address."""
        return self.exempt_hosts

    def note(self, url: str, failed: bool) -> None:
        """Failures are not counted."""


OPEN = Open()


class Fetcher:
    """Fetches URLs with one requests.Session per thread."""

    def __init__(self, settings: FetchSettings | None = None, sleep: float = 1.0) -> None:
        self.settings = settings or FetchSettings()
        self._local = threading.local()
        self._sleep_scale = sleep  # tests may shrink waits; 1.0 in production

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.settings.user_agent
            for scheme in ("http://", "https://"):
                session.mount(scheme, GuardedAdapter())
            self._local.session = session
        return session

    def _read_body(self, response: requests.Response) -> bytes:
        chunks: list[bytes] = []
        total = 0
        # Small reads: a compressed chunk expands at most this chunk size times the compression ratio.
        for chunk in response.iter_content(chunk_size=16384, decode_unicode=False):
            total += len(chunk)
            if total > self.settings.max_bytes:
                raise BodyTooLarge(f"body over max_bytes ({self.settings.max_bytes:,} bytes after decoding)")
            chunks.append(chunk)
        return b"".join(chunks)

    def _backoff(self, attempt: int, response: requests.Response | None) -> float:
        wait = _retry_after(response)
        if wait is None:
            wait = min(self.settings.backoff_cap, self.settings.backoff_base * 2 ** (attempt - 1))
            wait += random.uniform(0, wait / 2)
        return min(wait, self.settings.backoff_cap) * self._sleep_scale

    def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None, guard: Guard = OPEN
    ) -> FetchResult:
        """GET a URL, following redirects one hop at a time; every URL and hop must pass the guard first.

        Retries connection errors, timeouts, truncated bodies and 408, 429, 500, 502, 503, 504, 522, 524, never
        other 4xx/5xx, within the attempt cap and the URL's time budget."""
        result = FetchResult(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        start = time.monotonic()
        deadline = start + self.settings.url_budget
        current: str | None = url
        with exempting(guard.exempt()):
            for hop in range(self.settings.max_redirects + 1):
                assert current is not None
                refused = guard.check(current)
                if refused:
                    result.refused = refused
                    result.error = refused if hop == 0 else f"redirect to {current} refused: {refused}"
                    break
                current = self._hop(current, headers, result, deadline, guard)
                if current is None:
                    break
                if hop == self.settings.max_redirects:
                    result.error = f"more than {self.settings.max_redirects} redirects"
                    break
                result.redirects.append(current)
                headers = {}  # validators belong to the URL that was asked for, not to where it moved
        result.elapsed = round(time.monotonic() - start, 3)
        return result

    def _hop(self, url: str, headers: dict[str, str], result: FetchResult, deadline: float, guard: Guard) -> str | None:
        """Request one URL through its host's gate, retrying transient failures within the attempt cap and the
        time budget. Returns the URL a redirect points to (not yet checked or requested), or None when the
        fetch ended here: the result then holds the page, or the reason there is none."""
        with guard.slot(url):  # the body is read inside the slot too: the host's concurrency cap holds
            for attempt in range(1, self.settings.max_attempts + 1):
                refused = guard.check(url) if attempt == 1 else None  # the host may have been deferred meanwhile
                if refused:
                    result.refused, result.error = refused, refused
                    return None
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    result.error = f"time budget of {self.settings.url_budget:g} s used up"
                    return None
                result.attempts += 1
                outcome, response = self._attempt(url, headers, result, remaining, guard)
                if outcome == "redirect":
                    assert response is not None
                    result.history.append(response.status_code)
                    location = response.headers["Location"].strip()
                    response.close()
                    return urljoin(url, location)
                if outcome in ("done", "refused"):
                    return None
                last = attempt == self.settings.max_attempts or guard.check(url) is not None
                if last:
                    if response is not None:
                        result.error = f"HTTP {response.status_code} after {result.attempts} attempts"
                        response.close()
                    return None
                wait = self._backoff(attempt, response)
                if response is not None:
                    response.close()
                if time.monotonic() + wait >= deadline:
                    result.error = f"{result.error}; time budget of {self.settings.url_budget:g} s used up"
                    return None
                time.sleep(wait)
        return None

    def _attempt(
        self, url: str, headers: dict[str, str], result: FetchResult, remaining: float, guard: Guard
    ) -> tuple[str, requests.Response | None]:
        """One request: ("done", None) with the page or a lasting error in the result, ("redirect", response),
        ("retry", response or None) for a transient failure, or ("refused", None) for a refused address."""
        result.error = None
        try:
            response = self._session().get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(min(self.settings.connect_timeout, remaining), min(self.settings.read_timeout, remaining)),
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            text = str(exc)
            if REFUSED in text:
                result.refused = text[text.find(REFUSED) :].splitlines()[0][:200]
                result.error = result.refused
                return "refused", None
            result.error = f"{type(exc).__name__}: {text.splitlines()[0][:200]}"
            guard.note(url, failed=True)
            return "retry", None
        result.status = response.status_code
        guard.note(url, failed=False)
        if response.status_code in REDIRECT_STATUS and response.headers.get("Location"):
            return "redirect", response
        if response.status_code in TRANSIENT_STATUS:
            result.error = f"HTTP {response.status_code}"
            return "retry", response
        try:
            result.final_url = response.url
            result.content_type = response.headers.get("Content-Type")
            result.etag = response.headers.get("ETag")
            result.last_modified = response.headers.get("Last-Modified")
            if 200 <= response.status_code < 300:
                result.body = self._read_body(response)
            elif response.status_code != 304:
                result.error = f"HTTP {response.status_code}"
        except BodyTooLarge as exc:
            result.error = str(exc)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            result.body = b""  # a truncated body: asked for again
            result.final_url = None
            result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            return "retry", None
        finally:
            response.close()
        return "done", None
