"""The secret corpus through every write entry point, with default settings: 0 secrets stored.

Each entry point writes into DuckDB files; afterwards every column of every table (cast to
text), the raw file bytes, the export, the CLI's stdout, the tools' replies and every prompt
a recording chat model received are searched for each corpus secret (case-insensitively).
The benign look-alikes go through the same paths and at most 5% of them may be altered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from typer.testing import CliRunner

from langmem_extract import MemoryChatHistory, create_memory_tools, extract_memories
from langmem_extract.cli import app
from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.errors import InvalidInputError
from langmem_extract.extractors.llm import LLMExtractor
from langmem_extract.graph.extract import Echoes
from langmem_extract.integrations.agent import MemoryCapture
from langmem_extract.memories import list_memories
from langmem_extract.memory_files import export_memories, import_memories
from langmem_extract.message_log import message_log_for
from langmem_extract.redact import find_secrets, redact_secrets
from langmem_extract.schema import Memory
from langmem_extract.store.factory import open_store
from tests.extractors.fakes import RecordingChatModel, memories_reply
from tests.redaction.corpus import BENIGN_TURNS, SECRET_TURNS

CHUNK = 20
NS = ("memories", "u1")
CONFIG = {"configurable": {"user_id": "u1", "thread_id": "t1"}}
SECRETS = sorted({s["value"] for turn in SECRET_TURNS for s in turn["secrets"]})
# The fields a model may fill, in turn: a secret echoed into any of them must not be stored.
ECHO_FIELDS = ("content", "subject", "category", "attribute", "value", "preference_reasoning")


def _chunks(turns: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(turns), CHUNK):
        yield turns[i : i + CHUNK]


def _messages(turns: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [
        {"id": f"{prefix}{i}", "role": "user", "content": t["text"]} for i, t in enumerate(turns)
    ]


# Bounded by non-word characters, so a 4-digit PIN is not "found" inside a sequence number;
# ids, timestamps and timings (where "2448" can be a UUID group) are blanked first.
PATTERNS = {s: re.compile(rf"(?<!\w){re.escape(s)}(?!\w)", re.I) for s in SECRETS}
NOISE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?"
    r"|(?<![\w.])\d+\.\d+(?![\w.])",  # decimals: timings and scores (no secret is one)
    re.I,
)


def _leaks(text: str, min_len: int = 0) -> list[str]:
    """Each secret found (of at least ``min_len`` characters), with the text around it."""
    text = NOISE.sub("<id>", text)
    out = []
    for secret, pattern in PATTERNS.items():
        if len(secret) < min_len:
            continue
        if found := pattern.search(text):
            out.append(f"{secret}: ...{text[max(0, found.start() - 200) : found.end() + 40]}")
    return out


def _table_dump(path: Path) -> str:
    """Every column of every table in the database file, cast to text."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        parts = []
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
        ).fetchall()
        for schema, table in tables:
            cols = con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ?",
                [schema, table],
            ).fetchall()
            select = ", ".join(f'CAST("{c}" AS VARCHAR)' for (c,) in cols)
            rows = con.execute(f'SELECT {select} FROM "{schema}"."{table}"').fetchall()
            parts.append(f"## {schema}.{table} {len(rows)}")
            parts.extend(" | ".join(str(v) for v in row) for row in rows)
        return "\n".join(parts)
    finally:
        con.close()


