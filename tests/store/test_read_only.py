"""Read-only opens: reads work, every write is refused, read-only processes share a file,
and a file held for writing admits no one else (DuckDB's lock, see docs/store.md)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from langgraph.store.base import PutOp

from langmem_extract.errors import (
    InvalidInputError,
    ReadOnlyStoreError,
    StoreError,
    StoreLockedError,
)
from langmem_extract.store.duckdb import DuckDBStore
from langmem_extract.store.factory import open_store
from tests.store._child import index
from tests.store.test_crash_lock import _spawn, reaper

__all__ = ["reaper"]  # the fixture, imported for these tests

NS = ("memories", "maya")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shared.duckdb"
    with DuckDBStore.from_conn_string(path, index=index(False)) as store:
        store.setup()
        store.put(NS, "m1", {"content": "Maya is vegetarian"})
    return path


def _first_line(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line, child.stderr.read() if child.stderr else ""
    return line


def test_reads_work_and_every_write_is_refused(db: Path) -> None:
    with DuckDBStore.from_conn_string(db, index=index(False), read_only=True) as store:
        store.setup()
        assert store.get(NS, "m1").value["content"] == "Maya is vegetarian"  # type: ignore[union-attr]
        assert [i.key for i in store.search(("memories",), query="what does she eat?")] == ["m1"]
        assert store.list_namespaces() == [NS]
        assert store.load_messages("s1") == []
        writes = [
            lambda: store.put(NS, "m2", {"content": "Maya likes jazz"}),
            lambda: store.delete(NS, "m1"),
            lambda: store.batch([PutOp(NS, "m3", {"content": "x"})]),
            lambda: store.append_messages("s1", [object()]),  # type: ignore[list-item]
            lambda: store.clear_messages("s1"),
            store.sweep_ttl,
            store.rebuild_hnsw,
        ]
        for write in writes:
            with pytest.raises(ReadOnlyStoreError, match="read-only"):
                write()
    # Nothing was written.
    with DuckDBStore.from_conn_string(db, index=index(False)) as store:
        assert [i.key for i in store.search(NS)] == ["m1"]


async def test_async_writes_are_refused(db: Path) -> None:
    with DuckDBStore.from_conn_string(db, index=index(False), read_only=True) as store:
        assert (await store.aget(NS, "m1")) is not None
        with pytest.raises(ReadOnlyStoreError):
            await store.aput(NS, "m2", {"content": "Maya likes jazz"})


def test_open_store_read_only(db: Path) -> None:
    with open_store(db, embeddings=index(False)["embed"], read_only=True) as store:
        assert store.get(NS, "m1") is not None
        with pytest.raises(ReadOnlyStoreError):
            store.put(NS, "m2", {"content": "Maya likes jazz"})


def test_read_only_needs_a_set_up_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="memory"):
        open_store(":memory:", read_only=True)
    with pytest.raises(StoreError):
        DuckDBStore.open(tmp_path / "missing.duckdb", read_only=True)
    bare = tmp_path / "bare.duckdb"
    DuckDBStore.open(bare).close()  # a DuckDB file without the store's tables
    with (
        pytest.raises(StoreError, match="not set up"),
        DuckDBStore.open(bare, read_only=True) as store,
    ):
        store.setup()
    with pytest.raises(InvalidInputError, match="DuckDB"):
        open_store("postgresql://u:p@localhost:1/x", read_only=True)


def test_two_read_only_processes_share_the_file(db: Path, reaper: list) -> None:
    children = [_spawn("hold-read-only", db) for _ in range(2)]
    reaper.extend(children)
    # Both hold the file at once and read it.
    assert [_first_line(c) for c in children] == ["ready Maya is vegetarian"] * 2
    # This process may join them read-only...
    with open_store(db, embeddings=index(False)["embed"], read_only=True) as store:
        assert store.get(NS, "m1") is not None
    # ...but not for writing, and the error says what to do.
    with pytest.raises(StoreLockedError) as info:
        DuckDBStore.open(db)
    message = str(info.value)
    assert "readers included" in message and "Close the other process" in message
    assert "read_only=True" in message
    assert str(children[0].pid) in message or str(children[1].pid) in message


def test_a_writer_admits_no_read_only_opener(db: Path, reaper: list) -> None:
    with DuckDBStore.from_conn_string(db, index=index(False)) as writer:
        writer.setup()
        child = _spawn("hold-read-only", db)
        reaper.append(child)
        assert _first_line(child) == "locked"
    # Once the writer has closed, a read-only opener gets in.
    child = _spawn("hold-read-only", db)
    reaper.append(child)
    assert _first_line(child) == "ready Maya is vegetarian"
