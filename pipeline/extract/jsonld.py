"""schema.org JobPosting in JSON-LD: the most reliable source when a page has it."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from pipeline.extract.models import DateMention, Salary, VacancyCandidate
from pipeline.extract.salaries import infer_period

_UNITS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}
_HOURS = {"FULL_TIME": "full-time", "PART_TIME": "part-time"}
_CONTRACTS = {
    "TEMPORARY": "temporary",
    "CONTRACTOR": "fixed-term",
    "PER_DIEM": "casual",
    "INTERN": "fixed-term",
    "PERMANENT": "permanent",
    "FIXED_TERM": "fixed-term",
    "CASUAL": "casual",
    "ZERO_HOURS": "zero-hours",
    "AGENCY": "agency",
}


def json_ld_objects(root: etree._Element) -> list[dict[str, Any]]:
    """Every JSON object in the page's ld+json scripts (broken JSON is skipped)."""
    objects: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        objects.extend(_flatten(data))
    return objects


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        yield from _flatten(data.get("@graph", []))


def _is_posting(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    return "JobPosting" in (kind if isinstance(kind, list) else [kind])


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    return " ".join(str(value).split()) if value not in (None, "") else None


def _number(value: Any) -> float | None:
    try:
        return float(str(value).replace(",", "").replace("£", "")) if value not in (None, "") else None
    except ValueError:
        return None


def _salary(base: Any) -> Salary | None:
    if not isinstance(base, dict):
        return None
    value = base.get("value")
    unit = base.get("unitText")
    if isinstance(value, dict):
        unit = value.get("unitText", unit)
        low, high = _number(value.get("minValue")), _number(value.get("maxValue"))
        single = _number(value.get("value"))
        low, high = (low if low is not None else single), (high if high is not None else single)
    else:
        low = high = _number(value)
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    period = _UNITS.get(str(unit or "").upper()) or infer_period(high or low or 0)
    figures = " - ".join(
        f"£{v:,.2f}".replace(".00", "") for v in dict.fromkeys(x for x in (low, high) if x is not None)
    )
    return Salary(low, high, period, f"{figures} per {period} (schema.org baseSalary)" if period else figures)


def _closing(value: Any) -> DateMention | None:
    if not isinstance(value, str):
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not match:
        return None
    try:
        return DateMention(dt.date(*map(int, match.groups())), value, True)
    except ValueError:
        return None


def _employment(value: Any) -> tuple[str | None, str | None]:
    values = value if isinstance(value, list) else [value]
    kinds = ["_".join(str(v).upper().replace("-", " ").split()) for v in values if v]
    hours = next((_HOURS[k] for k in kinds if k in _HOURS), None)
    contract = next((_CONTRACTS[k] for k in kinds if k in _CONTRACTS), None)
    return hours, contract


def _address(location: Any) -> tuple[str | None, str | None]:
    if isinstance(location, list):
        location = location[0] if location else None
    address = location.get("address") if isinstance(location, dict) else None
    if not isinstance(address, dict):
        return _text(address), None
    parts = [address.get(k) for k in ("streetAddress", "addressLocality", "addressRegion")]
    text = ", ".join(str(p) for p in parts if p) or None
    return text, _text(address.get("postalCode"))


def _role_part(title: str | None) -> str | None:
    """The title as headings are read: what the advert calls the post, without grade, reference or place."""
    from pipeline.extract.roles import clean_title  # the spaCy pipeline loads only when a page has a posting

    return clean_title(title) or None if title else title


def postings(objects: list[dict[str, Any]]) -> list[VacancyCandidate]:
    """One candidate per JobPosting object."""
    found = []
    for obj in objects:
        if not _is_posting(obj):
            continue
        hours, contract = _employment(obj.get("employmentType"))
        location, postcode = _address(obj.get("jobLocation"))
        found.append(
            VacancyCandidate(
                title=_role_part(_text(obj.get("title"))),
                salary=_salary(obj.get("baseSalary")),
                closing=_closing(obj.get("validThrough")),
                hours=hours,
                hours_per_week=None,
                contract=contract,
                location_text=location,
                postcode=postcode,
                employer=_text(obj.get("hiringOrganization")),
                evidence=json.dumps(obj, ensure_ascii=False)[:2000],
                method="jsonld",
            )
        )
    return found
