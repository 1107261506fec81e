"""The report's charts: plotly figures built from the Figures datasets, each with a one-line caption and
the rows behind it (downloadable as CSV from the report)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from pipeline.normalise.salary import ANNUAL_FACTORS
from pipeline.outputs.figures import Figures
from pipeline.resources import load_yaml


@dataclass(frozen=True)
class Chart:
    """One chart of the report: its id, title, caption, figure and the rows it was drawn from."""

    chart_id: str
    title: str
    caption: str
    figure: go.Figure
    data: pd.DataFrame


@cache
def _living_wage_rates() -> tuple[tuple[dt.date, float], ...]:
    rates = load_yaml("pay_reference.yaml")["national_living_wage"]["rates"]
    return tuple(sorted((dt.date.fromisoformat(str(r["from"])), float(r["hourly"])) for r in rates))


def living_wage(on: dt.date | None) -> float | None:
    """The National Living Wage (hourly) in force on a date, from pipeline/data/pay_reference.yaml."""
    if on is None:
        return None
    rates = [rate for start, rate in _living_wage_rates() if start <= on]
    return rates[-1] if rates else None


def _layout(figure: go.Figure, y_title: str, x_title: str = "") -> go.Figure:
    figure.update_layout(
        template="plotly_white",
        height=380,
        margin={"l": 60, "r": 20, "t": 30, "b": 60},
        legend_title_text="",
        yaxis_title=y_title,
        xaxis_title=x_title,
    )
    return figure


def _empty(message: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _layout(figure, "")


def _drawn(data: pd.DataFrame, nothing: str, draw: Callable[[pd.DataFrame], go.Figure]) -> go.Figure:
    """The chart of the rows, or a note saying there are none."""
    return _empty(nothing) if data.empty else draw(data)


def _box(data: pd.DataFrame, x: str, y: str, y_title: str) -> go.Figure:
    """Box plot with every point shown, titled by hover."""
    return _layout(px.box(data, x=x, y=y, points="all", hover_data=["title"]), y_title)


def _grouped_bars(data: pd.DataFrame, x: str, series: str, value: str) -> go.Figure:
    """One group of bars per x, one bar per other column."""
    long = data.melt(id_vars=x, var_name=series, value_name=value)
    return _layout(px.bar(long, x=x, y=value, color=series, barmode="group"), value)


LABELS = {"region": "region", "family": "role family", "kind": "employer kind"}


def _rows(count: int, what: str = "rows") -> str:
    return f"{count:,} {what if count != 1 else what.rstrip('s')}"


def open_per_night(figures: Figures, by: str) -> Chart:
    """Open vacancies per night by region, role family or employer kind (a line per group)."""
    data = figures.open_per_night(by)
    label = LABELS[by]
    total = int(data["vacancies"].sum()) if not data.empty else 0
    figure = _drawn(
        data,
        "no snapshots",
        lambda d: _layout(px.line(d, x="snapshot_date", y="vacancies", color="group", markers=True), "open vacancies"),
    )
    caption = (
        f"Vacancies open on each night (listed, closing date not passed), by {label}; "
        f"from {_rows(total, 'snapshot rows')} over {data['snapshot_date'].nunique()} nights."
    )
    return Chart(f"open-by-{by}", f"Open vacancies per night, by {label}", caption, figure, data)


def pay_by(figures: Figures, by: str) -> Chart:
    """Annual pay (midpoints of annualised figures) by role family, region or employer kind, with the living
    wage line."""
    data = figures.annual_pay()
    column = {"family": "role_family", "region": "region", "kind": "kind_group"}[by]
    label = LABELS[by]
    figure = _drawn(data, "no annual salaries", lambda d: _box(d, column, "pay", "annual pay (GBP)"))
    wage = living_wage(figures.night)
    if wage is not None and not data.empty:
        annual = round(wage * ANNUAL_FACTORS["hour"])
        figure.add_hline(y=annual, line_dash="dot", annotation_text=f"National Living Wage, full time: £{annual:,}")
    caption = (
        f"Ranges and medians of advertised annual pay (midpoint of each vacancy's annualised range; salaries per "
        f"year, month or week) by {label}; from {_rows(len(data), 'vacancies')}."
    )
    summary = figures.pay_summary(data, by)
    return Chart(f"pay-by-{by}", f"Advertised annual pay, by {label}", caption, figure, summary)


def rates(figures: Figures, period: str) -> Chart:
    """Hourly or daily rates as stated, by role family (shown apart from annual salaries)."""
    data = figures.rate_pay(period)
    name = {"hour": "Hourly", "day": "Daily"}[period]
    figure = _drawn(data, f"no {name.lower()} rates", lambda d: _box(d, "role_family", "pay", f"GBP per {period}"))
    wage = living_wage(figures.night)
    if wage is not None and period == "hour" and not data.empty:
        figure.add_hline(y=wage, line_dash="dot", annotation_text=f"National Living Wage: £{wage:.2f}")
    caption = (
        f"{name} rates as advertised (midpoint of each range), by role family; from {_rows(len(data), 'vacancies')}."
    )
    return Chart(f"pay-{period}", f"{name} rates, by role family", caption, figure, data)


def flows_per_week(figures: Figures) -> Chart:
    """New, closed and withdrawn vacancies per week."""
    data = figures.flows_per_week()
    figure = _drawn(data, "no nights", lambda d: _grouped_bars(d, "week", "change", "vacancies"))
    caption = f"Vacancies new, closed and withdrawn per week (weeks from Monday); from {_rows(len(data), 'weeks')}."
    return Chart("flows", "New, closed and withdrawn per week", caption, figure, data)


def readvertised(figures: Figures) -> Chart:
    """Re-advertised roles (the same advert_key seen again after its earlier closing date), by role family."""
    data = figures.readvertised()
    figure = _drawn(
        data,
        "no re-advertised roles",
        lambda d: _layout(
            px.bar(d.groupby("role_family").size().reset_index(name="roles"), x="role_family", y="roles"),
            "re-advertised roles",
        ),
    )
    caption = (
        "Roles advertised again after closing (same source, employer and title seen after the earlier advert's "
        f"closing date), by role family; from {_rows(len(data), 'vacancies')}."
    )
    return Chart("readvertised", "Re-advertised roles", caption, figure, data)


def lead_times(figures: Figures) -> Chart:
    """Days from first seen to closing date, by role family."""
    data = figures.lead_times()
    figure = _drawn(data, "no closing dates", lambda d: _box(d, "role_family", "lead_days", "days"))
    caption = (
        "Days from a vacancy's first night seen to its closing date, by role family; "
        f"from {_rows(len(data), 'vacancies')}."
    )
    return Chart("lead-times", "Lead time to closing date", caption, figure, data)


def benefits(figures: Figures) -> Chart:
    """Benefits offered by category: the share of employers advertising that offer each."""
    data = figures.benefits_offered()
    figure = _drawn(
        data,
        "no benefits",
        lambda d: _layout(
            px.bar(d, x="category", y="share_of_employers", hover_data=["mentions", "employers"]),
            "share of employers",
        ).update_yaxes(tickformat=".0%", range=[0, 1]),
    )
    mentions = int(data["mentions"].sum()) if not data.empty else 0
    caption = (
        "Benefit categories offered, as a share of the employers advertising; "
        f"from {_rows(mentions, 'benefit mentions')}."
    )
    return Chart("benefits", "Benefits offered", caption, figure, data)


def employer_kinds(figures: Figures) -> Chart:
    """Employers advertising by kind: council, trust, NHS, school, private and voluntary provider, government."""
    data = figures.employer_kinds()
    figure = _drawn(data, "no employers", lambda d: _grouped_bars(d, "kind_group", "count", "number"))
    employers = int(data["employers"].sum()) if not data.empty else 0
    caption = f"Employers advertising, and their vacancies, by kind of employer; from {_rows(employers, 'employers')}."
    return Chart("employer-kinds", "Employer kinds", caption, figure, data)


def providers(figures: Figures) -> Chart:
    """The association's view: each independent (private) and voluntary provider's vacancies seen, open on the
    latest night, and median advertised annual pay."""
    data = figures.providers()
    figure = _drawn(
        data,
        "no independent or voluntary providers in the data",
        lambda d: _layout(px.bar(d, x="employer", y="vacancies_seen", color="kind_group"), "vacancies seen"),
    )
    caption = (
        "Independent (private) and voluntary providers: vacancies seen, open on the latest night and median "
        f"advertised annual pay, per provider; from {_rows(len(data), 'providers')}."
    )
    return Chart("providers", "Independent and voluntary providers", caption, figure, data)


def all_charts(figures: Figures) -> list[Chart]:
    """Every chart of the report, in reading order."""
    return [
        open_per_night(figures, "region"),
        open_per_night(figures, "family"),
        pay_by(figures, "family"),
        pay_by(figures, "region"),
        rates(figures, "hour"),
        rates(figures, "day"),
        flows_per_week(figures),
        readvertised(figures),
        lead_times(figures),
        benefits(figures),
        employer_kinds(figures),
        open_per_night(figures, "kind"),
        pay_by(figures, "kind"),
        providers(figures),
    ]
