"""TTL for memories: ``open_store(ttl=...)`` reaches every memory the graph writes.

``write_memories`` hands ``store.batch`` bare ``PutOp``s, which carry their own ``ttl``;
the store's ``default_ttl`` applies only when the write path passes it on. A retriever
read refreshes the expiry when the store's ``refresh_on_read`` says so (the default).
DuckDB runs on a fake clock; PostgreSQL computes expiry with ``NOW()``, so its test
moves ``expires_at`` into the past with SQL before sweeping. ``InMemoryStore`` has no
TTL (``supports_ttl`` is false), so memories there carry none.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from langgraph.store.memory import InMemoryStore

import langmem_extract.store.duckdb_engine as duckdb_store
from langmem_extract import extract_memories
from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.graph.persist import store_default_ttl
from langmem_extract.integrations.retriever import MemoryRetriever
from langmem_extract.store.factory import open_store

NS = ("memories", "ttl-user")
OTHER = ("memories", "ttl-other")
CHAT = [{"role": "user", "content": "I live in Rome and I work as a nurse."}]
MINUTE_US = 60_000_000


class Clock:
    def __init__(self) -> None:
        self.now = duckdb_store._now_us()

    def __call__(self) -> int:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += int(minutes * MINUTE_US)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock()
    monkeypatch.setattr(duckdb_store, "_now_us", c)
    yield c


def _duck_expiry(store) -> dict[str, int | None]:
    rows = store.conn.execute("SELECT key, epoch_us(expires_at) FROM store").fetchall()
    return dict(rows)


def _extract(store, namespace: tuple[str, ...] = NS) -> list[str]:
    result = extract_memories(CHAT, store=store, namespace=namespace)
    ids = [i.memory_id for i in result.items if i.status == "stored"]
    assert ids, result
    return ids


def test_duckdb_graph_memories_expire_and_retriever_reads_refresh(clock: Clock) -> None:
    with open_store(":memory:", embeddings=HashingEmbeddings(64), ttl={"default_ttl": 5}) as s:
        ids = _extract(s)
        other = _extract(s, OTHER)  # never read below
        start = clock.now
        expiry = _duck_expiry(s)
        assert {expiry[i] for i in ids + other} == {start + 5 * MINUTE_US}

        clock.advance(3)
        docs = MemoryRetriever(store=s, namespace=NS, k=1).invoke("where do I live")
        assert docs
        expiry = _duck_expiry(s)
        # The read refreshed what it returned (and what its search ranked: the namespace).
        assert expiry[docs[0].metadata["id"]] == start + 8 * MINUTE_US
        assert {expiry[i] for i in ids} == {start + 8 * MINUTE_US}
        assert {expiry[i] for i in other} == {start + 5 * MINUTE_US}

        clock.advance(3)  # past the unread expiry, before the refreshed one
        assert s.sweep_ttl() == len(other)
        assert s.search(OTHER, limit=100, refresh_ttl=False) == []
        assert {item.key for item in s.search(NS, limit=100, refresh_ttl=False)} == set(ids)

        clock.advance(3)
        assert s.sweep_ttl() == len(ids)
        assert s.search(NS, limit=100, refresh_ttl=False) == []


def test_duckdb_refresh_on_read_false_keeps_expiry(clock: Clock) -> None:
    ttl = {"default_ttl": 5, "refresh_on_read": False}
    with open_store(":memory:", embeddings=HashingEmbeddings(64), ttl=ttl) as s:
        ids = _extract(s)
        before = _duck_expiry(s)
        clock.advance(1)
        assert MemoryRetriever(store=s, namespace=NS, k=10).invoke("where do I live")
        assert _duck_expiry(s) == before
        clock.advance(5)
        assert s.sweep_ttl() == len(ids)


def test_duckdb_without_ttl_memories_never_expire(clock: Clock) -> None:
    with open_store(":memory:", embeddings=HashingEmbeddings(64)) as s:
        ids = _extract(s)
        assert all(v is None for k, v in _duck_expiry(s).items() if k in ids)
        clock.advance(10**6)
        assert s.sweep_ttl() == 0


def test_inmemory_store_has_no_ttl() -> None:
    store = InMemoryStore()
    assert store_default_ttl(store) is None
    assert _extract(store)


def test_postgres_graph_memories_expire_and_retriever_reads_refresh() -> None:
    import psycopg

    from tests.pg_server import database_url, truncate_all

    url = database_url("langmem_test_ttl_d64")
    ttl = {"default_ttl": 5, "sweep_interval_minutes": 60}
    with open_store(url, embeddings=HashingEmbeddings(64), ttl=ttl) as s:
        truncate_all(url)
        # open_store's setup starts the sweeper the config asks for, as on DuckDB.
        assert s._ttl_sweeper_thread is not None and s._ttl_sweeper_thread.is_alive()
        ids = _extract(s)
        with psycopg.connect(url, autocommit=True) as conn:

            def expiry() -> dict[str, float]:
                rows = conn.execute(
                    "SELECT key, extract(epoch FROM expires_at - NOW()) FROM store"
                ).fetchall()
                return {k: float(v) for k, v in rows if v is not None}

            left = expiry()
            assert set(ids) <= set(left)
            assert all(4 * 60 < left[i] <= 5 * 60 for i in ids)

            # Put the memories one minute from expiry, then read them through the retriever.
            conn.execute("UPDATE store SET expires_at = NOW() + interval '1 minute'")
            time.sleep(0.01)
            docs = MemoryRetriever(store=s, namespace=NS, k=10).invoke("where do I live")
            read = {d.metadata["id"] for d in docs}
            assert read
            left = expiry()
            for key in read:
                assert left[key] > 4 * 60  # refreshed to the full TTL

            conn.execute(
                "UPDATE store SET expires_at = NOW() - interval '1 second' WHERE key = ANY(%s)",
                [list(read)],
            )
        assert s.sweep_ttl() == len(read)
        assert not {item.key for item in s.search(NS, limit=100, refresh_ttl=False)} & read
