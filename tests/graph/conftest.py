from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract.schema import MEMORY_INDEX_FIELDS
from tests.backends import make_store


@pytest.fixture
def inmemory_store(e5_embeddings: Embeddings) -> InMemoryStore:
    """LangGraph's own InMemoryStore with the default embedder: the graph works on any BaseStore."""
    return InMemoryStore(index={"dims": 384, "embed": e5_embeddings, "fields": MEMORY_INDEX_FIELDS})


@pytest.fixture
def duck(e5_embeddings: Embeddings) -> Iterator[BaseStore]:
    """An empty in-memory DuckDB store with the bundled E5 embedder."""
    with make_store("duckdb", e5_embeddings, dims=384) as store:
        yield store
