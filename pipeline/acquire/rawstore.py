"""raw/: content-addressed snapshots (objects/<sha[:2]>/<sha256>) and fetch metadata (meta/<source>/...json)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from pipeline.documents import RawDocument, short_hash


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RawStore:
    """Snapshots by content hash, and one metadata record per (source, url)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def object_path(self, sha256: str) -> str:
        """Path of a snapshot, relative to the raw directory."""
        return f"objects/{sha256[:2]}/{sha256}"

    def put(self, data: bytes) -> tuple[str, str]:
        """Store bytes (once per content); returns (sha256, relative path)."""
        sha = hashlib.sha256(data).hexdigest()
        relative = self.object_path(sha)
        target = self.root / relative
        if not target.exists():
            _atomic_write(target, data)
        return sha, relative

    def read(self, relative: str) -> bytes:
        """The bytes of a stored snapshot."""
        return (self.root / relative).read_bytes()

    def previous(self, source_id: str) -> dict[str, RawDocument]:
        """The last fetch metadata of every URL of a source, by URL."""
        found: dict[str, RawDocument] = {}
        for path in sorted((self.root / "meta" / source_id).glob("*.json")):
            try:
                document = RawDocument.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, TypeError, KeyError):
                continue  # an unreadable record only costs a full fetch
            if (self.root / document.raw_path).exists():
                found[document.url] = document
        return found

    def record(self, document: RawDocument) -> Path:
        """Write the document's fetch metadata beside the snapshots (not again when it is the same)."""
        path = self.root / "meta" / document.source_id / f"{short_hash(document.url)}.json"
        data = json.dumps(document.to_json(), indent=1, sort_keys=True).encode("utf-8")
        try:
            if path.read_bytes() == data:
                return path  # an unchanged page costs a read, not a synced write
        except OSError:
            pass
        _atomic_write(path, data)
        return path
