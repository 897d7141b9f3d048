"""Recall's lexical index kept between processes, in a file beside a DuckDB database.

A fresh process (a CLI ``recall``) used to read, validate and tokenise every memory under
the prefix to build the BM25 index: about 1 s of CPU at 10,000 memories, most of the
command. For a file-backed ``DuckDBStore`` (:mod:`langmem_extract.store.item_versions`)
:func:`read_listing` instead reads ``<database>.lexical-<format>-<file id>-<prefix
digest>.json``, which holds, for the committed state named in its header:

* the version (a hash of the stored value) of every item under the prefix,
* the :class:`~langmem_extract.recall_records.MemoryRecord` of every memory among them,
* each lexical document's text and its term counts
  (:meth:`~langmem_extract.lexical.BM25Index.counts`).

It can never disagree with the committed rows unnoticed. The header names the database's
``file_id``, its commit counter (bumped inside every committed write batch), the item
count under the prefix, the file format and the tokeniser's
:data:`~langmem_extract.lexical.ANALYSIS_VERSION`. When they all match, the records are
the committed ones; otherwise the versions of the items are read (no values), only items
added or changed are read and validated, and records of items gone are dropped. The
documents are then recomputed in memory (they also hold the conversation turns, which the
message log keeps) and only those whose text differs from the saved one are tokenised
again (:meth:`~langmem_extract.recall_index.NamespaceIndex.load`). A file is written only
for a state read between two equal readings of the commit counter, through a flushed
temporary file and a rename, so a crash leaves the old file or the new one, and a stale
file is only ever a starting point for those checks. The rename happens under the store's
lock after checking that no write committed since the state was read: a write that
erases a text the file holds (a delete, a changed content, a cleared session) removes
the file under that lock before it commits (:mod:`langmem_extract.store.lexical_files`),
so no file ever holds a text the committed tables no longer hold. JSON, not pickle: reading it runs
no code from the file.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import os
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from langmem_extract.changes import commit_count
from langmem_extract.errors import InvalidInputError
from langmem_extract.evidence import evidence_session
from langmem_extract.lexical import ANALYSIS_VERSION, BM25Index
from langmem_extract.recall_records import MemoryRecord, read_changed
from langmem_extract.schema import Memory, MemoryStatus
from langmem_extract.store.item_versions import (
    commit_state,
    count_items,
    database_path,
    item_versions,
    store_lock,
)
from langmem_extract.store.lexical_files import digest, purge
from langmem_extract.store.lexical_files import lexical_files as _lexical_files

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

__all__ = [
    "FORMAT",
    "Listing",
    "drop_files",
    "lexical_file",
    "lexical_files",
    "listing_at",
    "read_listing",
]

logger = logging.getLogger(__name__)

#: Bumped whenever what the file holds changes meaning.
FORMAT = 1


def lexical_file(path: str, file_id: str, prefix: tuple[str, ...]) -> Path:
    """Where the lexical file of ``prefix`` in the database at ``path`` is kept."""
    return Path(f"{path}.lexical-{FORMAT}-{file_id}-{digest(prefix)}.zip")


def lexical_files(path: str | Path) -> list[Path]:
    """Every lexical file of the database at ``path`` (any prefix, format or file id)."""
    return [f for f in _lexical_files(path) if not f.name.startswith(".")]


def drop_files(store: BaseStore) -> None:
    """Remove the lexical files of ``store``'s database (they hold memory and turn texts:
    ``forget``, ``purge`` and compaction remove them; the next recall builds anew)."""
    path = database_path(store)
    if path:
        purge(path)


@dataclass
class Listing:
    """The memories under a prefix as the lexical file and the store give them."""

    records: dict[str, MemoryRecord] = field(default_factory=dict)
    full: dict[str, Memory] = field(default_factory=dict)
    """Memories read from the store while listing (added or changed since the file)."""
    docs: dict[str, str] = field(default_factory=dict)
    """The saved lexical documents' texts, which :attr:`lexical` indexes."""
    lexical: BM25Index | None = None
    too_large: bool = False
    changed: bool = False
    """Whether the records differ from the file's (so the file is rewritten)."""
    _target: Path | None = None
    _head: dict[str, Any] = field(default_factory=dict)
    _versions: dict[tuple[str, str], str] | None = None
    _store: BaseStore | None = None
    _state: tuple[str, str, int] | None = None
    _commits: int | None = None
    """The store's ``commit_count`` when the listing began (message-log writes too)."""

    def versions(self) -> dict[tuple[str, str], str] | None:
        """The version of every item under the prefix in the listed state (``None`` when
        unknown: a commit overtook the listing, or the file no longer holds that state)."""
        if self._versions is None:
            self._versions = self.versions_later()()
        return self._versions

    def versions_later(self) -> Callable[[], dict[tuple[str, str], str] | None]:
        """What gives :meth:`versions` later without holding this listing's records and
        index (a matching file's versions are read only if asked: a one-query process
        never needs them)."""
        if self._target is None:
            return lambda: None
        if self._versions is not None:
            versions = self._versions
            return lambda: versions
        return functools.partial(_read_versions, self._target, self._head.get("gen"))

    def save(self, records: dict[str, MemoryRecord], docs: dict[str, str],
             lexical: BM25Index) -> bool:  # fmt: skip
        """Write the file for this listing's state with ``records`` and the documents
        and BM25 index now held, when anything differs from what it held; returns
        whether written."""
        if self._target is None or (not self.changed and docs == self.docs):
            return False
        if self.versions() is None:
            return False
        doc_ids = list(docs)
        texts = [None if (r := records.get(d)) is not None and r.content == docs[d] else docs[d]
                 for d in doc_ids]  # fmt: skip
        members = {
            "head.json": self._head,
            "memories.json": _records_json(records),
            **_index_members(doc_ids, texts, lexical.export(doc_ids)),
            "versions.json": [[ns, key, v] for (ns, key), v in self._versions.items()],
        }
        tmp = self._target.with_name(f".{self._target.name}.{os.getpid()}.tmp")
        written = False
        try:
            with open(tmp, "wb") as fh:
                # Readable by whoever may read the database, no one else.
                db = self._target.with_name(self._target.name.split(".lexical-")[0])
                os.chmod(tmp, stat.S_IMODE(os.stat(db).st_mode))
                with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
                    for name, body in members.items():
                        if isinstance(body, bytes):
                            zf.writestr(name, body)
                        else:
                            zf.writestr(name, json.dumps(body, ensure_ascii=False,
                                                         separators=(",", ":")))  # fmt: skip
                fh.flush()
                os.fsync(fh.fileno())
            with store_lock(self._store):  # no write commits between the check and the rename
                if commit_state(self._store) == self._state and (
                    commit_count(self._store) == self._commits
                ):
                    os.replace(tmp, self._target)
                    written = True
        except OSError as exc:  # a read-only directory: the next process builds again
            logger.debug("no lexical file written at %s: %s", self._target, exc)
            with contextlib.suppress(OSError):
                tmp.unlink()
            return False
        if not written:  # a write overtook the listed state: the next read saves
            with contextlib.suppress(OSError):
                tmp.unlink()
            return False
        db_name, named = self._target.name.split(".lexical-")[0], self._target.name[-20:]
        for old in self._target.parent.glob(f"{db_name}.lexical-*-{named}"):
            if old != self._target:  # another format's or file id's file of this prefix
                with contextlib.suppress(OSError):
                    old.unlink()
        return True


