"""Recall's index re-reads only what changed, and no erased text stays in a side file.

* The background re-read (``NamespaceIndex._reread``) reads the item versions, then only
  the items added or changed since the last read: after any sequence of raw puts,
  supersedes, forgets, edits and deletes it equals an index built from scratch, and one
  change reads one item, never the whole namespace.
* A write that erases a text recall's lexical file holds (a raw ``store.delete``, a
  changed content, a cleared session) removes the file before it commits; a save
  overtaken by such a write is never renamed into place.
"""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import HumanMessage
from langgraph.store.base import BaseStore

from langmem_extract import recall_index_files as files
from langmem_extract import recall_records
from langmem_extract.changes import commit_count
from langmem_extract.message_log import message_log_for
from langmem_extract.recall import recall_memories
from langmem_extract.recall_index import NamespaceIndex
from langmem_extract.schema import Memory, MemoryType
from langmem_extract.store import _duckdb_write
from langmem_extract.store.duckdb import DuckDBStore
from tests.index_builds import assert_same, from_scratch, loaded, opened

NS = ("memories", "u1")
WORDS = ("octopus", "violin", "lisbon", "porto", "tiramisu", "garden", "chess", "kayak")
QUERIES = ("octopus violin", "lisbon porto garden", "chess kayak", "tiramisu", "said")


def reread(index: NamespaceIndex) -> None:
    index._reread(index._changes, commit_count(index.store))


def put(store: BaseStore, content: str, sources: tuple[str, ...] = (), **fields: object) -> str:
    memory = Memory(content=content, title=content[:40], type=MemoryType.FACT,
                    namespace=list(NS), session_id="s1" if sources else None,
                    source_message_ids=list(sources), **fields)  # fmt: skip
    store.put(NS, memory.id, memory.to_value(), index=False)
    return memory.id


def log_turns(store: BaseStore) -> None:
    turns = [HumanMessage(content=f"Turn {i}: we said {WORDS[i]} and {WORDS[-1 - i]}.",
                          id=f"t{i}", name="Ana") for i in range(5)]  # fmt: skip
    message_log_for(store).append("s1", turns)


# -- the incremental re-read ----------------------------------------------------------

_op = st.one_of(
    st.tuples(st.just("insert"), st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
              st.lists(st.sampled_from(["t0", "t1", "t2", "t3", "t4"]), max_size=2)),
    st.tuples(st.sampled_from(["supersede", "forget", "edit", "delete", "reactivate"]),
              st.integers(0, 1000), st.sampled_from(WORDS)),
    st.tuples(st.just("reread"), st.just(0), st.just(0)),
)  # fmt: skip


def _apply(store: BaseStore, op: tuple) -> None:
    kind, a, b = op
    if kind == "insert":
        put(store, "User mentions " + " ".join(a) + ".", tuple(dict.fromkeys(b)))
        return
    keys = sorted(item.key for item in store.search(NS, limit=1000))
    if not keys:
        return
    key = keys[a % len(keys)]
    if kind == "delete":
        store.delete(NS, key)
        return
    value = dict(store.get(NS, key).value)  # type: ignore[union-attr]
    if kind == "supersede":
        value["status"] = "superseded"
    elif kind == "reactivate":
        value["status"] = "active"
    elif kind == "forget":
        value.update(status="forgotten", content="")
    else:
        value["content"] = f"User now prefers {b}."
    store.put(NS, key, value, index=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(_op, min_size=1, max_size=12))
