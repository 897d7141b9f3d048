"""LangChain tools over a memory namespace: ``search_memory``, ``remember`` and ``forget``.

The namespace may be a template filled from the run config at call time::

    tools = create_memory_tools(store, ("memories", "{user_id}"))
    agent.invoke(inputs, config={"configurable": {"user_id": "u1"}})

``search_memory`` ranks through :mod:`langmem_extract.recall`. ``remember`` runs the
memory graph on the given memory, so it is redacted, deduplicated (the same fact again
reinforces the stored memory), superseded on a changed ``attribute`` and written under
the namespace lock like an extracted one. ``forget`` leaves a tombstone through
:func:`~langmem_extract.memories.forget_memory`. Every change records the run's
``user_id`` / ``agent_id`` and ``via="tool"`` in the memory's history.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import uuid
from collections.abc import Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, StructuredTool
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore
from pydantic import BaseModel, Field

from langmem_extract.errors import InvalidInputError, MemoryNotFoundError
from langmem_extract.graph.builder import build_memory_graph
from langmem_extract.graph.state import MemoryGraphInput
from langmem_extract.memories import forget_memory
from langmem_extract.namespaces import (
    parse_namespace,
    scoped_namespace,
    template_fields,
    validate_namespace,
)
from langmem_extract.recall import DEFAULT_RELEVANCE_FLOOR, RecalledMemory, RecallPlan
from langmem_extract.schema import (
    Candidate,
    ExtractionResult,
    MemoryType,
    Provenance,
    make_title,
)

#: ``None``: the run's ``user_id`` / ``agent_id`` scope the namespace (namespaces.py).
DEFAULT_TOOL_NAMESPACE: tuple[str, ...] | None = None
REMEMBER_SOURCE = "tool:remember"

SEARCH_DESCRIPTION = (
    "Search long-term memory about the user (preferences, facts, instructions, goals). "
    "Use it before answering questions that depend on what you know about the user. "
    "Returns a JSON list of memories with id, type, content and score."
)
REMEMBER_DESCRIPTION = (
    "Store one durable fact, preference, instruction or goal about the user in long-term "
    "memory, written as a short standalone sentence such as 'User is vegetarian.'. "
    "For a fact that can change (where they live, their job, their diet), also give "
    "attribute and value: a new value replaces the old memory. Returns the memory id."
)
FORGET_DESCRIPTION = (
    "Delete one memory by id (ids come from search_memory). Use it when the user asks you "
    "to forget something."
)


class SearchMemoryInput(BaseModel):
    query: str = Field(description="What to look for, in natural language.")
    limit: int = Field(default=5, ge=1, le=50, description="How many memories to return.")


class RememberInput(BaseModel):
    content: str = Field(min_length=1, description="The memory, as one standalone sentence.")
    type: MemoryType = Field(default=MemoryType.FACT, description="Kind of memory.")
    category: str = Field(default="general", description="A short topic label.")
    importance: float = Field(default=0.5, ge=0.0, le=1.0)
    attribute: str | None = Field(
        default=None,
        description="For single-valued facts that can change: location, occupation, "
        "employer, timezone, name, diet, ...",
    )
    value: str | None = Field(default=None, description="The attribute's value, e.g. 'Berlin'.")


class ForgetInput(BaseModel):
    memory_id: str = Field(description="Id of the memory to delete.")


class _MemoryTools:
    """The shared store, namespace template and memory graph behind the three tools."""

    def __init__(
        self,
        store: BaseStore,
        namespace: Sequence[str] | str | None,
        score_threshold: float | None = DEFAULT_RELEVANCE_FLOOR,
    ) -> None:
        if not isinstance(store, BaseStore):
            raise InvalidInputError(
                f"store must be a LangGraph BaseStore, got {type(store).__name__}; "
                "open a path or URL with open_store(...)"
            )
        self.store = store
        self.score_threshold = score_threshold
        RecallPlan("", (), score_threshold=score_threshold)  # checks the floor now
        self.template: tuple[str, ...] | None = None
        if isinstance(namespace, str):  # "memories/{user_id}" text form
            namespace = parse_namespace(namespace)
        if namespace is not None:
            fields = template_fields(namespace)
            self.template = tuple(namespace)
            if not fields:
                validate_namespace(self.template)
        self._graph: CompiledStateGraph | None = None

    def namespace(self, config: RunnableConfig | None) -> tuple[str, ...]:
        return scoped_namespace(self.template, config)

    def graph(self) -> CompiledStateGraph:
        if self._graph is None:
            self._graph = build_memory_graph(self.store)
        return self._graph

    # search_memory

    def search(self, query: str, limit: int = 5, *, config: RunnableConfig) -> str:
        plan = RecallPlan(
            query, self.namespace(config), k=limit, score_threshold=self.score_threshold
        )
        return _format_hits(plan.run(self.store))

    async def asearch(self, query: str, limit: int = 5, *, config: RunnableConfig) -> str:
        plan = RecallPlan(
            query, self.namespace(config), k=limit, score_threshold=self.score_threshold
        )
        return _format_hits(await plan.arun(self.store))

    # remember

    def _remember_input(self, memory: RememberInput, config: RunnableConfig) -> MemoryGraphInput:
        conf = dict((config or {}).get("configurable") or {})
        return MemoryGraphInput(
            candidates=[_candidate(memory)],
            namespace=self.namespace(config),
            user_id=_str_or_none(conf.get("user_id")),
            agent_id=_str_or_none(conf.get("agent_id")),
            thread_id=_str_or_none(conf.get("thread_id")),
            via="tool",
        )

    def remember(self, memory: RememberInput, *, config: RunnableConfig) -> str:
        state = self._remember_input(memory, config)
        # A fresh context: inside an agent's tool node the graph must not run as a
        # subgraph of the agent (it would inherit its checkpointer and thread).
        out = contextvars.Context().run(self.graph().invoke, state)
        return _remember_reply(out["result"])

    async def aremember(self, memory: RememberInput, *, config: RunnableConfig) -> str:
        state = self._remember_input(memory, config)
        task = asyncio.create_task(self.graph().ainvoke(state), context=contextvars.Context())
        return _remember_reply((await task)["result"])

    # forget

    def forget(self, memory_id: str, *, config: RunnableConfig) -> str:
        """Forget through ``memories.forget_memory``: a tombstone recording who and when."""
        namespace = self.namespace(config)
        conf = dict((config or {}).get("configurable") or {})
        try:
            forget_memory(
                self.store, memory_id, namespace, via="tool",
                user_id=_str_or_none(conf.get("user_id")),
                agent_id=_str_or_none(conf.get("agent_id")),
            )  # fmt: skip
        except (MemoryNotFoundError, InvalidInputError):
            return _not_found(memory_id, namespace)
        return json.dumps({"deleted": memory_id})

    async def aforget(self, memory_id: str, *, config: RunnableConfig) -> str:
        return await asyncio.to_thread(self.forget, memory_id, config=config)


def create_memory_tools(
    store: BaseStore,
    namespace: Sequence[str] | None = DEFAULT_TOOL_NAMESPACE,
    *,
    include_forget: bool = False,
    score_threshold: float | None = DEFAULT_RELEVANCE_FLOOR,
) -> list[BaseTool]:
    """``search_memory`` and ``remember`` (plus ``forget`` when ``include_forget``).

    ``namespace`` defaults to the scope of the run config's ``user_id`` / ``agent_id``
    (:func:`~langmem_extract.namespaces.scoped_namespace`: ``("memories", user_id)``,
    else ``("memories", "_agent", agent_id)``, else ``("memories", "_shared")``). Its
    labels may use ``{name}`` fields filled from the run config's ``configurable``; a
    missing value raises ``InvalidNamespaceError`` when a tool runs.
    ``search_memory`` returns only memories whose calibrated relevance reaches
    ``score_threshold`` (an empty list when none does); ``None`` turns the floor off.
    """
    impl = _MemoryTools(store, namespace, score_threshold)

    def search_memory(query: str, limit: int = 5, *, config: RunnableConfig) -> str:
        return impl.search(query, limit, config=config)

    async def asearch_memory(query: str, limit: int = 5, *, config: RunnableConfig) -> str:
        return await impl.asearch(query, limit, config=config)

    def remember(
        content: str,
        type: MemoryType = MemoryType.FACT,
        category: str = "general",
        importance: float = 0.5,
        attribute: str | None = None,
        value: str | None = None,
        *,
        config: RunnableConfig,
    ) -> str:
        memory = RememberInput(
            content=content, type=type, category=category, importance=importance,
            attribute=attribute, value=value,
        )  # fmt: skip
        return impl.remember(memory, config=config)

    async def aremember(
        content: str,
        type: MemoryType = MemoryType.FACT,
        category: str = "general",
        importance: float = 0.5,
        attribute: str | None = None,
        value: str | None = None,
        *,
        config: RunnableConfig,
    ) -> str:
        memory = RememberInput(
            content=content, type=type, category=category, importance=importance,
            attribute=attribute, value=value,
        )  # fmt: skip
        return await impl.aremember(memory, config=config)

    def forget(memory_id: str, *, config: RunnableConfig) -> str:
        return impl.forget(memory_id, config=config)

    async def aforget(memory_id: str, *, config: RunnableConfig) -> str:
        return await impl.aforget(memory_id, config=config)

    tools: list[BaseTool] = [
        StructuredTool.from_function(
            func=search_memory,
            coroutine=asearch_memory,
            name="search_memory",
            description=SEARCH_DESCRIPTION,
            args_schema=SearchMemoryInput,
        ),
        StructuredTool.from_function(
            func=remember,
            coroutine=aremember,
            name="remember",
            description=REMEMBER_DESCRIPTION,
            args_schema=RememberInput,
        ),
    ]
    if include_forget:
        tools.append(
            StructuredTool.from_function(
                func=forget,
                coroutine=aforget,
                name="forget",
                description=FORGET_DESCRIPTION,
                args_schema=ForgetInput,
            )
        )
    return tools


def _format_hits(hits: Sequence[RecalledMemory]) -> str:
    return json.dumps(
        [
            {
                "id": hit.memory.id,
                "type": hit.memory.type.value,
                "content": hit.memory.content,
                "score": round(float(hit.score), 4),
            }
            for hit in hits
        ],
        ensure_ascii=False,
    )


def _candidate(memory: RememberInput) -> Candidate:
    text = memory.content.strip()
    attribute = (memory.attribute or "").strip().lower() or None
    # Without a value, the sentence itself is the value: a different sentence about the
    # same attribute is a change, not the same fact.
    value = (memory.value or "").strip() or (text.rstrip(".") if attribute else None)
    return Candidate(
        content=text,
        title=make_title(text),
        type=memory.type,
        category=(memory.category or "general").strip().lower() or "general",
        importance=memory.importance,
        source=REMEMBER_SOURCE,
        provenance=Provenance.INFERRED,
        attribute=attribute,
        value=value,
        # The model's own importance counts, as an LLM extractor's does.
        signals=["model-scored"],
        # Each call is new evidence, so remembering a stored fact again reinforces it.
        source_message_ids=[f"{REMEMBER_SOURCE}:{uuid.uuid4()}"],
    )


def _remember_reply(result: ExtractionResult) -> str:
    item, cand = result.items[0], result.candidates[0]
    if item.status == "stored":
        return json.dumps({"id": item.memory_id, "status": "stored"})
    if item.status == "merged":
        return json.dumps({"id": item.memory_id, "status": "reinforced"})
    if item.status == "superseded":
        return json.dumps({"id": item.memory_id, "status": "stored", "supersedes": item.target_id})
    if cand.redacted:
        return json.dumps({"status": "refused", "error": "not stored: it contains a secret"})
    reason = item.error or cand.reason or "skipped"
    return json.dumps({"status": "not stored", "error": reason})


def _not_found(memory_id: str, namespace: tuple[str, ...]) -> str:
    return json.dumps({"error": f"no memory with id {memory_id!r} in {list(namespace)}"})


def _str_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)
