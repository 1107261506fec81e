"""Atomic publish of the curated tables.

Layout: `<curated>/.versions/<version>/<table>/part-0.parquet`, `<curated>/current` a symlink to the live
version, and `<curated>/<table>` a symlink to `current/<table>`. A publish writes a complete new version
beside the live one and swaps `current` with one rename, so readers see the old complete version or the
new complete version; a run that dies before the swap leaves the live version untouched.

Partitioned tables (vacancy_snapshots) live at `<table>/<column>=<value>/part-0.parquet`. A publish writes
only the partitions it changes; the others are hard links to the live version's files (no copy, and the
old version stays intact). Each publish also recreates `<curated>/recruitment.duckdb`, a DuckDB database of
views over the tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.errors import TransientError
from pipeline.load.database import write_database
from pipeline.load.schemas import PARTITIONED, TABLES

KEEP_VERSIONS = 3
PART = "part-0.parquet"


class CuratedStore:
    """The curated directory: read the live tables, publish a new version atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.versions = root / ".versions"

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive lock so two runs never publish into the same directory at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise TransientError(f"another run is publishing to {self.root}") from exc
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read_rows(self, table: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
        """Rows of a live table (empty when there is none yet)."""
        path = self.root / "current" / table / PART
        if not path.exists():
            return []
        return pq.read_table(path, schema=TABLES[table], columns=columns).to_pylist()

    def partition_dates(self, table: str) -> list[dt.date]:
        """The partition values (dates) of a live partitioned table, oldest first."""
        folder = self.root / "current" / table
        if not folder.is_dir():
            return []
        column = PARTITIONED[table]
        return sorted(dt.date.fromisoformat(p.name.split("=", 1)[1]) for p in folder.glob(f"{column}=*"))

    def read_partition(self, table: str, value: dt.date, only: set[str] | None = None) -> list[dict[str, Any]]:
        """Rows of one partition of a live partitioned table (empty when it does not exist); with `only`,
        just the rows whose vacancy_id is in it."""
        path = self.root / "current" / table / f"{PARTITIONED[table]}={value.isoformat()}" / PART
        if not path.exists():
            return []
        rows = pq.read_table(path, schema=TABLES[table])
        if only is not None:
            rows = rows.filter(pc.is_in(rows["vacancy_id"], pa.array(sorted(only), pa.string())))
        return rows.to_pylist()

    def read_partitioned(self, table: str, columns: list[str]) -> pa.Table:
        """Some columns of every partition of a live partitioned table, the partition column typed as a date."""
        column = PARTITIONED[table]
        folder = self.root / "current" / table
        schema = pa.schema([TABLES[table].field(c) for c in columns if c != column])
        if not any(folder.glob(f"{column}=*/{PART}")):
            return pa.Table.from_pylist([], schema=schema.append(pa.field(column, pa.date32())))
        partitioning = ds.partitioning(pa.schema([(column, pa.date32())]), flavor="hive")
        dataset = ds.dataset(str(folder.resolve()), format="parquet", partitioning=partitioning)
        return dataset.to_table(columns=[*schema.names, column])

    def publish(
        self,
        rows: dict[str, list[dict[str, Any]]],
        partitions: dict[str, dict[dt.date, list[dict[str, Any]]]] | None = None,
    ) -> Path:
        """Write every table as a new version and make it live in one atomic step. `partitions` gives the
        partitions of partitioned tables that change (each replaced whole); the others are kept."""
        self.versions.mkdir(parents=True, exist_ok=True)
        self._remove_partial_versions()
        version = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"
        staging = self.versions / f".tmp-{version}"
        for table, schema in TABLES.items():
            if table in PARTITIONED:
                self._stage_partitions(staging / table, table, (partitions or {}).get(table, {}))
            else:
                _write_table(staging / table / PART, pa.Table.from_pylist(rows.get(table, []), schema=schema))
        _fsync_dir(staging)
        final = self.versions / version
        os.rename(staging, final)
        self._swap_current(final)
        self._ensure_table_links()
        write_database(self.root)
        self._prune()
        return final

    def _stage_partitions(self, folder: Path, table: str, changed: dict[dt.date, list[dict[str, Any]]]) -> None:
        column = PARTITIONED[table]
        folder.mkdir(parents=True, exist_ok=True)
        live = self.root / "current" / table
        for value in self.partition_dates(table):
            if value not in changed:
                name = f"{column}={value.isoformat()}"
                (folder / name).mkdir()
                os.link(live / name / PART, folder / name / PART)
        for value, value_rows in changed.items():
            if value_rows:
                table_rows = pa.Table.from_pylist(value_rows, schema=TABLES[table])
                _write_table(folder / f"{column}={value.isoformat()}" / PART, table_rows)

    def _swap_current(self, target: Path) -> None:
        link = self.root / ".current.tmp"
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(target, self.root), link)
        os.replace(link, self.root / "current")
        _fsync_dir(self.root)

    def _ensure_table_links(self) -> None:
        for table in TABLES:
            link = self.root / table
            if link.is_symlink() or not link.exists():
                if not link.is_symlink():
                    os.symlink(os.path.join("current", table), link)
            else:
                raise TransientError(f"{link} exists and is not the curated symlink; move it away")

    def _remove_partial_versions(self) -> None:
        for partial in self.versions.glob(".tmp-*"):
            shutil.rmtree(partial, ignore_errors=True)

    def _prune(self) -> None:
        live = (self.root / "current").resolve()
        versions = sorted(p for p in self.versions.iterdir() if p.is_dir() and not p.name.startswith("."))
        for old in versions[:-KEEP_VERSIONS]:
            if old.resolve() != live:
                shutil.rmtree(old, ignore_errors=True)


def _write_table(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
