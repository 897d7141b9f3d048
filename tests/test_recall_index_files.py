"""Recall's lexical index kept beside a DuckDB file (recall_index_files): a fresh process
reads it instead of every memory, updates it by what changed, and never disagrees with a
from-scratch build, whatever file it finds (older, damaged, of another analysis)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from langgraph.store.base import BaseStore

from langmem_extract import recall_index_files as files
from langmem_extract.memories import forget_memory
from langmem_extract.message_log import message_log_for
from tests.index_builds import assert_same, cand, from_scratch, loaded, opened, remember

NS = ("memories", "u1")
QUERIES = ("Lisbon Porto", "violin lessons sister", "octopus dinner", "cat Miso", "tiramisu")
ROOT = Path(__file__).resolve().parents[1]


def fill(store: BaseStore) -> None:
    remember(store, [
        {"id": "t1", "role": "user", "content": "We had dinner at Casa Ondina, the octopus."},
        {"id": "t2", "role": "user", "content": "My sister started violin lessons."},
        {"id": "t3", "role": "user", "content": "I live in Lisbon."},
    ], [cand("User enjoys grilled octopus.", "t1"),
        cand("User's sister takes violin lessons.", "t2"),
        cand("User lives in Lisbon.", "t3", attribute="location", value="Lisbon")])  # fmt: skip
    remember(store, [{"id": "c1", "role": "user", "content": "I have a cat named Miso."}],
             [cand("User has a cat named Miso.", "c1"), cand("User drinks green tea.")],
             session_id="chat-2")  # fmt: skip


def lexical_files(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".lexical-*"))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the memories the lexical file's listing reads and validates."""
    seen: list[str] = []
    real = files.MemoryRecord.of

    def counted(memory):  # type: ignore[no-untyped-def]
        seen.append(memory.id)
        return real(memory)

    monkeypatch.setattr(files.MemoryRecord, "of", counted)
    return seen


def test_a_fresh_open_reads_the_file_and_matches_a_fresh_build(
    tmp_path: Path, reads: list[str]
) -> None:
    db = tmp_path / "m.duckdb"
    with opened(db) as store:
        fill(store)
    with opened(db, read_only=True) as store:
        first = loaded(store, NS)  # no file yet: every memory read, then the file written
        assert len(reads) == len(first.memories) == 5
        assert len(lexical_files(db)) == 1
    reads.clear()
    with opened(db, read_only=True) as store:
        again = loaded(store, NS)
        assert reads == []  # nothing read from the tables but counts
        assert_same(again, from_scratch(store, NS), QUERIES)
        assert again.lexical.search("violin", 1)[0][0] in again.memories
        hit = again.memories.get(again.lexical.search("violin", 1)[0][0])
        assert hit is not None and "violin" in hit.content  # the full memory, on demand


def _values(store: BaseStore) -> dict[str, object]:
    return {item.key: item.value for item in store.search(NS, limit=1000)}


def test_inserts_and_supersedes_read_only_what_changed(tmp_path: Path, reads: list[str]) -> None:
    db = tmp_path / "m.duckdb"
    with opened(db) as store:
        fill(store)
        loaded(store, NS)  # writes the file
        before = _values(store)
        remember(store, [{"id": "t4", "role": "user", "content": "I moved to Porto."}],
                 [cand("User lives in Porto.", "t4", attribute="location", value="Porto")])  # fmt: skip
        remember(store, [{"id": "t5", "role": "user", "content": "I love tiramisu."}],
                 [cand("User loves tiramisu.", "t5")])  # fmt: skip
        message_log_for(store).append("chat-2", [])  # no change: documents stay
        after = _values(store)
    changed = {k for k, v in after.items() if before.get(k) != v}
    assert changed and len(changed) < len(after)
    reads.clear()
    with opened(db) as store:
        index = loaded(store, NS)
        assert sorted(reads) == sorted(changed)
        assert_same(index, from_scratch(store, NS), QUERIES)
        statuses = {r.content: r.status.value for r in index.memories.records.values()}
        assert statuses["User lives in Lisbon."] == "superseded"
    reads.clear()
    with opened(db) as store:  # the file was brought up to date: nothing to read now
        index = loaded(store, NS)
        assert reads == []
        assert_same(index, from_scratch(store, NS), QUERIES)