def _echo_reply(turns: list[dict[str, Any]], prefix: str) -> AIMessage:
    """A model that writes each turn's secret into one of its output fields."""
    memories = [{"content": "User likes green tea.", "source_message_ids": [f"{prefix}0"]}]
    for i, turn in enumerate(turns):
        secret = turn["secrets"][0]["value"]
        field = ECHO_FIELDS[i % len(ECHO_FIELDS)]
        memory: dict[str, Any] = {
            "content": f"User mentioned item {prefix}{i}.",
            "source_message_ids": [f"{prefix}{i}"],
        }
        if field == "content":
            memory["content"] = f"User's secret is {secret}."
        elif field == "preference_reasoning":
            memory.update(type="preference", preference_reasoning=f"they said {secret}")
        else:
            memory[field] = secret
        memories.append(memory)
    return memories_reply(*memories)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every entry point once over the corpus; returns what must be searched."""
    tmp = tmp_path_factory.mktemp("secrets")
    db, cli_db = tmp / "api.duckdb", tmp / "cli.duckdb"
    seen: dict[str, Any] = {"outputs": [], "prompts": "", "redacted": {}}
    expected_input = sum(redact_secrets(t["text"])[1] for t in SECRET_TURNS)
    with open_store(db, embeddings=HashingEmbeddings()) as store:
        # 1. extract_memories, rules path
        rules = [
            extract_memories(_messages(chunk, f"r{n}-"), store=store, namespace=NS)
            for n, chunk in enumerate(_chunks(SECRET_TURNS))
        ]
        seen["redacted"]["rules"] = (sum(r.redacted for r in rules), expected_input)
        # 2. extract_memories, LLM path, with a model that echoes secrets into every field
        chunks = list(_chunks(SECRET_TURNS))
        model = RecordingChatModel(
            messages=iter([_echo_reply(c, f"l{n}-") for n, c in enumerate(chunks)])
        )
        llm = [
            extract_memories(
                _messages(chunk, f"l{n}-"),
                store=store,
                namespace=NS,
                extractor=LLMExtractor(model, max_retries=0),
            )
            for n, chunk in enumerate(chunks)
        ]
        seen["prompts"] = model.prompt_text()
        seen["redacted"]["llm"] = (sum(r.redacted for r in llm), expected_input + len(SECRET_TURNS))
        seen["outputs"] += [r.model_dump_json() for r in rules + llm]
        # 3. chat history, sync and background; tool-call arguments carry the secret too
        for mode in ("sync", "background"):
            history = MemoryChatHistory(store, f"s-{mode}", user_id="u1", mode=mode)
            for chunk in _chunks(SECRET_TURNS):
                batch: list[Any] = []
                for turn in chunk:
                    batch.append(HumanMessage(turn["text"]))
                    batch.append(
                        AIMessage(
                            "",
                            tool_calls=[
                                {"name": "remember", "args": {"content": turn["text"]}, "id": "c1"}
                            ],
                        )
                    )
                history.add_messages(batch)
            assert history.flush(timeout=120)
            seen["outputs"].append("\n".join(str(m) for m in history.messages))
        # 4. the agent capture hook
        capture = MemoryCapture(store)
        for turn in SECRET_TURNS:
            assert capture.capture([HumanMessage(turn["text"]), AIMessage("ok")], config=CONFIG)
        assert capture.flush(timeout=120)
        # 5. the remember tool: the turn as content; the secret as the user wrote it, as the
        # value of an attribute naming its kind ("password", "iban", ...). A bare 3-digit
        # value is a secret only by its label ("cvv: 218" is, "one time code: 743" is not),
        # so those go through the content path only.
        tools = {t.name: t for t in create_memory_tools(store)}
        for turn in SECRET_TURNS:
            span = find_secrets(turn["text"])[0]
            seen["outputs"].append(
                tools["remember"].invoke({"content": turn["text"]}, config=CONFIG)
            )
            if span.end - span.start < 4:
                continue
            seen["outputs"].append(
                tools["remember"].invoke(
                    {
                        "content": "User shared a detail.",
                        "attribute": span.kind.replace("_", " "),
                        "value": turn["text"][span.start : span.end],
                    },
                    config=CONFIG,
                )
            )
        # 6. import refuses a memory holding a secret, and writes nothing
        before = len(list_memories(store, NS, limit=10_000))
        refused = 0
        for turn in SECRET_TURNS:
            try:
                import_memories(
                    store,
                    [Memory(content=turn["text"], title="x", type="fact", namespace=list(NS))],
                )
            except InvalidInputError:
                refused += 1
        seen["import_refused"] = refused
        assert len(list_memories(store, NS, limit=10_000)) == before
        # 7. export
        export = tmp / "export.jsonl"
        export_memories(store, export)
        seen["outputs"].append(export.read_text())
    # 8. the CLI: extract (table and JSON output), export, import of a leaky file
    runner = CliRunner()
    chat = tmp / "chat.json"
    chat.write_text(json.dumps([{"role": "user", "content": t["text"]} for t in SECRET_TURNS]))
    stdout = []
    for args in (
        ["extract", str(chat), "--db", str(cli_db)],
        ["extract", str(chat), "--db", str(cli_db), "--json"],
        ["export", "--db", str(cli_db)],
        ["list", "--db", str(cli_db)],
    ):
        result = runner.invoke(app, args, env={"OPENAI_API_KEY": None, "COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        stdout.append(result.output)
    leaky = tmp / "leaky.jsonl"
    leaky.write_text(
        Memory(content=SECRET_TURNS[0]["text"], title="x", type="fact").model_dump_json()
    )
    bad = runner.invoke(app, ["import", str(leaky), "--db", str(cli_db)])
    assert bad.exit_code != 0
    stdout.append(bad.output)
    seen["stdout"] = "\n".join(stdout)
    seen["tables"] = _table_dump(db) + "\n" + _table_dump(cli_db)
    seen["raw"] = b"".join(p.read_bytes() for p in tmp.glob("*.duckdb*") if p.is_file()).decode(
        "latin-1"
    )
    return seen


def test_the_corpus_is_large_and_varied() -> None:
    kinds = {s["kind"] for t in SECRET_TURNS for s in t["secrets"]}
    assert len(SECRETS) >= 100 and len(kinds) >= 30
    assert not [s for s in SECRETS if NOISE.fullmatch(s)]  # blanking noise hides no secret


@pytest.mark.parametrize("where", ["prompts", "tables", "raw", "stdout", "outputs"])
def test_no_secret_anywhere(run: dict[str, Any], where: str) -> None:
    text = run[where] if isinstance(run[where], str) else "\n".join(run[where])
    assert text  # something was written / sent
    # In the raw file bytes short digit strings occur by chance; search the longer secrets.
    assert _leaks(text, min_len=8 if where == "raw" else 0) == []


def test_the_model_saw_markers_and_the_store_holds_memories(run: dict[str, Any]) -> None:
    assert "[REDACTED:" in run["prompts"]
    assert "[REDACTED:" in run["tables"]  # the transcripts keep a typed marker
    assert "green tea" in run["tables"]  # the clean memory of the LLM path was stored
    assert "lme_messages" in run["tables"]


def test_result_redacted_counts_what_was_redacted(run: dict[str, Any]) -> None:
    got, want = run["redacted"]["rules"]
    assert got == want >= len(SECRET_TURNS)
    got, want = run["redacted"]["llm"]
    assert got >= want  # input secrets plus one per echoed field (content also feeds the title)


def test_import_refuses_every_secret(run: dict[str, Any]) -> None:
    assert run["import_refused"] == len(SECRET_TURNS)


def test_benign_turns_are_rarely_altered(tmp_path: Path) -> None:
    with open_store(tmp_path / "b.duckdb", embeddings=HashingEmbeddings()) as store:
        results = [
            extract_memories(_messages(chunk, f"b{n}-"), store=store, namespace=NS)
            for n, chunk in enumerate(_chunks(BENIGN_TURNS))
        ]
        history = MemoryChatHistory(store, "benign", capture=False)
        history.add_messages([HumanMessage(t["text"]) for t in BENIGN_TURNS])
        transcribed = [m.text for m in history.messages]
    altered = sum(1 for t, kept in zip(BENIGN_TURNS, transcribed, strict=True) if t["text"] != kept)
    assert sum(r.redacted for r in results) == altered
    assert altered <= 0.05 * len(BENIGN_TURNS)


def test_the_transcript_opt_out_keeps_raw_text(tmp_path: Path) -> None:
    text = SECRET_TURNS[0]["text"]
    with open_store(tmp_path / "raw.duckdb", embeddings=HashingEmbeddings()) as store:
        raw = MemoryChatHistory(store, "raw", capture=False, redact_transcript=False)
        raw.add_messages([HumanMessage(text, id="m1")])
        assert [(m.id, m.text) for m in raw.messages] == [("m1", text)]
        default = message_log_for(store)
        default.append("red", [HumanMessage(text, id="m1")])
        [kept] = default.load("red")
        assert kept.id == "m1" and kept.text == redact_secrets(text)[0] != text
        assert [m.text for m in message_log_for(store, redact=False).load("raw")] == [text]


def test_an_echo_is_a_secret_or_its_generated_part_not_an_everyday_word() -> None:
    echoes = Echoes()
    echoes.add("correct horse battery staple", "passphrase")
    echoes.add("ghs_1RCrNdKfMDsRMMepIO9onDfakNMYXc1RVLJ7", "github_token")
    echoes.add("218", "card_cvv")
    assert echoes.replace("User likes horses, cats and Northwind") == (
        "User likes horses, cats and Northwind",
        0,
    )
    assert echoes.replace("Said CORRECT horse battery staple; cvv 218, not 2180") == (
        "Said [REDACTED:passphrase]; cvv [REDACTED:card_cvv], not 2180",
        2,
    )
    assert echoes.replace("body 1rcrndkfmdsrmmepio9ondfaknmyxc1rvlj7") == (
        "body [REDACTED:github_token]",
        1,
    )


def test_a_repeated_spaced_iban_is_redacted_both_times() -> None:
    iban = "gb73 nwbk 1249 1359 5218 55"
    text, found = redact_secrets(f"my iban is {iban} my iban is {iban}")
    assert (text, found) == ("my iban is [REDACTED:iban] my iban is [REDACTED:iban]", 2)
