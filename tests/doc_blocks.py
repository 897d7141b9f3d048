"""Fenced code blocks of the Markdown docs: extraction and in-order execution."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)


def blocks(doc: str, lang: str) -> list[tuple[int, str]]:
    """``(line, body)`` of each ``lang`` block of ``doc`` (a path relative to the root)."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, m["body"])
        for m in FENCE.finditer(text)
        if m["lang"] == lang
    ]


def run_python_blocks(doc: str, replace: Mapping[str, str] | None = None) -> dict[str, object]:
    """Run every ``python`` block of ``doc`` in order in one namespace and return it.

    Later blocks may use names an earlier block defined. ``replace`` maps sample text
    (e.g. a placeholder URL) to what the test environment provides.
    """
    namespace: dict[str, object] = {"__name__": f"docs:{doc}"}
    for line, body in blocks(doc, "python"):
        for old, new in (replace or {}).items():
            body = body.replace(old, new)
        try:
            exec(compile(body, f"{doc}:{line}", "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"{doc}, block at line {line}: {type(exc).__name__}: {exc}")
    return namespace
