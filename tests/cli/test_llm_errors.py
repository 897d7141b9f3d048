"""``extract --model`` against a scripted OpenAI-compatible server: typed provider
errors reach the documented exit code (5) as one line, and transient ones are retried."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from langmem_extract.cli import ExitCode
from tests.cli.conftest import Invoke, assert_one_line_error
from tests.extractors.llm_server import OK, Reply, ScriptedServer, error_body, running_server

KEY = "sk-test-CLIKEY-0123456789abcdef"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with running_server() as running:
        yield running


def _extract(invoke: Invoke, server: ScriptedServer, chat: Path, db: Path, *extra: str):
    return invoke(
        "extract", str(chat), "--db", str(db), "--model", "gpt-4o-mini",
        "--base-url", server.url, *extra, env={"OPENAI_API_KEY": KEY},
    )  # fmt: skip


def test_rejected_key_exits_5_in_one_line_without_the_key(
    invoke: Invoke, server: ScriptedServer, transcripts, tmp_path: Path
) -> None:
    server.script(Reply(401, error_body(f"Incorrect API key provided: {KEY}")))
    result = _extract(invoke, server, transcripts["text"], tmp_path / "m.duckdb")
    line = assert_one_line_error(result, ExitCode.MODEL_FAILURE, "HTTP 401", "OPENAI_API_KEY")
    assert KEY not in result.output and "[REDACTED:api_key]" in line
    assert server.attempts == 1


def test_bad_request_json_error_names_the_type(
    invoke: Invoke, server: ScriptedServer, transcripts, tmp_path: Path
) -> None:
    server.script(Reply(404, error_body("The model `gpt-4o-mini` does not exist")))
    result = _extract(invoke, server, transcripts["text"], tmp_path / "m.duckdb", "--json")
    assert result.exit_code == ExitCode.MODEL_FAILURE
    error = json.loads(result.stderr.strip())["error"]
    assert error["type"] == "LLMBadRequestError" and "HTTP 404" in error["message"]
    assert error["exit_code"] == 5 and server.attempts == 1


def test_server_error_is_retried_then_extracts(
    invoke: Invoke, server: ScriptedServer, transcripts, tmp_path: Path
) -> None:
    server.script(Reply(500, error_body("The server had an error")), OK)
    result = _extract(invoke, server, transcripts["text"], tmp_path / "m.duckdb", "--json")
    assert result.exit_code == 0, result.output
    assert server.attempts == 2
    assert "User prefers email over phone calls." in result.stdout
