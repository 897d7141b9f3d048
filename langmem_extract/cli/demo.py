"""``langmem-extract demo``: a sample conversation through the graph, then a recall."""

from __future__ import annotations

from typing import Annotated

import typer

from langmem_extract.cli._common import JsonOpt, app, handle_errors, out_console, print_json


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