def read_listing(store: BaseStore, prefix: tuple[str, ...], limit: int) -> Listing | None:
    """The memories under ``prefix``, from the lexical file where it matches the store and
    from the store for what changed; ``None`` when the store keeps no such file (the
    caller reads every memory). More than ``limit`` items: ``too_large``."""
    commits = commit_count(store)
    state = commit_state(store)
    if state is None:
        return None
    path, file_id, gen = state
    count = count_items(store, prefix)
    if count is None:
        return None
    if count > limit:
        return Listing(too_large=True)
    head = {"format": FORMAT, "analysis": ANALYSIS_VERSION, "file_id": file_id, "gen": gen,
            "prefix": list(prefix), "items": count}  # fmt: skip
    target = lexical_file(path, file_id, prefix)
    saved = _read(target, head)
    if saved is not None and saved.head == head:
        return Listing(records=saved.records, docs=saved.docs, lexical=saved.lexical,
                       _target=target, _head=head, _store=store, _state=state,
                       _commits=commits)  # fmt: skip
    versions = item_versions(store, prefix) or {}
    old_versions = (_read_versions(target) or {}) if saved is not None else {}
    old_records = saved.records if saved is not None else {}
    records: dict[str, MemoryRecord] = {}
    stale: list[tuple[str, str]] = []
    for (ns, key), version in versions.items():
        if old_versions.get((ns, key)) == version:
            if (record := old_records.get(key)) is not None and ".".join(record.namespace) == ns:
                records[key] = record
        else:
            stale.append((ns, key))
    full = read_changed(store, prefix, stale, len(versions))
    records.update((key, MemoryRecord.of(memory)) for key, memory in full.items())
    # Saved only when no commit happened while reading: the records are then that state's.
    after = commit_state(store)
    return Listing(
        records=records, full=full,
        docs=saved.docs if saved is not None else {},
        lexical=saved.lexical if saved is not None else None,
        changed=True, _target=target if after == state else None, _head=head,
        _versions=versions, _store=store, _state=state, _commits=commits,
    )  # fmt: skip


