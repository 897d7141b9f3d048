"""The Makefile's two entry points: what each installs and when (``make -n``, no pip)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.doc_blocks import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The Makefile and pyproject.toml with a pretend venv whose python exists."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()
    old = time.time() - 60
    os.utime(tmp_path / "pyproject.toml", (old, old))
    os.utime(tmp_path / ".venv" / "bin" / "python", (old, old))
    return tmp_path


def plan(project: Path, target: str) -> list[str]:
    """The commands ``make <target>`` would run."""
    # Run as a top-level make even under `make test`: the outer make's MAKELEVEL and
    # MAKEFLAGS would add "Entering/Leaving directory" lines and its own flags.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


def installs(commands: list[str]) -> list[str]:
    return [c for c in commands if "pip install" in c and "--upgrade pip" not in c]


def test_demo_installs_the_core_package_only_and_says_so(project: Path) -> None:
    commands = plan(project, "demo")
    [install] = installs(commands)
    assert install.endswith("-e .")
    assert "--quiet" not in install
    # One line says what is happening and how long the first run takes.
    assert any("echo" in c and "core only" in c and "minutes" in c for c in commands)
    assert commands[-1].endswith("langmem-extract demo")


def test_test_installs_the_dev_extra_even_after_a_demo_install(project: Path) -> None:
    (project / ".venv" / ".core-installed").touch()
    assert installs(plan(project, "demo")) == []
    [install] = installs(plan(project, "test"))
    assert install.endswith('-e ".[dev]"')
    assert "--quiet" not in install


def test_a_dev_install_also_serves_the_demo(project: Path) -> None:
    # The dev install marks the core install done too (the dev extra includes it)...
    touch = [c for c in plan(project, "test") if c.startswith("touch")]
    assert touch == ["touch .venv/.dev-installed .venv/.core-installed"]
    # ...and with both markers neither target installs anything.
    (project / ".venv" / ".dev-installed").touch()
    (project / ".venv" / ".core-installed").touch()
    assert installs(plan(project, "test")) == []
    assert installs(plan(project, "demo")) == []


def test_a_changed_pyproject_reinstalls(project: Path) -> None:
    for marker in (".dev-installed", ".core-installed"):
        path = project / ".venv" / marker
        path.touch()
        old = time.time() - 30
        os.utime(path, (old, old))
    (project / "pyproject.toml").touch()
    assert len(installs(plan(project, "demo"))) == 1
    assert len(installs(plan(project, "test"))) == 1
