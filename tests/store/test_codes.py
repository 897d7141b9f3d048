"""The sign-code first pass: the returned top-k (keys and scores) is the exact one, on
random and clustered vectors, with filters and after deletes; its pool check is what
keeps it exact; and a ``DuckDBStore`` search goes through it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings
from langgraph.store.base import PutOp

from langmem_extract.store import _codes, _scan
from langmem_extract.store._filters import Leaf
from langmem_extract.store._vectors import Row, StoreCache, normalize_rows
from langmem_extract.store.duckdb import DuckDBStore

DIMS = 96
N = 6000


def _data(kind: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = normalize_rows(rng.standard_normal((N, DIMS)).astype(np.float32))
    if kind == "random":
        return noise
    centres = normalize_rows(rng.standard_normal((60, DIMS)).astype(np.float32))
    return normalize_rows(centres[rng.integers(0, 60, N)] + 0.35 * noise)


def _cache(vecs: np.ndarray) -> StoreCache:
    cache = StoreCache(DIMS)
    for i, vec in enumerate(vecs):
        cache.upsert(Row("ns", f"k{i}", {"g": i % 10}, 0, i, None, None), [("content", vec)])
    return cache


def _queries(vecs: np.ndarray, seed: int, n: int = 12) -> list[np.ndarray]:
    """Half near a stored vector (a paraphrase), half random directions."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        noise = rng.standard_normal(DIMS).astype(np.float32)
        base = vecs[rng.integers(len(vecs))] * 3 if i % 2 == 0 else np.zeros(DIMS, np.float32)
        out.append(normalize_rows((base + noise / np.linalg.norm(noise))[None, :])[0])
    return out


def _both(
    cache: StoreCache, q: np.ndarray, mask: np.ndarray, k: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    with monkeypatch.context() as patch:
        patch.setattr(_codes, "QUANT_MIN_ROWS", 500)
        patch.setattr(_scan, "GATHER_MIN_ROWS", 500)
        # Try the code pass on every search, whatever its measured cost.
        patch.setattr(_scan.ScanCost, "codes_first", lambda self, band: True)
        quick = cache.vector_search(q, mask, k)
    with monkeypatch.context() as patch:
        patch.setattr(_codes, "QUANT_MIN_ROWS", 10**9)
        patch.setattr(_scan, "GATHER_MIN_ROWS", 10**9)
        exact = cache.vector_search(q, mask, k)
    return quick, exact


def _assert_same(quick: list[tuple[int, float]], exact: list[tuple[int, float]]) -> None:
    assert [s for s, _ in quick] == [s for s, _ in exact]
    assert [x for _, x in quick] == pytest.approx([x for _, x in exact], abs=1e-6)


@pytest.mark.parametrize("kind", ["random", "clustered"])
def test_the_code_pass_returns_the_exact_top_k(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    vecs = _data(kind, seed=1)
    cache = _cache(vecs)
    plain = cache.select(None, [], None)[0]
    tenth = cache.select(None, [Leaf(("g",), "$eq", 3)], None)[0]
    for q in _queries(vecs, seed=2):
        for k in (1, 10):
            _assert_same(*_both(cache, q, plain, k, monkeypatch))
        _assert_same(*_both(cache, q, tenth, 10, monkeypatch))  # 600 candidates
    # After deleting 30% (the survivors are gathered, then coded).
    for i in range(0, N, 10):
        for j in (0, 3, 7):
            cache.delete("ns", f"k{i + j}")
    live = cache.select(None, [], None)[0]
    for q in _queries(vecs, seed=3):
        _assert_same(*_both(cache, q, live, 10, monkeypatch))
    stats = cache.codes.stats
    if kind == "clustered":
        # Near queries find their neighbours in a small pool (the filtered scans, 600
        # candidates, allow a gathered pool of 300 rows, under the first pool's 320:
        # those fall back).
        assert stats["pool"] >= 12, stats
    # Random directions have no near neighbours: the check sends those to the full scan.
    assert stats["fallback"] >= 6


def test_without_the_pool_check_random_data_goes_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    # The check is what keeps the answers exact: accept every first pool and random data
    # (ten best cosines within a hair of the next) loses some of its true top 10.
    vecs = _data("random", seed=4)
    cache = _cache(vecs)
    mask = cache.select(None, [], None)[0]
    monkeypatch.setattr(_codes, "_needed_distance", lambda *args: 0)
    wrong = 0
    for q in _queries(vecs, seed=5):
        quick, exact = _both(cache, q, mask, 10, monkeypatch)
        wrong += {s for s, _ in quick} != {s for s, _ in exact}
    assert wrong >= 3
    assert cache.codes.stats["fallback"] == 0


def test_codes_follow_appends_updates_and_compaction(monkeypatch: pytest.MonkeyPatch) -> None:
    vecs = _data("clustered", seed=6)
    cache = _cache(vecs[:3000])
    mask = cache.select(None, [], None)[0]
    q = _queries(vecs, seed=7, n=2)[0]
    _both(cache, q, mask, 10, monkeypatch)  # codes for the first 3000 rows
    for i in range(3000, N):  # appended after: coded on the next search
        cache.upsert(Row("ns", f"k{i}", {"g": 0}, 0, i, None, None), [("content", vecs[i])])
    for i in range(0, 3000, 2):  # rewritten with another vector: old rows die
        cache.upsert(Row("ns", f"k{i}", {"g": 0}, 0, i, None, None), [("content", vecs[-1 - i])])
    mask = cache.select(None, [], None)[0]
    for q in _queries(vecs, seed=8):
        _assert_same(*_both(cache, q, mask, 10, monkeypatch))
    assert cache.codes.n == cache.n_vec


class _Table(Embeddings):
    """Precomputed vectors: the text ``"v<i>"`` embeds as row ``i``."""

    def __init__(self, vecs: np.ndarray) -> None:
        self.vecs = vecs

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.vecs[int(t[1:])].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def test_a_store_search_goes_through_the_code_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    vecs = _data("clustered", seed=9)
    monkeypatch.setattr(_codes, "QUANT_MIN_ROWS", 500)
    index = {"dims": DIMS, "embed": _Table(vecs), "fields": ["content"]}
    with DuckDBStore.from_conn_string(":memory:", index=index) as store:
        store.setup()
        store.batch([PutOp(("ns",), f"k{i}", {"content": f"v{i}"}) for i in range(N)])
        exact = normalize_rows(vecs) @ normalize_rows(vecs[[17]])[0]
        want = np.argsort(-exact, kind="stable")[:10]
        got = store.search(("ns",), query="v17", limit=10)
        assert [h.key for h in got] == [f"k{i}" for i in want]
        assert [h.score for h in got] == pytest.approx(exact[want].tolist(), abs=1e-6)
        assert store._cache is not None and store._cache.codes.stats["pool"] == 1
