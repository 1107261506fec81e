"""The report's figures as data: DuckDB queries over the curated views (pipeline.load.database.connect).

Definitions (the README and the report captions state them too):
- a vacancy is *open on a night* when that night's snapshot lists it (carried forward included) and its
  closing date, if any, is not before the night;
- *annual pay* of a vacancy is the midpoint of its annualised figures (`salary_annual_min`/`_max`, either
  one when only one is given), for salaries stated per year, month or week; hourly and daily rates are
  shown apart, as stated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

ANNUAL_PERIODS = ("year", "month", "week")
_OPEN = "(closing_date is null or closing_date >= snapshot_date)"
# Vacancies read from adverts and listings only: a job description names a role but is not an advert.
ADVERTS_ONLY = "coalesce(page_kind, 'vacancy') <> 'job_description'"
_MIDPOINT = "(coalesce(salary_annual_min, salary_annual_max) + coalesce(salary_annual_max, salary_annual_min)) / 2"
_FAMILY = "coalesce(role_family, 'unclassified')"
# employers.kind grouped as the association reads it
KIND_GROUPS = {
    "county_council": "council",
    "unitary_authority": "council",
    "metropolitan_district": "council",
    "london_borough": "council",
    "district_council": "council",
    "welsh_principal_area": "council",
    "scottish_council": "council",
    "northern_ireland_district": "council",
    "childrens_trust": "trust",
    "health_and_social_care_trust": "trust",
    "nhs": "NHS",
    "private": "private provider",
    "voluntary": "voluntary provider",
    "school": "school",
    "agency": "agency",
    "central_government": "government",
}
PROVIDER_GROUPS = ("private provider", "voluntary provider")  # the association's members
_KIND = "coalesce((select e.kind from employers e where e.name = employer_name limit 1), 'unknown')"


def kind_group(kind: str | None) -> str:
    """The group an employers.kind belongs to as the association reads it (unknown kinds: 'not known')."""
    return KIND_GROUPS.get(kind or "", "not known")


@dataclass(frozen=True)
class Headline:
    """The latest night's headline figures."""

    night: dt.date | None
    open_vacancies: int
    new_this_week: int
    closing_within_7_days: int
    employers_advertising: int
    median_annual_pay: float | None


