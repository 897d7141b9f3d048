"""What a file-backed ``DuckDBStore`` holds under a namespace prefix, read without values:
its commit state, its item count and a version of each item.

For files kept beside the database that must match its committed rows (recall's lexical
files, :mod:`langmem_extract.recall_index_files`). The commit state is the database's
random ``file_id`` and its ``vectors_gen`` counter, which every committed write batch
bumps inside its own transaction (:mod:`._mirror_files`); an item's version is DuckDB's
64-bit ``hash`` of its stored value, so an item put again with another value has another
version whoever wrote it. Reading the versions of 10,000 items took 0.07-0.09 s here
(about a tenth of reading and validating their values).

Every function returns ``None`` for any other store (not a ``DuckDBStore`` or the
``DuckDBEngine`` it is built on, in memory, or with a TTL configuration, under which
reads may hide expired items).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

__all__ = [
    "CommitState",
    "commit_state",
    "count_items",
    "database_path",
    "item_versions",
    "store_lock",
]

#: Items under a prefix: the namespace itself or any below it (labels never hold ``.``).
COUNT_UNDER_PREFIX = "SELECT count(*) FROM store WHERE prefix = ? OR starts_with(prefix, ?)"
VERSIONS_UNDER_PREFIX = (
    "SELECT prefix, key, hash(value::VARCHAR)::VARCHAR AS version "
    "FROM store WHERE prefix = ? OR starts_with(prefix, ?)"
)

CommitState = tuple[str, str, int]
"""The database path, its ``file_id`` and its commit counter."""

T = TypeVar("T")


def _duckdb_store(store: Any) -> Any | None:
    # Not imported here: a process without a DuckDBStore never loads DuckDB for this.
    module = sys.modules.get("langmem_extract.store.duckdb_engine")
    if module is None or not isinstance(store, module.DuckDBEngine):
        return None
    if not store.path or store.ttl_config is not None:
        return None
    return store


def _read(store: Any, read: Callable[[Any], T]) -> T | None:
    """``read(duck)`` under the lock of a file-backed ``DuckDBStore`` checked open; ``None``
    for any other store."""
    duck = _duckdb_store(store)
    if duck is None:
        return None
    with duck._lock:
        duck._check_open()
        return read(duck)


def _under(duck: Any, sql: str, prefix: Sequence[str]) -> Any:
    """``sql`` run with ``prefix``'s parameters (the namespace itself, or any below it)."""
    joined = ".".join(prefix)
    return duck.conn.execute(sql, [joined, joined + "."])


def database_path(store: Any) -> str | None:
    """The database file of a file-backed ``DuckDBStore``."""
    duck = _duckdb_store(store)
    return None if duck is None else str(duck.path)


@contextlib.contextmanager
def store_lock(store: Any) -> Iterator[None]:
    """Hold the lock a ``DuckDBStore`` commits under (nothing for any other store): a file
    checked against :func:`commit_state` and renamed into place within it cannot name a
    state a write overtook (``store.lexical_files`` purges before committing)."""
    duck = _duckdb_store(store)
    if duck is None:
        yield
        return
    with duck._lock:
        yield


def commit_state(store: Any) -> CommitState | None:
    """``(path, file_id, commit counter)`` of a file-backed ``DuckDBStore``."""
    return _read(store, _commit_state)


def _commit_state(duck: Any) -> CommitState | None:
    from langmem_extract.store._duckdb_load import _state as read_state

    duck._ensure_setup()  # a writable store's setup gives the file its file_id
    state = read_state(duck.conn)
    return None if state is None else (str(duck.path), state[0], state[1])


def count_items(store: Any, prefix: Sequence[str]) -> int | None:
    """How many items are stored under ``prefix``."""
    row = _read(store, lambda duck: _under(duck, COUNT_UNDER_PREFIX, prefix).fetchone() or (0,))
    return None if row is None else int(row[0])


def item_versions(store: Any, prefix: Sequence[str]) -> dict[tuple[str, str], str] | None:
    """``(namespace joined by '.', key) → version`` of every item under ``prefix``."""
    got = _read(store, lambda duck: _under(duck, VERSIONS_UNDER_PREFIX, prefix).fetchnumpy())
    if got is None:
        return None
    return dict(
        zip(zip(got["prefix"].tolist(), got["key"].tolist(), strict=True),
            got["version"].tolist(), strict=True)
    )  # fmt: skip
