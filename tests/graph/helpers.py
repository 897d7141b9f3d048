from __future__ import annotations

from typing import Any

from langgraph.store.base import BaseStore

from langmem_extract.graph.builder import extract_memories
from langmem_extract.schema import Memory, MemoryStatus


def stored(store: BaseStore, namespace: tuple[str, ...]) -> list[Memory]:
    """Every memory in exactly ``namespace``."""
    items = store.search(namespace, limit=1000)
    return [Memory.from_item(i) for i in items if tuple(i.namespace) == namespace]


def active(store: BaseStore, namespace: tuple[str, ...]) -> list[Memory]:
    return [m for m in stored(store, namespace) if m.status == "active"]


def say(store: BaseStore, text: str, ns: tuple[str, ...]) -> Any:
    """One user turn through the memory graph, into ``ns``."""
    return extract_memories([{"role": "user", "content": text}], store=store, namespace=ns)


def supersedes(store: BaseStore, first: str, second: str) -> bool:
    """The second statement supersedes what the first stored (a namespace per pair)."""
    ns = ("memories", f"u{abs(hash((first, second)))}")
    stored_ids = {i.memory_id for i in say(store, first, ns).items if i.status == "stored"}
    assert stored_ids, f"nothing stored from {first!r}"
    two = say(store, second, ns)
    hits = [i for i in two.items if i.action.value == "supersede" and i.target_id in stored_ids]
    if hits:
        old = store.get(ns, hits[0].target_id)
        assert old is not None and old.value["status"] == MemoryStatus.SUPERSEDED.value
    return bool(hits)
