"""The data dictionary, generated from the explicit schemas."""

from __future__ import annotations

from pipeline.load.schemas import PARTITIONED, TABLE_DESCRIPTIONS, TABLES
from pipeline.normalise.roles import family_ids


def render_dictionary() -> str:
    """Markdown: every table, every column with its type, nullability and description."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `pipeline/load/schemas.py` by `pipeline dictionary`; do not edit by hand.",
        "",
        "Each table is a Parquet dataset at `<curated-dir>/<table>/`. Money is GBP (float64), dates are "
        "date32, timestamps UTC; a missing value is null.",
        "",
        "**personal**: the column may hold personal data (a named person, a personal email address, a mobile "
        "number, or a passage that quotes them). The report and the exports leave these out by default "
        "(`--include-personal` keeps them); the curated tables keep everything.",
        "",
    ]
    for name, schema in TABLES.items():
        lines += [
            f"## {name}",
            "",
            TABLE_DESCRIPTIONS[name],
            "",
            "| column | type | null | personal | description |",
            "|---|---|---|---|---|",
        ]
        for field in schema:
            metadata = field.metadata or {}
            description = metadata.get(b"description", b"").decode("utf-8")
            personal = "personal" if metadata.get(b"personal") == b"true" else ""
            nullable = "yes" if field.nullable else "no"
            lines.append(f"| `{field.name}` | {field.type} | {nullable} | {personal} | {description} |")
        if name in PARTITIONED:
            lines.append(
                f"| `{PARTITIONED[name]}` | date (hive partition, in the path only) | no | | The night. DuckDB "
                "(hive_partitioning) reads it as DATE; pyarrow as date32 with an explicit partitioning schema; "
                "pandas.read_parquet as a category of ISO dates. |"
            )
        lines.append("")
    lines += [
        "## Vocabularies",
        "",
        "role_family: "
        + ", ".join(f"`{f}`" for f in family_ids())
        + " (patterns and SOC 2020 codes in `pipeline/data/role_families.yaml`).",
        "",
    ]
    return "\n".join(lines)
