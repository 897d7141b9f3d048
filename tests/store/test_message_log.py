"""The message log: one conformance suite over DuckDB, PostgreSQL and the items fallback.

``message_log_for`` gives the store's own ``lme_messages`` table on DuckDB and
PostgreSQL and store items on any other store (here LangGraph's ``InMemoryStore``);
every behaviour below holds on all three. DuckDB- and PostgreSQL-specific tests
(migrations, concurrency, limits) follow the suite.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, message_to_dict
from langgraph.store.base import BaseStore

from langmem_extract.errors import InvalidInputError, InvalidNamespaceError, StoreError
from langmem_extract.message_log import (
    ItemsMessageLog,
    MessageLog,
    TableMessageLog,
    message_log_for,
)
from langmem_extract.store import _duckdb_sql
from langmem_extract.store.duckdb import DuckDBStore
from tests.backends import BACKENDS, make_store
from tests.conftest import HashEmbeddings
from tests.integrations.helpers import in_memory_store

KINDS = ["inmemory", *BACKENDS]


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest) -> Iterator[BaseStore]:
    if request.param == "inmemory":
        yield in_memory_store()
        return
    with make_store(request.param, HashEmbeddings(), dims=64) as s:
        yield s


@pytest.fixture
def log(store: BaseStore) -> MessageLog:
    return message_log_for(store)


# -- the conformance suite -------------------------------------------------------------


def test_each_store_gets_its_native_log(store: BaseStore, log: MessageLog) -> None:
    native = type(store).__name__ in ("DuckDBStore", "PostgresStore")
    assert isinstance(log, TableMessageLog if native else ItemsMessageLog)


def test_append_load_in_order_with_ids(log: MessageLog) -> None:
    msgs = [
        SystemMessage("be brief"),
        HumanMessage("I'm vegetarian", id="h1"),
        AIMessage("Noted!"),
    ]
    added = log.append("s1", msgs)
    assert [m.id for m in added] == [m.id for m in msgs]
    assert msgs[1].id == "h1"
    assert msgs[0].id and msgs[2].id  # ids assigned in place
    loaded = log.load("s1")
    assert [(type(m), m.content, m.id) for m in loaded] == [
        (type(m), m.content, m.id) for m in msgs
    ]


def test_append_is_idempotent_by_id(log: MessageLog) -> None:
    log.append("s1", [HumanMessage("hello", id="a")])
    added = log.append("s1", [HumanMessage("hello", id="a"), AIMessage("hi", id="b")])
    assert [m.id for m in added] == ["b"]
    assert [m.id for m in log.load("s1")] == ["a", "b"]


def test_a_repeated_id_within_one_append_is_stored_once(log: MessageLog) -> None:
    added = log.append("s1", [HumanMessage("one", id="x"), HumanMessage("two", id="x")])
    assert [(m.id, m.content) for m in added] == [("x", "one")]
    assert [m.content for m in log.load("s1")] == ["one"]


def test_sessions_are_separate_and_last_n(log: MessageLog) -> None:
    for i in range(7):
        log.append("s1", [HumanMessage(f"m{i}")])
    log.append("s2", [HumanMessage("other")])
    assert [m.content for m in log.load("s1", last=3)] == ["m4", "m5", "m6"]
    assert [m.content for m in log.load("s1", last=100)] == [f"m{i}" for i in range(7)]
    assert log.load("s1", last=0) == []
    assert [m.content for m in log.load("s2")] == ["other"]
    log.clear("s1")
    assert log.load("s1") == []
    assert [m.content for m in log.load("s2")] == ["other"]


def test_the_same_id_in_two_sessions_is_two_messages(log: MessageLog) -> None:
    log.append("s1", [HumanMessage("first", id="m")])
    assert [m.id for m in log.append("s2", [HumanMessage("second", id="m")])] == ["m"]
    assert [m.content for m in log.load("s1")] == ["first"]
    assert [m.content for m in log.load("s2")] == ["second"]


def test_message_fields_survive_the_round_trip(log: MessageLog) -> None:
    blocks = [{"type": "text", "text": "see "}, {"type": "text", "text": "this"}]
    ai = AIMessage(
        "",
        id="ai",
        tool_calls=[{"name": "lookup", "args": {"q": "tea"}, "id": "call-1"}],
        additional_kwargs={"note": "kept"},
    )
    sent = [HumanMessage(blocks, id="h", name="ana"), ai]
    log.append("s1", sent)
    loaded = log.load("s1")
    assert [message_to_dict(m) for m in loaded] == [message_to_dict(m) for m in sent]


async def test_async_round_trip(log: MessageLog) -> None:
    added = await log.aappend("s1", [HumanMessage("x", id="x"), AIMessage("y")])
    assert [m.content for m in added] == ["x", "y"]
    assert await log.aappend("s1", [HumanMessage("x", id="x")]) == []
    assert [m.content for m in await log.aload("s1")] == ["x", "y"]
    assert [m.content for m in await log.aload("s1", last=1)] == ["y"]
    await log.aclear("s1")
    assert await log.aload("s1") == []


def test_many_messages_page_through(log: MessageLog) -> None:
    batch = [HumanMessage(f"n{i}") for i in range(1200)]
    log.append("big", batch)
    loaded = log.load("big")
    assert [m.content for m in loaded] == [f"n{i}" for i in range(1200)]


@pytest.mark.parametrize("session_id", ["", "   ", None, 3])
def test_bad_session_id(log: MessageLog, session_id: object) -> None:
    with pytest.raises(InvalidInputError):
        log.append(session_id, [HumanMessage("x")])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        log.load(session_id)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        log.clear(session_id)  # type: ignore[arg-type]


def test_non_message_rejected_and_nothing_written(log: MessageLog) -> None:
    with pytest.raises(InvalidInputError):
        log.append("s1", [HumanMessage("ok"), {"role": "user", "content": "x"}])  # type: ignore[list-item]
    assert log.load("s1") == []


def test_appending_nothing_adds_nothing(log: MessageLog) -> None:
    assert log.append("s1", []) == []
    assert log.load("s1") == []


# -- the items fallback ----------------------------------------------------------------


def test_items_log_rejects_session_ids_that_are_not_namespace_labels() -> None:
    log = ItemsMessageLog(in_memory_store())
    with pytest.raises(InvalidNamespaceError):
        log.append("a.b", [HumanMessage("x")])


def test_items_log_keeps_messages_as_items_under_its_prefix() -> None:
    store = in_memory_store()
    ItemsMessageLog(store, prefix=("logs", "chat")).append("s1", [HumanMessage("x", id="m1")])
    item = store.get(("logs", "chat", "s1"), "m1")
    assert item is not None and item.value["message"]["data"]["content"] == "x"


# -- DuckDB ----------------------------------------------------------------------------


def test_duckdb_log_shares_the_store_file(tmp_path: Path) -> None:
    from langmem_extract import open_store

    path = tmp_path / "memories.duckdb"
    with open_store(str(path), embeddings=HashEmbeddings()) as store:
        message_log_for(store).append("s1", [HumanMessage("kept", id="m1")])
    with open_store(str(path), embeddings=HashEmbeddings()) as store:
        log = message_log_for(store)
        assert isinstance(log, TableMessageLog)
        assert [(m.id, m.content) for m in log.load("s1")] == [("m1", "kept")]
        store.close()
        with pytest.raises(StoreError):
            log.load("s1")


def test_duckdb_concurrent_appends_of_the_same_ids_all_succeed() -> None:
    # The same 50 ids from 8 threads at once: before the log ran under the store's lock,
    # about 40% of these appends failed with a primary-key error.
    with DuckDBStore.from_conn_string(":memory:") as store:
        store.setup()
        log = message_log_for(store)
        errors: list[BaseException] = []
        added: list[str] = []

        def work() -> None:
            for j in range(50):
                try:
                    added.extend(
                        str(m.id) for m in log.append("s", [HumanMessage(f"m{j}", id=f"m{j}")])
                    )
                except Exception as exc:  # collected and asserted below
                    errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(added) == sorted(f"m{j}" for j in range(50))  # each id added once
        assert len(log.load("s")) == 50


def test_duckdb_long_and_short_messages_are_staged_in_bounded_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from langmem_extract.store import _duckdb_write

    monkeypatch.setattr(_duckdb_write, "MESSAGE_STAGE_BYTES", 64 * 1024)
    chunks: list[int] = []
    real = _duckdb_write._message_chunks

    def spy(rows):  # type: ignore[no-untyped-def]
        for chunk in real(rows):
            assert len(chunk) == 1 or len(chunk) * max(len(r.payload) for r in chunk) * 4 <= (
                64 * 1024
            )
            chunks.append(len(chunk))
            yield chunk

    monkeypatch.setattr(_duckdb_write, "_message_chunks", spy)
    msgs = [HumanMessage("s" * 10) for _ in range(300)]
    msgs.insert(150, HumanMessage("L" * 40_000))
    with DuckDBStore.from_conn_string(":memory:") as store:
        log = message_log_for(store)
        assert len(log.append("s", msgs)) == 301
        assert len(chunks) > 1 and sum(chunks) == 301
        assert [m.content for m in log.load("s")] == [m.content for m in msgs]


# The table as the earlier transcript module created it, outside the migrations.
_OLD_CREATE = """
CREATE TABLE IF NOT EXISTS lme_messages (
    session_id VARCHAR NOT NULL,
    message_id VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    role VARCHAR NOT NULL,
    content VARCHAR NOT NULL,
    payload JSON NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (session_id, message_id)
)
"""
_OLD_INSERT = """
INSERT INTO lme_messages (session_id, message_id, seq, role, content, payload)
VALUES (?, ?, ?, ?, ?, ?)
"""


def test_a_v3_file_with_the_old_message_table_keeps_its_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.duckdb"
    old = [HumanMessage("I live in Lisbon", id="h1"), AIMessage("Noted.", id="a1")]
    monkeypatch.setattr(_duckdb_sql, "MIGRATIONS", _duckdb_sql.MIGRATIONS[:4])
    with DuckDBStore.from_conn_string(str(path)) as store:
        store.setup()
        store.put(("memories",), "k", {"content": "kept too"})
        store.conn.execute(_OLD_CREATE)
        for seq, m in enumerate(old):
            payload = json.dumps(message_to_dict(m))
            store.conn.execute(_OLD_INSERT, ["s1", m.id, seq, m.type, m.text, payload])
    monkeypatch.undo()
    with DuckDBStore.from_conn_string(str(path)) as store:
        store.setup()
        versions = [
            r[0] for r in store.conn.execute(_duckdb_sql.SELECT_MIGRATION_VERSIONS).fetchall()
        ]
        assert versions == list(range(len(_duckdb_sql.MIGRATIONS)))
        log = message_log_for(store)
        assert [(m.id, m.content) for m in log.load("s1")] == [
            ("h1", "I live in Lisbon"),
            ("a1", "Noted."),
        ]
        assert [m.id for m in log.append("s1", [old[0], AIMessage("New.", id="a2")])] == ["a2"]
        assert [m.id for m in log.load("s1")] == ["h1", "a1", "a2"]
        assert store.get(("memories",), "k") is not None


# -- PostgreSQL ------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_rejects_nul_characters_before_writing() -> None:
    with make_store("postgres", HashEmbeddings(), dims=64) as store:
        log = message_log_for(store)
        with pytest.raises(InvalidInputError, match="NUL"):
            log.append("s1", [HumanMessage("fine"), HumanMessage("bad \x00 byte")])
        assert log.load("s1") == []
        # A backslash followed by "u0000" is ordinary text, not a NUL.
        log.append("s1", [HumanMessage("literal \\u0000 text")])
        assert [m.content for m in log.load("s1")] == ["literal \\u0000 text"]


@pytest.mark.postgres
def test_postgres_items_logs_move_into_the_table() -> None:
    """A database whose logs are store items (the layout before ``lme_messages``)."""
    from langgraph.store.postgres import PostgresStore as LangGraphPostgresStore

    from langmem_extract.store.postgres import PostgresStore
    from tests.pg_server import database_url

    url = database_url("langmem_test_message_items")
    with LangGraphPostgresStore.from_conn_string(url) as plain:
        plain.setup()
        with plain.conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS lme_messages, lme_migrations")
            cur.execute("DELETE FROM store")
        old = ItemsMessageLog(plain)
        old.append("s1", [HumanMessage("I live in Lisbon", id="h1"), AIMessage("Noted.", id="a1")])
        old.append("s2", [HumanMessage("other", id="o1")])
        plain.put(("memories", "u1"), "mem", {"content": "stays an item"})
    with PostgresStore.from_conn_string(url) as store:
        store.setup()
        log = message_log_for(store)
        assert [(m.id, m.content) for m in log.load("s1")] == [
            ("h1", "I live in Lisbon"),
            ("a1", "Noted."),
        ]
        assert [m.content for m in log.load("s2")] == ["other"]
        assert store.search(("transcripts",)) == []  # moved, not copied
        assert store.get(("memories", "u1"), "mem") is not None
        store.setup()  # idempotent: nothing moved twice
        assert len(log.load("s1")) == 2


@pytest.mark.postgres
def test_postgres_creates_the_table_on_first_use_without_setup() -> None:
    from langmem_extract.store.postgres import PostgresStore
    from tests.pg_server import database_url

    url = database_url("langmem_test_message_lazy")
    with PostgresStore.from_conn_string(url) as store:
        store.setup()
        with store._cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS lme_messages, lme_migrations")
    with PostgresStore.from_conn_string(url) as store:  # an upgraded app, no setup() call
        log = message_log_for(store)
        log.append("s1", [HumanMessage("hello", id="h")])
        assert [m.id for m in log.load("s1")] == ["h"]
