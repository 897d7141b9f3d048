"""``langmem-extract export | import`` moves memories DuckDB → PostgreSQL → DuckDB losslessly."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from langmem_extract.schema import (
    HistoryEntry,
    Memory,
    MemoryKind,
    MemoryStatus,
    MemoryType,
    PreferenceInfo,
    Provenance,
)
from tests.pg_server import database_url, truncate_all

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from langmem_extract.cli import main; main()"]


def _memories() -> list[Memory]:
    at = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
    old = Memory(
        id="mem-old",
        content="User lives in Lisbon.",
        title="Lives in Lisbon",
        type=MemoryType.FACT,
        namespace=["users", "u1"],
        attribute="live",
        value="Lisbon",
        status=MemoryStatus.SUPERSEDED,
        superseded_by="mem-new",
        valid_to=at,
        created_at=at,
        updated_at=at,
        history=[
            HistoryEntry(at=at, action="created", content="User lives in Lisbon."),
            HistoryEntry(at=at, action="superseded", related_id="mem-new"),
        ],
    )
    new = Memory(
        id="mem-new",
        content="User lives in Porto — near the river, café upstairs.",
        title="Lives in Porto",
        type=MemoryType.FACT,
        namespace=["users", "u1"],
        attribute="live",
        value="Porto",
        supersedes="mem-old",
        provenance=Provenance.CORRECTED,
        confidence=0.93,
        importance=0.71,
        reinforcement_count=2,
        source_message_ids=["m1", "m7"],
        created_at=at,
        updated_at=at,
        metadata={"source": {"app": "chat", "v": 3}, "tags": ["x", 1, None]},
    )
    pref = Memory(
        id="mem-pref",
        content="User prefers aisle seats on long flights.",
        title="Aisle seats",
        type=MemoryType.PREFERENCE,
        kind=MemoryKind.SEMANTIC,
        namespace=["users", "u2"],
        preference=PreferenceInfo(explicit=True, reasoning="said so"),
        tags=["travel"],
        created_at=at,
        updated_at=at,
    )
    event = Memory(
        id="mem-event",
        content="User ran the Berlin marathon.",
        title="Berlin marathon",
        type=MemoryType.EVENT,
        kind=MemoryKind.EPISODIC,
        namespace=["users", "u2"],
        event_time=datetime(2024, 9, 29, tzinfo=UTC),
        user_id="u2",
        agent_id="coach",
        session_id="s9",
        thread_id="t3",
        created_at=at,
        updated_at=at,
    )
    return [old, new, pref, event]


def _cli(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [*CLI, *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _pipe(source_db: str, target_db: str) -> None:
    # A real shell pipe, as the docs show it.
    export = " ".join([*(f"'{c}'" for c in CLI), "export", "--db", f"'{source_db}'"])
    import_ = " ".join([*(f"'{c}'" for c in CLI), "import", "-", "--db", f"'{target_db}'"])
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{export} | {import_}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def test_export_import_roundtrip_duckdb_postgres_duckdb(tmp_path: Path) -> None:
    from langmem_extract.memory_files import import_memories
    from langmem_extract.store.factory import open_store

    url = database_url("langmem_test_migrate")
    truncate_all(url)
    source = str(tmp_path / "source.duckdb")
    back = str(tmp_path / "back.duckdb")

    store = open_store(source)
    try:
        assert import_memories(store, _memories()) == 4
    finally:
        store.close()

    original = _cli("export", "--db", source)
    assert len(original.splitlines()) == 4

    _pipe(source, url)
    in_postgres = _cli("export", "--db", url)
    assert in_postgres == original  # every field, byte for byte

    _pipe(url, back)
    assert _cli("export", "--db", back) == original

    # The migrated memories are searchable in PostgreSQL, superseded ones kept as such.
    pg = open_store(url)
    try:
        hits = pg.search(("users",), query="where does the user live", limit=4)
        by_id = {h.key: h.value for h in hits}
        assert by_id["mem-new"]["status"] == "active"
        assert by_id["mem-old"]["status"] == "superseded"
        # Importing the same export again replaces by id: still four memories.
        _pipe(source, url)
        assert len(_cli("export", "--db", url).splitlines()) == 4
    finally:
        pg.close()
