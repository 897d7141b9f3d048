"""``langmem-extract``: the command line, a thin skin over the library.

Every command takes ``--db`` (a DuckDB file, ``:memory:`` or a ``postgresql://`` URL;
default ``$LANGMEM_DB`` or ``./memories.duckdb``) and ``--json``. Errors print one
line on stderr and exit with a code from :class:`ExitCode` (documented in docs/cli.md).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from langmem_extract import __version__
from langmem_extract.errors import (
    ExtractionError,
    InvalidInputError,
    LangmemError,
    MemoryNotFoundError,
    StoreLockedError,
)
from langmem_extract.schema import DEFAULT_MAX_MEMORIES, MAX_MESSAGES, MemoryType

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

    from langmem_extract.recall import RecalledMemory
    from langmem_extract.schema import ExtractionResult, Memory
    from langmem_extract.transcripts import Conversation

__all__ = ["DEFAULT_DB", "ExitCode", "app", "main"]

DEFAULT_DB = "memories.duckdb"
DB_ENV = "LANGMEM_DB"
#: Set to print a traceback for unexpected errors.
DEBUG_ENV = "LANGMEM_DEBUG"
#: Characters of a memory id shown in tables; ``show``/``forget`` accept the prefix.
SHORT_ID = 8


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1  # runtime failure: store error, unexpected exception
    BAD_INPUT = 2  # bad usage or bad input (file, option, namespace)
    NOT_FOUND = 3  # no memory with that id
    STORE_LOCKED = 4  # another process holds the DuckDB file
    MODEL_FAILURE = 5  # the extractor or chat model failed
    INTERRUPTED = 130


app = typer.Typer(
    name="langmem-extract",
    help="Typed long-term memory for LangChain/LangGraph agents: extract, recall, manage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# ----------------------------------------------------------------------------- options

DbOpt = Annotated[
    str,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        help="DuckDB file, ':memory:' or postgresql:// URL.",
        show_envvar=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
NamespaceOpt = Annotated[
    str | None,
    typer.Option("--namespace", "-n", help="Namespace (prefix) as a/b; all if omitted."),
]
TypeOpt = Annotated[
    list[str] | None,
    typer.Option("--type", "-t", help="Memory type; repeat or comma-separate for several."),
]
CategoryOpt = Annotated[str | None, typer.Option("--category", "-c", help="Only this category.")]


# ----------------------------------------------------------------------------- output


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _short(memory_id: str | None) -> str:
    return (memory_id or "")[:SHORT_ID]


def _ns(namespace: Sequence[str]) -> str:
    return "/".join(namespace)


def _clip(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# ----------------------------------------------------------------------------- errors

F = TypeVar("F", bound=Callable[..., Any])


def _one_line(message: str) -> str:
    return " ".join(str(message).split()) or "unknown error"


def _exit_code_for(exc: BaseException) -> ExitCode:
    if isinstance(exc, MemoryNotFoundError):
        return ExitCode.NOT_FOUND
    if isinstance(exc, StoreLockedError):
        return ExitCode.STORE_LOCKED
    if isinstance(exc, InvalidInputError):
        return ExitCode.BAD_INPUT
    if isinstance(exc, ExtractionError):
        return ExitCode.MODEL_FAILURE
    return ExitCode.FAILURE


def _message_for(exc: BaseException) -> str:
    # KeyError subclasses repr their argument; show the plain message.
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    if isinstance(exc, LangmemError):
        return _one_line(text)
    if isinstance(exc, OSError):
        return _one_line(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
    return _one_line(f"unexpected {type(exc).__name__}: {text} (set {DEBUG_ENV}=1 for a traceback)")


def _fail(exc: BaseException, *, as_json: bool) -> NoReturn:
    code = _exit_code_for(exc)
    message = _message_for(exc)
    if as_json:
        payload = {
            "error": {"type": type(exc).__name__, "message": message, "exit_code": int(code)}
        }
        typer.echo(json.dumps(payload, ensure_ascii=False), err=True)
    else:
        # soft_wrap: the message stays one line whatever the terminal width.
        _err().print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(int(code))


def _handle_errors(func: F) -> F:
    """Turn library errors into one stderr line and a documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("json_output"))
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            _err().print("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (LangmemError, OSError) as exc:
            _fail(exc, as_json=as_json)
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            _fail(exc, as_json=as_json)

    return wrapper  # type: ignore[return-value]


# ----------------------------------------------------------------------------- store


@contextmanager
def _open(db: str, *, create: bool = False) -> Iterator[BaseStore]:
    from langmem_extract.store.factory import opened_store

    # Reading commands must not leave an empty database file behind a typo'd --db.
    if not create and _is_missing_file(db):
        raise InvalidInputError(
            f"no memory database at {db} (create one with `langmem-extract extract` "
            "or `langmem-extract import`, or pass --db / set LANGMEM_DB)"
        )
    with opened_store(db) as store:
        yield store


def _namespace(value: str | None, *, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
    from langmem_extract.memories import parse_namespace

    if value is None or not value.strip():
        return default if default is not None else ()
    return parse_namespace(value)


def _types(values: Sequence[str] | None) -> list[MemoryType]:
    from langmem_extract.memories import parse_memory_types

    return parse_memory_types(list(values or []))


# ----------------------------------------------------------------------------- rendering


def _memory_table(memories: Sequence[Memory], *, title: str | None = None) -> Table:
    # The namespace column only earns its width when there is more than one.
    with_ns = len({tuple(m.namespace) for m in memories}) > 1
    table = Table(title=title, expand=False)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("type", style="cyan", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column("content", ratio=1)
    if with_ns:
        table.add_column("namespace", style="dim", no_wrap=True)
    for m in memories:
        status = m.status.value if m.status.value == "active" else f"[yellow]{m.status.value}[/]"
        cells = [
            _short(m.id),
            m.type.value,
            escape(m.category),
            status,
            f"{m.confidence:.2f}",
            escape(m.content),
        ]
        table.add_row(*cells, *([escape(_ns(m.namespace))] if with_ns else []))
    return table


def _recall_table(hits: Sequence[RecalledMemory], query: str) -> Table:
    table = Table(title=f"recall: {escape(query)}", expand=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("type", style="cyan", no_wrap=True)
    table.add_column("content")
    table.add_column("id", style="dim", no_wrap=True)
    for rank, hit in enumerate(hits, start=1):
        table.add_row(
            str(rank),
            f"{hit.score:.3f}",
            hit.memory.type.value,
            escape(hit.memory.content),
            _short(hit.memory.id),
        )
    return table


def _extraction_table(rows: Sequence[tuple[str, ExtractionResult]], *, show_source: bool) -> Table:
    table = Table(expand=False)
    if show_source:
        table.add_column("source", style="dim", no_wrap=True)
    table.add_column("action", no_wrap=True)
    table.add_column("type", style="cyan", no_wrap=True)
    table.add_column("category", no_wrap=True)
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column("content")
    table.add_column("id", style="dim", no_wrap=True)
    for source, result in rows:
        items = {item.candidate_id: item for item in result.items}
        for cand in result.candidates:
            item = items.get(cand.id)
            action = (item.action if item else cand.action) or "?"
            memory_id = item.memory_id if item and item.memory_id else cand.target_id
            cells = [
                str(getattr(action, "value", action)),
                cand.type.value,
                escape(cand.category),
                f"{cand.confidence:.2f}",
                escape(cand.content),
                _short(memory_id),
            ]
            table.add_row(*([escape(source)] if show_source else []), *cells)
    return table


_TOTAL_FIELDS = (
    "extracted",
    "stored",
    "deduplicated",
    "superseded",
    "skipped",
    "failed",
    "redacted",
)


def _totals(results: Sequence[ExtractionResult]) -> dict[str, int]:
    return {name: sum(getattr(r, name) for r in results) for name in _TOTAL_FIELDS}


# ----------------------------------------------------------------------------- extract


def _read_conversations(source: str) -> list[Conversation]:
    from langmem_extract.transcripts import load_transcripts, parse_transcript

    if source == "-":
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"<stdin>: not UTF-8 text ({exc.reason})") from None
        return parse_transcript(text, "<stdin>")
    return load_transcripts(source)


def _windows(conversation: Conversation) -> list[tuple[str, list[dict[str, Any]]]]:
    """Split a conversation longer than the per-request bound into consecutive windows."""
    msgs = conversation.messages
    if len(msgs) <= MAX_MESSAGES:
        return [(conversation.label, msgs)]
    return [
        (f"{conversation.label}#{i // MAX_MESSAGES + 1}", msgs[i : i + MAX_MESSAGES])
        for i in range(0, len(msgs), MAX_MESSAGES)
    ]


def _validate_batches(batches: Sequence[tuple[str, list[dict[str, Any]]]]) -> None:
    """Reject every bad message before the store is opened, so bad input writes nothing."""
    from langmem_extract.messages import normalize_messages

    for label, messages in batches:
        try:
            normalize_messages(messages)
        except InvalidInputError as exc:
            raise type(exc)(f"{label}: {exc}") from None


def _llm_extractor(model: str | None, base_url: str | None) -> Any:
    """The LLM extractor for ``--model``, or None for the offline rule extractor."""
    if model is None:
        return None
    key = os.environ.get("OPENAI_API_KEY")
    if not (key or base_url):
        raise InvalidInputError(
            f"--model {model} needs OPENAI_API_KEY, or --base-url / OPENAI_BASE_URL "
            "for an OpenAI-compatible server"
        )
    from langmem_extract.extractors.llm import LLMExtractor

    # Local OpenAI-compatible servers ignore the key, but the client requires one.
    return LLMExtractor(model_name=model, base_url=base_url, api_key=key or "not-needed")


def _run_extraction(
    store: BaseStore,
    batches: Sequence[tuple[str, list[dict[str, Any]]]],
    *,
    show_progress: bool,
    **kwargs: Any,
) -> list[tuple[str, ExtractionResult]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from langmem_extract.graph.builder import extract_memories

    results: list[tuple[str, ExtractionResult]] = []
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err(),
        disable=not show_progress,
        transient=True,
    )
    with progress:
        task = progress.add_task("extracting", total=len(batches))
        for label, messages in batches:
            try:
                result = extract_memories(messages, store=store, **kwargs)
            except (InvalidInputError, ExtractionError) as exc:
                # Name the conversation so the user can find the bad message.
                raise type(exc)(f"{label}: {_message_for(exc)}") from exc
            results.append((label, result))
            progress.advance(task)
    return results


@app.command()
@_handle_errors
def extract(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="Transcript file, directory, or - for stdin.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be stored; write nothing.")
    ] = False,
    max_memories: Annotated[
        int, typer.Option("--max-memories", help="At most this many memories per conversation.")
    ] = DEFAULT_MAX_MEMORIES,
    types: Annotated[
        str | None, typer.Option("--types", help="Only these types, comma-separated.")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Use the LLM extractor with this chat model."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", envvar="OPENAI_BASE_URL", help="OpenAI-compatible server URL."),
    ] = None,
    namespace: Annotated[
        str, typer.Option("--namespace", "-n", help="Namespace to write to, as a/b.")
    ] = "memories",
    user_id: Annotated[str | None, typer.Option("--user-id", help="Recorded on memories.")] = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Extract typed memories from a conversation (JSON, JSONL, text) and store them."""
    from langmem_extract.graph.state import validate_max_memories

    validate_max_memories(max_memories)
    ns = _namespace(namespace, default=("memories",))
    wanted = _types(types.split(",")) if types else None
    extractor = _llm_extractor(model, base_url)
    conversations = _read_conversations(source)
    batches = [w for conv in conversations for w in _windows(conv)]
    _validate_batches(batches)
    # A dry run against a file that does not exist yet compares with nothing; keep it
    # in memory rather than create the file.
    target = ":memory:" if dry_run and _is_missing_file(db) else db
    with _open(target, create=True) as store:
        rows = _run_extraction(
            store,
            batches,
            show_progress=len(batches) > 1,
            namespace=ns,
            dry_run=dry_run,
            max_memories=max_memories,
            extraction_types=[t.value for t in wanted] if wanted else None,
            user_id=user_id,
            **({"extractor": extractor} if extractor is not None else {}),
        )
    totals = _totals([r for _, r in rows])
    if json_output:
        _print_json(
            {
                "dry_run": dry_run,
                "namespace": list(ns),
                "conversations": [
                    {"source": label, "result": r.model_dump(mode="json")} for label, r in rows
                ],
                "totals": totals,
            }
        )
        return
    console = _out()
    console.print(_extraction_table(rows, show_source=len(rows) > 1))
    summary = " · ".join(f"{v} {k}" for k, v in totals.items() if v or k == "extracted")
    note = " (dry run: nothing written)" if dry_run else f" → {_ns(ns)}"
    console.print(f"{len(rows)} conversation(s): {summary}{note}")


def _is_missing_file(db: str) -> bool:
    return "://" not in db and db != ":memory:" and not Path(db).exists()


# ----------------------------------------------------------------------------- recall


@app.command()
@_handle_errors
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
        str | None, typer.Option("--namespace", "-n", help="Namespace prefix; default memories.")
    ] = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Recall the memories that best answer QUERY."""
    from langmem_extract.recall import recall_memories

    ns = _namespace(namespace) or None
    with _open(db) as store:
        hits = recall_memories(
            store,
            query,
            ns,
            k=k,
            type=_types(type_) or None,
            category=category,
            min_confidence=min_confidence,
            include_superseded=include_superseded,
        )
    if json_output:
        _print_json(
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
        _out().print("no memories match")
        return
    _out().print(_recall_table(hits, query))


# ----------------------------------------------------------------------------- list / show


@app.command("list")
@_handle_errors
def list_(
    namespace: NamespaceOpt = None,
    type_: TypeOpt = None,
    category: CategoryOpt = None,
    status: Annotated[
        str, typer.Option("--status", "-s", help="active, superseded or all.")
    ] = "all",
    limit: Annotated[int, typer.Option("--limit", "-l", help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option("--offset", help="Skip this many first.")] = 0,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """List stored memories, newest first."""
    from langmem_extract.memories import list_memories

    ns = _namespace(namespace)
    types = _types(type_)
    with _open(db) as store:
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
        _print_json({"count": len(memories), "memories": [m.to_value() for m in memories]})
        return
    if not memories:
        _out().print("no memories")
        return
    _out().print(_memory_table(memories, title=f"{len(memories)} memories"))


def _show_memory(memory: Memory, console: Console) -> None:
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column()
    rows: list[tuple[str, Any]] = [
        ("id", memory.id),
        ("namespace", _ns(memory.namespace)),
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
            entry.action,
            escape(entry.content or ""),
            "" if entry.confidence is None else f"{entry.confidence:.2f}",
            _short(entry.related_id),
            escape(entry.note or ""),
        )
    console.print(history if memory.history else "history: (none)")


@app.command()
@_handle_errors
def show(
    memory_id: Annotated[str, typer.Argument(metavar="ID", help="Memory id or a unique prefix.")],
    namespace: NamespaceOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Show one memory with its full history."""
    from langmem_extract.memories import get_memory

    with _open(db) as store:
        memory = get_memory(store, memory_id, _namespace(namespace) or None)
    if json_output:
        _print_json(memory.to_value())
        return
    _show_memory(memory, _out())


@app.command()
@_handle_errors
def forget(
    memory_id: Annotated[str, typer.Argument(metavar="ID", help="Memory id or a unique prefix.")],
    namespace: NamespaceOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Delete one memory."""
    from langmem_extract.memories import forget_memory

    with _open(db) as store:
        memory = forget_memory(store, memory_id, _namespace(namespace) or None)
    if json_output:
        _print_json({"forgotten": memory.to_value()})
        return
    _out().print(f"forgot {memory.id} ({escape(_clip(memory.content, 60))})")


# ----------------------------------------------------------------------------- export / import


@app.command("export")
@_handle_errors
def export_(
    out: Annotated[
        str, typer.Option("--out", "-o", metavar="FILE|-", help="Where to write; - is stdout.")
    ] = "-",
    namespace: NamespaceOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Export memories (every field, history included) as JSONL."""
    from langmem_extract.memories import export_memories

    ns = _namespace(namespace) or None
    with _open(db) as store:
        count = export_memories(store, sys.stdout if out == "-" else out, ns)
    # With --out -, stdout carries the memories; the summary goes to stderr.
    to_stderr = out == "-"
    if json_output:
        typer.echo(json.dumps({"exported": count, "out": out}), err=to_stderr)
    else:
        (_err() if to_stderr else _out()).print(f"exported {count} memories to {escape(out)}")


@app.command("import")
@_handle_errors
def import_(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="JSONL written by export; - is stdin.")
    ],
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Import a JSONL export; memories keep their ids, fields and history."""
    from langmem_extract.memories import import_memories, read_export

    # Validate before opening the store, so bad input never creates a database.
    memories = read_export(sys.stdin if source == "-" else source)
    with _open(db, create=True) as store:
        count = import_memories(store, memories)
    if json_output:
        _print_json({"imported": count})
        return
    _out().print(f"imported {count} memories")


# ----------------------------------------------------------------------------- stats


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, expand=False)
    table.add_column(title.removeprefix("by "))
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(escape(key), str(value))
    return table


@app.command()
@_handle_errors
def stats(
    namespace: NamespaceOpt = None,
    db: DbOpt = DEFAULT_DB,
    json_output: JsonOpt = False,
) -> None:
    """Count memories by type, category, namespace and status."""
    from langmem_extract.memories import memory_stats

    with _open(db) as store:
        result = memory_stats(store, _namespace(namespace) or None)
    if json_output:
        _print_json(result.model_dump())
        return
    console = _out()
    console.print(f"{result.total} memories")
    for name in ("by_type", "by_category", "by_namespace", "by_status"):
        counts = getattr(result, name)
        if counts:
            console.print(_counts_table(name.replace("_", " "), counts))


# ----------------------------------------------------------------------------- demo


@app.command()
@_handle_errors
def demo(
    db: Annotated[
        str | None,
        typer.Option("--db", help="Keep the demo store in this file (default: a temp file)."),
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """Run a sample conversation through the graph and recall from it (no key needed)."""
    from langmem_extract.demo import run_demo

    result = run_demo(db, console=None if json_output else _out())
    if json_output:
        _print_json(result.to_json())


# ----------------------------------------------------------------------------- root


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


def _mount_eval() -> None:
    # The evaluation harness is optional; the CLI works without it.
    try:
        from langmem_extract.eval.cli import eval_app
    except ImportError:
        return
    app.add_typer(eval_app, name="eval", help="Evaluate recall and extraction quality.")


_mount_eval()


def main() -> None:
    """Console script entry point."""
    app(prog_name="langmem-extract")
