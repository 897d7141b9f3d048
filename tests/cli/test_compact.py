"""``compact`` and ``purge`` leave no bytes of erased text in a DuckDB file."""

from __future__ import annotations

from pathlib import Path

from langmem_extract.cli import ExitCode
from tests.cli.conftest import Invoke, assert_one_line_error, json_out

WORD = "Zanzibarquokkaflute"


def _raw(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def _fill(invoke: Invoke, db: Path, tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    lines = [f"User: I live in Town{i}ville." for i in range(20)]
    chat.write_text("\n".join([*lines, f"User: I love {WORD} music."]), encoding="utf-8")
    out = json_out(invoke("extract", str(chat), "--user-id", "ana", "--db", str(db), "--json"))
    assert out["totals"]["stored"] >= 2


def test_compact_erases_forgotten_text_from_the_file(invoke: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    _fill(invoke, db, tmp_path)
    listed = json_out(invoke("list", "--user-id", "ana", "--db", str(db), "--json"))["memories"]
    [music] = [m for m in listed if WORD in m["content"]]
    assert invoke("forget", music["id"], "--user-id", "ana", "--db", str(db)).exit_code == 0
    done = json_out(invoke("compact", "--db", str(db), "--json"))
    assert done["compacted"] == str(db) and done["bytes_after"] > 0
    assert WORD.encode() not in _raw(db)
    still = json_out(invoke("list", "--user-id", "ana", "--db", str(db), "--json"))["memories"]
    assert len(still) == len(listed) - 1


def test_purge_rewrites_the_file(invoke: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    _fill(invoke, db, tmp_path)
    done = json_out(invoke("purge", "--user-id", "ana", "--yes", "--db", str(db), "--json"))
    assert done["compacted"] is True and done["purged"]["memories"] >= 2
    assert WORD.encode() not in _raw(db) and b"Town3ville" not in _raw(db)


def test_compact_refuses_what_is_no_duckdb_file(invoke: Invoke, tmp_path: Path) -> None:
    missing = invoke("compact", "--db", str(tmp_path / "none.duckdb"))
    assert_one_line_error(missing, ExitCode.BAD_INPUT, "no database")
    memory = invoke("compact", "--db", ":memory:")
    assert_one_line_error(memory, ExitCode.BAD_INPUT, "DuckDB file")
