"""What a store with a message table offers: the row it stores and the methods it has.

``DuckDBStore`` and ``PostgresStore`` keep each session's messages in an ``lme_messages``
table created by their migrations; ``langmem_extract.message_log`` turns chat messages
into :class:`MessageRow` values and back, and falls back to store items for any store
that is not a :class:`MessageTable`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol, runtime_checkable


class MessageRow(NamedTuple):
    """One message as the table stores it."""

    message_id: str
    seq: int
    """Ordering within the session (increasing)."""
    role: str
    content: str
    """The message's text, for people reading the table."""
    payload: str
    """The whole message as JSON (``langchain_core.messages.message_to_dict``)."""


class LoggedTurn(NamedTuple):
    """A logged message as recall ranks it, read without LangChain message objects.

    The attributes are those of a ``BaseMessage`` that recall's index reads (``id``,
    ``name``, ``additional_kwargs`` and ``text``), so either serves it."""

    id: str | None
    name: str | None
    text: str
    """The message's text as the table keeps it (``MessageRow.content``)."""
    additional_kwargs: dict[str, Any]

    @classmethod
    def from_row(cls, text: str, payload: str) -> LoggedTurn:
        """From a table row's ``content`` and ``payload`` (``message_to_dict`` JSON)."""
        data = json.loads(payload).get("data") or {}
        return cls(data.get("id"), data.get("name"), text, data.get("additional_kwargs") or {})


@runtime_checkable
class MessageTable(Protocol):
    """A store holding message logs in a table of its own."""

    def append_messages(self, session_id: str, rows: Sequence[MessageRow]) -> list[str]:
        """Insert the rows whose ``message_id`` is new in the session; returns those ids."""
        ...

    def load_messages(self, session_id: str, *, last: int | None = None) -> list[dict[str, Any]]:
        """The session's payloads in ``seq`` order, or only the ``last`` ones."""
        ...

    def clear_messages(self, session_id: str) -> None: ...

    async def aappend_messages(self, session_id: str, rows: Sequence[MessageRow]) -> list[str]: ...

    async def aload_messages(
        self, session_id: str, *, last: int | None = None
    ) -> list[dict[str, Any]]: ...

    async def aclear_messages(self, session_id: str) -> None: ...


class AsyncMessageMethods:
    """The async twins of a :class:`MessageTable`'s methods, each run in a worker thread."""

    def append_messages(self, session_id: str, rows: Sequence[MessageRow]) -> list[str]:
        raise NotImplementedError

    def load_messages(self, session_id: str, *, last: int | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError

    def clear_messages(self, session_id: str) -> None:
        raise NotImplementedError

    async def aappend_messages(self, session_id: str, rows: Sequence[MessageRow]) -> list[str]:
        return await asyncio.to_thread(self.append_messages, session_id, rows)

    async def aload_messages(
        self, session_id: str, *, last: int | None = None
    ) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self.load_messages, session_id, last=last)

    async def aclear_messages(self, session_id: str) -> None:
        await asyncio.to_thread(self.clear_messages, session_id)
