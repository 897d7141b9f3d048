"""docs/scaling.md's CLI samples use options the CLI has (its Python samples run in
tests/test_docs.py, against the embedded PostgreSQL server)."""

from __future__ import annotations

import re

import pytest

from tests.doc_blocks import ROOT

pytestmark = pytest.mark.postgres

DOC = ROOT / "docs" / "scaling.md"


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
