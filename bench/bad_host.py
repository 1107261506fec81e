"""A night with one bad host beside a healthy one: how long the crawl takes, and what the bad host costs.

Serves a healthy council site on 127.0.0.2 (N adverts, 20 ms latency) and a bad one on 127.0.0.3 whose adverts
never answer within the read timeout, then crawls both as two sources of one run with the production fetch
settings (5 s connect and 20 s read timeouts, 4 attempts, 60 s per URL) unless told otherwise, and prints, in
one run:
  - the night's wall time with the bad host, and with the healthy host alone;
  - what the bad host would have cost without deferral (every advert tried to the attempt cap, one at a time);
  - the ratio of the night with the bad host to the healthy night.
Only loopback addresses are used. Usage: python bench/bad_host.py [--pages N] [--read-timeout S]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pipeline.acquire.crawl import Crawler, CrawlSpec
from pipeline.acquire.http import Fetcher, FetchSettings
from pipeline.acquire.politeness import HostPolicies, Politeness
from pipeline.acquire.rawstore import RawStore


def _site(host: str, pages: int, hang: float | None) -> ThreadingHTTPServer:
    links = "".join(f'<li><a href="/p/{i}">Residential Support Worker {i}</a></li>' for i in range(pages))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/p/") and hang is not None:
                time.sleep(hang)  # longer than the read timeout: the client gives up first
                return
            time.sleep(0.02)
            body = (
                f"<html><body><ul>{links}</ul></body></html>"
                if self.path == "/list"
                else "<html><body><h1>Residential Support Worker</h1><p>Salary: £25,000</p></body></html>"
            ).encode()
            status = 404 if self.path == "/robots.txt" else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _night(starts: list[str], settings: FetchSettings, scratch: Path) -> tuple[float, int, int]:
    """Crawl the sources in parallel, as a night does; (seconds, pages fetched, pages deferred)."""
    fetcher = Fetcher(settings)
    policies = HostPolicies(fetcher, Politeness(min_delay=0.0, max_concurrency=1))
    results = []

    def crawl(i: int, start: str) -> None:
        spec = CrawlSpec(start_urls=(start,), max_depth=1)
        results.append(Crawler(f"source-{i}", spec, fetcher, policies, RawStore(scratch / str(i))).run())

    started = time.monotonic()
    threads = [threading.Thread(target=crawl, args=(i, s)) for i, s in enumerate(starts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    fetched = sum(len(r.documents) for r in results)
    deferred = sum(1 for r in results for reject in r.rejects if "deferred" in reject.reason)
    return seconds, fetched, deferred


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="adverts on each site")
    parser.add_argument("--read-timeout", type=float, default=20.0)
    args = parser.parse_args()
    settings = FetchSettings(read_timeout=args.read_timeout)
    healthy = _site("127.0.0.2", args.pages, None)
    bad = _site("127.0.0.3", args.pages, args.read_timeout + 5)
    starts = [f"http://{s.server_address[0]!s}:{s.server_address[1]}/list" for s in (healthy, bad)]
    with tempfile.TemporaryDirectory() as scratch:
        alone, fetched_alone, _ = _night(starts[:1], settings, Path(scratch) / "alone")
        both, fetched_both, deferred = _night(starts, settings, Path(scratch) / "both")
    undeferred = args.pages * settings.max_attempts * settings.read_timeout
    print(
        f"sites: {args.pages} adverts on a healthy host and {args.pages} on a host that never answers; read timeout "
        f"{args.read_timeout:g} s, {settings.max_attempts} attempts, {settings.url_budget:g} s per URL"
    )
    print(f"healthy host alone:           {alone:.1f} s ({fetched_alone} pages)")
    print(f"healthy host beside bad host: {both:.1f} s ({fetched_both} pages; {deferred} bad-host pages deferred)")
    print(f"bad host without deferral would take at least {undeferred:,.0f} s (every advert to the attempt cap)")
    print(f"night with the bad host / healthy night: {both / alone:.2f}x")
    healthy.shutdown()
    bad.shutdown()


if __name__ == "__main__":
    main()
