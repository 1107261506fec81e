"""The live sources files (English councils, independent and voluntary providers): they parse, every URL is
https, no two sources start on one host, every entry cites its evidence; every GSS code is a real children's
services authority and every authority is in the file or named in the README as a known gap; every provider
has its kind."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipeline.config import load_sources
from pipeline.errors import ConfigError
from pipeline.resources import load_csv
from tests.conftest import ROOT

COUNCILS = ROOT / "sources" / "english-councils.yaml"
PROVIDERS = ROOT / "sources" / "providers.yaml"
LIVE = pytest.mark.parametrize("path", [COUNCILS, PROVIDERS], ids=lambda p: p.name)


def _authorities() -> dict[str, str]:
    return {row["gss_code"]: row["la_name"] for row in load_csv("reference/england_childrens_services_las_153.csv")}


@LIVE
def test_the_live_files_parse_with_https_urls_and_one_host_per_source(path: Path) -> None:
    sources = load_sources(path)
    assert len(sources) >= (100 if path == COUNCILS else 40)
    hosts: dict[str, str] = {}
    for source in sources:
        assert source.crawl is not None, source.id
        for url in (*source.crawl.start_urls, *source.crawl.feeds, source.crawl.sitemap):
            if url:
                assert url.startswith("https://"), (source.id, url)
        for url in source.crawl.start_urls:
            host = urlsplit(url).hostname or ""
            assert host not in hosts, f"{source.id} and {hosts.get(host)} start on {host}"
            hosts[host] = source.id


def test_every_gss_code_is_a_childrens_services_authority_named_once() -> None:
    authorities = _authorities()
    codes = [s.gss_code for s in load_sources(COUNCILS) if s.gss_code]
    assert set(codes) <= set(authorities) and len(codes) == len(set(codes))


@LIVE
def test_every_entry_cites_a_stored_page_as_its_evidence(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    entries = [i for i, line in enumerate(lines) if line.lstrip().startswith("- id:")]
    for index in entries:
        comments = []
        j = index - 1
        while j >= 0 and lines[j].lstrip().startswith("#"):
            comments.append(lines[j])
            j -= 1
        assert any(re.match(r"\s*# evidence: https?://\S+", c) for c in comments), lines[index]


def test_every_authority_is_in_the_file_or_a_known_gap_in_the_readme() -> None:
    authorities = _authorities()
    covered = {s.gss_code for s in load_sources(COUNCILS)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    gaps = readme[readme.index("Known gaps: no careers page") :].split("\n\n")[0]
    missing = [name for code, name in authorities.items() if code not in covered and name not in gaps]
    assert missing == [], f"neither in the sources file nor listed as a known gap: {missing}"


def test_a_gss_code_names_the_employer_and_an_unknown_one_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("sources:\n  - id: durham\n    gss_code: E06000047\n    start_urls: [https://www.durham.gov.uk/jobs]\n")
    (source,) = load_sources(good)
    assert (source.gss_code, source.employer) == ("E06000047", "Durham County Council")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - id: x\n    gss_code: E99999999\n    start_urls: [https://example.org/]\n")
    with pytest.raises(ConfigError, match="not a local authority's ONS code"):
        load_sources(bad)


def test_every_provider_has_its_kind_and_the_readme_names_the_gaps() -> None:
    providers = load_sources(PROVIDERS)
    assert {s.kind for s in providers} == {"private", "voluntary"}
    assert all(s.employer for s in providers)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    gaps = readme[readme.index("Known gaps among providers") :].split("\n\n")[0]
    employers = {s.employer for s in providers}
    # the largest groups and charities are in the file; those that are not are named as gaps
    assert {"Keys Group", "Cambian Group", "Barnardo's", "Action for Children"} <= employers
    for name in ("Sandcastle Care", "Kisimul", "Together Trust", "Hesley Group"):
        assert name in gaps


def test_a_kind_must_be_one_a_sources_file_may_give(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - id: x\n    kind: council\n    start_urls: [https://example.org/]\n")
    with pytest.raises(ConfigError, match="'kind' must be one of private, voluntary, agency"):
        load_sources(bad)
