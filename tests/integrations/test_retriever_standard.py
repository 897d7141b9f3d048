"""langchain-tests' standard retriever suite, on InMemoryStore, DuckDB and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests
from langgraph.store.base import BaseStore

from langmem_extract import MemoryRetriever
from tests.backends import make_store
from tests.conftest import HashEmbeddings
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


class _OnBackend(RetrieversIntegrationTests):
    """The same suite on a real backend store, opened once per class."""

    backend: str
    store: BaseStore

    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _backend_store(cls) -> Iterator[None]:
        with make_store(cls.backend, HashEmbeddings(), dims=64) as store:
            cls.store = _seed(store)
            yield

    @property
    def retriever_constructor(self) -> type[MemoryRetriever]:
        return MemoryRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"store": self.store, "namespace": NS}

    @property
    def retriever_query_example(self) -> str:
        return "what should the user cook for dinner?"


class TestMemoryRetrieverDuckDB(_OnBackend):
    backend = "duckdb"


class TestMemoryRetrieverPostgres(_OnBackend):
    backend = "postgres"
