"""``langmem-extract backfill-turn-vectors``: counts, one user's scope, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from langmem_extract import open_store
from langmem_extract.evidence import evidence_session
from langmem_extract.namespaces import default_namespace
from langmem_extract.turn_vectors import load_turn_vectors
from tests.cli.conftest import Invoke, assert_one_line_error
from tests.test_turn_backfill import _fill, _sessions


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    """A DuckDB file (the CLI's default embedder) whose turns have no vector."""
    path = tmp_path / "old.duckdb"
    with open_store(path) as store:
        _fill(store, default_namespace("maya"), turn_vectors=False)
        _fill(store, default_namespace("rui"), turn_vectors=False)
    return path


def test_cli_backfills_one_users_turns_and_reports_counts(invoke: Invoke, old_db: Path) -> None:
    db = str(old_db)
    args = ("backfill-turn-vectors", "--db", db, "--json")
    dry = json.loads(invoke(*args, "--user-id", "maya", "--dry-run").stdout)
    assert (dry["scanned"], dry["embedded"], dry["dry_run"]) == (5, 5, True)
    first = invoke(*args, "--user-id", "maya")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert (report["namespace"], report["embedded"], report["skipped"]) == ("memories/maya", 5, 0)
    assert report["embedder"] == "E5Embeddings:original"
    again = json.loads(invoke(*args, "--user-id", "maya").stdout)
    assert (again["embedded"], again["skipped"]) == (0, 5)
    with open_store(old_db) as store:
        assert load_turn_vectors(store, evidence_session(default_namespace("rui"))) == {}
    plain = invoke("backfill-turn-vectors", "--db", db)
    assert plain.exit_code == 0
    assert "every namespace: 10 cited turns scanned" in " ".join(plain.stdout.split())


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--batch-size", "0"], "--batch-size must be within"),
        (["--namespace", "memories/a..b"], "empty label"),
        (["--user-id", "_admin"], "starts with '_'"),
        (["--namespace", "memories/maya", "--user-id", "rui"], "cannot scope"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(
    invoke: Invoke, old_db: Path, args: list[str], fragment: str
) -> None:
    result = invoke("backfill-turn-vectors", "--db", str(old_db), *args)
    assert_one_line_error(result, 2, fragment)
    with open_store(old_db) as store:
        assert all(load_turn_vectors(store, s) == {} for s in _sessions(("memories", "maya")))


def test_cli_on_a_missing_database_exits_2_and_creates_none(invoke: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    result = invoke("backfill-turn-vectors", "--db", str(missing), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stderr)["error"]["type"] == "InvalidInputError"
    assert not missing.exists()
