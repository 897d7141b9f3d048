"""Every bad input gets a typed error and writes nothing."""

from __future__ import annotations

import math

import pytest
from langgraph.store.base import GetOp, ListNamespacesOp, MatchCondition, PutOp, SearchOp

from langmem_extract.errors import (
    EmbeddingDimensionError,
    InvalidInputError,
    InvalidNamespaceError,
    InvalidVectorError,
    UnknownFilterOperatorError,
)
from langmem_extract.store.duckdb import DuckDBStore
from tests.conftest import HashEmbeddings


def _row_count(store: DuckDBStore) -> tuple[int, int]:
    items = store.conn.execute("SELECT count(*) FROM store").fetchone()
    vecs = store.conn.execute("SELECT count(*) FROM store_vectors").fetchone()
    assert items is not None and vecs is not None
    return items[0], vecs[0]


@pytest.fixture
def seeded(store: DuckDBStore) -> DuckDBStore:
    store.put(("ns",), "keep", {"content": "existing"})
    return store


def _assert_untouched(store: DuckDBStore) -> None:
    assert _row_count(store) == (1, 1)
    assert store.get(("ns",), "keep") is not None
    assert [i.key for i in store.search(("ns",), query="existing")] == ["keep"]


@pytest.mark.parametrize(
    "namespace",
    [(), ("",), ("a", ""), ("a.b",), ("ok", "x.y"), ("a\x00",), (1,), ("langgraph", "x")],
)
def test_bad_namespaces_on_put(seeded: DuckDBStore, namespace: tuple) -> None:
    with pytest.raises(InvalidNamespaceError):
        seeded.put(namespace, "k", {"content": "v"})
    # The raw op path (batch) checks too, and a bad op fails the whole batch.
    with pytest.raises(InvalidNamespaceError):
        seeded.batch(
            [PutOp(("ns",), "new", {"content": "v"}), PutOp(namespace, "k", {"content": "v"})]
        )
    _assert_untouched(seeded)
    assert seeded.get(("ns",), "new") is None


@pytest.mark.parametrize("namespace", [("a.b",), ("",), ("a", "")])
def test_bad_namespaces_on_reads(seeded: DuckDBStore, namespace: tuple) -> None:
    with pytest.raises(InvalidNamespaceError):
        seeded.get(namespace, "k")
    with pytest.raises(InvalidNamespaceError):
        seeded.search(namespace)
    with pytest.raises(InvalidNamespaceError):
        seeded.list_namespaces(prefix=namespace)
    with pytest.raises(InvalidNamespaceError):
        seeded.delete(namespace, "keep")
    with pytest.raises(InvalidNamespaceError):
        seeded.batch([GetOp(namespace, "k")])
    with pytest.raises(InvalidNamespaceError):
        seeded.batch([ListNamespacesOp((MatchCondition("prefix", namespace),))])
    _assert_untouched(seeded)


def test_invalid_namespace_error_is_a_value_error() -> None:
    assert issubclass(InvalidNamespaceError, ValueError)


@pytest.mark.parametrize("value", ["text", ["a"], 3, ("t",)])
def test_non_dict_values(seeded: DuckDBStore, value: object) -> None:
    with pytest.raises(InvalidInputError, match="dict"):
        seeded.put(("ns",), "k", value)  # type: ignore[arg-type]
    _assert_untouched(seeded)


@pytest.mark.parametrize("value", [{"x": math.nan}, {"x": object()}, {"x": {1, 2}}])
def test_values_that_are_not_json(seeded: DuckDBStore, value: dict) -> None:
    with pytest.raises(InvalidInputError):
        seeded.put(("ns",), "k", value)
    _assert_untouched(seeded)


def test_bad_keys(seeded: DuckDBStore) -> None:
    with pytest.raises(InvalidInputError):
        seeded.batch([PutOp(("ns",), 5, {"content": "v"})])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        seeded.put(("ns",), "a\x00b", {"content": "v"})
    _assert_untouched(seeded)


class _WrongDims(HashEmbeddings):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[0.1] * 63 for _ in texts]


class _NaN(HashEmbeddings):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[math.nan] * 64 for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [math.inf] * 64


