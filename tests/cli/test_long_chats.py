"""Long conversations through ``extract``: windows, the per-conversation cap, progress,
source naming, and tables at 80 columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from langmem_extract.cli import _progress
from langmem_extract.cli import extract as extract_cli
from tests.cli.conftest import Invoke, json_out

#: Three facts per session, each unlike the others (no two may merge as duplicates), and
#: no named relative ("my sister Ana" is a fact and a relation: two memories).
FACTS = [
    ("I adopted a cat named Pixel.", "I work as a pharmacist in Leeds.", "I drive a blue Volvo."),
    ("My sister lives in Madrid.", "I am allergic to peanuts.", "I started learning the cello."),
    ("My favourite author is Ursula Le Guin.", "I ran my first marathon in Oslo.",
     "I want to visit Japan next spring."),
    ("I prefer green tea over coffee.", "My son plays chess on Saturdays.",
     "I grew up on a farm near Porto."),
    ("I am training for a triathlon.", "My landlord raised the rent in March.",
     "I collect vinyl records from the seventies."),
    ("I volunteer at the animal shelter.", "My laptop is a ten year old ThinkPad.",
     "I hate flying on small planes."),
]  # fmt: skip
CHATTER = ("Okay, sounds good.", "Sure, tell me more.", "Ha, that is funny.", "Right.")
SESSION_MESSAGES = 80  # six sessions: 480 messages, three windows of at most 200


def _session(facts: tuple[str, ...]) -> list[dict[str, str]]:
    messages = []
    for turn in range(SESSION_MESSAGES // 2):
        said = facts[turn // 12] if turn % 12 == 5 and turn // 12 < len(facts) else None
        messages.append({"role": "user", "content": said or CHATTER[turn % len(CHATTER)]})
        messages.append({"role": "assistant", "content": CHATTER[(turn + 1) % len(CHATTER)]})
    return messages


@pytest.fixture
def long_chat(tmp_path: Path) -> dict[str, Path]:
    sessions = [_session(facts) for facts in FACTS]
    assert all(sum(m["content"] in f for m in s) == 3 for s, f in zip(sessions, FACTS, strict=True))
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps([m for s in sessions for m in s]), encoding="utf-8")
    per_session = tmp_path / "sessions"
    per_session.mkdir()
    for n, session in enumerate(sessions, start=1):
        (per_session / f"{n:02d}.json").write_text(json.dumps(session), encoding="utf-8")
    return {"flat": flat, "sessions": per_session}


def _count(invoke: Invoke, db: Path) -> int:
    return json_out(invoke("list", "--db", str(db), "--limit", "1000", "--json"))["count"]


def test_one_flat_file_and_per_session_files_store_the_same_memories(
    invoke: Invoke, long_chat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A request keeps at most MAX_MEMORIES; lowered here so every window overflows it and
    # the overflow has to be sent again, as a 200-message window of a real chat does.
    monkeypatch.setattr(extract_cli, "MAX_MEMORIES", 2)
    flat_db, sessions_db = tmp_path / "flat.duckdb", tmp_path / "sessions.duckdb"
    flat = json_out(invoke("extract", str(long_chat["flat"]), "--db", str(flat_db), "--json"))
    [conv] = flat["conversations"]
    assert conv["windows"] == 3 and conv["messages"] == 6 * SESSION_MESSAGES
    assert conv["skipped_over_cap"] == 0 and conv["messages_not_read"] == 0
    assert flat["totals"]["extracted"] == len(conv["result"]["candidates"]) == 18
    assert flat["totals"]["skipped"] == 0
    per_session = json_out(
        invoke("extract", str(long_chat["sessions"]), "--db", str(sessions_db), "--json")
    )
    assert len(per_session["conversations"]) == 6
    assert _count(invoke, flat_db) == _count(invoke, sessions_db) == 18
    assert flat["totals"]["stored"] == per_session["totals"]["stored"] == 18


def test_max_memories_is_one_budget_per_conversation_and_reports_what_it_cut(
    invoke: Invoke, long_chat, tmp_path: Path
) -> None:
    db = tmp_path / "m.duckdb"
    result = invoke(
        "extract", str(long_chat["flat"]), "--db", str(db), "--max-memories", "7", "--json"
    )
    data = json_out(result)
    [conv] = data["conversations"]
    # The first window (sessions 1-2 and half of 3) holds 8 facts: 7 kept, 1 cut; the
    # budget is spent, so the other two windows are not read.
    assert data["totals"]["stored"] == 7 == _count(invoke, db)
    assert conv["skipped_over_cap"] == 1
    assert conv["messages_not_read"] == 6 * SESSION_MESSAGES - 200
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes == [
        "note: flat.json#1: --max-memories 7 reached; 1 memories skipped (lowest importance "
        "first); 2 later window(s), 280 messages, not read"
    ]
    # Per-session files are six conversations, each with its own budget.
    per = json_out(
        invoke("extract", str(long_chat["sessions"]), "--db", str(tmp_path / "s.duckdb"),
               "--max-memories", "2", "--json")
    )  # fmt: skip
    assert per["totals"]["stored"] == 12
    assert [c["skipped_over_cap"] for c in per["conversations"]] == [1] * 6


def test_json_names_the_file_and_the_conversation_index(invoke: Invoke, tmp_path: Path) -> None:
    # A minified JSON list of conversations: every one starts on line 1.
    chats = tmp_path / "chats.json"
    chats.write_text(
        json.dumps([
            [{"role": "user", "content": "I work as a nurse in Berlin."}],
            {"messages": [{"role": "user", "content": "I love hiking in the mountains."}]},
        ]),
        encoding="utf-8",
    )  # fmt: skip
    data = json_out(invoke("extract", str(chats), "--db", str(tmp_path / "m.duckdb"), "--json"))
    assert [(c["file"], c["conversation"], c["line"]) for c in data["conversations"]] == [
        (str(chats), 1, 1),
        (str(chats), 2, 1),
    ]
    assert ["nurse" in c["result"]["candidates"][0]["content"] for c in data["conversations"]] == [
        True,
        False,
    ]


# ----------------------------------------------------------------------------- 80 columns


def _cells(stdout: str) -> str:
    """Every table cell's text, continuation lines joined, for phrase searches."""
    return " ".join(" ".join(line.replace("│", " ").split()) for line in stdout.splitlines())


