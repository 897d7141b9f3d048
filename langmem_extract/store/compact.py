"""Rewriting a DuckDB file so that deleted rows leave no bytes behind.

DuckDB frees the blocks of deleted rows at a checkpoint and reuses them later, but it does
not overwrite them: after ``forget`` or a history ``clear()`` and a ``CHECKPOINT``, the
deleted text can still be read from the file with a hex editor until new data lands on
those blocks. :func:`compact_database` copies the live data into a fresh file (``COPY FROM
DATABASE``) and replaces the old one, so only live rows remain. It also removes the
file's vector snapshots (``_duckdb_load``) and recall's lexical files
(``recall_index_files``): a stale one may hold vectors or texts of deleted rows; the next
open (or recall) writes a fresh one. The store must be closed.
"""

from __future__ import annotations

import os
from pathlib import Path

from langmem_extract.errors import InvalidInputError, StoreError, StoreLockedError
from langmem_extract.store._duckdb_connect import connect
from langmem_extract.store._duckdb_load import snapshot_files
from langmem_extract.store.lexical_files import purge as purge_lexical_files

__all__ = ["compact_database"]

# ATTACH takes no bound parameter for the path: it is quoted with quote_literal().
ATTACH_OLD = "ATTACH {path} AS lme_old (READ_ONLY)"
COPY_ALL = "COPY FROM DATABASE lme_old TO {target}"
DETACH_OLD = "DETACH lme_old"
CURRENT_DATABASE = "SELECT current_database()"
CHECKPOINT = "CHECKPOINT"


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def compact_database(path: str | Path) -> int:
    """Rewrite the (closed) DuckDB file at ``path`` with only its live data.

    Freed blocks, and the text of deleted memories and messages in them, are gone from
    the new file; the old file and its WAL are replaced. Returns the new size in bytes.

    Raises:
        InvalidInputError: ``path`` is not an existing database file.
        StoreLockedError: the store (in this or another process) still has the file open.
    """
    source = Path(path)
    if not source.is_file():
        raise InvalidInputError(f"no DuckDB database file at {source}")
    # Fold a pending WAL into the file first (and fail early if the file is open).
    connect(source).close()
    fresh = source.with_name(source.name + ".compact")
    fresh.unlink(missing_ok=True)
    try:
        con = connect(fresh)
        try:
            target = _ident(con.execute(CURRENT_DATABASE).fetchone()[0])
            con.execute(ATTACH_OLD.format(path=quote_literal(str(source))))
            con.execute(COPY_ALL.format(target=target))
            con.execute(DETACH_OLD)
            con.execute(CHECKPOINT)
        finally:
            con.close()
        with open(fresh, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(fresh, source)
    except Exception as exc:
        fresh.unlink(missing_ok=True)
        if isinstance(exc, StoreError):
            raise
        if "already attached" in str(exc):  # open in this process (DuckDB shares it)
            raise StoreLockedError(f"{source} is open: close the store first") from exc
        raise StoreError(f"could not compact {source}: {exc}") from exc
    Path(str(source) + ".wal").unlink(missing_ok=True)
    for snapshot in snapshot_files(str(source)):
        snapshot.unlink(missing_ok=True)
    purge_lexical_files(source)  # recall's lexical files hold memory texts too
    return source.stat().st_size
