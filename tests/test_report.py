"""`pipeline report` and `pipeline demo`: the HTML report of the curated history, checked as a file and in
a real headless Chromium (Debian's chromium package, driven by Playwright)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.load.database import DATABASE_NAME
from pipeline.outputs.demo import DEMO_MARKER, run_demo
from pipeline.outputs.report import PLOTLY_JS, write_report
from tests.conftest import DEMO_LAST_NIGHT

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / ".artifacts" / "report.png"
CHARTS = [
    "open-by-region",
    "open-by-family",
    "pay-by-family",
    "pay-by-region",
    "pay-hour",
    "pay-day",
    "flows",
    "readvertised",
    "lead-times",
    "benefits",
    "employer-kinds",
    "open-by-kind",
    "pay-by-kind",
    "providers",
]


@pytest.fixture(scope="module")
def demo_report(demo_curated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(demo_curated, tmp_path_factory.mktemp("report"))


def expected_headline(curated: Path) -> dict[str, float | int | None]:
    """The headline figures as plain DuckDB queries over the same Parquet (written apart from the report)."""
    db = duckdb.connect(str(curated / DATABASE_NAME), read_only=True)
    night = db.sql("select max(snapshot_date) from vacancy_snapshots").fetchall()[0][0]
    open_rows = (
        "select * from vacancy_snapshots where snapshot_date = $night "
        "and (closing_date is null or closing_date >= snapshot_date)"
    )
    params = {"night": night}
    one = lambda sql: db.execute(sql, params).fetchall()[0][0]  # noqa: E731
    median = one(
        "select median((coalesce(salary_annual_min, salary_annual_max) "
        "+ coalesce(salary_annual_max, salary_annual_min)) / 2) "
        f"from ({open_rows}) where salary_period in ('year', 'month', 'week')"
    )
    return {
        "open_vacancies": one(f"select count(*) from ({open_rows})"),
        "new_this_week": one("select count(*) from vacancies where first_seen > $night - 7 and first_seen <= $night"),
        "closing_within_7_days": one(f"select count(*) from ({open_rows}) where closing_date <= $night + 7"),
        "employers_advertising": one(f"select count(distinct employer_name) from ({open_rows})"),
        "median_annual_pay": None if median is None else float(median),
    }


def _headline_in(page: str) -> dict[str, float | int | None]:
    found = dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', page))
    return {k: (None if v == "" else float(v) if k == "median_annual_pay" else int(v)) for k, v in found.items()}


def test_report_is_self_contained_with_captions_and_csv(demo_report: Path, demo_curated: Path) -> None:
    page = demo_report.read_text(encoding="utf-8")
    assert (demo_report.parent / PLOTLY_JS).stat().st_size > 1_000_000
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "the report must load nothing from the network"
    assert re.findall(r'data-chart="([\w-]+)"', page) == CHARTS
    sections = page.split('<section class="chart"')[1:]
    for section in sections:
        caption = re.search(r'<p class="caption">(.*?)</p>', section).group(1)  # type: ignore[union-attr]
        assert re.search(r"; from [\d,]+ [a-z ]+(?: over \d+ nights)?\.$", caption), caption
        encoded = re.search(r'href="data:text/csv;base64,([^"]+)"', section).group(1)  # type: ignore[union-attr]
        rows = pd.read_csv(io.StringIO(base64.b64decode(encoded).decode("utf-8")))
        assert f"CSV, {len(rows):,} rows" in section
    assert 'id="demo-banner"' in page
    assert _headline_in(page) == expected_headline(demo_curated)


def test_report_of_real_data_has_no_demo_banner(samples_curated: Path, tmp_path: Path) -> None:
    page = write_report(samples_curated, tmp_path).read_text(encoding="utf-8")
    assert "demo-banner" not in page
    assert _headline_in(page) == expected_headline(samples_curated)
    assert "Amira Khan" not in page


def test_since_limits_the_nights(demo_curated: Path, tmp_path: Path) -> None:
    since = DEMO_LAST_NIGHT - dt.timedelta(days=6)
    page = write_report(demo_curated, tmp_path, since=since).read_text(encoding="utf-8")
    assert f"nights from {since.isoformat()}" in page
    assert "over 7 nights" in page


def test_demo_never_writes_into_real_curated_data(samples_curated: Path, tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="never into real curated data"):
        run_demo(samples_curated.parent, nights=2)
    occupied = tmp_path / "mine"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(PipelineError, match="not empty"):
        run_demo(occupied, nights=2)
    assert main(["demo", "--out", str(occupied), "--nights", "2"]) == 2
    assert (occupied / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_demo_is_marked(demo_curated: Path) -> None:
    assert (demo_curated / DEMO_MARKER).exists() and (demo_curated.parent / DEMO_MARKER).exists()
    db = duckdb.connect(str(demo_curated / DATABASE_NAME), read_only=True)
    nights = db.sql("select count(distinct snapshot_date) from vacancy_snapshots").fetchall()[0][0]
    assert nights == 35


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        reason = "headless Chromium not installed (make test installs Debian's chromium when run as root)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_report_in_headless_chromium(demo_report: Path, demo_curated: Path) -> None:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on(
                "console",
                lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
            )
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
            page.goto(demo_report.as_uri(), wait_until="load")
            rendered = page.evaluate(
                """() => [...document.querySelectorAll('section.chart')].map(s => ({
                     id: s.dataset.chart,
                     svg: s.querySelectorAll('.main-svg').length,
                     traces: s.querySelectorAll('g.trace').length}))"""
            )
            shown = page.evaluate(
                "() => Object.fromEntries([...document.querySelectorAll('#headline .figure')]"
                ".map(d => [d.dataset.figure, d.dataset.value]))"
            )
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
    assert problems == []
    assert [chart["id"] for chart in rendered] == CHARTS
    assert all(chart["svg"] > 0 and chart["traces"] > 0 for chart in rendered), rendered
    assert _headline_in("".join(f'data-figure="{k}" data-value="{v}"' for k, v in shown.items())) == expected_headline(
        demo_curated
    )
    assert SCREENSHOT.stat().st_size > 10_000
