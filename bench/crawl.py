"""Crawl throughput: our crawler against Scrapy on the same local site at the same politeness.

Serves N pages (default 2,000) from H hosts (default 20, each its own loopback address 127.0.0.2, ...)
with a fixed latency per response (default 50 ms), then times, in one run:
  - a full crawl by our crawler, and an unchanged second crawl (every page answers 304),
  - a full crawl by Scrapy with the same politeness (robots.txt obeyed, 1 request per host at a time,
    no delay), when Scrapy is installed (`pip install scrapy`; a benchmark-only dependency).
Prints pages per second, peak memory and the ratios. Only loopback addresses are used.
Usage: python bench/crawl.py [--pages N] [--hosts H] [--latency SECONDS]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipeline.acquire.crawl import Crawler, CrawlSpec
from pipeline.acquire.http import Fetcher
from pipeline.acquire.politeness import HostPolicies, Politeness
from pipeline.acquire.rawstore import RawStore


def _site(host: str, pages: int, latency: float) -> ThreadingHTTPServer:
    links = "".join(f'<li><a href="/p/{i}">Residential Support Worker {i}</a></li>' for i in range(pages))
    links_page = f"<html><body><ul>{links}</ul></body></html>".encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            time.sleep(latency)
            if self.path == "/robots.txt":
                body, etag = b"User-agent: *\nDisallow: /private\n", None
            else:
                etag = f'"{self.path}"'  # the site does not change between the two runs
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = (
                    links_page
                    if self.path == "/list"
                    else (
                        f"<html><body><h1>Residential Support Worker</h1><p>Salary: £25,000</p>"
                        f"<p>Closing date: 1 December 2025</p><p>{self.path}</p></body></html>"
                    ).encode()
                )
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _ours(starts: list[str], raw: Path, pages: int, hosts: int) -> tuple[float, int, int]:
    fetcher = Fetcher()
    policies = HostPolicies(fetcher, Politeness(min_delay=0.0, max_concurrency=1))
    spec = CrawlSpec(
        start_urls=tuple(starts),
        allowed_domains=tuple(s.split("//")[1].split(":")[0] for s in starts),
        follow=("/p/",),
        max_depth=1,
        max_pages=pages + hosts,
    )
    begin = time.perf_counter()
    result = Crawler("bench", spec, fetcher, policies, RawStore(raw), workers=hosts * 2).run()
    return time.perf_counter() - begin, len(result.documents), len(result.unchanged)


_SCRAPY = textwrap.dedent("""
    import json, sys, time
    import scrapy
    from scrapy.crawler import CrawlerProcess
    starts = json.loads(sys.argv[1])
    count = {"n": 0}
    class Bench(scrapy.Spider):
        name = "bench"
        start_urls = starts
        def parse(self, response):
            if response.url.endswith("/list"):
                for href in response.css("a::attr(href)").getall():
                    yield response.follow(href, self.parse)
            else:
                count["n"] += 1
    process = CrawlerProcess({"ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
                              "DOWNLOAD_DELAY": 0, "LOG_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
                              "RETRY_ENABLED": True, "COOKIES_ENABLED": False})
    begin = time.perf_counter()
    process.crawl(Bench)
    process.start()
    print(json.dumps({"seconds": time.perf_counter() - begin, "pages": count["n"]}))
""")


def _scrapy(starts: list[str]) -> dict[str, float] | None:
    try:
        import scrapy  # noqa: F401
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as scratch:  # Scrapy reads its callbacks' source: a file, not -c
        script = Path(scratch) / "scrapy_bench.py"
        script.write_text(_SCRAPY, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script), json.dumps(starts)], capture_output=True, text=True, timeout=900, check=False
        )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    per_host = args.pages // args.hosts
    servers = [_site(f"127.0.0.{i + 2}", per_host, args.latency) for i in range(args.hosts)]
    starts = [f"http://{s.server_address[0]!s}:{s.server_address[1]}/list" for s in servers]
    with tempfile.TemporaryDirectory() as scratch:
        full, fetched, _ = _ours(starts, Path(scratch), args.pages, args.hosts)
        again, _, unchanged = _ours(starts, Path(scratch), args.pages, args.hosts)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = per_host * args.hosts
    print(
        f"site: {pages} pages on {args.hosts} hosts, {args.latency * 1000:.0f} ms latency, 1 request per host "
        "at a time, robots.txt obeyed"
    )
    print(f"ours, full run:      {fetched} pages in {full:.1f} s = {fetched / full:,.0f} pages/s")
    print(
        f"ours, unchanged run: {unchanged} pages unchanged (304, or not asked for again) in {again:.1f} s; "
        f"unchanged/full time = {again / full:.2f}"
    )
    print(f"ours, peak memory (max RSS): {peak_mb:,.0f} MB")
    scrapy = _scrapy(starts)
    if scrapy is None or not scrapy.get("pages"):
        print("scrapy: not installed (pip install scrapy) or it fetched nothing - no comparison this run")
    else:
        rate = scrapy["pages"] / scrapy["seconds"]
        print(f"scrapy, full run:    {scrapy['pages']:.0f} pages in {scrapy['seconds']:.1f} s = {rate:,.0f} pages/s")
        print(f"ours / scrapy throughput: {(fetched / full) / rate:.2f}x")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
