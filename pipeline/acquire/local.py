"""Acquire local files (.html, .htm, .txt) into raw/; unreadable inputs become rejects, never exceptions."""

from __future__ import annotations

import datetime as dt
import os
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


def _folder_files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The readable files under a folder, and its symlinks that lead outside it (never followed)."""
    root = folder.resolve()
    files: list[Path] = []
    outside: list[tuple[Path, str]] = []
    for current, dirs, names in os.walk(folder, followlinks=False):
        here = Path(current)
        for name in sorted(dirs):
            if (here / name).is_symlink() and not (here / name).resolve().is_relative_to(root):
                outside.append((here / name, f"symlink leads outside {folder}: not followed"))
        for name in names:
            path = here / name
            if path.suffix.lower() not in SUFFIXES:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                outside.append((path, f"symlink leads outside {folder}: not followed"))
            elif path.is_file():
                files.append(path)
    return sorted(files), sorted(outside)


def expand_paths(paths: list[Path], refuse_parent: bool = False) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to read (folders expanded, sorted) and the paths that cannot be read, with the reason. With
    `refuse_parent` (paths from a sources file), a path with '..' in it is refused, not read."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for path in paths:
        if refuse_parent and ".." in path.parts:
            problems.append((path, "'..' in a sources-file path is not followed: inputs stay inside its folder"))
        elif path.is_dir():
            found, outside = _folder_files(path)
            if not found and not outside:
                problems.append((path, "folder holds no .html, .htm or .txt files"))
            files.extend(found)
            problems.extend(outside)
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


def read_bounded(path: Path, max_bytes: int) -> tuple[bytes, str | None]:
    """At most max_bytes of a file, cut after a line end or tag where one is near; and the note of the cut."""
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) <= max_bytes:
        return data, None
    size = path.stat().st_size
    data = data[:max_bytes]
    tail = data[-65536:]
    cut = max(tail.rfind(b"\n"), tail.rfind(b">"))
    if cut >= 0:
        data = data[: len(data) - len(tail) + cut + 1]
    return data, f"{size:,} bytes, over max_bytes ({max_bytes:,}): the first {len(data):,} read"


def acquire_files(
    paths: list[Path],
    source_id: str,
    store: RawStore,
    employer: str | None = None,
    refuse_parent: bool = False,
    max_bytes: int = 5_000_000,
) -> tuple[list[RawDocument], list[Reject]]:
    """Snapshot local files into the raw store (at most max_bytes of each); returns documents and rejects."""
    files, problems = expand_paths(paths, refuse_parent)
    rejects = [Reject(source_id, str(path), "acquire", reason) for path, reason in problems]
    documents: list[RawDocument] = []
    for path in files:
        uri = path.resolve().as_uri()
        try:
            data, truncated = read_bounded(path, max_bytes)
            mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).replace(microsecond=0)
        except OSError as exc:
            rejects.append(Reject(source_id, uri, "acquire", f"cannot read: {exc.strerror or exc}"))
            continue
        sha, relative = store.put(data)
        content_type = _content_type(path, data)
        document = RawDocument(
            source_id,
            uri,
            sha,
            relative,
            mtime,
            content_type,
            len(data),
            employer,
            modified_at=mtime,
            truncated=truncated,
        )
        store.record(document)
        documents.append(document)
    return documents, rejects
