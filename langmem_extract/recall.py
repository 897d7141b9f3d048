"""Recall: query planning, filters and the ranking blend over stored memories.

:func:`recall_memories` answers a question with the ``k`` best memories; the LangChain
``MemoryRetriever``, the ``search_memory`` tool, the agent recall hooks and the
``langmem-extract recall`` command all rank through :class:`RecallPlan`, so they agree.

Relevance
---------
``score`` is an absolute relevance: 0 for an unrelated memory, 1 for an exact match, on the
same scale for every query and store, so a fixed floor means the same thing everywhere. It
maps the store's cosine similarity through the embedder's :class:`RelevanceCalibration`, a
clamped linear map between two anchors::

    score = clamp((cosine - unrelated) / (exact - unrelated), 0, 1)

``unrelated`` is the median cosine of a request against memories that do not answer it,
``exact`` the median cosine of a text (as a query) against itself (as a passage).
:data:`CALIBRATIONS` holds the anchors per embedder, fitted by
``benchmarks/relevance_calibration.py`` on a generic hand-written set (E5 cosines sit in a
narrow band, about 0.75 unrelated to 0.95 exact); an embedder may carry its own as a
``relevance_calibration`` attribute; an unknown embedder gets the identity (clamped cosine).
``score_threshold`` drops memories whose score is below it. The plain retriever sets none
(LangChain's top-k); the agent-facing paths default to :data:`DEFAULT_RELEVANCE_FLOOR` and
so return nothing when nothing is relevant.

Ranking
-------
The store's vector search fetches a pool of candidates (``fetch_k``, by default
``max(4 * k, 20)``). By default recall is hybrid (:mod:`langmem_extract.hybrid`): that
dense ranking, the cosines of the evidence turns and a BM25 ranking of the namespace's
memories, each expanded with the turns it cites (:mod:`langmem_extract.recall_index`),
are fused into one score (:mod:`langmem_extract.fusion`), plus a bonus for what the query
asks (:mod:`langmem_extract.query_intent`); a turn no memory covers may come
back as an observation. The fused rank, rescaled to 1 (best) … 0 (last), stands in for
``rel_similarity`` below, and results that only repeat turns cited above move down.
``hybrid=False`` orders the pool by the blend alone (``rank_score``)::

    rank_score = (ws * rel_similarity + wi * importance + wr * recency) / (ws + wi + wr)

with ``weights = (ws, wi, wr)`` (default ``(0.9, 0.07, 0.03)``). ``rel_similarity``
rescales the clamped cosine within the fetched pool: ``(sim - lowest) / (highest -
lowest)``, 1 when all are equal, so importance and recency move a memory only past
others of near-equal similarity whatever the embedder's range. ``importance`` is the
memory's own 0-1 importance, and ``recency = 0.5 ** (age_days / recency_half_life_days)``
where age runs from when the memory's content happened (``event_time``, e.g. the date of
a dated event) or, without one, from when it became valid (``valid_from``).
``weights=(1, 0, 0)`` orders by similarity alone, hence by ``score``. Every result also
carries the store's raw ``similarity``.

Time
----
``since`` and ``until`` take datetimes or ISO 8601 strings (naive means UTC) and bound
``time_field``: ``valid_from`` (default), ``created_at`` or ``event_time`` (when the
memory's content happened; memories without one are left out when a bound is set).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from langmem_extract.errors import InvalidInputError
from langmem_extract.hybrid import HYBRID_POOL, fuse, novel_first, observation_memory, tied_ranks
from langmem_extract.memories import TypeFilter, memory_from_item, parse_memory_types
from langmem_extract.messages import check_text, parse_timestamp
from langmem_extract.namespaces import NamespaceLike, parse_namespace
from langmem_extract.query_intent import QueryIntent
from langmem_extract.recall_index import NamespaceIndex, TurnRecord, index_for
from langmem_extract.schema import DEFAULT_NAMESPACE, Memory, MemoryStatus, MemoryType
from langmem_extract.store_guard import guarded
from langmem_extract.turn_vectors import check_switch, embed_query, embedder_name, turn_cosines

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore, SearchItem

__all__ = [
    "CALIBRATIONS",
    "DEFAULT_HALF_LIFE_DAYS",
    "DEFAULT_RELEVANCE_FLOOR",
    "DEFAULT_WEIGHTS",
    "MAX_RECALL_K",
    "RecallPlan",
    "RecalledMemory",
    "RelevanceCalibration",
    "TimeField",
    "arecall_memories",
    "calibration_for",
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

TimeField = Literal["valid_from", "created_at", "event_time"]
TIME_FIELDS: tuple[str, ...] = ("valid_from", "created_at", "event_time")
TimeLike = datetime | str


@dataclass(frozen=True)
class RelevanceCalibration:
    """Maps an embedder's cosine to a 0-1 relevance (see the module docstring).

    Args:
        unrelated: cosine that maps to 0 (typical of a memory unrelated to the request).
        exact: cosine that maps to 1 (a text against itself).
    """

    unrelated: float
    exact: float

    def __post_init__(self) -> None:
        if not -1.0 <= self.unrelated < self.exact <= 1.0:
            raise InvalidInputError(
                f"calibration needs -1 <= unrelated < exact <= 1, got {self.unrelated!r}, "
                f"{self.exact!r}"
            )

    def __call__(self, cosine: float | None) -> float:
        if cosine is None:
            return 0.0
        return min(max((cosine - self.unrelated) / (self.exact - self.unrelated), 0.0), 1.0)


#: The clamped cosine, for embedders without a fitted calibration.
IDENTITY_CALIBRATION = RelevanceCalibration(unrelated=0.0, exact=1.0)

#: Fitted anchors per embedder (class name, ``:variant`` when it has one). Fitted with
#: ``benchmarks/relevance_calibration.py`` (measured: exact 0.9458, unrelated 0.7552).
CALIBRATIONS: dict[str, RelevanceCalibration] = {
    "E5Embeddings:original": RelevanceCalibration(unrelated=0.755, exact=0.946),
}

#: The agent-facing paths' default ``score_threshold``. On the calibration set it keeps
#: 0.958 of the memories that answer a request and drops 0.951 of unrelated ones (the
#: best balance the benchmark script finds).
DEFAULT_RELEVANCE_FLOOR = 0.2


def calibration_for(store: BaseStore) -> RelevanceCalibration:
    """The relevance calibration for the embedder behind ``store``'s index."""
    embeddings = getattr(store, "embeddings", None)
    own = getattr(embeddings, "relevance_calibration", None)
    if isinstance(own, RelevanceCalibration):
        return own
    variant = getattr(embeddings, "variant", None)
    key = embedder_name(embeddings) + (f":{variant}" if isinstance(variant, str) else "")
    return CALIBRATIONS.get(key, IDENTITY_CALIBRATION)


