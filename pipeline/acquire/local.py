"""Acquire local files (.html, .htm, .txt) into raw/; unreadable inputs become rejects, never exceptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipeline.acquire.rawstore import RawStore
from pipeline.documents import RawDocument

SUFFIXES = {".html": "text/html", ".htm": "text/html", ".txt": "text/plain"}


@dataclass(frozen=True)
class Reject:
    """An input that could not be taken further, and why."""

    source_id: str
    url: str
    stage: str
    reason: str
    content_sha256: str | None = None
    gone: bool = False  # the server said the page no longer exists (HTTP 404 or 410)


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to read (folders expanded, sorted) and the paths that cannot be read, with the reason."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                problems.append((path, "folder holds no .html, .htm or .txt files"))
            files.extend(found)
        elif not path.exists():
            problems.append((path, "no such file or directory"))
        elif path.suffix.lower() not in SUFFIXES:
            problems.append((path, f"unsupported file type {path.suffix or '(none)'}: expected .html, .htm or .txt"))
        else:
            files.append(path)
    return files, problems


def _content_type(path: Path, data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return SUFFIXES[path.suffix.lower()]


def acquire_files(
    paths: list[Path], source_id: str, store: RawStore, employer: str | None = None
) -> tuple[list[RawDocument], list[Reject]]:
    """Snapshot local files into the raw store; returns documents and rejects."""
    files, problems = expand_paths(paths)
    rejects = [Reject(source_id, str(path), "acquire", reason) for path, reason in problems]
    documents: list[RawDocument] = []
    for path in files:
        uri = path.resolve().as_uri()
        try:
            data = path.read_bytes()
            mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).replace(microsecond=0)
        except OSError as exc:
            rejects.append(Reject(source_id, uri, "acquire", f"cannot read: {exc.strerror or exc}"))
            continue
        sha, relative = store.put(data)
        document = RawDocument(
            source_id, uri, sha, relative, mtime, _content_type(path, data), len(data), employer, modified_at=mtime
        )
        store.record(document)
        documents.append(document)
    return documents, rejects
