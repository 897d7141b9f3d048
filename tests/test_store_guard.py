"""A store that is not thread-safe (LangGraph's ``InMemoryStore``) is called one
operation at a time by everything here: background capture, the transcript and recall's
re-reads share one serialising proxy, and registries see the proxy as its store."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.store.base import Op, Result
from langgraph.store.memory import InMemoryStore

from langmem_extract import MemoryChatHistory, MemoryRetriever
from langmem_extract.changes import Change, notify, subscribe
from langmem_extract.memories import get_memory, list_memories, memory_stats
from langmem_extract.schema import MEMORY_INDEX_FIELDS, Memory
from langmem_extract.serialised_store import SerialisedStore
from langmem_extract.store.duckdb import DuckDBStore
from langmem_extract.store_guard import guarded, unguarded
from tests.conftest import HashEmbeddings


class OverlapCountingStore(InMemoryStore):
    """An ``InMemoryStore`` that records how many of its batches ever ran at once."""

    def __init__(self) -> None:
        super().__init__(
            index={"dims": 64, "embed": HashEmbeddings(), "fields": MEMORY_INDEX_FIELDS}
        )
        self.counter = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        with self.counter:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(0.001)  # widen the window two unguarded callers would share
            return super().batch(ops)
        finally:
            with self.counter:
                self.in_flight -= 1


def test_an_in_memory_store_gets_one_proxy_and_a_thread_safe_store_none() -> None:
    store = InMemoryStore()
    proxy = guarded(store)
    assert isinstance(proxy, SerialisedStore)
    assert guarded(store) is proxy and guarded(proxy) is proxy
    assert unguarded(proxy) is store and unguarded(store) is store
    with DuckDBStore.from_conn_string(":memory:") as duck:
        assert guarded(duck) is duck


def test_the_proxy_reads_and_writes_the_store_it_wraps() -> None:
    store = InMemoryStore()
    proxy = guarded(store)
    proxy.put(("a",), "k", {"x": 1})
    assert store.get(("a",), "k").value == {"x": 1}
    assert asyncio.run(proxy.asearch(("a",)))[0].key == "k"
    assert proxy.supports_ttl is store.supports_ttl and proxy.index_config is None


def test_a_write_notice_through_the_proxy_reaches_listeners_of_the_store() -> None:
    store = InMemoryStore()
    heard: list[Change] = []

    class Listener:
        def apply(self, change: Change) -> None:
            heard.append(change)

    listener = Listener()
    subscribe(store, listener.apply)
    notify(guarded(store), Change(session="s1", cleared=True))
    assert [c.session for c in heard] == ["s1"]


def test_background_capture_turns_recall_and_reads_never_overlap_on_an_in_memory_store() -> None:
    store = OverlapCountingStore()
    facts = ["I live in Lisbon", "I work as a nurse", "I love jazz", "I'm vegetarian"]
    failures: list[BaseException] = []

    def history() -> MemoryChatHistory:
        return MemoryChatHistory(
            store, "t1", user_id="u1", mode="background", debounce_seconds=0.005,
            on_error=lambda e, m: failures.append(e),
        )  # fmt: skip

    def talk(worker: int) -> None:
        try:
            retriever = MemoryRetriever(store=store, user_id="u1", k=3)
            for i in range(6):
                fact = facts[(worker + i) % len(facts)]
                history().add_messages([HumanMessage(fact), AIMessage(f"ok {worker}.{i}")])
                retriever.invoke("where do I live?")
                for memory in list_memories(store, ("memories", "u1")):
                    memory_stats(store, ("memories", "u1"))
                    get_memory(store, memory.id)
                    break
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=talk, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert history().flush(timeout=60)
    assert failures == []
    assert store.max_in_flight == 1
    assert len(history().messages) == 48
    stored = [Memory.from_item(i) for i in store.search(("memories", "u1"), limit=100)]
    assert {m.content for m in stored} >= {"User lives in Lisbon.", "User is vegetarian."}
