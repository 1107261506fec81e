"""Politeness: robots.txt (read once per host per run, Crawl-delay honoured), a minimum delay between
requests to one host, a cap on concurrent requests per host, and a host deferred for the rest of the run after
a few consecutive timeouts or connection failures (so that one bad host cannot hold the night)."""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipeline.acquire.addresses import refusal
from pipeline.acquire.http import Fetcher, FetchSettings


@dataclass(frozen=True)
class Politeness:
    """Per-host limits; robots.txt may ask for a longer delay, never a shorter one."""

    min_delay: float = 2.0  # seconds between the starts of two requests to one host
    max_concurrency: int = 1  # requests in flight to one host at once
    obey_robots: bool = True
    defer_after: int = 3  # consecutive timeouts or connection failures after which a host waits for the next run


class HostGate:
    """Serialises access to one host: at most N requests in flight, and a minimum gap between starts."""

    def __init__(self, delay: float, concurrency: int) -> None:
        self.delay = delay
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._next_start = 0.0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for a free slot and this host's next permitted start time."""
        with self._slots:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + self.delay
            if start > now:
                time.sleep(start - now)
            yield


class HostPolicies:
    """Robots rules and gates for every host of a run; robots.txt is fetched once per host."""

    def __init__(self, fetcher: Fetcher, politeness: Politeness) -> None:
        self.fetcher = fetcher
        self.politeness = politeness
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._gates: dict[str, HostGate] = {}
        self._lock = threading.Lock()
        self.robots_fetches: list[str] = []
        self._failures: dict[str, int] = {}  # host -> consecutive timeouts or connection failures
        self.deferred_hosts: set[str] = set()

    def _host(self, url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc.lower()}"

    def note(self, url: str, failed: bool) -> None:
        """Count a host's consecutive timeouts and connection failures; defer it after `defer_after` of them."""
        host = self._host(url)
        with self._lock:
            self._failures[host] = self._failures.get(host, 0) + 1 if failed else 0
            if failed and self._failures[host] >= self.politeness.defer_after:
                self.deferred_hosts.add(host)

    def deferred(self, url: str) -> str | None:
        """Why the URL's host waits for the next run, or None."""
        if self._host(url) in self.deferred_hosts:
            limit = self.politeness.defer_after
            return f"host deferred to the next run after {limit} consecutive timeouts or connection failures"
        return None

    def _rules(self, host: str, exempt: frozenset[str]) -> urllib.robotparser.RobotFileParser | None:
        with self._lock:
            if host in self._robots:
                return self._robots[host]
            self._robots[host] = None  # reserve: other threads wait on the gate below
        parser: urllib.robotparser.RobotFileParser | None = None
        if self.politeness.obey_robots:
            result = self.fetcher.fetch(f"{host}/robots.txt", guard=_RobotsGuard(self, host, exempt))
            self.robots_fetches.append(host)
            parser = urllib.robotparser.RobotFileParser()
            if result.ok:
                parser.parse(result.body.decode("utf-8", "replace").splitlines())
            elif result.status in (401, 403):
                parser.parse(["User-agent: *", "Disallow: /"])  # robots.txt behind auth means keep out
            else:
                parser.parse([])  # no robots.txt (404) or unreachable: nothing is disallowed
        with self._lock:
            self._robots[host] = parser
        return parser

    def _gate_for(self, host: str, parser: urllib.robotparser.RobotFileParser | None) -> HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = HostGate(self.politeness.min_delay, self.politeness.max_concurrency)
                self._gates[host] = gate
            if parser is not None:
                crawl_delay = parser.crawl_delay(self.fetcher.settings.user_agent)
                if crawl_delay is not None and float(crawl_delay) > gate.delay:
                    gate.delay = float(crawl_delay)
            return gate

    def allowed(self, url: str, exempt: frozenset[str] = frozenset()) -> bool:
        """True when the host's robots.txt lets our user agent fetch the URL (`exempt`: see addresses)."""
        parser = self._rules(self._host(url), exempt)
        return parser is None or parser.can_fetch(self.fetcher.settings.user_agent, url)

    def gate(self, url: str, exempt: frozenset[str] = frozenset()) -> HostGate:
        """The host's gate (its delay raised to the robots.txt Crawl-delay when that is longer)."""
        host = self._host(url)
        return self._gate_for(host, self._rules(host, exempt))


class _RobotsGuard:
    """robots.txt is fetched from its own host only (a redirect elsewhere is refused), through the host's gate."""

    def __init__(self, policies: HostPolicies, host: str, exempt: frozenset[str]) -> None:
        self.policies = policies
        self.host = host
        self.exempt_hosts = exempt

    def check(self, url: str) -> str | None:
        if self.policies._host(url) != self.host:
            return f"robots.txt redirected to another host ({urlsplit(url).netloc})"
        return refusal(url, self.exempt_hosts) or self.policies.deferred(url)

    def slot(self, url: str) -> AbstractContextManager[None]:
        return self.policies._gate_for(self.host, None).slot()

    def exempt(self) -> frozenset[str]:
        return self.exempt_hosts

    def note(self, url: str, failed: bool) -> None:
        self.policies.note(url, failed)


_RUNS: dict[str, tuple[Fetcher, HostPolicies]] = {}
_RUNS_LOCK = threading.Lock()


def for_run(token: str, politeness: Politeness, max_bytes: int | None = None) -> tuple[Fetcher, HostPolicies]:
    """The fetcher and host policies shared by every source of one run, so that two sources on one host
    share its limits and its robots.txt is read once. `max_bytes`: the limit on one body."""
    with _RUNS_LOCK:
        if token not in _RUNS:
            fetcher = Fetcher(FetchSettings(max_bytes=max_bytes) if max_bytes else FetchSettings())
            _RUNS[token] = (fetcher, HostPolicies(fetcher, politeness))
        return _RUNS[token]


def end_run(token: str) -> None:
    """Forget a finished run's hosts."""
    with _RUNS_LOCK:
        _RUNS.pop(token, None)
