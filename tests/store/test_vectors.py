"""The in-process mirror: slots, compaction, and exact top-k against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from langmem_extract.store._filters import Leaf
from langmem_extract.store._vectors import Row, StoreCache, normalize_rows


def _row(prefix: str, key: str, **value: object) -> Row:
    return Row(prefix, key, dict(value), 0, int(value.get("t", 0)), None, None)  # type: ignore[arg-type]


def slot_mask(
    cache: StoreCache, prefix_text: str | None, leaves: list[Leaf], now_us: int | None
) -> np.ndarray:
    """Live slots under the namespace prefix that pass every filter leaf."""
    return cache.select(prefix_text, leaves, now_us)[0]


def _brute(vectors: dict[str, list[np.ndarray]], q: np.ndarray, k: int) -> list[tuple[str, float]]:
    scored = [(key, max(float(v @ q) for v in vs)) for key, vs in vectors.items() if vs]
    return sorted(scored, key=lambda kv: -kv[1])[:k]


@pytest.mark.parametrize("n", [50, 2000])  # small sets take the gather path, large the full matmul
def test_vector_search_is_exact(n: int) -> None:
    rng = np.random.default_rng(1)
    cache = StoreCache(16)
    truth: dict[str, list[np.ndarray]] = {}
    for i in range(n):
        m = 1 + i % 3  # several vectors per item: max pooling
        vecs = normalize_rows(rng.normal(size=(m, 16)).astype(np.float32))
        cache.upsert(
            _row("ns" if i % 4 else "other", f"k{i}", g=i % 7),
            [(f"f{j}", vecs[j]) for j in range(m)],
        )
        truth[f"k{i}"] = list(vecs)
    q = normalize_rows(rng.normal(size=(1, 16)).astype(np.float32))[0]
    mask = slot_mask(cache, None, [], None)
    got = [(cache.row(s).key, sc) for s, sc in cache.vector_search(q, mask, 10)]  # type: ignore[union-attr]
    want = _brute(truth, q, 10)
    assert [k for k, _ in got] == [k for k, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-5)
    # Namespace + filter first, then exact top-k among the survivors.
    mask = slot_mask(cache, "ns", [Leaf(("g",), "$eq", 3)], None)
    sub = {k: v for k, v in truth.items() if int(k[1:]) % 4 and int(k[1:]) % 7 == 3}
    got = [cache.row(s).key for s, _ in cache.vector_search(q, mask, 10)]  # type: ignore[union-attr]
    assert got == [k for k, _ in _brute(sub, q, 10)]


def test_prefix_mask_is_by_whole_labels() -> None:
    cache = StoreCache(None)
    for prefix in ["a", "a.b", "ab", "a.b.c"]:
        cache.upsert(_row(prefix, "k"), None)
    got = sorted(cache.row(s).prefix for s in np.flatnonzero(slot_mask(cache, "a", [], None)))  # type: ignore[union-attr]
    assert got == ["a", "a.b", "a.b.c"]
    assert not slot_mask(cache, "zz", [], None).any()


def test_update_replaces_vectors_and_delete_removes_them() -> None:
    cache = StoreCache(2)
    x, y = np.array([1, 0], np.float32), np.array([0, 1], np.float32)
    cache.upsert(_row("ns", "a"), [("f", x)])
    cache.upsert(_row("ns", "a"), [("f", y)])
    mask = slot_mask(cache, None, [], None)
    assert cache.vector_search(x, mask, 5) == [(0, 0.0)]
    cache.delete("ns", "a")
    assert cache.vector_search(x, slot_mask(cache, None, [], None), 5) == []
    assert cache.namespaces() == []


def test_compaction_keeps_everything_live() -> None:
    cache = StoreCache(4)
    rng = np.random.default_rng(2)
    vecs = normalize_rows(rng.normal(size=(3000, 4)).astype(np.float32))
    for i in range(3000):
        cache.upsert(_row("ns", f"k{i}", g=i % 2), [("f", vecs[i])])
    cache.column(("g",))  # a built column must survive compaction
    for i in range(0, 3000, 2):
        cache.delete("ns", f"k{i}")
    assert cache.n_slots < 3000 and len(cache) == 1500
    assert cache.dead < 1500
    mask = slot_mask(cache, None, [Leaf(("g",), "$eq", 1)], None)
    assert int(mask.sum()) == 1500
    q = vecs[7]
    top = cache.vector_search(q, mask, 1)
    assert cache.row(top[0][0]).key == "k7"  # type: ignore[union-attr]
    assert top[0][1] == pytest.approx(1.0, abs=1e-5)


def test_newest_first_order() -> None:
    cache = StoreCache(None)
    for i, t in enumerate([5, 9, 1]):
        cache.upsert(_row("ns", f"k{i}", t=t), None)
    order = cache.top_by_updated(slot_mask(cache, None, [], None), 10, 0)
    assert [cache.row(s).key for s in order] == ["k1", "k0", "k2"]  # type: ignore[union-attr]


def test_zero_vectors_score_zero() -> None:
    assert normalize_rows(np.zeros((1, 3), np.float32)).tolist() == [[0.0, 0.0, 0.0]]


def test_rows_are_parsed_afresh_and_keep_their_times() -> None:
    cache = StoreCache(2)
    cache.upsert(Row("a.b", "k", {"x": [1, {"y": "é"}]}, 5, 7, 99, 1.5), [("f", np.ones(2))])
    first = cache.get("a.b", "k")
    assert first == Row("a.b", "k", {"x": [1, {"y": "é"}]}, 5, 7, 99, 1.5)
    first.value["x"].append(2)  # type: ignore[union-attr]
    assert cache.get("a.b", "k").value == {"x": [1, {"y": "é"}]}  # type: ignore[union-attr]
    cache.set_expiry("a.b", "k", None)
    assert cache.get("a.b", "k").expires_us is None  # type: ignore[union-attr]
    assert cache.ident(0) == ("a.b", "k") and cache.has_vectors("a.b", "k")
