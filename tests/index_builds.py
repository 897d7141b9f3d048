"""Two ways to build recall's in-process index of one namespace, for the index tests.

``loaded`` builds it the way recall does (from the lexical file when one matches);
``from_scratch`` builds it as before the lexical file existed: every memory read and
tokenised. Comparing the two is how the tests show a kept file changes no result.
"""

from __future__ import annotations

import pytest
from langgraph.store.base import BaseStore

from langmem_extract.recall_index import NamespaceIndex


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
