"""The seed pages end to end: read back from the curated Parquet with pandas and DuckDB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import seed

pytestmark = pytest.mark.prefect


def _table(curated: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(curated / name)


def _page_id(curated: Path, prefix: str) -> str:
    pages = _table(curated, "pages")
    uri = seed(prefix).resolve().as_uri()
    return str(pages.loc[pages.url == uri, "page_id"].iloc[0])


def _vacancies(curated: Path, prefix: str) -> pd.DataFrame:
    vacancies = _table(curated, "vacancy_sightings")
    return vacancies[vacancies.page_id == _page_id(curated, prefix)]


SEED_001_ROLES = [
    ("Team Manager", 41025, 44757, dt.date(2017, 6, 16)),
    ("Practice Manager", 36379, 41025, dt.date(2017, 6, 16)),
    ("Independent Reviewing Officer", 36379, 41025, dt.date(2017, 6, 16)),
    ("Senior Practitioner", 31601, 36379, dt.date(2017, 6, 16)),
    ("Social Worker", 27668, 36379, dt.date(2017, 6, 16)),
    ("Neighbourhood Outreach Worker", 16491, 17772, dt.date(2017, 6, 16)),
]


@pytest.mark.parametrize(("title", "low", "high", "closing"), SEED_001_ROLES)
def test_seed_001_roles_have_their_salary_and_closing_date(
    seeds_curated: Path, title: str, low: float, high: float, closing: dt.date
) -> None:
    rows = _vacancies(seeds_curated, "001")
    row = rows[rows.title_normalised == title]
    assert len(row) == 1, rows.title_normalised.tolist()
    assert (row.salary_min.iloc[0], row.salary_max.iloc[0]) == (low, high)
    assert row.salary_period.iloc[0] == "year"
    assert row.closing_date.iloc[0] == closing
    assert row.employer_name.iloc[0] == "Lancashire County Council"
    assert row.employer_gss_code.iloc[0] == "E10000017"
    assert row.region_name.iloc[0] == "North West"


def test_seed_001_residential_posts_at_the_bungalow_close_25_june(seeds_curated: Path) -> None:
    rows = _vacancies(seeds_curated, "001")
    bungalow = rows[rows.location_text.fillna("").str.contains("The Bungalow, Fulwood, Preston")]
    assert len(bungalow) == 1
    assert bungalow.closing_date.iloc[0] == dt.date(2017, 6, 25)
    assert bungalow.role_family.iloc[0] == "residential_care"
    assert pd.isna(bungalow.salary_min.iloc[0]), "no salary is stated for the residential posts"


def test_seed_001_has_exactly_the_advertised_roles(seeds_curated: Path) -> None:
    rows = _vacancies(seeds_curated, "001")
    assert len(rows) == len(SEED_001_ROLES) + 1


def test_seed_001_contacts_are_named_with_e164_phones(seeds_curated: Path) -> None:
    contacts = _table(seeds_curated, "contacts")
    contacts = contacts[contacts.page_id == _page_id(seeds_curated, "001")]
    pairs = set(zip(contacts.name, contacts.phone, strict=True))
    assert ("Paul McIntyre", "+447766367597") in pairs
    assert ("John Simpson", "+447824867413") in pairs


def test_seed_001_benefits(seeds_curated: Path) -> None:
    benefits = _table(seeds_curated, "benefits")
    categories = set(benefits[benefits.page_id == _page_id(seeds_curated, "001")].category)
    assert {"pension", "relocation", "cycle_to_work", "professional_fees"} <= categories


EAST_MIDLANDS = {
    "Derby City Council": "E06000015",
    "Derbyshire County Council": "E10000007",
    "Leicester City Council": "E06000016",
    "Leicestershire County Council": "E10000018",
    "Lincolnshire County Council": "E10000019",
    "Northamptonshire Children's Trust": None,
    "Nottingham City Council": "E06000018",
    "Nottinghamshire County Council": "E10000024",
    "Rutland County Council": "E06000017",
}


def test_seed_000_names_nine_employers_with_gss_codes(seeds_curated: Path) -> None:
    mentions = _table(seeds_curated, "employer_mentions")
    names = set(mentions[mentions.page_id == _page_id(seeds_curated, "000")].name)
    assert names == set(EAST_MIDLANDS)
    employers = _table(seeds_curated, "employers").set_index("name")
    for name, code in EAST_MIDLANDS.items():
        assert (employers.loc[name, "gss_code"] if code else None) == code
        assert employers.loc[name, "region_name"] == "East Midlands"
    trust = employers.loc["Northamptonshire Children's Trust"]
    assert sorted(trust.serves_gss_codes) == ["E06000061", "E06000062"]


def test_seed_000_nottingham_benefits_and_no_vacancies(seeds_curated: Path) -> None:
    page_id = _page_id(seeds_curated, "000")
    assert _vacancies(seeds_curated, "000").empty
    benefits = _table(seeds_curated, "benefits")
    nottingham = benefits[(benefits.page_id == page_id) & (benefits.employer_name == "Nottingham City Council")]
    assert {"pension", "annual_leave", "family_leave", "cycle_to_work", "wellbeing", "discounts"} <= set(
        nottingham.category
    )
    pension = nottingham[nottingham.category == "pension"].iloc[0]
    assert (pension.value, pension.unit) == (18.5, "percent")


def test_seed_004_offices_addresses_and_phones(seeds_curated: Path) -> None:
    contacts = _table(seeds_curated, "contacts")
    contacts = contacts[contacts.page_id == _page_id(seeds_curated, "004")]
    by_postcode = {pc: set(group.phone) for pc, group in contacts.groupby("postcode")}
    assert by_postcode == {
        "S40 2NT": {"+448081961750", "+441629532755"},
        "NG10 4LF": {"+448081961751", "+441629532706"},
    }
    assert contacts.address.str.contains("Hunloke Avenue").any()
    assert contacts.address.str.contains("Lime Terrace").any()
    assert "Alex Dale" not in " ".join(contacts.name.dropna())


def test_seed_004_has_no_closing_dates_or_vacancies(seeds_curated: Path) -> None:
    assert _vacancies(seeds_curated, "004").empty


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_campaign_and_information_pages_have_no_vacancies(seeds_curated: Path, prefix: str) -> None:
    assert _vacancies(seeds_curated, prefix).empty
    pages = _table(seeds_curated, "pages")
    kind = pages.loc[pages.page_id == _page_id(seeds_curated, prefix), "page_kind"].iloc[0]
    assert kind in ("campaign", "information")


def _duckdb(query: str) -> list[tuple[object, ...]]:
    relation = duckdb.sql(query)
    assert relation is not None
    return relation.fetchall()


def test_duckdb_reads_every_table_with_hive_partitioning(seeds_curated: Path) -> None:
    for table in ("pages", "vacancies", "contacts", "benefits", "employers", "rejects"):
        path = (seeds_curated / table).as_posix()
        count = _duckdb(f"select count(*) from read_parquet('{path}/**/*.parquet', hive_partitioning = true)")
        assert count[0][0] == len(pd.read_parquet(seeds_curated / table))
    titles = _duckdb(
        f"select title from read_parquet('{(seeds_curated / 'vacancies').as_posix()}/**/*.parquet',"
        " hive_partitioning = true) where salary_min = 41025"
    )
    assert titles == [("Team Manager",)]


def test_pyarrow_dataset_reads_with_hive_partitioning(seeds_curated: Path) -> None:
    import pyarrow.dataset as ds

    table = ds.dataset(seeds_curated / "vacancies", partitioning="hive").to_table()
    assert table.schema.field("closing_date").type == "date32[day]"
    assert table.schema.field("salary_min").metadata[b"description"]
