"""``langmem-extract``: the command line, a thin skin over the library.

Every command takes ``--db`` (a DuckDB file, ``:memory:`` or a ``postgresql://`` URL;
default ``$LANGMEM_DB`` or ``./memories.duckdb``) and ``--json``. Errors print one
line on stderr and exit with a code from :class:`ExitCode` (documented in docs/cli.md).

Layout: :mod:`._common` (app, options, output, errors, store), :mod:`._progress`
(progress on stderr), :mod:`.extract`,
:mod:`.memories` (recall, list, show, forget, export, import, stats), :mod:`.turns`
(backfill-turn-vectors); ``demo`` and the
``eval`` group (:mod:`langmem_extract.eval.cli`) are mounted here.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from langmem_extract import __version__

# Importing the command modules registers their commands on ``app``, in help order.
from langmem_extract.cli import extract as _extract  # noqa: F401
from langmem_extract.cli import memories as _memories  # noqa: F401
from langmem_extract.cli import turns as _turns  # noqa: F401
from langmem_extract.cli._common import (
    DEFAULT_DB,
    ExitCode,
    JsonOpt,
    app,
    handle_errors,
    out_console,
    print_json,
)
from langmem_extract.eval.cli import eval_app

__all__ = ["DEFAULT_DB", "ExitCode", "app", "main"]


@app.command()
@handle_errors
def demo(
    db: Annotated[
        str | None,
        typer.Option("--db", help="Keep the demo store in this file (default: a temp file)."),
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """Run a sample conversation through the graph and recall from it (no key needed)."""
    from langmem_extract.demo import run_demo

    result = run_demo(db, console=None if json_output else out_console())
    if json_output:
        print_json(result.to_json())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"langmem-extract {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Typed long-term memory for LangChain/LangGraph agents: extract, recall, manage."""


# The evaluation harness is part of the package; its optional dependencies are imported
# inside its commands, so mounting it never fails.
app.add_typer(eval_app, name="eval", help="Evaluate recall and extraction quality.")


def main() -> None:
    """Console script entry point."""
    # libgomp reads this once, when the embedder's engine loads: a bounded OpenMP spin
    # halves the embedder's cost on a busy machine and costs nothing on a quiet one
    # (docs/store.md). A command is an application, so it may set it; the user's wins.
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")
    app(prog_name="langmem-extract")
