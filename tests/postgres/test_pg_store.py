"""The PostgreSQL store wrapper against a real embedded PostgreSQL + pgvector server."""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import psutil
import psycopg
import pytest
from langgraph.store.base import SearchOp

from langmem_extract.errors import (
    EmbeddingDimensionError,
    InvalidInputError,
    InvalidNamespaceError,
    InvalidVectorError,
    QueryRewriteError,
    StoreError,
    UnknownFilterOperatorError,
)
from langmem_extract.store._pg_filters import stable_ties
from langmem_extract.store.postgres import PostgresStore, _lock_key
from tests.backends import make_store
from tests.conftest import HashEmbeddings
from tests.pg_server import EmbeddedPostgres, database_url, truncate_all
from tests.postgres._workers import COUNTER_NS, bump_counter

pytestmark = pytest.mark.postgres

NS = ("memories", "u1")


class SpyEmbeddings(HashEmbeddings):
    """Records which method embedded what, and can return broken vectors."""

    def __init__(self, dims: int = 64) -> None:
        super().__init__(dims)
        self.queries: list[str] = []
        self.documents: list[str] = []
        self.broken: str | None = None  # "short" or "nan"

    def _one(self, text: str) -> list[float]:
        vec = super()._one(text)
        if self.broken == "short":
            return vec[:-1]
        if self.broken == "nan":
            vec[0] = math.nan
        return vec

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.extend(texts)
        return super().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return super().embed_query(text)


@pytest.fixture
def spy() -> SpyEmbeddings:
    return SpyEmbeddings()


@pytest.fixture
def store(spy: SpyEmbeddings) -> Iterator[PostgresStore]:
    with make_store("postgres", spy, dims=64) as s:
        assert isinstance(s, PostgresStore)
        yield s


def _seed(store: PostgresStore, n: int = 20) -> None:
    for i in range(n):
        store.put(
            NS,
            f"m{i}",
            {
                "content": f"the user likes topic number {i}",
                "n": i,
                "status": "active" if i % 2 else "superseded",
                "at": f"2024-01-{i + 1:02d}T00:00:00Z",
            },
        )


def _keys(items: list) -> list[int]:
    return sorted(int(item.key[1:]) for item in items)


# --- the server ---------------------------------------------------------------


def test_server_listens_on_loopback_with_pgvector() -> None:
    url = database_url("langmem_test_d64")
    with psycopg.connect(url) as conn:
        listen = conn.execute("SHOW listen_addresses").fetchone()
        ext = conn.execute(
            "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
        ).fetchone()
        data_dir = conn.execute("SELECT current_setting('data_directory')").fetchone()
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert backend is not None
        # The backend exits when the connection closes: read its owner while it is open.
        owner = psutil.Process(backend[0]).uids().real
    assert listen == ("127.0.0.1",)
    assert ext is not None and ext[0].startswith("0.8")
    assert data_dir is not None and "langmem-pg-" in data_dir[0]
    assert owner != 0 if os.geteuid() == 0 else owner == os.geteuid()  # never root


def test_server_stops_and_removes_its_data_dir() -> None:
    server = EmbeddedPostgres().start()
    data_dir = server._tmp
    url = server.url()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    server.stop()
    assert data_dir is not None and not data_dir.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


# --- reads, writes and search ---------------------------------------------------


def test_roundtrip_and_semantic_search(store: PostgresStore) -> None:
    _seed(store)
    item = store.get(NS, "m3")
    assert item is not None and item.value["n"] == 3
    hits = store.search(("memories",), query="the user likes topic number 7", limit=3)
    assert len(hits) == 3
    assert hits[0].key == "m7"
    assert hits[0].score is not None and hits[0].score > hits[-1].score  # type: ignore[operator]


def test_queries_are_embedded_as_queries(store: PostgresStore, spy: SpyEmbeddings) -> None:
    _seed(store, 2)
    spy.documents.clear()
    store.search(NS, query="what does the user like", limit=2)
    assert spy.queries == ["what does the user like"]
    assert spy.documents == []


