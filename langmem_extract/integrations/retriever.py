"""``MemoryRetriever``: a LangChain ``BaseRetriever`` over memories in a LangGraph store.

A thin face over :mod:`langmem_extract.recall`, which plans the query, filters and
ranks (the ranking blend is documented there). This module resolves the namespace
template from the run config, takes per-call overrides, and turns each
:class:`~langmem_extract.recall.RecalledMemory` into a ``Document`` whose metadata
carries the memory's fields, its calibrated 0-1 relevance ``score``, the blended
``rank_score`` that orders the results, and the raw ``similarity``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig, ensure_config
from langgraph.store.base import BaseStore
from pydantic import ConfigDict, PrivateAttr, ValidationError, field_validator

from langmem_extract.errors import InvalidInputError, ScopeError
from langmem_extract.memories import parse_memory_types
from langmem_extract.messages import parse_timestamp
from langmem_extract.namespaces import (
    parse_namespace,
    scope_id,
    scoped_namespace,
    template_fields,
    validate_namespace,
)
from langmem_extract.recall import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_WEIGHTS,
    RecalledMemory,
    RecallPlan,
    TimeField,
    check_k,
)
from langmem_extract.schema import DEFAULT_NAMESPACE, MemoryType

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
        "hybrid",
        "turn_vectors",
        "weights",
        "user_id",
        "agent_id",
    }
)


class MemoryRetriever(BaseRetriever):
    """Retrieve stored memories as ``Document`` objects, re-ranked by a weighted blend.

    ``metadata["score"]`` is the calibrated relevance (0 unrelated, 1 exact match); set
    ``score_threshold`` to return only memories at least that relevant.

    Example::

        retriever = MemoryRetriever(store=store, namespace=("memories", "{user_id}"), k=5)
        docs = retriever.invoke("what do I eat?", config={"configurable": {"user_id": "u1"}})
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: BaseStore
    namespace: tuple[str, ...] | None = None
    """Namespace (prefix) to search; may be a template such as ``("memories", "{user_id}")``.
    ``None``: the scope of ``user_id`` / ``agent_id`` (given here, per call, or in the run
    config), see :func:`~langmem_extract.namespaces.scoped_namespace`."""
    user_id: str | None = None
    """Scopes the default namespace, or fills ``{user_id}``; a fixed namespace (or a
    template without ``{user_id}``) cannot apply it, so giving one raises ``ScopeError``."""
    agent_id: str | None = None
    """Like ``user_id``, for ``("memories", "_agent", agent_id)`` and ``{agent_id}``."""
    k: int = 4
    fetch_k: int | None = None
    """Candidates fetched before re-ranking; default ``max(4 * k, 20)``."""
    types: Sequence[MemoryType | str] | MemoryType | str | None = None
    category: str | None = None
    min_confidence: float | None = None
    since: datetime | str | None = None
    """Lower time bound: a datetime or an ISO 8601 string (naive means UTC)."""
    until: datetime | str | None = None
    time_field: TimeField = "valid_from"
    """Which timestamp ``since``/``until`` bound: ``valid_from``, ``created_at`` or
    ``event_time``."""
    score_threshold: float | None = None
    """Drop documents whose calibrated relevance ``score`` (0-1) is lower; ``None`` keeps
    LangChain's top-k."""
    weights: tuple[float, float, float] = DEFAULT_WEIGHTS
    """(similarity, importance, recency)."""
    recency_half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    include_superseded: bool = False
    hybrid: bool = True
    """Fuse dense and BM25 rankings over memories with the evidence turns in the message
    log (:mod:`langmem_extract.hybrid`); ``False``: the store's dense ranking alone."""
    turn_vectors: bool = True
    """Rank the evidence turns densely by their stored vectors
    (:mod:`langmem_extract.turn_vectors`); ``False`` ignores them (lexical evidence only)."""

    _templated: bool = PrivateAttr(default=False)

    @field_validator("since", "until", mode="before")
    @classmethod
    def _stamp(cls, value: Any) -> datetime | None:
        # The one timestamp parser, so bounds match every other entry point.
        return parse_timestamp(value)

    def __init__(self, **data: Any) -> None:
        if "k" in data:
            check_k(data["k"])
        if isinstance(data.get("namespace"), str):  # "memories/{user_id}" text form
            data["namespace"] = parse_namespace(data["namespace"])
        if data.get("types") is not None:
            parse_memory_types(data["types"])  # a typed error naming the bad type
        if "store" in data and not isinstance(data["store"], BaseStore):
            raise InvalidInputError(
                f"store must be a LangGraph BaseStore, got {type(data['store']).__name__}; "
                "open a path or URL with open_store(...)"
            )
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise InvalidInputError(f"MemoryRetriever: {field_error(exc)}") from None
        # Checked after pydantic so callers get our typed errors, not a ValidationError.
        self._plan("", DEFAULT_NAMESPACE, {})
        if self.namespace is not None:
            self._templated = bool(template_fields(self.namespace))
            if not self._templated:
                validate_namespace(self.namespace)
        self._check_scope({"user_id": self.user_id, "agent_id": self.agent_id})

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
        plan = self._plan(query, self._namespace(configurable, overrides), overrides)
        return [memory_document(hit) for hit in plan.run(self.store)]

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        configurable: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> list[Document]:
        plan = self._plan(query, self._namespace(configurable, overrides), overrides)
        return [memory_document(hit) for hit in await plan.arun(self.store)]

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

    def _check_scope(self, ids: Mapping[str, Any]) -> None:
        """A user/agent id this retriever's namespace cannot apply raises, never is ignored."""
        fields = template_fields(self.namespace) if self.namespace is not None else None
        for name, value in ids.items():
            if value is None:
                continue
            if fields is None:
                scope_id(name, value)
            elif name not in fields:
                raise ScopeError(
                    f"{name}={value!r} cannot scope the namespace {tuple(self.namespace)!r}, "
                    f"which has no {{{name}}} field; omit namespace to scope by {name}, "
                    f"or use a template such as ('memories', '{{{name}}}')"
                )

    def _namespace(
        self, configurable: Mapping[str, Any] | None, overrides: Mapping[str, Any]
    ) -> tuple[str, ...]:
        self._check_scope({n: overrides[n] for n in ("user_id", "agent_id") if n in overrides})
        if self.namespace is not None and not self._templated:
            return tuple(self.namespace)
        ids = {n: overrides.get(n, getattr(self, n)) for n in ("user_id", "agent_id")}
        return scoped_namespace(self.namespace, {"configurable": configurable or {}}, **ids)

    def _plan(
        self, query: str, namespace: tuple[str, ...], overrides: Mapping[str, Any]
    ) -> RecallPlan:
        opts = self._options(overrides)
        del opts["user_id"], opts["agent_id"]
        return RecallPlan(
            query,
            namespace,
            fetch_k=self.fetch_k,
            recency_half_life_days=self.recency_half_life_days,
            **opts,
        )


def field_error(exc: ValidationError) -> str:
    """The first problem of a pydantic ``ValidationError`` in one line."""
    err = exc.errors()[0]
    loc = err.get("loc") or ("value",)
    where = str(loc[0])  # the field; deeper parts name pydantic's union branches
    return f"{where}: {err.get('msg', 'invalid')}, got {err.get('input')!r}"


def memory_document(hit: RecalledMemory) -> Document:
    """A recall result as a ``Document``: the memory's content, its fields as metadata."""
    memory = hit.memory
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
            "event_time": _iso(memory.event_time),
            "status": memory.status.value,
            "namespace": list(memory.namespace),
            "score": hit.score,
            "rank_score": hit.rank_score,
            "similarity": hit.similarity,
            "kind": memory.kind.value,
            "observation": hit.observation,
        },
    )


def _iso(stamp: datetime | None) -> str | None:
    return stamp.isoformat() if stamp is not None else None
