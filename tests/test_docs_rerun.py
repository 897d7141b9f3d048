"""The samples that touch files can be run again in the same directory: a second run of
the README's example (and of the store and configuration pages) passes its own asserts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.doc_blocks import run_python_blocks


@pytest.mark.parametrize("doc", ["README.md", "docs/store.md", "docs/configuration.md"])
def test_python_blocks_run_twice_in_one_directory(
    doc: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGMEM_DB"):
        monkeypatch.delenv(var, raising=False)
    first = run_python_blocks(doc)
    _close_stores(first)
    run_python_blocks(doc)  # pytest.fail names the block that breaks on a second run


def _close_stores(namespace: dict[str, object]) -> None:
    """A finished script's stores are closed (as at process exit) before the re-run."""
    for value in namespace.values():
        close = getattr(value, "close", None)
        if callable(close) and type(value).__name__.endswith("Store"):
            close()