def test_truncated_between_tests_part_one(store: PostgresStore) -> None:
    store.put(NS, "leftover", {"content": "x"})
    assert store.get(NS, "leftover") is not None


def test_truncated_between_tests_part_two(store: PostgresStore) -> None:
    assert store.get(NS, "leftover") is None
    assert store.search(NS, limit=10) == []


# --- filters ----------------------------------------------------------------------


def test_numeric_comparisons_are_numeric(store: PostgresStore) -> None:
    _seed(store)
    # As text, "10" < "9"; these must compare as numbers.
    assert _keys(store.search(NS, filter={"n": {"$gt": 9, "$lte": 12}}, limit=50)) == [10, 11, 12]
    assert _keys(store.search(NS, filter={"n": {"$lt": 2}}, limit=50)) == [0, 1]
    assert _keys(store.search(NS, filter={"n": {"$gte": 18.5}}, limit=50)) == [19]


def test_string_comparisons_on_iso_timestamps(store: PostgresStore) -> None:
    _seed(store)
    hits = store.search(NS, filter={"at": {"$gte": "2024-01-18T00:00:00Z"}}, limit=50)
    assert _keys(hits) == [17, 18, 19]


def test_in_and_nin(store: PostgresStore) -> None:
    _seed(store)
    assert _keys(store.search(NS, filter={"n": {"$in": [1, 3, 99]}}, limit=50)) == [1, 3]
    assert len(store.search(NS, filter={"n": {"$nin": [1, 3]}}, limit=50)) == 18
    assert store.search(NS, filter={"n": {"$in": []}}, limit=50) == []
    both = store.search(NS, filter={"status": {"$in": ["active"]}, "n": {"$nin": [1]}}, limit=50)
    assert _keys(both) == [3, 5, 7, 9, 11, 13, 15, 17, 19]


def test_ne_and_nin_match_a_missing_field(store: PostgresStore) -> None:
    store.put(NS, "a", {"content": "a", "kind": "x"})
    store.put(NS, "b", {"content": "b"})
    assert {i.key for i in store.search(NS, filter={"kind": {"$ne": "x"}})} == {"b"}
    assert {i.key for i in store.search(NS, filter={"kind": {"$nin": ["x"]}})} == {"b"}
    assert {i.key for i in store.search(NS, filter={"kind": "x"})} == {"a"}


def test_filter_with_vector_query(store: PostgresStore) -> None:
    _seed(store)
    hits = store.search(NS, query="topic number 4", filter={"status": "active"}, limit=5)
    assert len(hits) == 5
    assert all(h.value["status"] == "active" for h in hits)


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ({"n": {"$regex": "1"}}, UnknownFilterOperatorError),
        ({"$or": [{"n": 1}]}, UnknownFilterOperatorError),
        ({"n": {"$in": 3}}, InvalidInputError),
        ({"n": {"$gt": [1]}}, InvalidInputError),
        ({"bad key": 1}, InvalidInputError),
    ],
)
def test_bad_filter_raises_typed_error(
    store: PostgresStore, bad: dict, error: type[Exception]
) -> None:
    with pytest.raises(error):
        store.search(NS, filter=bad)