class _TooFew(HashEmbeddings):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return []


@pytest.mark.parametrize(
    ("embedder", "error"),
    [
        (_WrongDims, EmbeddingDimensionError),
        (_NaN, InvalidVectorError),
        (_TooFew, EmbeddingDimensionError),
    ],
)
def test_bad_embeddings(embedder: type, error: type[Exception], tmp_path) -> None:
    path = str(tmp_path / "e.duckdb")
    with DuckDBStore.from_conn_string(
        path, index={"dims": 64, "embed": HashEmbeddings(), "fields": ["content"]}
    ) as s:
        s.setup()
        s.put(("ns",), "keep", {"content": "existing"})
    with DuckDBStore.from_conn_string(
        path, index={"dims": 64, "embed": embedder(), "fields": ["content"]}
    ) as s:
        with pytest.raises(error):
            s.batch([PutOp(("ns",), "a", {"content": "x"}), PutOp(("ns",), "keep", None)])
        assert _row_count(s) == (1, 1)
        assert s.get(("ns",), "a") is None and s.get(("ns",), "keep") is not None


def test_nan_query_vector_is_rejected() -> None:
    with DuckDBStore.from_conn_string(
        ":memory:", index={"dims": 64, "embed": _NaN(), "fields": ["c"]}
    ) as s:
        s.put(("ns",), "k", {"c": "x"}, index=False)
        with pytest.raises(InvalidVectorError):
            s.search(("ns",), query="q")


@pytest.mark.parametrize(
    "flt",
    [
        {"n": {"$regex": "a"}},
        {"n": {"$gt": 1, "$like": "x"}},
        {"$or": [{"n": 1}]},
        {"meta": {"x": {"$exists": True}}},
    ],
)
def test_unknown_filter_operators(seeded: DuckDBStore, flt: dict) -> None:
    with pytest.raises(UnknownFilterOperatorError):
        seeded.search(("ns",), filter=flt)
    # In a batch with a write, the write does not happen either.
    with pytest.raises(UnknownFilterOperatorError):
        seeded.batch([PutOp(("ns",), "new", {"content": "v"}), SearchOp(("ns",), flt)])
    assert seeded.get(("ns",), "new") is None
    _assert_untouched(seeded)


@pytest.mark.parametrize(
    "flt",
    [{"n": {"$gt": None}}, {"n": {"$in": "abc"}}, {"n": {"$lt": [1]}}, {"n": {"$gte": math.nan}}],
)
def test_bad_operator_operands(seeded: DuckDBStore, flt: dict) -> None:
    with pytest.raises(InvalidInputError):
        seeded.search(("ns",), filter=flt)


@pytest.mark.parametrize(("limit", "offset"), [(-1, 0), (10, -1), ("5", 0)])
def test_bad_paging(seeded: DuckDBStore, limit: object, offset: object) -> None:
    with pytest.raises(InvalidInputError):
        seeded.search(("ns",), limit=limit, offset=offset)  # type: ignore[arg-type]


def test_bad_ttl(seeded: DuckDBStore) -> None:
    for ttl in (-1, 0, "5"):
        with pytest.raises(InvalidInputError):
            seeded.put(("ns",), "k", {"content": "v"}, ttl=ttl)  # type: ignore[arg-type]
    _assert_untouched(seeded)


def test_bad_index_config() -> None:
    with pytest.raises(InvalidInputError):
        DuckDBStore.open(":memory:", index={"dims": 0, "embed": HashEmbeddings()})
    with pytest.raises(InvalidInputError):
        DuckDBStore.open(":memory:", index={"dims": 64})  # type: ignore[typeddict-item]


def test_bad_per_put_index(seeded: DuckDBStore) -> None:
    with pytest.raises(InvalidInputError):
        seeded.put(("ns",), "k", {"content": "v"}, index="content")  # type: ignore[arg-type]
    _assert_untouched(seeded)


def test_closed_store_raises(tmp_path) -> None:
    from langmem_extract.errors import StoreError

    s = DuckDBStore.open(str(tmp_path / "c.duckdb"))
    s.setup()
    s.close()
    with pytest.raises(StoreError):
        s.get(("ns",), "k")
