"""docs/scaling.md's Python samples run against the embedded PostgreSQL server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.pg_server import database_url, truncate_all

pytestmark = pytest.mark.postgres

DOC = Path(__file__).resolve().parents[2] / "docs" / "scaling.md"
SAMPLE_URL = "postgresql://memories:secret@db.internal:5432/memories"
_FENCE = re.compile(r"^```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)


def test_python_samples_run_on_a_real_server() -> None:
    url = database_url("langmem_test_scaling_doc")
    truncate_all(url)
    text = DOC.read_text(encoding="utf-8")
    blocks = [m["body"] for m in _FENCE.finditer(text) if m["lang"] == "python"]
    assert len(blocks) >= 3
    namespace: dict[str, object] = {"__name__": "docs:scaling"}
    for body in blocks:
        exec(compile(body.replace(SAMPLE_URL, url), str(DOC), "exec"), namespace)
    # The one-switch sample stored its memory in PostgreSQL.
    assert namespace["result"].stored == 1  # type: ignore[attr-defined]
    shard_for = namespace["shard_for"]
    assert shard_for(("users", "u42", "x")) == shard_for(("users", "u42"))  # type: ignore[operator]


def test_cli_samples_use_real_options() -> None:
    from typer.main import get_command

    from langmem_extract.cli import app

    command = get_command(app)
    text = DOC.read_text(encoding="utf-8")
    for line in re.findall(r"^\s*(?:\|\s*)?langmem-extract (.+?)\s*\\?$", text, re.M):
        name, *rest = line.split()
        sub = command.commands[name]  # type: ignore[attr-defined]
        options = {opt for p in sub.params for opt in getattr(p, "opts", [])}
        for word in rest:
            if word.startswith("--"):
                assert word in options, f"{name} has no {word}"
