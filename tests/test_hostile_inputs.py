"""Hostile inputs through `pipeline ingest` (the real flow): every document is read or rejected with a
one-line reason, deep and long pages are extracted within their limits, and the exit code says so."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.extract.limits import Limits, html_as_text, html_depth_over, split_long
from pipeline.extract.page import extract_page

ADVERT_HTML = (
    "<h1>Residential Support Worker</h1><p>Salary: £25,000 - £27,000 per annum</p><p>Closing date: 15 December 2025</p>"
)
ADVERT_TEXT = "Residential Support Worker\n\nSalary: £25,000 - £27,000 per annum\nClosing date: 15 December 2025\n"


def hostile_folder(folder: Path, outside: Path) -> dict[str, str]:
    """Write the awkward files; returns each file's name and what should become of it."""
    folder.mkdir()
    files: dict[str, tuple[bytes, str]] = {
        "empty.html": (b"", "reject"),
        "whitespace.txt": (b"   \n\t\n", "reject"),
        "binary.html": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "reject"),
        "nul.txt": (b"Residential\x00Support\x00Worker" * 100, "reject"),
        "invalid-utf8.html": (
            f"<html><body>{ADVERT_HTML}<p>caf\xe9</p></body></html>".encode("latin-1", "replace"),
            "page",
        ),
        "utf16.txt": (ADVERT_TEXT.encode("utf-16"), "page"),
        "deep.html": (
            ("<html><body>" + "<div>" * 100_000 + ADVERT_HTML + "</div>" * 100_000 + "</body></html>").encode(),
            "page",
        ),
        "long-line.txt": ((ADVERT_TEXT + "\n" + "word " * 400_000).encode(), "page"),  # one 2-million-character line
        "large.html": (
            (
                "<html><body>"
                + ADVERT_HTML
                + "<p>Our children's homes team supports young people.</p>" * 120_000
                + "</body></html>"
            ).encode(),
            "page",
        ),
        "broken-jsonld.html": (
            f'<html><head><script type="application/ld+json">{{"@type": "JobPosting", "title": </script></head>'
            f"<body>{ADVERT_HTML}</body></html>".encode(),
            "page",
        ),
        "absurd-jsonld.html": (
            (
                '<html><head><script type="application/ld+json">'
                + json.dumps(
                    {
                        "@type": "JobPosting",
                        "title": "Carer " * 3000,
                        "validThrough": "9999-99-99",
                        "baseSalary": {"value": {"minValue": 1e15, "maxValue": -5, "unitText": "FORTNIGHT"}},
                    }
                )
                + "</script></head><body><p>Apply now.</p></body></html>"
            ).encode(),
            "page",
        ),
        "absurd-salary.txt": (
            b"Social Worker\n\nSalary: \xc2\xa3999,999,999,999 per annum\nClosing date: 1 January 2026\n",
            "page",
        ),
        "scripts.html": (
            b"<html><body><script>var job = 'Social Worker, Salary: \xc2\xa340,000';</script>"
            b"<p>Hello.</p></body></html>",
            "page",
        ),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    (folder / "outside-link.txt").symlink_to(outside)
    expected = {name: fate for name, (_, fate) in files.items()}
    expected["outside-link.txt"] = "reject"
    return expected


