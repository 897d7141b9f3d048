"""Store backends the graph/retriever/history tests run against, parametrised.

``memory_store`` (see conftest) yields an empty store configured the way
``open_store`` configures one for memories, on each backend in ``BACKENDS``.
The postgres backend runs on the embedded server of ``tests/pg_server.py``: one
server and one database per session, tables truncated before each test.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore

from langmem_extract.schema import MEMORY_INDEX_FIELDS

BACKENDS = ["duckdb", "postgres"]

_PG_READY: set[str] = set()


@contextlib.contextmanager
def make_store(backend: str, embeddings: Embeddings, dims: int) -> Iterator[BaseStore]:
    index = {"dims": dims, "embed": embeddings, "fields": MEMORY_INDEX_FIELDS}
    if backend == "duckdb":
        from langmem_extract.store.duckdb import DuckDBStore

        with DuckDBStore.from_conn_string(":memory:", index=index) as store:
            store.setup()
            yield store
    elif backend == "postgres":
        from langmem_extract.store.postgres import PostgresStore
        from tests.pg_server import database_url, truncate_all

        # One database per vector size for the whole session; emptied before each test.
        url = database_url(f"langmem_test_d{dims}")
        if url not in _PG_READY:
            with PostgresStore.from_conn_string(url, index=index) as store:
                store.setup()
            _PG_READY.add(url)
        truncate_all(url)
        with PostgresStore.from_conn_string(url, index=index) as store:
            yield store
    else:  # pragma: no cover - a typo in a parametrisation
        raise ValueError(backend)
