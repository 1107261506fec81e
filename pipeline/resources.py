"""Access to the package's own bundled data files (patterns, word lists, reference tables).

Extraction and normalisation stay pure: the only files they read are these, shipped with the code.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from importlib import resources
from typing import Any

import yaml


def _text(name: str) -> str:
    return resources.files("pipeline.data").joinpath(name).read_text(encoding="utf-8")


@cache
def load_yaml(name: str) -> Any:
    """Parse a bundled YAML data file (cached)."""
    return yaml.safe_load(_text(name))


def any_of(patterns: list[str]) -> str:
    """One regular expression matching any of a data file's patterns (each kept as its own group)."""
    return "|".join(f"(?:{p})" for p in patterns)


@cache
def load_jsonl(name: str) -> tuple[dict[str, Any], ...]:
    """Parse a bundled JSON-lines data file (cached)."""
    return tuple(json.loads(line) for line in _text(name).splitlines() if line.strip())


@cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """Parse a bundled CSV reference file into rows of strings (cached)."""
    return tuple(csv.DictReader(_text(name).splitlines()))
