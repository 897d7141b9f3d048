"""Fixtures for the CLI tests: a runner, sample transcripts and a populated DuckDB file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from langmem_extract.cli import app

SAMPLE_TEXT = """\
User: Hi, I'm Maya. I live in Lisbon and I work as a backend engineer at Northwind.
Assistant: Nice to meet you!
User: I prefer aisle seats and I'm vegetarian.
User: Please keep your answers short.
"""

FOLLOW_UP = [
    {
        "role": "user",
        "content": "Actually, I live in Porto now.",
    },
    {"role": "assistant", "content": "Noted."},
]

Invoke = Callable[..., Result]


def _env() -> dict[str, str | None]:
    # Isolate from the developer's shell: no key, no default store, no debug tracebacks.
    return {
        "OPENAI_API_KEY": None,
        "OPENAI_BASE_URL": None,
        "LANGMEM_DB": None,
        "LANGMEM_DEBUG": None,
        # A wide terminal, so table cells are not wrapped mid-phrase.
        "COLUMNS": "200",
    }


@pytest.fixture
def invoke() -> Invoke:
    runner = CliRunner()

    def run(
        *args: str, input: str | None = None, env: dict[str, str | None] | None = None
    ) -> Result:
        return runner.invoke(app, list(args), input=input, env={**_env(), **(env or {})})

    return run


def json_out(result: Result) -> object:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return json.loads(result.stdout)


def assert_one_line_error(result: Result, code: int, *fragments: str) -> str:
    """A failure prints exactly one line on stderr, no traceback, and exits with ``code``."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def transcripts(tmp_path: Path) -> dict[str, Path]:
    text = tmp_path / "chat.txt"
    text.write_text(SAMPLE_TEXT, encoding="utf-8")
    follow = tmp_path / "follow.json"
    follow.write_text(json.dumps({"messages": FOLLOW_UP}), encoding="utf-8")
    many = tmp_path / "many.jsonl"
    many.write_text(
        "\n".join(
            json.dumps({"messages": [{"role": "user", "content": line}]})
            for line in (
                "I love hiking in the mountains.",
                "I work as a nurse in Berlin.",
                "My daughter Lia is five.",
            )
        )
        + "\n",
        encoding="utf-8",
    )
    return {"text": text, "follow": follow, "many": many}


@pytest.fixture(scope="module")
def populated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file after two sessions: Maya's intro, then her move to Porto."""
    from langmem_extract.chat_files import parse_chat_file
    from langmem_extract.graph.builder import extract_memories
    from langmem_extract.store.factory import open_store

    path = tmp_path_factory.mktemp("db") / "populated.duckdb"
    store = open_store(str(path))
    try:
        [conv] = parse_chat_file(SAMPLE_TEXT, "chat.txt")
        extract_memories(conv.messages, store=store, namespace=("memories", "maya"))
        extract_memories(FOLLOW_UP, store=store, namespace=("memories", "maya"))
    finally:
        close = getattr(store, "close", None)
        if callable(close):
            close()
    return path


@pytest.fixture
def db_copy(populated_db: Path, tmp_path: Path) -> Path:
    """A private copy of the populated database, for commands that write."""
    target = tmp_path / "copy.duckdb"
    shutil.copy(populated_db, target)
    return target
