"""``backfill-turn-vectors``: embed the cited turns that have no turn vector yet.

A thin skin over :func:`langmem_extract.turn_backfill.backfill_turn_vectors`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from langmem_extract.cli._common import (
    DEFAULT_DB,
    AgentOpt,
    DbOpt,
    JsonOpt,
    UserOpt,
    app,
    escape,
    handle_errors,
    open_db,
    out_console,
    print_json,
    scope_ns,
)
from langmem_extract.cli._progress import progress


@app.command("backfill-turn-vectors")
@handle_errors
def backfill_turn_vectors(
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace",
            "-n",
            help="Namespace prefix; default: the scope of --user-id / --agent-id, else all.",
        ),
    ] = None,
    user_id: UserOpt = None,
    agent_id: AgentOpt = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", help="Turns per embedder call and per write.")
    ] = 64,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only count the turns that lack a vector.")
    ] = False,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Embed the evidence turns that have no vector of the store's embedder (idempotent)."""
    from langmem_extract.turn_backfill import MAX_BATCH_SIZE, backfill_turn_vectors

    # Checked before the store opens: bad input writes nothing.
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        from langmem_extract.errors import InvalidInputError

        raise InvalidInputError(f"--batch-size must be within 1-{MAX_BATCH_SIZE}, got {batch_size}")
    ns = scope_ns(namespace, user_id, agent_id, unscoped=None)
    done = 0

    with open_db(db) as store, progress("embedding turns", None, "turns") as advance:

        def step(report: object) -> None:
            nonlocal done
            embedded = getattr(report, "embedded", 0)
            advance(embedded - done)
            done = embedded

        report = backfill_turn_vectors(
            store, ns, batch_size=batch_size, dry_run=dry_run, progress=step
        )
    if json_output:
        print_json(report.to_json())
        return
    verb = "would embed" if dry_run else "embedded"
    out_console().print(
        f"{escape(report.namespace or 'every namespace')}: {report.scanned} cited turns "
        f"scanned in {report.sessions} session(s), {verb} {report.embedded}, skipped "
        f"{report.skipped} (already embedded by {escape(report.embedder)}), "
        f"{report.not_logged} not in the message log"
    )
