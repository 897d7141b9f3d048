"""``DuckDBEngine``, the plain engine ``DuckDBStore`` is built on: its reads answer what
the LangGraph store's ops answer on the same file, and its errors are the store's."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.store.base import GetOp
from langgraph.store.base import InvalidNamespaceError as LangGraphInvalidNamespaceError

from langmem_extract.message_log import message_log_for
from langmem_extract.schema import Memory, MemoryType, make_title
from langmem_extract.store.duckdb import DuckDBStore
from langmem_extract.store.duckdb_engine import DuckDBEngine, StoredItem
from tests.store.conftest import hash_index

ROOT = Path(__file__).resolve().parents[2]

_ITEMS = {
    ("users", "ana"): {
        "a1": {"content": "Ana drinks green tea every morning", "kind": "habit", "n": 1},
        "a2": {"content": "Ana lives in Lisbon near the river", "kind": "fact", "n": 2},
        "a3": {"content": "Ana plays the cello on Sundays", "kind": "habit", "n": 3},
    },
    ("users", "leo"): {
        "l1": {"content": "Leo drinks black coffee", "kind": "habit", "n": 4},
        "l2": {"content": "Leo moved to Leeds for work", "kind": "fact", "n": 5},
    },
}


@pytest.fixture
def file_db(tmp_path: Path) -> Path:
    path = tmp_path / "engine.duckdb"
    with DuckDBStore.from_conn_string(str(path), index=hash_index()) as store:
        store.setup()
        for namespace, items in _ITEMS.items():
            for key, value in items.items():
                store.put(namespace, key, value)
        store.put(("users", "ana"), "raw", {"content": "not indexed"}, index=False)
        for text in ("User drinks green tea at breakfast.", "User's brother plays chess."):
            memory = Memory(
                content=text,
                title=make_title(text),
                type=MemoryType.FACT,
                namespace=["memories", "_shared"],
            )
            store.put(tuple(memory.namespace), memory.id, memory.to_value())  # fmt: skip
        log = message_log_for(store, redact=False)
        log.append("s1", [
            HumanMessage("I live in Lisbon", id="m1", name="ana",
                         additional_kwargs={"timestamp": "2024-05-01T10:00:00+00:00"}),
            AIMessage([{"type": "text", "text": "Noted, "}, "Lisbon", {"type": "image_url",
                       "image_url": {"url": "x"}}], id="m2"),
        ])  # fmt: skip
    return path


def _fields(item: object) -> tuple:
    return (
        tuple(item.namespace), item.key, item.value,  # type: ignore[attr-defined]
        item.created_at, item.updated_at, getattr(item, "score", None),  # type: ignore[attr-defined]
    )  # fmt: skip


@pytest.mark.parametrize(
    "kwargs",
    [
        {"query": "green tea drinks"},
        {"query": "lives in", "filter": {"kind": "fact"}},
        {"query": "cello", "limit": 2, "offset": 1},
        {},
        {"filter": {"n": {"$gte": 3}}, "limit": 3},
    ],
)
def test_engine_reads_answer_as_the_store(file_db: Path, kwargs: dict) -> None:
    with DuckDBStore.from_conn_string(str(file_db), index=hash_index(), read_only=True) as store:
        store.setup()
        want_search = store.search(("users",), **kwargs)
        keys = [(ns, key) for ns, items in _ITEMS.items() for key in items] + [
            (("users", "ana"), "missing")
        ]
        want_gets = store.batch([GetOp(ns, key) for ns, key in keys])
        want_names = store.list_namespaces(prefix=("users",), max_depth=2)
        want_dict = [item.dict() for item in want_search]
    with DuckDBEngine.from_conn_string(str(file_db), index=hash_index(), read_only=True) as engine:
        engine.setup()
        got_search = engine.search(("users",), **kwargs)
        assert all(type(item) is StoredItem for item in got_search)
        assert [_fields(i) for i in got_search] == [_fields(i) for i in want_search]
        assert [i.dict() for i in got_search] == want_dict
        got_gets = engine.get_many(keys)
        assert [None if i is None else _fields(i)[:5] for i in got_gets] == [
            None if i is None else _fields(i)[:5] for i in want_gets
        ]
        assert got_gets[-1] is None
        assert _fields(engine.get(("users", "leo"), "l2"))[:5] == _fields(want_gets[4])[:5]
        assert engine.list_namespaces(prefix=("users",), max_depth=2) == want_names


def test_async_recall_on_the_engine_is_the_sync_one(file_db: Path) -> None:
    from langmem_extract.recall import arecall_memories, recall_memories

    with DuckDBEngine.from_conn_string(str(file_db), index=hash_index(), read_only=True) as engine:
        engine.setup()
        searched = asyncio.run(engine.asearch(("users",), query="tea"))
        assert [_fields(i) for i in searched] == [
            _fields(i) for i in engine.search(("users",), query="tea")
        ]
        sync = [(h.memory.id, h.score) for h in recall_memories(engine, "who drinks tea", k=2)]
        both = asyncio.run(arecall_memories(engine, "who drinks tea", k=2))
    assert len(sync) == 2
    assert [(h.memory.id, h.score) for h in both] == sync


def test_store_get_many_returns_langgraph_items(file_db: Path) -> None:
    with DuckDBStore.from_conn_string(str(file_db), index=hash_index()) as store:
        got = store.get_many([(("users", "ana"), "a1"), (("users", "ana"), "nope")])
        want = store.get(("users", "ana"), "a1")
    assert got[1] is None
    assert got[0] == want and type(got[0]) is type(want)


def test_logged_turns_are_the_messages_fields(file_db: Path) -> None:
    """Recall's index reads a session's turns from the table (its text column and the
    payload's fields), not as LangChain messages: the same id, name, text and time."""
    with DuckDBStore.from_conn_string(str(file_db), index=hash_index()) as store:
        messages = message_log_for(store).load("s1")
        turns = store.load_turns("s1")
    assert [(t.id, t.name, t.text, t.additional_kwargs) for t in turns] == [
        (m.id, m.name, m.text, m.additional_kwargs) for m in messages
    ]
    assert turns[1].text == "Noted, Lisbon"


def test_engine_errors_are_the_stores(file_db: Path) -> None:
    from langmem_extract.errors import InvalidInputError, InvalidNamespaceError, ReadOnlyStoreError

    with DuckDBEngine.from_conn_string(str(file_db), index=hash_index(), read_only=True) as engine:
        engine.setup()
        for bad in (("a.b",), ("",), "users"):
            with pytest.raises(InvalidNamespaceError) as caught:
                engine.search(bad)  # type: ignore[arg-type]
            assert isinstance(caught.value, LangGraphInvalidNamespaceError)
        with pytest.raises(InvalidInputError):
            engine.search(("users",), limit=-1)
        with pytest.raises(ReadOnlyStoreError):
            engine.clear_messages("s1")


def test_the_namespace_rule_loads_langgraph_only_to_reject() -> None:
    """The namespace validator runs without LangGraph; its error, made on first use, is
    one class, LangGraph's ``InvalidNamespaceError`` too."""
    script = (
        "import sys\n"
        "from langmem_extract.namespaces import parse_namespace, validate_namespace\n"
        "assert parse_namespace('memories/ana') == ('memories', 'ana')\n"
        "print('langgraph.store.base' in sys.modules)\n"
        "from langmem_extract import errors, namespaces\n"
        "try:\n"
        "    validate_namespace(('a.b',))\n"
        "except namespaces.InvalidNamespaceError as exc:\n"
        "    from langgraph.store.base import InvalidNamespaceError as LG\n"
        "    print(type(exc) is errors.InvalidNamespaceError, isinstance(exc, LG))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True"]


def test_open_reader_refuses_what_it_cannot_read_and_writes_nothing(tmp_path: Path) -> None:
    import duckdb

    from langmem_extract.errors import InvalidInputError, StoreError
    from langmem_extract.store.factory import open_reader

    with pytest.raises(InvalidInputError) as bad:
        open_reader("postgresql://u:hunter2@db.example/m")
    assert "hunter2" not in str(bad.value)  # the URL's password is masked
    with pytest.raises(InvalidInputError):
        open_reader(42)  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        open_reader(tmp_path / "missing.duckdb")
    assert list(tmp_path.iterdir()) == []  # a read never creates the file
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    with pytest.raises(StoreError, match="not set up"):
        open_reader(tmp_path / "empty.duckdb")
    assert [p.name for p in tmp_path.iterdir()] == ["empty.duckdb"]