def test_nested_paths_and_missing_fields(store: PostgresStore) -> None:
    store.put(NS, "a", {"content": "a", "meta": {"src": "chat", "v": 2}, "opt": None})
    store.put(NS, "b", {"content": "b", "meta": {"src": "cli", "v": 10}})
    store.put(NS, "c", {"content": "c", "meta": "not an object"})

    def keys(flt: dict) -> set[str]:
        return {i.key for i in store.search(NS, filter=flt)}

    assert keys({"meta.src": "chat"}) == {"a"}
    assert keys({"meta": {"src": "cli"}}) == {"b"}  # nested equality, as in DuckDB
    assert keys({"meta.v": {"$gt": 3}}) == {"b"}
    assert keys({"meta.src": {"$ne": "chat"}}) == {"b"}  # "c" has no object to look into
    assert keys({"meta": {}}) == {"a", "b"}  # "is an object"
    assert keys({"opt": None}) == {"a", "b", "c"}  # missing reads as null
    assert keys({"opt": {"$in": [None]}}) == {"a", "b", "c"}
    assert keys({"meta.v": {"$in": [2.0]}}) == {"a"}  # 2 == 2.0


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.put((), "k", {"content": "x"}), InvalidNamespaceError),
        (lambda s: s.put(("a.b",), "k", {"content": "x"}), InvalidNamespaceError),
        (lambda s: s.put(("langgraph",), "k", {"content": "x"}), InvalidNamespaceError),
        (lambda s: s.put(NS, "k", {"content": "x\x00y"}), InvalidInputError),
        (lambda s: s.put(NS, "k", {"content": float("nan")}), InvalidInputError),
        (lambda s: s.put(NS, "k\x00", {"content": "x"}), InvalidInputError),
        (lambda s: s.search(NS, limit=-1), InvalidInputError),
        (lambda s: s.get(("",), "k"), InvalidNamespaceError),
    ],
)
def test_bad_input_is_a_typed_error_and_writes_nothing(
    store: PostgresStore, call: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        call(store)
    assert store.search(("memories",), limit=10) == []


# --- bad embeddings write nothing --------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "error"), [("short", EmbeddingDimensionError), ("nan", InvalidVectorError)]
)
def test_bad_embedding_writes_nothing(
    store: PostgresStore, spy: SpyEmbeddings, broken: str, error: type[Exception]
) -> None:
    spy.broken = broken
    with pytest.raises(error):
        store.put(NS, "bad", {"content": "some text"})
    spy.broken = None
    assert store.get(NS, "bad") is None
    with pytest.raises(error):
        spy.broken = broken
        store.search(NS, query="anything")


# --- construction ------------------------------------------------------------------


def test_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError):
        PostgresStore.connect("postgresql://postgres@127.0.0.1:1/none", timeout=1)


def test_close_is_idempotent() -> None:
    url = database_url("langmem_test_d64")
    store = PostgresStore.connect(url)
    with store.namespace_lock(NS):
        pass
    store.close()
    store.close()


# --- namespace lock ----------------------------------------------------------------


def test_lock_keys_are_stable_and_distinct() -> None:
    assert _lock_key(("a", "b")) == _lock_key(("a", "b"))
    assert _lock_key(("a", "b")) != _lock_key(("a.b",))
    assert _lock_key(("ab",)) != _lock_key(("a", "b"))


def test_namespace_lock_excludes_threads(store: PostgresStore) -> None:
    inside = 0
    overlap = False
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, overlap
        for _ in range(5):
            with store.namespace_lock(NS):
                with guard:
                    inside += 1
                    overlap |= inside > 1
                time.sleep(0.003)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not overlap


def test_namespace_lock_is_reentrant_in_a_thread(store: PostgresStore) -> None:
    with store.namespace_lock(NS), store.namespace_lock(NS):
        store.put(NS, "k", {"content": "nested"})
    # Fully released: another thread can take it.
    taken = threading.Event()

    def other() -> None:
        with store.namespace_lock(NS):
            taken.set()

    t = threading.Thread(target=other)
    t.start()
    assert taken.wait(5)
    t.join()


def test_other_namespaces_are_not_blocked(store: PostgresStore) -> None:
    done = threading.Event()

    def other() -> None:
        with store.namespace_lock(("memories", "someone-else")):
            done.set()

    with store.namespace_lock(NS):
        t = threading.Thread(target=other)
        t.start()
        assert done.wait(5)
        t.join()


async def test_async_namespace_lock(store: PostgresStore) -> None:
    async with store.anamespace_lock(NS):
        await store.aput(NS, "k", {"content": "async"})
    assert (await store.aget(NS, "k")) is not None


def test_namespace_lock_excludes_processes() -> None:
    url = database_url("langmem_test_locks")
    with PostgresStore.from_conn_string(url) as s:
        s.setup()
    truncate_all(url)
    procs, rounds = 3, 15
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=bump_counter, args=(url, rounds)) for _ in range(procs)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    with PostgresStore.from_conn_string(url) as s:
        item = s.get(COUNTER_NS, "n")
    # Every read-modify-write survived: no increment was lost to a concurrent writer.
    assert item is not None and item.value["n"] == procs * rounds


