"""Per-session message log for :class:`~langmem_extract.integrations.chat_history.MemoryChatHistory`.

Two backends behind one small interface:

* :class:`DuckDBTranscript` keeps messages in a ``lme_messages`` table inside the same
  DuckDB file as the memories, when the store is a :class:`~langmem_extract.DuckDBStore`.
* :class:`StoreTranscript` works on any LangGraph ``BaseStore``: one item per message
  under ``("transcripts", session_id)``, keyed by message id, ordered by a sequence number.

Appends are idempotent by message id, so re-adding a message never duplicates it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
import uuid
import weakref
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage, message_to_dict, messages_from_dict
from langgraph.store.base import BaseStore, GetOp, PutOp

from langmem_extract.errors import InvalidInputError, StoreError
from langmem_extract.namespaces import validate_namespace

TRANSCRIPT_NAMESPACE: tuple[str, ...] = ("transcripts",)
_PAGE = 500

_seq_lock = threading.Lock()
_last_seq = 0


def next_seq() -> int:
    """A process-wide increasing sequence number, close to wall-clock nanoseconds."""
    global _last_seq
    with _seq_lock:
        _last_seq = max(time.time_ns(), _last_seq + 1)
        return _last_seq


def ensure_message_ids(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """Give every message a stable id (a UUID) in place, so memories can cite it."""
    out = []
    for message in messages:
        if not isinstance(message, BaseMessage):
            raise InvalidInputError(
                f"chat history messages must be BaseMessage objects, got {type(message).__name__}"
            )
        if not message.id:
            message.id = f"msg-{uuid.uuid4()}"
        out.append(message)
    return out


def check_session_id(session_id: Any) -> str:
    if not isinstance(session_id, str) or not session_id.strip():
        raise InvalidInputError(f"session_id must be a non-empty string, got {session_id!r}")
    return session_id


class MessageLog(ABC):
    """Ordered, append-only message log per session."""

    @abstractmethod
    def append(self, session_id: str, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        """Persist messages not already stored; returns the ones actually added."""

    @abstractmethod
    def load(self, session_id: str, *, last: int | None = None) -> list[BaseMessage]:
        """All messages of a session in order, or only the ``last`` ones."""

    @abstractmethod
    def clear(self, session_id: str) -> None: ...

    async def aappend(self, session_id: str, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        return await asyncio.to_thread(self.append, session_id, messages)

    async def aload(self, session_id: str, *, last: int | None = None) -> list[BaseMessage]:
        return await asyncio.to_thread(self.load, session_id, last=last)

    async def aclear(self, session_id: str) -> None:
        await asyncio.to_thread(self.clear, session_id)


class StoreTranscript(MessageLog):
    """Messages as items under ``(*prefix, session_id)`` in any LangGraph store."""

    def __init__(self, store: BaseStore, *, prefix: Sequence[str] = TRANSCRIPT_NAMESPACE) -> None:
        self.store = store
        self.prefix = tuple(prefix)

    def _namespace(self, session_id: str) -> tuple[str, ...]:
        return validate_namespace((*self.prefix, check_session_id(session_id)))

    def append(self, session_id: str, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        namespace = self._namespace(session_id)
        fresh = _unique(ensure_message_ids(messages))
        if not fresh:
            return []
        existing = self.store.batch([GetOp(namespace, str(m.id)) for m in fresh])
        new = [m for m, item in zip(fresh, existing, strict=True) if item is None]
        ops = [
            PutOp(namespace, str(m.id), {"seq": next_seq(), "message": message_to_dict(m)}, False)
            for m in new
        ]
        if ops:
            self.store.batch(ops)
        return new

    def load(self, session_id: str, *, last: int | None = None) -> list[BaseMessage]:
        namespace = self._namespace(session_id)
        rows: list[tuple[int, dict[str, Any]]] = []
        for offset in itertools.count(0, _PAGE):
            page = self.store.search(namespace, limit=_PAGE, offset=offset)
            rows.extend(
                (int(item.value["seq"]), item.value["message"])
                for item in page
                if tuple(item.namespace) == namespace
            )
            if len(page) < _PAGE:
                break
        rows.sort(key=lambda row: row[0])
        if last is not None:
            rows = rows[-last:] if last > 0 else []
        return messages_from_dict([message for _, message in rows])

    def clear(self, session_id: str) -> None:
        namespace = self._namespace(session_id)
        while True:
            page = self.store.search(namespace, limit=_PAGE)
            keys = [(tuple(i.namespace), i.key) for i in page]
            if not keys:
                return
            self.store.batch([PutOp(ns, key, None) for ns, key in keys])


def _unique(messages: list[BaseMessage]) -> list[BaseMessage]:
    seen: dict[str, BaseMessage] = {}
    for message in messages:
        seen.setdefault(str(message.id), message)
    return list(seen.values())


# -- DuckDB: a table in the same file as the memories ------------------------------------

CREATE_MESSAGES_TABLE = """
CREATE TABLE IF NOT EXISTS lme_messages (
    session_id VARCHAR NOT NULL,
    message_id VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    role VARCHAR NOT NULL,
    content VARCHAR NOT NULL,
    payload JSON NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (session_id, message_id)
)
"""
# Parallel unnest of bound lists: one statement per append, whatever its size.
INSERT_MESSAGES = """
INSERT INTO lme_messages (session_id, message_id, seq, role, content, payload)
SELECT ?, unnest(?::VARCHAR[]), unnest(?::BIGINT[]), unnest(?::VARCHAR[]),
       unnest(?::VARCHAR[]), unnest(?::JSON[])
