"""Shared builders for the integration tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract.schema import MEMORY_INDEX_FIELDS, Memory
from tests.conftest import HashEmbeddings

NOW = datetime.now(UTC)


def in_memory_store() -> InMemoryStore:
    return InMemoryStore(
        index={"dims": 64, "embed": HashEmbeddings(), "fields": MEMORY_INDEX_FIELDS}
    )


def put_memory(
    store: BaseStore,
    namespace: tuple[str, ...],
    content: str,
    *,
    age_days: float = 0.0,
    **fields: Any,
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
    store.put(namespace, memory.id, memory.to_value())
    return memory
