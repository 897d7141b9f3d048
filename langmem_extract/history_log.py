"""Read a memory's change history (created, reinforced, superseded, supersedes, …)."""

from __future__ import annotations

from collections.abc import Sequence

from langgraph.store.base import BaseStore

from langmem_extract.errors import MemoryNotFoundError
from langmem_extract.schema import HistoryEntry, Memory


def get_memory_history(
    store: BaseStore, namespace: Sequence[str], memory_id: str
) -> list[HistoryEntry]:
    """The append-only history of one memory, oldest first.

    Raises:
        MemoryNotFoundError: no memory with that id in the namespace.
    """
    item = store.get(tuple(namespace), memory_id)
    if item is None:
        raise MemoryNotFoundError(f"no memory {memory_id!r} in namespace {tuple(namespace)}")
    return Memory.from_item(item).history
