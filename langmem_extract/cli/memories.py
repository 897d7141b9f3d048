"""The memory commands: ``recall``, ``list``, ``show``, ``forget``, ``purge``, ``export``,
``import``, ``stats``. Each calls one function of :mod:`langmem_extract.memories` and prints
the result. ``--user-id``/``--agent-id`` pick the namespace by the scope rule
(:func:`._common.scope_ns`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from langmem_extract.cli._common import (
    DEFAULT_DB,
    AgentOpt,
    CategoryOpt,
    Column,
    DbOpt,
    JsonOpt,
    NamespaceOpt,
    TypeOpt,
    UserOpt,
    app,
    clip,
    err_console,
    escape,
    fitted_table,
    handle_errors,
    ns_text,
    open_db,
    out_console,
    parse_ns,
    parse_types,
    print_json,
    scope_ns,
    short_id,
)
from langmem_extract.cli._progress import progress

if TYPE_CHECKING:
    from langmem_extract.recall import RecalledMemory
    from langmem_extract.schema import Memory


# ----------------------------------------------------------------------------- rendering


def _memory_table(memories: Sequence[Memory], *, width: int, title: str | None = None) -> Table:
    # The namespace column only earns its width when there is more than one.
    with_ns = len({tuple(m.namespace) for m in memories}) > 1
    columns = [
        Column("id", style="dim"),
        Column("type", style="cyan"),
        Column("category", drop=3),
        Column("status", drop=2),
        Column("conf", drop=1, justify="right"),
        Column("content"),
        *([Column("namespace", drop=4, style="dim")] if with_ns else []),
    ]
    rows = []
    for m in memories:
        status = m.status.value if m.status.value == "active" else f"[yellow]{m.status.value}[/]"
        cells = [
            short_id(m.id),
            m.type.value,
            escape(m.category),
            status,
            f"{m.confidence:.2f}",
            escape(m.content),
        ]
        rows.append(cells + ([escape(ns_text(m.namespace))] if with_ns else []))
    return fitted_table(columns, rows, width=width, title=title)


def _recall_table(hits: Sequence[RecalledMemory], query: str, *, width: int) -> Table:
    columns = [
        Column("#", justify="right"),
        Column("score", drop=1, justify="right"),
        Column("type", style="cyan"),
        Column("content"),
        Column("id", drop=2, style="dim"),
    ]
    rows = [
        [
            str(rank),
            f"{hit.score:.3f}",
            hit.memory.type.value,
            escape(hit.memory.content),
            short_id(hit.memory.id),
        ]
        for rank, hit in enumerate(hits, start=1)
    ]
    return fitted_table(columns, rows, width=width, title=f"recall: {escape(query)}")


def _show_memory(memory: Memory, console: Console) -> None:
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column()
    rows: list[tuple[str, Any]] = [
        ("id", memory.id),
        ("namespace", ns_text(memory.namespace)),
        ("content", memory.content),
        ("title", memory.title),
        ("type", f"{memory.type.value} ({memory.kind.value})"),
        ("category", memory.category),
        ("status", memory.status.value),
        ("confidence", f"{memory.confidence:.2f}"),
        ("importance", f"{memory.importance:.2f}"),
        ("provenance", memory.provenance.value),
        ("tags", ", ".join(memory.tags)),
        ("subject", memory.subject),
        ("attribute", memory.attribute),
        ("value", memory.value),
        ("event time", memory.event_time),
        ("valid", f"{memory.valid_from} → {memory.valid_to or 'now'}"),
        ("supersedes", memory.supersedes),
        ("superseded by", memory.superseded_by),
        ("reinforced", memory.reinforcement_count),
        ("user / agent", f"{memory.user_id or '-'} / {memory.agent_id or '-'}"),
        ("session / thread", f"{memory.session_id or '-'} / {memory.thread_id or '-'}"),
        ("source messages", ", ".join(memory.source_message_ids)),
        ("created", memory.created_at),
        ("updated", memory.updated_at),
    ]
    for name, value in rows:
        if value not in (None, ""):
            fields.add_row(name, escape(str(value)))
    console.print(fields)
    history = Table(title="history", expand=False)
    for column in ("at", "action", "content", "conf", "related", "note"):
        history.add_column(column)
    for entry in memory.history:
        history.add_row(
            entry.at.strftime("%Y-%m-%d %H:%M"),
            escape(str(entry.action)),
            escape(entry.content or ""),
            "" if entry.confidence is None else f"{entry.confidence:.2f}",
            short_id(entry.related_id),
            escape(entry.note or ""),
        )
    console.print(history if memory.history else "history: (none)")


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, expand=False)
    table.add_column(title.removeprefix("by "))
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(escape(key), str(value))
    return table


# ----------------------------------------------------------------------------- recall


@app.command()
@handle_errors
def recall(
    query: Annotated[str, typer.Argument(help="What to remember, in plain words.")],
    k: Annotated[int, typer.Option("-k", help="How many memories to return.")] = 5,
    type_: TypeOpt = None,
    category: CategoryOpt = None,
    min_confidence: Annotated[
        float | None, typer.Option("--min-confidence", help="Only memories at least this sure.")
    ] = None,
    include_superseded: Annotated[
        bool, typer.Option("--include-superseded", help="Also return replaced memories.")
    ] = False,
    namespace: Annotated[
        str | None,
        typer.Option(
            "--namespace",
            "-n",
            help="Namespace prefix; default: the scope of --user-id / --agent-id, "
            "else memories/_shared.",
        ),
    ] = None,
    user_id: UserOpt = None,
    agent_id: AgentOpt = None,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score",
            help="Relevance floor (0 unrelated, 1 exact match); default 0.2, 0 shows all.",
        ),
    ] = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Recall the memories that best answer QUERY."""
    from langmem_extract.recall import DEFAULT_RELEVANCE_FLOOR, recall_memories

    ns = scope_ns(namespace, user_id, agent_id, unscoped=None)
    with open_db(db, read_only=True) as store:
        hits = recall_memories(
            store,
            query,
            ns,
            k=k,
            type=parse_types(type_) or None,
            category=category,
            min_confidence=min_confidence,
            include_superseded=include_superseded,
            score_threshold=DEFAULT_RELEVANCE_FLOOR if min_score is None else min_score,
        )
    if json_output:
        print_json(
            {
                "query": query,
                "results": [
                    {
                        "score": h.score,
                        "similarity": h.similarity,
                        "memory": h.memory.to_value(),
                    }
                    for h in hits
                ],
            }
        )
        return
    if not hits:
        out_console().print("no memories match (or none is relevant enough: see --min-score)")
        return
    console = out_console()
    console.print(_recall_table(hits, query, width=console.width))


