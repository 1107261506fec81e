"""Vacancy feeds (RSS, Atom, and the XML and JSON shapes applicant-tracking systems send) read with feedparser,
each item turned into a small HTML document whose schema.org JobPosting carries the item's structured fields
(title, salary, closing date, location, contract), so that the extraction cascade maps them directly instead
of reading them again from text. The item's own HTML description follows for everything else (contacts,
benefits)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import feedparser

from pipeline.extract.salaries import extract_salaries
from pipeline.resources import load_yaml


@dataclass(frozen=True)
class FeedItem:
    """One vacancy of a feed, its fields as the feed gives them."""

    title: str | None
    link: str | None
    description: str | None
    salary: str | None
    closing: dt.date | None
    location: str | None
    contract: str | None
    hours: str | None
    employer: str | None
    reference: str | None
    published: str | None


@lru_cache(maxsize=1)
def _mapping() -> dict[str, Any]:
    return load_yaml("feeds.yaml")


def _first(entry: dict[str, Any], field: str) -> str | None:
    for key in _mapping()["fields"][field]:
        value = entry.get(key)
        if isinstance(value, list):  # Atom content, feedparser's list of {value: ...}
            value = next((v.get("value") for v in value if isinstance(v, dict) and v.get("value")), None)
        if value not in (None, "") and not isinstance(value, dict):
            text = str(value).strip()
            if text:
                return text
    return None


def _date(text: str | None) -> dt.date | None:
    """A feed's closing date: ISO ("2042-08-23T01:40:35+0100") or UK day first ("01/09/2043 12:00:00")."""
    if not text:
        return None
    iso = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    uk = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if uk:
            return dt.date(int(uk[3]), int(uk[2]), int(uk[1]))
    except ValueError:
        return None
    return None


def _entries(body: bytes) -> list[dict[str, Any]]:
    """The items of a feed: a JSON list of objects (Fusion), or whatever feedparser finds (RSS, Atom, and
    item-per-vacancy XML such as Broadbean's and VacancyPoster's)."""
    text = body.lstrip()
    if text[:1] in (b"[", b"{"):
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return []
        items = data if isinstance(data, list) else data.get("items") or data.get("vacancies") or []
        return [{str(k).lower(): v for k, v in item.items()} for item in items if isinstance(item, dict)]
    return [dict(entry) for entry in feedparser.parse(body).entries]


def read_feed(body: bytes) -> list[FeedItem]:
    """The vacancies of a feed, in its order; an unreadable feed has none."""
    items = []
    for entry in _entries(body):
        item = FeedItem(
            title=_first(entry, "title"),
            link=_first(entry, "link"),
            description=_first(entry, "description"),
            salary=_first(entry, "salary"),
            closing=_date(_first(entry, "closing")),
            location=_first(entry, "location"),
            contract=_first(entry, "contract"),
            hours=_first(entry, "hours"),
            employer=_first(entry, "employer"),
            reference=_first(entry, "reference"),
            published=_first(entry, "published"),
        )
        if item.title or item.description:
            items.append(item)
    return items


def _base_salary(text: str | None) -> dict[str, Any] | None:
    salaries = extract_salaries(text, labelled=True) if text else []
    if not salaries:
        return None
    salary = salaries[0]
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": (salary.period or "year").upper()}
    if salary.min is not None:
        value["minValue"] = salary.min
    if salary.max is not None:
        value["maxValue"] = salary.max
    return {"@type": "MonetaryAmount", "currency": "GBP", "value": value}


def _employment_types(*values: str | None) -> list[str]:
    kinds = _mapping()["employment_types"]
    return [kinds[v.strip().lower()] for v in values if v and v.strip().lower() in kinds]


def item_document(item: FeedItem) -> bytes:
    """An HTML page for one feed item: its JobPosting (the structured fields) and its description."""
    posting: dict[str, Any] = {"@context": "https://schema.org", "@type": "JobPosting", "title": item.title}
    if item.closing:
        posting["validThrough"] = item.closing.isoformat()
    if salary := _base_salary(item.salary):
        posting["baseSalary"] = salary
    if kinds := _employment_types(item.contract, item.hours):
        posting["employmentType"] = kinds
    if item.location:
        posting["jobLocation"] = {"@type": "Place", "address": item.location.replace("_", " ")}
    if item.employer:
        posting["hiringOrganization"] = {"@type": "Organization", "name": item.employer}
    if item.reference:
        posting["identifier"] = item.reference
    script = json.dumps(posting, ensure_ascii=False).replace("</", "<\\/")
    fields = [("Salary", item.salary), ("Closing date", item.closing.strftime("%d %B %Y") if item.closing else None)]
    rows = "".join(f"<p>{label}: {html.escape(value)}</p>" for label, value in fields if value)
    title = html.escape(item.title or "")
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<script type='application/ld+json'>{script}</script></head>"
        f"<body><h1>{title}</h1>{rows}<div>{item.description or ''}</div></body></html>"
    )
    return page.encode("utf-8")