def test_tables_at_80_columns_keep_the_memory_text(
    invoke: Invoke, transcripts, tmp_path: Path
) -> None:
    db = tmp_path / "m.duckdb"
    narrow = {"COLUMNS": "80"}
    # transcripts["many"] holds three conversations: the table gets a source column.
    result = invoke("extract", str(transcripts["many"]), "--db", str(db), env=narrow)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    header = next(line for line in lines if "content" in line)
    content_width = len(header.split("┃")[[c.strip() for c in header.split("┃")].index("content")])
    assert content_width >= 30, header
    assert "many.jsonl#2" in result.stdout
    text = _cells(result.stdout).lower()
    for phrase in ("loves hiking in the mountains", "works as a nurse in berlin",
                   "daughter lia is five"):  # fmt: skip
        assert phrase in text, (phrase, result.stdout)

    listed = invoke("list", "--db", str(db), env=narrow)
    assert listed.exit_code == 0 and max(len(x) for x in listed.stdout.splitlines()) <= 80
    assert "works as a nurse in Berlin" in _cells(listed.stdout)
    recalled = invoke("recall", "where does the user work", "--db", str(db), env=narrow)
    assert recalled.exit_code == 0 and max(len(x) for x in recalled.stdout.splitlines()) <= 80
    assert "works as a nurse in Berlin" in _cells(recalled.stdout)


# ----------------------------------------------------------------------------- progress


@pytest.fixture
def every_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain progress line after every step, instead of every PLAIN_INTERVAL_S."""
    monkeypatch.setattr(_progress, "PLAIN_INTERVAL_S", 0.0)


def test_extract_prints_plain_progress_on_stderr_only(
    invoke: Invoke, long_chat, tmp_path: Path, every_step
) -> None:
    result = invoke("extract", str(long_chat["flat"]), "--db", str(tmp_path / "m.duckdb"),
                    "--dry-run", "--json")  # fmt: skip
    data = json_out(result)  # stdout is JSON and nothing else
    assert data["conversations"][0]["windows"] == 3
    lines = result.stderr.splitlines()
    assert [line.split(" after ")[0] for line in lines[:3]] == [
        f"extracting 1 conversation(s): {n}/3 windows" for n in (1, 2, 3)
    ]
    assert lines[3].startswith("extracting 1 conversation(s): done, 3/3 windows in ")
    assert len(lines) == 4
    assert "extracting" not in result.stdout


def test_import_and_export_print_plain_progress_on_stderr(
    invoke: Invoke, populated_db: Path, tmp_path: Path, every_step
) -> None:
    exported = invoke("export", "--db", str(populated_db))
    assert exported.exit_code == 0
    count = len(exported.stdout.splitlines())
    # stdout is the export; progress and the summary, naming stdout, are on stderr.
    assert all(json.loads(line)["id"] for line in exported.stdout.splitlines())
    lines = exported.stderr.splitlines()
    assert lines[0].split(" after ")[0] == f"exporting: {count} memories"
    assert lines[1].startswith(f"exporting: done, {count} memories in ")
    assert lines[2:] == [f"exported {count} memories to stdout"]

    source = tmp_path / "backup.jsonl"
    source.write_text(exported.stdout, encoding="utf-8")
    imported = invoke("import", str(source), "--db", str(tmp_path / "new.duckdb"), "--json")
    assert json_out(imported) == {"imported": count}
    lines = imported.stderr.splitlines()
    assert lines[0].split(" after ")[0] == f"importing: {count}/{count} memories"
    assert lines[1].startswith(f"importing: done, {count}/{count} memories in ")
    assert len(lines) == 2


def test_quick_commands_print_no_progress_lines(invoke: Invoke, transcripts, tmp_path) -> None:
    # Under the interval nothing is printed: stderr holds only what went wrong, if anything.
    result = invoke("extract", str(transcripts["text"]), "--db", str(tmp_path / "m.duckdb"))
    assert result.exit_code == 0 and result.stderr == ""
