"""Filtered and post-delete vector searches return exactly the exact top-k, whichever
way the scan runs (sign-code pass with re-rank, or float32 over every row), on random
and clustered data; and the cost model picks the way that measures cheaper."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langmem_extract.store import _codes, _scan
from langmem_extract.store._filters import compile_filter
from langmem_extract.store._vectors import StoreCache, normalize_rows

DIMS = 96
N = 4000


def _vectors(kind: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = normalize_rows(rng.standard_normal((N, DIMS)).astype(np.float32))
    if kind == "random":
        return noise
    centres = normalize_rows(rng.standard_normal((N // 50, DIMS)).astype(np.float32))
    return normalize_rows(centres[rng.integers(0, len(centres), N)] + 0.35 * noise)


def _cache(vecs: np.ndarray, small_ns: int) -> StoreCache:
    """Items ``k<i>`` with ``g = i % 20``; every ``small_ns``-th item in namespace
    ``small`` (a slot-list selection), the rest in ``big``."""
    cache = StoreCache(DIMS)
    prefixes = ["small" if i % small_ns == 0 else "big" for i in range(N)]
    values = [json.dumps({"g": i % 20}) for i in range(N)]
    times = {
        "created": np.zeros(N, np.int64),
        "updated": np.arange(N, dtype=np.int64),
        "expires": np.full(N, np.iinfo(np.int64).max),
        "ttl": np.full(N, np.nan),
    }
    cache.load(prefixes, [f"k{i}" for i in range(N)], values, times)
    cache.load_vectors(vecs.copy(), np.arange(N, dtype=np.int32))
    return cache


def _search(
    cache: StoreCache, ns: str | None, flt: dict, q: np.ndarray, k: int, *, codes: bool
) -> list[tuple[int, float]]:
    with pytest.MonkeyPatch.context() as patch:
        if codes:  # the code pass on every scan, whatever its measured cost
            patch.setattr(_codes, "QUANT_MIN_ROWS", 64)
            patch.setattr(_scan, "GATHER_MIN_ROWS", 64)
            patch.setattr(_scan.ScanCost, "codes_first", lambda self, band: True)
        else:
            patch.setattr(_codes, "QUANT_MIN_ROWS", 10**9)
            patch.setattr(_scan, "GATHER_MIN_ROWS", 10**9)
        mask, slots = cache.select(ns, compile_filter(flt), None)
        return cache.vector_search(q, mask, k, slots)


def _reference(
    vecs: np.ndarray, ok: np.ndarray, q: np.ndarray, k: int
) -> tuple[list[int], np.ndarray, float]:
    """numpy's exact top-k rows among ``ok``, their scores, and the gap after the k-th."""
    scores = (vecs @ q).astype(np.float64)
    scores[~ok] = -np.inf
    order = np.argsort(-scores, kind="stable")
    top = [int(i) for i in order[:k] if np.isfinite(scores[i])]
    rest = scores[order[len(top)]] if len(top) < N else -np.inf
    gap = float(scores[top[-1]] - rest) if top and np.isfinite(rest) else 1.0
    return top, scores[top], gap


