"""The column helpers of the curated schemas: a field with its description (and whether it holds personal
data), the column types, and the provenance columns every per-page table starts with."""

from __future__ import annotations

import pyarrow as pa


def _f(name: str, kind: pa.DataType, description: str, nullable: bool = True, personal: bool = False) -> pa.Field:
    metadata = {"description": description, **({"personal": "true"} if personal else {})}
    return pa.field(name, kind, nullable=nullable, metadata=metadata)


_S, _F, _D, _B, _I = pa.string(), pa.float64(), pa.date32(), pa.bool_(), pa.int64()
_TS = pa.timestamp("us", tz="UTC")

_PROVENANCE = [
    _f("page_id", _S, "Id of the page (pages.page_id) the row was read from.", False),
    _f("source_id", _S, "Id of the source in the sources file (or --source-id for ingest).", False),
]
