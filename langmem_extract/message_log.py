"""The per-session message log: every chat message of a session, in order, by id.

:func:`message_log_for` picks where a store keeps it:

* :class:`TableMessageLog` for a store with a message table of its own (``DuckDBStore``
  and ``PostgresStore``: an ``lme_messages`` table created by their migrations, next to
  the memories, written through the store's own connection handling and lock);
* :class:`ItemsMessageLog` for any other LangGraph ``BaseStore``: one item per message
  under ``("transcripts", session_id)``, keyed by message id, ordered by a sequence number.

Appends are idempotent by message id, so re-adding a message never duplicates it.

Secrets are redacted before a message is written (on by default): every string in the
message's content (plain text and content blocks), tool-call arguments and extra fields is
passed through :func:`~langmem_extract.redact.redact_secrets`, so each secret is stored as
a typed ``[REDACTED:<kind>]`` marker. Ids, types, names and tool-call ids are kept as they
are, so a message keeps its id. ``redact=False`` (``message_log_for(store, redact=False)``,
``MemoryChatHistory(..., redact_transcript=False)``) stores the raw text for users who
must keep raw logs; the memory graph redacts its own input either way.

Clearing a session also deletes its turn vectors (:mod:`langmem_extract.turn_vectors`).

Recall's index reads a session with :meth:`MessageLog.load_turns`: from a DuckDB file,
the table's text column and the payload's fields (``store._messages.LoggedTurn``), no
LangChain message objects, so ``langchain_core.messages`` (imported here on first use)
stays out of a process that only reads (docs/benchmarks/cold_start.md).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from langmem_extract.changes import Change, notify
from langmem_extract.errors import InvalidInputError
from langmem_extract.messages import json_text
from langmem_extract.namespaces import validate_namespace
from langmem_extract.store._messages import MessageRow, MessageTable
from langmem_extract.store._validate import check_session_id
from langmem_extract.store_guard import guarded
from langmem_extract.turn_vectors import drop_turn_vectors

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from langgraph.store.base import BaseStore

__all__ = [
    "MESSAGE_LOG_NAMESPACE",
    "ItemsMessageLog",
    "MessageLog",
    "TableMessageLog",
    "check_session_id",
    "ensure_message_ids",
    "message_log_for",
    "next_seq",
    "redacted_message",
]

#: Namespace root of the item-based log (``ItemsMessageLog``).
MESSAGE_LOG_NAMESPACE: tuple[str, ...] = ("transcripts",)
_PAGE = 500

_seq_lock = threading.Lock()
_last_seq = 0


def next_seq() -> int:
    """A process-wide increasing sequence number, close to wall-clock nanoseconds."""
    global _last_seq
    with _seq_lock:
        _last_seq = max(time.time_ns(), _last_seq + 1)
        return _last_seq


def _lc() -> Any:
    """``langchain_core.messages``, imported on first use: recall reads logged turns
    without message objects (:meth:`MessageLog.load_turns`), and importing it costs
    0.2 s of CPU in a fresh process (docs/benchmarks/cold_start.md)."""
    import langchain_core.messages

    return langchain_core.messages


def ensure_message_ids(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """Give every message a stable id (a UUID) in place, so memories can cite it."""
    BaseMessage = _lc().BaseMessage
    out = []
    for message in messages:
        if not isinstance(message, BaseMessage):
            raise InvalidInputError(
                f"chat history messages must be BaseMessage objects, got {type(message).__name__}"
            )
        _check_storable(message)
        if not message.id:
            message.id = f"msg-{uuid.uuid4()}"
        out.append(message)
    return out


def _check_storable(message: BaseMessage) -> None:
    """A message the log can keep: JSON-serialisable fields and valid Unicode text."""
    json_text(_lc().message_to_dict(message), "chat history message")


def _unique(messages: list[BaseMessage]) -> list[BaseMessage]:
    seen: dict[str, BaseMessage] = {}
    for message in messages:
        seen.setdefault(str(message.id), message)
    return list(seen.values())


#: Structural fields of a message dict that are never redacted (ids must stay stable).
_KEEP_KEYS = frozenset({"id", "type", "name", "tool_call_id", "index", "role"})


def _redact_value(value: Any, keep: bool = True) -> Any:
    """``value`` with secrets replaced; ``keep`` spares the structural keys (not in args)."""
    if isinstance(value, str):
        # Imported here: recall reads the log without loading the redaction tables.
        from langmem_extract.redact import redact_secrets

        return redact_secrets(value)[0]
    if isinstance(value, list):
        return [_redact_value(v, keep) for v in value]
    if isinstance(value, dict):
        return {
            k: v
            if keep and k in _KEEP_KEYS and isinstance(v, str)
            else _redact_value(v, keep and k != "args")
            for k, v in value.items()
        }
    return value


def redacted_message(message: BaseMessage) -> BaseMessage:
    """A copy of ``message`` with every secret in its text and tool-call arguments replaced.

    The message itself is not changed; the id, type, name and tool-call ids are kept.
    """
    lc = _lc()
    data = lc.message_to_dict(message)
    clean = _redact_value(data["data"])
    if clean == data["data"]:
        return message
    return lc.messages_from_dict([{"type": data["type"], "data": clean}])[0]


def _fresh(session_id: Any, messages: Sequence[BaseMessage]) -> tuple[str, list[BaseMessage]]:
    """The checked session id and the messages with ids, first copy of each id only."""
    return check_session_id(session_id), _unique(ensure_message_ids(messages))


class MessageLog(ABC):
    """Ordered, append-only message log per session."""

    @abstractmethod
    def append(self, session_id: str, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        """Persist messages not already stored; returns the ones actually added."""

    @abstractmethod
    def load(self, session_id: str, *, last: int | None = None) -> list[BaseMessage]:
        """All messages of a session in order, or only the ``last`` ones."""

    @abstractmethod
    def clear(self, session_id: str) -> None:
        """Delete every message of the session."""

    def load_turns(self, session_id: str) -> Sequence[Any]:
        """The session's messages in order, for recall's index: objects with a message's
        ``id``, ``name``, ``additional_kwargs`` and ``text`` (here the messages)."""
        return self.load(session_id)

    async def aappend(self, session_id: str, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        return await asyncio.to_thread(self.append, session_id, messages)

    async def aload(self, session_id: str, *, last: int | None = None) -> list[BaseMessage]:
        return await asyncio.to_thread(self.load, session_id, last=last)

    async def aclear(self, session_id: str) -> None:
        await asyncio.to_thread(self.clear, session_id)


class TableMessageLog(MessageLog):
    """Messages in the ``lme_messages`` table of the store's own database."""

    def __init__(self, store: MessageTable, *, redact: bool = True) -> None:
        self.store = store
        self.redact = redact

    def append(self, session_id: str, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        session_id, fresh = _fresh(session_id, messages)
        if not fresh:
            return []
        rows = _rows(fresh, self.redact)
        added = set(self.store.append_messages(session_id, rows))
        _notify_rows(self.store, session_id, rows, added)
        return [m for m in fresh if str(m.id) in added]

    def load(self, session_id: str, *, last: int | None = None) -> list[BaseMessage]:
        payloads = self.store.load_messages(check_session_id(session_id), last=last)
        return _lc().messages_from_dict(payloads)

    def load_turns(self, session_id: str) -> Sequence[Any]:
        """The table's own turns (``LoggedTurn``: its text column and the payload's
        fields, no message objects) when the store reads them (``DuckDBEngine``)."""
        if getattr(type(self.store), "load_turns", None) is None:
            return self.load(session_id)
        return self.store.load_turns(check_session_id(session_id))  # type: ignore[attr-defined]

    def clear(self, session_id: str) -> None:
        self.store.clear_messages(check_session_id(session_id))
        drop_turn_vectors(self.store, session_id)  # type: ignore[arg-type]
        notify(self.store, Change(session=session_id, cleared=True))

    async def aappend(self, session_id: str, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        session_id, fresh = _fresh(session_id, messages)
        if not fresh:
            return []
        rows = _rows(fresh, self.redact)
        added = set(await self.store.aappend_messages(session_id, rows))
        _notify_rows(self.store, session_id, rows, added)
        return [m for m in fresh if str(m.id) in added]

    async def aload(self, session_id: str, *, last: int | None = None) -> list[BaseMessage]:
        payloads = await self.store.aload_messages(check_session_id(session_id), last=last)
        return _lc().messages_from_dict(payloads)

    async def aclear(self, session_id: str) -> None:
        await self.store.aclear_messages(check_session_id(session_id))
        await asyncio.to_thread(drop_turn_vectors, self.store, session_id)  # type: ignore[arg-type]
        notify(self.store, Change(session=session_id, cleared=True))


def _notify_rows(store: Any, session_id: str, rows: Sequence[MessageRow], added: set[str]) -> None:
    """Tell write listeners which messages reached the session, as stored."""
    payloads = [json.loads(r.payload) for r in rows if r.message_id in added]
    stored = _lc().messages_from_dict(payloads)
    notify(store, Change(session=session_id, messages=stored))


def _rows(messages: Sequence[BaseMessage], redact: bool) -> list[MessageRow]:
    stored = [redacted_message(m) if redact else m for m in messages]
    to_dict = _lc().message_to_dict
    return [
        MessageRow(
            message_id=str(m.id),
            seq=next_seq(),
            role=m.type,
            content=str(m.text),
            payload=json.dumps(to_dict(m)),
        )
        for m in stored
    ]


class ItemsMessageLog(MessageLog):
    """Messages as items under ``(*prefix, session_id)`` in any LangGraph store."""

    def __init__(
        self,
        store: BaseStore,
        *,
        prefix: Sequence[str] = MESSAGE_LOG_NAMESPACE,
        redact: bool = True,
    ) -> None:
        self.store = store
        self.prefix = tuple(prefix)
        self.redact = redact

    def _namespace(self, session_id: str) -> tuple[str, ...]:
        return validate_namespace((*self.prefix, check_session_id(session_id)))

    def append(self, session_id: str, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        namespace = self._namespace(session_id)
        fresh = _unique(ensure_message_ids(messages))
        if not fresh:
            return []
        from langgraph.store.base import GetOp, PutOp  # a LangGraph store's own items

        existing = self.store.batch([GetOp(namespace, str(m.id)) for m in fresh])
        new = [m for m, item in zip(fresh, existing, strict=True) if item is None]
        stored = [redacted_message(m) if self.redact else m for m in new]
        to_dict = _lc().message_to_dict
        ops = [
            PutOp(namespace, str(m.id), {"seq": next_seq(), "message": to_dict(m)}, False)
            for m in stored
        ]
        if ops:
            self.store.batch(ops)
            notify(self.store, Change(session=session_id, messages=stored))
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
        return _lc().messages_from_dict([message for _, message in rows])

    def clear(self, session_id: str) -> None:
        namespace = self._namespace(session_id)
        while True:
            page = self.store.search(namespace, limit=_PAGE)
            keys = [(tuple(i.namespace), i.key) for i in page]
            if not keys:
                drop_turn_vectors(self.store, session_id)
                notify(self.store, Change(session=session_id, cleared=True))
                return
            from langgraph.store.base import PutOp  # a LangGraph store's own items

            self.store.batch([PutOp(ns, key, None) for ns, key in keys])


def message_log_for(
    store: BaseStore, *, prefix: Sequence[str] = MESSAGE_LOG_NAMESPACE, redact: bool = True
) -> MessageLog:
    """The store's own message table when it has one, else store items under ``prefix``.

    ``redact=False`` keeps secrets in the stored messages (see the module docstring).
    """
    if isinstance(store, MessageTable):
        return TableMessageLog(store, redact=redact)
    return ItemsMessageLog(guarded(store), prefix=prefix, redact=redact)
