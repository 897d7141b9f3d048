"""What a file-backed DuckDB store holds under a prefix, read without values
(``store.item_versions``): the commit state, the item count and each item's version;
``None`` from any other store, and a typed error from a closed one."""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.store.memory import InMemoryStore

from langmem_extract.errors import StoreError
from langmem_extract.store.duckdb import DuckDBStore
from langmem_extract.store.item_versions import commit_state, count_items, item_versions


def test_counts_versions_and_commit_state_of_a_file(tmp_path: Path) -> None:
    store = DuckDBStore.open(tmp_path / "v.duckdb")
    store.setup()
    store.put(("memories", "u1"), "a", {"content": "one"})
    store.put(("memories", "u1", "notes"), "b", {"content": "two"})
    store.put(("memories", "u10"), "c", {"content": "a sibling, not below u1"})
    state = commit_state(store)
    assert state is not None and state[0] == str(tmp_path / "v.duckdb")
    assert count_items(store, ("memories", "u1")) == 2
    assert count_items(store, ("memories", "nobody")) == 0
    versions = item_versions(store, ("memories", "u1"))
    assert versions is not None
    assert set(versions) == {("memories.u1", "a"), ("memories.u1.notes", "b")}

    store.put(("memories", "u1"), "a", {"content": "one, changed"})
    after = item_versions(store, ("memories", "u1"))
    assert after is not None
    assert after[("memories.u1", "a")] != versions[("memories.u1", "a")]
    assert after[("memories.u1.notes", "b")] == versions[("memories.u1.notes", "b")]
    moved = commit_state(store)
    assert moved is not None and moved[:2] == state[:2] and moved[2] > state[2]

    store.close()
    for read in (commit_state, lambda s: count_items(s, ("memories",)),
                 lambda s: item_versions(s, ("memories",))):  # fmt: skip
        with pytest.raises(StoreError):
            read(store)


def test_other_stores_give_none() -> None:
    with DuckDBStore.from_conn_string(":memory:") as in_memory:
        for store in (InMemoryStore(), in_memory):
            assert commit_state(store) is None
            assert count_items(store, ("memories",)) is None
            assert item_versions(store, ("memories",)) is None