@pytest.mark.prefect
def test_every_hostile_input_is_read_or_rejected(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("Secret text that lives outside the folder\n", encoding="utf-8")
    expected = hostile_folder(tmp_path / "in", outside)
    curated = tmp_path / "curated"
    args = ["ingest", str(tmp_path / "in"), "--raw-dir", str(tmp_path / "raw"), "--curated-dir", str(curated)]
    code = main([*args, "--as-of", "2025-11-20", "--max-bytes", "3000000"])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        err.splitlines()[-1]
        == "error: 6 input(s) rejected (acquire 1, decode 4, validate 1); each is in the rejects table"
    )
    pages = pd.read_parquet(curated / "pages")
    rejects = pd.read_parquet(curated / "rejects")
    fate = {Path(u).name: "reject" for u in rejects.url} | {Path(u).name: "page" for u in pages.url}
    assert fate == expected, "every input ends as rows or as a reject"
    assert all("\n" not in r and len(r) < 300 for r in rejects.reason), rejects.reason.tolist()
    vacancies = pd.read_parquet(curated / "vacancy_sightings")
    by_page = dict(zip(pages.page_id, pages.url.map(lambda u: Path(u).name), strict=True))
    titles = vacancies.assign(file=vacancies.page_id.map(by_page)).groupby("file").title.apply(sorted).to_dict()
    for name in ("deep.html", "long-line.txt", "large.html", "utf16.txt", "invalid-utf8.html", "broken-jsonld.html"):
        assert titles.get(name) == ["Residential Support Worker"], name
    assert "scripts.html" not in titles
    truncated = dict(zip(pages.url.map(lambda u: Path(u).name), pages.truncated, strict=True))
    assert truncated["deep.html"] == "element depth over max_depth (255): read as text"
    assert truncated["large.html"].startswith("6,600,142 bytes, over max_bytes (3,000,000): the first 2,99")
    assert truncated["large.html"].endswith("characters read")  # and then the text limit
    assert truncated["long-line.txt"] == "text over max_chars (1,000,000): the first 1,000,000 characters read"
    assert pd.isna(truncated["utf16.txt"])
    assert not any("Secret" in p.read_text(errors="replace") for p in (tmp_path / "raw").rglob("*") if p.is_file())


def test_a_deep_tree_is_read_as_text_and_keeps_its_advert() -> None:
    html = (
        "<html><body>"
        + "<div>" * 5000
        + ADVERT_HTML
        + "</div>" * 5000
        + "<p>Contact jobs@derby.gov.uk</p></body></html>"
    )
    assert html_depth_over(html, 250) and not html_depth_over("<div>" * 250 + "</div>" * 250, 250)
    page = extract_page(html, True)
    assert [v.title for v in page.vacancies] == ["Residential Support Worker"]
    assert page.limits_applied == ("element depth over max_depth (255): read as text",)
    assert [c.email for c in page.contacts] == ["jobs@derby.gov.uk"]
    assert "Closing date: 15 December 2025" in html_as_text(html)


def test_text_over_spacys_length_is_processed_in_parts() -> None:
    text = "Our homes. " * 150_000 + "\n\n" + ADVERT_TEXT  # one block of 1.65 million characters
    page = extract_page(text, False, limits=Limits(max_chars=3_000_000))
    assert [v.title for v in page.vacancies] == ["Residential Support Worker"]
    parts = split_long("Our homes. " * 30_000, size=100_000)
    assert "".join(parts) == "Our homes. " * 30_000 and all(len(p) <= 100_000 for p in parts)
    assert all(p.endswith(". ") for p in parts[:-1]), "cut at sentence ends"


def test_the_time_limit_rejects_with_a_reason_that_names_it() -> None:
    from pipeline.extract.limits import ExtractionTimeout

    with pytest.raises(ExtractionTimeout, match=r"max_extract_seconds \(1e-06 s\)"):
        extract_page(ADVERT_HTML * 50, True, limits=Limits(max_extract_seconds=1e-6))


def test_the_depth_limit_follows_the_parser_and_a_lower_setting() -> None:
    nested = "<html><body>" + "<div>" * 300 + ADVERT_HTML + "</div>" * 300 + "</body></html>"
    assert extract_page(nested, True).limits_applied == ("element depth over max_depth (255): read as text",)
    deeper = extract_page(nested, True, limits=Limits(max_depth=400))
    assert deeper.limits_applied == () and [v.title for v in deeper.vacancies] == ["Residential Support Worker"]
    shallow = extract_page("<div>" * 60 + ADVERT_HTML + "</div>" * 60, True, limits=Limits(max_depth=50))
    assert shallow.limits_applied == ("element depth over max_depth (50): read as text",)
