"""Each cookbook runs offline as ``python cookbooks/<name>.py`` from the repository root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cookbook(name: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    # Works installed or not: the repository root is importable either way.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, f"cookbooks/{name}.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.slow
def test_agent_with_memory() -> None:
    out = run_cookbook("agent_with_memory")
    session1, session2 = out.split("== session 2 (new thread, same user) ==")
    # Session 1 learned the preference, citing the user's message.
    message_id = session1.split("user message id: ", 1)[1].split()[0]
    assert f"stored memory: User is vegetarian. (from ['{message_id}'])" in session1
    # Session 2: the recalled memory reached the model's input, and the reply used it.
    model_input = session2.split("model input:", 1)[1].split("user :", 1)[0]
    assert "You are a helpful cooking assistant." in model_input
    assert "- User is vegetarian." in model_input
    assert "agent: Since you're vegetarian" in session2


@pytest.mark.slow
def test_dry_run() -> None:
    out = run_cookbook("dry_run")
    assert "dry_run=True" in out
    lines = [ln.split() for ln in out.splitlines() if ln.startswith("  ")]
    actions = {ln[0] for ln in lines}
    assert {"add", "merge", "supersede"} <= actions
    assert "memories in the store: 2 before, 2 after (nothing written)" in out


@pytest.mark.slow
def test_rag_with_memories() -> None:
    out = run_cookbook("rag_with_memories")
    retrieved = [ln for ln in out.splitlines() if ln.startswith("retrieved:")]
    assert len(retrieved) == 2
    assert retrieved[0].startswith("retrieved: User is vegetarian.")
    assert "answer  : From what you told me: User is vegetarian." in out
