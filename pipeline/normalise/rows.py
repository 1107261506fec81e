"""Page extractions to typed, coded table rows (pure: no I/O)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipeline.documents import RawDocument, short_hash
from pipeline.extract.models import PageExtraction, VacancyCandidate
from pipeline.extract.nlp import singular_title
from pipeline.extract.roles import title_key
from pipeline.normalise.employer_names import identify
from pipeline.normalise.employers import canonical_employer, mention_rows
from pipeline.normalise.roles import classify_role
from pipeline.normalise.salary import salary_columns

Row = dict[str, Any]


def vacancy_key(source_id: str, employer: str | None, vacancy: VacancyCandidate) -> str:
    """The vacancy id: source, employer, normalised title (or location/evidence if unnamed), closing date."""
    title = title_key(vacancy.title) if vacancy.title else f"unnamed:{vacancy.location_text or vacancy.evidence}"
    closing = vacancy.closing.date.isoformat() if vacancy.closing else ""
    return short_hash(source_id, (employer or "").lower(), title, closing)


def page_id(doc: RawDocument) -> str:
    """Id of a page as read: its source, URL and content hash."""
    return short_hash(doc.source_id, doc.url, doc.content_sha256)


def _vacancy_row(doc: RawDocument, page: str, vacancy: VacancyCandidate, extraction: PageExtraction) -> Row:
    employer_name, employer = identify(vacancy.employer) if vacancy.employer else (None, None)
    agency = canonical_employer(extraction.via_agency)
    family = classify_role(vacancy.title, vacancy.context)
    closing = vacancy.closing
    return {
        "vacancy_id": vacancy_key(doc.source_id, employer_name, vacancy),
        "page_id": page,
        "source_id": doc.source_id,
        "employer_name": employer_name,
        "employer_gss_code": employer.gss_code if employer else None,
        "region_code": employer.region_code if employer else None,
        "region_name": employer.region_name if employer else None,
        "title": vacancy.title,
        "title_normalised": singular_title(vacancy.title) if vacancy.title else None,
        "role_family": family.id if family else None,
        "soc2020_code": family.soc2020_code if family else None,
        "soc2020_title": family.soc2020_title if family else None,
        **salary_columns(vacancy.salary),
        "closing_date": closing.date if closing else None,
        "closing_date_text": closing.text if closing else None,
        "closing_year_inferred": closing.year_inferred if closing else None,
        "hours": vacancy.hours,
        "hours_per_week": vacancy.hours_per_week,
        "contract": vacancy.contract,
        "location_text": vacancy.location_text,
        "postcode": vacancy.postcode,
        "evidence": vacancy.evidence,
        "extraction_method": vacancy.method,
        "via_agency": agency,
        "agency_work": bool(agency or extraction.agency_cue or vacancy.contract == "agency"),
        "page_kind": extraction.page_kind,
    }


def page_rows(
    doc: RawDocument,
    extraction: PageExtraction,
    *,
    encoding: str,
    run_id: str,
    reference_date: dt.date | None,
    snapshot_date: dt.date,
) -> dict[str, list[Row]]:
    """All table rows of one page (vacancies here are per-page sightings; see dedupe_vacancies)."""
    page = page_id(doc)
    employer_name = canonical_employer(extraction.primary_employer)
    sightings = [_vacancy_row(doc, page, v, extraction) for v in extraction.vacancies]
    only_vacancy = sightings[0]["vacancy_id"] if len({s["vacancy_id"] for s in sightings}) == 1 else None
    base = {"page_id": page, "source_id": doc.source_id}
    return {
        "pages": [
            {
                **base,
                "url": doc.url,
                "fetched_at": doc.fetched_at,
                "content_sha256": doc.content_sha256,
                "raw_path": doc.raw_path,
                "title": extraction.title,
                "page_kind": extraction.page_kind,
                "run_id": run_id,
                "content_type": doc.content_type,
                "encoding": encoding,
                "bytes": doc.bytes,
                "reference_date": reference_date,
                "employer_name": employer_name,
                "vacancy_count": len(sightings),
                "truncated": "; ".join([*([doc.truncated] if doc.truncated else []), *extraction.limits_applied])
                or None,
                "snapshot_date": snapshot_date,
            }
        ],
        "vacancy_sightings": sightings,
        "contacts": [
            {
                "contact_id": short_hash(page, c.name, c.phone.e164 if c.phone else None, c.email, c.address),
                **base,
                "vacancy_id": only_vacancy,
                "employer_name": employer_name,
                "name": c.name,
                "phone": c.phone.e164 if c.phone else None,
                "phone_label": c.phone.label if c.phone else None,
                "email": c.email,
                "address": c.address or None,
                "postcode": c.postcode,
                "evidence": c.evidence,
            }
            for c in extraction.contacts
        ],
        "benefits": [
            {
                **base,
                "vacancy_id": only_vacancy,
                "employer_name": canonical_employer(b.employer),
                "category": b.category,
                "value": b.value,
                "unit": b.unit,
                "benefit_text": b.text,
                "evidence": b.evidence,
            }
            for b in extraction.benefits
        ],
        "employer_mentions": mention_rows(base, extraction, doc.employer, doc.employer_kind),
    }


def _filled(row: Row) -> int:
    return sum(v is not None for v in row.values())


def dedupe_vacancies(sightings: list[Row]) -> list[Row]:
    """One row per vacancy_id: the fullest sighting, its nulls filled from the others; pages_seen counted."""
    groups: dict[str, list[Row]] = {}
    for row in sightings:
        groups.setdefault(row["vacancy_id"], []).append(row)
    merged = []
    for vacancy_id in sorted(groups):
        rows = sorted(groups[vacancy_id], key=lambda r: (-_filled(r), r["page_id"]))
        best = dict(rows[0])
        for other in rows[1:]:
            for column, value in other.items():
                if best.get(column) is None and value is not None:
                    best[column] = value
        best["pages_seen"] = len({r["page_id"] for r in rows})
        merged.append(best)
    return merged
