"""``MemoryRetriever``: a LangChain ``BaseRetriever`` over memories in a LangGraph store.

A thin face over :mod:`langmem_extract.recall`, which plans the query, filters and
ranks (the ranking blend is documented there). This module resolves the namespace
template from the run config, takes per-call overrides, and turns each
:class:`~langmem_extract.recall.RecalledMemory` into a ``Document`` whose metadata
carries the memory's fields, its blended ``score`` and the raw ``similarity``.
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
from pydantic import ConfigDict, PrivateAttr, ValidationError

from langmem_extract.errors import InvalidInputError
from langmem_extract.memories import parse_memory_types
from langmem_extract.namespaces import (
    is_template,
    parse_namespace,
    resolve_namespace,
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
    time_field: TimeField = "valid_from"
    """Which timestamp ``since``/``until`` bound."""
    score_threshold: float | None = None
    weights: tuple[float, float, float] = DEFAULT_WEIGHTS
    """(similarity, importance, recency)."""
    recency_half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    include_superseded: bool = False

    _templated: bool = PrivateAttr(default=False)

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

    def _namespace(
        self, configurable: Mapping[str, Any] | None, overrides: Mapping[str, Any]
    ) -> tuple[str, ...]:
        if not self._templated:
            return tuple(self.namespace)
        user_id = overrides.get("user_id", self.user_id)
        return resolve_namespace(
            self.namespace, {"configurable": configurable or {}}, user_id=user_id
        )

    def _plan(
        self, query: str, namespace: tuple[str, ...], overrides: Mapping[str, Any]
    ) -> RecallPlan:
        opts = self._options(overrides)
        del opts["user_id"]
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
            "status": memory.status.value,
            "namespace": list(memory.namespace),
            "score": hit.score,
            "similarity": hit.similarity,
        },
    )


def _iso(stamp: datetime | None) -> str | None:
    return stamp.isoformat() if stamp is not None else None