# ----------------------------------------------------------------------------- list / show


@app.command("list")
@handle_errors
def list_(
    namespace: NamespaceOpt = None,
    type_: TypeOpt = None,
    category: CategoryOpt = None,
    status: Annotated[
        str,
        typer.Option("--status", "-s", help="active, superseded, all (both) or forgotten."),
    ] = "all",
    limit: Annotated[int, typer.Option("--limit", "-l", help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option("--offset", help="Skip this many first.")] = 0,
    user_id: UserOpt = None,
    agent_id: AgentOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """List stored memories, newest first."""
    from langmem_extract.memories import list_memories

    ns = scope_ns(namespace, user_id, agent_id, unscoped=None)
    types = parse_types(type_)
    with open_db(db, read_only=True) as store:
        memories = list_memories(
            store,
            ns or None,
            type=types or None,
            category=category,
            status=status,
            limit=limit,
            offset=offset,
        )
    if json_output:
        print_json({"count": len(memories), "memories": [m.to_value() for m in memories]})
        return
    if not memories:
        out_console().print("no memories")
        return
    console = out_console()
    console.print(_memory_table(memories, width=console.width, title=f"{len(memories)} memories"))


@app.command()
@handle_errors
def show(
    memory_id: Annotated[str, typer.Argument(metavar="ID", help="Memory id or a unique prefix.")],
    namespace: NamespaceOpt = None,
    user_id: UserOpt = None,
    agent_id: AgentOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Show one memory with its full history."""
    from langmem_extract.memories import get_memory

    ns = scope_ns(namespace, user_id, agent_id, unscoped=None)
    with open_db(db, read_only=True) as store:
        memory = get_memory(store, memory_id, ns)
    if json_output:
        print_json(memory.to_value())
        return
    _show_memory(memory, out_console())


@app.command()
@handle_errors
def forget(
    memory_id: Annotated[str, typer.Argument(metavar="ID", help="Memory id or a unique prefix.")],
    namespace: NamespaceOpt = None,
    user_id: UserOpt = None,
    agent_id: AgentOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Forget one memory: its content is erased, a tombstone records who and when."""
    from langmem_extract.memories import forget_memory

    ns = scope_ns(namespace, user_id, agent_id, unscoped=None)
    with open_db(db) as store:
        memory = forget_memory(store, memory_id, ns, user_id=user_id, agent_id=agent_id, via="cli")
    if json_output:
        print_json({"forgotten": memory.to_value()})
        return
    out_console().print(f"forgot {escape(memory.id)} ({escape(clip(memory.content, 60))})")


@app.command()
@handle_errors
def purge(
    user_id: UserOpt = None,
    agent_id: AgentOpt = None,
    namespace: Annotated[
        str | None, typer.Option("--namespace", "-n", help="Erase this namespace (prefix).")
    ] = None,
    session: Annotated[
        list[str] | None,
        typer.Option("--session", help="Also clear this message-log session; repeatable."),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: erase, without a tombstone, for good.")
    ] = False,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Erase every memory, history and message-log session of a user (data-subject request)."""
    from langmem_extract.errors import InvalidInputError
    from langmem_extract.memories import purge_memories

    if not yes:
        raise InvalidInputError("purge erases for good; pass --yes to confirm")
    ns = parse_ns(namespace) or None
    with open_db(db) as store:
        result = purge_memories(
            store, user_id=user_id, agent_id=agent_id, namespace=ns,
            session_ids=list(session or []),
        )  # fmt: skip
    # DuckDB leaves deleted rows' bytes in freed blocks: rewrite the file so they are gone.
    compacted = _compact_if_file(db)
    if json_output:
        print_json({"purged": result.model_dump(), "compacted": compacted})
        return
    note = " (file rewritten: no deleted bytes remain)" if compacted else ""
    out_console().print(
        f"purged {result.memories} memories and {len(result.sessions)} session(s){note}"
    )


def _compact_if_file(db: str) -> bool:
    from langmem_extract.store.compact import compact_database
    from langmem_extract.store.factory import duckdb_file

    path = duckdb_file(db)
    if path is None:
        return False
    compact_database(path)
    return True


@app.command()
@handle_errors
def compact(db: DbOpt = DEFAULT_DB, json_output: JsonOpt = False) -> None:
    """Rewrite a DuckDB file with only its live data, so forgotten text leaves no bytes."""
    from pathlib import Path

    from langmem_extract.errors import InvalidInputError
    from langmem_extract.store.compact import compact_database
    from langmem_extract.store.factory import duckdb_file

    path = duckdb_file(db)
    if path is None:
        raise InvalidInputError("compact applies to a DuckDB file, not :memory: or PostgreSQL")
    if not Path(path).is_file():
        raise InvalidInputError(f"no database at {path}")
    before = Path(path).stat().st_size
    after = compact_database(path)
    if json_output:
        print_json({"compacted": path, "bytes_before": before, "bytes_after": after})
        return
    out_console().print(f"compacted {escape(path)}: {before:,} → {after:,} bytes")


# ----------------------------------------------------------------------------- export / import


@app.command("export")
@handle_errors
def export_(
    out: Annotated[
        str, typer.Option("--out", "-o", metavar="FILE|-", help="Where to write; - is stdout.")
    ] = "-",
    namespace: NamespaceOpt = None,
    user_id: UserOpt = None,
    agent_id: AgentOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Export memories (every field, history included) as JSONL."""
    from langmem_extract.memory_files import export_memories

    ns = scope_ns(namespace, user_id, agent_id, unscoped=None)
    with open_db(db, read_only=True) as store, progress("exporting", None, "memories") as advance:
        count = export_memories(store, sys.stdout if out == "-" else out, ns)
        advance(count)
    # With --out -, stdout carries the memories; the summary goes to stderr.
    to_stderr = out == "-"
    if json_output:
        typer.echo(json.dumps({"exported": count, "out": out}), err=to_stderr)
    else:
        console = err_console() if to_stderr else out_console()
        console.print(f"exported {count} memories to {'stdout' if to_stderr else escape(out)}")


@app.command("import")
@handle_errors
def import_(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="JSONL written by export; - is stdin.")
    ],
    user_id: Annotated[
        str | None, typer.Option("--user-id", help="Who imports (recorded in history).")
    ] = None,
    agent_id: Annotated[
        str | None, typer.Option("--agent-id", help="Agent importing (recorded in history).")
    ] = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Import a JSONL export; memories keep their ids, fields and history."""
    from langmem_extract.memory_files import import_memories, read_export

    # Validate before opening the store, so bad input never creates a database.
    memories = read_export(sys.stdin if source == "-" else source)
    with (
        open_db(db, create=True) as store,
        progress("importing", len(memories), "memories") as advance,
    ):
        count = import_memories(
            store, memories, user_id=user_id, agent_id=agent_id, on_batch=advance
        )
    if json_output:
        print_json({"imported": count})
        return
    out_console().print(f"imported {count} memories")


# ----------------------------------------------------------------------------- stats


@app.command()
@handle_errors
def stats(
    namespace: NamespaceOpt = None,
    user_id: UserOpt = None,
    agent_id: AgentOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Count memories by type, category, namespace and status."""
    from langmem_extract.memories import memory_stats

    ns = scope_ns(namespace, user_id, agent_id, unscoped=None)
    with open_db(db, read_only=True) as store:
        result = memory_stats(store, ns)
    if json_output:
        print_json(result.model_dump())
        return
    console = out_console()
    console.print(f"{result.total} memories")
    for name in ("by_type", "by_category", "by_namespace", "by_status"):
        counts = getattr(result, name)
        if counts:
            console.print(_counts_table(name.replace("_", " "), counts))
