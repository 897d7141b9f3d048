"""LangGraph BaseStore semantics on DuckDBStore."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pytest
from langgraph.store.base import GetOp, ListNamespacesOp, MatchCondition, PutOp, SearchOp

from langmem_extract.store.duckdb import DuckDBStore
from tests.conftest import HashEmbeddings
from tests.store.conftest import hash_index


def _cos(a: list[float], b: list[float]) -> float:
    x, y = np.asarray(a), np.asarray(b)
    norms = np.linalg.norm(x) * np.linalg.norm(y)
    return float(x @ y / norms) if norms else 0.0  # a zero vector scores 0


def test_put_get_roundtrip_keeps_value_and_times(store: DuckDBStore) -> None:
    value = {"content": "likes tea", "n": 3, "nested": {"a": [1, 2, {"b": None}]}, "f": 0.5}
    store.put(("users", "u1"), "k", value)
    item = store.get(("users", "u1"), "k")
    assert item is not None
    assert item.value == value
    assert item.namespace == ("users", "u1")
    assert item.key == "k"
    assert isinstance(item.created_at, datetime) and item.created_at.tzinfo is not None
    assert item.created_at == item.updated_at
    assert store.get(("users", "u1"), "missing") is None
    assert store.get(("users",), "k") is None


def test_update_keeps_created_at_and_moves_updated_at(store: DuckDBStore) -> None:
    store.put(("ns",), "k", {"content": "v1"})
    first = store.get(("ns",), "k")
    store.put(("ns",), "k", {"content": "v2"})
    second = store.get(("ns",), "k")
    assert first is not None and second is not None
    assert second.value == {"content": "v2"}
    assert second.created_at == first.created_at
    assert second.updated_at > first.updated_at


def test_returned_values_are_copies(store: DuckDBStore) -> None:
    store.put(("ns",), "k", {"content": "v", "tags": ["a"]})
    item = store.get(("ns",), "k")
    assert item is not None
    item.value["tags"].append("mutated")
    again = store.get(("ns",), "k")
    assert again is not None and again.value["tags"] == ["a"]


def test_delete_and_value_none_delete(store: DuckDBStore) -> None:
    store.put(("ns",), "a", {"content": "x"})
    store.put(("ns",), "b", {"content": "y"})
    store.delete(("ns",), "a")
    store.batch([PutOp(("ns",), "b", None)])
    assert store.get(("ns",), "a") is None
    assert store.get(("ns",), "b") is None
    assert store.search(("ns",), query="x") == []
    assert store.list_namespaces() == []
    store.delete(("ns",), "never-existed")  # deleting a missing key is a no-op


def test_batch_results_in_op_order_and_reads_before_writes(store: DuckDBStore) -> None:
    store.put(("ns",), "a", {"content": "old"})
    results = store.batch(
        [
            PutOp(("ns",), "a", {"content": "new"}),
            GetOp(("ns",), "a"),
            SearchOp(("ns",), None, 10, 0, None),
            ListNamespacesOp(None, None, 100, 0),
            PutOp(("ns",), "b", {"content": "b1"}),
            PutOp(("ns",), "b", {"content": "b2"}),  # last write of a key wins
        ]
    )
    assert results[0] is None and results[4] is None and results[5] is None
    assert results[1].value == {"content": "old"}  # type: ignore[union-attr]
    assert [i.key for i in results[2]] == ["a"]  # type: ignore[union-attr]
    assert results[3] == [("ns",)]
    assert store.get(("ns",), "a").value == {"content": "new"}  # type: ignore[union-attr]
    assert store.get(("ns",), "b").value == {"content": "b2"}  # type: ignore[union-attr]


def test_list_namespaces_prefix_suffix_depth_paging(store: DuckDBStore) -> None:
    for ns in [("a", "b", "c"), ("a", "b", "d"), ("a", "x"), ("z",), ("a", "b", "c", "e")]:
        store.put(ns, "k", {"content": "v"})
    assert store.list_namespaces() == sorted(
        [("a", "b", "c"), ("a", "b", "d"), ("a", "x"), ("z",), ("a", "b", "c", "e")]
    )
    assert store.list_namespaces(prefix=("a", "b")) == [
        ("a", "b", "c"),
        ("a", "b", "c", "e"),
        ("a", "b", "d"),
    ]
    assert store.list_namespaces(suffix=("c",)) == [("a", "b", "c")]
    assert store.list_namespaces(prefix=("a", "*", "c")) == [("a", "b", "c"), ("a", "b", "c", "e")]
    assert store.list_namespaces(max_depth=2) == [("a", "b"), ("a", "x"), ("z",)]
    assert store.list_namespaces(prefix=("a",), max_depth=1) == [("a",)]
    assert store.list_namespaces(limit=2) == [("a", "b", "c"), ("a", "b", "c", "e")]
    assert store.list_namespaces(limit=2, offset=3) == [("a", "x"), ("z",)]
    op = ListNamespacesOp((MatchCondition("prefix", ("a",)), MatchCondition("suffix", ("d",))))
    assert store.batch([op])[0] == [("a", "b", "d")]


def test_search_without_query_filters_and_pages(store: DuckDBStore) -> None:
    for i in range(10):
        store.put(("docs", "p" if i % 2 else "q"), f"k{i}", {"content": f"doc {i}", "i": i})
    assert len(store.search(("docs",), limit=100)) == 10
    assert len(store.search(("docs", "p"), limit=100)) == 5
    assert store.search(("doc",)) == []  # a prefix is whole labels, not characters
    newest_first = [it.key for it in store.search(("docs",), limit=3)]
    assert newest_first == ["k9", "k8", "k7"]
    page = [it.key for it in store.search(("docs",), limit=3, offset=3)]
    assert page == ["k6", "k5", "k4"]
    assert all(it.score is None for it in store.search(("docs",)))


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"color": "red"}, {"a", "c"}),
        ({"color": {"$eq": "red"}}, {"a", "c"}),
        ({"color": {"$ne": "red"}}, {"b", "d"}),
        ({"n": {"$gt": 2}}, {"c", "d"}),
        ({"n": {"$gte": 2}}, {"b", "c", "d"}),
        ({"n": {"$lt": 2}}, {"a"}),
        ({"n": {"$lte": 2}}, {"a", "b"}),
        ({"n": {"$gt": 1, "$lt": 4}}, {"b", "c"}),
        ({"n": 2.0}, {"b"}),
        ({"color": {"$in": ["red", "blue"]}}, {"a", "b", "c"}),
        ({"color": {"$nin": ["red", "blue"]}}, {"d"}),
        ({"meta": {"lang": "en"}}, {"a", "b"}),
        ({"meta": {"lang": "en", "v": 2}}, {"b"}),
        ({"meta.lang": "de"}, {"c"}),
        ({"meta": {"v": {"$gte": 2}}}, {"b", "c"}),
        ({"tags": ["x", "y"]}, {"a"}),
        ({"color": "red", "n": {"$gt": 1}}, {"c"}),
        ({"name": {"$gt": "b"}}, {"c", "d"}),
        ({"missing": None}, {"a", "b", "c", "d"}),
        ({"color": "purple"}, set()),
    ],
)
def test_filters(store: DuckDBStore, flt: dict, expected: set[str]) -> None:
    rows = {
        "a": {
            "color": "red",
            "n": 1,
            "meta": {"lang": "en", "v": 1},
            "tags": ["x", "y"],
            "name": "al",
        },
        "b": {"color": "blue", "n": 2, "meta": {"lang": "en", "v": 2}, "name": "b"},
        "c": {"color": "red", "n": 3, "meta": {"lang": "de", "v": 3}, "name": "cy"},
        "d": {"color": "green", "n": 4.5, "meta": "not-an-object", "name": "dee"},
    }
    for key, value in rows.items():
        store.put(("f",), key, {"content": key, **value})
    got = {it.key for it in store.search(("f",), filter=flt, limit=100)}
    assert got == expected
    with_query = {it.key for it in store.search(("f",), query="a b c d", filter=flt, limit=100)}
    assert with_query == expected


def test_vector_search_scores_are_cosine(store: DuckDBStore) -> None:
    emb = HashEmbeddings(64)
    texts = {"a": "green tea every morning", "b": "black coffee at night", "c": "green tea"}
    for key, text in texts.items():
        store.put(("ns",), key, {"content": text})
    results = store.search(("ns",), query="green tea morning")
    assert results[0].key == "a"
    q = emb.embed_query("green tea morning")
    for r in results:
        assert r.score == pytest.approx(_cos(q, emb.embed_query(texts[r.key])), abs=1e-5)
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)


def test_vector_search_limit_offset_filter(store: DuckDBStore) -> None:
    for i in range(30):
        store.put(
            ("ns",), f"k{i}", {"content": f"tea number {i} " * (i % 5 + 1), "even": i % 2 == 0}
        )
    full = store.search(("ns",), query="tea number 3", limit=30)
    assert len(full) == 30
    page = store.search(("ns",), query="tea number 3", limit=5, offset=5)
    assert [r.key for r in page] == [r.key for r in full[5:10]]
    evens = store.search(("ns",), query="tea number 3", filter={"even": True}, limit=10)
    assert len(evens) == 10
    assert [r.key for r in evens] == [r.key for r in full if int(r.key[1:]) % 2 == 0][:10]


def test_index_fields_and_per_put_override(tmp_path) -> None:
    idx = hash_index(fields=["title", "body.text"])
    emb = HashEmbeddings(64)
    with DuckDBStore.from_conn_string(":memory:", index=idx) as s:
        s.setup()
        s.put(("ns",), "fields", {"title": "alpha", "body": {"text": "beta"}})
        s.put(("ns",), "override", {"title": "gamma", "other": "alpha"}, index=["other"])
        s.put(("ns",), "off", {"title": "alpha"}, index=False)
        s.put(("ns",), "list", {"title": "x", "chunks": ["one", "alpha"]}, index=["chunks[*]"])
        res = {r.key: r.score for r in s.search(("ns",), query="alpha", limit=10)}
        assert res["fields"] == pytest.approx(1.0, abs=1e-5)  # max over title/body.text
        assert res["override"] == pytest.approx(1.0, abs=1e-5)  # "other" indexed, not title
        assert res["list"] == pytest.approx(1.0, abs=1e-5)  # best of the list elements
        assert res["off"] is None  # unindexed items come last, unscored
        assert list(res)[-1] == "off"
        res_beta = {r.key: r.score for r in s.search(("ns",), query="beta", limit=10)}
        assert res_beta["fields"] == pytest.approx(1.0, abs=1e-5)
        assert res_beta["override"] == pytest.approx(
            _cos(emb.embed_query("beta"), emb.embed_query("alpha")), abs=1e-5
        )
        # Overwriting with index=False drops the old vectors.
        s.put(("ns",), "fields", {"title": "alpha"}, index=False)
        res = {r.key: r.score for r in s.search(("ns",), query="alpha", limit=10)}
        assert res["fields"] is None


def test_store_without_index_searches_by_filter_only() -> None:
    with DuckDBStore.from_conn_string(":memory:") as s:
        s.setup()
        s.put(("ns",), "a", {"content": "x", "n": 1})
        res = s.search(("ns",), query="anything", filter={"n": 1})
        assert [r.key for r in res] == ["a"] and res[0].score is None


def test_non_ascii_namespaces_keys_and_values(store: DuckDBStore) -> None:
    ns = ("usuário", "日本語", "emoji🙂")
    value = {"content": "Straße café naïve 東京", "città": "Zürich"}
    store.put(ns, "ключ", value)
    assert store.get(ns, "ключ").value == value  # type: ignore[union-attr]
    assert store.list_namespaces(prefix=("usuário",)) == [ns]
    assert [r.key for r in store.search(("usuário",), query="Straße café")] == ["ключ"]
    assert [r.key for r in store.search(ns, filter={"città": "Zürich"})] == ["ключ"]


@pytest.mark.parametrize(
    "label",
    ["x'; DROP TABLE store; --", 'a" OR 1=1 --', "%", "_", "\\", "a%b_c", "*"],
)
def test_injection_like_labels_are_plain_data(store: DuckDBStore, label: str) -> None:
    store.put(("safe",), "k", {"content": "untouched"})
    store.put((label, "inner"), "k'--", {"content": "v"})
    assert store.get((label, "inner"), "k'--") is not None
    # LIKE wildcards in a label must not widen a prefix match.
    assert [i.key for i in store.search((label,))] == ["k'--"]
    if label != "*":  # "*" is the documented wildcard of list_namespaces
        assert store.list_namespaces(prefix=(label,)) == [(label, "inner")]
    assert store.get(("safe",), "k") is not None


@pytest.mark.parametrize(
    "key",
    ["a'; DROP TABLE store; --", "a b", "a[0]", "$where", "a..b", ".a", "a)", ""],
)
def test_injection_like_filter_keys_are_rejected(store: DuckDBStore, key: str) -> None:
    store.put(("ns",), "k", {"content": "v"})
    with pytest.raises(ValueError):
        store.search(("ns",), filter={key: 1})
    assert store.get(("ns",), "k") is not None


def test_filter_values_with_quotes_are_data(store: DuckDBStore) -> None:
    store.put(("ns",), "k", {"content": "v", "s": 'it\'s "quoted"; DROP TABLE store'})
    res = store.search(("ns",), filter={"s": 'it\'s "quoted"; DROP TABLE store'})
    assert [r.key for r in res] == ["k"]


def test_searchitem_dict_has_score(store: DuckDBStore) -> None:
    store.put(("ns",), "k", {"content": "hello"})
    d = store.search(("ns",), query="hello")[0].dict()
    assert math.isclose(d["score"], 1.0, abs_tol=1e-5)


def test_setup_is_idempotent_and_versioned(db_path) -> None:
    with DuckDBStore.from_conn_string(str(db_path), index=hash_index()) as s:
        s.setup()
        s.setup()
        s.put(("ns",), "k", {"content": "v"})
        versions = [
            r[0] for r in s.conn.execute("SELECT v FROM store_migrations ORDER BY v").fetchall()
        ]
    from langmem_extract.store._duckdb_sql import MIGRATIONS

    assert versions == list(range(len(MIGRATIONS)))
    with DuckDBStore.from_conn_string(str(db_path), index=hash_index()) as s:
        s.setup()
        assert s.get(("ns",), "k") is not None


def test_built_from_a_connection() -> None:
    import duckdb

    conn = duckdb.connect(":memory:")
    s = DuckDBStore(conn, index=hash_index())
    s.setup()
    s.put(("ns",), "k", {"content": "v"})
    s.close()  # does not close a connection it did not open
    assert conn.execute("SELECT count(*) FROM store").fetchone() == (1,)
    conn.close()


def test_reopen_with_other_dims_is_rejected(db_path) -> None:
    from langmem_extract.errors import EmbeddingDimensionError

    with DuckDBStore.from_conn_string(str(db_path), index=hash_index(64)) as s:
        s.setup()
        s.put(("ns",), "k", {"content": "v"})
    with (
        DuckDBStore.from_conn_string(str(db_path), index=hash_index(32)) as s,
        pytest.raises(EmbeddingDimensionError),
    ):
        s.setup()


async def test_async_methods(store: DuckDBStore) -> None:
    await store.aput(("ns",), "a", {"content": "green tea"})
    await store.aput(("ns",), "b", {"content": "coffee"})
    assert (await store.aget(("ns",), "a")).value == {"content": "green tea"}  # type: ignore[union-attr]
    res = await store.asearch(("ns",), query="green tea")
    assert res[0].key == "a" and res[0].score == pytest.approx(1.0, abs=1e-5)
    assert await store.alist_namespaces() == [("ns",)]
    await store.adelete(("ns",), "a")
    assert await store.aget(("ns",), "a") is None


async def test_async_embed_function() -> None:
    emb = HashEmbeddings(16)

    async def aembed(texts: list[str]) -> list[list[float]]:
        return emb.embed_documents(texts)

    with DuckDBStore.from_conn_string(
        ":memory:", index={"dims": 16, "embed": aembed, "fields": ["t"]}
    ) as s:
        s.setup()
        await s.aput(("ns",), "k", {"t": "hello there"})
        res = await s.asearch(("ns",), query="hello there")
        assert res[0].score == pytest.approx(1.0, abs=1e-5)


def test_sync_embed_function() -> None:
    emb = HashEmbeddings(16)
    with DuckDBStore.from_conn_string(
        ":memory:", index={"dims": 16, "embed": emb.embed_documents, "fields": ["t"]}
    ) as s:
        s.setup()
        s.put(("ns",), "k", {"t": "hello there"})
        assert s.search(("ns",), query="hello there")[0].score == pytest.approx(1.0, abs=1e-5)


def test_many_deletes_trigger_compaction_and_search_stays_exact() -> None:
    with DuckDBStore.from_conn_string(":memory:", index=hash_index(16)) as s:
        s.setup()
        s.batch([PutOp(("ns",), f"k{i}", {"content": f"w{i % 50} x{i % 7}"}) for i in range(3000)])
        s.batch(
            [PutOp(("ns",), f"k{i}", None) for i in range(0, 3000, 3)]
            + [PutOp(("ns",), f"k{i}", None) for i in range(1, 3000, 3)]
        )
        cache = s._cache
        assert cache is not None and len(cache) == 1000
        assert cache.n_slots < 3000  # dead slots were compacted away
        res = s.search(("ns",), query="w2 x3", limit=1000)
        assert {r.key for r in res} == {f"k{i}" for i in range(2, 3000, 3)}
        emb = HashEmbeddings(16)
        q = emb.embed_query("w2 x3")
        exact = sorted(
            (-_cos(q, emb.embed_query(f"w{i % 50} x{i % 7}")), f"k{i}") for i in range(2, 3000, 3)
        )
        top = s.search(("ns",), query="w2 x3", limit=10)
        assert [r.score for r in top] == pytest.approx([-e[0] for e in exact[:10]], abs=1e-5)
