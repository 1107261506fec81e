"""History at scale: the cost of publishing one more night on top of a long history.

Writes a synthetic history straight into a curated store: NIGHTS nights (default 365) of SOURCES sources
(default 100), each listing about OPEN open vacancies a night (default 40, so 4,000 a night) with 3% of
them replaced every night. Then publishes one more night through the real publish_night (validation,
merge, snapshot, derivation of vacancies and source_nights over every night, atomic publish) and prints
its time, the rows read, and peak memory. Sizes are set so a year of UK children's services adverts is
covered.
Usage: python bench/history_scale.py [--nights N] [--sources S] [--open V]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from pipeline.load.history import COUNT_COLUMNS, SourceNight, content_hash
from pipeline.load.night import Night, publish_night
from pipeline.load.publish import CuratedStore
from pipeline.normalise.identity import advert_key

START = dt.date(2025, 1, 1)
TITLES = ("Residential Support Worker", "Senior Residential Worker", "Night Care Worker", "Social Worker")


def _vacancy(source: int, serial: int, night: dt.date) -> dict[str, Any]:
    row: dict[str, Any] = {
        "vacancy_id": f"s{source}-v{serial}",
        "page_id": f"s{source}-p{serial}",
        "source_id": f"source-{source:03d}",
        "employer_name": "Derby City Council",
        "title": TITLES[serial % len(TITLES)],
        "salary_min": 25000.0 + serial % 50 * 100,
        "salary_max": 28000.0 + serial % 50 * 100,
        "salary_period": "year",
        "closing_date": night + dt.timedelta(days=14 + serial % 30),
        "evidence": "Salary: £25,000 - £28,000",
        "extraction_method": "text",
        "pages_seen": 1,
        "page_urls": [f"https://example.invalid/s{source}/{serial}"],
        "carried_forward": False,
        "run_id": "bench",
    }
    row["content_hash"] = content_hash(row)
    row["advert_key"] = advert_key(row)
    return row


def build_history(store: CuratedStore, nights: int, sources: int, open_per_source: int) -> int:
    """Write the synthetic snapshots and source_nights; returns the number of snapshot rows."""
    rng = random.Random(7)
    listed = {s: list(range(open_per_source)) for s in range(sources)}
    serial = open_per_source
    partitions: dict[dt.date, list[dict[str, Any]]] = {}
    source_nights = []
    for n in range(nights):
        night = START + dt.timedelta(days=n)
        rows = []
        for source, ids in listed.items():
            for _ in range(max(1, open_per_source * 3 // 100)):  # 3% replaced a night
                ids.pop(rng.randrange(len(ids)))
                ids.append(serial)
                serial += 1
            rows += [_vacancy(source, i, START + dt.timedelta(days=i % 300)) for i in ids]
            source_nights.append(
                {"snapshot_date": night, "source_id": f"source-{source:03d}", "run_id": "bench"}
                | dict.fromkeys(["pages_changed", "pages_unchanged", "pages_failed", "rejects"], 0)
                | dict.fromkeys(COUNT_COLUMNS, 0)
            )
        partitions[night] = rows
    store.publish({"source_nights": source_nights}, {"vacancy_snapshots": partitions})
    return sum(len(rows) for rows in partitions.values())


def main() -> None:
    """Build the history, publish one more night, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--open", type=int, default=40)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-history-"))
    try:
        store = CuratedStore(work / "curated")
        started = time.perf_counter()
        rows = build_history(store, args.nights, args.sources, args.open)
        built = time.perf_counter() - started
        night = START + dt.timedelta(days=args.nights)
        # Every source observed, no page read (additive): every vacancy carried forward into the new night.
        observed = {f"source-{s:03d}": SourceNight(f"source-{s:03d}", additive=True) for s in range(args.sources)}
        started = time.perf_counter()
        published = publish_night(work / "curated", {}, [], set(), Night(night, "bench-night", observed))
        elapsed = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"history: {args.nights} nights x {args.sources} sources, {rows:,} snapshot rows (written in {built:.1f} s)")
    print(f"one more night published in {elapsed:.2f} s; vacancies derived {len(published.merged['vacancies']):,}")
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
