"""Contacts: phones to E.164, postcodes, names only in a contact context, office addresses."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.clean import text_blocks
from pipeline.extract.contacts import extract_contacts, extract_emails, extract_names, extract_phones, extract_postcodes
from pipeline.extract.page import extract_page
from tests.conftest import seed

PHONES = [
    ("seed 001 mobile", "contact Paul McIntyre on 07766 367 597", "+447766367597"),
    ("seed 004 freephone", "Freephone number for young people, tel: 08081 961750", "+448081961750"),
    ("seed 004 office", "Office tel: 01629 532755", "+441629532755"),
    ("international form", "Tel: +44 (0)1772 536 000", "+441772536000"),
    ("0300 number", "Call the recruitment team on 0300 500 80 80.", "+443005008080"),
]


@pytest.mark.parametrize(("where", "text", "e164"), PHONES, ids=[p[0] for p in PHONES])
def test_phones(where: str, text: str, e164: str) -> None:
    assert [p.e164 for p, _, _ in extract_phones(text)] == [e164]


POSTCODES = [
    ("seed 004 without space", "S402NT", "S40 2NT"),
    ("seed 004 with space", "NG10 4LF", "NG10 4LF"),
    ("civil service card", "Dstl Porton Down, Salisbury - SP4 0JQ", "SP4 0JQ"),
    ("London", "Westminster, London, SW1A 0AA", "SW1A 0AA"),
]


@pytest.mark.parametrize(("where", "text", "canonical"), POSTCODES, ids=[p[0] for p in POSTCODES])
def test_postcodes(where: str, text: str, canonical: str) -> None:
    assert [p.canonical for p in extract_postcodes(text)] == [canonical]


def test_things_that_are_not_postcodes() -> None:
    assert extract_postcodes("Job grade HL8, Level 3 Diploma, Q12 3AB, 0-19yrs") == []


def test_names_only_in_contact_context() -> None:
    text = (
        "chaired by Councillor Alex Dale. Please contact Paul McIntyre on 07766 367 597 or John Simpson on "
        "07824 867 413."
    )
    assert [n for n, _, _ in extract_names(text)] == ["Paul McIntyre", "John Simpson"]
    assert extract_names("Our Principal Social Worker Jane Smith leads practice.") == []


def test_emails() -> None:
    assert extract_emails("contact HLRecruitment@Parliament.UK or barryr@parliament.uk.") == [
        "HLRecruitment@parliament.uk",
        "barryr@parliament.uk",
    ]


def test_emails_with_labels_glued_to_them() -> None:
    assert extract_emails("Email addressjo.bloggs@trust.nhs.uk") == ["jo.bloggs@trust.nhs.uk"]
    assert extract_emails("jo.bloggs@nhs.nettelephone 01234 567890") == ["jo.bloggs@nhs.net"]


def test_names_given_as_where_applications_go() -> None:
    names = [
        extract_names("Completed forms should be returned to Ann Lee, the Headteacher's PA, by email")[0][0],
        extract_names("Forms go to the Headteacher's P.A. Sam Reed sreed@school.org.uk")[0][0],
        extract_names("For a chat please call Mrs Hogg on 01670 545111")[0][0],
    ]
    assert names == ["Ann Lee", "Sam Reed", "Mrs Hogg"]


def test_a_jobs_place_is_not_a_contact_but_a_postal_address_is() -> None:
    page = (
        "<h1>Team Manager</h1><p>Location: Thurrock, Essex, RM17 6SL</p><p>Salary: £50,000</p>"
        "<p>Send your form to:</p><p>Recruitment Team</p><p>1 High Street</p><p>Anytown</p><p>AB1 2DE</p>"
    )
    postcodes = {c.postcode for c in extract_page(page, True, None).contacts if c.postcode}
    assert postcodes == {"AB1 2DE"}


def test_a_name_wrapped_onto_the_next_line_of_a_capture() -> None:
    text = "If you have any queries please contact\nJo Bloggs on 01865 815957 or email\n"
    names = {c.name for c in extract_page(text, False, None).contacts if c.name}
    assert names == {"Jo Bloggs"}


def test_seed_004_offices() -> None:
    contacts = extract_contacts(text_blocks(seed("004").read_text(encoding="utf-8")))
    offices = {(c.postcode, c.phone.e164) for c in contacts if c.phone}
    assert offices == {
        ("S40 2NT", "+448081961750"),
        ("S40 2NT", "+441629532755"),
        ("NG10 4LF", "+448081961751"),
        ("NG10 4LF", "+441629532706"),
    }
    assert all(c.address and c.address.endswith(c.postcode or "") for c in contacts)
    assert not any(c.name for c in contacts)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 +()-telTEL:o")), max_size=40))
def test_phone_parser_never_raises_and_gives_e164(text: str) -> None:
    for phone, _, _ in extract_phones(text):
        assert re.fullmatch(r"\+44\d{9,10}", phone.e164)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ABCDEFGHIJKLMNOPRSTUWYZ0123456789 ")), max_size=20))
def test_postcode_parser_never_raises_and_is_canonical(text: str) -> None:
    for postcode in extract_postcodes(text):
        assert re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", postcode.canonical)
        assert postcode.canonical.replace(" ", "") == postcode.text.replace(" ", "")
