"""Every fenced ``python`` block of docs/concepts.md runs, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "concepts.md"
_FENCE = re.compile(r"^```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)


def test_concepts_python_blocks_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGMEM_DB"):
        monkeypatch.delenv(var, raising=False)
    text = DOC.read_text(encoding="utf-8")
    blocks = [
        (text.count("\n", 0, m.start()) + 1, m["body"])
        for m in _FENCE.finditer(text)
        if m["lang"] == "python"
    ]
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "docs:concepts"}
    for line, body in blocks:
        try:
            exec(compile(body, f"docs/concepts.md:{line}", "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"docs/concepts.md, block at line {line}: {type(exc).__name__}: {exc}")
