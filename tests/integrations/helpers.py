"""Shared builders for the integration tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from langgraph.store.base import BaseStore, PutOp
from langgraph.store.memory import InMemoryStore

from langmem_extract.schema import MEMORY_INDEX_FIELDS, Memory
from tests.conftest import HashEmbeddings

NOW = datetime.now(UTC)


def in_memory_store() -> InMemoryStore:
    return InMemoryStore(
        index={"dims": 64, "embed": HashEmbeddings(), "fields": MEMORY_INDEX_FIELDS}
    )


def make_memory(
    namespace: tuple[str, ...], content: str, *, age_days: float = 0.0, **fields: Any
) -> Memory:
    stamp = NOW - timedelta(days=age_days)
    fields.setdefault("type", "fact")
    memory = Memory(
        content=content,
        title=content[:100],
        namespace=list(namespace),
        created_at=stamp,
        updated_at=stamp,
        valid_from=stamp,
        **fields,
    )
    return memory


def put_memory(
    store: BaseStore,
    namespace: tuple[str, ...],
    content: str,
    *,
    age_days: float = 0.0,
    **fields: Any,
) -> Memory:
    memory = make_memory(namespace, content, age_days=age_days, **fields)
    store.put(namespace, memory.id, memory.to_value())
    return memory


def put_memories(
    store: BaseStore, namespace: tuple[str, ...], contents: list[str], **fields: Any
) -> list[Memory]:
    """Many memories in one batch, so the embedder runs once."""
    memories = [make_memory(namespace, c, **fields) for c in contents]
    store.batch([PutOp(namespace, m.id, m.to_value()) for m in memories])
    return memories
