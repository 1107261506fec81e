"""Salary parsing: real snippets by where they came from, known misses, and properties."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.salaries import extract_salaries
from pipeline.normalise.salary import annualise

# (where it came from, text, expected (min, max, period) of the first salary)
REAL = [
    (
        "seed 001 Team Manager",
        "The closing date for these jobs is Friday 16 June 2017 and the salary range is from £41,025 - £44,757.",
        (41025, 44757, "year"),
    ),
    (
        "seed 001 Social Worker",
        "The salary range for the following posts is £27,668 - £36,379.",
        (27668, 36379, "year"),
    ),
    (
        "seed 001 Neighbourhood Outreach Worker",
        "The salary range for these Neighbourhood Outreach Worker roles is from £16,491 - £17,772.",
        (16491, 17772, "year"),
    ),
    ("civil service listing card", "Salary : £27,620 to £32,163", (27620, 32163, "year")),
    ("civil service detail page", "£53,730", (53730, 53730, "year")),
    ("issue 3 grade pattern", "Grade 7 – up to £44,019", (None, 44019, "year")),
    ("issue 3 hourly pattern", "£12.60 per hour", (12.6, 12.6, "hour")),
    ("issue 3 agency day rate", "£350 per day", (350, 350, "day")),
    ("sample Nottinghamshire night care", "Salary: £13.10 per hour pro rata", (13.1, 13.1, "hour")),
    (
        "sample Lancashire news",
        "£26,824 - £28,770 per annum, plus enhancements for weekend and night work",
        (26824, 28770, "year"),
    ),
    ("thousands shorthand", "£27k - £30k", (27000, 30000, "year")),
    ("shorthand sharing k", "£27 - 30k per annum", (27000, 30000, "year")),
    ("between ... and", "between £30,000 and £35,000 a year", (30000, 35000, "year")),
    ("monthly", "£2,000 per month", (2000, 2000, "month")),
    ("weekly", "£450 per week", (450, 450, "week")),
    ("hourly label", "Hourly rate: £12.60", (12.6, 12.6, "hour")),
    ("range without second pound sign", "£27,668 - 36,379", (27668, 36379, "year")),
    ("reversed range is sorted", "£36,379 - £27,668", (27668, 36379, "year")),
]


@pytest.mark.parametrize(("where", "text", "expected"), REAL, ids=[r[0] for r in REAL])
def test_real_salary_snippets(where: str, text: str, expected: tuple[float | None, float, str]) -> None:
    salaries = extract_salaries(text)
    assert salaries, f"no salary found in {where}"
    first = salaries[0]
    assert (first.min, first.max, first.period) == expected
    assert first.text in text or first.text.startswith(("up to", "from"))


NOT_SALARIES = [
    ("seed 001 City Deal", "increasing the size of the local economy by £1 billion."),
    ("seed 001 honorarium", "A £10 a day honorarium for practice educators."),
    (
        "seed 003 population",
        "Leeds is home to nearly a quarter of a million children and young people aged 19 or under.",
    ),
    ("sample Leeds spending", "Spending on placements rose to £96.4 million in 2024/25."),
    ("golden hello", "a golden hello of £2,000 for experienced social workers"),
    ("relocation", "relocation package of up to £8,000"),
    ("market supplement only", "Salary £25,000 plus £1,500 market supplement"),
    ("VONNE advert without figures", "£ Pro Rata"),
    ("VONNE advert without figures, annual", "£ Per Annum"),
    ("Teaching Vacancies pay scale only", "Support Staff Pay Scale Band 5 point 7-9"),
    ("Teaching Vacancies scale points only", "Scale 3, Point 4 – 5"),
    ("Teaching Vacancies pay scale points only", "Birmingham Pay scale Grade 3, points 9 - 22 depending on experience"),
    ("Teaching Vacancies field without figures", "Actual Annual Salary"),
]


@pytest.mark.parametrize(("where", "text"), NOT_SALARIES, ids=[r[0] for r in NOT_SALARIES])
def test_amounts_that_are_not_salaries(where: str, text: str) -> None:
    salaries = extract_salaries(text)
    assert all(s.max != 1500 for s in salaries)
    if "£25,000" not in text:
        assert salaries == []


def test_qualifiers_are_kept() -> None:
    (salary,) = extract_salaries("£24,000 - £26,000 pro rata plus enhancements")
    assert salary.pro_rata and salary.plus_enhancements
    (up_to,) = extract_salaries("up to £41,511")
    assert up_to.up_to and up_to.min is None


KNOWN_MISSES = [
    ("amount in words", "a salary of twenty-five thousand pounds", (25000, 25000, "year")),
    ("VONNE advert, range with its separator lost", "£29,02431,856 Pro Rata", (29024, 31856, "year")),
]

WITHOUT_POUND_SIGN = [
    ("figures after the word salary", "Salary 25,000 - 30,000 per annum", False, [(25000, 30000, "year")]),
    ("Teaching Vacancies salary field without a pound sign", "28,195.00 - 29,852.00", True, [(28195, 29852, "year")]),
    ("a count is not pay", "The council's pay bill covers 12,000 employees", False, []),
    ("a year is not pay", "Salary review 2023", False, []),
    ("figures without grouping are not money", "Salary 25000", False, []),
]


@pytest.mark.parametrize(
    ("where", "text", "labelled", "expected"), WITHOUT_POUND_SIGN, ids=[w[0] for w in WITHOUT_POUND_SIGN]
)
def test_figures_without_a_pound_sign_only_where_the_text_says_pay(
    where: str, text: str, labelled: bool, expected: list[tuple[float, float, str]]
) -> None:
    assert [(s.min, s.max, s.period) for s in extract_salaries(text, labelled)] == expected


@pytest.mark.parametrize(("where", "text", "expected"), KNOWN_MISSES, ids=[r[0] for r in KNOWN_MISSES])
@pytest.mark.xfail(strict=True, reason="known miss")
def test_known_misses(where: str, text: str, expected: tuple[float, float, str]) -> None:
    first = extract_salaries(text)[0]
    assert (first.min, first.max, first.period) == expected


def test_annualisation_constants() -> None:
    assert annualise(12.6, "hour") == round(12.6 * 37 * 52.143)
    assert annualise(350, "day") == round(350 * 5 * 52.143)
    assert annualise(2000, "month") == 24000
    assert annualise(None, "year") is None and annualise(100, None) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("£0123456789,.-k perhouryad annum to up pro rata")), max_size=60))
def test_salary_parser_never_raises_and_min_le_max(text: str) -> None:
    for salary in extract_salaries(text):
        assert salary.period in ("year", "month", "week", "day", "hour")
        if salary.min is not None and salary.max is not None:
            assert salary.min <= salary.max
        assert salary.min is not None or salary.max is not None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_salary_parser_never_raises_on_any_text(text: str) -> None:
    extract_salaries(text)


def _real_strings() -> list[tuple[str, str, float | None, float | None, str]]:
    path = Path(__file__).parent / "data" / "real_salary_strings.csv"
    with path.open(encoding="utf-8") as handle:
        return [
            (
                r["source"],
                r["text"],
                float(r["min"]) if r["min"] else None,
                float(r["max"]) if r["max"] else None,
                r["period"],
            )
            for r in csv.DictReader(handle)
        ]


REAL_STRINGS = _real_strings()


@pytest.mark.parametrize(
    ("source", "text", "low", "high", "period"), REAL_STRINGS, ids=[r[1][:40] for r in REAL_STRINGS]
)
def test_real_world_salary_strings(source: str, text: str, low: float | None, high: float | None, period: str) -> None:
    salaries = extract_salaries(text)
    assert salaries, f"nothing parsed from {text!r} ({source})"
    assert (salaries[0].min, salaries[0].max, salaries[0].period) == (low, high, period)


def test_real_world_salary_strings_are_distinct_and_at_least_300() -> None:
    texts = [r[1] for r in REAL_STRINGS]
    assert len(texts) == len(set(texts))
    assert len(texts) >= 300
