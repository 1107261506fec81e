"""Run the real nightly flow over a folder of labelled pages and score what it published."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Source
from pipeline.errors import ConfigError
from pipeline.evaluation import CONTACT_KINDS, Report, score_page

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


def evaluate(labels: list[dict[str, Any]], pages_dir: Path, as_of: dt.date | None) -> Report:
    """Run the flow over pages_dir in a scratch directory and score it against the labels."""
    missing = [label["page"] for label in labels if not (pages_dir / label["page"]).is_file()]
    if missing:
        raise ConfigError(f"{len(missing)} labelled page(s) not in {pages_dir}: {', '.join(missing[:5])}")
    from flows.nightly import nightly_flow

    with tempfile.TemporaryDirectory(prefix="pipeline-eval-") as scratch:
        base = Path(scratch)
        nightly_flow([Source("eval", None, (pages_dir,))], str(base / "raw"), str(base / "curated"), as_of)
        predicted = _predictions(base / "curated")
    empty: dict[str, Any] = {
        "roles": [],
        "employer": None,
        "contacts": {k: set() for k in CONTACT_KINDS},
        "benefits": set(),
    }
    report = Report()
    for label in labels:
        score_page(report, label, predicted.get(label["page"], empty))
    return report
