"""Classes of failure found on a fourth batch of real pages the rules had never seen (the development half of
eval/fresh4) and on the misses of earlier batches read after their final runs. Each case is written in our
own words in the shape the page used, and names the page's address; the facts (names, figures, dates) are
the page's."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.clean import text_blocks
from pipeline.extract.employers import employer_in_field, extract_employers
from pipeline.extract.fields import label_fields
from pipeline.extract.models import VacancyCandidate
from pipeline.extract.page import extract_page
from pipeline.extract.salaries import extract_salaries, grade_only
from pipeline.extract.terms import terms_only

REFERENCE = dt.date(2026, 12, 1)


def _found(text: str) -> list[VacancyCandidate]:
    return list(extract_page(text, False, REFERENCE, None).vacancies)


CHIPS = [
    # (line, a chip?) job boards and recruitment packs set hours, contract and grade lines under a title
    ("Permanent", True),
    ("Full time, Permanent", True),
    ("Part-time | Temporary", True),
    ("Fixed Term Contract", True),
    ("Temporary Part-Time Classroom Assistant", False),
    ("Permanent Carers", False),
    ("Contents", False),
]


@pytest.mark.parametrize(("line", "chip"), CHIPS)
def test_a_line_of_hours_and_contract_words_alone_is_a_chip(line: str, chip: bool) -> None:
    assert terms_only(line) is chip


GRADES = [
    ("Pay Band Q / SCP 48 - 49", True),  # docest.com Knowsley recruitment pack (eval/fresh3, read after its run)
    ("Grade 7", True),
    ("Band 8a", True),
    ("Scale Point 27-31", True),
    ("Grade: LS10", True),
    ("Band 6 Staff Nurse", False),
    ("Level 3 Practitioner", False),
    ("Pay Scale", False),
]


@pytest.mark.parametrize(("line", "grade"), GRADES)
def test_a_line_that_states_only_a_grade_is_pay_not_a_heading(line: str, grade: bool) -> None:
    assert grade_only(line) is grade


def test_chips_and_grade_lines_under_a_title_are_the_adverts_facts() -> None:
    # docest.com Knowsley "Child Protection and Review Manager" pack: grade, pay and contract each on a line
    page = (
        "Child Protection and Review Manager\n\nPay Band Q / SCP 48 - 49\n\n£42,899 - £43,821 per annum\n\n"
        "Permanent\n\nJob reference: CVP363\n"
    )
    assert [b.kind for b in text_blocks(page)][:4] == ["heading", "paragraph", "paragraph", "paragraph"]
    [found] = _found(page)
    assert (found.title, found.contract) == ("Child Protection and Review Manager", "permanent")
    assert found.salary is not None and (found.salary.min, found.salary.max) == (42899, 43821)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # findajob.dwp.gov.uk nursery practitioner: the board's period menu says month for a yearly salary
        ("£25,608 to £27,000 per month", (25608, 27000, "year")),
        ("£2,500 per month", (2500, 2500, "month")),
        ("£450 per day", (450, 450, "day")),
    ],
)
def test_a_yearly_sized_figure_under_a_shorter_period_is_yearly(text: str, expected: tuple[float, float, str]) -> None:
    [salary] = extract_salaries(text)
    assert (salary.min, salary.max, salary.period) == expected


def test_an_hourly_rate_in_a_salary_field_needs_no_pound_sign() -> None:
    # teaching-vacancies.service.gov.uk one-to-one teaching assistant (eval/fresh, read after its run): "13.28"
    [salary] = extract_salaries("13.28", labelled=True)
    assert (salary.min, salary.max, salary.period) == (13.28, 13.28, "hour")
    assert extract_salaries("13.28 per annum", labelled=True) == []
    assert extract_salaries("13.28") == []  # outside a salary field a bare figure is no pay


TEACHING_VACANCIES = (
    "14 days remaining to apply\n\n  • Closing date\n\n    8 February 2026 at 10pm\n\nJob details\n\n"
    "Job role\n\n  • Teaching assistant\n\nKey stage\n\nEarly years, Key stage 1, Key stage 2\n\n"
    "Working pattern\n\nPart time\n\nContract type\n\nFixed term\n\n"
    "SEND Teaching Assistant job summary\n\nSalary: £15,652 - £17,490 actual per annum\n"
)


def test_a_capture_of_label_lines_and_value_lines_gives_fields() -> None:
    # teaching-vacancies.service.gov.uk SEND teaching assistant (eval/fresh2, read after its run): each label is
    # a line of its own, its value (sometimes a bullet) the next
    fields = {b.label: b.text for b in label_fields(text_blocks(TEACHING_VACANCIES)) if b.kind == "field"}
    assert fields["closing"].startswith("8 February 2026")
    assert fields["title"] == "Teaching assistant"
    assert fields["details"] == "Early years, Key stage 1, Key stage 2"  # a key stage is no heading


def test_a_boards_job_role_category_and_the_adverts_own_title_are_one_post() -> None:
    [found] = _found(TEACHING_VACANCIES)
    assert found.title == "SEND Teaching Assistant"
    assert found.closing is not None and found.closing.date == dt.date(2026, 2, 8)
    assert (found.hours, found.contract) == ("part-time", "fixed-term")


PROSE_POSTS = [
    # (source, page, titles)
    ("theguardian.com Kent social care network feature",
     "Career opportunities for enthusiastic social workers\n\n"
     "As part of the campaign, it wants to bring new team managers, senior practitioners and children's social "
     "workers into the council.",
     ["Team Manager", "Senior Practitioner", "Children's Social Worker"]),
    ("communitycare.co.uk chief social workers news item",
     "The government has launched its recruitment campaign for two chief social workers, offering up to "
     "£120,000 for each post.",
     ["Chief Social Worker"]),
    ("beta.jobs.nhs.uk psychotherapy trainee advert",
     "Job summary\nHealth Education England has confirmed funding for a new Child and Adolescent Psychotherapy "
     "Trainee position which will be based at South Oxfordshire CAMHS.",
     ["Child and Adolescent Psychotherapy Trainee"]),
    ("jobs.westminster.org.uk maths teacher advert: prose naming the heading's post in other words",
     "Teacher of Maths (one year maternity cover)\nJob Introduction\n"
     "A rare opportunity has arisen for an outstanding and experienced Maths Teacher at Westminster Under School.",
     ["Teacher of Maths"]),
    ("praise is no part of a title",
     "The council is seeking to recruit the best social workers to help it improve.",
     ["Social Worker"]),
]


@pytest.mark.parametrize(("source", "page", "titles"), PROSE_POSTS, ids=[p[0] for p in PROSE_POSTS])
def test_posts_announced_in_prose(source: str, page: str, titles: list[str]) -> None:
    assert [v.title for v in _found(page)] == titles


def test_a_contract_note_in_the_title_heading_is_the_posts_contract() -> None:
    page = PROSE_POSTS[3][1]
    [found] = _found(page)
    assert found.contract == "fixed-term"  # maternity cover


def test_a_department_in_an_employer_field_is_part_of_the_employer() -> None:
    # ininet.org Wiltshire Police job description: "Department: Public Protection Department"
    assert employer_in_field("Public Protection Department") is None
    assert employer_in_field("Fostering Team") is None
    found = employer_in_field("Children and Family Court Advisory and Support Service")
    assert found is not None  # Cafcass: a service that is an employer


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # gb.trabajo.org Dene House lunchtime supervisor (an academy trust's school)
        ("Dene House Primary School is one of seven schools that form part of Tudhoe Learning Trust.",
         "Dene House Primary School"),
        # findajob.dwp.gov.uk early years practitioner: a number between a company's words
        ("all the policies of Acorns 2 Oaks Ltd. Equal Opportunities", "Acorns 2 Oaks Ltd"),
    ],
)
def test_employer_names_of_more_shapes(text: str, name: str) -> None:
    assert name in [m.key for m in extract_employers(text)]