def test_incremental_rereads_equal_a_fresh_build(ops: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp, opened(Path(tmp) / "m.duckdb", index=False) as store:
        log_turns(store)
        put(store, "User mentions octopus and chess.", ("t1",))
        put(store, "User mentions lisbon.")
        index = loaded(store, NS)
        reread(index)  # the versions of the load's state are known from here on
        full_reads: list[int] = []
        real = recall_records.read_records

        def counted(*args, **kw):  # type: ignore[no-untyped-def]
            full_reads.append(1)
            return real(*args, **kw)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("langmem_extract.recall_index.read_records", counted)
            for op in ops:
                if op[0] == "reread":
                    reread(index)
                else:
                    _apply(store, op)
            reread(index)
        assert full_reads == []  # every re-read took the changed-items path
        assert_same(index, from_scratch(store, NS), QUERIES)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    with opened(tmp_path / "m.duckdb", index=False) as duck:
        yield duck


class Reads:
    """What the store is asked for: listings of the prefix and items got by key."""

    def __init__(self, store: BaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.listings = 0
        self.got = 0
        real_iter, real_batch = recall_records.iter_memories, store.batch

        def iter_memories(*args, **kw):  # type: ignore[no-untyped-def]
            self.listings += 1
            return real_iter(*args, **kw)

        def batch(ops):  # type: ignore[no-untyped-def]
            ops = list(ops)
            self.got += sum(type(op).__name__ == "GetOp" for op in ops)
            return real_batch(ops)

        monkeypatch.setattr(recall_records, "iter_memories", iter_memories)
        monkeypatch.setattr(type(store), "batch", lambda _self, ops: batch(ops))


def supersede(store: BaseStore, key: str) -> None:
    value = store.get(NS, key).value  # type: ignore[union-attr]
    store.put(NS, key, {**value, "status": "superseded"}, index=False)


def test_one_change_reads_one_item_not_the_namespace(
    store: DuckDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = [put(store, f"User note {i} about {WORDS[i % len(WORDS)]}.") for i in range(200)]
    index = loaded(store, NS)
    reads = Reads(store, monkeypatch)
    for write in (
        lambda: put(store, "User mentions kayak trips."),
        lambda: supersede(store, keys[3]),
        lambda: store.delete(NS, keys[4]),
    ):
        write()
        reads.listings = reads.got = 0
        reread(index)
        assert reads.listings == 0  # never the whole namespace
        assert reads.got <= 1  # the one item written (a delete reads none)
    assert len(index.memories) == 200
    assert index.memories.records[keys[3]].status.value == "superseded"
    assert keys[4] not in index.memories
    assert_same(index, from_scratch(store, NS), QUERIES)


def test_a_store_without_versions_is_read_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    from langgraph.store.memory import InMemoryStore

    memory_store = InMemoryStore()
    put(memory_store, "User mentions chess.")
    index = loaded(memory_store, NS)
    put(memory_store, "User mentions kayak.")
    reads = Reads(memory_store, monkeypatch)
    reread(index)
    assert reads.listings == 1 and len(index.memories) == 2
    assert_same(index, from_scratch(memory_store, NS), QUERIES)


def test_a_commit_during_a_reread_is_read_again(
    store: DuckDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = put(store, "User mentions chess.")
    index = loaded(store, NS)
    reread(index)
    store.put(NS, key, {**store.get(NS, key).value, "content": "User mentions kayak."}, index=False)  # type: ignore[union-attr]
    real = recall_records.read_changed

    def racing(*args, **kw):  # type: ignore[no-untyped-def]
        got = real(*args, **kw)  # the value read, then a write before the versions settle
        store.put(NS, key, {**store.get(NS, key).value, "content": "User mentions chess."},  # type: ignore[union-attr]
                  index=False)  # fmt: skip
        return got

    monkeypatch.setattr("langmem_extract.recall_index.read_changed", racing)
    reread(index)  # holds "kayak", while the store holds "chess" again under the old version
    monkeypatch.undo()
    reread(index)
    assert index.memories.records[key].content == "User mentions chess."
    assert_same(index, from_scratch(store, NS), QUERIES)


# -- no erased text in a side file -----------------------------------------------------

WORD = "xylophonist"


def side_bytes(db: Path) -> bytes:
    """Every byte of the database's lexical files and of their members, unzipped."""
    out = b""
    for path in sorted(db.parent.glob(f"*{db.name}.lexical-*")):
        out += path.read_bytes()
        with contextlib.suppress(zipfile.BadZipFile), zipfile.ZipFile(path) as zf:
            out += b"".join(zf.read(name) for name in zf.namelist())
    return out.lower()


def recalled(store: BaseStore, query: str) -> list[str]:
    return [hit.memory.content for hit in recall_memories(store, query, NS, k=5)]


def test_a_raw_delete_leaves_no_text_in_a_side_file(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    with opened(db) as store:
        log_turns(store)
        doomed = Memory(content=f"User is a {WORD} in the town band.", title="band",
                        type=MemoryType.FACT, namespace=list(NS))  # fmt: skip
        store.put(NS, doomed.id, doomed.to_value())
        put(store, "User mentions octopus and chess.", ("t1",))
        loaded(store, NS)
        assert WORD.encode() in side_bytes(db)  # the file holds the text (and its stem)
        assert any(WORD in text for text in recalled(store, f"{WORD} band"))
        index = loaded(store, NS)
        store.delete(NS, doomed.id)
        assert WORD.encode() not in side_bytes(db)  # at once, before any recall
        assert not any(WORD in text for text in recalled(store, f"{WORD} band"))
        reread(index)  # the running index saves the state it read, without the text
        assert files.lexical_files(db) and WORD.encode() not in side_bytes(db)
    with opened(db, read_only=True) as store:  # a fresh process
        assert not any(WORD in text for text in recalled(store, f"{WORD} band"))
        listing = files.read_listing(store, NS, 1000)
        assert listing is not None and not listing.changed  # the saved file matches
        assert_same(loaded(store, NS), from_scratch(store, NS), QUERIES)
    assert WORD.encode() not in side_bytes(db)


def test_a_changed_content_purges_and_a_kept_one_does_not(store: DuckDBStore) -> None:
    db = Path(store.path or "")
    key = put(store, f"User is a {WORD}.")
    other = put(store, "User mentions chess.")
    loaded(store, NS)
    before = files.lexical_files(db)
    store.put(NS, other, {**store.get(NS, other).value, "status": "superseded"}, index=False)  # type: ignore[union-attr]
    put(store, "User mentions kayak.")
    assert files.lexical_files(db) == before  # nothing erased: the file stays
    store.put(NS, key, {**store.get(NS, key).value, "content": "User plays drums."}, index=False)  # type: ignore[union-attr]
    assert WORD.encode() not in side_bytes(db)
    assert_same(loaded(store, NS), from_scratch(store, NS), QUERIES)


def test_a_cleared_session_purges_its_turns(store: DuckDBStore) -> None:
    db = Path(store.path or "")
    message_log_for(store).append("s1", [HumanMessage(content=f"I am a {WORD}.", id="t0")])
    put(store, "User plays in a band.", ("t0",))
    loaded(store, NS)
    assert WORD.encode() in side_bytes(db)
    message_log_for(store).clear("s1")
    assert WORD.encode() not in side_bytes(db)


def test_a_crash_between_purge_and_commit_leaves_the_tables_and_no_stale_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "m.duckdb"
    with opened(db) as store:
        key = put(store, f"User is a {WORD}.")
        put(store, "User mentions chess.")
        loaded(store, NS)

        def crash(*args, **kw):  # type: ignore[no-untyped-def]
            raise RuntimeError("killed before the commit")

        monkeypatch.setattr(_duckdb_write, "write_batch", crash)
        monkeypatch.setattr("langmem_extract.store.duckdb_engine.write_batch", crash)
        with pytest.raises(RuntimeError):
            store.delete(NS, key)
        monkeypatch.undo()
        assert files.lexical_files(db) == []  # purged first: nothing can disagree
    with opened(db) as store:  # the delete never committed: the memory is still there
        index = loaded(store, NS)
        assert key in index.memories
        assert_same(index, from_scratch(store, NS), QUERIES)


def test_a_save_a_delete_overtook_is_never_renamed_into_place(store: DuckDBStore) -> None:
    db = Path(store.path or "")
    key = put(store, f"User is a {WORD}.")
    put(store, "User mentions chess.")
    listing = files.read_listing(store, NS, 1000)
    assert listing is not None
    index = NamespaceIndex(store, NS)
    index.memories.reset(listing.records, listing.full)
    index._refresh(reload_missing=True)
    store.delete(NS, key)  # commits between the listing and its save
    assert not listing.save(index.memories.records, index.documents(), index.lexical)
    assert WORD.encode() not in side_bytes(db)
    assert not list(db.parent.glob(f".{db.name}.lexical-*"))  # no temporary file left
    again = files.read_listing(store, NS, 1000)  # a quiet listing is saved
    assert again is not None and again.save(again.records, {}, index.lexical.__class__())
    assert files.lexical_files(db) and WORD.encode() not in side_bytes(db)
