"""LangChain tools over a memory namespace: ``search_memory``, ``remember`` and ``forget``.

The namespace may be a template filled from the run config at call time::

    tools = create_memory_tools(store, ("memories", "{user_id}"))
    agent.invoke(inputs, config={"configurable": {"user_id": "u1"}})
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, StructuredTool
from langgraph.store.base import BaseStore
from pydantic import BaseModel, Field

from langmem_extract.integrations.retriever import MemoryRetriever
from langmem_extract.namespaces import (
    resolve_namespace,
    template_fields,
    validate_namespace,
)
from langmem_extract.schema import (
    HistoryEntry,
    Memory,
    MemoryStatus,
    MemoryType,
    Provenance,
    fingerprint,
    utcnow,
)

DEFAULT_TOOL_NAMESPACE: tuple[str, ...] = ("memories", "{user_id}")
REMEMBER_SOURCE = "tool:remember"

SEARCH_DESCRIPTION = (
    "Search long-term memory about the user (preferences, facts, instructions, goals). "
    "Use it before answering questions that depend on what you know about the user. "
    "Returns a JSON list of memories with id, type, content and score."
)
REMEMBER_DESCRIPTION = (
    "Store one durable fact, preference, instruction or goal about the user in long-term "
    "memory, written as a short standalone sentence such as 'User is vegetarian.'. "
    "Returns the memory id."
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


class ForgetInput(BaseModel):
    memory_id: str = Field(description="Id of the memory to delete.")


class _MemoryTools:
    """The shared store + namespace template behind the three tools."""

    def __init__(self, store: BaseStore, namespace: Sequence[str]) -> None:
        self.store = store
        fields = template_fields(namespace)  # before tuple(): a bare str must be rejected
        self.template = tuple(namespace)
        if not fields:
            validate_namespace(self.template)

    def namespace(self, config: RunnableConfig | None) -> tuple[str, ...]:
        return resolve_namespace(self.template, config)

    # search_memory

    def _retriever(self, namespace: tuple[str, ...], limit: int) -> MemoryRetriever:
        return MemoryRetriever(store=self.store, namespace=namespace, k=limit)

    def search(self, query: str, limit: int = 5, *, config: RunnableConfig) -> str:
        docs = self._retriever(self.namespace(config), limit).invoke(query)
        return _format_docs(docs)

    async def asearch(self, query: str, limit: int = 5, *, config: RunnableConfig) -> str:
        docs = await self._retriever(self.namespace(config), limit).ainvoke(query)
        return _format_docs(docs)

    # remember

    def _existing_filter(self, content: str) -> dict[str, Any]:
        return {"fingerprint": fingerprint(content), "status": MemoryStatus.ACTIVE.value}

    def remember(
        self,
        content: str,
        type: MemoryType = MemoryType.FACT,
        category: str = "general",
        importance: float = 0.5,
        *,
        config: RunnableConfig,
    ) -> str:
        namespace = self.namespace(config)
        hits = self.store.search(namespace, filter=self._existing_filter(content), limit=1)
        memory = _reinforced(hits[0]) if hits else None
        if memory is None:
            memory = _new_memory(content, type, category, importance, namespace, config)
        self.store.put(namespace, memory.id, memory.to_value())
        return _remember_reply(memory, reinforced=bool(hits))

    async def aremember(
        self,
        content: str,
        type: MemoryType = MemoryType.FACT,
        category: str = "general",
        importance: float = 0.5,
        *,
        config: RunnableConfig,
    ) -> str:
        namespace = self.namespace(config)
        hits = await self.store.asearch(namespace, filter=self._existing_filter(content), limit=1)
        memory = _reinforced(hits[0]) if hits else None
        if memory is None:
            memory = _new_memory(content, type, category, importance, namespace, config)
        await self.store.aput(namespace, memory.id, memory.to_value())
        return _remember_reply(memory, reinforced=bool(hits))

    # forget

    def forget(self, memory_id: str, *, config: RunnableConfig) -> str:
        namespace = self.namespace(config)
        if self.store.get(namespace, memory_id) is None:
            return _not_found(memory_id, namespace)
        self.store.delete(namespace, memory_id)
        return json.dumps({"deleted": memory_id})

    async def aforget(self, memory_id: str, *, config: RunnableConfig) -> str:
        namespace = self.namespace(config)
        if await self.store.aget(namespace, memory_id) is None:
            return _not_found(memory_id, namespace)
        await self.store.adelete(namespace, memory_id)
        return json.dumps({"deleted": memory_id})


def create_memory_tools(
    store: BaseStore,
    namespace: Sequence[str] = DEFAULT_TOOL_NAMESPACE,
    *,
    include_forget: bool = False,
) -> list[BaseTool]:
    """``search_memory`` and ``remember`` (plus ``forget`` when ``include_forget``).

    ``namespace`` labels may use ``{name}`` fields filled from the run config's
    ``configurable``; a missing value raises ``InvalidNamespaceError`` when a tool runs.
    """
    impl = _MemoryTools(store, namespace)

    def search_memory(query: str, limit: int = 5, *, config: RunnableConfig) -> str:
        return impl.search(query, limit, config=config)

    async def asearch_memory(query: str, limit: int = 5, *, config: RunnableConfig) -> str:
        return await impl.asearch(query, limit, config=config)

    def remember(
        content: str,
        type: MemoryType = MemoryType.FACT,
        category: str = "general",
        importance: float = 0.5,
        *,
        config: RunnableConfig,
    ) -> str:
        return impl.remember(content, type, category, importance, config=config)

    async def aremember(
        content: str,
        type: MemoryType = MemoryType.FACT,
        category: str = "general",
        importance: float = 0.5,
        *,
        config: RunnableConfig,
    ) -> str:
        return await impl.aremember(content, type, category, importance, config=config)

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


def _format_docs(docs: Sequence[Any]) -> str:
    return json.dumps(
        [
            {
                "id": d.metadata["id"],
                "type": d.metadata["type"],
                "content": d.page_content,
                "score": round(float(d.metadata["score"]), 4),
            }
            for d in docs
        ],
        ensure_ascii=False,
    )


def _configurable(config: RunnableConfig | None) -> dict[str, Any]:
    return dict((config or {}).get("configurable") or {})


def _new_memory(
    content: str,
    type: MemoryType | str,
    category: str,
    importance: float,
    namespace: tuple[str, ...],
    config: RunnableConfig | None,
) -> Memory:
    conf = _configurable(config)
    text = content.strip()
    return Memory(
        content=text,
        title=text[:100],
        type=MemoryType(type),
        category=category or "general",
        importance=importance,
        source=REMEMBER_SOURCE,
        provenance=Provenance.INFERRED,
        namespace=list(namespace),
        user_id=_str_or_none(conf.get("user_id")),
        agent_id=_str_or_none(conf.get("agent_id")),
        thread_id=_str_or_none(conf.get("thread_id")),
        history=[HistoryEntry(action="created", content=text, note=REMEMBER_SOURCE)],
    )


def _reinforced(item: Any) -> Memory:
    memory = Memory.from_item(item)
    now = utcnow()
    memory.reinforcement_count += 1
    memory.updated_at = now
    memory.history.append(HistoryEntry(at=now, action="reinforced", note=REMEMBER_SOURCE))
    return memory


def _remember_reply(memory: Memory, *, reinforced: bool) -> str:
    return json.dumps({"id": memory.id, "status": "reinforced" if reinforced else "stored"})


def _not_found(memory_id: str, namespace: tuple[str, ...]) -> str:
    return json.dumps({"error": f"no memory with id {memory_id!r} in {list(namespace)}"})


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
