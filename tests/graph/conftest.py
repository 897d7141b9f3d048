from __future__ import annotations

import pytest
from langchain_core.embeddings import Embeddings
from langgraph.store.memory import InMemoryStore

from langmem_extract.schema import MEMORY_INDEX_FIELDS


@pytest.fixture
def inmemory_store(e5_embeddings: Embeddings) -> InMemoryStore:
    """LangGraph's own InMemoryStore with the default embedder: the graph works on any BaseStore."""
    return InMemoryStore(index={"dims": 384, "embed": e5_embeddings, "fields": MEMORY_INDEX_FIELDS})
