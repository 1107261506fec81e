"""Redaction of personal data: each case with real-shaped values (addresses and numbers in the shapes
council and NHS adverts give them)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.outputs.privacy import (
    REDACTED,
    is_mobile,
    is_personal_email,
    is_shared_mailbox,
    personal_columns,
    redact_frame,
    redact_text,
    redact_text_columns,
)

EMAILS = [
    # (address, contact names on the page, personal?)
    ("recruitment@derby.gov.uk", [], False),
    ("jobs@kent.gov.uk", [], False),
    ("childrens.recruitment@lincolnshire.gov.uk", [], False),
    ("residential.recruitment@derby.gov.uk", ["Amira Khan"], False),
    ("earlyhelp@rutland.gov.uk", [], False),
    ("fosteringenquiries@leeds.gov.uk", [], False),
    ("socialcareworkforce@cornwall.gov.uk", [], False),
    ("hr.team@nhs.net", [], False),
    ("jane.smith@kent.gov.uk", [], True),
    ("j.smith@nhs.net", [], True),
    ("tom.whitworth@lincolnshire.gov.uk", ["Tom Whitworth"], True),
    ("twhitworth@lincolnshire.gov.uk", ["Tom Whitworth"], True),
    ("rhian.morgan2@cardiff.gov.uk", [], True),
    ("amira.khan@derby.gov.uk", ["Amira Khan"], True),
]


@pytest.mark.parametrize(("email", "names", "personal"), EMAILS)
def test_personal_emails(email: str, names: list[str], personal: bool) -> None:
    assert is_personal_email(email, names) is personal
    if not names:
        assert is_shared_mailbox(email) is not personal


PHONES = [
    ("+447766367597", True),  # a mobile, E.164
    ("07766 367597", True),
    ("+441332642000", False),  # a council switchboard
    ("+442920872087", False),
    ("+443005008080", False),  # 0300 non-geographic
    ("+448081234567", False),  # freephone
]


@pytest.mark.parametrize(("phone", "mobile"), PHONES)
def test_mobiles(phone: str, mobile: bool) -> None:
    assert is_mobile(phone) is mobile


TEXTS = [
    (
        "For an informal chat please contact Amira Khan on 07766 367597 or email amira.khan@derby.gov.uk.",
        ["Amira Khan"],
        f"For an informal chat please contact {REDACTED} on {REDACTED} or email {REDACTED}.",
    ),
    (
        "Call the recruitment team on 01332 642 000 or email residential.recruitment@derby.gov.uk.",
        [],
        "Call the recruitment team on 01332 642 000 or email residential.recruitment@derby.gov.uk.",
    ),
    ("Text +44 (0)7700 900123 or +44 7700 900 123 to apply.", [], f"Text {REDACTED} or {REDACTED} to apply."),
    (
        "For more information contact RHIAN MORGAN on 029 2087 2087.",
        ["Rhian Morgan"],
        f"For more information contact {REDACTED} on 029 2087 2087.",
    ),
    ("Salary £25,584 - £27,711, reference 07766/123.", [], "Salary £25,584 - £27,711, reference 07766/123."),
]


@pytest.mark.parametrize(("text", "names", "expected"), TEXTS)
def test_redact_text(text: str, names: list[str], expected: str) -> None:
    assert redact_text(text, names) == expected


def test_contacts_frame_keeps_shared_mailboxes_and_office_numbers() -> None:
    contacts = pd.DataFrame(
        [
            {
                "name": "Amira Khan",
                "phone": "+447766367597",
                "email": "amira.khan@derby.gov.uk",
                "evidence": "Contact Amira Khan on 07766 367597.",
                "address": None,
            },
            {
                "name": None,
                "phone": "+441332642000",
                "email": "recruitment@derby.gov.uk",
                "evidence": "Call 01332 642 000 or email recruitment@derby.gov.uk.",
                "address": "Council House, Derby, DE1 2FS",
            },
        ]
    )
    out = redact_frame("contacts", contacts, ["Amira Khan"])
    assert out["name"].isna().all()
    assert _values(out["phone"]) == [None, "+441332642000"]
    assert _values(out["email"]) == [None, "recruitment@derby.gov.uk"]
    assert out["evidence"].tolist() == [f"Contact {REDACTED} on {REDACTED}.", contacts["evidence"][1]]
    assert _values(out["address"]) == _values(contacts["address"])
    assert contacts["name"][0] == "Amira Khan"  # the input is not changed


def test_report_frames_are_scrubbed_whatever_their_string_dtype() -> None:
    frame = pd.DataFrame({"title": pd.array(["Call Amira Khan on 07766 367597"], dtype="string"), "n": [1]})
    out = redact_text_columns(frame, ["Amira Khan"])
    assert out["title"].tolist() == [f"Call {REDACTED} on {REDACTED}"] and out["n"].tolist() == [1]


def test_personal_columns_are_marked_in_the_schema() -> None:
    assert set(personal_columns("contacts")) == {"name", "phone", "email", "evidence"}
    assert personal_columns("vacancies") == ["evidence"]
    assert personal_columns("employers") == []


def _values(column: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in column]
