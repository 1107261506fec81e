"""Schemas of the employer tables: employers (one row per employer named or configured) and
employer_mentions (one row per employer named on a page)."""

from __future__ import annotations

import pyarrow as pa

from pipeline.load.columns import _B, _I, _PROVENANCE, _S, _f

EMPLOYERS = pa.schema(
    [
        _f("employer_id", _S, "GSS code for local authorities, else a slug of the name.", False),
        _f("name", _S, "Canonical name.", False),
        _f("gss_code", _S, "ONS GSS code when the employer is a local authority."),
        _f("region_code", _S, "ONS region code (country code for Wales, Scotland, Northern Ireland)."),
        _f("region_name", _S, "ONS region name."),
        _f(
            "kind",
            _S,
            "county_council, unitary_authority, metropolitan_district, london_borough, district_council, "
            "welsh_principal_area, scottish_council, northern_ireland_district, childrens_trust, "
            "health_and_social_care_trust, nhs (NHS trusts and health boards), central_government (government "
            "bodies such as the Youth Custody Service), school (schools and academy trusts), private "
            "(companies), voluntary (charities), agency (recruitment agencies), or unknown.",
            False,
        ),
        _f(
            "kind_evidence",
            _S,
            "What decided kind, the first that applies: reference_data (ONS/DfE lists and "
            "pipeline/data/employers.yaml), sources_file (the source's kind:), page (the name's ending, or what "
            "the page says of its employer: a charity or company number, 'on behalf of our client'), none.",
            False,
        ),
        _f(
            "kind_cue",
            _S,
            "The words of the page that decided kind when kind_evidence is page ('Ltd', 'Registered charity "
            "1089464').",
        ),
        _f(
            "childrens_services",
            _B,
            "True when the employer delivers children's social care (an English children's "
            "services authority, a Welsh or Scottish council, a children's trust, or a Northern Ireland Health "
            "and Social Care Trust).",
            False,
        ),
        _f("serves_gss_codes", pa.list_(_S), "For a children's trust, the authorities it serves."),
        _f("pages", _I, "Number of pages that name the employer or were read for it.", False),
    ]
)

EMPLOYER_MENTIONS = pa.schema(
    [
        *_PROVENANCE,
        _f("employer_id", _S, "employers.employer_id.", False),
        _f("name", _S, "Canonical name.", False),
        _f("text", _S, "The name as written on the page.", False),
        _f(
            "explicit",
            _B,
            "True for a full name ('Rutland County Council'), false for a place name in an employer "
            "context ('working for Derbyshire').",
            False,
        ),
        _f("kind", _S, "The employer's kind as this page shows it (employers.kind)."),
        _f("kind_evidence", _S, "What decided kind on this page (employers.kind_evidence)."),
        _f("kind_cue", _S, "The words that decided kind (employers.kind_cue)."),
    ]
)
