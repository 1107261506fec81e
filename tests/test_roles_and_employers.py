"""Role titles, anchors, role families and employers."""

from __future__ import annotations

import pytest

from pipeline.extract.employers import extract_employers, primary_employer
from pipeline.extract.models import Block
from pipeline.extract.nlp import get_nlp, singular_title
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
]


@pytest.mark.parametrize(("where", "text", "expected"), EMPLOYERS, ids=[e[0] for e in EMPLOYERS])
def test_employer_mentions(where: str, text: str, expected: list[str]) -> None:
    assert [m.key for m in extract_employers(text)] == expected


def test_primary_employer_needs_a_majority() -> None:
    mentions = extract_employers("Derby City Council and Rutland County Council and Derby City Council")
    assert primary_employer(mentions) == "Derby City Council"
    assert primary_employer(extract_employers("Derby City Council and Rutland County Council")) is None
