"""Behaviours DuckDBStore shares with SqliteStore, beyond LangGraph's suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from langmem_extract.errors import InvalidInputError, StoreError
from langmem_extract.store.duckdb import DuckDBStore


def test_zero_byte_file_opens_as_new_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    path.touch()
    with DuckDBStore.from_conn_string(str(path)) as store:
        store.setup()
        store.put(("ns",), "k", {"v": 1})
    with DuckDBStore.from_conn_string(str(path)) as store:
        item = store.get(("ns",), "k")
        assert item is not None and item.value == {"v": 1}


def test_non_empty_foreign_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    with pytest.raises(StoreError):
        DuckDBStore.open(str(path))
    assert path.read_text() == "not a database"


def test_bad_filter_key_message(tmp_path: Path) -> None:
    with DuckDBStore.from_conn_string(":memory:") as store:
        store.setup()
        with pytest.raises(InvalidInputError, match="Invalid filter key"):
            store.search(("docs",), filter={"a') OR '1'='1": "x"})
