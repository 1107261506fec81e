"""raw/ on object storage: the same layout as a local raw folder (objects/<sha[:2]>/<sha256> and
meta/<source>/<url hash>.json), one object each. A PUT is atomic, so no temporary names are needed."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from pipeline.acquire.rawstore import RawStore
from pipeline.documents import RawDocument, short_hash
from pipeline.errors import TransientError
from pipeline.storage.locations import bucket_path, s3_filesystem


class ObjectRawStore(RawStore):
    """Snapshots by content hash and fetch metadata under an `s3://bucket/prefix`."""

    def __init__(self, url: str, filesystem: Any = None) -> None:
        self.url = url
        self.base = bucket_path(url)
        self.fs = filesystem or s3_filesystem()

    def __str__(self) -> str:
        return self.url

    def put(self, data: bytes) -> tuple[str, str]:
        """Store bytes (once per content); returns (sha256, relative path)."""
        sha = hashlib.sha256(data).hexdigest()
        relative = self.object_path(sha)
        key = f"{self.base}/{relative}"
        with transient_errors(self.url):
            if not self.fs.exists(key):
                self.fs.pipe_file(key, data)
        return sha, relative

    def read(self, relative: str) -> bytes:
        """The bytes of a stored snapshot (FileNotFoundError when there is none)."""
        with transient_errors(self.url):
            data: bytes = self.fs.cat_file(f"{self.base}/{relative}")
        return data

    def previous(self, source_id: str) -> dict[str, RawDocument]:
        """The last fetch metadata of every URL of a source whose snapshot is still stored, by URL."""
        with transient_errors(self.url):
            keys = self.fs.glob(f"{self.base}/meta/{source_id}/*.json")
            if not keys:
                return {}
            records = self.fs.cat(sorted(keys), on_error="omit")
        documents: list[RawDocument] = []
        for key in sorted(records):
            try:
                documents.append(RawDocument.from_json(json.loads(records[key])))
            except (ValueError, TypeError, KeyError):
                continue  # an unreadable record only costs a full fetch
        stored = self._stored({d.raw_path for d in documents})
        return {d.url: d for d in documents if d.raw_path in stored}

    def _stored(self, paths: set[str]) -> set[str]:
        """Which of these snapshot paths exist: one listing per objects/<sha[:2]> folder they fall in."""
        folders = {path.rsplit("/", 1)[0] for path in paths}
        found: set[str] = set()
        with transient_errors(self.url):
            for folder in sorted(folders):
                try:
                    listed = self.fs.ls(f"{self.base}/{folder}", detail=False)
                except FileNotFoundError:
                    continue
                found |= {key[len(self.base) + 1 :] for key in listed}
        return found & paths

    def record(self, document: RawDocument) -> str:  # type: ignore[override]
        """Write the document's fetch metadata beside the snapshots (not again when it is the same)."""
        key = f"{self.base}/meta/{document.source_id}/{short_hash(document.url)}.json"
        data = json.dumps(document.to_json(), indent=1, sort_keys=True).encode("utf-8")
        with transient_errors(self.url):
            try:
                if self.fs.cat_file(key) == data:
                    return key
            except FileNotFoundError:
                pass
            self.fs.pipe_file(key, data)
        return key


@contextlib.contextmanager
def transient_errors(url: str) -> Iterator[None]:
    """Turn object-storage connection failures into TransientError (a missing object stays
    FileNotFoundError, a refused one PermissionError)."""
    try:
        yield
    except (FileNotFoundError, PermissionError):
        raise
    except Exception as error:
        if isinstance(error, OSError | ConnectionError) or type(error).__module__.startswith(("botocore", "aiohttp")):
            message = f"object storage {url}: {type(error).__name__}: {error}".splitlines()[0]
            raise TransientError(message) from error
        raise
