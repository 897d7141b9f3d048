"""``langmem-extract``: the command line, a thin skin over the library.

Every command takes ``--db`` (a DuckDB file, ``:memory:`` or a ``postgresql://`` URL;
default ``$LANGMEM_DB`` or ``./memories.duckdb``) and ``--json``. Errors print one
line on stderr and exit with a code from :class:`ExitCode` (documented in docs/cli.md).

Layout: :mod:`._common` (app, options, output, errors, store), :mod:`._progress`
(progress on stderr), :mod:`.extract`,
:mod:`.memories` (recall, list, show, forget, purge, compact, export, import, stats),
:mod:`.turns` (backfill-turn-vectors), :mod:`.demo`; the ``eval`` group
(:mod:`langmem_extract.eval.cli`) is mounted here.

A command module registers its commands on ``app`` when it is imported. :func:`main`
imports only the module of the command it runs, and has Typer build only that command (a
``recall`` never loads ``extract``'s module or the eval harness's commands; building all
15 commands' options was 0.08 s of a cold ``recall`` here, docs/benchmarks/cold_start.md);
anything else (``--help``, no command, an unknown one) registers every command, as does
reading ``langmem_extract.cli.app``.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from langmem_extract import __version__
from langmem_extract.cli._common import DEFAULT_DB, ExitCode
from langmem_extract.cli._common import app as _app

if TYPE_CHECKING:
    from typer.models import CommandInfo

    app: typer.Typer

__all__ = ["DEFAULT_DB", "ExitCode", "app", "main"]

#: The command modules, in help order.
_MODULES = ("extract", "memories", "turns", "demo")
#: Each command's module (``eval`` is the mounted group).
_MODULE_OF = {
    "extract": "extract",
    **dict.fromkeys(
        ("recall", "list", "show", "forget", "purge", "compact", "export", "import", "stats"),
        "memories",
    ),
    "backfill-turn-vectors": "turns",
    "demo": "demo",
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"langmem-extract {__version__}")
        raise typer.Exit()


@_app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Typed long-term memory for LangChain/LangGraph agents: extract, recall, manage."""


def _mount_eval() -> None:
    # The evaluation harness is part of the package; its optional dependencies are
    # imported inside its commands, so mounting it never fails.
    if not any(group.name == "eval" for group in _app.registered_groups):
        from langmem_extract.eval.cli import eval_app

        _app.add_typer(eval_app, name="eval", help="Evaluate recall and extraction quality.")


def register(command: str | None = None) -> typer.Typer:
    """Register ``command``'s module on the app (or, for ``None`` or a name that is no
    command, every command and the ``eval`` group, in help order); returns the app."""
    if command == "eval":
        _mount_eval()
        return _app
    module = _MODULE_OF.get(command or "")
    if module is not None:
        importlib.import_module(f"{__name__}.{module}")
        return _app
    for name in _MODULES:
        importlib.import_module(f"{__name__}.{name}")
    # A module registered alone before (one command run in-process) keeps help order.
    order = {f"{__name__}.{name}": i for i, name in enumerate(_MODULES)}
    _app.registered_commands.sort(
        key=lambda info: order.get(getattr(info.callback, "__module__", ""), 0)
    )
    _mount_eval()
    return _app


def __getattr__(name: str) -> Any:
    # ``app`` is the whole command line: every command registered.
    if name == "app":
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console script entry point."""
    # libgomp reads this once, when the embedder's engine loads: a bounded OpenMP spin
    # halves the embedder's cost on a busy machine and costs nothing on a quiet one
    # (docs/store.md). A command is an application, so it may set it; the user's wins.
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")
    # The root takes no option but --version/--help: a first word naming a command is it.
    first = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
    try:
        _run(first)
    finally:
        # The command is done and its store closed: what is left is the interpreter's
        # exit, whose garbage collection walks every object the command built (a fresh
        # `recall` on 10,000 memories: 0.2-0.3 s of its 1.4 s after the answer was
        # printed). Frozen objects are left to the exit's reference counting; exit
        # handlers (capture flush) still run.
        gc.freeze()


def _run(first: str | None) -> None:
    app = register(first)
    if first not in _MODULE_OF:
        app(prog_name="langmem-extract")
        return
    # Typer builds every registered command's options before running one (reading its
    # signature's annotations: about 8 ms a command here): build only the one run.
    every = app.registered_commands
    app.registered_commands = [c for c in every if _command_name(c) == first]
    try:
        app(prog_name="langmem-extract")
    finally:
        app.registered_commands = every


def _command_name(info: CommandInfo) -> str:
    name = info.name or getattr(info.callback, "__name__", "")
    return name.lower().replace("_", "-")  # as Typer names a command after its function
