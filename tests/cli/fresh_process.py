"""Running the command line in a fresh ``python`` process, as a user's shell does, and
reading which modules that process imported (for the cold-start tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_CHILD = r"""
import json, sys
argv = json.loads(sys.argv[1])
if argv is not None:
    sys.argv = ["langmem-extract", *argv]
    from langmem_extract.cli import main
    try:
        main()
    except SystemExit as exc:
        if exc.code:
            raise
else:
    import langmem_extract  # noqa: F401
print("\n" + json.dumps(sorted(sys.modules)))
"""


def run_cli(argv: list[str] | None) -> tuple[str, set[str]]:
    """``langmem-extract *argv`` (``None``: ``import langmem_extract`` alone) in a fresh
    process: what it printed, and the names of the modules it had imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("LANGMEM_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(argv)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    output, _, modules = done.stdout.rstrip("\n").rpartition("\n")
    return output, set(json.loads(modules))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The ``modules`` that are one of ``names`` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))
