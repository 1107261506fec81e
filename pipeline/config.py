"""The sources file: which sources to read, their employer and where their pages are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError

BUNDLED_SOURCES = Path(__file__).resolve().parent.parent / "samples" / "sources.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Source:
    """One source: an id, the employer whose pages they are (optional) and local paths."""

    id: str
    employer: str | None
    paths: tuple[Path, ...]
    description: str | None = None


def _source(entry: Any, index: int, base: Path) -> Source:
    where = f"source #{index + 1}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a mapping with id and paths, got {type(entry).__name__}")
    source_id = entry.get("id")
    if not isinstance(source_id, str) or not _ID.match(source_id):
        raise ConfigError(f"{where}: 'id' must be lower-case letters, digits, - or _ (got {source_id!r})")
    where = f"source '{source_id}'"
    unknown = set(entry) - {"id", "employer", "paths", "description", "start_urls"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if "start_urls" in entry and "paths" not in entry:
        raise ConfigError(f"{where}: 'start_urls' needs the web crawler, which is not built yet; list local 'paths'")
    paths = entry.get("paths")
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p for p in paths):
        raise ConfigError(f"{where}: 'paths' must be a non-empty list of files or folders")
    employer = entry.get("employer")
    if employer is not None and not isinstance(employer, str):
        raise ConfigError(f"{where}: 'employer' must be text")
    return Source(source_id, employer, tuple((base / p) for p in paths), entry.get("description"))


def load_sources(path: Path) -> list[Source]:
    """Parse and validate a sources file; raises ConfigError with a one-line reason."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"sources file {path} is not valid YAML{at}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or not data["sources"]:
        raise ConfigError(f"sources file {path}: expected a top-level 'sources:' list with at least one source")
    sources = [_source(entry, i, path.parent) for i, entry in enumerate(data["sources"])]
    seen: set[str] = set()
    for source in sources:
        if source.id in seen:
            raise ConfigError(f"sources file {path}: duplicate source id '{source.id}'")
        seen.add(source.id)
    return sources
