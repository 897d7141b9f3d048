"""Per-namespace write locks, so concurrent writers never create duplicate memories.

A store that can lock across processes (the PostgreSQL wrapper, with advisory
locks) defines ``namespace_lock(namespace)``; any other store gets a process-local
lock keyed by ``(id(store), namespace)``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

_registry_guard = threading.Lock()
_locks: dict[tuple[int, tuple[str, ...]], threading.RLock] = {}


def _local_lock(store: Any, namespace: tuple[str, ...]) -> threading.RLock:
    key = (id(store), tuple(namespace))
    with _registry_guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = threading.RLock()
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
