"""The sources file: which sources to read, their employer and where their pages are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cssselect
import lxml.cssselect
import yaml

from pipeline.acquire.crawl import CrawlSpec
from pipeline.acquire.politeness import Politeness
from pipeline.errors import ConfigError, InputError
from pipeline.extract.limits import Limits
from pipeline.reference import authority_by_code

BUNDLED_SOURCES = Path(__file__).resolve().parent.parent / "samples" / "sources.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Employer kinds a sources file may give (councils take theirs from the reference data through gss_code).
CONFIGURED_KINDS = ("private", "voluntary", "agency", "school", "nhs", "central_government")


@dataclass(frozen=True)
class Source:
    """One source: an id, the employer whose pages they are (optional), local paths and/or web pages."""

    id: str
    employer: str | None
    paths: tuple[Path, ...] = ()
    description: str | None = None
    crawl: CrawlSpec | None = None  # start URLs, sitemap, allowed domains, link patterns, limits
    politeness: Politeness = field(default_factory=Politeness)  # the sources file's `politeness:` settings
    additive: bool = False  # ingest: pages not given this run are not observed (their vacancies stay open)
    gss_code: str | None = None  # the employer's ONS code when it is a local authority (its key in the reference)
    from_sources_file: bool = False  # paths are relative to a sources file: '..' in them is refused
    limits: Limits = field(default_factory=Limits)  # the sources file's `limits:` (per document)
    kind: str | None = None  # the employer's kind when the sources file gives it (private, voluntary, agency...)


def _source(entry: Any, index: int, base: Path) -> Source:
    where = f"source #{index + 1}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a mapping with id and paths, got {type(entry).__name__}")
    source_id = entry.get("id")
    if not isinstance(source_id, str) or not _ID.match(source_id):
        raise ConfigError(f"{where}: 'id' must be lower-case letters, digits, - or _ (got {source_id!r})")
    where = f"source '{source_id}'"
    unknown = set(entry) - {"id", "employer", "gss_code", "kind", "paths", "description", *_CRAWL_KEYS}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    paths = _strings(entry, "paths", where)
    crawl = _crawl_spec(entry, where)
    if not paths and crawl is None:
        raise ConfigError(f"{where}: 'paths' (local files or folders) or 'start_urls'/'sitemap'/'feeds' must be given")
    employer = entry.get("employer")
    if employer is not None and not isinstance(employer, str):
        raise ConfigError(f"{where}: 'employer' must be text")
    gss_code = entry.get("gss_code")
    if gss_code is not None:
        authority = authority_by_code(str(gss_code)) if isinstance(gss_code, str) else None
        if authority is None:
            raise ConfigError(f"{where}: 'gss_code' {gss_code!r} is not a local authority's ONS code")
        employer = employer or authority.name
    kind = entry.get("kind")
    if kind is not None and kind not in CONFIGURED_KINDS:
        raise ConfigError(f"{where}: 'kind' must be one of {', '.join(CONFIGURED_KINDS)} (got {kind!r})")
    paths_ = tuple((base.absolute() / p) for p in paths)  # only the paths themselves may hold a refused ".."
    return Source(
        source_id,
        employer,
        paths_,
        entry.get("description"),
        crawl,
        gss_code=gss_code,
        from_sources_file=True,
        kind=kind,
    )


_CRAWL_KEYS = {
    "start_urls",
    "allowed_domains",
    "follow",
    "follow_selectors",
    "sitemap",
    "max_depth",
    "max_pages",
    "revisit_days",
    "feeds",
    "follow_feed_links",
}


def _strings(entry: dict[str, Any], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of text")
    return value


def _crawl_spec(entry: dict[str, Any], where: str) -> CrawlSpec | None:
    start_urls = _strings(entry, "start_urls", where)
    sitemap = entry.get("sitemap")
    feeds = _strings(entry, "feeds", where)
    if not start_urls and not sitemap and not feeds:
        if set(entry) & _CRAWL_KEYS:
            raise ConfigError(f"{where}: crawl settings need 'start_urls', 'sitemap' or 'feeds'")
        return None
    follow_feed_links = entry.get("follow_feed_links", False)
    if not isinstance(follow_feed_links, bool):
        raise ConfigError(f"{where}: 'follow_feed_links' must be true or false")
    for url in [*start_urls, *([sitemap] if sitemap else []), *feeds]:
        if not isinstance(url, str) or not re.match(r"^https?://[^/\s]+", url):
            raise ConfigError(f"{where}: not an http(s) URL: {url!r}")
    for pattern in _strings(entry, "follow", where):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: bad 'follow' pattern {pattern!r}: {exc}") from exc
    for selector in _strings(entry, "follow_selectors", where):
        try:
            lxml.cssselect.CSSSelector(selector)
        except cssselect.SelectorError as exc:
            raise ConfigError(f"{where}: bad CSS selector {selector!r}: {exc}") from exc
    limits = {k: entry.get(k, default) for k, default in (("max_depth", 2), ("max_pages", 500))}
    revisit = entry.get("revisit_days", 7)
    if not isinstance(revisit, int | float) or revisit < 0:
        raise ConfigError(f"{where}: 'revisit_days' must be a number of days")
    if not all(isinstance(v, int) and v >= 0 for v in limits.values()):
        raise ConfigError(f"{where}: 'max_depth' and 'max_pages' must be whole numbers")
    return CrawlSpec(
        tuple(start_urls),
        tuple(d.lower() for d in _strings(entry, "allowed_domains", where)),
        tuple(_strings(entry, "follow", where)),
        tuple(_strings(entry, "follow_selectors", where)),
        sitemap,
        limits["max_depth"],
        limits["max_pages"],
        float(revisit),
        tuple(feeds),
        follow_feed_links,
    )


def _politeness(value: Any, path: Path) -> Politeness:
    if value is None:
        return Politeness()
    keys = {"min_delay", "max_concurrency", "obey_robots", "defer_after"}
    if not isinstance(value, dict) or set(value) - keys:
        raise ConfigError(
            f"sources file {path}: 'politeness' takes min_delay, max_concurrency, obey_robots and defer_after"
        )
    try:
        return Politeness(
            float(value.get("min_delay", 2.0)),
            int(value.get("max_concurrency", 1)),
            bool(value.get("obey_robots", True)),
            max(1, int(value.get("defer_after", 3))),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"sources file {path}: bad 'politeness' value: {exc}") from exc


LIMIT_KEYS = {"max_bytes": int, "max_chars": int, "max_depth": int, "max_extract_seconds": float}


def parse_limits(value: Any, where: str, base: Limits | None = None) -> Limits:
    """Limits from a mapping (the sources file's `limits:` or the command line), over `base`."""
    base = base or Limits()
    if value is None:
        return base
    if not isinstance(value, dict) or set(value) - set(LIMIT_KEYS):
        raise ConfigError(f"{where}: 'limits' takes {', '.join(LIMIT_KEYS)}")
    try:
        return replace(base, **{k: LIMIT_KEYS[k](v) for k, v in value.items() if v is not None})
    except (TypeError, ValueError, InputError) as exc:
        raise ConfigError(f"{where}: bad 'limits' value: {exc}") from exc


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
    politeness = _politeness(data.get("politeness"), path)
    limits = parse_limits(data.get("limits"), f"sources file {path}")
    sources = [
        replace(_source(entry, i, path.parent), politeness=politeness, limits=limits)
        for i, entry in enumerate(data["sources"])
    ]
    seen: set[str] = set()
    for source in sources:
        if source.id in seen:
            raise ConfigError(f"sources file {path}: duplicate source id '{source.id}'")
        seen.add(source.id)
    return sources
