"""The vss helper and the HNSW path: loading, version check, exactness, staleness, repair."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import numpy as np
import pytest
from langgraph.store.base import PutOp

from langmem_extract.errors import ExtensionVersionError
from langmem_extract.store import _vss
from langmem_extract.store.duckdb import DuckDBStore
from tests.conftest import HashEmbeddings


def _index(**extra: object) -> dict:
    return {
        "dims": 32,
        "embed": HashEmbeddings(32),
        "fields": ["content"],
        "hnsw": True,
        "hnsw_min_rows": 1,
        **extra,
    }


def _text(i: int) -> str:
    return f"w{i % 37} v{i % 11} u{i % 5} i{i}"


def _exact_scores(store: DuckDBStore, query: str, k: int) -> list[float]:
    """Brute-force top-k cosines over every live item."""
    emb = HashEmbeddings(32)
    q = np.asarray(emb.embed_query(query))
    scores = []
    for item in store.search(("ns",), limit=10_000):
        v = np.asarray(emb.embed_query(item.value["content"]))
        n = np.linalg.norm(q) * np.linalg.norm(v)
        scores.append(float(q @ v / n) if n else 0.0)
    return sorted(scores, reverse=True)[:k]


def test_extension_path_is_inside_the_wheel() -> None:
    path = _vss.extension_path()
    assert path.is_file()
    assert path.parent.name == f"v{duckdb.__version__}"
    assert "duckdb_extension_vss" in str(path)


def test_version_mismatch_is_a_clear_error() -> None:
    _vss.check_versions("1.5.5", "1.5.5")
    with pytest.raises(ExtensionVersionError, match=r"duckdb-extension-vss==1\.5\.5"):
        _vss.check_versions("1.5.5", "1.4.0")


def test_missing_wheel_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_vss, "_dist_version", lambda name: None)
    with pytest.raises(ExtensionVersionError, match="not installed"):
        _vss.extension_path()


def test_load_build_and_query_on_small_data() -> None:
    conn = duckdb.connect(":memory:")
    _vss.load_vss(conn)
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(200, 16)).astype(np.float32)
    _vss.build_hnsw(conn, vecs, ["ns"] * 200, [f"k{i}" for i in range(200)], 16)
    assert _vss.hnsw_exists(conn)
    # The stored FLOAT[16] rows are the vectors we gave, in order.
    back = np.stack(conn.execute(f"SELECT e FROM {_vss.HNSW_TABLE} ORDER BY vid").fetchnumpy()["e"])
    assert np.array_equal(back, vecs)
    got = _vss.hnsw_candidates(conn, vecs[17], 5, 16)
    assert got[0] == ("ns", "k17")
    plan = conn.execute(
        "EXPLAIN " + _vss.HNSW_SEARCH.format(dims=16), [vecs[0].tolist(), 5]
    ).fetchall()
    assert "HNSW_INDEX_SCAN" in str(plan)  # the planner uses the index for this shape
    _vss.drop_hnsw(conn)
    assert not _vss.hnsw_exists(conn)


def test_hnsw_search_matches_exact_with_deletes_and_updates(tmp_path: Path) -> None:
    with DuckDBStore.from_conn_string(str(tmp_path / "h.duckdb"), index=_index()) as s:
        s.setup()
        s.batch([PutOp(("ns",), f"k{i}", {"content": _text(i)}) for i in range(400)])
        s.rebuild_hnsw()
        assert s.hnsw_status()["size"] == 400
        # Writes after the build: deletes, updates and inserts (fewer than the stale limit).
        s.batch([PutOp(("ns",), f"k{i}", None) for i in range(0, 20)])
        s.batch([PutOp(("ns",), f"k{i}", {"content": "w1 v1 u1 fresh"}) for i in range(20, 30)])
        s.batch([PutOp(("ns",), f"n{i}", {"content": "w2 v2 u2 new"}) for i in range(5)])
        for query in ["w1 v1 u1", "w2 v2 u2", "w5 v3", "i7 w7"]:
            got = [r.score for r in s.search(("ns",), query=query, limit=10)]
            assert got == pytest.approx(_exact_scores(s, query, 10), abs=1e-5), query
        status = s.hnsw_status()
        assert status["builds"] == 1 and status["searches"] >= 1
        deleted = {f"k{i}" for i in range(20)}
        assert not deleted & {r.key for r in s.search(("ns",), query="w3", limit=50)}


def test_stale_index_is_rebuilt() -> None:
    with DuckDBStore.from_conn_string(":memory:", index=_index(hnsw_stale_fraction=0.1)) as s:
        s.setup()
        s.batch([PutOp(("ns",), f"k{i}", {"content": _text(i)}) for i in range(100)])
        s.search(("ns",), query="w1")
        assert s.hnsw_status()["builds"] == 1
        s.batch([PutOp(("ns",), f"k{i}", None) for i in range(5)])  # 5% stale: keep
        s.search(("ns",), query="w1")
        assert s.hnsw_status()["builds"] == 1
        s.batch([PutOp(("ns",), f"k{i}", None) for i in range(5, 20)])  # 20%: rebuild
        s.search(("ns",), query="w1")
        assert s.hnsw_status()["builds"] == 2
        assert s.hnsw_status()["size"] == 80


def test_filtered_searches_do_not_use_the_index() -> None:
    with DuckDBStore.from_conn_string(":memory:", index=_index()) as s:
        s.setup()
        s.batch([PutOp(("ns",), f"k{i}", {"content": _text(i), "g": i % 10}) for i in range(200)])
        res = s.search(("ns",), query="w1 v1", filter={"g": 3}, limit=10)
        assert len(res) == 10 and all(r.value["g"] == 3 for r in res)
        assert s.hnsw_status()["builds"] == 0


def test_too_few_index_survivors_fall_back_to_exact() -> None:
    with DuckDBStore.from_conn_string(":memory:", index=_index(hnsw_overfetch=1)) as s:
        s.setup()
        s.batch([PutOp(("a",), f"k{i}", {"content": _text(i)}) for i in range(60)])
        s.batch([PutOp(("b",), f"k{i}", {"content": _text(i)}) for i in range(60)])
        s.rebuild_hnsw()
        # Only half the index is under ("b",): asking for 10 with no over-fetch leaves
        # fewer than 10 survivors most of the time, and then the exact path answers.
        for q in ["w1", "w2 v3", "u4", "i9", "w7 v7"]:
            res = s.search(("b",), query=q, limit=10)
            assert len(res) == 10 and all(r.namespace == ("b",) for r in res)
        assert s.hnsw_status()["fallbacks"] >= 1


def test_index_persists_across_clean_reopen_and_is_dropped_after_crash(tmp_path: Path) -> None:
    path = tmp_path / "p.duckdb"
    with DuckDBStore.from_conn_string(str(path), index=_index()) as s:
        s.setup()
        s.batch([PutOp(("ns",), f"k{i}", {"content": _text(i)}) for i in range(100)])
        s.rebuild_hnsw()
    assert not Path(f"{path}.wal").exists()  # a clean close checkpoints
    with DuckDBStore.from_conn_string(str(path), index=_index()) as s:
        s.setup()
        s.search(("ns",), query="w1")
        assert s.hnsw_status()["builds"] == 0  # adopted, not rebuilt
        assert s.hnsw_status()["built"] is True
    # A leftover WAL (what a crash leaves; see test_crash_lock for a real one) makes the
    # next open drop the index.
    Path(f"{path}.wal").write_bytes(b"")
    s2 = DuckDBStore.open(str(path), index=_index())
    assert s2._hnsw.wal_seen
    s2.setup()
    assert not _vss.hnsw_exists(s2.conn)
    s2.search(("ns",), query="w1")
    assert s2.hnsw_status()["builds"] == 1
    s2.close()


def test_store_without_hnsw_config_reopens_a_file_with_an_index(tmp_path: Path) -> None:
    path = tmp_path / "q.duckdb"
    with DuckDBStore.from_conn_string(str(path), index=_index()) as s:
        s.setup()
        s.put(("ns",), "a", {"content": "hello"})
        s.rebuild_hnsw()
    plain = {"dims": 32, "embed": HashEmbeddings(32), "fields": ["content"]}
    with DuckDBStore.from_conn_string(str(path), index=plain) as s:
        s.setup()
        s.put(("ns",), "b", {"content": "hello again"})
        assert s.search(("ns",), query="hello")[0].key == "a"


def test_hnsw_settings_hold_their_defaults() -> None:
    from langmem_extract.store._hnsw import HnswSettings, HnswState

    assert HnswSettings.from_index(None) == HnswSettings()
    assert HnswSettings() == HnswSettings(
        enabled=False, min_rows=200_000, overfetch=10, stale_fraction=0.1, ef_search=256
    )
    given = HnswSettings.from_index({"dims": 4, "hnsw": True, "hnsw_overfetch": 3})
    assert (given.enabled, given.overfetch, given.min_rows) == (True, 3, 200_000)
    with DuckDBStore.from_conn_string(":memory:", index=_index()) as s:
        assert s.hnsw_status() == dataclasses.asdict(HnswState())
        assert s.hnsw_status() == {
            "built": False,
            "built_us": 0,
            "size": 0,
            "stale": 0,
            "delta": 0,
            "builds": 0,
            "searches": 0,
            "fallbacks": 0,
        }
