"""Per-namespace write locks, so concurrent writers never create duplicate memories.

A store that can lock across processes (the PostgreSQL wrapper, with advisory
locks) defines ``namespace_lock(namespace)``; any other store gets a process-local
lock per ``(store, namespace)``. The registry forgets a store's locks when the store is
garbage-collected (a ``weakref.finalize`` per store), so a process that opens many
stores does not keep a lock entry for each one it has dropped.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from langmem_extract.store_guard import unguarded

# Re-entrant: a finalizer may run (and take the guard) on a thread that already holds it,
# when a garbage collection happens to start inside the guarded block.
_registry_guard = threading.RLock()
#: id(store) -> namespace -> lock. Keyed by id, not by the store, so unhashable stores
#: work too; the finalizer removes the entry before that id can be reused.
_locks: dict[int, dict[tuple[str, ...], threading.RLock]] = {}


def _forget(store_id: int) -> None:
    with _registry_guard:
        _locks.pop(store_id, None)


def _local_lock(store: Any, namespace: tuple[str, ...]) -> threading.RLock:
    store = unguarded(store)  # a serialising proxy writes to the same store
    store_id = id(store)
    with _registry_guard:
        per_store = _locks.get(store_id)
        if per_store is None:
            per_store = _locks[store_id] = {}
            # A store that is not weak-referenceable (``__slots__`` without
            # ``__weakref__``) keeps its locks for the life of the process; a later store
            # that gets the same id shares them (safe: it only serialises more).
            with contextlib.suppress(TypeError):
                weakref.finalize(store, _forget, store_id)
        lock = per_store.get(namespace)
        if lock is None:
            lock = per_store[namespace] = threading.RLock()
        return lock


@contextmanager
def _held(lock: threading.RLock) -> Iterator[None]:
    with lock:
        yield


def namespace_lock(store: Any, namespace: tuple[str, ...]) -> AbstractContextManager[Any]:
    """Context manager holding the write lock for ``namespace`` in ``store``."""
    own = getattr(store, "namespace_lock", None)
    if callable(own):
        return own(tuple(namespace))
    return _held(_local_lock(store, tuple(namespace)))
