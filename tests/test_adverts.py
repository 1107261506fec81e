"""Linking: which salary and closing date belong to which role, on page layouts councils and providers use."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.page import extract_page

REF = dt.date(2025, 11, 20)


def _adverts(page: str, is_html: bool) -> list[tuple[str | None, float | None, float | None, dt.date | None]]:
    found = []
    for v in extract_page(page, is_html, REF).vacancies:
        found.append(
            (
                v.title,
                v.salary.min if v.salary else None,
                v.salary.max if v.salary else None,
                v.closing.date if v.closing else None,
            )
        )
    return found


LAYOUTS = [
    (
        "job table with th/td labels",
        "<h1>Residential Child Care Worker</h1><table><tr><th>Salary</th><td>£24,790 to £27,334 per annum</td></tr>"
        "<tr><th>Closing date</th><td>30 November 2025</td></tr></table>",
        True,
        [("Residential Child Care Worker", 24790, 27334, dt.date(2025, 11, 30))],
    ),
    (
        "one advert per line with dashes",
        "Residential Support Worker – Grade 5 – £23,500 – £25,000 pa – Closing: 01/12/2025\n\n"
        "Night Support Worker – £11.95 per hour – Closing: 08/12/2025\n",
        False,
        [
            ("Residential Support Worker", 23500, 25000, dt.date(2025, 12, 1)),
            ("Night Support Worker", 11.95, 11.95, dt.date(2025, 12, 8)),
        ],
    ),
    (
        "provider cards as articles",
        "<article><h2>Children's Home Manager</h2><p>Salary up to £50,000 + bonus. Apply by 12th December 2025.</p>"
        "</article><article><h2>Senior Residential Support Worker</h2><p>£27,000 - £29,500 per annum</p>"
        "<p>Closing date: 19/12/2025</p></article>",
        True,
        [
            ("Children's Home Manager", None, 50000, dt.date(2025, 12, 12)),
            ("Senior Residential Support Worker", 27000, 29500, dt.date(2025, 12, 19)),
        ],
    ),
    (
        "interview date is not the closing date",
        "<h1>Social Worker - Children in Need</h1><p><strong>Salary:</strong> £37,938 - £41,511 per annum</p>"
        "<p><strong>Closing Date:</strong> 5pm, Sunday 14 December 2025</p>"
        "<p><strong>Interview date:</strong> 7 January 2026</p>",
        True,
        [("Social Worker - Children in Need", 37938, 41511, dt.date(2025, 12, 14))],
    ),
    (
        "year-less closing date takes the coming year",
        "<h1>Family Support Worker</h1><p>Salary: £26,000</p><p>Closing date: 9 January</p>",
        True,
        [("Family Support Worker", 26000, 26000, dt.date(2026, 1, 9))],
    ),
    (
        "results table whose column headers name the fields",
        "<table><thead><tr><th>Job</th><th>Salary</th><th>Closes</th></tr></thead><tbody>"
        "<tr><td><a href='/1'>Social Worker</a></td><td>£35,745 - £39,186</td><td>07/12/2025</td></tr>"
        "<tr><td><a href='/2'>Family Practitioner</a></td><td>£28,624 - £31,067</td><td>14/12/2025</td></tr>"
        "</tbody></table>",
        True,
        [
            ("Social Worker", 35745, 39186, dt.date(2025, 12, 7)),
            ("Family Practitioner", 28624, 31067, dt.date(2025, 12, 14)),
        ],
    ),
    (
        "heading with a band before the title (the band goes, the specialism stays)",
        "Belfast Health and Social Care Trust\n\nBand 5 Social Worker - Children's Residential Services\n\n"
        "Salary: £32,242 - £39,205 per annum pro rata\nClosing date: Friday 12th December 2025 at 12 noon\n",
        False,
        [("Social Worker - Children's Residential Services", 32242, 39205, dt.date(2025, 12, 12))],
    ),
    (
        "generic heading, title in a field",
        "<h1>Job details</h1><p>Job title: Residential Child Care Worker</p>"
        "<p>Salary: £30,123 - £33,456 per annum</p><p>Closing date: 12 Dec 2025</p>",
        True,
        [("Residential Child Care Worker", 30123, 33456, dt.date(2025, 12, 12))],
    ),
    (
        "structure outranks vocabulary: a title heading over salary and closing-date fields",
        "<h1>Phlebotomist</h1><dl><dt>Salary</dt><dd>£24,071 - £25,674 per annum</dd>"
        "<dt>Closing date</dt><dd>14/12/2025</dd></dl>",
        True,
        [("Phlebotomist", 24071, 25674, dt.date(2025, 12, 14))],
    ),
    (
        "a title heading with grade, hours and contract fields but no pay figures",
        "<h1>Orthoptist</h1><ul><li><b>Grade:</b><br>Band 5</li><li><b>Hours:</b><br>Full time</li>"
        "<li><b>Contract:</b><br>Permanent</li></ul><p>Join our eye clinic team.</p>",
        True,
        [("Orthoptist", None, None, None)],
    ),
    (
        "a service's address and opening hours are not an advert",
        "<h1>Riverside Family Hub</h1><p>Address: 1 River Street, Anytown</p><p>Hours: Monday to Friday, 9am to 5pm</p>"
        "<p>Drop in for advice on parenting and early help.</p>",
        True,
        [],
    ),
    (
        "a pay scale under a heading naming posts is not an advert",
        "<h2>Family Support Workers - Scale B</h2><p>1 FSW01 £ 24,000 £ 500 £ 24,500</p>"
        "<p>2 FSW02 £ 25,000 £ 500 £ 25,500</p><p>3 FSW03 £ 26,000 £ 500 £ 26,500</p>",
        True,
        [],
    ),
    (
        "prose announcing posts in lower case, each with the pay beside it",
        "The council is recruiting 20 residential support workers on £26,000 and two deputy home managers on "
        "£34,000. Applications close on 12 December 2025.",
        False,
        [
            ("Residential Support Worker", 26000, 26000, dt.date(2025, 12, 12)),
            ("Deputy Home Manager", 34000, 34000, dt.date(2025, 12, 12)),
        ],
    ),
    (
        "a pay list: one role per line with its own pay",
        "<p>What we pay:</p><ul><li>Newly qualified social worker (grade 8): £32,000</li>"
        "<li>Social worker (grade 9): £35,000 to £38,000</li><li>Team manager (grade 12): £48,000 to £52,000</li></ul>",
        True,
        [
            ("Newly Qualified Social Worker", 32000, 32000, None),
            ("Social Worker", 35000, 38000, None),
            ("Team Manager", 48000, 52000, None),
        ],
    ),
    (
        "a pay table flattened column by column in a text capture",
        "Career grades\n\nSocial Worker Level 1\n\nSocial Worker Level 2\n\nSenior Social Worker\n\n"
        "Grade 8\n\nSalary range\n£30,000 to £32,000\n\nGrade 9\n\nSalary range\n£33,000 to £35,000\n\n"
        "Grade 10\n\nSalary range\n£36,000 to £38,000\n",
        False,
        [
            ("Social Worker Level 1", 30000, 32000, None),
            ("Social Worker Level 2", 33000, 35000, None),
            ("Senior Social Worker", 36000, 38000, None),
        ],
    ),
    (
        "labels glued to the text around them in a capture",
        "Residential Support WorkerLocation: Anytown\nSalary: £25,000 per annumClosing date: 12 December 2025\n",
        False,
        [("Residential Support Worker", 25000, 25000, dt.date(2025, 12, 12))],
    ),
    (
        "the title a job description gives in a field, with a grade and a reference",
        "Job title | Family Group Conference Co-ordinator |\nGrade | H |\nReference | FGC042 |\nKey purpose of job\n",
        False,
        [("Family Group Conference Co-ordinator", None, None, None)],
    ),
    (
        "foster carers are approved, not employed",
        "We are looking for foster carers across the county. Carers receive a weekly allowance.",
        False,
        [],
    ),
    (
        "campaign without a closing date or salary is not a vacancy",
        "Foster for Kent\n\nKent County Council is looking for 20 new foster carers this winter. Carers receive a "
        "fostering allowance of £450 per week per child.\n",
        False,
        [],
    ),
]


@pytest.mark.parametrize(("where", "page", "is_html", "expected"), LAYOUTS, ids=[lay[0] for lay in LAYOUTS])
def test_layouts(where: str, page: str, is_html: bool, expected: list[tuple[object, ...]]) -> None:
    assert _adverts(page, is_html) == expected


def test_two_roles_in_one_sentence_each_with_its_salary() -> None:
    page = (
        "We are recruiting a Deputy Manager (£32,000) and two Residential Support Workers (£25,500). Closes 5/12/2025."
    )
    assert _adverts(page, False) == [
        ("Deputy Manager", 32000, 32000, dt.date(2025, 12, 5)),
        ("Residential Support Worker", 25500, 25500, dt.date(2025, 12, 5)),
    ]


def test_hours_field_without_per_week() -> None:
    page = "<h1>Residential Child Care Worker</h1><p>Working pattern: Part time, 30 hours</p><p>Salary: £30,123</p>"
    (vacancy,) = extract_page(page, True, REF).vacancies
    assert (vacancy.hours, vacancy.hours_per_week) == ("part-time", 30.0)


@pytest.mark.parametrize(
    ("cells", "posts"),
    [
        (
            "Social Worker SW1 Senior Practitioner SW2 Team Manager",
            ["Social Worker", "Senior Practitioner", "Team Manager"],
        ),
        ("Family Support Worker (Level 2) Team Leader", ["Family Support Worker (Level 2)", "Team Leader"]),
        ("Social Worker Support", []),  # a word left after the last post: not a row of posts
    ],
)
def test_a_row_of_posts_splits_at_each_posts_head_word(cells: str, posts: list[str]) -> None:
    from pipeline.extract.pay_rows import split_posts

    assert split_posts(cells) == posts


def test_a_row_flattened_pay_table_needs_one_figure_per_post() -> None:
    from pipeline.extract.models import Block
    from pipeline.extract.pay_rows import unflatten_pay_rows

    posts = Block("paragraph", "Post Social Worker SW1 Team Manager SW3")
    two = unflatten_pay_rows([posts, Block("paragraph", "Salary £36,000 - £39,000 Up to £55,000")])
    assert [(b.kind, b.text) for b in two] == [
        ("heading", "Social Worker"),
        ("field", "£36,000 - £39,000"),
        ("heading", "Team Manager"),
        ("field", "Up to £55,000"),
    ]
    three = [posts, Block("paragraph", "Salary £36,000 £39,000 £55,000")]
    assert unflatten_pay_rows(three) == three  # three figures for two posts: left as it is
