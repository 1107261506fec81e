"""Reference data: UK local authorities (ONS GSS codes, regions), other employers, SOC 2020 titles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.prefilter import Alternation
from pipeline.resources import load_csv, load_yaml

_KINDS = {
    "CTY": "county_council",
    "UA": "unitary_authority",
    "MD": "metropolitan_district",
    "LBO": "london_borough",
    "NMD": "district_council",
    "WPA": "welsh_principal_area",
    "SCO": "scottish_council",
    "NID": "northern_ireland_district",
    "CC": "city_of_london",
}


@dataclass(frozen=True)
class Employer:
    """A canonical employer with its codes."""

    name: str
    gss_code: str | None
    region_code: str | None
    region_name: str | None
    kind: str
    childrens_services: bool
    serves: tuple[str, ...] = ()
    place: str | None = None  # the common place name ("Derbyshire")
    aliases: tuple[str, ...] = ()  # other names: "Caerdydd", "Kingston upon Hull, City of"


def _apostrophes(text: str) -> str:
    return text.replace("’", "'")


@dataclass(frozen=True)
class Gazetteer:
    """Employers by every name they go by, and the context cues that make a place name an employer."""

    by_name: dict[str, Employer]  # lower-cased full names and aliases
    by_place: dict[str, list[Employer]]  # lower-cased place names of current authorities
    organisations: tuple[str, ...]  # names of trusts etc. that are employers wherever they are named
    bare_names: frozenset[str]  # lower-cased place (and charity) names that count only in an employer context
    bare_before: Alternation  # "working for" + name
    bare_after: Alternation  # name + "is committed to", "'s children's homes"

    def resolve(self, name: str) -> Employer | None:
        """The employer a written name refers to, or None."""
        key = " ".join(_apostrophes(name).replace("&", " and ").split()).lower()
        key = re.sub(r"^the\s+", "", key)
        if key in self.by_name:
            return self.by_name[key]
        match = re.match(r"cyngor\s+(?:sir\s+|dinas\s+|bwrdeistref\s+sirol\s+)?(.+)$", key)  # Welsh: "Cyngor Gwynedd"
        if match:
            return self._place(match.group(1), None)
        match = re.match(r"(?:(?:london|royal)\s+borough|city|borough)\s+of\s+(.+)$", key)
        if match:
            return self._place(match.group(1), None)
        match = re.match(r"(.+?)\s+(?:(city|county|borough|metropolitan\s+borough|district|town)\s+)?council$", key)
        if match:
            return self._place(match.group(1), match.group(2))
        return None

    def _place(self, place: str, qualifier: str | None) -> Employer | None:
        candidates = self.by_place.get(place, [])
        if qualifier == "county":
            counties = [e for e in candidates if e.kind == "county_council"]
            if counties:
                return counties[0]
            shire = [e for e in self.by_place.get(place + "shire", []) if e.kind == "county_council"]
            if shire:  # "Leicester County Council" means Leicestershire County Council
                return shire[0]
        preferred = sorted(candidates, key=lambda e: (not e.childrens_services, e.kind == "district_council"))
        return preferred[0] if preferred else None


def _regions() -> dict[str, str]:
    return {row["region_name"]: row["region_code"] for row in load_csv("reference/dfe_regions.csv")}


def alt_names(row: dict[str, str]) -> list[str]:
    """The other names a mySociety authority row goes by (no 'UA' codes).

    The column is comma-separated and some names hold a comma ("Bristol, City of"): a piece that is only
    "City of" or "County of" belongs to the piece before it.
    """
    names: list[str] = []
    for piece in (p.strip() for p in row["alt-names"].split(",")):
        if piece.lower() in ("city of", "county of") and names:
            names[-1] = f"{names[-1]}, {piece}"
        elif piece:
            names.append(piece)
    return [n for n in names if not n.endswith(" UA")]


@lru_cache(maxsize=1)
def _local_authorities() -> tuple[Employer, ...]:
    csc_rows = load_csv("reference/england_childrens_services_las_153.csv")
    csc = {row["gss_code"]: row for row in csc_rows}
    csc_by_name = {row["la_name"].lower(): row for row in csc_rows}
    regions = _regions()
    nations: dict[str, str] = load_yaml("employers.yaml")["nation_region_codes"]
    employers = []
    for row in load_csv("reference/mysociety_uk_local_authorities.csv"):
        kind = _KINDS.get(row["local-authority-type"])
        if kind is None or row["current-authority"] != "True":
            continue
        england = csc.get(row["gss-code"]) or next(
            (csc_by_name[n.lower()] for n in [row["nice-name"], *alt_names(row)] if n.lower() in csc_by_name), None
        )
        # DfE's list carries the current GSS code where ONS has re-coded an authority (Barnsley, Sheffield).
        gss = england["gss_code"] if england else row["gss-code"] or None
        region_name = england["region_name"] if england else (row["region"] or row["nation"] or None)
        region_code = (
            england["region_code"] if england else regions.get(region_name or "") or nations.get(row["nation"])
        )
        has_csc = bool(england) or kind in ("welsh_principal_area", "scottish_council")
        employers.append(
            Employer(
                row["official-name"],
                gss,
                region_code,
                region_name,
                kind,
                has_csc,
                place=row["nice-name"],
                aliases=tuple(alt_names(row)),
            )
        )
    return tuple(employers)


def _organisations(written_as: list[tuple[str, Employer]]) -> list[tuple[Employer, list[str], bool]]:
    """The organisations of employers.yaml with their names and whether they count only in an employer
    context; their `written_as` forms (resolved, never searched for) are appended to `written_as`."""
    la_by_gss = {e.gss_code: e for e in _local_authorities()}
    data = load_yaml("employers.yaml")
    codes = {**_regions(), **data["nation_region_codes"]}
    found = []
    for org in data["organisations"]:
        served = [la_by_gss[c] for c in org["serves"] if c in la_by_gss]
        region_names = {e.region_name for e in served}
        region_name = served[0].region_name if len(region_names) == 1 else org.get("region")
        employer = Employer(
            org["name"],
            None,
            codes.get(region_name or ""),
            region_name,
            org["kind"],
            org["kind"] in ("childrens_trust", "health_and_social_care_trust"),
            tuple(org["serves"]),
        )
        searched = [*([org["name"]] if org.get("in_text", True) else []), *org["aliases"]]
        found.append((employer, searched, bool(org.get("context_only"))))
        written_as.extend((name, employer) for name in [*org.get("written_as", []), org["name"]])
    return found


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The employer gazetteer, built once from the bundled reference files."""
    by_name: dict[str, Employer] = {}
    by_place: dict[str, list[Employer]] = {}
    bare: set[str] = set()
    for la in _local_authorities():
        by_name[_apostrophes(la.name).lower()] = la
        for alias in la.aliases:
            by_name.setdefault(_apostrophes(alias).lower(), la)
        names = [n for n in dict.fromkeys([la.place or "", *la.aliases]) if n and n[0].isupper()]
        for name in names:
            if "council" not in name.lower() and la not in by_place.setdefault(name.lower(), []):
                by_place[name.lower()].append(la)
        if la.childrens_services and la.place:
            bare.add(la.place.lower())
    organisations: list[str] = []
    written_as: list[tuple[str, Employer]] = []
    for org, names, context_only in _organisations(written_as):
        for name in names:
            by_name[_apostrophes(name).lower()] = org
            # A charity is named in passing as a partner, a regulator as the inspector; they count as employers
            # only in an employer context ("working for Ofsted").
            if org.kind == "voluntary" or context_only:
                bare.add(_apostrophes(name).lower())
            else:
                organisations.append(name)
    for name, org in written_as:
        by_name.setdefault(_apostrophes(name).lower(), org)
    data = load_yaml("employers.yaml")
    return Gazetteer(
        by_name,
        by_place,
        tuple(_apostrophes(o) for o in organisations),
        frozenset(bare),
        Alternation(data["bare_name_before"], re.IGNORECASE, before=r"\b(?:", after=r")\s+"),
        Alternation(data["bare_name_after"], re.IGNORECASE, before="(?:", after=")"),
    )


def authority_by_code(gss_code: str) -> Employer | None:
    """The local authority with this ONS GSS code (any UK authority in the reference data), or None."""
    return next((e for e in _local_authorities() if e.gss_code == gss_code), None)


@lru_cache(maxsize=1)
def soc_titles() -> dict[str, str]:
    """SOC 2020 unit-group code to title."""
    return {row["soc2020_unit_group"]: row["title"] for row in load_csv("reference/ons_soc2020_unit_groups.csv")}
