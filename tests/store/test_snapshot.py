"""The mirror files beside a database file: used on reopen only while they match the
tables (file id, commit generation, row counts, checksums); any commit after them makes
them stale, and a damaged one is read from the tables again and rewritten."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from langgraph.store.base import PutOp

from langmem_extract.store import _duckdb_load, _duckdb_sql
from langmem_extract.store._codes import SignCodes
from langmem_extract.store._vectors import UNREAD, StoreCache
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


def _tables_mirror(store: DuckDBStore) -> dict[tuple[str, str], tuple]:
    """What a load straight from the tables holds: per item its times and vectors."""
    return _mirror_items(_duckdb_load.load_cache(store.conn, store._dims, None))


def _mirror_items(cache: StoreCache) -> dict[tuple[str, str], tuple]:
    out = {}
    for slot in np.flatnonzero(cache.alive[: cache.n_slots]).tolist():
        start, count = int(cache.vec_start[slot]), int(cache.vec_count[slot])
        vecs = np.asarray(cache.vecs[start : start + count]).round(5).tobytes()
        times = (int(cache.created[slot]), int(cache.updated[slot]), int(cache.expires[slot]))
        out[cache.ident(slot)] = (times, vecs, cache.row(slot).value)  # type: ignore[union-attr]
    return out


def assert_mirror_matches_tables(store: DuckDBStore) -> None:
    """The store's mirror (mapped from files or not) holds exactly what the tables do."""
    cache = store._get_cache()
    assert _mirror_items(cache) == _tables_mirror(store)


def test_rows_changed_outside_the_store_make_the_files_stale(db_path: Path) -> None:
    # SQL run on the file without the store bumps no counter; the row counts differ.
    with _open(db_path) as store:
        store.batch([PutOp(("ns",), f"k{i}", {"content": f"tea {i}"}) for i in range(40)])
    (before,) = _duckdb_load.snapshots(str(db_path))
    with DuckDBStore.open(db_path) as raw:
        raw.conn.execute("DELETE FROM store WHERE key = 'k7'")
        raw.conn.execute("DELETE FROM store_vectors WHERE key = 'k7'")
    with _open(db_path) as store:
        assert store._get_cache().vecs.flags.writeable  # read from the tables
        assert store.get(("ns",), "k7") is None
        assert "k7" not in [h.key for h in store.search(("ns",), query="tea 7", limit=5)]
        assert_mirror_matches_tables(store)
    # Rewritten for the tables as they are (same generation: no store commit since).
    assert _duckdb_load.snapshots(str(db_path)) == [before]
    with _open(db_path) as store:
        assert not store._get_cache().vecs.flags.writeable  # mapped again
        assert store.get(("ns",), "k7") is None and store.get(("ns",), "k8") is not None
        assert_mirror_matches_tables(store)


