"""langchain-tests' standard retriever suite, on LangGraph's InMemoryStore and on DuckDB."""

from __future__ import annotations

from functools import cache
from typing import Any

from langchain_tests.integration_tests import RetrieversIntegrationTests
from langgraph.store.base import BaseStore

from langmem_extract import MemoryRetriever
from tests.integrations.helpers import in_memory_store, put_memory

NS = ("memories", "standard")
FACTS = [
    "User is vegetarian",
    "User lives in Lisbon",
    "User cooks pasta on Fridays",
    "User prefers short answers",
    "User is learning Portuguese",
]


def _seed(store: BaseStore) -> BaseStore:
    for i, text in enumerate(FACTS):
        put_memory(store, NS, text, importance=0.2 + 0.1 * i)
    return store


@cache
def _in_memory() -> BaseStore:
    return _seed(in_memory_store())


class TestMemoryRetrieverInMemoryStore(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[MemoryRetriever]:
        return MemoryRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"store": _in_memory(), "namespace": NS}

    @property
    def retriever_query_example(self) -> str:
        return "what should the user cook for dinner?"
