"""Shared fixtures: real pages from ../shared read in place, one Prefect test harness per session."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.webserver import Site, serve

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PIPELINE_SHARED_DIR", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
FIXTURES = SHARED / "fixtures" / "civil-service-jobs"
SAMPLES = ROOT / "samples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test when it is missing (a plain clone), fails in CI (CI=true)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"{path} not found: the shared pages are not beside this checkout (set PIPELINE_SHARED_DIR)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def seed(prefix: str) -> Path:
    """The seed capture whose name starts with the prefix ("001"); skips without ../shared (see shared_path)."""
    matches = sorted(shared_path("seeds").glob(f"{prefix}_*.txt"))
    assert matches, f"seed {prefix} not found in {SEEDS}"
    return matches[0]


def fixture(name: str) -> Path:
    """A Civil Service Jobs fixture page; skips without ../shared (see shared_path)."""
    return shared_path("fixtures", "civil-service-jobs", name)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect API for the whole session (it starts slowly)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def seeds_curated(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds run once through the real flow; returns the curated directory."""
    from flows.nightly import nightly_flow
    from pipeline.config import Source

    base = tmp_path_factory.mktemp("seeds")
    nightly_flow([Source("seeds", None, (shared_path("seeds"),))], str(base / "raw"), str(base / "curated"), None)
    return base / "curated"


@pytest.fixture(scope="session")
def samples_curated(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples run once through the real flow; returns the curated directory."""
    from flows.nightly import nightly_flow
    from pipeline.config import BUNDLED_SOURCES, load_sources

    base = tmp_path_factory.mktemp("samples")
    nightly_flow(load_sources(BUNDLED_SOURCES), str(base / "raw"), str(base / "curated"), dt.date(2025, 11, 20))
    return base / "curated"


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    """A council-like test site on 127.0.0.1 (tests/webserver.py): (the site to set routes on, its base URL)."""
    site = Site()
    server, base = serve(site)
    yield site, base
    server.shutdown()


DEMO_LAST_NIGHT = dt.date(2026, 11, 30)


@pytest.fixture(scope="session")
def demo_curated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five weeks of synthetic demo nights run through the real pipeline (no Prefect); the curated dir."""
    from pipeline.outputs.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo") / "demo", nights=35, last_night=DEMO_LAST_NIGHT)
