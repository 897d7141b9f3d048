"""Every fenced ``python`` block of docs/integrations.md runs, in order, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "integrations.md"
_FENCE = re.compile(r"^```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)


def test_python_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGMEM_DB"):
        monkeypatch.delenv(var, raising=False)
    text = DOC.read_text(encoding="utf-8")
    blocks = [
        (text.count("\n", 0, m.start()) + 1, m["body"])
        for m in _FENCE.finditer(text)
        if m["lang"] == "python"
    ]
    assert len(blocks) >= 7
    namespace: dict[str, object] = {"__name__": "docs:integrations"}
    for line, body in blocks:
        try:
            exec(compile(body, f"integrations.md:{line}", "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"docs/integrations.md, block at line {line}: {type(exc).__name__}: {exc}")


def test_doc_links_point_at_existing_cookbooks() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in re.findall(r"cookbooks/(\w+\.py)", text):
        assert (ROOT / "cookbooks" / name).is_file(), name
