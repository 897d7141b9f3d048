"""Every CLI command end to end on a DuckDB file: output, --json shapes, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from langmem_extract.cli import ExitCode
from langmem_extract.schema import Memory, MemoryStatus
from langmem_extract.store.factory import open_store
from tests.cli.conftest import Invoke, assert_one_line_error, json_out

TOTAL_KEYS = {"extracted", "stored", "deduplicated", "superseded", "skipped", "failed", "redacted"}


# ----------------------------------------------------------------------------- extract


def test_extract_text_file_stores_typed_memories(
    invoke: Invoke, transcripts, tmp_path: Path
) -> None:
    db = tmp_path / "m.duckdb"
    data = json_out(invoke("extract", str(transcripts["text"]), "--db", str(db), "--json"))
    assert set(data) == {"dry_run", "namespace", "conversations", "totals"}
    assert data["dry_run"] is False and data["namespace"] == ["memories", "_shared"]
    [conv] = data["conversations"]
    assert conv["source"] == f"{transcripts['text']}:1"
    result = conv["result"]
    assert {"candidates", "items", "extracted", "stored"} <= set(result)
    assert set(data["totals"]) == TOTAL_KEYS
    assert data["totals"]["stored"] == result["stored"] >= 4
    contents = {c["content"] for c in result["candidates"]}
    assert "User prefers aisle seats." in contents
    assert {c["type"] for c in result["candidates"]} >= {"fact", "preference", "instruction"}
    assert all(i["status"] == "stored" for i in result["items"])
    # What extract stored is what list reads back.
    listed = json_out(invoke("list", "--db", str(db), "--json"))
    assert listed["count"] == result["stored"]


def test_extract_text_output_is_a_table_and_summary(
    invoke: Invoke, transcripts, tmp_path: Path
) -> None:
    result = invoke("extract", str(transcripts["text"]), "--db", str(tmp_path / "m.duckdb"))
    assert result.exit_code == 0, result.output
    assert "preference" in result.stdout and "aisle seats" in result.stdout
    assert "1 conversation(s):" in result.stdout and "→ memories" in result.stdout


def test_extract_dry_run_writes_nothing_and_creates_no_file(
    invoke: Invoke, transcripts, tmp_path: Path
) -> None:
    db = tmp_path / "never.duckdb"
    data = json_out(
        invoke("extract", str(transcripts["text"]), "--db", str(db), "--dry-run", "--json")
    )
    assert data["dry_run"] is True
    items = data["conversations"][0]["result"]["items"]
    assert items and all(i["status"] == "planned" for i in items)
    assert not db.exists()
    text = invoke("extract", str(transcripts["text"]), "--db", str(db), "--dry-run")
    summary = text.stdout.strip().splitlines()[-1]
    stored = data["totals"]["stored"]
    assert f"would store {stored}" in summary and "dry run: nothing written" in summary
    assert f"{stored} stored" not in summary
    assert not db.exists()


def test_extract_dry_run_on_an_existing_store_plans_merge_and_supersede(
    invoke: Invoke, db_copy: Path, transcripts
) -> None:
    before = json_out(invoke("list", "--db", str(db_copy), "--json"))["count"]
    data = json_out(
        invoke(
            "extract",
            str(transcripts["text"]),
            "--db",
            str(db_copy),
            "-n",
            "memories/maya",
            "--dry-run",
            "--json",
        )
    )
    actions = {c["action"] for c in data["conversations"][0]["result"]["candidates"]}
    assert "merge" in actions  # the same conversation again reinforces, it does not duplicate
    assert json_out(invoke("list", "--db", str(db_copy), "--json"))["count"] == before


def test_extract_from_stdin_with_env_db_namespace_and_types(invoke: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "env.duckdb"
    messages = [{"role": "user", "content": "I prefer tea over coffee and I live in Oslo."}]
    data = json_out(
        invoke(
            "extract",
            "-",
            "--types",
            "preference",
            "-n",
            "memories/u7",
            "--user-id",
            "u7",
            "--json",
            input=json.dumps(messages),
            env={"LANGMEM_DB": str(db)},
        )
    )
    candidates = data["conversations"][0]["result"]["candidates"]
    kept = [c for c in candidates if c["action"] != "skip"]
    assert kept and {c["type"] for c in kept} == {"preference"}
    assert db.exists()
    stored = json_out(invoke("list", "--json", env={"LANGMEM_DB": str(db)}))["memories"]
    assert {m["type"] for m in stored} == {"preference"}
    assert {tuple(m["namespace"]) for m in stored} == {("memories", "u7")}
    assert {m["user_id"] for m in stored} == {"u7"}


def test_extract_max_memories_caps_what_is_stored(
    invoke: Invoke, transcripts, tmp_path: Path
) -> None:
    data = json_out(
        invoke(
            "extract",
            str(transcripts["text"]),
            "--db",
            str(tmp_path / "m.duckdb"),
            "--max-memories",
            "1",
            "--json",
        )
    )
    assert data["totals"]["stored"] == 1
    assert data["totals"]["skipped"] >= 3


def test_extract_many_conversations_shows_progress(
    invoke: Invoke, transcripts, tmp_path: Path
) -> None:
    db = tmp_path / "m.duckdb"
    # A terminal-like stderr, so rich draws the bar.
    env = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"}
    result = invoke("extract", str(transcripts["many"]), "--db", str(db), "--json", env=env)
    data = json_out(result)
    assert [c["source"] for c in data["conversations"]] == [
        f"{transcripts['many']}:{n}" for n in (1, 2, 3)
    ]
    assert data["totals"]["stored"] >= 3
    assert "extracting 3 conversation(s)" in result.stderr and "3/3" in result.stderr
    # One conversation gets its bar too; stdout stays JSON.
    single = invoke("extract", str(transcripts["text"]), "--db", str(db), "--json", env=env)
    assert json_out(single)["totals"]["extracted"] >= 4
    assert "extracting 1 conversation(s)" in single.stderr


def test_extract_directory_reads_every_transcript(
    invoke: Invoke, transcripts, tmp_path: Path
) -> None:
    data = json_out(
        invoke("extract", str(tmp_path), "--db", str(tmp_path / "dir.duckdb"), "--json")
    )
    sources = [c["source"].rsplit(":", 1)[0] for c in data["conversations"]]
    assert (
        sources
        == [str(transcripts["text"]), str(transcripts["follow"])] + [str(transcripts["many"])] * 3
    )


def test_extract_splits_a_long_conversation_into_windows(invoke: Invoke, tmp_path: Path) -> None:
    long = tmp_path / "long.jsonl"
    lines = [{"role": "user", "content": f"Note {i}."} for i in range(250)]
    lines[-1]["content"] = "I prefer window seats."
    long.write_text("\n".join(json.dumps(m) for m in lines) + "\n", encoding="utf-8")
    data = json_out(
        invoke("extract", str(long), "--db", str(tmp_path / "w.duckdb"), "--dry-run", "--json")
    )
    # One conversation, read in two windows of at most 200 messages.
    [conv] = data["conversations"]
    assert (conv["source"], conv["windows"], conv["messages"]) == (f"{long}:1", 2, 250)
    assert [c["content"] for c in conv["result"]["candidates"]] == ["User prefers window seats."]


def test_extract_model_without_key_is_a_usage_error(
    invoke: Invoke, transcripts, tmp_path: Path
) -> None:
    db = tmp_path / "m.duckdb"
    result = invoke("extract", str(transcripts["text"]), "--db", str(db), "--model", "gpt-4o-mini")
    assert_one_line_error(result, ExitCode.BAD_INPUT, "OPENAI_API_KEY", "--base-url")
    assert not db.exists()


def test_extract_model_server_down_exits_5(invoke: Invoke, transcripts, tmp_path: Path) -> None:
    # Port 9 (discard) refuses connections: a connection error, retried within max_retries.
    result = invoke(
        "extract", str(transcripts["text"]), "--db", str(tmp_path / "m.duckdb"),
        "--model", "local-model", "--base-url", "http://127.0.0.1:9/v1",
    )  # fmt: skip
    assert_one_line_error(result, ExitCode.MODEL_FAILURE, f"{transcripts['text']}:1:", "Connection")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["extract", "{missing}"], ["no such file"]),
        (["extract", "{bad_role}"], ["bad.json:3:", "unknown role 'robot'"]),
        (["extract", "{text}", "--max-memories", "0"], ["max_memories"]),
        (["extract", "{text}", "--types", "opinion"], ["unknown memory type 'opinion'"]),
        (["extract", "{text}", "--namespace", "a//b"], ["empty label"]),
        (["extract", "{text}", "--namespace", "langgraph/x"], ["reserved"]),
        (["extract", "{long}"], ["long.json:1:", "characters"]),
        (["recall", "x", "-k", "0"], ["k must be"]),
        (["recall", "x", "--min-confidence", "2"], ["min_confidence"]),
        (["list", "--status", "gone"], ["unknown status 'gone'"]),
        (["list", "--type", "opinion"], ["opinion"]),
        (["list", "--limit", "0"], ["limit"]),
        (["import", "{missing}"], ["no such file"]),
        (["stats"], ["no memory database at", "m.duckdb"]),
        (["show", "abcd"], ["no memory database at"]),
        (["export", "--out", "-"], ["no memory database at"]),
    ],
)
def test_bad_input_exits_2_with_one_line(
    invoke: Invoke, transcripts, tmp_path: Path, args, fragments
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[\n {"role": "user", "content": "hi"},\n {"role": "robot", "content": "x"}\n]')
    long = tmp_path / "long.json"
    long.write_text(json.dumps([{"role": "user", "content": "word " * 2000}]))
    paths = {
        "missing": tmp_path / "nope.json",
        "bad_role": bad,
        "text": transcripts["text"],
        "long": long,
    }
    db = tmp_path / "m.duckdb"
    if args[0] in {"recall", "list"}:
        # Reading commands need an existing database to get as far as their options.
        open_store(str(db)).close()
    argv = [a.format(**paths) for a in args] + ["--db", str(db)]
    assert_one_line_error(invoke(*argv), ExitCode.BAD_INPUT, *fragments)
    if args[0] not in {"recall", "list"}:
        assert not db.exists()


def test_unreadable_stdin_and_unwritable_export_are_input_errors(
    invoke: Invoke, tmp_path: Path
) -> None:
    latin = "User: café".encode("latin-1")
    result = invoke("extract", "-", "--db", str(tmp_path / "m.duckdb"), input=latin)
    assert_one_line_error(result, ExitCode.BAD_INPUT, "<stdin>: not UTF-8")
    out = tmp_path / "missing-dir" / "x.jsonl"
    open_store(str(tmp_path / "m.duckdb")).close()
    result = invoke("export", "--out", str(out), "--db", str(tmp_path / "m.duckdb"))
    assert_one_line_error(result, ExitCode.BAD_INPUT, "no such directory")


def test_errors_in_json_mode_are_json_on_stderr(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("extract", str(tmp_path / "nope.json"), "--json")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert error["type"] == "InvalidInputError" and error["exit_code"] == 2
    assert "no such file" in error["message"]


def test_unknown_option_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("list", "--no-such-option")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "Traceback" not in result.output


# ----------------------------------------------------------------------------- recall


def test_recall_json_ranks_active_memories(invoke: Invoke, populated_db: Path) -> None:
    data = json_out(
        invoke(
            "recall",
            "where does she live",
            "-n",
            "memories/maya",
            "--db",
            str(populated_db),
            "--json",
        )
    )
    assert data["query"] == "where does she live"
    results = data["results"]
    assert 1 <= len(results) <= 5
    assert set(results[0]) == {"score", "similarity", "memory"}
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert all(r["memory"]["status"] == "active" for r in results)
    contents = [r["memory"]["content"] for r in results]
    assert any("Porto" in c for c in contents)
    assert not any("Lisbon" in c for c in contents)
    Memory.from_value(results[0]["memory"])  # a full memory, not a summary


def test_recall_filters(invoke: Invoke, populated_db: Path) -> None:
    db = str(populated_db)
    old = json_out(
        invoke(
            "recall",
            "lives in",
            "--user-id",
            "maya",
            "--include-superseded",
            "--category",
            "location",
            "--db",
            db,
            "--json",
        )
    )["results"]
    assert {r["memory"]["status"] for r in old} == {"active", "superseded"}
    prefs = json_out(
        invoke(
            "recall",
            "seats",
            "--user-id",
            "maya",
            "--type",
            "preference",
            "-k",
            "1",
            "--db",
            db,
            "--json",
        )
    )["results"]
    assert len(prefs) == 1 and prefs[0]["memory"]["type"] == "preference"
    assert (
        json_out(
            invoke(
                "recall",
                "seats",
                "--user-id",
                "maya",
                "--min-confidence",
                "1.0",
                "--db",
                db,
                "--json",
            )
        )["results"]
        == []
    )


def test_recall_table(invoke: Invoke, populated_db: Path) -> None:
    result = invoke(
        "recall", "what seat does she like", "--user-id", "maya", "--db", str(populated_db)
    )
    assert result.exit_code == 0, result.output
    assert "recall: what seat does she like" in result.stdout and "aisle" in result.stdout


# ----------------------------------------------------------------------------- list / show / stats


def test_list_json_and_filters(invoke: Invoke, populated_db: Path) -> None:
    db = str(populated_db)
    every = json_out(invoke("list", "--db", db, "--json"))
    assert set(every) == {"count", "memories"} and every["count"] == len(every["memories"]) >= 5
    created = [m["created_at"] for m in every["memories"]]
    assert created == sorted(created, reverse=True)
    superseded = json_out(invoke("list", "--status", "superseded", "--db", db, "--json"))[
        "memories"
    ]
    assert [m["content"] for m in superseded] == ["User lives in Lisbon."]
    prefs = json_out(invoke("list", "-t", "preference", "--db", db, "--json"))["memories"]
    assert prefs and {m["type"] for m in prefs} == {"preference"}
    page = json_out(invoke("list", "--limit", "2", "--offset", "1", "--db", db, "--json"))[
        "memories"
    ]
    assert [m["id"] for m in page] == [m["id"] for m in every["memories"][1:3]]
    assert json_out(invoke("list", "-n", "memories/other", "--db", db, "--json")) == {
        "count": 0,
        "memories": [],
    }


def test_list_table(invoke: Invoke, populated_db: Path) -> None:
    result = invoke("list", "--db", str(populated_db))
    assert result.exit_code == 0
    assert "superseded" in result.stdout and "Lisbon" in result.stdout


def test_show_json_and_table_include_history(invoke: Invoke, populated_db: Path) -> None:
    db = str(populated_db)
    [old] = json_out(invoke("list", "--status", "superseded", "--db", db, "--json"))["memories"]
    shown = json_out(invoke("show", old["id"], "--db", db, "--json"))
    assert shown == old
    assert shown["superseded_by"] and [h["action"] for h in shown["history"]][-1] == "superseded"
    table = invoke("show", old["id"][:8], "--db", db)
    assert table.exit_code == 0
    assert old["id"] in table.stdout and "history" in table.stdout and "superseded" in table.stdout


def test_show_unknown_id_exits_3(invoke: Invoke, populated_db: Path) -> None:
    result = invoke("show", "ffffffff-0000-0000-0000-000000000000", "--db", str(populated_db))
    assert_one_line_error(result, ExitCode.NOT_FOUND, "no memory with id 'ffffffff-")


@pytest.mark.parametrize("command", ["show", "forget"])
def test_an_id_prefix_under_4_characters_is_bad_input(
    invoke: Invoke, db_copy: Path, command: str
) -> None:
    before = json_out(invoke("list", "--db", str(db_copy), "--json"))["count"]
    result = invoke(command, "a", "--db", str(db_copy))
    assert_one_line_error(result, ExitCode.BAD_INPUT, "'a'", "at least 4 characters")
    assert json_out(invoke("list", "--db", str(db_copy), "--json"))["count"] == before


def test_stats_json_and_table(invoke: Invoke, populated_db: Path) -> None:
    data = json_out(invoke("stats", "--db", str(populated_db), "--json"))
    assert set(data) == {
        "total",
        "by_type",
        "by_category",
        "by_namespace",
        "by_status",
        "forgotten",
    }
    assert data["total"] == sum(data["by_type"].values()) == sum(data["by_namespace"].values())
    assert data["by_namespace"] == {"memories/maya": data["total"]}
    assert data["by_status"]["superseded"] == 1
    table = invoke("stats", "--db", str(populated_db))
    assert (
        table.exit_code == 0
        and f"{data['total']} memories" in table.stdout
        and "by type" in table.stdout
    )


# ----------------------------------------------------------------------------- forget


def test_forget_deletes_then_not_found(invoke: Invoke, db_copy: Path) -> None:
    db = str(db_copy)
    [first, *_] = json_out(invoke("list", "--db", db, "--json"))["memories"]
    gone = json_out(invoke("forget", first["id"][:8], "--db", db, "--json"))
    assert gone == {"forgotten": first}
    assert_one_line_error(invoke("show", first["id"], "--db", db), ExitCode.NOT_FOUND)
    assert_one_line_error(invoke("forget", first["id"], "--db", db), ExitCode.NOT_FOUND)
    text = invoke(
        "forget", json_out(invoke("list", "--db", db, "--json"))["memories"][0]["id"], "--db", db
    )
    assert text.exit_code == 0 and text.stdout.startswith("forgot ")


# ----------------------------------------------------------------------------- export / import


def test_export_import_export_round_trip_is_byte_identical(
    invoke: Invoke, populated_db: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first.jsonl"
    summary = json_out(invoke("export", "--out", str(first), "--db", str(populated_db), "--json"))
    lines = first.read_text(encoding="utf-8").splitlines()
    assert summary == {"exported": len(lines), "out": str(first)} and len(lines) >= 5
    values = [json.loads(line) for line in lines]
    assert {v["status"] for v in values} == {MemoryStatus.ACTIVE, MemoryStatus.SUPERSEDED}
    assert all(v["namespace"] == ["memories", "maya"] and v["history"] for v in values)

    fresh = tmp_path / "fresh.duckdb"
    assert json_out(invoke("import", str(first), "--db", str(fresh), "--json")) == {
        "imported": len(lines)
    }
    second = invoke("export", "--db", str(fresh))  # to stdout; summary on stderr
    assert second.exit_code == 0
    assert second.stdout == first.read_text(encoding="utf-8")
    assert second.stderr.strip().splitlines()[-1] == f"exported {len(lines)} memories to stdout"
    assert "exported" not in second.stdout
    # The imported copy is searchable again.
    hits = json_out(
        invoke("recall", "aisle seats", "--user-id", "maya", "--db", str(fresh), "--json")
    )["results"]
    assert any("aisle" in h["memory"]["content"] for h in hits)


def test_import_from_stdin_and_bad_line_writes_nothing(
    invoke: Invoke, populated_db: Path, tmp_path: Path
) -> None:
    exported = invoke("export", "--db", str(populated_db)).stdout
    first_line = exported.splitlines()[0]
    target = tmp_path / "target.duckdb"
    ok = invoke("import", "-", "--db", str(target), input=first_line + "\n")
    assert ok.exit_code == 0 and ok.stdout.strip() == "imported 1 memories"

    bad = tmp_path / "bad.jsonl"
    broken = json.loads(exported.splitlines()[1])
    broken["type"] = "opinion"
    bad.write_text(exported.splitlines()[1] + "\n" + json.dumps(broken) + "\n", encoding="utf-8")
    result = invoke("import", str(bad), "--db", str(target))
    assert_one_line_error(result, ExitCode.BAD_INPUT, f"{bad}:2:", "field 'type'")
    assert json_out(invoke("list", "--db", str(target), "--json"))["count"] == 1
    never = tmp_path / "never.duckdb"
    assert_one_line_error(invoke("import", str(bad), "--db", str(never)), ExitCode.BAD_INPUT)
    assert not never.exists()


# ----------------------------------------------------------------------------- demo / root


@pytest.mark.slow
def test_demo_prints_typed_memories_and_a_recall(invoke: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    data = json_out(invoke("demo", "--db", str(db), "--json"))
    assert set(data) == {"db", "sessions", "memories", "query", "recalled", "seconds"}
    assert data["db"] == str(db) and db.exists()
    assert len(data["sessions"]) == 2
    statuses = {m["status"] for m in data["memories"]}
    assert statuses == {"active", "superseded"}
    assert {m["type"] for m in data["memories"]} >= {"fact", "preference", "instruction"}
    assert data["recalled"] and all(r["memory"]["status"] == "active" for r in data["recalled"])
    text = invoke("demo")
    assert text.exit_code == 0, text.output
    assert (
        "typed memories" in text.stdout
        and "recall:" in text.stdout
        and "aisle seats" in text.stdout
    )
    assert "temporary store removed" in text.stdout
    in_memory = invoke("demo", "--db", ":memory:")
    assert in_memory.exit_code == 0, in_memory.output
    assert "in-memory store discarded" in in_memory.stdout
    assert "kept in" not in in_memory.stdout and not Path(":memory:").exists()


def test_version(invoke: Invoke) -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.startswith("langmem-extract ")


@pytest.mark.postgres
def test_postgres_url_works_as_db_and_exports_like_duckdb(
    invoke: Invoke, transcripts, tmp_path: Path
) -> None:
    from tests.pg_server import database_url, truncate_all

    url = database_url("langmem_cli")
    truncate_all(url)
    stored = json_out(invoke("extract", str(transcripts["text"]), "--db", url, "--json"))
    assert stored["totals"]["stored"] >= 4
    listed = json_out(invoke("list", "--db", url, "--json"))
    assert listed["count"] == stored["totals"]["stored"]
    # The same export from PostgreSQL and from a DuckDB copy of it.
    from_pg = invoke("export", "--db", url)
    assert from_pg.exit_code == 0
    duck = tmp_path / "copy.duckdb"
    assert invoke("import", "-", "--db", str(duck), input=from_pg.stdout).exit_code == 0
    assert invoke("export", "--db", str(duck)).stdout == from_pg.stdout


def test_eval_is_mounted_without_its_optional_dependencies(invoke: Invoke) -> None:
    result = invoke("eval", "--help")
    assert result.exit_code == 0 and "locomo" in result.stdout
    # The eval extra's packages are imported inside the eval commands only: without
    # them the CLI, the eval group and its help still load.
    script = (
        "import sys\n"
        "for name in ('bm25s', 'matplotlib', 'psutil', 'langgraph.store.sqlite'):\n"
        "    sys.modules[name] = None\n"
        "from typer.testing import CliRunner\n"
        "from langmem_extract.cli import app\n"
        "assert [g.name for g in app.registered_groups] == ['eval']\n"
        "runner = CliRunner()\n"
        "codes = [runner.invoke(app, args).exit_code\n"
        "         for args in (['list', '--help'], ['eval', 'locomo', '--help'])]\n"
        "print(max(codes))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0"


def test_store_locked_by_another_process_exits_4(invoke: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time, duckdb
                con = duckdb.connect({str(db)!r})
                print("ready", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = invoke("list", "--db", str(db))
        assert_one_line_error(result, ExitCode.STORE_LOCKED)
    finally:
        holder.communicate("", timeout=30)


def test_console_script_exit_code_and_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from langmem_extract.cli import main; main()",
            "extract",
            str(tmp_path / "x.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == ExitCode.BAD_INPUT
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'x.json'}: no such file or directory"
    ]
