"""The process-local namespace lock registry."""

from __future__ import annotations

import gc
import threading

from langgraph.store.memory import InMemoryStore

from langmem_extract.store import locking
from langmem_extract.store.duckdb import DuckDBStore


def test_one_lock_per_store_and_namespace() -> None:
    a, b = InMemoryStore(), InMemoryStore()
    assert locking._local_lock(a, ("x",)) is locking._local_lock(a, ("x",))
    assert locking._local_lock(a, ("x",)) is not locking._local_lock(a, ("y",))
    assert locking._local_lock(a, ("x",)) is not locking._local_lock(b, ("x",))


def test_lock_excludes_other_threads_and_reenters() -> None:
    store = InMemoryStore()
    entered = threading.Event()

    def other() -> None:
        with locking.namespace_lock(store, ("ns",)):
            entered.set()

    t = threading.Thread(target=other, daemon=True)
    with locking.namespace_lock(store, ("ns",)), locking.namespace_lock(store, ("ns",)):
        t.start()
        assert not entered.wait(0.2)  # another thread waits while this one holds it
    assert entered.wait(5)
    t.join(5)


def test_a_garbage_collected_store_leaves_the_registry() -> None:
    store = InMemoryStore()
    with locking.namespace_lock(store, ("ns",)):
        pass
    store_id = id(store)
    assert store_id in locking._locks
    del store
    gc.collect()
    assert store_id not in locking._locks


def test_a_closed_and_dropped_duckdb_store_leaves_the_registry() -> None:
    store = DuckDBStore.open(":memory:")
    store.setup()
    with locking.namespace_lock(store, ("memories", "u1")):
        pass
    store_id = id(store)
    assert store_id in locking._locks
    store.close()
    del store
    gc.collect()
    assert store_id not in locking._locks


def test_stores_with_their_own_lock_are_not_registered() -> None:
    class OwnLock(InMemoryStore):
        def __init__(self) -> None:
            super().__init__()
            self.asked: list[tuple[str, ...]] = []

        def namespace_lock(self, namespace: tuple[str, ...]) -> threading.Lock:
            self.asked.append(namespace)
            return threading.Lock()

    store = OwnLock()
    with locking.namespace_lock(store, ["a", "b"]):  # type: ignore[arg-type]
        pass
    assert store.asked == [("a", "b")]
    assert id(store) not in locking._locks