def _assert_same(quick: list[tuple[int, float]], exact: list[tuple[int, float]]) -> None:
    assert [s for s, _ in quick] == [s for s, _ in exact]
    assert [x for _, x in quick] == pytest.approx([x for _, x in exact], abs=1e-6)


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["random", "clustered"]),
    seed=st.integers(0, 10_000),
    keep=st.sampled_from([1, 2, 6, 12, 20]),  # of 20 filter groups
    deleted=st.sampled_from([0.0, 0.1, 0.3, 0.5]),
    k=st.sampled_from([1, 5, 10, 25]),
    near=st.sampled_from([True, True, True, False]),  # most queries have a near neighbour
    namespace=st.sampled_from([None, "big", "small"]),
)
def test_filtered_and_post_delete_searches_are_exact(
    kind: str, seed: int, keep: int, deleted: float, k: int, near: bool, namespace: str | None
) -> None:
    vecs = _vectors(kind, seed)
    cache = _cache(vecs, small_ns=7)
    rng = np.random.default_rng(seed + 1)
    alive = np.ones(N, dtype=bool)
    for i in rng.permutation(N)[: int(N * deleted)]:
        assert cache.delete("small" if i % 7 == 0 else "big", f"k{i}")
        alive[i] = False
    base = vecs[rng.integers(N)] * 3 if near else np.zeros(DIMS, np.float32)
    noise = rng.standard_normal(DIMS).astype(np.float32)
    q = normalize_rows((base + noise / np.linalg.norm(noise))[None, :])[0]
    flt = {"g": {"$lt": keep}} if keep < 20 else {}
    ok = alive & (np.arange(N) % 20 < keep)
    if namespace is not None:
        ok &= (np.arange(N) % 7 == 0) == (namespace == "small")

    quick = _search(cache, namespace, flt, q, k, codes=True)
    exact = _search(cache, namespace, flt, q, k, codes=False)
    # The code pass returns what the float32 scan does: same items, same scores.
    _assert_same(quick, exact)
    # And that is numpy's exact top-k (items as a set unless the k-th is tied within
    # float32 rounding of the next).
    want, want_scores, gap = _reference(vecs, ok, q, k)
    assert [x for _, x in exact] == pytest.approx(want_scores.tolist(), abs=1e-5)
    if gap > 1e-5:
        assert {cache.ident(s)[1] for s, _ in exact} == {f"k{i}" for i in want}


def test_a_filter_keeping_a_tenth_takes_the_code_pass_when_neighbours_are_kept() -> None:
    # Clustered data, a filter keeping a tenth: a query whose neighbours pass the filter
    # is answered by a pool (no float32 scan of the 400 kept rows); a random direction
    # is declined and scanned. Both exact.
    vecs = _vectors("clustered", seed=3)
    cache = _cache(vecs, small_ns=10**9)
    kept = np.flatnonzero(np.arange(N) % 20 < 2)
    q_near = normalize_rows((vecs[kept[5]] * 3 + vecs[kept[9]] * 0.1)[None, :])[0]
    q_far = normalize_rows(np.random.default_rng(4).standard_normal((1, DIMS)))[0]
    for q in (q_near, q_far):
        quick = _search(cache, None, {"g": {"$lt": 2}}, q, 3, codes=True)
        exact = _search(cache, None, {"g": {"$lt": 2}}, q, 3, codes=False)
        _assert_same(quick, exact)
    assert cache.codes.stats["pool"] == 1 and cache.codes.stats["fallback"] == 1


def test_the_cost_model_takes_the_cheaper_way_and_probes_the_other() -> None:
    cost = _scan.ScanCost()
    band = cost.band(10_000, gathered=True)
    assert cost.codes_first(band)  # nothing measured: try the pass
    cost.record(band, "answered", 0.001, 10_000)
    cost.record(band, "float32", 0.010, 10_000)
    picks = [cost.codes_first(band) for _ in range(32)]
    assert picks.count(False) == 2  # the float32 scan re-timed every 16th call
    # The pass keeps declining (no near neighbours): it costs its own time plus the
    # float32 scan, so the scan alone is taken, and the pass re-tried every 16th call.
    for _ in range(8):
        cost.record(band, "declined", 0.002, 10_000)
    picks = [cost.codes_first(band) for _ in range(32)]
    assert picks.count(True) == 2
    # One answered probe (hit rate back to 0.3) with a cheap decline makes it worth it.
    cost.record(band, "answered", 0.001, 10_000)
    assert cost.codes_first(band)  # call 66: not a probe
    # Bands are separate: an in-place scan of the same size is not measured yet.
    assert cost.expected(cost.band(10_000, gathered=False)) is None
