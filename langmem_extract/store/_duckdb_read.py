"""Reads of a DuckDB file, answered from the in-process mirror (``StoreCache``).

Vector search is exact: namespace and filters first, then cosine over the survivors,
unless the optional HNSW index (``_hnsw``) serves a large unfiltered search. ``omit_before``
is the time before which expired items are hidden (``None``: expired items are shown).
A read that asks for ``refresh_ttl`` records the item's new expiry in ``refresh``; the
caller writes those after its reads.

The functions take plain fields, not LangGraph ops, and build each result with the
caller's ``make`` (:data:`MakeItem`): ``DuckDBStore`` makes LangGraph ``Item`` and
``SearchItem`` objects from its ops, ``DuckDBEngine`` its own plain items, so reading a
file never needs LangGraph (docs/benchmarks/cold_start.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from langmem_extract.errors import EmbeddingDimensionError, InvalidInputError, InvalidVectorError
from langmem_extract.store._filters import Leaf
from langmem_extract.store._hnsw import HnswIndex
from langmem_extract.store._vectors import Row, StoreCache

#: Item -> new expiry (epoch microseconds), for the reads that refresh a TTL.
Refresh = dict[tuple[str, str], int]
#: Builds one result: ``make(namespace, key, value, created_at, updated_at, score)``;
#: ``score`` is ``None`` for a get and a float or ``None`` for a search hit.
MakeItem = Callable[[tuple[str, ...], str, dict[str, Any], datetime, datetime, Any], Any]
#: The ``score`` a get passes to ``make`` (a search hit passes its score, or ``None``).
NOT_A_SEARCH: Any = object()


def ns_text(namespace: Sequence[str]) -> str:
    """A namespace as stored: its labels joined with ``.``."""
    return ".".join(namespace)


def ns_tuple(text: str) -> tuple[str, ...]:
    return tuple(text.split("."))


def _us_to_dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def _make(make: MakeItem, row: Row, score: Any) -> Any:
    value = row.value  # parsed afresh from the mirror's JSON text: the caller's own copy
    created, updated = _us_to_dt(row.created_us), _us_to_dt(row.updated_us)
    return make(ns_tuple(row.prefix), row.key, value, created, updated, score)


def _note_refresh(row: Row, flag: bool | None, now: int, refresh: Refresh) -> None:
    if flag and row.ttl_minutes is not None:
        refresh[(row.prefix, row.key)] = now + int(row.ttl_minutes * 60_000_000)


def read_get_values(cache: StoreCache, items: Iterable[tuple[Sequence[str], str]]) -> None:
    """Fetch, in one read, the values of every ``(namespace, key)`` a batch gets (one
    read per get cost a DuckDB query each: a recall prefetching 10 memories paid 10)."""
    slot_of = cache.slot_of
    slots = [slot_of.get((ns_text(namespace), key)) for namespace, key in items]
    cache.read_values([s for s in slots if s is not None])


def do_get(
    cache: StoreCache,
    namespace: Sequence[str],
    key: str,
    refresh_ttl: bool | None,
    refresh: Refresh,
    *,
    now: int,
    omit_before: int | None,
    make: MakeItem,
) -> Any:
    row = cache.get(ns_text(namespace), key)
    if row is None:
        return None
    if omit_before is not None and row.expires_us is not None and row.expires_us <= omit_before:
        return None
    _note_refresh(row, refresh_ttl, now, refresh)
    return _make(make, row, NOT_A_SEARCH)


def do_search(
    cache: StoreCache,
    namespace_prefix: Sequence[str],
    leaves: list[Leaf],
    query: str | None,
    limit: int,
    offset: int,
    refresh_ttl: bool | None,
    qvecs: Mapping[str, np.ndarray],
    refresh: Refresh,
    *,
    now: int,
    omit_before: int | None,
    hnsw: HnswIndex | None,
    make: MakeItem,
) -> list[Any]:
    prefix = ns_text(namespace_prefix) if namespace_prefix else None
    mask, slots = cache.select(prefix, leaves, omit_before)
    hits: list[tuple[int, float | None]]
    qvec = qvecs.get(query) if query else None
    if qvec is not None:
        k = offset + limit
        scored = _vector_hits(cache, qvec, mask, slots, k, unfiltered=not leaves, hnsw=hnsw)
        hits = [(s, score) for s, score in scored[offset:]]
        if len(hits) < limit:
            # Items without vectors (index=False) still match; they come last, unscored.
            with_vecs = {s for s, _ in scored}
            extra = [
                s
                for s in cache.top_by_updated(mask, mask.size, 0, slots)
                if s not in with_vecs and not cache.vec_count[s]
            ]
            hits.extend((s, None) for s in extra[: limit - len(hits)])
    else:
        hits = [(s, None) for s in cache.top_by_updated(mask, limit, offset, slots)]
    cache.read_values([s for s, _ in hits])  # one fetch for the values not yet read
    out: list[Any] = []
    for slot, score in hits:
        row = cache.row(slot)
        if row is None:
            continue
        _note_refresh(row, refresh_ttl, now, refresh)
        out.append(_make(make, row, score))
    return out


def _vector_hits(
    cache: StoreCache,
    qvec: np.ndarray,
    mask: np.ndarray,
    slots: np.ndarray | None,
    k: int,
    *,
    unfiltered: bool,
    hnsw: HnswIndex | None,
) -> list[tuple[int, float]]:
    if hnsw is not None and hnsw.serves(mask, k, unfiltered=unfiltered):
        got = hnsw.hits(cache, qvec, mask, k)
        if got is not None:
            return got
    return cache.vector_search(qvec, mask, k, slots)


def do_list(
    cache: StoreCache,
    conditions: Iterable[tuple[str, Sequence[str]]],
    max_depth: int | None,
    limit: int,
    offset: int,
    *,
    omit_before: int | None,
) -> list[tuple[str, ...]]:
    """The namespaces matching every ``(match_type, path)`` condition, cut at
    ``max_depth``, sorted, one page."""
    names = [ns_tuple(t) for t in cache.namespaces(live_at=omit_before)]
    for match_type, path in conditions:
        names = [n for n in names if _does_match(match_type, tuple(path), n)]
    if max_depth is not None:
        names = [n[:max_depth] for n in names]
    names = sorted(set(names))
    return names[offset : offset + limit]


def _does_match(match_type: str, path: tuple[str, ...], ns: tuple[str, ...]) -> bool:
    if len(ns) < len(path):
        return False
    if match_type == "prefix":
        pairs = zip(ns, path, strict=False)
    elif match_type == "suffix":
        pairs = zip(reversed(ns), reversed(path), strict=False)
    else:
        raise InvalidInputError(f"unsupported namespace match type {match_type!r}")
    return all(p == "*" or n == p for n, p in pairs)


# -- query vectors -------------------------------------------------------------------


def check_vector(vec: Any, dims: int, what: str) -> np.ndarray:
    arr = np.asarray(vec, dtype=np.float64)
    if arr.ndim != 1 or arr.shape[0] != dims:
        got = arr.shape[0] if arr.ndim == 1 else arr.shape
        raise EmbeddingDimensionError(f"{what} has {got} dimensions, the index expects {dims}")
    if not np.all(np.isfinite(arr)):
        raise InvalidVectorError(f"{what} contains NaN or infinite values")
    return arr


def embed_queries(queries: Sequence[str], embeddings: Any) -> dict[str, list[float]]:
    """The vectors of ``queries`` (distinct texts) from the index's embedder."""
    if not queries or embeddings is None:
        return {}
    batch = getattr(embeddings, "embed_queries", None)
    if callable(batch):
        # One call for the whole batch: a model embeds many texts far cheaper together.
        vecs = batch(list(queries))
        if len(vecs) != len(queries):
            raise EmbeddingDimensionError(
                f"the embedder returned {len(vecs)} vectors for {len(queries)} queries"
            )
        return dict(zip(queries, vecs, strict=True))
    return {q: embeddings.embed_query(q) for q in queries}
