"""What a run publishes as Prefect artifacts: a table of counts per source and a markdown summary. (The
monitoring report over the whole history is pipeline/outputs/report.py.)"""

from __future__ import annotations

from typing import Any

from pipeline.summary import RunSummary

TABLE_COLUMNS = {
    "pages_fetched": "pages fetched",
    "pages_changed": "pages changed",
    "pages_failed": "pages failed",
    "vacancies_new": "vacancies new",
    "vacancies_updated": "vacancies updated",
    "vacancies_closed": "vacancies closed",
    "vacancies_withdrawn": "vacancies withdrawn",
    "rejects": "rejects",
}


def source_counts(summary: RunSummary) -> list[dict[str, Any]]:
    """One row per source: pages fetched (changed + unchanged), changed and failed; vacancies new,
    updated, closed and withdrawn; rejects."""
    rows = []
    for source_id, counts in sorted(summary.per_source.items()):
        fetched = counts.get("pages_changed", 0) + counts.get("pages_unchanged", 0)
        row: dict[str, Any] = {"source": source_id, "pages_fetched": fetched}
        row.update({column: counts.get(column, 0) for column in TABLE_COLUMNS if column != "pages_fetched"})
        rows.append(row)
    return rows


def markdown_summary(summary: RunSummary) -> str:
    """The run as markdown: headline figures, the per-source table and the rejects (first 20)."""
    header = ["source", *TABLE_COLUMNS.values()]
    lines = [
        f"# Nightly run {summary.run_id}",
        "",
        f"Night **{summary.snapshot_date}**: {summary.pages_read} pages read, {summary.pages_unchanged} unchanged, "
        f"{summary.pages_rejected} pages rejected, {summary.rows_rejected} rows failed validation.",
        "",
        f"Curated totals: {', '.join(f'{k} {v}' for k, v in summary.curated_totals.items())}.",
        f"Published version `{summary.version}` in `{summary.curated_dir}`.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in source_counts(summary):
        lines.append("| " + " | ".join(str(row[k]) for k in ["source", *TABLE_COLUMNS]) + " |")
    if summary.reject_reasons:
        lines += ["", "## Rejects", ""]
        lines += [f"- {reason}" for reason in summary.reject_reasons[:20]]
        if len(summary.reject_reasons) > 20:
            lines.append(f"- ... and {len(summary.reject_reasons) - 20} more (see the rejects table)")
    return "\n".join(lines) + "\n"
