"""``MemoryRetriever``: a LangChain ``BaseRetriever`` over memories in a LangGraph store.

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
similarity floor. Otherwise ``score_threshold`` drops documents whose blended score is
below it. Every document's metadata also carries the raw ``similarity``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig, ensure_config
from langgraph.store.base import BaseStore, SearchItem
from pydantic import ConfigDict, PrivateAttr

from langmem_extract.errors import InvalidInputError, UnknownExtractionTypeError
from langmem_extract.namespaces import (
    is_template,
    resolve_namespace,
    validate_namespace,
)
from langmem_extract.schema import DEFAULT_NAMESPACE, Memory, MemoryStatus, MemoryType

logger = logging.getLogger(__name__)

DEFAULT_WEIGHTS: tuple[float, float, float] = (0.9, 0.07, 0.03)
DEFAULT_HALF_LIFE_DAYS = 30.0
# Pages of fetch_k, 2, 4 and 8 × fetch_k: at most 15 × fetch_k items read per query
# when Python-side filters reject many.
_MAX_SCAN_FACTOR = 15
_SECONDS_PER_DAY = 86_400.0

#: Keyword arguments ``invoke``/``ainvoke`` accept to override a field for one call.
OVERRIDABLE = frozenset(
    {
        "k",
        "types",
        "category",
        "min_confidence",
        "since",
        "until",
        "time_field",
        "score_threshold",
        "include_superseded",
        "weights",
        "user_id",
    }
)


class MemoryRetriever(BaseRetriever):
    """Retrieve stored memories as ``Document`` objects, re-ranked by a weighted blend.

    Example::

        retriever = MemoryRetriever(store=store, namespace=("memories", "{user_id}"), k=5)
        docs = retriever.invoke("what do I eat?", config={"configurable": {"user_id": "u1"}})
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: BaseStore
    namespace: tuple[str, ...] = DEFAULT_NAMESPACE
    """Namespace (prefix) to search; may be a template such as ``("memories", "{user_id}")``."""
    user_id: str | None = None
    """Fills ``{user_id}`` when the run config does not."""
    k: int = 4
    fetch_k: int | None = None
    """Candidates fetched before re-ranking; default ``max(4 * k, 20)``."""
    types: Sequence[MemoryType | str] | MemoryType | str | None = None
    category: str | None = None
    min_confidence: float | None = None
    since: datetime | None = None
    until: datetime | None = None
    time_field: Literal["valid_from", "created_at"] = "valid_from"
    """Which timestamp ``since``/``until`` bound."""
    score_threshold: float | None = None
    weights: tuple[float, float, float] = DEFAULT_WEIGHTS
    """(similarity, importance, recency)."""
    recency_half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    include_superseded: bool = False

    _templated: bool = PrivateAttr(default=False)

    def __init__(self, **data: Any) -> None:
        if "k" in data:
            _check_k(data["k"])
        super().__init__(**data)
        # Checked after pydantic so callers get our typed errors, not a ValidationError.
        _check_options(self._options({}))
        if self.fetch_k is not None and self.fetch_k < 1:
            raise InvalidInputError(f"fetch_k must be >= 1, got {self.fetch_k}")
        if self.recency_half_life_days <= 0:
            raise InvalidInputError("recency_half_life_days must be > 0")
        self._templated = is_template(self.namespace)
        if not self._templated:
            validate_namespace(self.namespace)

    # -- public entry points: forward the run's configurable for namespace templates --

    def invoke(
        self, input: str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> list[Document]:
        config = ensure_config(config)
        kwargs.setdefault("configurable", dict(config.get("configurable") or {}))
        return super().invoke(input, config, **kwargs)

    async def ainvoke(
        self, input: str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> list[Document]:
        config = ensure_config(config)
        kwargs.setdefault("configurable", dict(config.get("configurable") or {}))
        return await super().ainvoke(input, config, **kwargs)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        configurable: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> list[Document]:
        plan = self._plan(query, configurable, overrides)
        items = _collect(
            plan, lambda off, lim: self.store.search(plan.namespace, **plan.search_args(off, lim))
        )
        return plan.rank(items)

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        configurable: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> list[Document]:
        plan = self._plan(query, configurable, overrides)
        pool: list[tuple[SearchItem, Memory]] = []
        for offset, limit in plan.pages():
            page = await self.store.asearch(plan.namespace, **plan.search_args(offset, limit))
            if plan.take(page, limit, pool):
                break
        return plan.rank(pool)

    # -- helpers --

    def _options(self, overrides: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(overrides) - OVERRIDABLE - {"verbose"}
        if unknown:
            raise InvalidInputError(
                f"unknown MemoryRetriever option(s) {sorted(unknown)}; "
                f"allowed: {sorted(OVERRIDABLE)}"
            )
        opts = {name: getattr(self, name) for name in OVERRIDABLE}
        opts.update({k: v for k, v in overrides.items() if k in OVERRIDABLE})
        return opts

    def _plan(
        self, query: str, configurable: Mapping[str, Any] | None, overrides: Mapping[str, Any]
    ) -> _Plan:
        opts = self._options(overrides)
        types = _check_options(opts)
        if self._templated:
            namespace = resolve_namespace(
                self.namespace, {"configurable": configurable or {}}, user_id=opts["user_id"]
            )
        else:
            namespace = tuple(self.namespace)
        k = opts["k"]
        fetch_k = max(self.fetch_k or max(4 * k, 20), k)
        return _Plan(
            query=query,
            namespace=namespace,
            k=k,
            fetch_k=fetch_k,
            types=types,
            opts=opts,
            half_life_days=self.recency_half_life_days,
        )


class _Plan:
    """One query's resolved options: store filter, Python-side filters and ranking."""

    def __init__(
        self,
        *,
        query: str,
        namespace: tuple[str, ...],
        k: int,
        fetch_k: int,
        types: frozenset[MemoryType] | None,
        opts: Mapping[str, Any],
        half_life_days: float,
    ) -> None:
        self.query = query.strip() or None
        self.namespace = namespace
        self.k = k
        self.fetch_k = fetch_k
        self.types = types
        self.opts = opts
        self.half_life_days = half_life_days
        self.now = datetime.now(UTC)

    def store_filter(self) -> dict[str, Any]:
        # Only operators every LangGraph store supports ($eq, $gte) are pushed down;
        # multi-type and time filters run in Python on the fetched pool.
        flt: dict[str, Any] = {}
        if not self.opts["include_superseded"]:
            flt["status"] = MemoryStatus.ACTIVE.value
        if self.opts["category"] is not None:
            flt["category"] = self.opts["category"]
        if self.types is not None and len(self.types) == 1:
            flt["type"] = next(iter(self.types)).value
        if self.opts["min_confidence"] is not None:
            flt["confidence"] = {"$gte": float(self.opts["min_confidence"])}
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
            if memory is not None and self._keep(memory):
                pool.append((item, memory))
        return len(page) < limit or len(pool) >= self.fetch_k

    def _keep(self, memory: Memory) -> bool:
        opts = self.opts
        if not opts["include_superseded"] and memory.status != MemoryStatus.ACTIVE:
            return False
        if self.types is not None and memory.type not in self.types:
            return False
        if opts["category"] is not None and memory.category != opts["category"]:
            return False
        if opts["min_confidence"] is not None and memory.confidence < opts["min_confidence"]:
            return False
        stamp = _aware(getattr(memory, opts["time_field"]))
        if opts["since"] is not None and stamp < _aware(opts["since"]):
            return False
        return not (opts["until"] is not None and stamp > _aware(opts["until"]))

    def rank(self, pool: Sequence[tuple[SearchItem, Memory]]) -> list[Document]:
        ws, wi, wr = (float(w) for w in self.opts["weights"])
        total = ws + wi + wr
        threshold = self.opts["score_threshold"]
        sims = [_clamped(item.score) for item, _ in pool]
        relative = _pool_relative(sims)
        pure_similarity = wi == 0.0 and wr == 0.0
        scored: list[tuple[float, float | None, Memory, SearchItem]] = []
        for (item, memory), sim, rel in zip(pool, sims, relative, strict=True):
            if pure_similarity:
                score = sim
            else:
                score = (ws * rel + wi * memory.importance + wr * self._recency(memory)) / total
            if threshold is not None and score < threshold:
                continue
            scored.append((score, item.score, memory, item))
        # Stable tie-break on id keeps results deterministic across backends.
        scored.sort(key=lambda row: (-row[0], row[2].id))
        return [_document(m, item, score, sim) for score, sim, m, item in scored[: self.k]]

    def _recency(self, memory: Memory) -> float:
        # Event time, not ingest time: a memory of last year's trip ingested today is old.
        stamp = memory.event_time or memory.valid_from
        age = (self.now - _aware(stamp)).total_seconds()
        return 0.5 ** (max(age, 0.0) / _SECONDS_PER_DAY / self.half_life_days)


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


def _collect(plan: _Plan, search: Any) -> list[tuple[SearchItem, Memory]]:
    pool: list[tuple[SearchItem, Memory]] = []
    for offset, limit in plan.pages():
        if plan.take(search(offset, limit), limit, pool):
            break
    return pool


def _check_k(k: Any) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidInputError(f"k must be a positive integer, got {k!r}")


def _check_options(opts: Mapping[str, Any]) -> frozenset[MemoryType] | None:
    _check_k(opts["k"])
    weights = opts["weights"]
    if (
        len(weights) != 3
        or any(not isinstance(w, int | float) or w < 0 for w in weights)
        or sum(weights) <= 0
    ):
        raise InvalidInputError(
            f"weights must be three non-negative numbers (similarity, importance, recency) "
            f"with a positive sum, got {weights!r}"
        )
    conf = opts["min_confidence"]
    if conf is not None and not 0.0 <= conf <= 1.0:
        raise InvalidInputError(f"min_confidence must be within 0-1, got {conf!r}")
    if opts["time_field"] not in ("valid_from", "created_at"):
        raise InvalidInputError("time_field must be 'valid_from' or 'created_at'")
    since, until = opts["since"], opts["until"]
    if since is not None and until is not None and _aware(since) > _aware(until):
        raise InvalidInputError("since must not be after until")
    return _memory_types(opts["types"])


def _memory_types(types: Any) -> frozenset[MemoryType] | None:
    if types is None:
        return None
    raw = [types] if isinstance(types, str) else list(types)
    out: set[MemoryType] = set()
    for value in raw:
        try:
            out.add(MemoryType(value))
        except ValueError:
            raise UnknownExtractionTypeError(
                f"unknown memory type {value!r}; expected one of {[t.value for t in MemoryType]}"
            ) from None
    if not out:
        raise InvalidInputError("types must name at least one memory type")
    return frozenset(out)


def _as_memory(item: SearchItem) -> Memory | None:
    try:
        return Memory.from_item(item)
    except Exception:  # a foreign item in the namespace is not a memory
        logger.debug("skipping non-memory item %s/%s", item.namespace, item.key)
        return None


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _iso(stamp: datetime | None) -> str | None:
    return stamp.isoformat() if stamp is not None else None


def _document(memory: Memory, item: SearchItem, score: float, similarity: float | None) -> Document:
    return Document(
        id=memory.id,
        page_content=memory.content,
        metadata={
            "id": memory.id,
            "type": memory.type.value,
            "category": memory.category,
            "confidence": memory.confidence,
            "importance": memory.importance,
            "source_message_ids": list(memory.source_message_ids),
            "created_at": _iso(memory.created_at),
            "valid_from": _iso(memory.valid_from),
            "valid_to": _iso(memory.valid_to),
            "status": memory.status.value,
            "namespace": list(item.namespace),
            "score": score,
            "similarity": similarity,
        },
    )
