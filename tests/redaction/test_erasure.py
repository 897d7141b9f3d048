"""What ``forget`` and a history ``clear()`` leave in the DuckDB file, and compaction.

DuckDB frees the blocks of deleted rows at a checkpoint but does not overwrite them, so
the text stays readable in the raw file; ``compact_database`` rewrites the file with only
live data. The markers are ordinary words (secrets never reach the file at all).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from langchain_core.messages import HumanMessage

from langmem_extract import MemoryChatHistory, extract_memories
from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.errors import InvalidInputError, StoreLockedError
from langmem_extract.memories import forget_memory, list_memories
from langmem_extract.store import _duckdb_load
from langmem_extract.store.compact import compact_database
from langmem_extract.store.factory import open_store

MEMORY_WORD = b"Zanzibarquokkaflute"
MESSAGE_WORD = b"Xylophonewombatcrane"
NS = ("memories", "u1")


def _raw(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


def _fill(path: Path) -> None:
    with open_store(path, embeddings=HashingEmbeddings()) as store:
        for i in range(30):
            extract_memories([{"role": "user", "content": f"I live in Town{i}ville."}],
                             store=store, namespace=("memories", f"f{i}"))  # fmt: skip
        extract_memories([{"role": "user", "content": "I love Zanzibarquokkaflute music."}],
                         store=store, namespace=NS)  # fmt: skip
        MemoryChatHistory(store, "s1", capture=False).add_messages(
            [HumanMessage("hello Xylophonewombatcrane there")]
        )


def _forget_and_clear(path: Path) -> None:
    with open_store(path, embeddings=HashingEmbeddings()) as store:
        [memory] = list_memories(store, NS)
        forget_memory(store, memory.id, NS)
        MemoryChatHistory(store, "s1", capture=False).clear()
    con = duckdb.connect(str(path))
    con.execute("CHECKPOINT")
    con.close()


def test_forget_and_clear_then_compaction_leave_no_bytes(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    _fill(db)
    assert MEMORY_WORD in _raw(db) and MESSAGE_WORD in _raw(db)
    _forget_and_clear(db)
    # Measured with DuckDB 1.5: the freed blocks keep the deleted text after CHECKPOINT.
    leftover = MEMORY_WORD in _raw(db) or MESSAGE_WORD in _raw(db)
    assert _duckdb_load.snapshots(str(db))  # the vectors, beside the file
    size = compact_database(db)
    assert _duckdb_load.snapshots(str(db)) == []  # a stale one could hold deleted vectors
    raw = _raw(db)
    assert MEMORY_WORD not in raw and MESSAGE_WORD not in raw
    assert size == db.stat().st_size and not Path(f"{db}.wal").exists()
    with open_store(db, embeddings=HashingEmbeddings()) as store:  # live data intact
        assert len(list_memories(store, limit=100)) == 30
        assert MemoryChatHistory(store, "s1", capture=False).messages == []
        assert store.search(("memories", "f7"), query="Town7ville")[0].value["content"] == (
            "User lives in Town7ville."
        )
    print(f"deleted text left in the file before compaction: {leftover}")


def test_compaction_refuses_an_open_or_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        compact_database(tmp_path / "missing.duckdb")
    db = tmp_path / "open.duckdb"
    with open_store(db, embeddings=HashingEmbeddings()):
        pass
    con = duckdb.connect(str(db))
    try:
        with pytest.raises(StoreLockedError):
            compact_database(db)
    finally:
        con.close()
