"""The same flow on Prefect's default task runner and on Dask (prefect-dask, a local cluster of two worker
processes) gives identical curated tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from flows.nightly import dask_chunk_size, dask_flow, nightly_flow
from pipeline.config import BUNDLED_SOURCES, load_sources
from pipeline.load.database import connect
from pipeline.load.schemas import TABLES

NIGHT = dt.date(2025, 11, 20)


def _table(curated: Path, table: str) -> pd.DataFrame:
    frame = connect(curated).sql(f"select * from {table}").to_arrow_table().to_pandas()
    frame = frame.astype(str)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.prefect
def test_dask_and_default_runners_give_identical_tables(
    prefect_harness: None, samples_curated: Path, tmp_path: Path
) -> None:
    sources = load_sources(BUNDLED_SOURCES)
    curated = tmp_path / "curated"
    summary = dask_flow(None, 2)(sources, str(tmp_path / "raw"), str(curated), NIGHT, dask_workers=2)
    assert summary.pages_read == 9
    for table in TABLES:
        pd.testing.assert_frame_equal(_table(curated, table), _table(samples_curated, table), obj=table)
    assert nightly_flow.task_runner is not dask_flow(None, 2).task_runner


def test_dask_batches_are_sized_for_the_workers() -> None:
    assert dask_chunk_size(10, 2) == 50  # small nights: one batch
    assert dask_chunk_size(1_000, 2) == 125  # four batches a worker
    assert dask_chunk_size(100_000, 2) == 200  # never more than the default batch
