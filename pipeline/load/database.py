"""`<curated>/recruitment.duckdb`: a DuckDB database of views over the curated Parquet, so an analyst can
run `duckdb curated/recruitment.duckdb` and query `vacancies` at once. Recreated on every publish."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.errors import PipelineError
from pipeline.load.schemas import PARTITIONED, TABLES

DATABASE_NAME = "recruitment.duckdb"


def view_statements(curated_dir: Path) -> list[str]:
    """One `create or replace view` per curated table, reading `<curated>/<table>/**/*.parquet` by absolute
    path (partitioned tables with their partition column as a DATE)."""
    statements = []
    for table in TABLES:
        pattern = str((curated_dir / table).absolute() / "**" / "*.parquet").replace("'", "''")
        options = ", hive_partitioning = true, hive_types = {'snapshot_date': DATE}" if table in PARTITIONED else ""
        statements.append(
            f"create or replace view {table} as select * from read_parquet('{pattern}'{options}, union_by_name = true)"
        )
    return statements


def connect(curated_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per curated table (a table with no file yet gives an
    empty view of its columns)."""
    connection = duckdb.connect()
    _create_views(connection, curated_dir)
    return connection


def open_curated(curated_dir: Path) -> duckdb.DuckDBPyConnection:
    """connect(), or a one-line error when the directory holds no published curated data."""
    if not (curated_dir / "current").exists():
        raise PipelineError(f"no curated data in {curated_dir}: run `pipeline run` first")
    return connect(curated_dir)


def write_database(curated_dir: Path) -> Path:
    """Write `<curated>/recruitment.duckdb` afresh (to a temporary file, then renamed over the old one)."""
    target = curated_dir / DATABASE_NAME
    staging = curated_dir / f".{DATABASE_NAME}.tmp"
    staging.unlink(missing_ok=True)
    connection = duckdb.connect(str(staging))
    try:
        _create_views(connection, curated_dir)
    finally:
        connection.close()
    os.replace(staging, target)
    return target


_DUCKDB_TYPES = {"string": "VARCHAR", "double": "DOUBLE", "int64": "BIGINT", "bool": "BOOLEAN", "date32[day]": "DATE"}


def _duckdb_type(kind: pa.DataType) -> str:
    if pa.types.is_timestamp(kind):
        return "TIMESTAMPTZ"
    if pa.types.is_list(kind):
        return f"{_duckdb_type(kind.value_type)}[]"
    return _DUCKDB_TYPES[str(kind)]


def _empty_view(table: str) -> str:
    """A view with the table's columns and types and no rows (a table with no Parquet file yet)."""
    schema = TABLES[table]
    columns = [f"cast(null as {_duckdb_type(f.type)}) as {f.name}" for f in schema]
    if table in PARTITIONED:
        columns.append(f"cast(null as DATE) as {PARTITIONED[table]}")
    return f"create or replace view {table} as select {', '.join(columns)} where false"


def _create_views(connection: duckdb.DuckDBPyConnection, curated_dir: Path) -> None:
    for table, statement in zip(TABLES, view_statements(curated_dir), strict=True):
        found = any((curated_dir / table).glob("**/*.parquet"))
        connection.execute(statement if found else _empty_view(table))
