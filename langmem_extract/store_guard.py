"""One lock around every call this package makes into a store that is not thread-safe.

LangGraph's ``InMemoryStore`` keeps plain dicts and no lock: a search iterating a namespace
while another thread puts into it fails with "dictionary changed size during iteration".
This package calls a store from more than one thread on its own: background capture
writes memories while the caller's thread appends the transcript, and recall re-reads its
index in a worker thread. So every place here that keeps a store (the memory graph, the
message log, recall's index) holds :func:`guarded` of it, and for such a store all of
them share one proxy whose ``batch``/``abatch`` run one at a time. Registries keyed by
store key by :func:`unguarded`, so the proxy and its store count as one.

Stores that guard themselves (``DuckDBStore``: one connection under a re-entrant lock;
``PostgresStore``: a connection pool) and any other store are passed through unchanged.
Code outside this package that reads an ``InMemoryStore`` while a background capture
runs should wait for ``flush()`` first, or use a ``DuckDBStore``.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Iterable
from typing import Any

from langgraph.store.base import BaseStore, Op, Result

# By the store's id, holding the proxy weakly: a proxy keeps its store alive, so an id is
# never reused while its proxy lives, and a proxy nobody holds any more is let go.
_PROXIES: weakref.WeakValueDictionary[int, SerialisedStore] = weakref.WeakValueDictionary()
_PROXIES_LOCK = threading.Lock()


def _needs_guard(store: BaseStore) -> bool:
    # Imported here: the module is cheap only once langgraph.store.base is loaded, which
    # every caller of this function has already done.
    from langgraph.store.memory import InMemoryStore

    return isinstance(store, InMemoryStore)


def guarded(store: BaseStore) -> BaseStore:
    """``store`` itself, or, for a store that is not thread-safe, its one serialising proxy."""
    if isinstance(store, SerialisedStore) or not _needs_guard(store):
        return store
    with _PROXIES_LOCK:
        proxy = _PROXIES.get(id(store))
        if proxy is None:
            proxy = _PROXIES[id(store)] = SerialisedStore(store)
        return proxy


def unguarded(store: Any) -> Any:
    """The store a :func:`guarded` proxy stands for (anything else: itself).

    Registries keyed by store (write notices, namespace write locks, recall's indexes) key
    by this, so the proxy and the store it wraps are one store to them.
    """
    return store.inner if isinstance(store, SerialisedStore) else store


class SerialisedStore(BaseStore):
    """A store whose operations run one at a time; every other attribute is the inner one's."""

    __slots__ = ("_lock", "inner")

    def __init__(self, inner: BaseStore) -> None:
        self.inner = inner
        self._lock = threading.Lock()

    @property
    def supports_ttl(self) -> bool:  # type: ignore[override]
        return self.inner.supports_ttl

    @property
    def ttl_config(self) -> Any:  # type: ignore[override]
        return self.inner.ttl_config

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        with self._lock:
            return self.inner.batch(ops)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        # The sync batch in a worker thread: a thread lock held across an ``await`` would
        # let this loop's other coroutines interleave, and one released from another
        # thread after a cancellation would leak. The context (active caches) goes along.
        ops = list(ops)
        return await asyncio.to_thread(self.batch, ops)
