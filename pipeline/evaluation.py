"""`pipeline eval`: run the real flow over labelled pages and score it field by field.

Labels are JSON lines, one page each:
  {"page": "file name in one of the PAGES_DIRs", "split": "dev" | "holdout" (optional),
   "employer": "Derby City Council" | null,
   "roles": [{"title": ..., "aliases": [...], "salary_min": ..., "salary_max": ..., "salary_period": ...,
              "closing_date": "YYYY-MM-DD", "hours": ..., "contract": ...}],
   "contacts": {"names": [...], "phones": ["+44..."], "emails": [...], "postcodes": ["S40 2NT"]},
   "benefits": ["pension", ...], "note": "why it was labelled so (optional)"}
A role's missing key means "not stated" (null). Scores: per field, true and false positives and false
negatives summed over pages (a missed role's stated salary, date, hours and contract count as missed, an
invented role's as false positives); roles are matched by normalised title (or one of its aliases), employers by
reference name or else by a normalised name, contact names without honorifics or case.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError
from pipeline.extract.nlp import singular_word
from pipeline.extract.roles import title_key
from pipeline.normalise.employers import canonical_employer

ROLE_FIELDS = ("salary", "closing_date", "hours", "contract")
CONTACT_KINDS = ("names", "phones", "emails", "postcodes")
FIELDS = ("roles", *ROLE_FIELDS, "employer", *(f"contact_{k}" for k in CONTACT_KINDS), "benefits")


@dataclass
class Score:
    """True positives, false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class PageResult:
    """Errors on one page, for the worst-pages list."""

    page: str
    errors: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Scores per field, false positives on pages without vacancies, and page-level errors."""

    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    pages: list[PageResult] = field(default_factory=list)
    no_vacancy_false_positives: list[str] = field(default_factory=list)

    def f1(self) -> dict[str, float]:
        """F1 per field, rounded to 3 places."""
        return {name: round(score.f1, 3) for name, score in self.scores.items()}


def load_labels(path: Path) -> list[dict[str, Any]]:
    """Read a labels JSONL file; raises ConfigError with a one-line reason."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read labels file {path}: {exc.strerror or exc}") from exc
    labels = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            label = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(label, dict) or not isinstance(label.get("page"), str):
            raise ConfigError(f"{path}:{number}: each line needs a 'page' file name")
        labels.append(label)
    return labels


@dataclass(frozen=True)
class Floors:
    """Pinned minimum F1 per field, overall and per split, and the most vacancies allowed on empty pages."""

    overall: dict[str, float] = field(default_factory=dict)
    splits: dict[str, dict[str, float]] = field(default_factory=dict)
    max_no_vacancy_false_positives: int | None = None
    as_of: dt.date | None = None


def _field_floors(raw: Any, path: Path) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"floors file {path}: floors must be a mapping of field to minimum F1")
    floors = {str(k): float(v) for k, v in raw.items()}
    unknown = set(floors) - set(FIELDS)
    if unknown:
        raise ConfigError(f"floors file {path}: unknown field(s) {', '.join(sorted(unknown))}")
    return floors


