"""Time and peak memory of one very large page and one deeply nested page, against an ordinary advert page,
each ingested alone in a fresh process (`pipeline ingest`, the real flow). Prints ratios measured in one run.

    .venv/bin/python bench/hostile_inputs.py [--paragraphs 250000] [--depth 100000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ADVERT = (
    "<h1>Residential Support Worker</h1><p>Salary: £25,000 - £27,000 per annum</p>"
    "<p>Closing date: 15 December 2025</p><p>Hours: 37 per week, permanent</p>"
)


def ordinary_page() -> str:
    """One advert in a page of ordinary size."""
    return f"<html><head><title>Residential Support Worker</title></head><body>{ADVERT}</body></html>"


def large_page(paragraphs: int) -> str:
    """An advert followed by many paragraphs (250,000 make about 25 MB)."""
    filler = "".join(
        f"<p>Paragraph {i}: our children's homes team supports young people across the county every day.</p>"
        for i in range(paragraphs)
    )
    return f"<html><body>{ADVERT}{filler}</body></html>"


def deep_page(depth: int) -> str:
    """An advert inside `depth` nested div elements."""
    return "<html><body>" + "<div>" * depth + ADVERT + "</div>" * depth + "</body></html>"


_PEAK = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def hostile_files(paragraphs: int) -> dict[str, bytes]:
    """The 25 MB page and a dozen small awkward files beside it."""
    return {
        "large.html": large_page(paragraphs).encode(),
        "empty.html": b"",
        "blank.txt": b"  \n\t ",
        "binary.html": bytes(range(256)) * 50,
        "nul.txt": b"Care\x00Worker" * 100,
        "latin1.html": ordinary_page().replace("£", "\xa3").encode("latin-1"),
        "utf16.txt": "Residential Support Worker\nSalary: £25,000\n".encode("utf-16"),
        "deep.html": deep_page(100_000).encode(),
        "long-line.txt": ("word " * 400_000).encode(),
        "broken-jsonld.html": b'<script type="application/ld+json">{"@type": "JobPosting", </script>' + ADVERT.encode(),
        "absurd.txt": "Social Worker\nSalary: £999,999,999,999 per annum\n".encode(),
        "script.html": b"<html><body><script>var x = '<h1>Social Worker</h1>';</script></body></html>",
        "ordinary.html": ordinary_page().encode(),
    }


def measure(name: str, files: dict[str, bytes] | str, work: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `pipeline ingest` over one page (or a folder of files), in a fresh
    process of its own."""
    folder = work / name
    folder.mkdir()
    for file_name, data in (files if isinstance(files, dict) else {f"{name}.html": files.encode()}).items():
        (folder / file_name).write_bytes(data)
    command = [
        str(Path(sys.executable).with_name("pipeline")),
        "ingest",
        str(folder),
        "--raw-dir",
        str(work / f"{name}-raw"),
        "--curated-dir",
        str(work / f"{name}-curated"),
        "--as-of",
        "2025-11-20",
    ]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    code, peak_kb = done.stdout.split()
    if code not in ("0", "1"):
        raise SystemExit(f"{name}: ingest exited {code}")
    return seconds, int(peak_kb) / 1024


def main() -> None:
    """Measure the three pages and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=250_000)
    parser.add_argument("--depth", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pages = {
            "ordinary": ordinary_page(),
            "large": large_page(args.paragraphs),
            "deep": deep_page(args.depth),
        }
        results = {name: measure(name, html, work) for name, html in pages.items()}
        folder_seconds, folder_memory = measure("folder", hostile_files(args.paragraphs), work)
    base_seconds, base_memory = results["ordinary"]
    print(f"{'page':<10} {'size':>12} {'seconds':>9} {'x time':>8} {'peak RSS MB':>12} {'x memory':>9}")
    for name, (seconds, memory) in results.items():
        size = len(pages[name].encode("utf-8"))
        print(
            f"{name:<10} {size:>12,} {seconds:>9.1f} {seconds / base_seconds:>8.2f} {memory:>12.0f} "
            f"{memory / base_memory:>9.2f}"
        )
    print(
        f"folder of the 25 MB page and 12 small hostile files: {folder_seconds:.1f} s "
        f"({folder_seconds / base_seconds:.2f}x), "
        f"peak RSS {folder_memory:.0f} MB ({folder_memory / base_memory:.2f}x); target under 60 s and 1,024 MB"
    )


if __name__ == "__main__":
    main()
