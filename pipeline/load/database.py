"""`<curated>/recruitment.duckdb`: a DuckDB database of views over the curated Parquet, so an analyst can
run `duckdb curated/recruitment.duckdb` and query `vacancies` at once. Recreated on every publish."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.errors import PipelineError
from pipeline.load.schemas import PARTITIONED, TABLES
from pipeline.storage.locations import Location, is_remote, s3_filesystem

DATABASE_NAME = "recruitment.duckdb"


def table_folders(curated_dir: Location) -> dict[str, str]:
    """Where each live table's Parquet files are: `<curated>/<table>` by absolute path for a local folder,
    the live version's `<table>` folder (resolved through the pointer object) for object storage."""
    if is_remote(curated_dir):
        from pipeline.storage.objectstore import ObjectCuratedStore

        live = ObjectCuratedStore(str(curated_dir)).live_version()
        return {table: f"s3://{live}/{table}" for table in TABLES}
    return {table: str((Path(curated_dir) / table).absolute()) for table in TABLES}


def view_statements(curated_dir: Location) -> list[str]:
    """One `create or replace view` per curated table, reading `<table folder>/**/*.parquet` (partitioned
    tables with their partition column as a DATE)."""
    return [_view_statement(table, folder) for table, folder in table_folders(curated_dir).items()]


def _view_statement(table: str, folder: str) -> str:
    pattern = f"{folder}/**/*.parquet".replace("'", "''")
    options = ", hive_partitioning = true, hive_types = {'snapshot_date': DATE}" if table in PARTITIONED else ""
    return f"create or replace view {table} as select * from read_parquet('{pattern}'{options}, union_by_name = true)"


def connect(curated_dir: Location) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per curated table (a table with no file yet gives an
    empty view of its columns). Object storage is read through the s3fs filesystem registered with DuckDB."""
    connection = duckdb.connect()
    if is_remote(curated_dir):
        connection.register_filesystem(s3_filesystem())
    _create_views(connection, curated_dir)
    return connection


def open_curated(curated_dir: Location) -> duckdb.DuckDBPyConnection:
    """connect(), or a one-line error when the location holds no published curated data."""
    if not has_published(curated_dir):
        raise PipelineError(f"no curated data in {curated_dir}: run `pipeline run` first")
    return connect(curated_dir)


def has_published(curated_dir: Location) -> bool:
    """True once a version has been published at the location."""
    if is_remote(curated_dir):
        from pipeline.storage.objectstore import ObjectCuratedStore

        return ObjectCuratedStore(str(curated_dir)).live_version() is not None
    return (Path(curated_dir) / "current").exists()


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


def _create_views(connection: duckdb.DuckDBPyConnection, curated_dir: Location) -> None:
    """Every view over one resolution of the table folders (on object storage: one read of the pointer, so
    the views never mix two versions)."""
    for table, folder in table_folders(curated_dir).items():
        has_files = _has_parquet(curated_dir, folder)
        connection.execute(_view_statement(table, folder) if has_files else _empty_view(table))


def _has_parquet(curated_dir: Location, folder: str) -> bool:
    if is_remote(curated_dir):
        return bool(s3_filesystem().glob(f"{folder.split('://', 1)[1]}/**/*.parquet"))
    return any(Path(folder).glob("**/*.parquet"))
