"""`pipeline eval`: run the real flow over labelled pages and score it field by field.

Labels are JSON lines, one page each:
  {"page": "file name in PAGES_DIR", "employer": "Derby City Council" | null,
   "roles": [{"title": ..., "salary_min": ..., "salary_max": ..., "salary_period": ..., "closing_date": "YYYY-MM-DD",
              "hours": ..., "contract": ...}],
   "contacts": {"names": [...], "phones": ["+44..."], "emails": [...], "postcodes": ["S40 2NT"]},
   "benefits": ["pension", ...]}
A role's missing key means "not stated" (null). Scores: per field, true and false positives and false
negatives summed over pages; roles are matched by normalised title.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError
from pipeline.extract.roles import title_key
from pipeline.normalise.rows import canonical_employer

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


def load_floors(path: Path) -> tuple[dict[str, float], dt.date | None]:
    """The pinned floors (field -> minimum F1) and the reference date of the development set."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read floors file {path}: {exc}") from exc
    floors = {str(k): float(v) for k, v in (data.get("floors") or {}).items()}
    unknown = set(floors) - set(FIELDS)
    if unknown:
        raise ConfigError(f"floors file {path}: unknown field(s) {', '.join(sorted(unknown))}")
    as_of = data.get("as_of")
    return floors, dt.date.fromisoformat(str(as_of)) if as_of else None


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


def _match_roles(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    """Pairs (expected, predicted) matched by normalised title; unmatched sides paired with None."""
    pool = list(predicted)
    pairs: list[tuple[Any, Any]] = []
    for role in expected:
        key = title_key(role["title"]) if role.get("title") else None
        found = next((p for p in pool if (title_key(p["title"]) if p.get("title") else None) == key), None)
        if found is not None:
            pool.remove(found)
        pairs.append((role, found))
    return pairs + [(None, p) for p in pool]


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
        if expected is None or found is None:
            continue
        checks = {
            "salary": (_salary(expected), _salary(found), _same_salary),
            "closing_date": (expected.get("closing_date"), found.get("closing_date"), lambda a, b: a == b),
            "hours": (expected.get("hours"), found.get("hours"), lambda a, b: a == b),
            "contract": (expected.get("contract"), found.get("contract"), lambda a, b: a == b),
        }
        for name, (want, got, same) in checks.items():
            if not _count(report.scores[name], want, got, same):
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
    want, got = canonical_employer(label.get("employer")), predicted.get("employer")
    if not _count(report.scores["employer"], want, got, lambda a, b: a == b):
        result.errors += 1
        result.notes.append(f"employer: expected {want!r}, got {got!r}")
    contacts = label.get("contacts") or {}
    for kind in CONTACT_KINDS:
        _score_sets(report, result, f"contact_{kind}", set(contacts.get(kind, [])), predicted["contacts"][kind])
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


def below_floors(report: Report, floors: dict[str, float]) -> list[str]:
    """Fields whose F1 is under their pinned floor."""
    return [
        f"{name} {report.scores[name].f1:.3f} < {floor:.3f}"
        for name, floor in floors.items()
        if report.scores[name].f1 < floor
    ]
