"""Classes of failure found on a third batch of real pages the rules had never seen (the development halves of
eval/fresh3 and eval/providers3, and eval/fresh2's held-out misses read after its final run). Each case is
written in our own words in the shape the page used, and names the page's address; the facts (names,
figures, dates) are the page's. Its single-advert title cases and benefit cases sit in the tables of
tests/test_fresh_page_classes.py."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.clean import text_blocks
from pipeline.extract.models import VacancyCandidate
from pipeline.extract.nlp import analyse
from pipeline.extract.page import extract_page

REFERENCE = dt.date(2026, 12, 1)


def _found(text: str) -> list[VacancyCandidate]:
    return list(extract_page(text, False, REFERENCE, None).vacancies)


def _titles(text: str) -> list[str | None]:
    return [v.title for v in _found(text)]


def test_markdown_bold_gives_a_heading_and_a_field() -> None:
    # a job board's capture of a police force's advert (Norfolk Constabulary, CAID auditor): the title is a bold
    # line of its own and the pay label is bold
    page = (
        "**Child Abuse Images Database (CAID) National Auditor**\n\n"
        "Closing Date: Friday 8 December 2023 at 5pm\n"
        "Work Type: Full Time (37 hours) - Temporary\n\n"
        "**Salary**: £57,033 - £62,220 per annum\n"
    )
    [found] = _found(page)
    assert found.title == "Child Abuse Images Database (CAID) National Auditor"
    assert found.salary is not None and (found.salary.min, found.salary.max) == (57033, 62220)
    assert found.closing is not None and found.closing.date == dt.date(2023, 12, 8)
    assert found.contract == "temporary"  # "Work Type" is a contract label


def test_a_footnote_mark_is_no_emphasis() -> None:
    # a pay table's footnote marks (Kent's specialist children's services payments)
    texts = [b.text for b in text_blocks("Paid Monthly  Yes **  Yes **\n\n** Candidates appointed to the teams below")]
    assert texts[0] == "Paid Monthly Yes ** Yes **"


PROSE_POSTS = [
    # (source, page, titles)
    ("careappointments.com Liverpool news item",
     "Liverpool City Council recruits 31 more child social workers\n\n"
     "The city is recruiting dozens more child social workers for its most vulnerable families.\n\n"
     "The jobs are for 24 social workers and deputy team leaders, who will work with families.",
     ["Deputy Team Leader"]),
    ("thesovereigntrust.uk Springboard Project advert",
     "Ref: 001162\nThe Trustees are looking to recruit to the post of Head of English\n"
     "Teachers’ Pay Scale, with TLR2 (£3,527 per annum)",
     ["Head of English"]),
]  # fmt: skip


@pytest.mark.parametrize(("source", "page", "titles"), PROSE_POSTS, ids=[c[0] for c in PROSE_POSTS])
def test_posts_announced_in_prose(source: str, page: str, titles: list[str]) -> None:
    found = _titles(page)
    assert all(t in found for t in titles), found


def test_a_possessive_title_and_an_allowance_are_no_post_and_no_pay() -> None:
    # the Springboard Project advert: the pay scale is the teachers', and the TLR's figure is an allowance
    [found] = _found(
        "The Trustees are looking to recruit to the post of Head of English\n"
        "Teachers’ Pay Scale, with TLR2 (£3,527 per annum)\nSEN Allowance £2,787 per annum"
    )
    assert (found.title, found.salary) == ("Head of English", None)


def test_a_heading_naming_the_post_of_a_title() -> None:
    # a Knowsley application pack: the capitalised heading, then "Post of ..." over the letter
    page = (
        "SOCIAL WORKER [TRANSITION]\n\nSalary: £27,924 - £29,558\n\nPost of Social Worker [Transition]\n\n"
        "Please complete the form and returnby Monday, 6 April 2015.\n"
    )
    [found] = _found(page)
    assert found.closing is not None and found.closing.date == dt.date(2015, 4, 6)


def test_a_full_time_equivalent_salary_names_no_hours() -> None:
    # Essex County Council's Independent Reviewing Officer advert
    page = (
        "Independent Reviewing Officer\n\nPermanent, Part Time\n\n"
        "£46,574 to £56,027 per annum (full time equivalent)\n\n"
        "This is a part time role of 22.2 hours per week.\n"
    )
    assert [(v.hours, v.hours_per_week) for v in _found(page)] == [("part-time", 22.2)]


def test_a_headings_function_words_are_no_part_of_its_title() -> None:
    # Public Appointments: "Introduction from the Chair" heads a letter, not a post called that
    from pipeline.extract.models import Block
    from pipeline.extract.roles import role_mentions

    text = "Introduction from the Chair"
    [doc] = analyse([text])
    assert [m.title for m in role_mentions(Block("heading", text, level=2), doc)] != [text]


def test_a_back_link_is_navigation() -> None:
    # Public Appointments service: "Back" above the appointment's details
    assert [b.text for b in text_blocks("Back\n\nAppointment details")] == ["Appointment details"]


EMPLOYERS = [
    # (source, page, employer)
    ("northkentmind.co.uk sessional therapist advert",
     "North Kent Mind is seeking qualified Sessional Therapists to join its children's team.\n"
     "Therapists deliver short interventions across Medway.",
     "North Kent Mind"),
    # a job board names the council in its header; the advert's governors name the school: the school recruits
    ("jobleads Durham nursery teaching assistant",
     "Nursery Teaching Assistant\n\nDurham County Council\n\nJob description\n\n"
     "The Governors of Wolsingham Primary School wish to appoint a Teaching Assistant to work in the Nursery.",
     "Wolsingham Primary School"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "page", "employer"), EMPLOYERS, ids=[c[0] for c in EMPLOYERS])
def test_employers_on_unseen_pages(source: str, page: str, employer: str) -> None:
    assert extract_page(page, False, REFERENCE, None).primary_employer == employer


def test_trustees_alone_name_no_employer() -> None:
    page = "The Trustees are looking to recruit to the post of Head of English\nSalary: £40,000 per annum"
    assert extract_page(page, False, REFERENCE, None).primary_employer is None


def test_a_pay_table_of_titles_each_followed_by_its_figure() -> None:
    # a council's social work pay table (medium.com capture): a line that is no known title and its figure, then
    # titled lines each followed by theirs; a figure is the title's above it, never the next title's
    page = "ASYE\n\n£32,251\n\nSocial Worker\n\n£34,688 – £38,476\n\nTeam Manager\n\n£44,838 – £50,711\n"
    pay = {v.title: (v.salary.min, v.salary.max) for v in _found(page) if v.salary}
    assert pay["Social Worker"] == (34688, 38476) and pay["Team Manager"] == (44838, 50711)


def test_a_markdown_table_of_fields() -> None:
    # Find a Job's capture of a nursery's advert: fields as "| Label: | value |" rows under a rule row
    page = (
        "Nursery Practitioner\n| Posting date: | 04 February 2026 |\n|---|---|\n"
        "| Salary: | £25,608 to £27,000 per year |\n| Closing date: | 06 March 2026 |\n"
        "| Company: | The Oaks Day Nursery |\n"
    )
    extraction = extract_page(page, False, REFERENCE, None)
    [found] = extraction.vacancies
    assert (found.title, found.closing and found.closing.date) == ("Nursery Practitioner", dt.date(2026, 3, 6))
    assert extraction.primary_employer == "The Oaks Day Nursery"


def test_a_job_board_in_a_company_field_is_no_employer() -> None:
    # Find a Job lists an NHS Jobs advert with "Company: NHS Jobs" (corpus d08)
    from pipeline.extract.employers import employer_in_field

    assert employer_in_field("NHS Jobs") is None
    assert employer_in_field("Teaching Vacancies") is None


def test_a_school_after_a_titles_dash_before_a_note() -> None:
    # myjobscotland: "Early Years Officer - Chirnside Primary School, Internal Vacancy Only" over its fields
    page = (
        "Early Years Officer - Chirnside Primary School, Internal Vacancy Only\n"
        "Salary: £31,828.33 - £34,857.83 per year pro rata\nContract Type: Temporary\n"
    )
    assert extract_page(page, False, REFERENCE, None).primary_employer == "Chirnside Primary School"


def test_a_locum_appointment_for_training_is_fixed_term() -> None:
    # NHS Greater Glasgow and Clyde's StR LAT information pack: a training post, not agency work
    from pipeline.extract.terms import extract_contract

    assert extract_contract("The posts will be Locum Appointments for Training until 4th February 2014") == "fixed-term"
    assert extract_contract("Locum Social Worker, £40 per hour") == "agency"
