"""HTTP fetching: one session per worker thread, timeouts, a body cap on the decoded stream, a redirect
limit, conditional requests, and retries with exponential backoff and jitter for transient failures only.

This is the only retry layer for web pages: flows do not retry crawl tasks again.
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from dataclasses import dataclass, field

import requests


def user_agent() -> str:
    """Our User-Agent: the project, and the operator's contact from PIPELINE_CRAWLER_CONTACT."""
    contact = os.environ.get("PIPELINE_CRAWLER_CONTACT", "contact not set: PIPELINE_CRAWLER_CONTACT")
    return f"childrens-services-recruitment-pipeline/0.1 (research crawler; +{contact})"


TRANSIENT_STATUS = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class FetchSettings:
    """How politely and patiently to fetch."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_bytes: int = 5_000_000  # counted on the decoded (decompressed) body
    max_redirects: int = 5
    max_attempts: int = 4
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
    history: list[int] = field(default_factory=list)

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
            session.max_redirects = self.settings.max_redirects
            self._local.session = session
        return session

    def _read_body(self, response: requests.Response) -> bytes:
        chunks: list[bytes] = []
        total = 0
        # Small reads: a compressed chunk expands at most this chunk size times the compression ratio.
        for chunk in response.iter_content(chunk_size=16384, decode_unicode=False):
            total += len(chunk)
            if total > self.settings.max_bytes:
                raise BodyTooLarge(f"body larger than {self.settings.max_bytes} bytes after decoding")
            chunks.append(chunk)
        return b"".join(chunks)

    def _backoff(self, attempt: int, response: requests.Response | None) -> float:
        wait = _retry_after(response)
        if wait is None:
            wait = min(self.settings.backoff_cap, self.settings.backoff_base * 2 ** (attempt - 1))
            wait += random.uniform(0, wait / 2)
        return min(wait, self.settings.backoff_cap) * self._sleep_scale

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET a URL; retries connection errors, timeouts, 429, 502, 503 and 504, never other 4xx/5xx."""
        result = FetchResult(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        start = time.monotonic()
        for attempt in range(1, self.settings.max_attempts + 1):
            result.attempts = attempt
            result.error = None
            response: requests.Response | None = None
            try:
                response = self._session().get(
                    url,
                    headers=headers,
                    stream=True,
                    allow_redirects=True,
                    timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                )
                result.status = response.status_code
                result.history = [r.status_code for r in response.history]
                if response.status_code in TRANSIENT_STATUS and attempt < self.settings.max_attempts:
                    response.close()
                    time.sleep(self._backoff(attempt, response))
                    continue
                result.final_url = response.url
                result.content_type = response.headers.get("Content-Type")
                result.etag = response.headers.get("ETag")
                result.last_modified = response.headers.get("Last-Modified")
                if 200 <= response.status_code < 300:
                    result.body = self._read_body(response)
                elif response.status_code != 304:
                    result.error = f"HTTP {response.status_code}"
                break
            except requests.TooManyRedirects:
                result.error = f"more than {self.settings.max_redirects} redirects"
                break
            except BodyTooLarge as exc:
                result.error = str(exc)
                break
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                if attempt < self.settings.max_attempts:
                    time.sleep(self._backoff(attempt, None))
                    continue
                break
            finally:
                if response is not None:
                    response.close()
        if result.status in TRANSIENT_STATUS and result.error is None:
            result.error = f"HTTP {result.status} after {result.attempts} attempts"
        result.elapsed = round(time.monotonic() - start, 3)
        return result
