"""History across nights: stable ids, first/last seen, status, snapshots, idempotent and out-of-order runs."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from pipeline.acquire.crawl import CrawlSpec
from pipeline.acquire.politeness import Politeness
from pipeline.config import Source
from pipeline.load.history import SourceNight, VacancyHistory, vacancy_status
from pipeline.load.schemas import TABLES
from pipeline.normalise.identity import resolve_vacancy_ids
from pipeline.runner import run_night
from tests.webserver import Site, page, send, serve

NIGHT1, NIGHT2, NIGHT3 = dt.date(2025, 11, 20), dt.date(2025, 11, 21), dt.date(2025, 12, 10)


def _advert(title: str, salary: str, closing: str) -> str:
    return f"{title}\n\nSalary: {salary} per annum\nClosing date: {closing}\nHours: 37 a week\n"


def _site(folder: Path, adverts: dict[str, str]) -> Source:
    """A source whose pages are exactly the files given (removed files are pages that went away)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    for name, text in adverts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return Source("derby-jobs", "Derby City Council", (folder,))


def _night(tmp_path: Path, night: dt.date, adverts: dict[str, str]) -> None:
    source = _site(tmp_path / "site", adverts)
    run_night([source], tmp_path / "raw", tmp_path / "curated", night)


def _vacancies(tmp_path: Path) -> pd.DataFrame:
    return pd.read_parquet(tmp_path / "curated" / "vacancies").set_index("title")


def _snapshots(tmp_path: Path) -> pa.Table:
    partitioning = ds.partitioning(pa.schema([("snapshot_date", pa.date32())]), flavor="hive")
    folder = str((tmp_path / "curated" / "vacancy_snapshots").resolve())
    return ds.dataset(folder, format="parquet", partitioning=partitioning).to_table()


RSW = _advert("Residential Support Worker", "£25,000 - £27,000", "15 December 2025")
NCW = _advert("Night Care Worker", "£24,000 - £25,500", "12 December 2025")
SW = _advert("Social Worker", "£38,000 - £42,000", "30 November 2025")


def test_a_vacancy_keeps_its_id_and_gains_first_seen_last_seen_and_status(tmp_path: Path) -> None:
    _night(tmp_path, NIGHT1, {"rsw.txt": RSW, "ncw.txt": NCW, "sw.txt": SW})
    first = _vacancies(tmp_path)
    assert set(first.status) == {"open"}
    # Night 2: the night care post was taken down before its closing date; the salary of the RSW post rose.
    _night(tmp_path, NIGHT2, {"rsw.txt": RSW.replace("£25,000", "£25,500"), "sw.txt": SW})
    second = _vacancies(tmp_path)
    assert second.vacancy_id.to_dict() == first.vacancy_id.to_dict(), "the same adverts keep their ids"
    assert second.loc["Night Care Worker", "status"] == "withdrawn"
    assert second.loc["Night Care Worker", "status_date"] == NIGHT2
    assert second.loc["Night Care Worker", "last_seen"] == NIGHT1
    assert second.loc["Residential Support Worker", "salary_min"] == 25500, "attributes of the latest night"
    assert (second.loc["Residential Support Worker", ["first_seen", "last_seen"]] == [NIGHT1, NIGHT2]).all()
    # Night 3 is after the social worker's closing date: closed, though still listed.
    _night(tmp_path, NIGHT3, {"rsw.txt": RSW, "sw.txt": SW})
    third = _vacancies(tmp_path)
    assert third.status.to_dict() == {
        "Night Care Worker": "withdrawn",
        "Residential Support Worker": "open",
        "Social Worker": "closed",
    }
    nights = pd.read_parquet(tmp_path / "curated" / "source_nights").set_index("snapshot_date")
    assert nights.loc[NIGHT1, ["vacancies_seen", "vacancies_new", "pages_changed"]].tolist() == [3, 3, 3]
    assert nights.loc[NIGHT2, ["vacancies_new", "vacancies_updated", "vacancies_withdrawn"]].tolist() == [0, 1, 1]
    assert nights.loc[NIGHT2, ["pages_changed", "pages_unchanged"]].tolist() == [1, 1]
    assert nights.loc[NIGHT3, ["vacancies_closed", "vacancies_open", "vacancies_updated"]].tolist() == [1, 1, 1]
    snapshots = _snapshots(tmp_path).to_pandas()
    assert snapshots.groupby("snapshot_date").size().to_dict() == {NIGHT1: 3, NIGHT2: 2, NIGHT3: 2}
    night1 = snapshots[snapshots.snapshot_date == NIGHT1].set_index("title")
    assert night1.loc["Residential Support Worker", "salary_min"] == 25000, "a past night stays as it was seen"


