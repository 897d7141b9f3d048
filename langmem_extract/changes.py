"""Write notices within the process: who wants to hear about writes to a store.

Recall's lexical index (:mod:`langmem_extract.recall_index`) keeps a copy of a namespace's
memories and evidence turns. Every write this process makes through the library tells it
what changed, so the copy is updated in place instead of re-read from the store:
``write_memories`` sends the memories it put and the keys it deleted, the message log the
messages it appended (as stored, redacted) and the sessions it cleared. Writes by other
processes (or raw ``store.put`` calls) send nothing; the index re-reads the store for
those in the background every ``RESYNC_SECONDS``, unless the store counts its commits
(:func:`commit_count`) and the count has not moved.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from langmem_extract.store_guard import unguarded

__all__ = ["Change", "commit_count", "notify", "subscribe"]


@dataclass(frozen=True)
class Change:
    """What one write changed. ``memories``: ``Memory`` objects put; ``deleted``:
    ``(namespace, key)`` pairs deleted; ``session`` with ``messages`` appended to it (or,
    with ``cleared``, emptied), or with ``vectors`` (message id → turn vector) stored."""

    memories: Sequence[Any] = ()
    deleted: Sequence[tuple[tuple[str, ...], str]] = ()
    session: str | None = None
    messages: Sequence[Any] = field(default_factory=tuple)
    cleared: bool = False
    vectors: Mapping[str, Any] = field(default_factory=dict)


Listener = Callable[[Change], None]

_lock = threading.Lock()
_listeners: weakref.WeakKeyDictionary[Any, list[weakref.WeakMethod[Listener]]] = (
    weakref.WeakKeyDictionary()
)


def subscribe(store: Any, listener: Listener) -> None:
    """Call ``listener`` (a bound method, held weakly) after each write to ``store``."""
    with _lock:
        _listeners.setdefault(unguarded(store), []).append(weakref.WeakMethod(listener))


def notify(store: Any, change: Change) -> None:
    """Tell the listeners of ``store`` what a write changed."""
    with _lock:
        refs = list(_listeners.get(unguarded(store), ()))
    for ref in refs:
        listener = ref()
        if listener is not None:
            listener(change)


def commit_count(store: Any) -> int | None:
    """How many writes ``store`` has committed, when it counts every write to what it
    reads (``DuckDBStore.commit_count``: DuckDB admits one writing process per file);
    ``None`` for a store others may write to unseen (PostgreSQL, LangGraph's stores)."""
    count = getattr(store, "commit_count", None)
    return count if isinstance(count, int) and not isinstance(count, bool) else None
