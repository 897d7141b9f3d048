"""Opening a DuckDB file: the lock error people can act on, and SQLite's zero-byte rule."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import duckdb

from langmem_extract.errors import StoreError, StoreLockedError

__all__ = ["connect", "drop_empty_file"]


def _lock_error(exc: BaseException, path: str) -> StoreLockedError:
    msg = str(exc)
    m = re.search(r"PID (\d+)", msg)
    holder = f" (held by process {m.group(1)})" if m else ""
    return StoreLockedError(
        f"{path} is locked by another process{holder}: DuckDB admits one process per "
        "database file, readers included. Close the other process (or its store) and "
        "retry, or use another file; several processes may share the file only if all "
        f"open it read-only (open_store(path, read_only=True)). [{msg}]"
    )


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection, turning the file-lock error into ``StoreLockedError``."""
    target = str(path)
    try:
        return duckdb.connect(target, read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise _lock_error(exc, target) from exc
        raise StoreError(f"could not open {target}: {exc}") from exc


def drop_empty_file(path: str) -> None:
    """An existing zero-byte file opens as a new database, as SQLite does.

    DuckDB refuses a zero-byte file as "not a valid DuckDB database file"; such a file
    (``tempfile.NamedTemporaryFile``, ``touch``) holds no data, so it is removed and
    DuckDB creates the database in its place. Any non-empty file is left to DuckDB.
    """
    if path == ":memory:":
        return
    with contextlib.suppress(OSError):
        file = Path(path)
        if file.is_file() and file.stat().st_size == 0:
            file.unlink()
