"""Recall: query planning, filters and the ranking blend over stored memories.

:func:`recall_memories` answers a question with the ``k`` best memories; the
LangChain ``MemoryRetriever``, the ``search_memory`` tool, the agent recall hooks and
the ``langmem-extract recall`` command all rank through :class:`RecallPlan`, so they
agree.

Ranking
-------
The store's vector search fetches a pool of candidates (``fetch_k``, by default
``max(4 * k, 20)``), which are then re-ranked by a blend::

    score = (ws * rel_similarity + wi * importance + wr * recency) / (ws + wi + wr)

with ``weights = (ws, wi, wr)`` (default ``(0.9, 0.07, 0.03)``). Cosine scores of
sentence embedders sit in a narrow band (E5: roughly 0.75-0.95), so raw similarity
cannot be added to 0-1 importance without importance deciding the order.
``rel_similarity`` therefore rescales the store's cosine score (clamped to ``[0, 1]``)
within the fetched pool: ``(sim - lowest) / (highest - lowest)``, 1 when all are equal.
The best match scores 1, the weakest fetched candidate 0, whatever the embedder's range,
and importance and recency move a memory only past others of near-equal similarity.
``importance`` is the memory's own 0-1 importance, and
``recency = 0.5 ** (age_days / recency_half_life_days)`` where age runs from when the
memory's content happened (``event_time``, e.g. the date of a dated event) or, without
one, from when it became valid (``valid_from``).

When importance and recency both weigh 0 (``weights=(1, 0, 0)``) the ranking is pure
similarity and ``score`` is the raw clamped cosine, so ``score_threshold`` is then a
similarity floor. Otherwise ``score_threshold`` drops memories whose blended score is
below it. Every result also carries the store's raw ``similarity``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from langgraph.store.base import BaseStore, SearchItem
from pydantic import BaseModel

from langmem_extract.errors import InvalidInputError
from langmem_extract.memories import TypeFilter, memory_from_item, parse_memory_types
from langmem_extract.namespaces import NamespaceLike, parse_namespace
from langmem_extract.schema import DEFAULT_NAMESPACE, Memory, MemoryStatus, MemoryType

__all__ = [
    "DEFAULT_HALF_LIFE_DAYS",
    "DEFAULT_WEIGHTS",
    "MAX_RECALL_K",
    "RecallPlan",
    "RecalledMemory",
    "TimeField",
    "arecall_memories",
    "recall_memories",
]

logger = logging.getLogger(__name__)

DEFAULT_WEIGHTS: tuple[float, float, float] = (0.9, 0.07, 0.03)
DEFAULT_HALF_LIFE_DAYS = 30.0
#: Upper bound on ``k`` for :func:`recall_memories`.
MAX_RECALL_K = 100
# Pages of fetch_k, 2, 4 and 8 × fetch_k: at most 15 × fetch_k items read per query
# when Python-side filters reject many.
_MAX_SCAN_FACTOR = 15
_SECONDS_PER_DAY = 86_400.0

TimeField = Literal["valid_from", "created_at"]


class RecalledMemory(BaseModel):
    """One recall result.

    ``score`` is the blended rank score (see the module docstring); ``similarity`` the
    store's raw cosine similarity to the query (``None`` without a query or an index).
    """

    memory: Memory
    score: float
    similarity: float | None = None


class RecallPlan:
    """One query's checked options: the store filter, the Python-side filters and ranking.

    Every option is checked here, so a bad one raises a typed
    :class:`~langmem_extract.errors.InvalidInputError` before the store is touched.
    ``namespace`` is searched as a prefix and must already be resolved and valid.
    An empty ``query`` lists the namespace (every similarity is then ``None``).
    """

    def __init__(
        self,
        query: str,
        namespace: Sequence[str] = DEFAULT_NAMESPACE,
        *,
        k: int = 4,
        fetch_k: int | None = None,
        types: TypeFilter = None,
        category: str | None = None,
        min_confidence: float | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        time_field: TimeField = "valid_from",
        score_threshold: float | None = None,
        weights: Sequence[float] = DEFAULT_WEIGHTS,
        recency_half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
        include_superseded: bool = False,
    ) -> None:
        check_k(k)
        _check_weights(weights)
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise InvalidInputError(f"min_confidence must be within 0-1, got {min_confidence!r}")
        if time_field not in ("valid_from", "created_at"):
            raise InvalidInputError("time_field must be 'valid_from' or 'created_at'")
        if since is not None and until is not None and _aware(since) > _aware(until):
            raise InvalidInputError("since must not be after until")
        if fetch_k is not None and fetch_k < 1:
            raise InvalidInputError(f"fetch_k must be >= 1, got {fetch_k}")
        if recency_half_life_days <= 0:
            raise InvalidInputError("recency_half_life_days must be > 0")
        self.query = query.strip() or None
        self.namespace = tuple(namespace)
        self.k = k
        self.fetch_k = max(fetch_k or max(4 * k, 20), k)
        self.types = _type_set(types)
        self.category = category
        self.min_confidence = min_confidence
        self.since = _aware(since) if since is not None else None
        self.until = _aware(until) if until is not None else None
        self.time_field: TimeField = time_field
        self.score_threshold = score_threshold
        self.weights = tuple(float(w) for w in weights)
        self.half_life_days = recency_half_life_days
        self.include_superseded = include_superseded
        self.now = datetime.now(UTC)

    # -- running against a store

    def run(self, store: BaseStore) -> list[RecalledMemory]:
        """The ``k`` best memories in ``store``, best first."""
        pool: list[tuple[SearchItem, Memory]] = []
        for offset, limit in self.pages():
            page = store.search(self.namespace, **self.search_args(offset, limit))
            if self.take(page, limit, pool):
                break
        return self.rank(pool)

    async def arun(self, store: BaseStore) -> list[RecalledMemory]:
        """Async :meth:`run`."""
        pool: list[tuple[SearchItem, Memory]] = []
        for offset, limit in self.pages():
            page = await store.asearch(self.namespace, **self.search_args(offset, limit))
            if self.take(page, limit, pool):
                break
        return self.rank(pool)

    # -- the steps

    def store_filter(self) -> dict[str, Any]:
        # Only operators every LangGraph store supports ($eq, $gte) are pushed down;
        # multi-type and time filters run in Python on the fetched pool.
        flt: dict[str, Any] = {}
        if not self.include_superseded:
            flt["status"] = MemoryStatus.ACTIVE.value
        if self.category is not None:
            flt["category"] = self.category
        if self.types is not None and len(self.types) == 1:
            flt["type"] = next(iter(self.types)).value
        if self.min_confidence is not None:
            flt["confidence"] = {"$gte": float(self.min_confidence)}
        return flt

    def search_args(self, offset: int, limit: int) -> dict[str, Any]:
        return {
            "query": self.query,
            "filter": self.store_filter() or None,
            "limit": limit,
            "offset": offset,
        }

    def pages(self) -> Iterator[tuple[int, int]]:
        # Pages double in size: each page re-embeds the query, so few pages are cheaper.
        offset, size = 0, self.fetch_k
        while offset + size <= self.fetch_k * _MAX_SCAN_FACTOR:
            yield offset, size
            offset += size
            size *= 2

    def take(
        self, page: Sequence[SearchItem], limit: int, pool: list[tuple[SearchItem, Memory]]
    ) -> bool:
        """Add the page's matches to ``pool``; True when no more pages are needed."""
        for item in page:
            memory = _as_memory(item)
            if memory is not None and self.keep(memory):
                pool.append((item, memory))
        return len(page) < limit or len(pool) >= self.fetch_k

    def keep(self, memory: Memory) -> bool:
        """Whether ``memory`` passes every filter."""
        if memory.status == MemoryStatus.FORGOTTEN:
            return False
        if not self.include_superseded and memory.status != MemoryStatus.ACTIVE:
            return False
        if self.types is not None and memory.type not in self.types:
            return False
        if self.category is not None and memory.category != self.category:
            return False
        if self.min_confidence is not None and memory.confidence < self.min_confidence:
            return False
        stamp = _aware(getattr(memory, self.time_field))
        if self.since is not None and stamp < self.since:
            return False
        return not (self.until is not None and stamp > self.until)

    def rank(self, pool: Sequence[tuple[SearchItem, Memory]]) -> list[RecalledMemory]:
        ws, wi, wr = self.weights
        total = ws + wi + wr
        sims = [_clamped(item.score) for item, _ in pool]
        relative = _pool_relative(sims)
        pure_similarity = wi == 0.0 and wr == 0.0
        scored: list[RecalledMemory] = []
        for (item, memory), sim, rel in zip(pool, sims, relative, strict=True):
            if pure_similarity:
                score = sim
            else:
                score = (ws * rel + wi * memory.importance + wr * self._recency(memory)) / total
            if self.score_threshold is not None and score < self.score_threshold:
                continue
            scored.append(RecalledMemory(memory=memory, score=score, similarity=item.score))
        # Stable tie-break on id keeps results deterministic across backends.
        scored.sort(key=lambda hit: (-hit.score, hit.memory.id))
        return scored[: self.k]

    def _recency(self, memory: Memory) -> float:
        # Event time, not ingest time: a memory of last year's trip ingested today is old.
        stamp = memory.event_time or memory.valid_from
        age = (self.now - _aware(stamp)).total_seconds()
        return 0.5 ** (max(age, 0.0) / _SECONDS_PER_DAY / self.half_life_days)


