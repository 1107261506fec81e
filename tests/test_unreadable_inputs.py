"""A document that could not be read says nothing about its vacancies: two nights per kind of source, the
second night's input missing or unreadable, and the vacancy must be carried forward, never withdrawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pandas as pd
import pytest

from pipeline.acquire.crawl import CrawlSpec
from pipeline.acquire.politeness import Politeness
from pipeline.config import Source
from pipeline.runner import run_night
from tests.webserver import Site, send

NIGHT1, NIGHT2 = dt.date(2025, 11, 20), dt.date(2025, 11, 21)
ADVERT = "Residential Support Worker\n\nSalary: £25,000 - £27,000 per annum\nClosing date: 15 December 2025\n"
BINARY = b"\x00\x01\x02\x03\xff\xfe" * 200
RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Jobs</title><item><title>Residential Support '
    "Worker</title><guid>job-1</guid><description>Salary: £25,000 - £27,000. Closing date: 15 December 2025."
    "</description></item></channel></rss>"
)


def _carried(curated: Path, summary_reasons: list[str]) -> None:
    vacancies = pd.read_parquet(curated / "vacancies")
    assert vacancies[["title", "status", "last_seen"]].values.tolist() == [
        ["Residential Support Worker", "open", NIGHT1]
    ]
    nights = pd.read_parquet(curated / "source_nights").set_index("snapshot_date")
    assert nights.loc[NIGHT2, ["vacancies_carried", "vacancies_withdrawn"]].tolist() == [1, 0]
    assert summary_reasons, "the night's summary names the failure"


def _local_night(folder: Path, paths: tuple[Path, ...], tmp: Path, night: dt.date) -> list[str]:
    summary = run_night([Source("derby-jobs", "Derby City Council", paths)], tmp / "raw", tmp / "curated", night)
    return summary.reject_reasons


def test_a_misspelt_file_in_paths_carries_its_vacancy(tmp_path: Path) -> None:
    advert = tmp_path / "rsw.txt"
    advert.write_text(ADVERT, encoding="utf-8")
    _local_night(tmp_path, (advert,), tmp_path, NIGHT1)
    reasons = _local_night(tmp_path, (tmp_path / "rws.txt",), tmp_path, NIGHT2)
    _carried(tmp_path / "curated", reasons)


def test_a_missing_folder_carries_its_vacancies(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "rsw.txt").write_text(ADVERT, encoding="utf-8")
    _local_night(tmp_path, (folder,), tmp_path, NIGHT1)
    (folder / "rsw.txt").unlink()
    folder.rmdir()
    _carried(tmp_path / "curated", _local_night(tmp_path, (folder,), tmp_path, NIGHT2))


def test_a_local_file_that_cannot_be_decoded_carries_its_vacancy(tmp_path: Path) -> None:
    advert = tmp_path / "rsw.txt"
    advert.write_text(ADVERT, encoding="utf-8")
    _local_night(tmp_path, (advert,), tmp_path, NIGHT1)
    advert.write_bytes(BINARY)
    _carried(tmp_path / "curated", _local_night(tmp_path, (advert,), tmp_path, NIGHT2))


def _crawl_nights(
    site: tuple[Site, str], tmp_path: Path, spec_of: Callable[[str], CrawlSpec], night2: dict[str, Callable[..., None]]
) -> list[str]:
    server, base = site
    source = Source("derby-careers", "Derby City Council", crawl=spec_of(base), politeness=Politeness(min_delay=0.0))
    run_night([source], tmp_path / "raw", tmp_path / "curated", NIGHT1)
    server.routes.update(night2)
    return run_night([source], tmp_path / "raw", tmp_path / "curated", NIGHT2).reject_reasons


def _crawl_spec(base: str) -> CrawlSpec:
    return CrawlSpec(start_urls=(f"{base}/careers",), follow=("/careers/",), max_depth=1, revisit_days=0)


def _text(body: str | bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    data = body.encode() if isinstance(body, str) else body
    return lambda handler: send(handler, 200, data, "text/plain")


@pytest.mark.parametrize(
    "night2",
    [
        pytest.param({"/careers": lambda h: send(h, 503)}, id="start page down"),
        pytest.param({"/careers/rsw": lambda h: send(h, 500)}, id="advert page 500"),
        pytest.param({"/careers/rsw": _text(BINARY)}, id="advert page undecodable"),
    ],
)
def test_a_crawled_page_that_cannot_be_read_carries_its_vacancy(
    site: tuple[Site, str], tmp_path: Path, night2: dict[str, Callable[..., None]]
) -> None:
    server, _ = site
    server.routes["/careers"] = lambda h: send(h, 200, b'<html><body><a href="/careers/rsw">RSW</a></body></html>')
    server.routes["/careers/rsw"] = _text(ADVERT)
    _carried(tmp_path / "curated", _crawl_nights(site, tmp_path, _crawl_spec, night2))


def test_a_feed_that_cannot_be_read_carries_its_items_vacancies(site: tuple[Site, str], tmp_path: Path) -> None:
    server, _ = site
    server.routes["/feed.rss"] = lambda h: send(h, 200, RSS.encode(), "application/rss+xml")

    def feed_spec(base: str) -> CrawlSpec:
        return CrawlSpec(feeds=(f"{base}/feed.rss",), max_depth=0, revisit_days=0)

    reasons = _crawl_nights(site, tmp_path, feed_spec, {"/feed.rss": lambda h: send(h, 502)})
    _carried(tmp_path / "curated", reasons)


def test_a_clean_rerun_of_a_night_replaces_its_rejects_and_fetch_log(site: tuple[Site, str], tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "rsw.txt").write_text(ADVERT, encoding="utf-8")
    (folder / "broken.html").write_bytes(BINARY)
    server, base = site
    server.routes["/careers"] = lambda h: send(h, 200, b"<html><body><p>No vacancies today.</p></body></html>")
    server.routes["/careers/old"] = lambda h: send(h, 500)
    spec = CrawlSpec(start_urls=(f"{base}/careers", f"{base}/careers/old"), max_depth=0, revisit_days=0)
    sources = [
        Source("derby-jobs", "Derby City Council", (folder,)),
        Source("derby-careers", "Derby City Council", crawl=spec, politeness=Politeness(min_delay=0.0)),
    ]
    run_night(sources, tmp_path / "raw", tmp_path / "curated", NIGHT1)
    rejects = pd.read_parquet(tmp_path / "curated" / "rejects")
    assert sorted(rejects.source_id) == ["derby-careers", "derby-jobs"]
    (folder / "broken.html").unlink()  # fixed: the night is run again
    server.routes["/careers/old"] = lambda h: send(h, 200, b"<html><body><p>Archive.</p></body></html>")
    run_night(sources, tmp_path / "raw", tmp_path / "curated", NIGHT1)
    assert pd.read_parquet(tmp_path / "curated" / "rejects").empty, "a reject that no longer holds is gone"
    log = pd.read_parquet(tmp_path / "curated" / "fetch_log")
    assert sorted(log.url.str.removeprefix(base)) == ["/careers", "/careers/old"], "one run's fetch_log per night"
    assert log.error.isna().all() and set(log.snapshot_date) == {NIGHT1}


def test_inputs_are_read_only_from_inside_the_folders_given(tmp_path: Path) -> None:
    outside = tmp_path / "private.txt"
    outside.write_text(
        "Residential Support Worker\nSalary: £99,000\nSecret text outside the folder\n", encoding="utf-8"
    )
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.txt").write_text(ADVERT, encoding="utf-8")
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "rsw.txt").write_text(ADVERT, encoding="utf-8")
    (folder / "link.txt").symlink_to(outside)
    (folder / "linked-folder").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (folder / "inside.txt").symlink_to(folder / "rsw.txt")  # a link that stays inside is read, as its target
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - id: derby-jobs\n    paths: [pages, ../private.txt]\n", encoding="utf-8")
    from pipeline.config import load_sources

    summary = run_night(load_sources(sources), tmp_path / "raw", tmp_path / "curated", NIGHT1)
    rejects = pd.read_parquet(tmp_path / "curated" / "rejects").sort_values("url")
    reasons = dict(zip(rejects.url.map(lambda u: Path(u).name), rejects.reason, strict=True))
    assert reasons == {
        "link.txt": f"symlink leads outside {folder}: not followed",
        "linked-folder": f"symlink leads outside {folder}: not followed",
        "private.txt": "'..' in a sources-file path is not followed: inputs stay inside its folder",
    }
    pages = pd.read_parquet(tmp_path / "curated" / "pages")
    assert sorted(Path(u).name for u in pages.url) == ["rsw.txt"]
    assert not any("Secret" in p.read_text(errors="replace") for p in (tmp_path / "raw").rglob("*") if p.is_file())
    assert summary.rejects_by_stage == {"acquire": 3}
