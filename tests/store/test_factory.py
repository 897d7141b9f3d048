"""open_store: the one-call memory store."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from langmem_extract.errors import InvalidInputError
from langmem_extract.schema import MEMORY_INDEX_FIELDS
from langmem_extract.store.duckdb import DuckDBStore
from langmem_extract.store.factory import default_memory_index, open_store, opened_store
from tests.conftest import HashEmbeddings


class _E5Like(HashEmbeddings):
    def __init__(self) -> None:
        super().__init__(384)


def test_in_memory_with_default_e5(e5_embeddings: Embeddings) -> None:
    with open_store(":memory:", embeddings=e5_embeddings) as store:
        assert isinstance(store, DuckDBStore)
        assert store.index_config is not None
        assert store.index_config["dims"] == 384
        assert store.index_config["fields"] == MEMORY_INDEX_FIELDS
        store.put(("memories", "u1"), "a", {"content": "I love hiking in the mountains"})
        store.put(("memories", "u1"), "b", {"content": "My sister lives in Lisbon"})
        hits = store.search(("memories",), query="outdoor sports I enjoy")
        assert hits[0].key == "a"


def test_default_embedder_is_e5() -> None:
    from langmem_extract.embeddings import E5Embeddings

    idx = default_memory_index()
    assert isinstance(idx["embed"], E5Embeddings) and idx["dims"] == 384


def test_file_target_persists_and_close(tmp_path: Path) -> None:
    path = tmp_path / "memories.duckdb"
    store = open_store(path, embeddings=_E5Like())
    store.put(("m",), "k", {"content": "kept"})
    store.close()  # type: ignore[attr-defined]
    with open_store(f"duckdb://{path}", embeddings=_E5Like()) as again:
        assert again.get(("m",), "k") is not None


def test_custom_index_and_ttl(tmp_path: Path) -> None:
    idx = {"dims": 8, "embed": HashEmbeddings(8), "fields": ["text"]}
    with open_store(":memory:", index=idx, ttl={"default_ttl": 3}) as store:
        store.put(("m",), "k", {"text": "hello"})
        assert store.search(("m",), query="hello")[0].score == pytest.approx(1.0, abs=1e-5)
        row = store.conn.execute("SELECT ttl_minutes FROM store").fetchone()
        assert row == (3.0,)


@pytest.mark.parametrize("target", ["mysql://x", "s3://bucket/db", "http://x"])
def test_unknown_schemes(target: str) -> None:
    with pytest.raises(InvalidInputError, match="scheme"):
        open_store(target, embeddings=_E5Like())


@pytest.mark.parametrize(
    ("target", "postgres"),
    [
        ("postgresql://u@h/db", True),
        ("POSTGRES://u@h/db", True),
        ("memories.duckdb", False),
        ("duckdb://memories.duckdb", False),
    ],
)
def test_postgres_urls_open_the_postgres_store(
    target: str, postgres: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langmem_extract.store import factory

    opened: list[str] = []
    monkeypatch.setattr(factory, "_open_postgres", lambda t, **kw: opened.append("pg"))
    monkeypatch.setattr(factory, "_open_duckdb", lambda t, **kw: opened.append("duckdb"))
    open_store(target, embeddings=_E5Like())
    assert opened == (["pg"] if postgres else ["duckdb"])


def test_embeddings_without_dims_need_an_index() -> None:
    class NoDims(HashEmbeddings):
        pass

    emb = NoDims()
    del emb.dims
    with pytest.raises(InvalidInputError):
        open_store(":memory:", embeddings=emb)


def test_opened_store_closes_on_exit_and_on_error(tmp_path: Path) -> None:
    from langmem_extract.errors import StoreError

    db = str(tmp_path / "m.duckdb")
    with opened_store(db, embeddings=_E5Like()) as store:
        store.put(("memories", "u1"), "a", {"content": "kept across opens"})
    with pytest.raises(StoreError, match="closed"):
        store.get(("memories", "u1"), "a")
    with pytest.raises(RuntimeError), opened_store(db, embeddings=_E5Like()) as again:
        assert again.get(("memories", "u1"), "a") is not None
        raise RuntimeError("boom")
    with pytest.raises(StoreError, match="closed"):
        again.get(("memories", "u1"), "a")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("memories.duckdb", "memories.duckdb"),
        ("duckdb://data/m.duckdb", "data/m.duckdb"),
        ("DuckDB://m.duckdb", "m.duckdb"),
        (":memory:", None),
        ("duckdb://:memory:", None),
        ("postgresql://u@127.0.0.1/db", None),
    ],
)
def test_duckdb_file_names_the_file_a_target_opens(target: str, expected: str | None) -> None:
    from langmem_extract.store.factory import duckdb_file

    assert duckdb_file(target) == expected
