"""Recall's namespace index re-reads a DuckDB store only when the store committed a write
since the last read (``DuckDBStore.commit_count``); every write still reaches it, and no
namespace sees another's memories."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_core.messages import HumanMessage
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract.changes import commit_count
from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.memories import forget_memory
from langmem_extract.message_log import message_log_for
from langmem_extract.recall import recall_memories
from langmem_extract.recall_index import NamespaceIndex, index_for
from langmem_extract.schema import MEMORY_INDEX_FIELDS, Memory, MemoryType
from langmem_extract.store.duckdb import DuckDBStore
from tests.index_builds import remember_fact

NS = ("memories", "u1")
OTHER = ("memories", "u2")


def _index() -> dict:
    return {"dims": 64, "embed": HashingEmbeddings(), "fields": MEMORY_INDEX_FIELDS}


@pytest.fixture
def store() -> Iterator[DuckDBStore]:
    with DuckDBStore.from_conn_string(":memory:", index=_index()) as duck:
        duck.setup()
        yield duck


def raw_put(store: BaseStore, namespace: tuple[str, ...], content: str) -> Memory:
    """A memory written straight to the store: no change notice reaches the index."""
    memory = Memory(content=content, title=content, type=MemoryType.FACT,
                    namespace=list(namespace))  # fmt: skip
    store.put(namespace, memory.id, memory.to_value())
    return memory


class Rereads:
    """Counts the index's background re-reads and runs them at once."""

    def __init__(self, index: NamespaceIndex, monkeypatch: pytest.MonkeyPatch) -> None:
        self.index = index
        self.count = 0
        original = index._reread

        def run_now(*args: object) -> None:
            self.count += 1
            original(*args)

        class _Inline:
            def __init__(self, target, args, daemon) -> None:
                self.target, self.args = target, args

            def start(self) -> None:
                self.target(*self.args)

        monkeypatch.setattr(index, "_reread", run_now)
        monkeypatch.setattr("langmem_extract.recall_index.threading.Thread", _Inline)

    def due(self) -> None:
        """Let the re-read period pass and ask for the index, as a query does."""
        self.index._read_at -= 3600
        assert index_for(self.index.store, self.index.prefix) is self.index


def test_commit_count_moves_with_every_write(store: DuckDBStore) -> None:
    before = commit_count(store)
    assert isinstance(before, int)
    store.get(NS, "missing")
    store.search(NS, query="anything")
    assert commit_count(store) == before  # reads are not writes
    raw_put(store, NS, "User keeps bees.")
    assert commit_count(store) == before + 1
    message_log_for(store).append("s1", [HumanMessage("hello", id="m1")])
    assert commit_count(store) == before + 2
    message_log_for(store).clear("s1")
    assert commit_count(store) == before + 3


def test_stores_others_may_write_to_have_no_count() -> None:
    assert commit_count(InMemoryStore()) is None
    with DuckDBStore.from_conn_string(":memory:", index=_index(), ttl={"default_ttl": 5}) as ttl:
        assert commit_count(ttl) is None  # items expire without a write


def test_no_reread_while_nothing_is_written(
    store: DuckDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    remember_fact(store, NS, "a1", "I keep bees on the roof.", "User keeps bees on the roof.")
    index = index_for(store, NS)
    rereads = Rereads(index, monkeypatch)
    for _ in range(3):
        rereads.due()
        recall_memories(store, "bees", NS, k=1)
    assert rereads.count == 0
    # The same on a store without a count: the timed re-read, as before.
    plain = InMemoryStore(index=_index())  # type: ignore[arg-type]
    remember_fact(plain, NS, "a1", "I keep bees on the roof.", "User keeps bees on the roof.")
    timed = Rereads(index_for(plain, NS), monkeypatch)
    timed.due()
    assert timed.count == 1


def test_a_write_without_a_notice_is_read_once(
    store: DuckDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    remember_fact(store, NS, "a1", "I keep bees on the roof.", "User keeps bees on the roof.")
    index = index_for(store, NS)
    rereads = Rereads(index, monkeypatch)
    sneaked = raw_put(store, NS, "User restores old radios.")
    assert sneaked.id not in index.memories  # no notice: not seen yet
    rereads.due()
    assert rereads.count == 1 and sneaked.id in index.memories
    assert sneaked.id in index.documents()
    hits = recall_memories(store, "restores old radios", NS, k=1)
    assert hits[0].memory.id == sneaked.id
    rereads.due()
    assert rereads.count == 1  # read once: the count has not moved since


def test_writes_through_the_library_reach_the_index_at_once(
    store: DuckDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    remember_fact(store, NS, "a1", "I keep bees on the roof.", "User keeps bees on the roof.")
    index = index_for(store, NS)
    rereads = Rereads(index, monkeypatch)
    # A new memory, with its evidence turn and the turn's vector.
    remember_fact(store, NS, "a2", "I sail a small dinghy.", "User sails a small dinghy.")
    assert any(m.content == "User sails a small dinghy." for m in index.memories.values())
    keys, matrix = index.turn_matrix()
    assert any(key.endswith("\x1fa2") for key in keys) and matrix is not None
    assert recall_memories(store, "dinghy sailing", NS, k=1)[0].memory.content == (
        "User sails a small dinghy."
    )
    # Forgetting removes it from the index and from recall before any re-read.
    dinghy = next(m for m in index.memories.values() if "dinghy" in m.content)
    forget_memory(store, dinghy.id, NS)
    assert dinghy.id not in index.documents()
    assert all(h.memory.id != dinghy.id for h in recall_memories(store, "dinghy", NS, k=5))
    assert rereads.count == 0
    fresh = NamespaceIndex(store, NS)
    fresh.load()
    assert index.documents() == fresh.documents()


def test_no_namespace_sees_another_ones_memories(
    store: DuckDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    remember_fact(store, NS, "a1", "I keep bees on the roof.", "User keeps bees on the roof.")
    remember_fact(store, OTHER, "b1", "I collect vinyl records.", "User collects vinyl records.")
    mine, theirs = index_for(store, NS), index_for(store, OTHER)
    rereads = Rereads(mine, monkeypatch)
    secret = raw_put(store, OTHER, "User hides a spare key under the mat.")
    rereads.due()  # the count moved (another namespace's write): re-read, own prefix only
    assert rereads.count == 1
    assert all(tuple(m.namespace[:2]) == NS for m in mine.memories.values())
    assert secret.id not in mine.memories and secret.id not in mine.documents()
    hits = recall_memories(store, "spare key under the mat", NS, k=5)
    assert hits and all(tuple(h.memory.namespace[:2]) == NS for h in hits)
    assert all("vinyl" not in h.memory.content for h in hits)
    assert theirs is not mine
