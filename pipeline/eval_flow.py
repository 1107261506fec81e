"""Run the real nightly flow over folders of labelled pages and collect what it published, per page."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Source
from pipeline.errors import ConfigError
from pipeline.evaluation import CONTACT_KINDS

_CONTACT_COLUMNS = {"names": "name", "phones": "phone", "emails": "email", "postcodes": "postcode"}


def _value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _predictions(curated: Path) -> dict[str, dict[str, Any]]:
    """What the flow published, per page file name."""
    pages = pd.read_parquet(curated / "pages")
    sightings = pd.read_parquet(curated / "vacancy_sightings")
    contacts = pd.read_parquet(curated / "contacts")
    benefits = pd.read_parquet(curated / "benefits")
    predicted: dict[str, dict[str, Any]] = {}
    for page in pages.itertuples():
        name = Path(str(page.url)).name
        roles = [
            {k: _value(v) for k, v in row.items()}
            for row in sightings[sightings.page_id == page.page_id].to_dict("records")
        ]
        page_contacts = contacts[contacts.page_id == page.page_id]
        predicted[name] = {
            "roles": roles,
            "employer": _value(page.employer_name),
            "contacts": {
                kind: {str(v) for v in page_contacts[_CONTACT_COLUMNS[kind]].dropna()} for kind in CONTACT_KINDS
            },
            "benefits": set(benefits.loc[benefits.page_id == page.page_id, "category"]),
        }
    return predicted


def locate_pages(labels: list[dict[str, Any]], pages_dirs: list[Path]) -> list[Path]:
    """The file of every labelled page; ConfigError when one is missing or in more than one folder."""
    found: list[Path] = []
    missing: list[str] = []
    for label in labels:
        hits = [d / label["page"] for d in pages_dirs if (d / label["page"]).is_file()]
        if len(hits) > 1:
            raise ConfigError(f"labelled page {label['page']} is in more than one folder: {hits[0]}, {hits[1]}")
        if hits:
            found.append(hits[0])
        else:
            missing.append(label["page"])
    if missing:
        folders = ", ".join(str(d) for d in pages_dirs)
        raise ConfigError(f"{len(missing)} labelled page(s) not in {folders}: {', '.join(missing[:5])}")
    return found


def predict(labels: list[dict[str, Any]], pages_dirs: list[Path], as_of: dt.date | None) -> dict[str, dict[str, Any]]:
    """Run the flow over the labelled pages in a scratch directory; what it published, per page file name."""
    files = locate_pages(labels, pages_dirs)
    from flows.nightly import nightly_flow

    with tempfile.TemporaryDirectory(prefix="pipeline-eval-") as scratch:
        base = Path(scratch)
        nightly_flow([Source("eval", None, tuple(files))], str(base / "raw"), str(base / "curated"), as_of)
        return _predictions(base / "curated")
