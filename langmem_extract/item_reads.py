"""Reading many items of any store in one call.

``DuckDBEngine`` (and the ``DuckDBStore`` built on it) reads them with its own
``get_many``, which needs nothing of LangGraph, so the CLI's reads of a DuckDB file never
import it (docs/benchmarks/cold_start.md); any other LangGraph ``BaseStore`` gets one
batch of ``GetOp``s. Either way the values are read together: recall's prefetch of up to
60 memories is one read, not one per memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["get_items"]


def get_items(store: Any, keys: Iterable[tuple[Sequence[str], str]]) -> list[Any]:
    """The item at each ``(namespace, key)`` of ``store``, ``None`` where there is none."""
    wanted = [(tuple(namespace), key) for namespace, key in keys]
    if not wanted:
        return []
    many = getattr(type(store), "get_many", None)
    if many is not None:
        return store.get_many(wanted, refresh_ttl=True)  # as a GetOp by default
    from langgraph.store.base import GetOp

    return store.batch([GetOp(namespace, key) for namespace, key in wanted])
