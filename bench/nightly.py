"""Nightly cost: a full night against an unchanged night and a night where a few pages changed.

Builds N generated advert pages (default 1,000) plus the bundled sample pages in a temporary folder,
then, in one run and one process, times with the real pipeline (run_night, no Prefect overhead):
  1. the first night (every page extracted),
  2. the next night with nothing changed (every page has the same content hash: none is extracted),
  3. a night where 5% of the pages changed,
  4. the same night re-run (idempotent: nothing to extract).
Prints seconds per night and each as a ratio of the full night.
Usage: python bench/nightly.py [--pages N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

from pipeline.config import BUNDLED_SOURCES, Source, load_sources
from pipeline.runner import run_night

TITLES = ("Residential Support Worker", "Senior Residential Worker", "Night Care Worker", "Social Worker")


def write_adverts(folder: Path, pages: int, changed_every: int = 0) -> None:
    """Generated text adverts; with changed_every=k, every k-th page gets a new salary."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(pages):
        low = 24000 + 10 * n + (500 if changed_every and n % changed_every == 0 else 0)
        closing = dt.date(2025, 12, 1) + dt.timedelta(days=n % 700)
        text = (
            f"{TITLES[n % 4]}\n\nSalary: £{low:,} - £{low + 3000:,} per annum\n"
            f"Closing date: {closing:%-d %B %Y}\nHours: 37 a week\nLocation: Home {n}\n"
        )
        path = folder / f"advert-{n:05d}.txt"
        if not path.exists() or path.read_text(encoding="utf-8") != text:  # untouched pages keep their mtime
            path.write_text(text, encoding="utf-8")


def timed(sources: list[Source], work: Path, night: dt.date) -> float:
    """Seconds one night takes."""
    start = time.perf_counter()
    run_night(sources, work / "raw", work / "curated", night)
    return time.perf_counter() - start


def main() -> None:
    """Run the four nights and print their times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-nightly-"))
    try:
        adverts = work / "adverts"
        write_adverts(adverts, args.pages)
        sources = [*load_sources(BUNDLED_SOURCES), Source("generated", "Derby City Council", (adverts,))]
        first = dt.date(2025, 11, 20)
        full = timed(sources, work, first)
        unchanged = timed(sources, work, first + dt.timedelta(days=1))
        write_adverts(adverts, args.pages, changed_every=20)
        some = timed(sources, work, first + dt.timedelta(days=2))
        rerun = timed(sources, work, first + dt.timedelta(days=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    pages = args.pages + len(sources) - 1
    print(f"{pages} pages ({args.pages} generated adverts + the bundled samples), one run, one process")
    print(f"full night:          {full:7.2f} s  1.00")
    print(f"unchanged night:     {unchanged:7.2f} s  {unchanged / full:.2f} of the full night")
    print(f"5% of pages changed: {some:7.2f} s  {some / full:.2f}")
    print(f"same night again:    {rerun:7.2f} s  {rerun / full:.2f}")


if __name__ == "__main__":
    main()
