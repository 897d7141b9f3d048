"""One huge value in a batch is staged on its own, so it does not pad every row.

Fixed-width staging pads each string of a column to the longest one; the write path
stages rows in chunks under ``STAGE_BYTES``. The RSS figures are in
benchmarks/resource_bounds.py; this checks the chunking and that every row lands.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from langgraph.store.base import PutOp

from langmem_extract.store import _duckdb_write
from langmem_extract.store.duckdb import DuckDBStore
from tests.store.conftest import hash_index


@pytest.fixture
def staged(monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    arrays: list[np.ndarray] = []
    real = _duckdb_write.strings

    def spy(values: list[str]) -> np.ndarray:
        arr = real(values)
        arrays.append(arr)
        return arr

    monkeypatch.setattr(_duckdb_write, "strings", spy)
    return arrays


def test_stage_chunks_bound_the_padded_size() -> None:
    widths = [10] * 100 + [1000] + [10] * 100
    parts = list(_duckdb_write.stage_chunks(widths, limit=4 * 1000))
    assert [i for p in parts for i in range(len(widths))[p]] == list(range(len(widths)))
    for p in parts:
        rows = widths[p]
        assert len(rows) == 1 or len(rows) * max(rows) * 4 <= 4 * 1000
    assert [len(widths[p]) for p in parts if 1000 in widths[p]] == [1]


# 256 dimensions: at 64, "row 7" hashes to the same vector as "row 68", "row 177" and
# "row 420", and the order among those ties is not defined.
INDEX = hash_index(256)


def test_one_mib_value_in_500_rows_pads_no_other_row(
    tmp_path: Path, staged: list[np.ndarray]
) -> None:
    path = tmp_path / "big.duckdb"
    big = "é" * (1024 * 1024)
    ops = [PutOp(("ns",), f"k{i}", {"content": f"row {i}"}) for i in range(499)]
    ops.insert(250, PutOp(("ns",), "big", {"content": big}))
    with DuckDBStore.from_conn_string(str(path), index=INDEX) as store:
        store.setup()
        store.batch(ops)
    limit = _duckdb_write.STAGE_BYTES
    assert staged and all(a.nbytes <= limit or a.size == 1 for a in staged)
    assert max(a.nbytes for a in staged) >= 4 * len(big)  # the big row was staged alone
    with DuckDBStore.from_conn_string(str(path), index=INDEX) as store:
        assert len(store.search(("ns",), limit=1000)) == 500
        item = store.get(("ns",), "big")
        assert item is not None and item.value["content"] == big
        hits = store.search(("ns",), query="row 7", limit=3)
        assert hits and hits[0].key == "k7"
