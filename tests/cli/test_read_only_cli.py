"""The reading commands open the DuckDB file read-only: they run while another process
reads the file, and say what to do while one writes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Invoke, assert_one_line_error, json_out

ROOT = Path(__file__).resolve().parents[2]

HOLD = """
import sys, time
from langmem_extract.store.duckdb import DuckDBStore
store = DuckDBStore.open(sys.argv[1], read_only=sys.argv[2] == "ro")
print("ready", flush=True)
time.sleep(60)
"""


def hold(path: Path, mode: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), mode],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
    return child


def test_reading_commands_share_the_file_with_a_reader(invoke: Invoke, db_copy: Path) -> None:
    child = hold(db_copy, "ro")
    try:
        listed = json_out(invoke("list", "--db", str(db_copy), "--json"))
        assert listed and "Porto" in str(listed)
        assert json_out(invoke("stats", "--db", str(db_copy), "--json"))
        recalled = json_out(
            invoke(
                "recall",
                "where does she live?",
                "--user-id",
                "maya",
                "--db",
                str(db_copy),
                "--json",
            )
        )
        assert "Porto" in str(recalled)
        # A writing command cannot join a reader.
        result = invoke("forget", "abcd", "--db", str(db_copy))
        assert_one_line_error(result, 4, "locked", "readers included")
    finally:
        child.kill()
        child.wait(timeout=10)


def test_a_writer_locks_out_the_reading_commands(invoke: Invoke, db_copy: Path) -> None:
    child = hold(db_copy, "rw")
    try:
        result = invoke("list", "--db", str(db_copy))
        assert_one_line_error(result, 4, "locked", "Close the other process")
    finally:
        child.kill()
        child.wait(timeout=10)
    assert json_out(invoke("list", "--db", str(db_copy), "--json"))
