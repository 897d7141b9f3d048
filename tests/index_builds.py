"""Shared by recall's index tests: memories written through the graph, a DuckDB file
opened as a fresh process would, and two ways to build the in-process index of one
namespace.

``loaded`` builds it the way recall does (from the lexical file when one matches);
``from_scratch`` builds it as before the lexical file existed: every memory read and
tokenised. Comparing the two is how the tests show a kept file changes no result.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph.store.base import BaseStore

from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.graph.builder import extract_memories
from langmem_extract.recall_index import NamespaceIndex
from langmem_extract.schema import MEMORY_INDEX_FIELDS
from langmem_extract.store.duckdb import DuckDBStore

NS = ("memories", "u1")


def remember(
    store: BaseStore, messages: list[dict], candidates: list[dict], namespace=NS, **kw
) -> None:
    """Given candidates, citing ``messages``, written by the memory graph."""
    result = extract_memories(
        messages, candidates=candidates, store=store, namespace=namespace, **kw
    )
    assert result.failed == 0


def cand(content: str, *sources: str, **fields) -> dict:
    return {"content": content, "type": "fact", "source_message_ids": list(sources), **fields}


def remember_fact(
    store: BaseStore, namespace: tuple[str, ...], mid: str, text: str, fact: str
) -> None:
    """One user turn ``text`` (id ``mid``) and the fact it states."""
    remember(store, [{"id": mid, "role": "user", "content": text}],
             [cand(fact, mid)], namespace=namespace)  # fmt: skip


@contextlib.contextmanager
def opened(path: Path, *, index: bool = True, read_only: bool = False) -> Iterator[DuckDBStore]:
    """The database as a fresh process sees it: a new store object, nothing cached."""
    config = {"dims": 64, "embed": HashingEmbeddings(dims=64), "fields": MEMORY_INDEX_FIELDS}
    store = DuckDBStore.open(path, index=config if index else None, read_only=read_only)  # type: ignore[arg-type]
    try:
        if not read_only:
            store.setup()
        yield store
    finally:
        store.close()


def loaded(store: BaseStore, namespace: tuple[str, ...]) -> NamespaceIndex:
    index = NamespaceIndex(store, namespace)
    index.load()
    return index


def from_scratch(store: BaseStore, namespace: tuple[str, ...]) -> NamespaceIndex:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("langmem_extract.recall_index.read_listing", lambda *args: None)
        return loaded(store, namespace)


def assert_same(index: NamespaceIndex, fresh: NamespaceIndex, queries: tuple[str, ...]) -> None:
    """The two indexes hold the same records, documents and lexical scores."""
    assert index.memories.records == fresh.memories.records
    assert index.documents() == fresh.documents()
    assert index.lexical.ids() == fresh.lexical.ids()
    assert index.cited_by == fresh.cited_by and index.blocked == fresh.blocked
    for query in queries:
        assert index.lexical.scores(query) == pytest.approx(fresh.lexical.scores(query))
        assert index.lexical.search(query, 5) == fresh.lexical.search(query, 5)
