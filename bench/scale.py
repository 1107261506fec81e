"""Throughput, peak memory and orchestration share at 1,000 to 100,000 pages.

Generates N pages of five layouts and sizes (an advert with labelled fields, a JSON-LD advert, a listing of
cards, a plain-text capture, a campaign page without adverts) in 20 source folders on disk, then runs one
night over them twice, each in a fresh process: once through the Prefect flow (`flows.nightly`, embedded
server) and once through the same stages called plainly (`pipeline.runner.run_night`). Prints, per N:
pages per second end to end, peak RSS, and the share of wall time the orchestration adds
((flow - plain) / flow), also without the embedded server's start-up, measured once as an empty flow run in
a fresh process (a deployment runs against a server that is already up). Usage:

    .venv/bin/python bench/scale.py [--pages 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
from pathlib import Path

TITLES = [
    "Residential Support Worker",
    "Social Worker - Children in Care",
    "Family Support Worker",
    "Registered Manager",
    "Senior Practitioner",
    "Youth Worker",
    "Team Manager - Fostering",
]
SOURCES = 20
_RUN = """
import datetime as dt, resource, sys, time
from pathlib import Path
from pipeline.config import Source
root, mode = Path(sys.argv[1]), sys.argv[2]
sources = [Source(p.name, None, (p,)) for p in sorted((root / "pages").iterdir())]
started = time.perf_counter()
if mode == "startup":  # the embedded Prefect server's start-up and one empty flow run
    from prefect import flow

    flow(lambda: None, name="startup")()
elif mode == "flow":
    from flows.nightly import nightly_flow
    nightly_flow(sources, str(root / f"raw-{mode}"), str(root / f"curated-{mode}"), dt.date(2025, 11, 20))
elif mode == "dask":
    from flows.nightly import dask_flow
    dask_flow(None, 2)(sources, str(root / f"raw-{mode}"), str(root / f"curated-{mode}"), dt.date(2025, 11, 20),
                       dask_workers=2)
else:
    from pipeline.runner import run_night
    run_night(sources, root / f"raw-{mode}", root / f"curated-{mode}", dt.date(2025, 11, 20))
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def page(number: int, rng: random.Random) -> tuple[str, str]:
    """One generated page (file name, content) of one of five layouts."""
    title = rng.choice(TITLES)
    low = rng.randrange(24_000, 48_000, 500)
    closing = dt.date(2025, 12, 1) + dt.timedelta(days=rng.randint(0, 60))
    prose = " ".join(
        rng.choice(["Our homes", "support", "young people", "across the county", "every day."])
        for _ in range(rng.randint(20, 400))
    )
    layout = number % 5
    if layout == 0:
        return f"p{number}.html", (
            f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<dl><dt>Salary</dt><dd>£{low:,} - £{low + 3000:,}</dd><dt>Closing date</dt>"
            f"<dd>{closing:%d %B %Y}</dd><dt>Reference</dt><dd>REF{number}</dd></dl>"
            f"<p>{prose}</p></body></html>"
        )
    if layout == 1:
        return f"p{number}.html", (
            '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": '
            f'"JobPosting", "title": "{title}", "validThrough": "{closing.isoformat()}", "baseSalary": {{"value": '
            f'{{"minValue": {low}, "maxValue": {low + 2500}, "unitText": "YEAR"}}}}}}</script></head>'
            f"<body><h1>{title}</h1><p>{prose}</p></body></html>"
        )
    if layout == 2:
        cards = "".join(
            f'<div class="job-card"><h3><a href="/j/{number}-{i}">{rng.choice(TITLES)}</a></h3>'
            f"<p>Salary: £{low + 1000 * i:,}</p><p>Closing date: {closing:%d/%m/%Y}</p></div>"
            for i in range(rng.randint(3, 12))
        )
        return f"p{number}.html", f"<html><body><h1>Current vacancies</h1>{cards}</body></html>"
    if layout == 3:
        return f"p{number}.txt", f"{title}\n\nSalary: £{low:,} per annum\nClosing date: {closing:%d %B %Y}\n\n{prose}\n"
    return f"p{number}.html", f"<html><body><h1>Work in children's services</h1><p>{prose}</p></body></html>"


def generate(root: Path, pages: int) -> None:
    """Write N pages over 20 source folders."""
    rng = random.Random(pages)
    for number in range(pages):
        folder = root / "pages" / f"source-{number % SOURCES:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        name, content = page(number, rng)
        (folder / name).write_text(content, encoding="utf-8")


def run(root: Path, mode: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one night over the pages, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(root), mode],
        capture_output=True,
        text=True,
        check=True,
        env={
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "PATH": "/usr/bin:/bin",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "HOME": str(Path.home()),
        },
    )
    seconds, peak = done.stdout.split()[-2:]
    return float(seconds), int(peak) / 1024


def main() -> None:
    """Measure each N and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "pages").mkdir()
        startup_s, _ = run(Path(tmp), "startup")
    print(f"start-up of the embedded Prefect server and an empty flow run: {startup_s:.1f} s")
    print(
        f"{'pages':>8} {'flow p/s':>9} {'plain p/s':>10} {'flow RSS MB':>12} {'plain RSS MB':>13} {'orchestration':>14}"
        f" {'excl. start-up':>15}"
    )
    for pages in args.pages:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            generate(root, pages)
            flow_s, flow_mb = run(root, "flow")
            plain_s, plain_mb = run(root, "plain")
        share = max(0.0, (flow_s - plain_s) / flow_s)
        running = max(0.0, (flow_s - startup_s - plain_s) / (flow_s - startup_s))
        print(
            f"{pages:>8,} {pages / flow_s:>9.1f} {pages / plain_s:>10.1f} {flow_mb:>12.0f} {plain_mb:>13.0f} "
            f"{share:>13.0%} {running:>15.0%}",
            flush=True,
        )


if __name__ == "__main__":
    main()
