"""Reads of a ``DuckDBStore`` batch, answered from the in-process mirror (``StoreCache``).

Vector search is exact: namespace and filters first, then cosine over the survivors,
unless the optional HNSW index (``_hnsw``) serves a large unfiltered search. ``omit_before``
is the time before which expired items are hidden (``None``: expired items are shown).
A read whose op asks for ``refresh_ttl`` records the item's new expiry in ``refresh``;
the batch writes those after its reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import cast

import numpy as np
from langgraph.store.base import GetOp, Item, ListNamespacesOp, MatchCondition, SearchItem, SearchOp

from langmem_extract.errors import InvalidInputError
from langmem_extract.store._duckdb_plan import ns_text, ns_tuple
from langmem_extract.store._filters import Leaf
from langmem_extract.store._hnsw import HnswIndex
from langmem_extract.store._vectors import Row, StoreCache

#: Item -> new expiry (epoch microseconds), for the reads that refresh a TTL.
Refresh = dict[tuple[str, str], int]


def _us_to_dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def make_item(row: Row, score: float | None = None, *, search: bool = False) -> Item:
    value = row.value  # parsed afresh from the mirror's JSON text: the caller's own copy
    ns = ns_tuple(row.prefix)
    created, updated = _us_to_dt(row.created_us), _us_to_dt(row.updated_us)
    if search:
        return SearchItem(ns, row.key, value, created, updated, score)
    return Item(value=value, key=row.key, namespace=ns, created_at=created, updated_at=updated)


def _note_refresh(row: Row, flag: bool | None, now: int, refresh: Refresh) -> None:
    if flag and row.ttl_minutes is not None:
        refresh[(row.prefix, row.key)] = now + int(row.ttl_minutes * 60_000_000)


def read_get_values(cache: StoreCache, ops: Sequence[object]) -> None:
    """Fetch, in one read, the values of every item the batch's ``GetOp``s name (one
    read per op cost a DuckDB query each: a recall prefetching 10 memories paid 10)."""
    slot_of = cache.slot_of
    slots = [slot_of.get((ns_text(op.namespace), op.key)) for op in ops if isinstance(op, GetOp)]
    cache.read_values([s for s in slots if s is not None])


def do_get(
    cache: StoreCache, op: GetOp, refresh: Refresh, *, now: int, omit_before: int | None
) -> Item | None:
    row = cache.get(ns_text(op.namespace), op.key)
    if row is None:
        return None
    if omit_before is not None and row.expires_us is not None and row.expires_us <= omit_before:
        return None
    _note_refresh(row, op.refresh_ttl, now, refresh)
    return make_item(row)


def do_search(
    cache: StoreCache,
    op: SearchOp,
    leaves: list[Leaf],
    qvecs: Mapping[str, np.ndarray],
    refresh: Refresh,
    *,
    now: int,
    omit_before: int | None,
    hnsw: HnswIndex | None,
) -> list[SearchItem]:
    prefix = ns_text(op.namespace_prefix) if op.namespace_prefix else None
    mask, slots = cache.select(prefix, leaves, omit_before)
    hits: list[tuple[int, float | None]]
    qvec = qvecs.get(op.query) if op.query else None
    if qvec is not None:
        k = op.offset + op.limit
        scored = _vector_hits(cache, qvec, mask, slots, k, unfiltered=not leaves, hnsw=hnsw)
        hits = [(s, score) for s, score in scored[op.offset :]]
        if len(hits) < op.limit:
            # Items without vectors (index=False) still match; they come last, unscored.
            with_vecs = {s for s, _ in scored}
            extra = [
                s
                for s in cache.top_by_updated(mask, mask.size, 0, slots)
                if s not in with_vecs and not cache.vec_count[s]
            ]
            hits.extend((s, None) for s in extra[: op.limit - len(hits)])
    else:
        hits = [(s, None) for s in cache.top_by_updated(mask, op.limit, op.offset, slots)]
    cache.read_values([s for s, _ in hits])  # one fetch for the values not yet read
    out: list[SearchItem] = []
    for slot, score in hits:
        row = cache.row(slot)
        if row is None:
            continue
        _note_refresh(row, op.refresh_ttl, now, refresh)
        out.append(cast(SearchItem, make_item(row, score, search=True)))
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
    cache: StoreCache, op: ListNamespacesOp, *, omit_before: int | None
) -> list[tuple[str, ...]]:
    names = [ns_tuple(t) for t in cache.namespaces(live_at=omit_before)]
    for cond in op.match_conditions or ():
        names = [n for n in names if _does_match(cond, n)]
    if op.max_depth is not None:
        names = [n[: op.max_depth] for n in names]
    names = sorted(set(names))
    return names[op.offset : op.offset + op.limit]


def _does_match(cond: MatchCondition, ns: tuple[str, ...]) -> bool:
    path = tuple(cond.path)
    if len(ns) < len(path):
        return False
    if cond.match_type == "prefix":
        pairs = zip(ns, path, strict=False)
    elif cond.match_type == "suffix":
        pairs = zip(reversed(ns), reversed(path), strict=False)
    else:
        raise InvalidInputError(f"unsupported namespace match type {cond.match_type!r}")
    return all(p == "*" or n == p for n, p in pairs)
