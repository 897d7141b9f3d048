"""Recall's lexical files beside a DuckDB database: their names, and their purge when a
write erases a text they may hold.

A lexical file (:mod:`langmem_extract.recall_index_files`) holds, for one namespace
prefix, the content of every memory under it, the lexical documents (contents with the
conversation turns they cite) and their stemmed terms. A write that deletes a memory or
replaces its ``content`` (a raw ``store.delete``, ``forget``'s tombstone, a purge) or
clears a message-log session would leave that text readable in the file until the next
recall rewrote it. So ``DuckDBStore`` calls :func:`purge_erased` inside its lock,
*before* the write's transaction: the files of every prefix of each touched namespace
(and their temporary files) are removed first, so no crash, failed commit or concurrent
save can leave a file holding a text the committed tables no longer hold. A file is
saved only under the same lock for the commit state it was read at
(``recall_index_files.Listing.save``), so a state a purging write overtook is never
written back. Puts that keep every content (new memories, reinforcements, supersedes)
remove nothing: the next process still reads only what changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["digest", "lexical_files", "purge", "purge_erased"]

#: What follows the database's file name in every lexical file's name.
MARK = ".lexical-"


def digest(prefix: tuple[str, ...]) -> str:
    """The part of a lexical file's name that names its namespace prefix."""
    return hashlib.blake2b("\x1f".join(prefix).encode(), digest_size=8).hexdigest()


def lexical_files(path: str | Path, prefix: tuple[str, ...] | None = None) -> list[Path]:
    """The lexical files of the database at ``path`` (of ``prefix`` only, when given),
    with the temporary files of unfinished saves."""
    db = Path(path)
    tail = "*" if prefix is None else f"*-{digest(prefix)}.zip"
    found = [
        *db.parent.glob(f"{db.name}{MARK}{tail}"),
        *db.parent.glob(f".{db.name}{MARK}{tail}.*.tmp"),
    ]
    return sorted(found)


def purge(path: str | Path, namespaces: Iterable[tuple[str, ...]] | None = None) -> None:
    """Remove the lexical files of every prefix of ``namespaces`` (``None``: every file of
    the database); a file that cannot be removed is left for the next save to replace."""
    if namespaces is None:
        targets = lexical_files(path)
    else:
        prefixes = {ns[:i] for ns in namespaces for i in range(len(ns) + 1)}
        targets = [f for prefix in prefixes for f in lexical_files(path, prefix)]
    for target in targets:
        with contextlib.suppress(OSError):
            target.unlink()


def purge_erased(path: str | None, cache: Any, puts: Mapping[tuple[str, str], Any]) -> None:
    """Before committing ``puts`` (``_duckdb_plan.PlannedPut`` by item) against the mirror
    ``cache``: purge the files of the namespaces where a put deletes an item or changes a
    memory's ``content``."""
    if not path or not puts or not lexical_files(path):
        return  # no file to purge: no value is read to compare contents
    slot_of = cache.slot_of
    erased: set[str] = set()
    unread: list[tuple[int, Any]] = []
    for ident, put in puts.items():
        slot = slot_of.get(ident)
        if slot is None or put.prefix in erased:
            continue  # a new item erases nothing
        if put.value is None:
            erased.add(put.prefix)
        else:
            unread.append((slot, put))
    if unread:
        cache.read_values([slot for slot, _ in unread])
    for slot, put in unread:
        if put.prefix not in erased and _content(cache.values[slot]) != put.value.get("content"):
            erased.add(put.prefix)
    if erased:
        purge(path, [tuple(prefix.split(".")) for prefix in erased])


def _content(value_json: str | None) -> Any:
    try:
        value = json.loads(value_json or "null")
    except ValueError:
        return None
    return value.get("content") if isinstance(value, dict) else None
