"""Dask (prefect-dask, a local cluster of 2 worker processes) against Prefect's default task runner on the
same generated pages (bench/scale.py's layouts), each night in a fresh process. Prints seconds and the
ratio. Usage:

    .venv/bin/python bench/dask_runner.py [--pages 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import generate, run


def main() -> None:
    """Measure both runners and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.pages)
        default_s, default_mb = run(root, "flow")
        dask_s, dask_mb = run(root, "dask")
    for name, seconds, megabytes in (("default runner", default_s, default_mb), ("Dask, 2 workers", dask_s, dask_mb)):
        print(f"{args.pages:,} pages, {name}: {seconds:.1f} s ({args.pages / seconds:.0f} pages/s, {megabytes:.0f} MB)")
    print(f"Dask / default time: {dask_s / default_s:.2f}x")


if __name__ == "__main__":
    main()
