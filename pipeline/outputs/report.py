"""`pipeline report`: a static HTML monitoring report of the curated history.

The report is `<out>/index.html` with `plotly.min.js` beside it: it opens from disk with no network. Each
chart has a caption and a link that downloads its rows as CSV (a data: URI inside the page)."""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
from pathlib import Path

import pandas as pd
import plotly.offline

from pipeline.load.database import open_curated
from pipeline.outputs.charts import Chart, all_charts
from pipeline.outputs.demo import is_demo
from pipeline.outputs.exports import contact_names
from pipeline.outputs.figures import Figures, Headline
from pipeline.outputs.privacy import redact_text_columns
from pipeline.storage.locations import Location

PLOTLY_JS = "plotly.min.js"
_STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;color:#1d1d1f}
h1{margin-bottom:.2rem} .sub{color:#555;margin-top:0}
.demo{background:#fff3cd;border:2px solid #d39e00;padding:.6rem 1rem;font-weight:600}
#headline{display:grid;grid-template-columns:repeat(5,1fr);gap:1rem;margin:1.5rem 0}
.figure{border:1px solid #ddd;border-radius:6px;padding:.8rem}
.figure .value{font-size:1.8rem;font-weight:700;display:block}
.figure .label{color:#555}
section.chart{margin:2rem 0;border-top:1px solid #eee;padding-top:1rem}
.caption{color:#444;margin:.2rem 0} a.csv{font-size:.9rem}
table{border-collapse:collapse;font-size:.9rem} td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
tr.quiet td{background:#fdecea}
"""


def _csv_link(name: str, data: pd.DataFrame) -> str:
    encoded = base64.b64encode(data.to_csv(index=False).encode("utf-8")).decode("ascii")
    return (
        f'<a class="csv" download="{html.escape(name)}.csv" href="data:text/csv;base64,{encoded}">'
        f"Download the data (CSV, {len(data):,} rows)</a>"
    )


def _headline_html(headline: Headline) -> str:
    pay = "–" if headline.median_annual_pay is None else f"£{headline.median_annual_pay:,.0f}"
    items = [
        ("open_vacancies", headline.open_vacancies, f"{headline.open_vacancies:,}", "open vacancies"),
        ("new_this_week", headline.new_this_week, f"{headline.new_this_week:,}", "new this week"),
        (
            "closing_within_7_days",
            headline.closing_within_7_days,
            f"{headline.closing_within_7_days:,}",
            "closing within 7 days",
        ),
        (
            "employers_advertising",
            headline.employers_advertising,
            f"{headline.employers_advertising:,}",
            "employers advertising",
        ),
        ("median_annual_pay", headline.median_annual_pay, pay, "median advertised annual pay"),
    ]
    cells = [
        f'<div class="figure" data-figure="{key}" data-value="{"" if raw is None else raw}">'
        f'<span class="value">{shown}</span><span class="label">{label}</span></div>'
        for key, raw, shown, label in items
    ]
    return '<div id="headline">' + "".join(cells) + "</div>"


def _chart_html(chart: Chart) -> str:
    figure_html = chart.figure.to_html(
        full_html=False, include_plotlyjs=False, div_id=f"chart-{chart.chart_id}", config={"displaylogo": False}
    )
    return (
        f'<section class="chart" data-chart="{chart.chart_id}"><h2>{html.escape(chart.title)}</h2>'
        f'<p class="caption">{html.escape(chart.caption)}</p>{figure_html}'
        f"{_csv_link(chart.chart_id, chart.data)}</section>"
    )


def _health_html(health: pd.DataFrame) -> str:
    rows = []
    for record in health.to_dict("records"):
        cells = "".join(f"<td>{html.escape(_cell(record[c]))}</td>" for c in health.columns)
        rows.append(f'<tr class="{"quiet" if record["no_vacancies_14_nights"] else ""}">{cells}</tr>')
    header = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in health.columns)
    caption = (
        "Per source: the last night it was read with no page failing, the latest night's failed pages and rejects, "
        f"the last night it listed a vacancy, and whether it listed none for 14 nights; from {len(health):,} sources."
    )
    return (
        '<section class="health" data-table="source-health"><h2>Source health</h2>'
        f'<p class="caption">{html.escape(caption)}</p><table><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{_csv_link('source-health', health)}</section>"
    )


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_report(curated_dir: Location, since: dt.date | None = None, include_personal: bool = False) -> str:
    """The report's HTML (it loads plotly.min.js from beside itself)."""
    connection = open_curated(curated_dir)
    figures = Figures(connection, since)
    names = [] if include_personal else contact_names(connection)
    charts = [
        Chart(
            c.chart_id, c.title, c.caption, c.figure, c.data if include_personal else redact_text_columns(c.data, names)
        )
        for c in all_charts(figures)
    ]
    headline = figures.headline()
    night = headline.night.isoformat() if headline.night else "no nights yet"
    banner = (
        '<p class="demo" id="demo-banner">Demo data: these nights are synthetic, generated by '
        "<code>pipeline demo</code>; they describe no real employer's recruitment.</p>"
        if is_demo(curated_dir)
        else ""
    )
    scope = f"nights from {since.isoformat()}" if since else "all nights"
    privacy = "personal data included" if include_personal else "personal data left out"
    body = "".join(_chart_html(chart) for chart in charts)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Children's services recruitment: {night}</title><style>{_STYLE}</style>"
        f'<link rel="icon" href="data:,"><script src="{PLOTLY_JS}"></script></head><body>'
        f"<h1>Children's services recruitment</h1>{banner}"
        f'<p class="sub">Latest night <strong id="night">{night}</strong>; {scope}; {privacy}. '
        f"Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC from {html.escape(str(curated_dir))}.</p>"
        f"{_headline_html(headline)}{body}{_health_html(redact_text_columns(figures.source_health(), names))}"
        "</body></html>"
    )


def write_report(
    curated_dir: Location, out_dir: Path, since: dt.date | None = None, include_personal: bool = False
) -> Path:
    """Write `<out>/index.html` and `<out>/plotly.min.js`; returns the HTML's path."""
    page = render_report(curated_dir, since, include_personal)
    out_dir.mkdir(parents=True, exist_ok=True)
    _atomic_write(out_dir / PLOTLY_JS, plotly.offline.get_plotlyjs())
    target = out_dir / "index.html"
    _atomic_write(target, page)
    return target


def _atomic_write(path: Path, text: str) -> None:
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)
