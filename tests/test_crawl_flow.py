"""The nightly flow over a crawled source: a real Prefect run against a real server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from tests.webserver import Site, page, send, serve

pytestmark = pytest.mark.prefect


@pytest.fixture
def council() -> Iterator[tuple[Site, str]]:
    site = Site()
    site.routes["/robots.txt"] = lambda h: send(h, 200, b"User-agent: *\nDisallow: /staff\n", "text/plain")
    site.routes["/careers"] = lambda h: send(
        h,
        200,
        page(
            "Children's services jobs",
            (
                '<a href="/careers/rsw">Residential Support Worker</a> <a href="/careers/sw">Social Worker</a> '
                '<a href="/staff/intranet">Staff</a> <a href="/news">News</a>'
            ),
        ),
    )
    site.routes["/careers/rsw"] = lambda h: (
        send(h, 304, headers={"ETag": '"rsw-1"'})
        if h.headers.get("If-None-Match") == '"rsw-1"'
        else send(
            h,
            200,
            page(
                "Residential Support Worker",
                "<p>Salary: £25,584 - £27,711 per annum</p>"
                "<p>Closing date: 8 December 2025</p><p>Derby City Council</p>",
            ),
            headers={"ETag": '"rsw-1"'},
        )
    )
    site.routes["/careers/sw"] = lambda h: send(h, 503)
    server, base = serve(site)
    yield site, base
    server.shutdown()


def test_crawled_source_end_to_end(
    prefect_harness: None, council: tuple[Site, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, base = council
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "politeness: {min_delay: 0.01, max_concurrency: 2}\n"
        "sources:\n"
        "  - id: derby-careers\n"
        "    employer: Derby City Council\n"
        f"    start_urls: [{base}/careers]\n"
        "    follow: ['/careers/']\n"
        "    max_depth: 1\n"
    )
    args = [
        "run",
        "--sources",
        str(sources),
        "--raw-dir",
        str(tmp_path / "raw"),
        "--curated-dir",
        str(tmp_path / "curated"),
        "--as-of",
        "2025-11-20",
    ]
    assert main(args) == 0, "failed URLs are recorded, not fatal"
    curated = tmp_path / "curated"
    vacancies = pd.read_parquet(curated / "vacancies")
    assert vacancies.title.tolist() == ["Residential Support Worker"]
    assert vacancies.employer_gss_code.tolist() == ["E06000015"]
    log = pd.read_parquet(curated / "fetch_log").set_index("url")
    assert log.loc[base + "/careers/sw", "error"].startswith("HTTP 503")
    assert log.loc[base + "/careers/sw", "attempts"] == 4
    assert "/news" not in " ".join(log.index), "not matched by `follow`, so never fetched"
    assert "/staff/intranet" not in site.paths()
    pages_before = pd.read_parquet(curated / "pages")

    assert main(args) == 0
    out = capsys.readouterr().out
    assert "0 pages read, 2 unchanged" in out, "the listing has the same hash; the advert answered 304"
    log = pd.read_parquet(curated / "fetch_log")
    second = log[log.run_id != log.run_id.iloc[0]] if log.run_id.nunique() > 1 else log
    assert second.loc[second.url == base + "/careers/rsw", "from_cache"].tolist() == [True]
    pages_after = pd.read_parquet(curated / "pages")
    rsw = base + "/careers/rsw"
    pd.testing.assert_frame_equal(
        pages_before[pages_before.url == rsw].reset_index(drop=True),
        pages_after[pages_after.url == rsw].reset_index(drop=True),
    )
    assert pd.read_parquet(curated / "vacancies").title.tolist() == ["Residential Support Worker"]
