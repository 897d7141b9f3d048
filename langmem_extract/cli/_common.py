"""What every command shares: the Typer app, options, output, error handling, the store.

Errors print one line on stderr and exit with a code from :class:`ExitCode`
(documented in docs/cli.md).
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

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


def out_console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def short_id(memory_id: str | None) -> str:
    return (memory_id or "")[:SHORT_ID]


def ns_text(namespace: Sequence[str]) -> str:
    return "/".join(namespace)


def clip(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


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
    # KeyError subclasses repr their argument; show the plain message.
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
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
        typer.echo(json.dumps(payload, ensure_ascii=False), err=True)
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
def open_db(db: str, *, create: bool = False, read_only: bool = False) -> Iterator[BaseStore]:
    """The store for one command. ``read_only`` (the reading commands) opens a DuckDB
    file with a shared lock, so several readers may run at once; a file written by an
    older version is opened read-write once instead, to be migrated."""
    from langmem_extract.store.factory import open_store, opened_store

    # Reading commands must not leave an empty database file behind a typo'd --db.
    if not create and is_missing_file(db):
        raise InvalidInputError(
            f"no memory database at {db} (create one with `langmem-extract extract` "
            "or `langmem-extract import`, or pass --db / set LANGMEM_DB)"
        )
    if read_only and db != ":memory:" and ("://" not in db or db.startswith("duckdb://")):
        try:
            shared = open_store(db, read_only=True)
        except StoreLockedError:
            raise
        except StoreError:  # not at this version yet: opened read-write below, migrated
            shared = None
        if shared is not None:
            with shared:  # type: ignore[attr-defined]
                yield shared
            return
    with opened_store(db) as store:
        yield store


def parse_ns(value: str | None, *, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
    from langmem_extract.namespaces import parse_namespace

    if value is None or not value.strip():
        return default if default is not None else ()
    return parse_namespace(value)


def parse_types(values: Sequence[str] | None) -> list[MemoryType]:
    from langmem_extract.memories import parse_memory_types

    return parse_memory_types(list(values or []))
