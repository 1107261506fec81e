"""Open the raw and curated stores for a location: a local folder or an `s3://bucket/prefix`."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from pipeline.acquire.rawstore import RawStore
from pipeline.load.publish import CuratedStore
from pipeline.storage.locations import Location, is_remote


class CuratedTables(Protocol):
    """What publishing a night needs of a curated store (local folder or object storage)."""

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Hold the store for one publish (the live version this run reads and merges into)."""

    def read_rows(self, table: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
        """Rows of a live table."""

    def partition_dates(self, table: str) -> list[dt.date]:
        """Partition dates of a live partitioned table."""

    def read_partition(self, table: str, value: dt.date, only: set[str] | None = None) -> list[dict[str, Any]]:
        """Rows of one partition."""

    def read_partitioned(self, table: str, columns: list[str]) -> pa.Table:
        """Some columns of every partition."""

    def publish(
        self,
        rows: dict[str, list[dict[str, Any]]],
        partitions: dict[str, dict[dt.date, list[dict[str, Any]]]] | None = None,
    ) -> Path | str:
        """Make a new version live atomically; returns where it is."""


def raw_store(location: Location) -> RawStore:
    """The raw snapshot store at a location."""
    if is_remote(location):
        from pipeline.storage.objectraw import ObjectRawStore

        return ObjectRawStore(str(location))
    return RawStore(Path(location))


def curated_store(location: Location) -> CuratedTables:
    """The curated table store at a location (the object-storage store has the same methods)."""
    if is_remote(location):
        from pipeline.storage.objectstore import ObjectCuratedStore

        return ObjectCuratedStore(str(location))
    return CuratedStore(Path(location))
