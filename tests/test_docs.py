"""Every fenced ``python`` block of the README and of each ``docs/*.md`` runs, plus
per-document checks of the README, the CLI and architecture docs.

Blocks of one document run in order in one namespace (later blocks may use names an
earlier block defined), in a temporary working directory, offline. The scaling guide's
samples run against the embedded PostgreSQL server.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.doc_blocks import FENCE, ROOT, blocks, run_python_blocks
from tests.pg_server import database_url, truncate_all

POSTGRES_DOC = "docs/scaling.md"
DOCS = ["README.md"] + [
    f"docs/{p.name}"
    for p in sorted((ROOT / "docs").glob("*.md"))
    if f"docs/{p.name}" != POSTGRES_DOC
]
# Guards against a broken fence silently turning a document's samples into prose.
MIN_BLOCKS = {"docs/concepts.md": 6, "docs/integrations.md": 7, POSTGRES_DOC: 3}
SAMPLE_URL = "postgresql://memories:secret@db.internal:5432/memories"


@pytest.fixture
def offline_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    # Samples must not depend on a key or a local store.
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGMEM_DB"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.mark.parametrize("doc", DOCS)
def test_python_blocks_run(doc: str, offline_cwd: Path) -> None:
    assert len(blocks(doc, "python")) >= MIN_BLOCKS.get(doc, 0)
    run_python_blocks(doc)


@pytest.mark.postgres
def test_scaling_python_blocks_run_on_a_real_server(offline_cwd: Path) -> None:
    assert len(blocks(POSTGRES_DOC, "python")) >= MIN_BLOCKS[POSTGRES_DOC]
    url = database_url("langmem_test_scaling_doc")
    truncate_all(url)
    namespace = run_python_blocks(POSTGRES_DOC, replace={SAMPLE_URL: url})
    # The one-switch sample stored its memory in PostgreSQL.
    assert namespace["result"].stored == 1  # type: ignore[attr-defined]
    shard_for = namespace["shard_for"]
    assert shard_for(("users", "u42", "x")) == shard_for(("users", "u42"))  # type: ignore[operator]


def test_readme_quickstart_is_one_block_of_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = list(FENCE.finditer(section))
    assert len(blocks) == 1
    commands = [ln.strip() for ln in blocks[0]["body"].splitlines() if ln.strip()]
    assert commands == ["make demo", "make test"]
    # CI runs exactly the README's test command.
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1].strip() == commands[1]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:.*\n\t.*langmem-extract demo", makefile, re.M)


def test_cli_doc_covers_every_command_and_exit_code() -> None:
    from langmem_extract.cli import ExitCode, app

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert names, "no commands registered"
    for name in names:
        assert f"### `{name}" in text or f"`{name}`" in text, name
    table = text.split("## Exit codes", 1)[1]
    for code in ExitCode:
        assert re.search(rf"^\| {int(code)} \|", table, re.M), code


def test_architecture_doc_has_a_mermaid_graph_of_the_nodes() -> None:
    from langmem_extract.graph.builder import NODE_NAMES

    [(_, mermaid), *_] = blocks("docs/architecture.md", "mermaid")
    for node in NODE_NAMES:
        assert node in mermaid
