"""What every command shares: the Typer app, options, output, error handling, the store.

Errors print one line on stderr and exit with a code from :class:`ExitCode`
(documented in docs/cli.md).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape as _markup_escape
from rich.table import Table
from rich.text import Text

from langmem_extract.errors import (
    ExtractionError,
    InvalidInputError,
    LangmemError,
    MemoryNotFoundError,
    StoreError,
    StoreLockedError,
)
from langmem_extract.schema import MemoryType

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

    from langmem_extract.store.duckdb_engine import DuckDBEngine

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
UserOpt = Annotated[
    str | None,
    typer.Option("--user-id", help="Scope to this user's namespace (memories/<user-id>)."),
]
AgentOpt = Annotated[
    str | None,
    typer.Option(
        "--agent-id", help="Scope to this agent (memories/_agent/<agent-id>) when no --user-id."
    ),
]
TypeOpt = Annotated[
    list[str] | None,
    typer.Option("--type", "-t", help="Memory type; repeat or comma-separate for several."),
]
CategoryOpt = Annotated[str | None, typer.Option("--category", "-c", help="Only this category.")]


# ----------------------------------------------------------------------------- output


#: Characters a terminal may act on: C0 controls but tab and newline, DEL, C1 controls
#: (U+009B is a one-character CSI) and the bidi overrides that reorder what is shown.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """``text`` with terminal control characters shown as ``\\x1b``-style escapes."""
    return _TERMINAL_CONTROLS.sub(_visible, text)


def escape(text: str) -> str:
    """Stored or user-given text made safe to print: control characters neutralised
    (:func:`neutralise`) and rich markup escaped. Every command prints data through it."""
    return _markup_escape(neutralise(text))


def out_console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def json_text(data: Any, **kwargs: Any) -> str:
    """JSON for stdout/stderr; C0 controls are escaped by JSON, C1 controls here too."""
    return neutralise_json(json.dumps(data, ensure_ascii=False, default=str, **kwargs))


def neutralise_json(text: str) -> str:
    return _TERMINAL_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(data: Any) -> None:
    typer.echo(json_text(data, indent=2))


def short_id(memory_id: str | None) -> str:
    return escape((memory_id or "")[:SHORT_ID])


def ns_text(namespace: Sequence[str]) -> str:
    return "/".join(namespace)


def clip(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@dataclass(frozen=True)
class Column:
    """A table column; ``drop`` > 0 marks a secondary one, dropped (highest first) when
    the terminal is too narrow to leave the content :data:`MIN_CONTENT_WIDTH` columns."""

    header: str
    drop: int = 0
    style: str | None = None
    justify: str = "left"


#: Narrowest content column a table may leave; below it secondary columns go.
MIN_CONTENT_WIDTH = 30


def fitted_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    width: int,
    content: str = "content",
    title: str | None = None,
) -> Table:
    """A table whose ``content`` column keeps :data:`MIN_CONTENT_WIDTH` characters in
    ``width`` columns: secondary columns are dropped first, then the content wraps.

    Every other column keeps its full cells (no wrapping, no ellipsis). Cells hold markup.
    """

    def natural(index: int) -> int:
        cells = [Text.from_markup(row[index]).cell_len for row in rows]
        return max([len(columns[index].header), *cells])

    keep = list(range(len(columns)))
    widths = {i: natural(i) for i in keep if columns[i].header != content}

    def content_room() -> int:
        # Each column adds two spaces of padding and one border; plus the left border.
        return width - 1 - 3 * len(keep) - sum(widths[i] for i in keep if i in widths)

    for column in sorted((c for c in columns if c.drop), key=lambda c: -c.drop):
        if content_room() >= MIN_CONTENT_WIDTH:
            break
        keep.remove(columns.index(column))
    table = Table(title=title, expand=False)
    for i in keep:
        col = columns[i]
        if col.header == content:
            table.add_column(col.header, style=col.style, ratio=1, overflow="fold")
        else:
            table.add_column(
                col.header, style=col.style, justify=col.justify, no_wrap=True,  # type: ignore[arg-type]
                min_width=widths[i],
            )  # fmt: skip
    for row in rows:
        table.add_row(*(row[i] for i in keep))
    return table


# ----------------------------------------------------------------------------- errors

F = TypeVar("F", bound=Callable[..., Any])


def _one_line(message: str) -> str:
    return " ".join(str(message).split()) or "unknown error"


def exit_code_for(exc: BaseException) -> ExitCode:
    if isinstance(exc, MemoryNotFoundError):
        return ExitCode.NOT_FOUND
    if isinstance(exc, StoreLockedError):
        return ExitCode.STORE_LOCKED
    if isinstance(exc, InvalidInputError):
        return ExitCode.BAD_INPUT
    if isinstance(exc, ExtractionError):
        return ExitCode.MODEL_FAILURE
    return ExitCode.FAILURE


def message_for(exc: BaseException) -> str:
    from langmem_extract.store.factory import mask_url

    # KeyError subclasses repr their argument; show the plain message.
    text = mask_url(exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc))
    if isinstance(exc, LangmemError):
        return _one_line(text)
    if isinstance(exc, OSError):
        return _one_line(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
    return _one_line(f"unexpected {type(exc).__name__}: {text} (set {DEBUG_ENV}=1 for a traceback)")


def fail(exc: BaseException, *, as_json: bool) -> NoReturn:
    code = exit_code_for(exc)
    message = message_for(exc)
    if as_json:
        payload = {
            "error": {"type": type(exc).__name__, "message": message, "exit_code": int(code)}
        }
        typer.echo(json_text(payload), err=True)
    else:
        # soft_wrap: the message stays one line whatever the terminal width.
        err_console().print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(int(code))


def handle_errors(func: F) -> F:
    """Turn library errors into one stderr line and a documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("json_output"))
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            err_console().print("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (LangmemError, OSError) as exc:
            fail(exc, as_json=as_json)
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            fail(exc, as_json=as_json)

    return wrapper  # type: ignore[return-value]


# ----------------------------------------------------------------------------- store


def is_missing_file(db: str) -> bool:
    return "://" not in db and db != ":memory:" and not Path(db).exists()


@contextmanager
def open_db(
    db: str, *, create: bool = False, read_only: bool = False
) -> Iterator[BaseStore | DuckDBEngine]:
    """The store for one command. ``read_only`` (the reading commands) opens a DuckDB
    file with a shared lock, so several readers may run at once, as the plain
    ``DuckDBEngine`` (``open_reader``: no LangGraph in the process); a file written by an
    older version is opened read-write once instead, to be migrated."""
    from langmem_extract.store.factory import duckdb_file, open_reader, opened_store

    # Reading commands must not leave an empty database file behind a typo'd --db.
    if not create and is_missing_file(db):
        raise InvalidInputError(
            f"no memory database at {db} (create one with `langmem-extract extract` "
            "or `langmem-extract import`, or pass --db / set LANGMEM_DB)"
        )
    if read_only and duckdb_file(db) is not None:
        try:
            shared = open_reader(db)
        except StoreLockedError:
            raise
        except StoreError:  # not at this version yet: opened read-write below, migrated
            shared = None
        if shared is not None:
            with shared:
                yield shared
            return
    with opened_store(db) as store:
        yield store


def parse_ns(value: str | None, *, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
    from langmem_extract.namespaces import parse_namespace

    if value is None or not value.strip():
        return default if default is not None else ()
    return parse_namespace(value)


def scope_ns(
    namespace: str | None,
    user_id: str | None,
    agent_id: str | None,
    *,
    unscoped: tuple[str, ...] | None,
    write: bool = False,
) -> tuple[str, ...] | None:
    """The namespace a command uses, by the one rule of
    :func:`langmem_extract.namespaces.scoped_namespace`. ``--namespace`` wins (a template
    such as ``memories/{user_id}`` is filled); without it ``--user-id``/``--agent-id``
    scope it, and without those the command's ``unscoped`` default applies (``None``:
    every namespace). A reading command given ids that a fixed ``--namespace`` cannot
    apply fails; a writing one records them on the memories.
    """
    from langmem_extract.namespaces import scope_id, scoped_namespace, template_fields

    ids = {"user_id": user_id, "agent_id": agent_id}
    if namespace is None or not namespace.strip():
        if user_id is None and agent_id is None:
            return unscoped
        return scoped_namespace(None, None, **ids)
    labels = parse_ns(namespace)
    fields = template_fields(labels)
    if not write:
        from langmem_extract.errors import ScopeError

        for name, value in ids.items():
            if value is not None and name not in fields:
                raise ScopeError(
                    f"--{name.replace('_', '-')} cannot scope --namespace {namespace!r}; "
                    f"drop --namespace, or write it as a template such as memories/{{{name}}}"
                )
    for name, value in ids.items():
        scope_id(name, value)
    return scoped_namespace(labels, None, **ids) if fields else labels


def parse_types(values: Sequence[str] | None) -> list[MemoryType]:
    from langmem_extract.memories import parse_memory_types

    return parse_memory_types(list(values or []))
