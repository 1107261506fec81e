"""Extraction throughput against the floor of a bare lxml parse of the same pages.

Builds a corpus of at least 1,000 HTML pages from the real fixtures (../shared/fixtures), the seed
captures (../shared/seeds, as paragraphs) and the bundled samples, then times, in one run:
  - lxml.html.document_fromstring on every page (the floor), and
  - the full extraction (decode, clean, structure, spaCy rules, linking) on every page.
  - trafilatura's `extract` (plain main text, no fields) on every page, when trafilatura is installed
    (a benchmark-only dependency: `.venv/bin/pip install trafilatura lxml_html_clean`).
Prints pages per second, the ratios, and peak memory. Usage:
  python bench/extract_throughput.py [--pages N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import resource
import time
from pathlib import Path

import lxml.html

from pipeline.extract.decode import decode_bytes
from pipeline.extract.page import extract_page

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _as_html(text: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n") if p.strip())
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{paragraphs}</body></html>".encode()


def corpus(pages: int) -> list[bytes]:
    """At least `pages` HTML documents cycled from the real fixtures, seeds and samples."""
    base = [p.read_bytes() for p in sorted((SHARED / "fixtures").rglob("*.html"))]
    base += [_as_html(p.read_text(encoding="utf-8")) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    base += [p.read_bytes() for p in sorted((ROOT / "samples" / "pages").glob("*.html"))]
    base += [_as_html(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "samples" / "pages").glob("*.txt"))]
    return [base[i % len(base)] for i in range(max(pages, len(base)))]


def _trafilatura_seconds(pages: list[bytes]) -> float | None:
    """Seconds for trafilatura's extract over the pages, or None when it is not installed."""
    try:
        import trafilatura
    except ImportError:
        return None
    trafilatura.extract(pages[0])  # warm up
    start = time.perf_counter()
    for page in pages:
        trafilatura.extract(page)
    return time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    pages = corpus(args.pages)
    megabytes = sum(len(p) for p in pages) / 1e6
    extract_page("<html><body><p>warm up</p></body></html>", True)  # load spaCy and patterns once

    start = time.perf_counter()
    for page in pages:
        lxml.html.document_fromstring(page)
    floor = time.perf_counter() - start

    start = time.perf_counter()
    vacancies = 0
    reference = dt.date(2025, 11, 20)
    for page in pages:
        vacancies += len(extract_page(decode_bytes(page).text, True, reference).vacancies)
    full = time.perf_counter() - start
    plain = _trafilatura_seconds(pages)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"corpus: {len(pages)} pages, {megabytes:.1f} MB; {vacancies} vacancies extracted")
    print(f"lxml parse only (floor): {len(pages) / floor:,.0f} pages/s")
    print(f"full extraction:        {len(pages) / full:,.0f} pages/s")
    print(f"full extraction / lxml parse time: {full / floor:.1f}x (aim: within 10x)")
    if plain is None:
        print("trafilatura not installed: pip install trafilatura lxml_html_clean to compare")
    else:
        print(f"trafilatura extract (plain text): {len(pages) / plain:,.0f} pages/s")
        print(f"full extraction time / trafilatura time: {full / plain:.2f}x (aim: at most 1.0x)")
    print(f"peak memory (max RSS): {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
