"""The paths that keep writes and searches cheap on a large store: the v3 vector table,
skipped vector deletes, one query-embedding call per batch, bulk column builds, and the
matrix-vector kernel choice."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from langgraph.store.base import PutOp, SearchOp

from langmem_extract.errors import EmbeddingDimensionError
from langmem_extract.store import _duckdb_sql, _kernels, _vectors
from langmem_extract.store._filters import Column, compile_filter
from langmem_extract.store.duckdb import DuckDBStore
from tests.conftest import HashEmbeddings
from tests.store.conftest import hash_index

_KEYED_VECTORS = """
SELECT count(*) FROM duckdb_constraints()
WHERE table_name = 'store_vectors' AND constraint_type = 'PRIMARY KEY'
"""


def _wal_bytes(path: Path) -> int:
    wal = Path(str(path) + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def test_old_vector_table_is_migrated_without_its_key_and_writes_stay_small(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file made by the first three migrations: store_vectors still has its primary key.
    monkeypatch.setattr(_duckdb_sql, "MIGRATIONS", _duckdb_sql.MIGRATIONS[:3])
    with DuckDBStore.from_conn_string(db_path, index=hash_index()) as store:
        store.setup()
        store.batch([PutOp(("ns",), f"k{i}", {"content": f"tea number {i}"}) for i in range(1000)])
        assert store.conn.execute(_KEYED_VECTORS).fetchone() == (1,)
    monkeypatch.undo()
    with DuckDBStore.from_conn_string(db_path, index=hash_index()) as store:
        store.setup()
        assert store.conn.execute(_KEYED_VECTORS).fetchone() == (0,)
        assert store.conn.execute("SELECT count(*) FROM store_vectors").fetchone() == (1000,)
        hits = store.search(("ns",), query="tea number 7", limit=5)
        best = [h.key for h in hits if h.score == pytest.approx(1.0, abs=1e-5)]
        assert "k7" in best  # hash collisions may tie others with it
        store.conn.execute("CHECKPOINT")
        before = _wal_bytes(db_path)
        store.put(("ns",), "new", {"content": "coffee"})
        # With a key on the FLOAT[] table DuckDB 1.5.5 logged megabytes per one-row insert.
        assert _wal_bytes(db_path) - before < 32 * 1024


def test_rewrites_and_deletes_keep_exactly_one_vector_row_per_field(store: DuckDBStore) -> None:
    for i in range(3):
        store.put(("ns",), "k", {"content": f"version {i}"})
    rows = store.conn.execute(
        "SELECT count(*) FROM store_vectors WHERE prefix = 'ns' AND key = 'k'"
    ).fetchone()
    assert rows == (1,)
    store.put(("ns",), "k", {"content": "unindexed"}, index=False)
    store.put(("ns",), "other", {"content": "version 0"})
    store.delete(("ns",), "other")
    assert store.conn.execute("SELECT count(*) FROM store_vectors").fetchone() == (0,)
    assert store.search(("ns",), query="version 2")[0].score is None


class _BatchQueries(HashEmbeddings):
    def __init__(self, dims: int = 64, *, drop_one: bool = False) -> None:
        super().__init__(dims)
        self.batches: list[list[str]] = []
        self.singles = 0
        self.drop_one = drop_one

    def embed_query(self, text: str) -> list[float]:
        self.singles += 1
        return super().embed_query(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        vecs = [self._one(t) for t in texts]
        return vecs[:-1] if self.drop_one else vecs


def test_a_batch_embeds_its_queries_in_one_call() -> None:
    emb = _BatchQueries()
    index = {"dims": 64, "embed": emb, "fields": ["content"]}
    with DuckDBStore.from_conn_string(":memory:", index=index) as store:
        store.setup()
        store.put(("ns",), "a", {"content": "green tea"})
        store.put(("ns",), "b", {"content": "black coffee"})
        got = store.batch(
            [
                SearchOp(("ns",), None, 1, 0, "green tea"),
                SearchOp(("ns",), None, 1, 0, "black coffee"),
                SearchOp(("ns",), None, 1, 0, "green tea"),
            ]
        )
    assert emb.batches == [["green tea", "black coffee"]]
    assert emb.singles == 0
    assert [r[0].key for r in got] == ["a", "b", "a"]


def test_a_short_query_batch_is_a_typed_error() -> None:
    index = {"dims": 64, "embed": _BatchQueries(drop_one=True), "fields": ["content"]}
    with DuckDBStore.from_conn_string(":memory:", index=index) as store:
        store.setup()
        with pytest.raises(EmbeddingDimensionError):
            store.batch([SearchOp(("ns",), None, 1, 0, "x"), SearchOp(("ns",), None, 1, 0, "y")])


@pytest.mark.parametrize("path", [("a",), ("meta", "lang")])
def test_bulk_column_fill_matches_per_slot_set(path: tuple[str, ...]) -> None:
    rng = random.Random(3)
    pool = ["x", "y", "", 1, 1.0, 2.5, True, False, None, [1, "x"], {"k": 1}]
    values = []
    for _ in range(400):
        leaf = rng.choice(pool)
        shape = rng.randrange(4)
        if shape == 0:
            values.append({})
        elif shape == 1:
            values.append({"a": leaf, "meta": "not an object"})
        else:
            values.append({"a": leaf, "meta": {"lang": leaf} if shape == 2 else {}})
    one, bulk = Column(path, len(values)), Column(path, len(values))
    for slot, value in enumerate(values):
        one.set(slot, value)
    bulk.fill(enumerate(values))
    assert one.codes.tolist() == bulk.codes.tolist()
    np.testing.assert_array_equal(one.num, bulk.num)
    assert one.distinct == bulk.distinct


def test_both_kernels_give_the_same_top_k(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    cache = _vectors.StoreCache(32)
    vecs = _vectors.normalize_rows(rng.standard_normal((500, 32)).astype(np.float32))
    for i in range(500):
        row = _vectors.Row("ns", f"k{i}", {}, 0, i, None, None)
        cache.upsert(row, [("content", vecs[i])])
    mask = cache.select(None, [], None)[0]
    q = vecs[7] + 0.1 * vecs[8]
    monkeypatch.setattr(_kernels, "_BLAS_MIN_ROWS", 100)
    chooser = _kernels._KernelChooser()
    monkeypatch.setattr(_kernels, "_CHOOSER", chooser)
    first = cache.vector_search(q, mask, 10)  # einsum, the first measured
    second = cache.vector_search(q, mask, 10)  # blas, not yet measured
    assert not np.isnan(chooser.cost["einsum"]) and not np.isnan(chooser.cost["blas"])
    assert [s for s, _ in first] == [s for s, _ in second]
    np.testing.assert_allclose([x for _, x in first], [x for _, x in second], rtol=1e-5)
    assert first[0][0] == 7
    exact = np.argsort(-(vecs @ q), kind="stable")[:10].tolist()
    assert [s for s, _ in first] == exact


def test_the_chooser_prefers_the_cheaper_kernel_and_probes_the_other() -> None:
    chooser = _kernels._KernelChooser()
    chooser.record("einsum", 2.0, 1000)
    chooser.record("blas", 1.0, 1000)
    picks = [chooser.pick() for _ in range(4 * _kernels._PROBE_EVERY)]
    assert picks.count("einsum") == 4
    assert picks.count("blas") == len(picks) - 4


def test_deleted_rows_and_masks_take_the_gather_path(store: DuckDBStore) -> None:
    store.batch([PutOp(("ns",), f"k{i}", {"content": f"tea {i}", "n": i}) for i in range(50)])
    store.batch([PutOp(("ns",), f"k{i}", None) for i in range(0, 50, 2)])
    hits = store.search(("ns",), query="tea 3", limit=50)
    assert {h.key for h in hits} == {f"k{i}" for i in range(1, 50, 2)}
    odd_low = store.search(("ns",), query="tea 3", filter={"n": {"$lt": 10}}, limit=50)
    assert {h.key for h in odd_low} == {"k1", "k3", "k5", "k7", "k9"}


async def test_abatch_embeds_its_queries_in_one_call() -> None:
    emb = _BatchQueries()
    index = {"dims": 64, "embed": emb, "fields": ["content"]}
    with DuckDBStore.from_conn_string(":memory:", index=index) as store:
        store.setup()
        await store.aput(("ns",), "a", {"content": "green tea"})
        got = await store.abatch(
            [SearchOp(("ns",), None, 1, 0, "green tea"), SearchOp(("ns",), None, 1, 0, "tea")]
        )
    assert emb.batches == [["green tea", "tea"]] and emb.singles == 0
    assert [r[0].key for r in got] == ["a", "a"]


def test_small_namespace_selection_matches_the_mask_path() -> None:
    # 30 namespaces: one namespace is under the slot-list threshold, the root is not.
    rng = np.random.default_rng(9)
    cache = _vectors.StoreCache(16)
    vecs = _vectors.normalize_rows(rng.standard_normal((900, 16)).astype(np.float32))
    for i in range(900):
        row = _vectors.Row(f"u.n{i % 30}", f"k{i}", {"g": (i // 30) % 3}, 0, i, None, None)
        cache.upsert(row, [("a", vecs[i]), ("b", vecs[(i * 7) % 900])] if i % 5 else [])
    for i in range(0, 900, 4):
        cache.delete(f"u.n{i % 30}", f"k{i}")
    leaves = compile_filter({"g": {"$ne": 1}})
    mask, slots = cache.select("u.n7", leaves, None)
    assert slots is not None
    assert slots.tolist() == np.flatnonzero(mask).tolist()
    assert cache.select("u", leaves, None)[1] is None
    q = vecs[3]
    by_slots = cache.vector_search(q, mask, 5, slots)
    by_mask = cache.vector_search(q, mask, 5)
    assert by_slots == by_mask and len(by_slots) == 5
    expect = {
        s
        for s in range(900)
        if cache.row(s) and cache.row(s).prefix == "u.n7" and cache.row(s).value["g"] != 1
    }
    assert set(slots.tolist()) == expect
    assert cache.top_by_updated(mask, 3, 1, slots) == cache.top_by_updated(mask, 3, 1)
