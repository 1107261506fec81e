"""Benefits in context, page cleaning, encodings, and real Civil Service Jobs pages."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.errors import InputError
from pipeline.extract.benefits import extract_benefits
from pipeline.extract.clean import html_blocks, parse_html, text_blocks
from pipeline.extract.decode import decode_bytes
from pipeline.extract.nlp import analyse
from pipeline.extract.page import extract_page
from tests.conftest import fixture, seed


def _benefits(text: str) -> set[str]:
    blocks = text_blocks(text)
    return {b.category for b in extract_benefits(blocks, analyse([b.text for b in blocks]))}


def test_benefits_need_a_staff_benefits_context() -> None:
    assert _benefits("Options include:\n\n  • help with equipment and travel expenses") == set()
    assert _benefits("We offer a cycle to work scheme and 30 days annual leave.") == {"cycle_to_work", "annual_leave"}


def test_benefit_values_come_from_their_own_clause() -> None:
    text = "We offer a £2,000 welcome payment, car lease scheme and 28 days annual leave."
    blocks = text_blocks(text)
    found = {(b.category, b.value, b.unit) for b in extract_benefits(blocks, analyse([b.text for b in blocks]))}
    assert found == {("enhancements", 2000.0, "GBP"), ("car_or_travel", None, None), ("annual_leave", 28.0, "days")}


def test_list_under_a_benefits_heading_keeps_unknown_items_as_other() -> None:
    text = "Rewards and benefits\n\n  • Cycle to work scheme.\n  • A long service award scheme."
    assert _benefits(text) == {"cycle_to_work", "other"}


def test_seed_004_icon_labels_and_skip_link_are_dropped() -> None:
    blocks = text_blocks(seed("004").read_text(encoding="utf-8"))
    assert not any("Untitled-1" in b.text or "Skip to content" in b.text for b in blocks)
    assert blocks[0].text == "How the leaving care service works"


def test_html_cleaning_drops_navigation_cookies_and_footer() -> None:
    html = (
        "<html><body><div class='cookie-banner'>We use cookies on this site.</div><nav><a>Jobs</a></nav>"
        "<main><h1>Social Worker</h1><p>Salary: £30,000</p></main><footer>Council House</footer></body></html>"
    )
    assert [b.text for b in html_blocks(parse_html(html))] == ["Social Worker", "Salary: £30,000"]


def test_broken_html_still_extracts() -> None:
    html = "<html><body><h1>Residential Support Worker<p>Salary: £25,000 - £27,000<p>Closing date: 8 December 2025"
    page = extract_page(html, True, dt.date(2025, 11, 1))
    assert [(v.title, v.closing.date if v.closing else None) for v in page.vacancies] == [
        ("Residential Support Worker", dt.date(2025, 12, 8))
    ]


def test_decode_detects_windows_1252_from_the_page() -> None:
    decoded = decode_bytes(fixture("job_detail_page.html").read_bytes())
    assert decoded.encoding == "cp1252" and "£53,730" in decoded.text and "you’ll" in decoded.text


def test_decode_rejects_empty_and_binary() -> None:
    with pytest.raises(InputError, match="empty"):
        decode_bytes(b"  \n ")
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)


def test_decode_utf8_and_bom() -> None:
    assert decode_bytes("£25,000".encode()).encoding == "utf-8"
    assert decode_bytes(b"\xef\xbb\xbf" + "£1".encode()).text == "£1"


def test_civil_service_detail_page() -> None:
    text = decode_bytes(fixture("job_detail_page.html").read_bytes()).text
    page = extract_page(text, True, dt.date(2023, 6, 20))
    (vacancy,) = page.vacancies
    assert vacancy.title == "Head of Policy Research"
    assert vacancy.salary is not None and (vacancy.salary.min, vacancy.salary.max) == (53730, 53730)
    assert vacancy.closing is not None and vacancy.closing.date == dt.date(2023, 7, 2)
    assert (vacancy.hours, vacancy.contract, vacancy.location_text) == ("full-time", "fixed-term", "Westminster")
    assert page.page_kind == "vacancy"
    assert {"annual_leave", "pension", "discounts", "wellbeing"} <= {b.category for b in page.benefits}
    assert "barryr@parliament.uk" in {c.email for c in page.contacts}


@pytest.mark.parametrize("name", ["result_page1.html", "result_page2.html"])
def test_civil_service_listing_pages(name: str) -> None:
    text = decode_bytes(fixture(name).read_bytes()).text
    page = extract_page(text, True, dt.date(2023, 6, 20))
    assert page.page_kind == "listing"
    assert len(page.vacancies) >= 20
    assert all(v.closing is not None and v.salary is not None for v in page.vacancies)
    assert all(v.salary.min is None or v.salary.min <= (v.salary.max or 0) for v in page.vacancies if v.salary)
    if name == "result_page1.html":
        crypto = next(v for v in page.vacancies if v.title == "Crypto Custodian")
        assert crypto.salary is not None and (crypto.salary.min, crypto.salary.max) == (27620, 32163)
        assert crypto.postcode == "SP4 0JQ"
