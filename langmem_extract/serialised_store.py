"""``SerialisedStore``: the proxy :func:`langmem_extract.store_guard.guarded` gives a store
that is not thread-safe (LangGraph's ``InMemoryStore``); see :mod:`langmem_extract.store_guard`.

Its own module because it is a LangGraph ``BaseStore``: only a process holding such a
store imports it (and LangGraph).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from typing import Any

from langgraph.store.base import BaseStore, Op, Result

__all__ = ["SerialisedStore"]


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