def recall_memories(
    store: BaseStore,
    query: str,
    namespace_prefix: NamespaceLike | None = None,
    *,
    k: int = 5,
    type: TypeFilter = None,
    category: str | None = None,
    min_confidence: float | None = None,
    include_superseded: bool = False,
    **options: Any,
) -> list[RecalledMemory]:
    """The ``k`` best memories for ``query`` under ``namespace_prefix``, best first.

    ``namespace_prefix`` takes ``"a/b"`` text or a tuple and defaults to the namespace
    unscoped extraction writes to (``memories/_shared``); for a user's memories pass
    ``namespaces.default_namespace(user_id)``; ``type`` one type, a comma-separated string or
    several. ``options`` are the other :class:`RecallPlan` options (``weights``,
    ``since``, ``until``, ``time_field``, ``score_threshold``, ``fetch_k``,
    ``recency_half_life_days``).

    Raises:
        InvalidInputError: an empty query, ``k`` outside 1-:data:`MAX_RECALL_K`, or a
            bad option.
    """
    return _checked_plan(
        query, namespace_prefix, k, type, category, min_confidence, include_superseded, options
    ).run(store)


async def arecall_memories(
    store: BaseStore,
    query: str,
    namespace_prefix: NamespaceLike | None = None,
    *,
    k: int = 5,
    type: TypeFilter = None,
    category: str | None = None,
    min_confidence: float | None = None,
    include_superseded: bool = False,
    **options: Any,
) -> list[RecalledMemory]:
    """Async :func:`recall_memories`."""
    plan = _checked_plan(
        query, namespace_prefix, k, type, category, min_confidence, include_superseded, options
    )
    return await plan.arun(store)