ON CONFLICT (session_id, message_id) DO NOTHING
"""
SELECT_EXISTING_IDS = """
SELECT message_id FROM lme_messages
WHERE session_id = ? AND message_id IN (SELECT unnest(?::VARCHAR[]))
"""
SELECT_MESSAGES = "SELECT payload FROM lme_messages WHERE session_id = ? ORDER BY seq"
SELECT_LAST_MESSAGES = """
SELECT payload FROM (
    SELECT payload, seq FROM lme_messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?
) ORDER BY seq
"""
DELETE_MESSAGES = "DELETE FROM lme_messages WHERE session_id = ?"


class DuckDBTranscript(MessageLog):
    """Messages in the ``lme_messages`` table of a DuckDB store's own database file."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def _cursor(self) -> Any:
        _ensure_table(self.store)
        return _duckdb_cursor(self.store)

    def append(self, session_id: str, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        check_session_id(session_id)
        fresh = _unique(ensure_message_ids(messages))
        if not fresh:
            return []
        for attempt in range(_CONFLICT_RETRIES):
            try:
                return self._append_once(session_id, fresh)
            except _TransactionConflict:
                # Another writer committed first; re-read which ids are new and retry.
                time.sleep(0.005 * (attempt + 1))
        raise StoreError(f"could not append to transcript {session_id!r}: writers kept conflicting")

    def _append_once(self, session_id: str, fresh: list[BaseMessage]) -> list[BaseMessage]:
        cursor = self._cursor()
        try:
            cursor.execute("BEGIN TRANSACTION")
            ids = [str(m.id) for m in fresh]
            existing = {
                r[0] for r in cursor.execute(SELECT_EXISTING_IDS, [session_id, ids]).fetchall()
            }
            new = [m for m in fresh if str(m.id) not in existing]
            if new:
                cursor.execute(INSERT_MESSAGES, [session_id, *_columns(new)])
            cursor.execute("COMMIT")
            return new
        except Exception as exc:
            with contextlib.suppress(Exception):
                cursor.execute("ROLLBACK")
            if _is_conflict(exc):
                raise _TransactionConflict from exc
            raise StoreError(f"could not append to transcript {session_id!r}: {exc}") from exc
        finally:
            cursor.close()

    def load(self, session_id: str, *, last: int | None = None) -> list[BaseMessage]:
        check_session_id(session_id)
        if last is not None and last <= 0:
            return []
        cursor = self._cursor()
        try:
            if last is None:
                rows = cursor.execute(SELECT_MESSAGES, [session_id]).fetchall()
            else:
                rows = cursor.execute(SELECT_LAST_MESSAGES, [session_id, last]).fetchall()
        finally:
            cursor.close()
        return messages_from_dict([json.loads(row[0]) for row in rows])

    def clear(self, session_id: str) -> None:
        check_session_id(session_id)
        cursor = self._cursor()
        try:
            cursor.execute(DELETE_MESSAGES, [session_id])
        finally:
            cursor.close()


_CONFLICT_RETRIES = 8
# Stores whose lme_messages table is known to exist (CREATE from many threads at once
# is a catalog write-write conflict in DuckDB).
_tables_ready: weakref.WeakSet[Any] = weakref.WeakSet()
_tables_lock = threading.Lock()


class _TransactionConflict(Exception):
    pass


def _is_conflict(exc: BaseException) -> bool:
    import duckdb

    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def _ensure_table(store: Any) -> None:
    if store in _tables_ready:
        return
    with _tables_lock:
        if store in _tables_ready:
            return
        cursor = _duckdb_cursor(store)
        try:
            cursor.execute(CREATE_MESSAGES_TABLE)
        finally:
            cursor.close()
        _tables_ready.add(store)


def _columns(messages: Sequence[BaseMessage]) -> list[list[Any]]:
    """Column lists (ids, seqs, roles, texts, payloads) for ``INSERT_MESSAGES``."""
    return [
        [str(m.id) for m in messages],
        [next_seq() for _ in messages],
        [m.type for m in messages],
        [str(m.text) for m in messages],
        [json.dumps(message_to_dict(m)) for m in messages],
    ]


def _duckdb_cursor(store: Any) -> Any:
    conn = getattr(store, "conn", None)
    if conn is None:
        raise StoreError("this DuckDB store exposes no connection for the transcript table")
    try:
        # A cursor is DuckDB's per-thread connection to the same database.
        return conn.cursor()
    except Exception as exc:
        raise StoreError(f"the DuckDB store is not usable for the transcript: {exc}") from exc


def _is_duckdb_store(store: BaseStore) -> bool:
    try:
        from langmem_extract.store.duckdb import DuckDBStore
    except ImportError:  # pragma: no cover - the store module ships with the package
        return False
    return isinstance(store, DuckDBStore)


def message_log_for(
    store: BaseStore, *, prefix: Sequence[str] = TRANSCRIPT_NAMESPACE
) -> MessageLog:
    """The native transcript for ``store``: a DuckDB table, else store items."""
    if _is_duckdb_store(store):
        return DuckDBTranscript(store)
    return StoreTranscript(store, prefix=prefix)