class RecalledMemory(BaseModel):
    """One recall result.

    ``score`` is the calibrated 0-1 relevance, ``rank_score`` the blend that orders the
    results (see the module docstring); ``similarity`` the store's raw cosine similarity
    to the query (``None`` without a query or an index).
    """

    memory: Memory
    score: float
    rank_score: float = 0.0
    similarity: float | None = None
    observation: bool = False
    """True for a raw turn no memory covers (``memory`` is then built from the turn)."""


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
        since: TimeLike | None = None,
        until: TimeLike | None = None,
        time_field: TimeField = "valid_from",
        score_threshold: float | None = None,
        weights: Sequence[float] = DEFAULT_WEIGHTS,
        recency_half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
        include_superseded: bool = False,
        hybrid: bool = True,
        turn_vectors: bool = True,
    ) -> None:
        check_k(k)
        _check_weights(weights)
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise InvalidInputError(f"min_confidence must be within 0-1, got {min_confidence!r}")
        if time_field not in TIME_FIELDS:
            raise InvalidInputError(f"time_field must be one of {TIME_FIELDS}, got {time_field!r}")
        since, until = _bound("since", since), _bound("until", until)
        if since is not None and until is not None and since > until:
            raise InvalidInputError("since must not be after until")
        if score_threshold is not None and (
            isinstance(score_threshold, bool) or not isinstance(score_threshold, int | float)
        ):
            raise InvalidInputError(f"score_threshold must be a number, got {score_threshold!r}")
        if fetch_k is not None and fetch_k < 1:
            raise InvalidInputError(f"fetch_k must be >= 1, got {fetch_k}")
        if recency_half_life_days <= 0:
            raise InvalidInputError("recency_half_life_days must be > 0")
        self.query = check_text(query, "query").strip() or None
        self.namespace = tuple(namespace)
        self.k = k
        self.hybrid = bool(hybrid)
        self.turn_vectors = check_switch("turn_vectors", turn_vectors)
        self.fetch_k = max(fetch_k or max(4 * k, 20), k)
        self.types = _type_set(types)
        self.category = category
        self.min_confidence = min_confidence
        self.since = since
        self.until = until
        self.time_field: TimeField = time_field
        self.score_threshold = score_threshold
        self.weights = tuple(float(w) for w in weights)
        self.half_life_days = recency_half_life_days
        self.include_superseded = include_superseded
        self.now = datetime.now(UTC)
        self.calibration = IDENTITY_CALIBRATION

    # -- running against a store

    def run(self, store: BaseStore) -> list[RecalledMemory]:
        """The ``k`` best memories in ``store``, best first."""
        self.calibration = calibration_for(store)
        pool: list[tuple[SearchItem, Memory]] = []
        index = index_for(store, self.namespace) if self.hybrid and self.query else None
        vector, scope = self._query_vector(store, index)
        with scope:
            for offset, limit in self.pages():
                page = guarded(store).search(self.namespace, **self.search_args(offset, limit))
                if self.take(page, limit, pool):
                    break
        if index is not None and not index.too_large:
            return self.rank_hybrid(pool, index, vector)
        return self.rank(pool)

    async def arun(self, store: BaseStore) -> list[RecalledMemory]:
        """Async :meth:`run`."""
        self.calibration = calibration_for(store)
        pool: list[tuple[SearchItem, Memory]] = []
        store, index = guarded(store), None
        if self.hybrid and self.query:
            index = await asyncio.to_thread(index_for, store, self.namespace)
        vector, scope = await asyncio.to_thread(self._query_vector, store, index)
        with scope:
            for offset, limit in self.pages():
                page = await store.asearch(self.namespace, **self.search_args(offset, limit))
                if self.take(page, limit, pool):
                    break
        if index is not None and not index.too_large:
            return self.rank_hybrid(pool, index, vector)
        return self.rank(pool)

    # -- the steps

    def _query_vector(self, store: BaseStore, index: NamespaceIndex | None) -> tuple[Any, Any]:
        """The query's vector for the turn ranking (none with turn vectors off) and the scope
        in which the store's search reuses it (:func:`.turn_vectors.embed_query`)."""
        if not self.query:
            return None, nullcontext()
        turns = self.turn_vectors and index is not None and not index.too_large
        vector, scope = embed_query(store, self.query, index if turns else None)
        return (vector if turns else None), scope

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
        if self.since is None and self.until is None:
            return True
        raw = getattr(memory, self.time_field)
        if raw is None:  # no event time: cannot be placed in the window
            return False
        stamp = _aware(raw)
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
            relevance = self.calibration(item.score)
            if self.score_threshold is not None and relevance < self.score_threshold:
                continue
            if pure_similarity:
                blend = sim
            else:
                blend = (ws * rel + wi * memory.importance + wr * self._recency(memory)) / total
            scored.append(
                RecalledMemory(
                    memory=memory, score=relevance, rank_score=blend, similarity=item.score
                )
            )
        # Stable tie-break on id keeps results deterministic across backends.
        scored.sort(key=lambda hit: (-hit.rank_score, -hit.score, hit.memory.id))
        return scored[: self.k]

    def rank_hybrid(
        self,
        pool: Sequence[tuple[SearchItem, Memory]],
        index: NamespaceIndex,
        query_vector: Sequence[float] | None = None,
    ) -> list[RecalledMemory]:
        """Order by the fused rankings (:mod:`langmem_extract.hybrid`; with
        ``query_vector``, the dense ranking of turns too) in place of the pool-relative
        similarity; ``score`` stays the calibrated cosine. A result the dense search did
        not fetch gets the pool's lowest cosine, a bound on its own."""
        assert self.query is not None
        dense = [(memory, item.score) for item, memory in pool]
        bound = min((c for _, c in dense if c is not None), default=None)
        depth = max(2 * self.k, HYBRID_POOL)
        with index.lock:
            turns = turn_cosines(*index.turn_matrix(), query_vector) if query_vector else {}
            fused = fuse(
                self.query, dense, index, self.keep, self._keep_turn(), pool=depth,
                turn_cosines=turns, calibration=self.calibration,
                intent=QueryIntent.of(self.query, self.now),
            )  # fmt: skip
        ws, wi, wr = self.weights
        # By fused rank, not min-max of the fused values: with rank fusion, min-max made
        # the two best near-equal whenever a third came far behind, and importance put
        # "User drinks water" above the exact "User drinks coffee every morning"
        # (tests/integrations/test_retriever_ranking.py).
        relative = _rank_relative([hit.fused for hit in fused])
        rows: list[tuple[float, float, Memory, float | None, bool]] = []  # validated: the k kept
        for hit, rel in zip(fused, relative, strict=True):
            memory = hit.memory or observation_memory(hit.turn, self.namespace)  # type: ignore[arg-type]
            cosine = hit.cosine if hit.cosine is not None else bound
            relevance = self.calibration(cosine)
            if self.score_threshold is not None and relevance < self.score_threshold:
                continue
            blend = (ws * rel + wi * memory.importance + wr * self._recency(memory)) / (
                ws + wi + wr
            )
            rows.append((blend, relevance, memory, cosine, hit.memory is None))
        rows.sort(key=lambda row: (-row[0], -row[1], row[2].id))
        top = novel_first(rows, lambda row: row[2].source_message_ids)[: self.k]
        return [
            RecalledMemory(memory=m, score=rel, rank_score=b, similarity=c, observation=o)
            for b, rel, m, c, o in top
        ]

    def _keep_turn(self) -> Callable[[TurnRecord], bool] | None:
        """Which uncovered turns may come back as observations: none under a memory-only
        filter (type, category, confidence); under a time bound, those said within it."""
        if self.types is not None or self.category is not None or self.min_confidence:
            return None

        def keep(turn: TurnRecord) -> bool:
            if self.since is None and self.until is None:
                return True
            if turn.timestamp is None:
                return False
            stamp = _aware(turn.timestamp)
            return not (
                (self.since is not None and stamp < self.since)
                or (self.until is not None and stamp > self.until)
            )

        return keep

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
    ``recency_half_life_days``, ``turn_vectors``: off ignores the stored turn vectors).

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


def _rank_relative(values: Sequence[float]) -> list[float]:
    """``values`` sorted best first, as ``1 - (rank - 1) / (n - 1)`` with tied ranks: the
    best is 1, the last 0, equal values equal."""
    if len(values) < 2:
        return [1.0] * len(values)
    return [1.0 - (rank - 1) / (len(values) - 1) for rank in tied_ranks(values)]


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


def _bound(name: str, value: Any) -> datetime | None:
    """A ``since``/``until`` value as an aware datetime: a datetime or an ISO string."""
    if value is None:
        return None
    if not isinstance(value, datetime | str) or (isinstance(value, str) and not value.strip()):
        raise InvalidInputError(f"{name} must be a datetime or an ISO 8601 string, got {value!r}")
    return parse_timestamp(value)


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
