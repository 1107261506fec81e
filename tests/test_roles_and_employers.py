"""Role titles, anchors, role families and employers."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.employers import employer_in_field, extract_employers, primary_employer
from pipeline.extract.models import Block
from pipeline.extract.nlp import get_nlp, singular_title
from pipeline.extract.page import extract_page
from pipeline.extract.roles import role_mentions
from pipeline.normalise.roles import classify_role
from pipeline.reference import gazetteer, soc_titles
from pipeline.resources import load_csv, load_yaml


def _mentions(text: str, kind: str = "paragraph") -> list[tuple[str, bool]]:
    block = Block(kind, text)
    return [(m.title, m.anchor) for m in role_mentions(block, get_nlp()(text))]


ANCHORS = [
    (
        "seed 001 team manager",
        "The Team Manager post in Lancashire will be responsible for managing",
        [("Team Manager", True)],
    ),
    (
        "seed 001 IROs",
        "Independent Reviewing Officers (IROs) within Lancashire hold a specialist role",
        [("Independent Reviewing Officer", True)],
    ),
    (
        "seed 001 requirement",
        "IROs must be a qualified Social Worker with at least 5 years post qualifying",
        [("Social Worker", False)],
    ),
    (
        "seed 001 NOW",
        "The salary range for these Neighbourhood Outreach Worker roles is from £16,491 - £17,772.",
        [("Neighbourhood Outreach Worker", True)],
    ),
    (
        "seed 000 career story",
        "I've grown all the way to Head of Service — something I could only achieve",
        [("Head of Service", False)],
    ),
    (
        "civil service summary",
        "We are looking for a Head of Policy Research in our Committee Office",
        [("Head of Policy Research", True)],
    ),
    ("lower-case mention", "practice managers are required throughout the county", []),
]


@pytest.mark.parametrize(("where", "text", "expected"), ANCHORS, ids=[a[0] for a in ANCHORS])
def test_role_anchors(where: str, text: str, expected: list[tuple[str, bool]]) -> None:
    assert _mentions(text) == expected


def test_conjoined_titles_split_but_compound_titles_kept() -> None:
    assert [t for t, _ in _mentions("Practice Manager and Independent Reviewing Officer", "heading")] == [
        "Practice Manager",
        "Independent Reviewing Officer",
    ]
    assert [t for t, _ in _mentions("Youth and Community Worker", "heading")] == ["Youth and Community Worker"]
    assert [t for t, _ in _mentions("Lead Automation Engineer", "heading")] == ["Lead Automation Engineer"]


def test_singular_titles() -> None:
    assert singular_title("Independent Reviewing Officers (IROs)") == "Independent Reviewing Officer"
    assert singular_title("Senior Practitioners") == "Senior Practitioner"
    assert singular_title("Business Support Secretaries") == "Business Support Secretary"


FAMILIES = [
    ("Team Manager", "social_work_management", "1172"),
    ("Independent Reviewing Officer", "social_work", "2461"),
    ("Neighbourhood Outreach Worker", "family_and_youth_support", "3221"),
    ("Residential Child Care Officer", "residential_care", "6134"),
    ("Senior Residential Child Care Officer", "senior_residential_care", "6136"),
    ("Registered Manager", "residential_management", "1232"),
]


@pytest.mark.parametrize(("title", "family", "soc"), FAMILIES)
def test_role_families(title: str, family: str, soc: str) -> None:
    result = classify_role(title)
    assert result is not None and (result.id, result.soc2020_code) == (family, soc)


def test_every_role_family_soc_code_is_a_real_unit_group() -> None:
    titles = soc_titles()
    for entry in load_yaml("role_families.yaml")["families"]:
        assert entry["soc2020"] is None or entry["soc2020"] in titles, entry["id"]


def test_every_childrens_services_authority_resolves_by_name() -> None:
    gaz = gazetteer()
    for row in load_csv("reference/england_childrens_services_las_153.csv"):
        employer = gaz.resolve(row["la_name"]) or gaz.resolve(f"{row['la_name']} Council")
        assert employer is not None and employer.gss_code == row["gss_code"], row["la_name"]


EMPLOYERS = [
    (
        "seed 000 loose county name",
        "Barnardo's and Leicester County Council are in an exciting Strategic Partnership",
        ["Leicestershire County Council"],
    ),
    (
        "seed 000 bare county",
        "Working for Derbyshire means serving the community I live in",
        ["Derbyshire County Council"],
    ),
    (
        "seed 000 trust",
        "Northamptonshire Children’s Trust is committed to developing its people.",
        ["Northamptonshire Children's Trust"],
    ),
    ("seed 001 neighbours are not employers", "Our neighbours are the Lake District, Manchester and Liverpool.", []),
    (
        "seed 004 children's services",
        "staff from Derbyshire children's services and Barnardo's",
        ["Derbyshire County Council"],
    ),
    ("London borough", "Working for the London Borough of Hackney", ["London Borough of Hackney"]),
    ("private provider", "The Bright Futures Care Ltd homes in Bolton", ["Bright Futures Care Ltd"]),
    ("Northern Ireland trust", "Belfast Health and Social Care Trust", ["Belfast Health and Social Care Trust"]),
    ("Scottish council", "Aberdeen City Council is an equal opportunities employer.", ["Aberdeen City Council"]),
    ("Welsh council", "Cardiff Council is looking for a Residential Care Worker", ["City of Cardiff Council"]),
    (
        "English NHS trust by its name's ending",
        "Join Oxford Health NHS Foundation Trust today",
        ["Oxford Health NHS Foundation Trust"],
    ),
    (
        "Scottish health board with an ampersand",
        "NHS Greater Glasgow & Clyde Specialist Children's Services",
        ["NHS Greater Glasgow and Clyde"],
    ),
    ("government body", "The Youth Custody Service is transforming its workforce", ["Youth Custody Service"]),
    ("a regulator is not an employer in passing", "Ofsted rated our service good.", []),
    ("a regulator in an employer context", "Working for Ofsted means inspecting services.", ["Ofsted"]),
    (
        "bare name before a recruiting verb",
        "Monmouthshire is looking for an individual who",
        ["Monmouthshire County Council"],
    ),
]


@pytest.mark.parametrize(("where", "text", "expected"), EMPLOYERS, ids=[e[0] for e in EMPLOYERS])
def test_employer_mentions(where: str, text: str, expected: list[str]) -> None:
    assert [m.key for m in extract_employers(text)] == expected


def test_primary_employer_needs_a_majority() -> None:
    mentions = extract_employers("Derby City Council and Rutland County Council and Derby City Council")
    assert primary_employer(mentions) == "Derby City Council"
    assert primary_employer(extract_employers("Derby City Council and Rutland County Council")) is None


FIELD_EMPLOYERS = [
    ("school field", "Churchill Community College", "Churchill Community College"),
    ("employer field naming a council", "Thurrock Council", "Thurrock Council"),
    ("employer field naming an NHS trust", "Oxford Health NHS Foundation Trust", "Oxford Health NHS Foundation Trust"),
    ("an employer type is not a name", "NHS", None),
    ("a single word is not a name", "Confidential", None),
]


@pytest.mark.parametrize(("where", "value", "expected"), FIELD_EMPLOYERS, ids=[f[0] for f in FIELD_EMPLOYERS])
def test_employer_fields(where: str, value: str, expected: str | None) -> None:
    found = employer_in_field(value)
    assert (found.key if found else None) == expected


def test_page_employer_from_its_employer_field() -> None:
    page = "<h1>Teacher of Music</h1><p>School: Riverside Academy</p><p>Salary: £30,000</p><p>Closes: 1 June 2026</p>"
    extraction = extract_page(page, True, dt.date(2026, 5, 1))
    assert extraction.primary_employer == "Riverside Academy"
    assert [v.employer for v in extraction.vacancies] == ["Riverside Academy"]


def test_singular_head_noun_not_last_word() -> None:
    assert singular_title("Teachers of Mathematics") == "Teacher of Mathematics"
    assert singular_title("Consultant in Community Paediatrics") == "Consultant in Community Paediatrics"
    assert singular_title("Social Workers - Children in Care") == "Social Worker - Children in Care"