def load_floors(path: Path) -> Floors:
    """The pinned floors file: `floors` (whole set), `split_floors` (per split), `max_no_vacancy_false_positives`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read floors file {path}: {exc}") from exc
    splits = data.get("split_floors") or {}
    if not isinstance(splits, dict):
        raise ConfigError(f"floors file {path}: split_floors must map a split name to its floors")
    as_of = data.get("as_of")
    most = data.get("max_no_vacancy_false_positives")
    return Floors(
        _field_floors(data.get("floors"), path),
        {str(name): _field_floors(raw, path) for name, raw in splits.items()},
        int(most) if most is not None else None,
        dt.date.fromisoformat(str(as_of)) if as_of else None,
    )


def _count(score: Score, expected: Any, predicted: Any, same: Callable[[Any, Any], bool]) -> bool:
    """Score one expected/predicted value pair (None = not stated); True when they agree."""
    if expected is None and predicted is None:
        return True
    if expected is not None and predicted is not None and same(expected, predicted):
        score.tp += 1
        return True
    score.fp += predicted is not None
    score.fn += expected is not None
    return False


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), abs_tol=0.005)


def _salary(role: dict[str, Any]) -> tuple[Any, Any, Any] | None:
    values = (role.get("salary_min"), role.get("salary_max"), role.get("salary_period"))
    return None if values[0] is None and values[1] is None else values


def _same_salary(a: tuple[Any, Any, Any], b: tuple[Any, Any, Any]) -> bool:
    return _close(a[0], b[0]) and _close(a[1], b[1]) and a[2] == b[2]


_DASHES = re.compile(r"\s*[-–—−]+\s*")
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|mx|dr|prof)\.?\s+", re.IGNORECASE)


def match_key(title: str | None) -> str | None:
    """A title's comparison key: `title_key` with dashes, "&" and punctuation spelled one way."""
    if not title:
        return None
    text = _DASHES.sub(" - ", title.replace("&", " and ").replace("’", "'").replace("‘", "'"))
    text = re.sub(r"[^\w' ()/:-]+", " ", text).replace(" :", ":")
    words = [singular_word(w) for w in title_key(text).split()]  # every word: a key, not a spelling
    return " ".join(words) or None


def _role_keys(role: dict[str, Any]) -> set[str | None]:
    names = [role.get("title"), *(role.get("aliases") or [])]
    return {match_key(name) for name in names} or {None}


