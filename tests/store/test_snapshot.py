"""The vector snapshot beside a database file: used on reopen only while it matches the
tables (file id, vector generation, row order); any commit after it invalidates it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from langgraph.store.base import PutOp

from langmem_extract.store import _duckdb_load, _duckdb_sql
from langmem_extract.store._codes import SignCodes
from langmem_extract.store.duckdb import DuckDBStore
from tests.conftest import HashEmbeddings
from tests.store.conftest import hash_index


def _open(path: Path) -> DuckDBStore:
    store = DuckDBStore.open(path, index=hash_index(16))
    store.setup()
    return store


def _exact(store: DuckDBStore, query: str, live: dict[str, str], k: int) -> list[str]:
    emb = HashEmbeddings(16)
    q = np.asarray(emb.embed_query(query))
    q /= np.linalg.norm(q)

    def cos(text: str) -> float:
        v = np.asarray(emb.embed_query(text))
        return float(v @ q / np.linalg.norm(v))

    ranked = sorted(live, key=lambda key: (-cos(live[key]), key))
    got = [h.key for h in store.search(("ns",), query=query, limit=k)]
    assert sorted(got) == sorted(ranked[:k]) or [cos(live[x]) for x in got] == pytest.approx(
        [cos(live[x]) for x in ranked[:k]], abs=1e-6
    )
    return got


def test_a_reopen_maps_the_snapshot_and_a_later_commit_invalidates_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = {f"k{i}": f"tea {i % 9} cup {i % 4}" for i in range(300)}
    with _open(db_path) as store:
        store.batch([PutOp(("ns",), k, {"content": t}) for k, t in live.items()])
    (snap,) = _duckdb_load.snapshots(str(db_path))  # written at close, after the writes
    with _open(db_path) as store:
        first = _exact(store, "tea 3 cup 1", live, 10)
        assert store._cache is not None and not store._cache.vecs.flags.writeable  # mapped
    assert _duckdb_load.snapshots(str(db_path)) == [snap]  # no writes: none at close
    with _open(db_path) as store, monkeypatch.context() as patch:
        # Reading the floats from the tables would now fail: the snapshot must serve.
        patch.setattr(_duckdb_sql, "SELECT_VECTOR_FLOATS", "SELECT no_such_column")
        assert [h.key for h in store.search(("ns",), query="tea 3 cup 1", limit=10)] == first
        # Rewrite the last row (same row order afterwards) and add one: both searchable.
        live["k299"] = "coffee 1 mug 2"
        live["new"] = "tea 3 cup 1 and more"
        store.batch([PutOp(("ns",), k, {"content": live[k]}) for k in ("k299", "new")])
        assert _exact(store, "coffee 1 mug 2", live, 3)[0] == "k299"
    # The generation moved on: the old snapshot is stale, and the close wrote the new one.
    (fresh,) = _duckdb_load.snapshots(str(db_path))
    assert fresh != snap
    with _open(db_path) as store:
        assert _exact(store, "coffee 1 mug 2", live, 3)[0] == "k299"
        _exact(store, "tea 3 cup 1", live, 10)
        assert store._cache is not None and not store._cache.vecs.flags.writeable
    fresh.unlink()
    with _open(db_path) as store:  # no snapshot: read from the tables, then written
        assert _exact(store, "coffee 1 mug 2", live, 3)[0] == "k299"
        assert store._cache is not None and store._cache.vecs.flags.writeable
    assert len(_duckdb_load.snapshots(str(db_path))) == 1


def test_a_snapshot_of_another_file_is_never_used(db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    for path, word in ((db_path, "tea"), (other, "wine")):
        with _open(path) as store:
            store.batch([PutOp(("ns",), f"k{i}", {"content": f"{word} {i}"}) for i in range(20)])
        with _open(path) as store:
            store.search(("ns",), query=word, limit=1)
    # Same keys, same order, same generation: only the file id tells them apart.
    (theirs,) = _duckdb_load.snapshots(str(other))
    (mine,) = _duckdb_load.snapshots(str(db_path))
    mine.unlink()
    theirs.rename(Path(str(db_path) + theirs.name[len(other.name) :]))
    with _open(db_path) as store:
        hit = store.search(("ns",), query="tea 7", limit=1)[0]
        assert hit.key == "k7" and hit.score == pytest.approx(1.0, abs=1e-5)


def test_memory_stores_write_no_snapshot(tmp_path: Path) -> None:
    with DuckDBStore.from_conn_string(":memory:", index=hash_index(16)) as store:
        store.setup()
        store.put(("ns",), "a", {"content": "tea"})
        assert store.search(("ns",), query="tea")[0].key == "a"
    assert list(tmp_path.iterdir()) == []


def test_a_new_item_order_makes_the_snapshot_stale(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Slots follow the item table's order, which may change without a vector changing;
    # the snapshot (saved in slot order) names that order too, so it goes stale.
    live = {f"k{i}": f"green tea {i % 11} pot {i % 5}" for i in range(200)}
    with _open(db_path) as store:
        store.batch(
            [PutOp(("ns",), k, {"content": t, "title": t.upper()}) for k, t in live.items()]
        )
    with _open(db_path) as store:
        store.search(("ns",), query="tea", limit=1)  # writes the snapshot
    (before,) = _duckdb_load.snapshots(str(db_path))
    reordered = _duckdb_sql.SELECT_ALL_ITEMS.rstrip() + " ORDER BY key DESC"
    monkeypatch.setattr(_duckdb_sql, "SELECT_ALL_ITEMS", reordered)
    with _open(db_path) as store:
        for query in ("green tea 3 pot 1", "green tea 10 pot 4"):
            got = _exact(store, query, live, 10)
            hit = store.search(("ns",), query=query, limit=1)[0]
            assert hit.key in got and hit.score == pytest.approx(1.0, abs=1e-5)
        cache = store._cache
        assert cache is not None and cache.keys[0] == "k99"  # the order did change
    assert _duckdb_load.snapshots(str(db_path)) != [before]  # read from the tables again


def test_a_store_closed_after_writes_leaves_a_snapshot_that_matches(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Writes after the load (new items, a rewrite, a delete, an item with two vectors):
    # closing writes the snapshot the next open looks for, so that open reads no vector
    # back from the tables and still answers exactly.
    live = {f"k{i}": f"black tea {i % 7} kettle {i % 3}" for i in range(120)}
    with _open(db_path) as store:
        store.batch([PutOp(("ns",), k, {"content": t}) for k, t in live.items()])
        store.search(("ns",), query="tea", limit=1)  # loads the mirror
        live["k5"] = "espresso 2 grinder 1"
        live.update({f"n{i}": f"oolong {i} cup" for i in range(30)})
        del live["k9"]
        store.batch(
            [PutOp(("ns",), k, {"content": live[k]}) for k in ["k5", *(f"n{i}" for i in range(30))]]
            + [PutOp(("ns",), "k9", None)]
        )
        store.put(("ns",), "two", {"content": "green tea 1 kettle 0"}, index=["content", "$"])
        before = _duckdb_load.snapshots(str(db_path))
    (snap,) = _duckdb_load.snapshots(str(db_path))
    assert [snap] != before
    with _open(db_path) as store, monkeypatch.context() as patch:
        patch.setattr(_duckdb_sql, "SELECT_VECTOR_FLOATS", "SELECT no_such_column")
        assert _exact(store, "espresso 2 grinder 1", live, 3)[0] == "k5"
        assert _exact(store, "oolong 7 cup", live, 5)[0] == "n7"
        assert "k9" not in _exact(store, "black tea 2 kettle 0", live, 10)
        top = store.search(("ns",), query="green tea 1 kettle 0", limit=1)[0]
        assert top.key == "two" and top.score == pytest.approx(1.0, abs=1e-5)
        # The sign codes came with it, and are the codes of its rows.
        cache = store._cache
        assert cache is not None and cache.codes.n == cache.n_vec
        fresh = SignCodes(16).encode(np.asarray(cache.vecs[: cache.n_vec])).T
        assert np.array_equal(cache.codes.codes[:, : cache.n_vec], fresh)
    assert _duckdb_load.snapshots(str(db_path)) == [snap]  # nothing written after reads


def test_a_read_only_open_maps_the_snapshot_a_writer_left(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The writer's close leaves the snapshot; a read-only process (a CLI recall) maps it.
    with _open(db_path) as store:
        store.batch([PutOp(("ns",), f"k{i}", {"content": f"tea {i}"}) for i in range(20)])
    (snap,) = _duckdb_load.snapshots(str(db_path))
    monkeypatch.setattr(_duckdb_sql, "SELECT_VECTOR_FLOATS", "SELECT no_such_column")
    with DuckDBStore.open(db_path, index=hash_index(16), read_only=True) as store:
        hit = store.search(("ns",), query="tea 3", limit=1)[0]
        assert hit.key == "k3" and hit.score == pytest.approx(1.0, abs=1e-5)
    assert _duckdb_load.snapshots(str(db_path)) == [snap]
