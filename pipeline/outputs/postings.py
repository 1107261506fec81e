"""`pipeline export jsonld`: open vacancies as schema.org JobPosting, in JSON Lines (one posting a line)
and as one JSON-LD document (`@graph`) per export run. The postings read back through the pipeline's own
JSON-LD extractor with the same values (tests/test_exports.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from pipeline.load.database import open_curated
from pipeline.outputs.exports import contact_names
from pipeline.outputs.privacy import redact_text
from pipeline.storage.locations import Location

SCHEMA = "https://schema.org"
UNIT_TEXT = {"year": "YEAR", "month": "MONTH", "week": "WEEK", "day": "DAY", "hour": "HOUR"}
HOURS_TYPES = {"full-time": ["FULL_TIME"], "part-time": ["PART_TIME"]}
# schema.org employmentType is free text; Google's values first where one fits, then the exact kind (the
# pipeline's JSON-LD extractor reads the first value it knows, so the exact kind leads).
CONTRACT_TYPES = {
    "permanent": ["PERMANENT"],
    "temporary": ["TEMPORARY"],
    "fixed-term": ["FIXED_TERM", "TEMPORARY"],
    "casual": ["PER_DIEM"],
    "zero-hours": ["ZERO_HOURS", "PER_DIEM"],
    "agency": ["AGENCY", "CONTRACTOR"],
}
JSONL_NAME = "open-vacancies.jsonl"
DOCUMENT_NAME = "open-vacancies.jsonld"


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else None


def _salary(row: dict[str, Any]) -> dict[str, Any] | None:
    low, high, period = row.get("salary_min"), row.get("salary_max"), row.get("salary_period")
    if period not in UNIT_TEXT or (low is None and high is None):
        return None
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": UNIT_TEXT[period]}
    if low is not None:
        value["minValue"] = low
    if high is not None:
        value["maxValue"] = high
    return {"@type": "MonetaryAmount", "currency": "GBP", "value": value}


def _location(row: dict[str, Any]) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "GB"}
    if row.get("location_text"):
        address["addressLocality"] = row["location_text"]
    if row.get("postcode"):
        address["postalCode"] = row["postcode"]
    return {"@type": "Place", "address": address}


def _organisation(row: dict[str, Any]) -> dict[str, Any]:
    organisation: dict[str, Any] = {"@type": "Organization", "name": row.get("employer_name") or "Unknown employer"}
    if row.get("employer_gss_code"):
        organisation["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "ONS GSS code",
            "value": row["employer_gss_code"],
        }
    return organisation


def _description(row: dict[str, Any]) -> str:
    """A plain-text description: the advert's facts, then the sentences it was read from (unless those are
    the page's own JSON-LD)."""
    facts = [f"{row.get('title') or 'Post'} at {row.get('employer_name') or 'an unnamed employer'}."]
    if row.get("salary_text"):
        facts.append(f"Salary: {row['salary_text']}.")
    if row.get("closing_date"):
        facts.append(f"Closing date: {row['closing_date']:%d %B %Y}.")
    evidence = (row.get("evidence") or "").strip()
    return " ".join(facts) + (f"\n\n{evidence}" if evidence and not evidence.startswith("{") else "")


def job_posting(row: dict[str, Any], names: list[str] | None = None) -> dict[str, Any]:
    """One vacancies row as a schema.org JobPosting; `names` (people to leave out) redacts the description."""
    description = _description(row)
    if names is not None:
        description = redact_text(description, names)
    posting: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "propertyID": "vacancy_id", "value": row["vacancy_id"]},
        "title": row.get("title") or row.get("title_normalised") or "Untitled post",
        "description": description,
        "datePosted": _iso(row.get("first_seen")),
        "hiringOrganization": _organisation(row),
        "jobLocation": _location(row),
    }
    if row.get("closing_date"):
        posting["validThrough"] = _iso(row["closing_date"])
    kinds = HOURS_TYPES.get(row.get("hours") or "", []) + CONTRACT_TYPES.get(row.get("contract") or "", [])
    if kinds:
        posting["employmentType"] = kinds
    salary = _salary(row)
    if salary:
        posting["baseSalary"] = salary
    if row.get("soc2020_code"):
        posting["occupationalCategory"] = {
            "@type": "CategoryCode",
            "codeValue": row["soc2020_code"],
            "name": row.get("soc2020_title"),
            "inCodeSet": "UK SOC 2020 (ONS)",
        }
    return posting


def open_postings(curated_dir: Location, include_personal: bool = False) -> list[dict[str, Any]]:
    """The open vacancies of the curated data as JobPosting objects, oldest first seen first."""
    connection = open_curated(curated_dir)
    names = None if include_personal else contact_names(connection)
    table = connection.sql(
        "select * from vacancies where status = 'open' order by first_seen, vacancy_id"
    ).to_arrow_table()
    return [job_posting(row, names) for row in table.to_pylist()]


def export_jsonld(curated_dir: Location, out_dir: Path, include_personal: bool = False) -> list[Path]:
    """Write open-vacancies.jsonl (one posting per line) and open-vacancies.jsonld (one @graph document)."""
    postings = open_postings(curated_dir, include_personal)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in postings)
    graph = {"@context": SCHEMA, "@graph": [{k: v for k, v in p.items() if k != "@context"} for p in postings]}
    written = []
    for name, text in ((JSONL_NAME, lines), (DOCUMENT_NAME, json.dumps(graph, ensure_ascii=False, indent=1))):
        target = out_dir / name
        staging = target.with_name(f".{name}.tmp")
        staging.write_text(text, encoding="utf-8")
        os.replace(staging, target)
        written.append(target)
    return written