def _checked_plan(
    query: str,
    namespace_prefix: NamespaceLike | None,
    k: int,
    types: TypeFilter,
    category: str | None,
    min_confidence: float | None,
    include_superseded: bool,
    options: dict[str, Any],
) -> RecallPlan:
    if not isinstance(query, str) or not query.strip():
        raise InvalidInputError("recall query is empty")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_RECALL_K:
        raise InvalidInputError(f"k must be between 1 and {MAX_RECALL_K}, got {k!r}")
    prefix = parse_namespace(namespace_prefix) if namespace_prefix else DEFAULT_NAMESPACE
    return RecallPlan(
        query,
        prefix,
        k=k,
        types=parse_memory_types(types) or None,
        category=category or None,
        min_confidence=min_confidence,
        include_superseded=include_superseded,
        **options,
    )


# --------------------------------------------------------------------------- checks


def check_k(k: Any) -> None:
    """``k`` must be a positive ``int`` (``True`` and ``1.5`` are refused)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidInputError(f"k must be a positive integer, got {k!r}")


def _check_weights(weights: Any) -> None:
    if (
        isinstance(weights, str)
        or not isinstance(weights, Iterable)
        or len(weights := tuple(weights)) != 3
        or any(not isinstance(w, int | float) or w < 0 for w in weights)
        or sum(weights) <= 0
    ):
        raise InvalidInputError(
            f"weights must be three non-negative numbers (similarity, importance, recency) "
            f"with a positive sum, got {weights!r}"
        )


def _type_set(types: TypeFilter) -> frozenset[MemoryType] | None:
    if types is None:
        return None
    parsed = parse_memory_types(types)
    if not parsed:
        raise InvalidInputError("types must name at least one memory type")
    return frozenset(parsed)


# --------------------------------------------------------------------------- helpers


def _clamped(similarity: float | None) -> float:
    return min(max(similarity, 0.0), 1.0) if similarity is not None else 0.0


def _pool_relative(sims: Sequence[float]) -> list[float]:
    """Min-max rescale within the pool: embedder-independent, best match = 1."""
    if not sims:
        return []
    lo, hi = min(sims), max(sims)
    if hi - lo <= 1e-9:
        return [1.0] * len(sims)
    return [(s - lo) / (hi - lo) for s in sims]


def _as_memory(item: SearchItem) -> Memory | None:
    try:
        return memory_from_item(item)
    except Exception:  # a foreign item in the namespace is not a memory
        logger.debug("skipping non-memory item %s/%s", item.namespace, item.key)
        return None


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
