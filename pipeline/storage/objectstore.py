"""Curated tables on object storage, published atomically without directory renames.

Layout under `s3://bucket/prefix`:
- `versions/<version>/<table>/part-0.parquet` (partitioned tables: `<table>/<column>=<value>/part-0.parquet`):
  immutable version folders, each complete by itself;
- `CURRENT.json`: the pointer object naming the live version (`{"version", "path", "published_at", "kept"}`).

A publish writes a whole new version folder (unchanged partitions are server-side copies of the live ones),
then replaces the pointer with one conditional PUT: `If-Match` the pointer's ETag as it was when the run
read the live tables (`If-None-Match: *` for the first publish). Readers resolve the pointer and read
that version folder, so they see the old complete version or the new complete version, never a mixture.
A run killed before the PUT leaves an unreferenced folder and the pointer untouched. Of two runs racing for
one prefix, the second to commit finds the pointer changed, removes its own folder and fails with a
TransientError; the flow retries the publish, which merges into the winner's version (no lost update).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.errors import PipelineError, TransientError
from pipeline.load.schemas import PARTITIONED, TABLES
from pipeline.storage.locations import bucket_path, s3_filesystem
from pipeline.storage.objectraw import transient_errors

POINTER = "CURRENT.json"
PART = "part-0.parquet"
KEEP_VERSIONS = 3
ORPHAN_GRACE = dt.timedelta(hours=24)  # an unreferenced version younger than this may be a run still writing


class ObjectCuratedStore:
    """The curated tables under an `s3://bucket/prefix`: read the live version, publish a new one."""

    def __init__(self, url: str, filesystem: Any = None) -> None:
        self.url = url
        self.base = bucket_path(url)
        self.fs = filesystem or s3_filesystem()
        self._held: tuple[dict[str, Any] | None, str | None] | None = None  # (pointer, ETag) while locked

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Pin the live version this run reads and merges into. There is no lock object to leave behind:
        the publish's conditional PUT refuses to replace a pointer that changed meanwhile."""
        self._held = self.read_pointer()
        try:
            yield
        finally:
            self._held = None

    def read_pointer(self) -> tuple[dict[str, Any] | None, str | None]:
        """The pointer object and its ETag, or (None, None) before the first publish."""
        key = f"{self.base}/{POINTER}"
        with transient_errors(self.url):
            try:
                etag = str(self.fs.info(key)["ETag"])
                body = self.fs.cat_file(key)  # read after the ETag: a newer body only makes the commit refuse
            except FileNotFoundError:
                return None, None
        try:
            pointer = json.loads(body)
        except ValueError as exc:
            raise PipelineError(f"{self.url}/{POINTER} is not a pointer object: {exc}") from exc
        return pointer, etag

    def live_version(self) -> str | None:
        """The live version's folder (`bucket/prefix/versions/<version>`), or None before the first publish."""
        pointer = self._held[0] if self._held is not None else self.read_pointer()[0]
        return f"{self.base}/{pointer['path']}" if pointer else None

    def read_rows(self, table: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
        """Rows of a live table (empty when there is none yet)."""
        folder = self.live_version()
        rows = self._read(f"{folder}/{table}/{PART}", table, columns) if folder else None
        return rows.to_pylist() if rows is not None else []

    def partition_dates(self, table: str) -> list[dt.date]:
        """The partition values (dates) of a live partitioned table, oldest first."""
        folder = self.live_version()
        if folder is None:
            return []
        column = PARTITIONED[table]
        with transient_errors(self.url):
            names = [p.rsplit("/", 1)[-1] for p in self.fs.glob(f"{folder}/{table}/{column}=*")]
        return sorted(dt.date.fromisoformat(name.split("=", 1)[1]) for name in names)

    def read_partition(self, table: str, value: dt.date, only: set[str] | None = None) -> list[dict[str, Any]]:
        """Rows of one partition of a live partitioned table (empty when it does not exist); with `only`,
        just the rows whose vacancy_id is in it."""
        folder = self.live_version()
        path = f"{folder}/{table}/{PARTITIONED[table]}={value.isoformat()}/{PART}"
        rows = self._read(path, table) if folder else None
        if rows is None:
            return []
        if only is not None:
            rows = rows.filter(pc.is_in(rows["vacancy_id"], pa.array(sorted(only), pa.string())))
        return rows.to_pylist()

    def read_partitioned(self, table: str, columns: list[str]) -> pa.Table:
        """Some columns of every partition of a live partitioned table, the partition column typed as a date."""
        column = PARTITIONED[table]
        schema = pa.schema([TABLES[table].field(c) for c in columns if c != column])
        if not self.partition_dates(table):
            return pa.Table.from_pylist([], schema=schema.append(pa.field(column, pa.date32())))
        partitioning = ds.partitioning(pa.schema([(column, pa.date32())]), flavor="hive")
        with transient_errors(self.url):
            dataset = ds.dataset(
                f"{self.live_version()}/{table}", format="parquet", partitioning=partitioning, filesystem=self.fs
            )
            return dataset.to_table(columns=[*schema.names, column])

    def publish(
        self,
        rows: dict[str, list[dict[str, Any]]],
        partitions: dict[str, dict[dt.date, list[dict[str, Any]]]] | None = None,
    ) -> str:
        """Write every table as a new immutable version, then make it live with one conditional PUT of the
        pointer. Returns the new version's URL."""
        pointer, etag = self._held if self._held is not None else self.read_pointer()
        version = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"
        folder = f"{self.base}/versions/{version}"
        with transient_errors(self.url):
            for table, schema in TABLES.items():
                if table in PARTITIONED:
                    self._stage_partitions(folder, table, (partitions or {}).get(table, {}))
                else:
                    table_rows = pa.Table.from_pylist(rows.get(table, []), schema=schema)
                    pq.write_table(table_rows, f"{folder}/{table}/{PART}", compression="zstd", filesystem=self.fs)
            kept = [version, *(pointer or {}).get("kept", [])][:KEEP_VERSIONS]
            self._commit(
                {
                    "version": version,
                    "path": f"versions/{version}",
                    "published_at": dt.datetime.now(dt.UTC).isoformat(),
                    "kept": kept,
                },
                etag,
                folder,
            )
            self._prune(set(kept), set((pointer or {}).get("kept", [])) - set(kept))
        return f"s3://{folder}"

    def _stage_partitions(self, folder: str, table: str, changed: dict[dt.date, list[dict[str, Any]]]) -> None:
        column = PARTITIONED[table]
        live = self.live_version()
        for value in self.partition_dates(table):
            if value not in changed:
                name = f"{column}={value.isoformat()}"
                self.fs.copy(f"{live}/{table}/{name}/{PART}", f"{folder}/{table}/{name}/{PART}")
        for value, value_rows in changed.items():
            if value_rows:
                table_rows = pa.Table.from_pylist(value_rows, schema=TABLES[table])
                path = f"{folder}/{table}/{column}={value.isoformat()}/{PART}"
                pq.write_table(table_rows, path, compression="zstd", filesystem=self.fs)

    def _commit(self, pointer: dict[str, Any], etag: str | None, folder: str) -> None:
        """Replace the pointer only if it is still the one this run read; otherwise remove this run's
        version folder and raise TransientError (the publish is retried against the new live version)."""
        bucket, _, prefix = self.base.partition("/")
        key = f"{prefix}/{POINTER}" if prefix else POINTER
        condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
        body = json.dumps(pointer, indent=1).encode("utf-8")
        try:
            self.fs.call_s3("put_object", Bucket=bucket, Key=key, Body=body, **condition)
        except FileExistsError as exc:  # 412 Precondition Failed
            self.fs.rm(folder, recursive=True)
            raise TransientError(f"another run published to {self.url} while this one ran; publish again") from exc

    def _prune(self, kept: set[str], dropped: set[str]) -> None:
        """Remove the version the pointer stopped keeping, and unreferenced folders (killed or lost runs)
        once they are older than ORPHAN_GRACE: a younger one may belong to a run still writing."""
        cutoff = dt.datetime.now(dt.UTC) - ORPHAN_GRACE
        for path in self.fs.ls(f"{self.base}/versions", detail=False):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if name in dropped or (name not in kept and _version_time(name) < cutoff):
                self.fs.rm(path, recursive=True)

    def _read(self, path: str, table: str, columns: list[str] | None = None) -> pa.Table | None:
        """A table's Parquet file read with its schema, or None when the file does not exist (one request,
        no existence check first)."""
        with transient_errors(self.url):
            try:
                return pq.read_table(path, schema=TABLES[table], columns=columns, filesystem=self.fs)
            except FileNotFoundError:
                return None


def _version_time(name: str) -> dt.datetime:
    """When a version was started, from its name (a name that is not a version counts as old)."""
    try:
        return dt.datetime.strptime(name.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