@pytest.mark.parametrize("damage", ["items", "codes", "matrix", "truncate", "header"])
def test_a_damaged_mirror_file_is_detected_and_rebuilt(db_path: Path, damage: str) -> None:
    live = {f"k{i}": f"green tea {i % 11} pot {i % 5}" for i in range(200)}
    with _open(db_path) as store:
        store.batch([PutOp(("ns",), k, {"content": t}) for k, t in live.items()])
    (snap,) = _duckdb_load.snapshots(str(db_path))
    target = {"items": Path(f"{snap}.items"), "codes": Path(f"{snap}.codes")}.get(damage, snap)
    data = bytearray(target.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "header":
        data[:16] = b"\x00" * 16
    elif damage == "matrix":
        # A damaged stretch (a tenth of the rows): the matrix is checked by sampled rows
        # (a checksum of all of it would read every page: 0.15-0.7 s per 100k here).
        mid, tenth = len(data) // 2, len(data) // 10
        data[mid : mid + tenth] = b"\x3f" * tenth
    else:  # one flipped bit in the middle: the zip's and the codes' CRC-32 see it
        data[len(data) // 2 + 7] ^= 0x10
    target.write_bytes(bytes(data))
    with _open(db_path) as store:
        got = _exact(store, "green tea 3 pot 1", live, 10)
        hit = store.search(("ns",), query="green tea 3 pot 1", limit=1)[0]
        assert hit.key in got and hit.score == pytest.approx(1.0, abs=1e-5)
        cache = store._get_cache()
        if damage != "codes":
            assert cache.vecs.flags.writeable  # not mapped: read from the tables again
        assert_mirror_matches_tables(store)
        fresh = SignCodes(16).encode(np.asarray(cache.vecs[: cache.n_vec])).T
        cache.codes.sync(cache.vecs, cache.n_vec)
        assert np.array_equal(cache.codes.codes[:, : cache.n_vec], fresh)


def test_an_open_from_the_files_reads_values_only_for_what_it_returns(db_path: Path) -> None:
    live = {f"k{i}": f"jasmine tea {i % 13} cup {i % 3}" for i in range(300)}
    with _open(db_path) as store:
        store.batch(
            [PutOp(("ns",), k, {"content": t, "n": i}) for i, (k, t) in enumerate(live.items())]
        )
    with _open(db_path) as store:
        _exact(store, "jasmine tea 4 cup 1", live, 5)
        cache = store._get_cache()
        assert not cache.vecs.flags.writeable
        read = [v for v in cache.values if v != UNREAD]
        assert 0 < len(read) <= 6  # the five returned (and the exact check's own search)
        assert store.get(("ns",), "k250").value == {"content": live["k250"], "n": 250}
        # A filter on a top-level key is evaluated from DuckDB's JSON reader: no value read.
        hits = store.search(("ns",), query="jasmine tea", filter={"n": 17}, limit=3)
        assert [h.key for h in hits] == ["k17"]
        assert store.search(("ns",), filter={"n": {"$gte": 298}}, limit=5)[0].key in (
            "k298",
            "k299",
        )
        assert len([v for v in cache.values if v != UNREAD]) <= 9
        # Many reads: every value is read at once, then all are in memory.
        assert len(store.search(("ns",), limit=300)) == 300
        assert UNREAD not in cache.values
        store.put(("ns",), "k1", {"content": "oolong", "n": -1})
        assert_mirror_matches_tables(store)


def test_a_row_id_naming_another_row_is_never_trusted(db_path: Path) -> None:
    # A checkpoint that drops deleted rows may move the others: each fetched row's
    # namespace and key are checked, and a mismatch sends the read to the bulk read.
    with _open(db_path) as store:
        store.batch([PutOp(("ns",), f"k{i}", {"content": f"tea {i}", "i": i}) for i in range(400)])
    with _open(db_path) as store:
        cache = store._get_cache()
        assert not cache.vecs.flags.writeable
        n = cache.n_slots
        cache.rowid[:n] = np.roll(cache.rowid[:n], 1)  # every id now names a neighbour
        store.batch([PutOp(("ns",), f"k{i}", None) for i in range(100)])
        store.conn.execute("CHECKPOINT")
        for i in (399, 350, 177, 150):
            item = store.get(("ns",), f"k{i}")
            assert item is not None and item.value == {"content": f"tea {i}", "i": i}
        hits = store.search(("ns",), query="tea 250", limit=20)
        assert len(hits) == 20
        assert all(h.value == {"content": f"tea {h.key[1:]}", "i": int(h.key[1:])} for h in hits)
        assert store.get(("ns",), "k5") is None
        assert_mirror_matches_tables(store)


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


@pytest.mark.parametrize("n", [0, 1, 2, 5, 63, 64, 65, 127, 1000, 9_999, 100_003])
def test_the_sampled_rows_are_the_distinct_spread_the_checksum_always_read(n: int) -> None:
    from langmem_extract.store._mirror_files import SAMPLED_ROWS, _sample_rows

    spread = np.linspace(0, n - 1, min(n, SAMPLED_ROWS)).astype(np.int64)
    expected = np.unique(spread) if n else spread
    got = _sample_rows(n)
    assert got.dtype == np.int64 and got.tolist() == expected.tolist()