class Figures:
    """Queries over one curated directory's views, limited to nights on or after `since`."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, since: dt.date | None = None) -> None:
        self.db = connection
        self.since = since or dt.date(1900, 1, 1)
        for view, table in (("adverts", "vacancies"), ("advert_snapshots", "vacancy_snapshots")):
            connection.execute(f"create or replace temp view {view} as select * from {table} where {ADVERTS_ONLY}")
        night = self._rows("select max(snapshot_date) from advert_snapshots where snapshot_date >= ?")[0][0]
        self.night: dt.date | None = night

    def _rows(self, sql: str, *extra: Any) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, [self.since, *extra]).fetchall()

    def _frame(self, sql: str, *extra: Any) -> pd.DataFrame:
        return self.db.execute(sql, [self.since, *extra]).df()

    def _open_latest(self) -> str:
        return f"select * from advert_snapshots where snapshot_date = ? and {_OPEN}"

    def headline(self) -> Headline:
        """Open vacancies, new this week, closing within 7 days, employers advertising, median annual pay."""
        if self.night is None:
            return Headline(None, 0, 0, 0, 0, None)
        night = self.night
        week_start = night - dt.timedelta(days=6)
        open_rows = self.db.execute(
            f"""select count(*), count(distinct employer_name),
                       count(*) filter (where closing_date <= ? + 7),
                       median({_MIDPOINT}) filter (where salary_period in {ANNUAL_PERIODS})
                from ({self._open_latest()})""",
            [night, night],
        ).fetchall()[0]
        new = self.db.execute(
            "select count(*) from adverts where first_seen between ? and ? and first_seen >= ?",
            [week_start, night, self.since],
        ).fetchall()[0][0]
        median = None if open_rows[3] is None else float(open_rows[3])
        return Headline(night, int(open_rows[0]), int(new), int(open_rows[2]), int(open_rows[1]), median)

    def open_per_night(self, by: str) -> pd.DataFrame:
        """Open vacancies per night, by `region`, `family` or employer `kind` (long form: snapshot_date, group,
        vacancies)."""
        group = {"region": "coalesce(region_name, 'unknown')", "family": _FAMILY, "kind": _KIND}[by]
        frame = self._frame(
            f"""select snapshot_date, {group} as "group", count(*) as vacancies
                from advert_snapshots where snapshot_date >= ? and {_OPEN}
                group by all order by snapshot_date, "group" """
        )
        if by != "kind" or frame.empty:
            return frame
        frame["group"] = [kind_group(kind) for kind in frame["group"]]
        return frame.groupby(["snapshot_date", "group"], as_index=False)["vacancies"].sum()

    def _pay_rows(self, value: str) -> str:
        return f"""select vacancy_id, title, {_FAMILY} as role_family, coalesce(region_name, 'unknown') as region,
                   {_KIND} as employer_kind, salary_period, salary_min, salary_max,
                   salary_annual_min, salary_annual_max,
                   {value} as pay
            from adverts where last_seen >= ? and list_contains(?, salary_period)
              and coalesce(salary_max, salary_min) is not null"""

    def annual_pay(self) -> pd.DataFrame:
        """One row per vacancy (seen since `since`) with an annual-type salary: its annual midpoint."""
        frame = self._frame(self._pay_rows(_MIDPOINT) + " order by role_family, pay", list(ANNUAL_PERIODS))
        frame["kind_group"] = [kind_group(kind) for kind in frame["employer_kind"]]
        return frame

    def rate_pay(self, period: str) -> pd.DataFrame:
        """One row per vacancy with an hourly or daily rate: the rate's midpoint as stated."""
        value = "(coalesce(salary_min, salary_max) + coalesce(salary_max, salary_min)) / 2"
        return self._frame(self._pay_rows(value) + " order by role_family, pay", [period])

    @staticmethod
    def pay_summary(frame: pd.DataFrame, by: str) -> pd.DataFrame:
        """annual_pay's rows summed up by role family or region: vacancies, lowest, median, highest midpoint."""
        column = {"family": "role_family", "region": "region", "kind": "kind_group"}[by]
        if frame.empty:
            return pd.DataFrame(columns=[column, "vacancies", "lowest", "median", "highest"])
        grouped = frame.groupby(column)["pay"]
        return pd.DataFrame(
            {"vacancies": grouped.size(), "lowest": grouped.min(), "median": grouped.median(), "highest": grouped.max()}
        ).reset_index()

    def flows_per_week(self) -> pd.DataFrame:
        """New, closed and withdrawn vacancies per week (weeks start on Monday), from source_nights."""
        return self._frame(
            """select cast(date_trunc('week', snapshot_date) as date) as week,
                      sum(vacancies_new) as new, sum(vacancies_closed) as closed,
                      sum(vacancies_withdrawn) as withdrawn
               from source_nights where snapshot_date >= ? group by all order by week"""
        )

    def readvertised(self) -> pd.DataFrame:
        """Roles advertised again after closing: a vacancy whose advert_key (source, employer, title) belongs
        to an earlier vacancy whose closing date had passed before the new one was first seen."""
        return self._frame(
            """with keyed as (
                    select distinct s.advert_key, v.vacancy_id, v.title, v.employer_name,
                           coalesce(v.role_family, 'unclassified') as role_family,
                           v.first_seen, v.closing_date
                    from advert_snapshots s join adverts v using (vacancy_id)
                    where s.advert_key is not null and s.snapshot_date >= ?)
                select later.employer_name, later.title, later.role_family,
                       earlier.vacancy_id as earlier_vacancy_id, earlier.closing_date as earlier_closing_date,
                       later.vacancy_id, later.first_seen
                from keyed later join keyed earlier
                  on later.advert_key = earlier.advert_key and later.vacancy_id <> earlier.vacancy_id
                 and earlier.closing_date < later.first_seen
                qualify row_number() over (partition by later.vacancy_id order by earlier.closing_date desc) = 1
                order by later.first_seen, later.title"""
        )

    def lead_times(self) -> pd.DataFrame:
        """Days from first seen to closing date, one row per vacancy with a closing date on or after it."""
        return self._frame(
            f"""select vacancy_id, title, {_FAMILY} as role_family, first_seen, closing_date,
                       datediff('day', first_seen, closing_date) as lead_days
                from adverts where last_seen >= ? and closing_date >= first_seen
                order by role_family, lead_days"""
        )

    def benefits_offered(self) -> pd.DataFrame:
        """Per benefit category: mentions, employers offering it, and their share of employers advertising."""
        return self._frame(
            """with advertising as (
                   select distinct employer_name from adverts where last_seen >= ? and employer_name is not null),
               offered as (
                   select b.category, b.employer_name from benefits b join pages p using (page_id)
                   where p.snapshot_date >= ?)
               select category, count(*) as mentions, count(distinct employer_name) as employers,
                      round(count(distinct employer_name) filter (where employer_name in (select * from advertising))
                            / greatest((select count(*) from advertising), 1), 3) as share_of_employers
               from offered group by category order by share_of_employers desc, category""",
            self.since,
        )

    def employer_kinds(self) -> pd.DataFrame:
        """Employers advertising (and their vacancies) by kind: council, trust, private provider, charity..."""
        frame = self._frame(
            """select e.kind, count(distinct v.employer_name) as employers, count(*) as vacancies
               from adverts v join employers e on e.name = v.employer_name
               where v.last_seen >= ? group by all"""
        )
        frame["kind_group"] = [kind_group(kind) for kind in frame["kind"]]
        return (
            frame.groupby("kind_group")[["employers", "vacancies"]].sum().reset_index().sort_values("employers")
            if not frame.empty
            else pd.DataFrame(columns=["kind_group", "employers", "vacancies"])
        )

    def providers(self) -> pd.DataFrame:
        """Per independent (private) or voluntary provider: vacancies seen since `since`, open on the latest
        night, median annual pay (midpoint of annual-type salaries)."""
        frame = self._frame(
            f"""select v.employer_name as employer, e.kind, count(*) as vacancies_seen,
                       count(*) filter (where v.status = 'open') as open_latest,
                       median({_MIDPOINT}) filter (where salary_period in {ANNUAL_PERIODS}) as median_annual_pay
                from adverts v join employers e on e.name = v.employer_name
                where v.last_seen >= ? and e.kind in ('private', 'voluntary')
                group by all order by vacancies_seen desc, employer"""
        )
        frame.insert(1, "kind_group", [kind_group(kind) for kind in frame["kind"]])
        return frame.drop(columns=["kind"])

    def source_health(self, quiet_nights: int = 14) -> pd.DataFrame:
        """Per source: last night it succeeded (read with no page failing), the latest night's pages failed
        and rejects, the last night it listed a vacancy, and whether it listed none for `quiet_nights`."""
        return self._frame(
            """with nights as (select * from source_nights where snapshot_date >= ?),
               latest as (select source_id, min(snapshot_date) as first_night, max(snapshot_date) as latest_night
                          from nights group by source_id),
               health as (
                   select n.source_id, l.first_night, l.latest_night,
                          max(n.snapshot_date) filter (where n.pages_failed = 0
                              and n.pages_changed + n.pages_unchanged > 0) as last_success,
                          sum(n.pages_failed) filter (where n.snapshot_date = l.latest_night) as pages_failed,
                          sum(n.rejects) filter (where n.snapshot_date = l.latest_night) as rejects,
                          max(n.snapshot_date) filter (where n.vacancies_seen + n.vacancies_carried > 0) as last_vacancy
                   from nights n join latest l using (source_id) group by all)
               select source_id, latest_night, last_success, pages_failed, rejects, last_vacancy,
                      datediff('day', coalesce(last_vacancy, first_night), ?) >= ? as no_vacancies_14_nights
               from health order by source_id""",
            self.night or dt.date(1900, 1, 1),
            quiet_nights,
        )