def test_forget_and_purge_remove_the_file_holding_the_text(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    with opened(db) as store:
        fill(store)
        loaded(store, NS)
        assert b"Miso" in b"".join(p.read_bytes() for p in lexical_files(db))
        miso = next(k for k, v in _values(store).items() if "Miso" in v["content"])  # type: ignore[index]
        forget_memory(store, miso, NS)
        assert lexical_files(db) == []
    with opened(db, read_only=True) as store:
        index = loaded(store, NS)
        assert not any("Miso" in text for text in index.documents().values())
        assert b"Miso" not in b"".join(p.read_bytes() for p in lexical_files(db))
        assert_same(index, from_scratch(store, NS), QUERIES)


def test_a_stale_file_after_a_crash_is_only_a_starting_point(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    with opened(db) as store:
        fill(store)
        loaded(store, NS)
    [saved] = lexical_files(db)
    old = tmp_path / "old.zip"
    shutil.copy(saved, old)
    with opened(db) as store:  # writes after which no process rewrote the file
        remember(store, [{"id": "t9", "role": "user", "content": "I moved to Porto."}],
                 [cand("User lives in Porto.", "t9", attribute="location", value="Porto")])  # fmt: skip
        store.delete(NS, next(iter(_values(store))))
    shutil.copy(old, saved)  # the file of the state before those writes
    with opened(db, read_only=True) as store:
        assert_same(loaded(store, NS), from_scratch(store, NS), QUERIES)
    assert saved.read_bytes() != old.read_bytes()  # brought up to date
    with opened(db, read_only=True) as store:
        assert_same(loaded(store, NS), from_scratch(store, NS), QUERIES)


def test_a_damaged_or_foreign_file_is_ignored(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    with opened(db) as store:
        fill(store)
        loaded(store, NS)
    [saved] = lexical_files(db)
    whole = saved.read_bytes()
    saved.write_bytes(whole[: len(whole) // 2])  # torn
    with opened(db, read_only=True) as store:
        assert_same(loaded(store, NS), from_scratch(store, NS), QUERIES)
    # Another tokeniser's counts with this database's current header otherwise.
    with zipfile.ZipFile(saved) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    head = json.loads(members["head.json"])
    index = json.loads(members["index.json"])
    index["terms"] = "\x00".join(["bogus", *index["terms"].split("\x00")[1:]])
    members["index.json"] = json.dumps(index).encode()
    members["head.json"] = json.dumps({**head, "analysis": head["analysis"] + 1}).encode()
    with zipfile.ZipFile(saved, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    with opened(db, read_only=True) as store:
        index_now = loaded(store, NS)
        assert "bogus" not in index_now.lexical.scores("bogus")
        assert_same(index_now, from_scratch(store, NS), QUERIES)


def test_no_file_is_saved_for_a_state_a_commit_overtook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "m.duckdb"
    with opened(db) as store:
        fill(store)
        real = files.commit_state
        calls = iter(range(100))

        def moving(store):  # type: ignore[no-untyped-def]
            path, file_id, gen = real(store)
            return path, file_id, gen + next(calls)  # a commit between every two readings

        monkeypatch.setattr(files, "commit_state", moving)
        index = loaded(store, NS)
        assert lexical_files(db) == []
        assert_same(index, from_scratch(store, NS), QUERIES)


def _cli(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("LANGMEM_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", "from langmem_extract.cli import main; main()", *args],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cli_extract_then_recall_in_separate_processes(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    first = tmp_path / "first.txt"
    first.write_text("User: I play the cello in a community orchestra.\n", encoding="utf-8")
    second = tmp_path / "second.txt"
    second.write_text("User: I keep bees on my allotment.\n", encoding="utf-8")

    def recall(query: str) -> list[str]:
        out = json.loads(_cli("recall", query, "--db", str(db), "--json"))
        return [hit["memory"]["content"] for hit in out["results"]]

    _cli("extract", str(first), "--db", str(db))
    assert any("cello" in c for c in recall("cello orchestra"))
    assert len(lexical_files(db)) == 1
    _cli("extract", str(second), "--db", str(db))
    with_file = recall("bees allotment")
    assert any("bees" in c for c in with_file)
    for path in lexical_files(db):
        path.unlink()
    assert recall("bees allotment") == with_file  # a from-scratch build agrees
