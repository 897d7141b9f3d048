"""The CLI's ``--user-id`` / ``--agent-id`` scope, its audit trail, and ``purge``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from langmem_extract.cli import ExitCode
from tests.cli.conftest import Invoke, assert_one_line_error, json_out

FACTS = {
    "alice": "User: I live in Rome.\nUser: I'm vegetarian.\n",
    "carol": "User: I live in Madrid.\nUser: My diet is omnivore.\n",
}
OTHER = {"alice": ("Madrid", "omnivore"), "carol": ("Rome", "vegetarian")}


@pytest.fixture(params=["duckdb", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "duckdb":
        yield str(tmp_path / "scope.duckdb")
        return
    from tests.pg_server import database_url, truncate_all

    url = database_url("langmem_test_cli_scope")
    truncate_all(url)
    yield url


def _extract(invoke: Invoke, db: str, user: str, tmp_path: Path) -> dict:
    chat = tmp_path / f"{user}.txt"
    chat.write_text(FACTS[user], encoding="utf-8")
    return json_out(invoke("extract", str(chat), "--user-id", user, "--db", db, "--json"))


def test_cli_scopes_every_command_by_user(invoke: Invoke, db: str, tmp_path: Path) -> None:
    for user in ("alice", "carol"):
        out = _extract(invoke, db, user, tmp_path)
        assert out["namespace"] == ["memories", user]
        assert out["totals"]["superseded"] == 0
    for user in ("alice", "carol"):
        listed = json_out(invoke("list", "--user-id", user, "--db", db, "--json"))["memories"]
        assert {m["status"] for m in listed} == {"active"} and len(listed) == 2
        assert all(m["user_id"] == user for m in listed)
        assert all(h["via"] == "cli" and h["user_id"] == user for m in listed for h in m["history"])
        recalled = json_out(
            invoke("recall", "where do I live", "--user-id", user, "--db", db, "--json")
        )["results"]
        exported = invoke("export", "--user-id", user, "--db", db).stdout
        stats = json_out(invoke("stats", "--user-id", user, "--db", db, "--json"))
        text = " ".join(r["memory"]["content"] for r in recalled) + exported
        assert recalled and stats["total"] == 2
        for word in OTHER[user]:
            assert word not in text
    # The unscoped default holds none of them.
    unscoped = json_out(invoke("recall", "where do I live", "--db", db, "--json"))["results"]
    assert unscoped == []


def test_a_read_with_an_id_a_fixed_namespace_cannot_apply_fails(
    invoke: Invoke, db: str, tmp_path: Path
) -> None:
    _extract(invoke, db, "alice", tmp_path)
    bad = invoke("list", "-n", "memories/team", "--user-id", "alice", "--db", db)
    assert_one_line_error(bad, ExitCode.BAD_INPUT, "--user-id cannot scope")
    templated = invoke("list", "-n", "memories/{user_id}", "--user-id", "alice", "--db", db)
    assert templated.exit_code == 0 and "Rome" in templated.stdout
    reserved = invoke("recall", "x", "--user-id", "_shared", "--db", db)
    assert_one_line_error(reserved, ExitCode.BAD_INPUT, "starts with '_'")


def test_forget_leaves_a_tombstone_and_purge_erases_a_user(
    invoke: Invoke, db: str, tmp_path: Path
) -> None:
    for user in ("alice", "carol"):
        _extract(invoke, db, user, tmp_path)
    [rome] = [
        m
        for m in json_out(invoke("list", "--user-id", "alice", "--db", db, "--json"))["memories"]
        if m["value"] == "Rome"
    ]
    assert invoke("forget", rome["id"], "--user-id", "alice", "--db", db).exit_code == 0
    gone = json_out(invoke("list", "--status", "forgotten", "--db", db, "--json"))["memories"]
    assert [m["id"] for m in gone] == [rome["id"]]
    assert "Rome" not in str(gone[0])
    last = gone[0]["history"][-1]
    assert (last["action"], last["user_id"], last["via"]) == ("forgotten", "alice", "cli")
    assert invoke("show", rome["id"], "--db", db).exit_code == ExitCode.NOT_FOUND

    refused = invoke("purge", "--user-id", "alice", "--db", db)
    assert_one_line_error(refused, ExitCode.BAD_INPUT, "--yes")
    assert json_out(invoke("stats", "--user-id", "alice", "--db", db, "--json"))["total"] == 1
    done = json_out(invoke("purge", "--user-id", "alice", "--yes", "--db", db, "--json"))
    assert done["purged"]["memories"] == 2  # the tombstone and the diet memory
    everything = invoke("export", "--db", db).stdout
    assert "alice" not in everything and "Madrid" in everything
    assert json_out(invoke("stats", "--user-id", "carol", "--db", db, "--json"))["total"] == 2
    nothing = invoke("purge", "--yes", "--db", db)
    assert_one_line_error(nothing, ExitCode.BAD_INPUT, "needs a user_id")
