"""Field labels: glued, piped and listed labels; titles kept whole without grades, references or places."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.fields import label_fields, split_glued
from pipeline.extract.models import Block
from pipeline.extract.roles import clean_title

GLUED = [
    ("a title glued to the next label", "Residential CareLocation: Anytown", ["Residential Care", "Location: Anytown"]),
    (
        "a heading glued after the contract",
        "Job Type: Full-time, PermanentAbout the Role",
        ["Job Type: Full-time, Permanent", "About the Role"],
    ),
    (
        "a person specification's labels in capitals on one line",
        "JOB TITLE: Social Worker POST NO: 1045281 GRADE: 9",
        ["JOB TITLE: Social Worker", "POST NO: 1045281", "GRADE: 9"],
    ),
    ("a label inside its own label is not cut", "Rate of Pay: £12.00 per hour", ["Rate of Pay: £12.00 per hour"]),
    ("prose with a colon is not cut", "We pay a good salary: come and see", ["We pay a good salary: come and see"]),
]


@pytest.mark.parametrize(("where", "text", "parts"), GLUED, ids=[g[0] for g in GLUED])
def test_glued_labels_are_cut(where: str, text: str, parts: list[str]) -> None:
    assert split_glued(text) == parts


def test_piped_cells_and_list_items_become_fields() -> None:
    blocks = [
        Block("paragraph", "Salary | £32,448 - £36,541 |"),
        Block("item", "Hours:", para=3),
        Block("item", "Full Time", para=3),
        Block("item", "Contractual Status:", para=4),
        Block("item", "Permanent", para=4),
        Block("item", "Contact", para=5),
        Block("item", "About us", para=6),  # a menu: the next item is not the value of "Contact"
    ]
    fields = [(b.label, b.text) for b in label_fields(blocks) if b.kind == "field"]
    assert fields == [("salary", "£32,448 - £36,541"), ("hours", "Full Time"), ("contract", "Permanent")]


TITLES = [
    (
        "band before the title",
        "Band 6 Social Worker - Looked After Children Team",
        "Social Worker - Looked After Children Team",
    ),
    (
        "reference number and suffix",
        "202308: Youth Justice Worker – HMYOI Cookham Wood – 77826",
        "Youth Justice Worker",
    ),
    ("number of posts", "TEACHERS OF MATHEMATICS – 2 POSTS (UPS/MPS)", "TEACHERS OF MATHEMATICS"),
    ("a place after the title", "Social Worker - Kendal", "Social Worker"),
    (
        "an employer and place after the title",
        "Residential Support Worker - Bright Homes Ltd, Telford",
        "Residential Support Worker",
    ),
    ("a specialism stays", "Team Manager - Adoption Team", "Team Manager - Adoption Team"),
    ("a post after a category stays", "Army - Assistant Campaign Manager", "Army - Assistant Campaign Manager"),
    ("a contract note in brackets", "Interim Service Manager (locum)", "Interim Service Manager"),
    ("an advert noun at the end", "Trainee Health Visitor Opportunity", "Trainee Health Visitor"),
    ("a form's prefix", "Applying for: Head of Physics", "Head of Physics"),
    ("a bilingual title", "Gweithiwr Cymdeithasol / Social Worker", "Social Worker"),
]


@pytest.mark.parametrize(("where", "text", "title"), TITLES, ids=[t[0] for t in TITLES])
def test_titles_keep_what_the_advert_calls_the_post(where: str, text: str, title: str) -> None:
    assert clean_title(text) == title


@given(st.text(max_size=120))
def test_title_cleaning_and_label_splitting_never_raise(text: str) -> None:
    cleaned = clean_title(text)
    assert len(cleaned) <= len(" ".join(text.split())) + 1
    parts = split_glued(text)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split()), "cutting loses no text"


def test_a_label_whose_colon_was_lost_before_a_figure_is_a_field() -> None:
    blocks = [Block("paragraph", "Salary 36,000 (including sleep-ins)"), Block("paragraph", "Salary is negotiable")]
    fields = label_fields(blocks)
    assert (fields[0].kind, fields[0].label, fields[0].text) == ("field", "salary", "36,000 (including sleep-ins)")
    assert fields[1].kind == "paragraph"


def test_a_place_line_under_a_title_does_not_end_the_advert() -> None:
    import datetime as dt

    from pipeline.extract.page import extract_page

    page = "Senior Care Worker\n\nMalvern, ENG, GB, United Kingdom\n\nHours:\n\n39 per week\n\nSalary 36,000\n"
    (vacancy,) = extract_page(page, False, dt.date(2025, 11, 20)).vacancies
    assert (vacancy.title, vacancy.salary.max if vacancy.salary else None) == ("Senior Care Worker", 36000.0)


def test_a_job_description_names_its_role_and_is_not_an_advert() -> None:
    import datetime as dt

    from pipeline.extract.page import extract_page

    page = "Job Description: Residential Support Worker\n\nResponsible to: Registered Manager\n\nGrade: 4\n"
    extraction = extract_page(page, False, dt.date(2025, 11, 20))
    assert extraction.page_kind == "job_description"
    assert [v.title for v in extraction.vacancies] == ["Residential Support Worker"]
