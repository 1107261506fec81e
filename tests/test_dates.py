"""Dates: UK day-first, closing-date cues, years inferred from the reference date; properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.dates import extract_dates, resolve_year

REF = dt.date(2017, 6, 1)
REAL = [
    ("seed 001 closing", "The closing date for these jobs is Friday 16 June 2017.", dt.date(2017, 6, 16), True),
    ("seed 001 residential", "The closing date for these jobs is Sunday 25 June 2017.", dt.date(2017, 6, 25), True),
    (
        "seed 004 service start",
        "From 1 July 2019 we are delivering the leaving care service.",
        dt.date(2019, 7, 1),
        False,
    ),
    (
        "seed 004 policy start",
        "this new policy makes them clearer and starts from 1 March 2019.",
        dt.date(2019, 3, 1),
        False,
    ),
    ("civil service apply before", "Apply before 10:00 pm on Sunday 2nd July 2023", dt.date(2023, 7, 2), True),
    (
        "civil service application by",
        "Please complete your online application by 22:00 on Sunday the 2nd of July 2023",
        dt.date(2023, 7, 2),
        True,
    ),
    ("civil service card", "Closes : 11:50 pm on Sunday 2nd July 2023", dt.date(2023, 7, 2), True),
    ("numeric day first", "Closing date: 05/06/2017", dt.date(2017, 6, 5), True),
    ("welsh label", "Dyddiad cau: 12 Mehefin 2025", dt.date(2025, 6, 12), True),
    ("interview is not closing", "Interviews will be held on 20 June 2017", dt.date(2017, 6, 20), False),
    ("US order with year", "Closing date: June 30, 2017", dt.date(2017, 6, 30), True),
]


@pytest.mark.parametrize(("where", "text", "date", "closing"), REAL, ids=[r[0] for r in REAL])
def test_real_date_snippets(where: str, text: str, date: dt.date, closing: bool) -> None:
    (mention,) = extract_dates(text, REF)
    assert (mention.date, mention.is_closing) == (date, closing)


def test_closing_and_interview_in_one_sentence() -> None:
    mentions = extract_dates("Closing date 5 July, interviews 12 July", REF)
    assert [(m.date, m.is_closing, m.year_inferred) for m in mentions] == [
        (dt.date(2017, 7, 5), True, True),
        (dt.date(2017, 7, 12), False, True),
    ]


def test_invalid_dates_are_dropped() -> None:
    assert extract_dates("Closing date: 31 June 2017", REF) == []
    assert extract_dates("Closing date: 31/02/2017", REF) == []


def test_year_inference_prefers_the_coming_date() -> None:
    assert resolve_year(1, 10, dt.date(2025, 11, 20)) == dt.date(2026, 1, 10)
    assert resolve_year(11, 1, dt.date(2025, 11, 20)) == dt.date(2025, 11, 1)


def test_a_yearless_date_without_reference_is_not_guessed() -> None:
    assert extract_dates("Closes 14th July", None) == []


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(["{d} {B} {Y}", "{d}/{m}/{Y}", "{A} {d} {B} {Y}", "{d}th of {B} {Y}"]),
)
def test_formatted_dates_round_trip(date: dt.date, form: str) -> None:
    text = "Closing date: " + form.format(
        d=date.day, m=f"{date.month:02d}", Y=date.year, B=date.strftime("%B"), A=date.strftime("%A")
    )
    mentions = extract_dates(text, REF)
    assert [m.date for m in mentions] == [date]
    assert mentions[0].is_closing


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)))
def test_date_parser_never_raises_and_dates_are_valid(text: str, reference: dt.date) -> None:
    for mention in extract_dates(text, reference):
        assert isinstance(mention.date, dt.date)
        assert 1990 <= mention.date.year <= 2101