def test_rerunning_a_night_is_idempotent(tmp_path: Path) -> None:
    _night(tmp_path, NIGHT1, {"rsw.txt": RSW, "ncw.txt": NCW})
    _night(tmp_path, NIGHT2, {"rsw.txt": RSW})
    before = {t: pd.read_parquet(tmp_path / "curated" / t) for t in TABLES}
    _night(tmp_path, NIGHT2, {"rsw.txt": RSW})
    for table, frame in before.items():
        pd.testing.assert_frame_equal(frame, pd.read_parquet(tmp_path / "curated" / table), obj=table)


def _history(tmp_path: Path, order: list[int]) -> dict[str, pd.DataFrame]:
    nights = [
        (NIGHT1, {"rsw.txt": RSW, "ncw.txt": NCW, "sw.txt": SW}),
        (NIGHT2, {"rsw.txt": RSW, "sw.txt": SW}),
        (NIGHT3, {"rsw.txt": RSW}),
    ]
    for index in order:
        _night(tmp_path, *nights[index])
    # Which run read a page (run_id) differs with the order, and the file URLs (page_id, page_urls) with the
    # folder of each history; what each night saw does not.
    snapshots = _snapshots(tmp_path).to_pandas().drop(columns=["run_id", "page_id", "page_urls"])
    return {
        "vacancies": _vacancies(tmp_path).drop(columns=["page_id"]).sort_index(),
        "snapshots": snapshots.sort_values(["snapshot_date", "vacancy_id"]).reset_index(drop=True),
        "source_nights": pd.read_parquet(tmp_path / "curated" / "source_nights").drop(
            columns=["run_id", "pages_changed", "pages_unchanged"]
        ),
    }


def test_nights_run_out_of_order_give_the_same_history(tmp_path: Path) -> None:
    in_order = _history(tmp_path / "a", [0, 1, 2])
    shuffled = _history(tmp_path / "b", [2, 0, 1])
    again = _history(tmp_path / "c", [0, 1, 2, 0])  # an old night run again after later ones
    for name, frame in in_order.items():
        pd.testing.assert_frame_equal(frame, shuffled[name], obj=name)
        pd.testing.assert_frame_equal(frame, again[name], obj=name)
    assert in_order["vacancies"].status.to_dict() == {
        "Night Care Worker": "withdrawn",
        "Residential Support Worker": "open",
        "Social Worker": "closed",
    }


def test_a_listing_entry_and_its_detail_page_are_one_vacancy(tmp_path: Path) -> None:
    listing = "Current vacancies\n\nResidential Support Worker\nSalary: £25,000 - £27,000 per annum\n"
    _night(tmp_path, NIGHT1, {"listing.txt": listing, "rsw.txt": RSW})
    vacancies = pd.read_parquet(tmp_path / "curated" / "vacancies")
    assert len(vacancies) == 1
    assert vacancies.pages_seen.tolist() == [2]
    sightings = pd.read_parquet(tmp_path / "curated" / "vacancy_sightings")
    assert sightings.vacancy_id.nunique() == 1 and len(sightings) == 2


def test_identity_rule_needs_exactly_one_dated_match() -> None:
    def row(vacancy_id: str, closing: dt.date | None) -> dict[str, object]:
        return {"vacancy_id": vacancy_id, "source_id": "s", "employer_name": "E", "title": "Social Worker",
                "closing_date": closing}  # fmt: skip

    one = [row("undated", None), row("dated", dt.date(2025, 12, 1))]
    assert resolve_vacancy_ids(one) == {"undated": "dated"}
    two = [*one, row("dated-2", dt.date(2026, 1, 5))]
    assert resolve_vacancy_ids(two) == {}, "two adverts of the same title: the listing entry stays apart"


def test_status_rules() -> None:
    nights = [NIGHT1, NIGHT2, NIGHT3]
    gone_early = VacancyHistory("s", closing_date=dt.date(2025, 12, 1), seen={NIGHT1})
    assert vacancy_status(gone_early, nights, NIGHT3).status == "withdrawn"  # type: ignore[union-attr]
    gone_after_closing = VacancyHistory("s", closing_date=dt.date(2025, 11, 20), seen={NIGHT1})
    assert vacancy_status(gone_after_closing, nights, NIGHT3).status == "closed"  # type: ignore[union-attr]
    undated_gone = VacancyHistory("s", closing_date=None, seen={NIGHT1})
    assert vacancy_status(undated_gone, nights, NIGHT3).status == "closed"  # type: ignore[union-attr]
    carried = VacancyHistory("s", closing_date=dt.date(2026, 1, 1), seen={NIGHT1}, carried={NIGHT2, NIGHT3})
    status = vacancy_status(carried, nights, NIGHT3)
    assert status is not None and (status.status, status.last_seen, status.nights_seen) == ("open", NIGHT1, 1)