def test_vector_search_pages_past_the_second_page(store: PostgresStore) -> None:
    words = [f"w{i}" for i in range(30)]
    for i in range(30):  # growing overlap with the query: distinct scores
        store.put(NS, f"m{i}", {"content": " ".join(words[: i + 1])})
    pages = [
        store.search(NS, query=" ".join(words), limit=5, offset=off) for off in range(0, 30, 5)
    ]
    assert [len(p) for p in pages] == [5] * 6
    ranking = store.search(NS, query=" ".join(words), limit=30)
    assert len({round(item.score or 0, 9) for item in ranking}) == 30  # no ties
    assert [item.key for page in pages for item in page] == [item.key for item in ranking]


def test_database_errors_are_store_errors() -> None:
    url = database_url("langmem_test_not_set_up")
    with PostgresStore.from_conn_string(url) as bare, pytest.raises(StoreError):
        bare.search(NS)  # no tables: setup() was never run here


def test_connection_string_options_are_kept() -> None:
    url = database_url("langmem_test_d64") + "?options=-c%20statement_timeout%3D12345"
    with PostgresStore.from_conn_string(url) as s, s._cursor() as cur:
        cur.execute("SELECT current_setting('statement_timeout') AS t")
        assert cur.fetchone()["t"] == "12345ms"
        cur.execute("SELECT current_setting('hnsw.ef_search', true) AS e")
        assert cur.fetchone()["e"] == "100"


def test_bad_connection_string_is_a_store_error() -> None:
    with pytest.raises(StoreError):
        PostgresStore.connect("postgresql://u@h/db?nonsense_option=1", timeout=1)


def test_threads_share_one_store(store: PostgresStore) -> None:
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            for i in range(20):
                store.put(("t", str(t)), f"k{i}", {"content": f"thread {t} item {i}", "i": i})
                if i % 5 == 4:
                    store.delete(("t", str(t)), f"k{i - 4}")
                store.search(("t",), query=f"thread {t}", limit=5)
                store.search(("t", str(t)), filter={"i": {"$gte": i - 3}})
        except BaseException as err:  # re-raised below, in the test thread
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = {f"k{i}" for i in range(20) if i % 5 != 0}
    for t in range(4):
        assert {i.key for i in store.search(("t", str(t)), limit=100)} == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "false"}, False),
        ({"LANGMEM_REQUIRE_POSTGRES": "1"}, True),
        ({"CI": "true", "LANGMEM_REQUIRE_POSTGRES": "0"}, False),
    ],
)
def test_missing_server_is_a_failure_only_where_required(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: bool
) -> None:
    from tests.pg_server import required

    for var in ("CI", "LANGMEM_REQUIRE_POSTGRES"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert required() is expected


# --- the rewrite of LangGraph's vector-search SQL ------------------------------------


def test_langgraph_vector_query_gets_stable_ties(store: PostgresStore) -> None:
    queries, _ = store._prepare_batch_search_queries([(0, SearchOp(NS, query="tea", limit=3))])
    query = queries[0][0]
    assert "ASC, sv.prefix, sv.key" in query
    assert "ORDER BY score DESC, uniq.prefix, uniq.key" in query


def test_stable_ties_raises_when_the_query_shape_changed() -> None:
    inner = "SELECT sv.prefix FROM store_vectors sv ORDER BY sv.embedding <=> %s::vector ASC"
    with pytest.raises(QueryRewriteError, match="candidate scan"):
        stable_ties("SELECT * FROM uniq ORDER BY score DESC")
    with pytest.raises(QueryRewriteError, match="final sort"):
        stable_ties(f"WITH uniq AS ({inner}) SELECT * FROM uniq ORDER BY score")
    assert stable_ties(f"WITH uniq AS ({inner}) SELECT * FROM uniq ORDER BY score DESC").endswith(
        "ORDER BY score DESC, uniq.prefix, uniq.key"
    )
    assert issubclass(QueryRewriteError, StoreError)
