from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from langmem_extract.store.duckdb import DuckDBStore
from tests.conftest import HashEmbeddings


def hash_index(dims: int = 64, fields: list[str] | None = None) -> dict:
    return {"dims": dims, "embed": HashEmbeddings(dims), "fields": fields or ["content"]}


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DuckDBStore]:
    """An empty store indexed on ``content`` with hash embeddings, in memory and on a file."""
    target = ":memory:" if request.param == "memory" else str(tmp_path / "s.duckdb")
    with DuckDBStore.from_conn_string(target, index=hash_index()) as s:
        s.setup()
        yield s


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"