def test_carrying_forward_needs_every_page_unobserved() -> None:
    night = SourceNight("s", read_urls=frozenset({"a"}), unreadable_urls=frozenset({"b", "c"}))
    assert night.carries(["b", "c"]) and not night.carries(["a", "b"]) and not night.carries(["d"])
    assert SourceNight("s", additive=True).carries(["d"]), "ingest: pages not given are not observed"


def _crawled(base: str) -> Source:
    spec = CrawlSpec(start_urls=(f"{base}/careers",), follow=("/careers/",), max_depth=1, revisit_days=0)
    return Source("derby-careers", "Derby City Council", crawl=spec, politeness=Politeness(min_delay=0.0))


def test_a_page_that_fails_for_a_night_carries_its_vacancy_and_a_page_that_is_gone_withdraws_it(
    tmp_path: Path,
) -> None:
    site = Site()
    links = '<a href="/careers/rsw">RSW</a> <a href="/careers/sw">SW</a>'
    site.routes["/careers"] = lambda h: send(h, 200, page("Jobs", links))
    adverts = {"/careers/rsw": RSW, "/careers/sw": SW.replace("30 November", "30 December")}
    for path, text in adverts.items():
        site.routes[path] = functools.partial(send, status=200, body=text.encode(), content_type="text/plain")
    server, base = serve(site)
    try:
        source, raw, curated = _crawled(base), tmp_path / "raw", tmp_path / "curated"
        run_night([source], raw, curated, NIGHT1)
        site.routes["/careers/rsw"] = lambda h: send(h, 503)  # down tonight: not evidence that the post went
        site.routes.pop("/careers/sw")  # 404: the advert was taken down before its closing date
        summary = run_night([source], raw, curated, NIGHT2)
    finally:
        server.shutdown()
    vacancies = pd.read_parquet(curated / "vacancies").set_index("title")
    assert vacancies.status.to_dict() == {"Residential Support Worker": "open", "Social Worker": "withdrawn"}
    assert vacancies.loc["Residential Support Worker", "last_seen"] == NIGHT1, "carried, not seen"
    night2 = _snapshots(tmp_path).to_pandas().query("snapshot_date == @NIGHT2")
    assert night2.carried_forward.tolist() == [True]
    assert summary.per_source["derby-careers"]["pages_failed"] == 2
    nights = pd.read_parquet(curated / "source_nights").set_index("snapshot_date")
    assert nights.loc[NIGHT2, ["vacancies_carried", "vacancies_withdrawn"]].tolist() == [1, 1]


def test_an_extended_closing_date_supersedes_the_earlier_vacancy(tmp_path: Path) -> None:
    _night(tmp_path, NIGHT1, {"rsw.txt": RSW, "ncw.txt": NCW})
    extended = RSW.replace("15 December 2025", "5 January 2026")
    _night(tmp_path, NIGHT2, {"rsw.txt": extended, "ncw.txt": NCW})
    vacancies = pd.read_parquet(tmp_path / "curated" / "vacancies").set_index("closing_date")
    earlier, later = vacancies.loc[dt.date(2025, 12, 15)], vacancies.loc[dt.date(2026, 1, 5)]
    assert (earlier.status, earlier.superseded_by) == ("closed", later.vacancy_id), "not withdrawn"
    assert later.status == "open" and pd.isna(later.superseded_by)
    night2 = pd.read_parquet(tmp_path / "curated" / "source_nights").set_index("snapshot_date").loc[NIGHT2]
    assert night2[["vacancies_new", "vacancies_updated", "vacancies_withdrawn"]].tolist() == [0, 1, 0]


def test_a_second_advert_of_the_same_title_is_not_taken_for_an_extension(tmp_path: Path) -> None:
    other = RSW.replace("15 December 2025", "5 January 2026")
    _night(tmp_path, NIGHT1, {"rsw.txt": RSW})
    _night(tmp_path, NIGHT2, {"rsw.txt": RSW, "rsw-2.txt": other})  # both listed: two posts
    _night(tmp_path, NIGHT3, {"rsw-2.txt": other})
    vacancies = pd.read_parquet(tmp_path / "curated" / "vacancies").set_index("closing_date")
    assert vacancies.superseded_by.isna().all()
    assert vacancies.loc[dt.date(2025, 12, 15), "status"] == "withdrawn"