def listing_at(
    store: BaseStore,
    prefix: tuple[str, ...],
    state: tuple[str, str, int] | None,
    commits: int | None,
    versions: dict[tuple[str, str], str],
) -> Listing | None:
    """A listing to save the state ``state`` (whose item ``versions`` were read) when no
    file of ``prefix`` exists for it: after a write removed it (``store.lexical_files``), a
    running index's re-read saves one, so the next process need not build from scratch."""
    if state is None:
        return None
    path, file_id, gen = state
    target = lexical_file(path, file_id, prefix)
    if target.exists():
        return None
    head = {"format": FORMAT, "analysis": ANALYSIS_VERSION, "file_id": file_id, "gen": gen,
            "prefix": list(prefix), "items": len(versions)}  # fmt: skip
    return Listing(changed=True, _target=target, _head=head, _versions=versions,
                   _store=store, _state=state, _commits=commits)  # fmt: skip


@dataclass
class _Saved:
    head: dict[str, Any]
    records: dict[str, MemoryRecord]
    docs: dict[str, str]
    lexical: BM25Index


_BAD_FILE = (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile,
             InvalidInputError)  # fmt: skip


def _read(target: Path, head: dict[str, Any]) -> _Saved | None:
    """The file's records and index when it is whole and of this database, format,
    prefix and analysis (its commit counter may differ)."""
    try:
        with zipfile.ZipFile(target) as zf:  # each member's CRC-32 is checked as it is read
            saved = json.loads(zf.read("head.json"))
            if any(saved.get(k) != head[k] for k in ("format", "analysis", "file_id", "prefix")):
                return None
            records = _records_from_json(json.loads(zf.read("memories.json")))
            index = json.loads(zf.read("index.json"))
            bm25 = {name: np.load(io.BytesIO(zf.read(f"{name}.npy")), allow_pickle=False)
                    for name in _BM25_ARRAYS}  # fmt: skip
        doc_ids: list[str] = index["docs"]
        texts = [records[d].content if t is None else t
                 for d, t in zip(doc_ids, index["texts"], strict=True)]  # fmt: skip
        bm25["terms"] = index["terms"].split("\x00") if index["terms"] else []
        return _Saved(saved, records, dict(zip(doc_ids, texts, strict=True)),
                      BM25Index.restore(doc_ids, bm25))  # fmt: skip
    except FileNotFoundError:
        return None
    except _BAD_FILE as exc:
        logger.warning("ignoring unreadable lexical file %s: %s", target, exc)
        return None


def _read_versions(target: Path, gen: int | None = None) -> dict[tuple[str, str], str] | None:
    """The item versions the file holds (only when its header names ``gen``, if given)."""
    try:
        with zipfile.ZipFile(target) as zf:
            if gen is not None and json.loads(zf.read("head.json")).get("gen") != gen:
                return None
            rows = json.loads(zf.read("versions.json"))
        return {(str(ns), str(key)): str(v) for ns, key, v in rows}
    except _BAD_FILE as exc:
        logger.debug("no versions in %s: %s", target, exc)
        return None


_STATUS = {status.value: status for status in MemoryStatus}
#: The BM25 index's flat lists, each kept as a ``.npy`` member (as JSON lists they cost
#: 0.05 s to parse at 10,000 documents; ``bm25s``'s own save loaded in 0.005 s, but it
#: has no update short of a rebuild).
_BM25_ARRAYS = ("lengths", "ptr", "docs", "tfs")


def _index_members(doc_ids: list[str], texts: list[str | None], bm25: dict[str, Any]) -> dict:
    terms = "\x00".join(bm25["terms"])  # tokens are word characters: never a NUL
    members: dict[str, Any] = {"index.json": {"docs": doc_ids, "texts": texts, "terms": terms}}
    for name in _BM25_ARRAYS:
        buf = io.BytesIO()
        np.save(buf, np.asarray(bm25[name], dtype=np.int64), allow_pickle=False)
        members[f"{name}.npy"] = buf.getvalue()
    return members


def _records_json(records: dict[str, MemoryRecord]) -> dict[str, Any]:
    names: dict[tuple[str, ...], int] = {}
    rows = list(records.values())
    return {
        "ids": [r.id for r in rows],
        "ns": [names.setdefault(r.namespace, len(names)) for r in rows],
        "namespaces": [list(ns) for ns in names],
        "sessions": [r.session_id for r in rows],
        "status": [r.status.value for r in rows],
        "sources": [list(r.source_message_ids) for r in rows],
        "content": [r.content for r in rows],
    }


def _records_from_json(body: dict[str, Any]) -> dict[str, MemoryRecord]:
    names = [tuple(map(str, ns)) for ns in body["namespaces"]]
    own = [evidence_session(ns) for ns in names]  # the session of a memory without one
    sessions = [sid or own[i] for sid, i in zip(body["sessions"], body["ns"], strict=True)]
    rows = map(MemoryRecord, body["ids"], map(names.__getitem__, body["ns"]),
               body["sessions"], map(_STATUS.__getitem__, body["status"]),
               map(tuple, body["sources"]), body["content"], sessions)  # fmt: skip
    records = {record.id: record for record in rows}
    if len(records) != len(body["ids"]) or any(len(body[k]) != len(records) for k in body
                                               if k != "namespaces"):  # fmt: skip
        raise ValueError("memory columns of different lengths")
    return records
