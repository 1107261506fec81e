"""Employer names and kinds on real strings: every name in tests/data/real_employer_names.csv was written
on the stored public page in its source_url (employer names as providers, charities, schools, agencies,
NHS bodies and councils write them), with the short phrase beside it that shows its kind, if any. Known
misses are strict xfails, by class."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.extract.employer_kinds import agency_cue, kind_from_name, kind_from_page, strip_legal_suffix
from pipeline.normalise.employer_names import COUNCIL_KINDS, canonical_name, employer_kind, name_key

ROWS = list(csv.DictReader((Path(__file__).parent / "data" / "real_employer_names.csv").open(encoding="utf-8")))

NO_EVIDENCE = "neither the name nor the phrase beside it shows the kind"
MISSED_KINDS = {
    **dict.fromkeys(
        [
            "Keyline Care",
            "Accalia Care Services",
            "Coven Care Homes",
            "Cherish children's homes",
            "Royal Mencap Society",
            "Sanctuary Group",
            "Prior’s Court",
            "LTHT",
            "Sanctuary Social Care",
            "Sherrington Associates",
            "LORD",
            "Synergy",
            "Government of Jersey",
            "Cornwall Care",
        ],
        NO_EVIDENCE,
    ),
    "Priory Educational Services": "owned by a company (\"part of the ... Ltd\"): ownership is not read",
    "BBC Children in Need": "a charity named by the word 'Charity' after its name, not in it",
    "OHCAT": "the phrase names the school the trust runs, not the trust",
    "RNIB Pears Centre for Specialist Learning": "'special school' on a page does not make its employer a school",
    "Southend Borough Council": "a council under a name the reference data does not hold",
}
MISSED_NAMES = {
    "CNWL NHS Foundation Trust": "NHS trusts are not in the reference data, so their abbreviations are unknown",
    "LTHT": "NHS trusts are not in the reference data, so their abbreviations are unknown",
    "Oxleas NHS Trust": "a trust's older form of its name",
}


def _param(row: dict[str, str], misses: dict[str, str]) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=misses[row["raw"]])] if row["raw"] in misses else []
    return pytest.param(row, id=f"{row['raw']} ({row['source_url'][:60]})", marks=marks)


@pytest.mark.parametrize("row", [_param(r, MISSED_NAMES) for r in ROWS])
def test_real_employer_names_are_canonicalised(row: dict[str, str]) -> None:
    assert canonical_name(row["raw"]) == row["canonical"]


@pytest.mark.parametrize("row", [_param(r, MISSED_KINDS) for r in ROWS])
def test_real_employer_kinds_from_the_name_and_the_phrase_beside_it(row: dict[str, str]) -> None:
    kind, evidence, cue = employer_kind(row["raw"], row["page_cue"])
    assert ("council" if kind in COUNCIL_KINDS else kind) == row["kind"]
    assert (evidence == "page") == (cue is not None)


def test_variants_of_one_employer_share_one_id() -> None:
    by_canonical: dict[str, set[str]] = {}
    for row in ROWS:
        if row["raw"] not in MISSED_NAMES:
            by_canonical.setdefault(row["canonical"], set()).add(name_key(canonical_name(row["raw"])))
    assert all(len(ids) == 1 for ids in by_canonical.values())
    assert len(by_canonical) >= 90  # distinct employers in the file


@pytest.mark.parametrize(
    ("name", "kind", "cue"),
    [
        ("Bright Futures Care Ltd", "private", "Ltd"),
        ("Hope House School Limited", "school", "School"),  # a school that is a company is a school
        ("Mid-Trent Multi Academy Trust", "school", "Multi Academy Trust"),
        ("Oxford Health NHS Foundation Trust", "nhs", "NHS Foundation Trust"),
        ("Hays Specialist Recruitment Ltd", "agency", "Recruitment"),
        ("Cambian Group Holdings Limited", "private", "Limited"),
        ("Bright Futures Care", None, None),
    ],
)
def test_kind_from_the_name_ending(name: str, kind: str | None, cue: str | None) -> None:
    found = kind_from_name(name)
    assert (found.kind, found.cue) == (kind, cue) if found else (kind, cue) == (None, None)


def test_page_evidence_in_order() -> None:
    both = "Registered charity number 1089464. Company number 04017365. Registered in England."
    assert kind_from_page(both) is not None and kind_from_page(both).kind == "voluntary"  # type: ignore[union-attr]
    assert kind_from_page("Company Registration No: 05672094").kind == "private"  # type: ignore[union-attr]
    assert kind_from_page("We are a registered charity") is not None
    assert kind_from_page("Rutland County Council, Catmose, Oakham") is None
    assert agency_cue("We are recruiting on behalf of our client, a children's home provider") is not None
    assert agency_cue("Our client is a well-established independent fostering agency") is not None
    assert agency_cue("Please do not contact us if you are an agency") is None
    assert strip_legal_suffix("Nutrius UK Topco Ltd") == "Nutrius UK"


def test_configured_kind_comes_after_the_reference_and_before_the_page() -> None:
    assert employer_kind("Rutland County Council", configured="private")[:2] == ("unitary_authority", "reference_data")
    assert employer_kind("Acme Homes Ltd", configured="voluntary")[:2] == ("voluntary", "sources_file")
    assert employer_kind("Acme Homes", "Company number 01234567") == ("private", "page", "Company number 01234567")
    assert employer_kind("Acme Homes") == ("unknown", "none", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # jobijoba.co.uk/detail/92/5b4889c07835e2e65f66b24804b145e7 (a provider's advert on a job board)
        ("Therapeutic Deputy Manager to join our team at Coven Care Homes.", ["Coven Care Homes"]),
        ("Working for Five Rivers Child Care", ["Five Rivers Child Care"]),
        ("careers at The Mulberry Bush School", ["Mulberry Bush School"]),
        # before a cue that describes an organisation (short forms of provider pages' own sentences)
        ("Nugent Care is the social work service of the Archdiocese.", ["Nugent Care"]),
        ("Accalia Care Services operates Ofsted-registered children's homes.", ["Accalia Care Services"]),
        ("Childhood First is a charity. Join Childhood First today.", ["Childhood First"]),
        ("Location: Nurtrio. Nurtrio are proud to have joined forces with Navigo.", ["Nurtrio"]),
        # a one-word subject only at a sentence's start is any word; a post is not an employer
        ("Stability is a key part of our care.", []),
        ("The Deputy Manager is the service's lead for safeguarding.", []),
        # descriptions, councils' services and known employers are not new providers
        ("a role at Residential Care in Derby", []),
        ("jobs with Bradford Children's Services", ["City of Bradford Metropolitan District Council"]),
        ("Join the team at Derbyshire County Council", ["Derbyshire County Council"]),
    ],
)
def test_providers_named_in_prose_after_an_employer_cue(text: str, expected: list[str]) -> None:
    from pipeline.extract.employers import extract_employers

    assert [m.key for m in extract_employers(text)] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Join the Mulberry Bush, a therapeutic community transforming lives since 1948.", "The Mulberry Bush"),
        ("Bright Futures Care Ltd", "Bright Futures Care Ltd"),
        ("Oxford Health NHS Foundation Trust", "Oxford Health NHS Foundation Trust"),
    ],
)
def test_an_employer_field_is_cut_before_its_description(value: str, expected: str) -> None:
    from pipeline.extract.employers import employer_in_field

    found = employer_in_field(value)
    assert found is not None and found.text == expected


def test_an_acronym_alone_is_a_service_not_a_provider() -> None:
    from pipeline.extract.employers import extract_employers

    text = "Our MASH is a multi-agency service. Refer to the MASH team."  # seen on a council's page
    assert [m.key for m in extract_employers(text)] == []
