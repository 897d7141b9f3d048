"""Filter columns kept beside the mirror files: a fresh process's first filtered search
reads the column its predecessor built instead of rebuilding it, and only while the
column is of the very state (and item order) the mirror files hold; a stale, foreign or
damaged column file is never used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from langgraph.store.base import PutOp

from langmem_extract.store import _column_files, _duckdb_load, _duckdb_sql, _mirror_files
from langmem_extract.store.duckdb import DuckDBStore
from tests.store.conftest import hash_index

STATUSES = ("active", "superseded", "forgotten")


def _value(i: int) -> dict[str, Any]:
    value: dict[str, Any] = {"content": f"tea {i % 9} cup {i % 4}", "n": i}
    if i % 7:  # every 7th item has no status at all
        value["status"] = STATUSES[i % 3]
    return value


def _fill(db_path: Path, n: int = 120) -> dict[str, dict[str, Any]]:
    live = {f"k{i}": _value(i) for i in range(n)}
    with DuckDBStore.open(db_path, index=hash_index(16)) as store:
        store.batch([PutOp(("ns",), k, v) for k, v in live.items()])
    return live


def _reader(db_path: Path) -> DuckDBStore:
    return DuckDBStore.open(db_path, index=hash_index(16), read_only=True)


def _expected(live: dict[str, dict[str, Any]], status: str) -> list[str]:
    return sorted(k for k, v in live.items() if v.get("status") == status)


def _found(store: DuckDBStore, flt: dict[str, Any], *, query: str | None = None) -> list[str]:
    return sorted(h.key for h in store.search(("ns",), query=query, filter=flt, limit=1000))


def _column_files_of(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob(f"{db_path.name}.mirror-*.npy{_column_files.SUFFIX}*"))


def _no_json_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a column from the tables now fails: only a column file can serve."""
    monkeypatch.setattr(_duckdb_sql, "SELECT_JSON_AT", "SELECT no_such_column")


def test_a_reader_keeps_the_column_and_the_next_reader_uses_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = _fill(db_path)
    assert _column_files_of(db_path) == []
    with _reader(db_path) as store:
        assert _found(store, {"status": "active"}) == _expected(live, "active")
    (saved,) = _column_files_of(db_path)
    _no_json_reader(monkeypatch)
    with _reader(db_path) as store:
        assert _found(store, {"status": "superseded"}) == _expected(live, "superseded")
        assert _found(store, {"status": {"$ne": "active"}}) == sorted(
            k for k, v in live.items() if v.get("status") != "active"
        )
        hits = store.search(("ns",), query="tea 3 cup 1", filter={"status": "active"}, limit=5)
        assert hits and all(live[h.key]["status"] == "active" for h in hits)
    assert _column_files_of(db_path) == [saved]  # read, not rewritten


def test_numeric_columns_come_back_exactly(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    live = _fill(db_path)
    with _reader(db_path) as store:
        assert _found(store, {"n": {"$gte": 100}}) == sorted(k for k, v in live.items()
                                                             if v["n"] >= 100)  # fmt: skip
    _no_json_reader(monkeypatch)
    with _reader(db_path) as store:
        assert _found(store, {"n": {"$lt": 7}}) == sorted(f"k{i}" for i in range(7))
        assert _found(store, {"n": 42}) == ["k42"]


def test_a_commit_makes_the_column_stale_even_in_the_writing_process(db_path: Path) -> None:
    live = _fill(db_path)
    with _reader(db_path) as store:
        _found(store, {"status": "active"})
    (old,) = _column_files_of(db_path)
    with DuckDBStore.open(db_path, index=hash_index(16)) as store:  # mirror from the files
        live["k1"] = {**live["k1"], "status": "superseded"}
        live["k2"] = {**live["k2"], "status": "active"}
        store.batch([PutOp(("ns",), k, live[k]) for k in ("k1", "k2")])
        # The column file of the state before the write must not be read now.
        assert _found(store, {"status": "active"}) == _expected(live, "active")
    # The writer's close wrote the new state's mirror files and the column it built;
    # the old state's column went with its mirror files.
    assert old not in _column_files_of(db_path) and len(_column_files_of(db_path)) == 1


def test_a_writer_leaves_the_columns_it_built(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = _fill(db_path)
    with DuckDBStore.open(db_path, index=hash_index(16)) as store:
        _found(store, {"status": "forgotten"})  # built before the write, kept up by it
        live["k0"] = {"content": "tea 0 cup 0", "n": 0, "status": "forgotten"}
        live["new"] = {"content": "tea new", "n": 500, "status": "forgotten"}
        store.batch([PutOp(("ns",), k, live[k]) for k in ("k0", "new")])
    assert len(_column_files_of(db_path)) == 1
    _no_json_reader(monkeypatch)
    with _reader(db_path) as store:
        assert _found(store, {"status": "forgotten"}) == _expected(live, "forgotten")


@pytest.mark.parametrize("damage", ["truncate", "flip", "other_order", "other_path"])
def test_a_damaged_or_foreign_column_file_is_never_used(db_path: Path, damage: str) -> None:
    live = _fill(db_path)
    with _reader(db_path) as store:
        _found(store, {"status": "active"})
    (saved,) = _column_files_of(db_path)
    data = saved.read_bytes()
    if damage == "truncate":
        saved.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        # The codes member is the second array; its .npy header is 128 bytes.
        at = data.index(b"\x93NUMPY", data.index(b"\x93NUMPY") + 1) + 128 + 4 * 5
        saved.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
    else:
        # A whole, well-formed file that belongs to other mirror files or another path:
        # every code now says "active", which is wrong for two thirds of the items.
        with _reader(db_path) as store:
            cache = store._get_cache()
            reader = cache.value_reader
            ref = reader.mirror
            assert ref is not None
            if damage == "other_order":
                ref = _column_files.MirrorRef(ref.snap, ref.file_id, ref.gen, ref.items,
                                              ref.keys_crc ^ 1)  # fmt: skip
            col = cache.column(("status",))
            codes = np.full(ref.items, col.distinct.index("active"), dtype=np.int32)
            target = _column_files.column_file(ref, ("status",))
            if damage == "other_path":
                col.path = ("kind",)  # a column of another path, under status's name
            assert _column_files.write(ref, col, codes)
            if damage == "other_path":
                _column_files.column_file(ref, ("kind",)).rename(target)
            else:
                target.rename(saved)
    with _reader(db_path) as store:
        assert _found(store, {"status": "active"}) == _expected(live, "active")
        assert _found(store, {"status": "forgotten"}) == _expected(live, "forgotten")


def test_column_files_go_with_their_mirror_files(db_path: Path) -> None:
    _fill(db_path)
    with _reader(db_path) as store:
        _found(store, {"status": "active"})
    (saved,) = _column_files_of(db_path)
    assert saved in _mirror_files.snapshot_files(str(db_path))
    assert saved.name.startswith(_duckdb_load.snapshots(str(db_path))[0].name)