def _match_roles(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    """Pairs (expected, predicted) matched by normalised title or alias; unmatched sides paired with None."""
    pool = list(predicted)
    pairs: list[tuple[Any, Any]] = []
    for role in expected:
        keys = _role_keys(role)
        found = next((p for p in pool if match_key(p.get("title")) in keys), None)
        if found is not None:
            pool.remove(found)
        pairs.append((role, found))
    return pairs + [(None, p) for p in pool]


def employer_key(name: str | None) -> str | None:
    """An employer's comparison key: its reference name when known, else the name without case or punctuation."""
    canonical = canonical_employer(name)
    if not canonical:
        return None
    text = canonical.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip() or None


def _contact_key(kind: str, value: str) -> str:
    if kind == "names":
        return " ".join(_HONORIFIC.sub("", value.strip()).lower().split())
    if kind in ("emails", "postcodes"):
        return value.strip().lower()
    return value


def _score_roles(report: Report, result: PageResult, label: dict[str, Any], predicted: list[dict[str, Any]]) -> None:
    for expected, found in _match_roles(label.get("roles", []), predicted):
        if not _count(
            report.scores["roles"],
            expected and (expected.get("title") or "(unnamed)"),
            found and (found.get("title") or "(unnamed)"),
            lambda a, b: True,
        ):
            result.errors += 1
            result.notes.append(
                f"role {'missed' if found is None else 'invented'}: {(expected or found).get('title')!r}"
            )
        # A missed role misses its stated fields too; an invented role's fields are false positives.
        want_role, got_role = expected or {}, found or {}
        checks = {
            "salary": (_salary(want_role), _salary(got_role), _same_salary),
            "closing_date": (want_role.get("closing_date"), got_role.get("closing_date"), lambda a, b: a == b),
            "hours": (want_role.get("hours"), got_role.get("hours"), lambda a, b: a == b),
            "contract": (want_role.get("contract"), got_role.get("contract"), lambda a, b: a == b),
        }
        for name, (want, got, same) in checks.items():
            if not _count(report.scores[name], want, got, same) and expected is not None and found is not None:
                result.errors += 1
                result.notes.append(f"{expected.get('title')!r} {name}: expected {want!r}, got {got!r}")


def _score_sets(report: Report, result: PageResult, name: str, expected: set[str], predicted: set[str]) -> None:
    score = report.scores[name]
    score.tp += len(expected & predicted)
    score.fp += len(predicted - expected)
    score.fn += len(expected - predicted)
    for missed in sorted(expected - predicted):
        result.errors += 1
        result.notes.append(f"{name} missed: {missed}")
    for extra in sorted(predicted - expected):
        result.errors += 1
        result.notes.append(f"{name} extra: {extra}")


def score_page(report: Report, label: dict[str, Any], predicted: dict[str, Any]) -> None:
    """Add one page's comparison to the report. `predicted` holds roles, employer, contacts, benefits."""
    result = PageResult(label["page"])
    _score_roles(report, result, label, predicted["roles"])
    if not label.get("roles") and predicted["roles"]:
        report.no_vacancy_false_positives.append(f"{label['page']}: {len(predicted['roles'])} vacancies")
    want, got = label.get("employer"), predicted.get("employer")
    if not _count(report.scores["employer"], employer_key(want), employer_key(got), lambda a, b: a == b):
        result.errors += 1
        result.notes.append(f"employer: expected {want!r}, got {got!r}")
    contacts = label.get("contacts") or {}
    for kind in CONTACT_KINDS:
        expected = {_contact_key(kind, v) for v in contacts.get(kind, [])}
        found = {_contact_key(kind, v) for v in predicted["contacts"][kind]}
        _score_sets(report, result, f"contact_{kind}", expected, found)
    _score_sets(report, result, "benefits", set(label.get("benefits", [])), predicted["benefits"])
    report.pages.append(result)


def render(report: Report, floors: dict[str, float], worst: int = 8) -> str:
    """The report as text: the score table, false positives on no-vacancy pages, the worst pages."""
    lines = [f"{'field':<18} {'TP':>5} {'FP':>5} {'FN':>5} {'precision':>9} {'recall':>7} {'F1':>6} {'floor':>6}"]
    for name, s in report.scores.items():
        floor = floors.get(name)
        mark = "  BELOW FLOOR" if floor is not None and s.f1 < floor else ""
        floor_text = f"{floor:.2f}" if floor is not None else "-"
        lines.append(
            f"{name:<18} {s.tp:>5} {s.fp:>5} {s.fn:>5} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} "
            f"{floor_text:>6}{mark}"
        )
    lines.append("")
    lines.append(f"false positives on pages without vacancies: {len(report.no_vacancy_false_positives)}")
    lines += [f"  {fp}" for fp in report.no_vacancy_false_positives]
    lines.append("")
    lines.append("worst pages:")
    for page in sorted(report.pages, key=lambda p: -p.errors)[:worst]:
        if page.errors:
            lines.append(f"  {page.page}: {page.errors} errors")
            lines += [f"    - {note}" for note in page.notes[:10]]
    return "\n".join(lines)


def below_floors(report: Report, floors: dict[str, float], where: str = "") -> list[str]:
    """Fields whose F1 is under their pinned floor (`where` names the split in the message)."""
    prefix = f"{where} " if where else ""
    return [
        f"{prefix}{name} {report.scores[name].f1:.3f} < {floor:.3f}"
        for name, floor in floors.items()
        if report.scores[name].f1 < floor
    ]


EMPTY_PREDICTION: dict[str, Any] = {
    "roles": [],
    "employer": None,
    "contacts": {k: set() for k in CONTACT_KINDS},
    "benefits": set(),
}


def score_labels(labels: list[dict[str, Any]], predicted: dict[str, dict[str, Any]]) -> Report:
    """Score every labelled page against what was predicted for it (nothing, when the page gave no rows)."""
    report = Report()
    for label in labels:
        score_page(report, label, predicted.get(label["page"], EMPTY_PREDICTION))
    return report


def splits_of(labels: list[dict[str, Any]]) -> list[str]:
    """The split names the labels use, in order of first appearance."""
    return list(dict.fromkeys(str(label["split"]) for label in labels if label.get("split")))
