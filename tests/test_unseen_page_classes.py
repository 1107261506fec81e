"""Classes of failure found on real pages the rules had never seen (eval/fresh, development half), one
table per extractor. Each case is written in our own words in the shape the page used, and names the page's
address; the facts (names, figures, dates) are the page's."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.benefits import extract_benefits
from pipeline.extract.clean import text_blocks
from pipeline.extract.dates import extract_dates
from pipeline.extract.employers import extract_employers
from pipeline.extract.fields import label_fields
from pipeline.extract.nlp import analyse
from pipeline.extract.page import extract_page

REFERENCE = dt.date(2026, 12, 1)

EMPLOYER_SUBJECTS = [
    # (source, sentence, employer)
    (
        "essexschoolsjobs.co.uk VacancyId=114612",
        "Whitmore Primary School and Nursery has an exciting opportunity for a midday assistant.",
        "Whitmore Primary School and Nursery",
    ),
    (
        "publicsector.news/job/teaching-assistant-14",
        "The Governors of St Oswald's CofE Aided Primary & Nursery School are seeking to appoint a teaching assistant.",
        "St Oswald's CofE Aided Primary and Nursery School",
    ),
    (
        "jobijoba.co.uk/detail/92/d823ca6c",
        "All checks apply. Bournmoor Primary School is committed to the safety and protection of its children.",
        "Bournmoor Primary School",
    ),
]


@pytest.mark.parametrize(("source", "sentence", "employer"), EMPLOYER_SUBJECTS, ids=[c[0] for c in EMPLOYER_SUBJECTS])
def test_employer_named_as_the_subject_of_a_recruiting_statement(source: str, sentence: str, employer: str) -> None:
    assert [m.key for m in extract_employers(sentence)] == [employer]


@pytest.mark.parametrize(
    "sentence",
    ["The School is committed to safeguarding.", "Our Academy is looking for a teacher.", "We are seeking a nurse."],
)
def test_no_employer_from_a_bare_head_word(sentence: str) -> None:
    assert extract_employers(sentence) == []


DATES = [
    # (source, text, closing date): a weekday written with a yearless date picks the year it falls on
    ("teaching-vacancies 1-1-teaching-assistant-3-positions-available", "Closing Date: Friday 28th November",
     dt.date(2025, 11, 28)),
    # without a weekday the year is the reference year's (closing dates lie ahead)
    ("teaching-vacancies 1-1-teaching-assistant-3-positions-available", "Closing Date: 28th November",
     dt.date(2026, 11, 28)),
    # a closing date given as the day to return the form by
    ("docsbay.net family-first-11-18-support-worker",
     "Please complete the form and return by Friday, 14 November 2014.", dt.date(2014, 11, 14)),
]  # fmt: skip


@pytest.mark.parametrize(("source", "text", "closing"), DATES, ids=[f"{c[0]}: {c[1][:30]}" for c in DATES])
def test_closing_dates_on_unseen_pages(source: str, text: str, closing: dt.date) -> None:
    assert [d.date for d in extract_dates(text, REFERENCE) if d.is_closing] == [closing]


def _titles(text: str) -> list[str | None]:
    return [v.title for v in extract_page(text, False, REFERENCE, None).vacancies]


def _vacancies(text: str) -> list[tuple[str | None, float | None]]:
    found = extract_page(text, False, REFERENCE, None).vacancies
    return [(v.title, v.salary.min if v.salary else None) for v in found]


def test_a_title_field_titles_its_section_not_the_heading_above_it() -> None:
    # myjobscotland.gov.uk (Midlothian) and teaching-vacancies (Mercian Educational Trust): a section heading
    # ("KNOWLEDGE", "What skills and experience we're looking for") over a "Position Title:" field
    page = "\n\n".join(
        [
            "Assistant Manager – Children's Residential Services",
            "Salary: £48,370 - £52,879 per year\nContract Type: Permanent",
            "KNOWLEDGE",
            "Applicants need a degree in social work.\nClosing date - Sunday 15th March 2026",
            "Position Title: Assistant Manager\nContract Status: Permanent\nHours of Work: 36 hours per week",
        ]
    )
    found = extract_page(page, False, REFERENCE, None).vacancies
    assert [v.title for v in found] == ["Assistant Manager – Children's Residential Services"]
    assert found[0].closing is not None and found[0].closing.date == dt.date(2026, 3, 15)


def test_a_slash_joins_two_titles_into_one_combined_post() -> None:
    # essexschoolsjobs.co.uk VacancyId=114612
    text = (
        "Whitmore Primary School and Nursery has an exciting opportunity for a SEND Learning Support Assistant / "
        "Midday Assistant to join the team.\n\nClosing date: 24 November 2025\n\nWe are looking for an experienced "
        "SEND Learning Support Assistant / Midday Assistant to work in partnership with class teachers."
    )
    assert _titles(text) == ["SEND Learning Support Assistant / Midday Assistant"]


def test_a_pay_ladder_keeps_each_rung_of_one_title() -> None:
    # westsussex.gov.uk children's social work pay: one title on two grades, and a title opening with
    # "Newly Qualified"
    text = "\n\n".join(
        [
            "Child and Family Worker (Grade 7) - £23,080 - £25,481",
            "Newly Qualified Social Worker (Grade 9) - £33,274*",
            "Social Worker (Grade 10) - £37,024 - £40,213*",
            "Social Worker (Grade 11) - £41,538 - £44,865*",
        ]
    )
    assert _vacancies(text) == [
        ("Child and Family Worker", 23080.0),
        ("Newly Qualified Social Worker", 33274.0),
        ("Social Worker", 37024.0),
        ("Social Worker", 41538.0),
    ]


def test_a_pay_line_naming_the_minimum_wage_is_not_a_role() -> None:
    # tudhoelearningtrust.co.uk/vacancies
    text = (
        "We currently have the following vacancies:\n\nTeaching Assistant Apprentice\n\n"
        "- National Minimum Wage for Apprentices – £7.55 per hour\n\nClosing date for applications: 12th June 2025"
    )
    assert _vacancies(text) == [("Teaching Assistant Apprentice", 7.55)]


BENEFITS = [
    # (source, passage, category)
    ("jobijoba.co.uk/detail/92/6dad3660", "New starters will be provided with a robust induction.", "training"),
    ("tudhoelearningtrust.co.uk/vacancies", "You will study towards the Teaching Assistant Level 3 qualification.",
     "training"),
    ("workingforessex.com/role/children-families",
     "Our teams now work a 9-day working fortnight, which we offer to all staff.", "flexible_working"),
    ("tudhoelearningtrust.co.uk/vacancies", "Employee benefits include: onsite parking", "car_or_travel"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "passage", "category"), BENEFITS, ids=[f"{c[0]}: {c[2]}" for c in BENEFITS])
def test_benefits_on_unseen_pages(source: str, passage: str, category: str) -> None:
    blocks = label_fields(text_blocks(passage))
    found = {b.category for b in extract_benefits(blocks, analyse([b.text for b in blocks]))}
    assert category in found


def test_a_job_description_under_a_letterhead_is_read_as_one() -> None:
    # nugentcare.org job description (eval/providers p06): the organisation's name and address, then the
    # document's name, then the post in capitals
    page = "\n\n".join(
        ["NUGENT CARE", "99 Edge Lane, Liverpool, L7 2PE", "JOB DESCRIPTION", "CHILD CARE WORKER", "Duties follow."]
    )
    found = extract_page(page, False, REFERENCE, None)
    assert found.page_kind == "job_description"
    assert [v.title for v in found.vacancies] == ["CHILD CARE WORKER"]


def test_an_advert_that_links_its_job_description_stays_an_advert() -> None:
    page = (
        "Residential Support Worker\n\nJob description\n\nSalary: £26,403 - £28,598\n\n"
        "Closing date: 12 January 2026\n\nWe are looking for a residential support worker."
    )
    found = extract_page(page, False, REFERENCE, None)
    assert found.page_kind != "job_description"
    assert [v.title for v in found.vacancies] == ["Residential Support Worker"]


def test_one_title_over_lines_of_its_levels_pay_is_paid_across_them() -> None:
    # docsbay.net Knowsley social worker pack: one post, its pay stated per level under the title
    text = "\n\n".join(
        [
            "Social Worker",
            "ASYE - Pay Band J / SCP 32 - 34 / £27,924 - £29,558",
            "Qualified - Pay Band L / SCP 38 - 39 / £32,778 – £33,857",
            "Advanced – Pay Band M / SCP 40 – 41 / £34,746 - £35,662",
        ]
    )
    found = extract_page(text, False, REFERENCE, None).vacancies
    assert [(v.title, v.salary.min, v.salary.max) for v in found if v.salary] == [("Social Worker", 27924.0, 35662.0)]


def test_a_title_field_names_the_post_in_full_under_a_shorter_heading() -> None:
    # docstoc.com Oxfordshire educational psychologist advert: a heading that names the post in short, then the
    # job-title field with its service
    text = "\n".join(
        [
            "Job Title_ Educational Psychologist_ Educational Psychology Service",
            "Job Title: Educational Psychologist, Educational Psychology Service",
            "£32,069 - £43,092 pa",
            "Closing Date: 4pm on Friday 13th February 2009",
        ]
    )
    assert _titles(text) == ["Educational Psychologist, Educational Psychology Service"]


@pytest.mark.parametrize(
    ("source", "page", "title"),
    [
        # a job description opening on its purpose, the post named as its subject (eval/providers p12)
        ("children's home deputy manager job description", "Job Purpose\n\nThe role of the Deputy Manager (DM) is "
         "to support the Registered Manager in running a children's home.", "Deputy Manager"),
        # a job description heading, then a sentence about the post (eval/providers p13)
        ("residential care worker job description", "Job Description\n\nThe residential care worker will support "
         "children living in residential settings.", "Residential Care Worker"),
    ],
)  # fmt: skip
def test_a_job_description_names_its_post_as_the_subject_of_its_opening(source: str, page: str, title: str) -> None:
    found = extract_page(page, False, REFERENCE, None)
    assert found.page_kind == "job_description"
    assert [v.title for v in found.vacancies] == [title]


def test_a_sentence_opening_word_is_not_part_of_a_providers_name() -> None:
    # nugentcare.org job description (eval/providers p06)
    text = "Nugent Care is the social work service of the Archdiocese. Today Nugent Care is one of the charities."
    assert [m.key for m in extract_employers(text)] == ["Nugent Care", "Nugent Care"]
