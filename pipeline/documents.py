"""The record of one acquired document, as stored beside its snapshot in raw/."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class RawDocument:
    """Fetch metadata of a document whose bytes are stored content-addressed in raw/."""

    source_id: str
    url: str
    content_sha256: str
    raw_path: str  # relative to the raw directory
    fetched_at: dt.datetime  # UTC
    content_type: str  # text/html | text/plain
    bytes: int
    employer: str | None = None  # the source's configured employer, if any
    modified_at: dt.datetime | None = None
    etag: str | None = None  # HTTP validators, sent back on the next run (If-None-Match / If-Modified-Since)
    last_modified: str | None = None
    truncated: str | None = None  # why only part of the document was read (a limit), when it was cut
    employer_kind: str | None = None  # the source's configured employer kind (sources file `kind:`), if any

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}  # shallow: every field is a plain value
        data["fetched_at"] = self.fetched_at.isoformat()
        data["modified_at"] = self.modified_at.isoformat() if self.modified_at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawDocument:
        """Inverse of to_json."""
        data = dict(data)
        data["fetched_at"] = dt.datetime.fromisoformat(data["fetched_at"])
        data["modified_at"] = dt.datetime.fromisoformat(data["modified_at"]) if data.get("modified_at") else None
        return cls(**data)


def short_hash(*parts: object) -> str:
    """A 16-hex-digit id from the parts (SHA-256)."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:16]
