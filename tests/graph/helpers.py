from __future__ import annotations

from langgraph.store.base import BaseStore

from langmem_extract.schema import Memory


def stored(store: BaseStore, namespace: tuple[str, ...]) -> list[Memory]:
    """Every memory in exactly ``namespace``."""
    items = store.search(namespace, limit=1000)
    return [Memory.from_item(i) for i in items if tuple(i.namespace) == namespace]


def active(store: BaseStore, namespace: tuple[str, ...]) -> list[Memory]:
    return [m for m in stored(store, namespace) if m.status == "active"]
