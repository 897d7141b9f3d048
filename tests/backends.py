"""Store backends the graph/retriever/history tests run against, parametrised.

``memory_store`` (see conftest) yields an empty store configured the way
``open_store`` configures one for memories, on each backend in ``BACKENDS``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore

from langmem_extract.schema import MEMORY_INDEX_FIELDS

BACKENDS = ["duckdb", "postgres"]


@contextlib.contextmanager
def make_store(backend: str, embeddings: Embeddings, dims: int) -> Iterator[BaseStore]:
    index = {"dims": dims, "embed": embeddings, "fields": MEMORY_INDEX_FIELDS}
    if backend == "duckdb":
        from langmem_extract.store.duckdb import DuckDBStore

        with DuckDBStore.from_conn_string(":memory:", index=index) as store:
            store.setup()
            yield store
    elif backend == "postgres":
        pytest.skip("postgres backend: embedded server fixture not wired yet")
    else:  # pragma: no cover - a typo in a parametrisation
        raise ValueError(backend)
