"""Employers as rows: one canonical name and id per employer, its kind with the evidence that decided it,
and the employers table built from every page's mentions (pure: no I/O)."""

from __future__ import annotations

from typing import Any

from pipeline.extract.models import PageExtraction
from pipeline.normalise.employer_names import canonical_name, identify, kind_of, name_key
from pipeline.reference import Employer

Row = dict[str, Any]
EVIDENCE_ORDER = ("reference_data", "sources_file", "page", "none")  # kind_evidence, strongest first


def canonical_employer(name: str | None) -> str | None:
    """The one name of an employer: the reference name, else the written name tidied (canonical_name)."""
    return canonical_name(name) if name else None


def employer_id(canonical: str, employer: Employer | None) -> str:
    """GSS code when known, else a slug of the canonical name (identify's)."""
    if employer and employer.gss_code:
        return employer.gss_code
    return name_key(canonical)


def mention_rows(base: Row, extraction: PageExtraction, configured: str | None, kind: str | None) -> list[Row]:
    """The page's employer_mentions rows, one per employer: the configured employer first (with the sources
    file's kind), then those the page names; the page's own evidence of kind goes to its employer."""
    rows: dict[str, Row] = {}
    named = [(m.key, m.text, m.explicit) for m in extraction.employers]
    if configured:
        named.insert(0, (configured, configured, True))
    own = canonical_employer(extraction.primary_employer)
    for name, text, explicit in named:
        canonical, employer = identify(name)
        key = employer_id(canonical, employer)
        if key in rows and (rows[key]["explicit"] or not explicit):
            continue
        page_cue = extraction.employer_kind_cue if canonical == own else None
        found = kind_of(employer, text, kind if name == configured else None, page_cue)
        rows[key] = {
            **base,
            "employer_id": key,
            "name": canonical,
            "text": text,
            "explicit": explicit,
            "kind": found[0],
            "kind_evidence": found[1],
            "kind_cue": found[2],
        }
    return list(rows.values())


def employer_row(name: str, pages: int, found: tuple[str, str, str | None]) -> Row:
    """An employers row for a canonical or written employer name, with its (kind, evidence, cue)."""
    canonical, ref = identify(name)
    return {
        "employer_id": employer_id(canonical, ref),
        "name": canonical,
        "gss_code": ref.gss_code if ref else None,
        "region_code": ref.region_code if ref else None,
        "region_name": ref.region_name if ref else None,
        "kind": found[0],
        "kind_evidence": found[1],
        "kind_cue": found[2],
        "childrens_services": bool(ref and ref.childrens_services),
        "serves_gss_codes": list(ref.serves) if ref and ref.serves else None,
        "pages": pages,
    }


def employer_rows(mentions: list[Row]) -> list[Row]:
    """The employers table from all employer mentions: each employer's kind from its strongest evidence
    (reference data, then the sources file, then the page; the most pages among equals)."""
    pages: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    kinds: dict[str, dict[tuple[str, str, str | None], int]] = {}
    for mention in mentions:
        key = mention["employer_id"]
        pages.setdefault(key, set()).add(mention["page_id"])
        names[key] = mention["name"]
        found = (mention.get("kind") or "unknown", mention.get("kind_evidence") or "none", mention.get("kind_cue"))
        kinds.setdefault(key, {})
        kinds[key][found] = kinds[key].get(found, 0) + 1
    rows = []
    for key in sorted(names):
        best = min(
            kinds[key].items(),
            key=lambda item: (EVIDENCE_ORDER.index(item[0][1]), -item[1], item[0][0], item[0][2] or ""),
        )[0]
        rows.append(employer_row(names[key], len(pages[key]), best))
    return rows

