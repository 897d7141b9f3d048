"""One lock around every call this package makes into a store that is not thread-safe.

LangGraph's ``InMemoryStore`` keeps plain dicts and no lock: a search iterating a namespace
while another thread puts into it fails with "dictionary changed size during iteration".
This package calls a store from more than one thread on its own: background capture
writes memories while the caller's thread appends the transcript, and recall re-reads its
index in a worker thread. So every place here that keeps a store (the memory graph, the
message log, recall's index) holds :func:`guarded` of it, and for such a store all of
them share one proxy whose ``batch``/``abatch`` run one at a time. Registries keyed by
store key by :func:`unguarded`, so the proxy and its store count as one.

The proxy class is :class:`~langmem_extract.serialised_store.SerialisedStore`.
Stores that guard themselves (``DuckDBStore``: one connection under a re-entrant lock;
``PostgresStore``: a connection pool) and any other store are passed through unchanged.
Code outside this package that reads an ``InMemoryStore`` while a background capture
runs should wait for ``flush()`` first, or use a ``DuckDBStore``.
"""

from __future__ import annotations

import sys
import threading
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

    from langmem_extract.serialised_store import SerialisedStore

# By the store's id, holding the proxy weakly: a proxy keeps its store alive, so an id is
# never reused while its proxy lives, and a proxy nobody holds any more is let go.
_PROXIES: weakref.WeakValueDictionary[int, SerialisedStore] = weakref.WeakValueDictionary()
_PROXIES_LOCK = threading.Lock()


def _loaded(module: str, name: str) -> Any:
    """``module.name`` if ``module`` is imported, else None: a store cannot be an instance
    of a class whose module no one has imported, so nothing is imported to ask (a process
    reading a DuckDB file never loads LangGraph, docs/benchmarks/cold_start.md)."""
    found = sys.modules.get(module)
    return None if found is None else getattr(found, name, None)


def _is_proxy(store: Any) -> bool:
    proxy = _loaded("langmem_extract.serialised_store", "SerialisedStore")
    return proxy is not None and isinstance(store, proxy)


def _needs_guard(store: Any) -> bool:
    in_memory = _loaded("langgraph.store.memory", "InMemoryStore")
    return in_memory is not None and isinstance(store, in_memory)


def guarded(store: BaseStore) -> BaseStore:
    """``store`` itself, or, for a store that is not thread-safe, its one serialising proxy."""
    if _is_proxy(store) or not _needs_guard(store):
        return store
    from langmem_extract.serialised_store import SerialisedStore

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
    return store.inner if _is_proxy(store) else store
