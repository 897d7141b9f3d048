"""Every fenced ``python`` block in the README and the CLI/configuration/architecture docs runs.

Blocks of one document run in order in one namespace (later blocks may use names an
earlier block defined), in a temporary working directory, offline.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "docs/cli.md", "docs/configuration.md", "docs/architecture.md"]
_FENCE = re.compile(r"^```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)


def _blocks(doc: str, lang: str) -> list[tuple[int, str]]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, m["body"])
        for m in _FENCE.finditer(text)
        if m["lang"] == lang
    ]


@pytest.mark.parametrize("doc", DOCS)
def test_python_blocks_run(doc: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # Samples must not depend on a key or a local store.
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGMEM_DB"):
        monkeypatch.delenv(var, raising=False)
    blocks = _blocks(doc, "python")
    namespace: dict[str, object] = {"__name__": f"docs:{doc}"}
    for line, body in blocks:
        code = compile(body, f"{doc}:{line}", "exec")
        try:
            exec(code, namespace)
        except Exception as exc:
            pytest.fail(f"{doc}, block at line {line}: {type(exc).__name__}: {exc}")


def test_readme_quickstart_is_one_block_of_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = list(_FENCE.finditer(section))
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

    [(_, mermaid), *_] = _blocks("docs/architecture.md", "mermaid")
    for node in NODE_NAMES:
        assert node in mermaid
