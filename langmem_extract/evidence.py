"""Evidence turns: the messages memories cite, kept (redacted) in the message log.

The memory graph's persist node calls :func:`log_evidence` after each write: every
message a stored, merged or superseding memory cites in ``source_message_ids`` is
appended to the message log (:func:`~langmem_extract.message_log.message_log_for`, which
redacts secrets by default), under the request's ``session_id`` or, for a request without
one, under the namespace's own evidence session (:func:`evidence_session`). Appends are
idempotent by message id, so a message keeps its id and chat history, which logs the
whole session itself, is not duplicated.

Recall reaches these turns through the memories that cite them: a memory's evidence
session is :func:`memory_session`, so a namespace's turns are found in the sessions of
its memories and nowhere else (the same namespace rule as the memories themselves).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langgraph.store.base import BaseStore

from langmem_extract.message_log import message_log_for
from langmem_extract.schema import ChatMessage, Memory

__all__ = [
    "drop_evidence",
    "evidence_messages",
    "evidence_session",
    "log_evidence",
    "memory_session",
]

#: Prefix of the message-log session that holds a namespace's evidence when the request
#: named no session.
EVIDENCE_SESSION_PREFIX = "evidence:"


def evidence_session(namespace: Sequence[str], session_id: str | None = None) -> str:
    """The message-log session a request's evidence goes to."""
    return session_id or EVIDENCE_SESSION_PREFIX + "/".join(namespace)


def memory_session(memory: Memory) -> str:
    """The message-log session holding the turns ``memory`` cites."""
    return evidence_session(memory.namespace, memory.session_id)


def _as_message(message: ChatMessage) -> BaseMessage:
    extra: dict[str, Any] = {}
    if message.timestamp is not None:
        extra["timestamp"] = message.timestamp.isoformat()
    fields: dict[str, Any] = {
        "content": message.content,
        "id": message.id,
        "name": message.name,
        "additional_kwargs": extra,
    }
    if message.role == "assistant":
        return AIMessage(**fields)
    if message.role == "system":
        return SystemMessage(**fields)
    # A tool result without its call cannot be a ToolMessage; it is logged as text.
    return HumanMessage(**fields)


def evidence_messages(messages: Sequence[ChatMessage], cited: Iterable[str]) -> list[BaseMessage]:
    """The ``messages`` whose id is in ``cited``, in conversation order."""
    wanted = set(cited)
    return [_as_message(m) for m in messages if m.id in wanted]


def log_evidence(
    store: BaseStore,
    namespace: Sequence[str],
    session_id: str | None,
    messages: Sequence[ChatMessage],
    cited: Iterable[str],
) -> int:
    """Append the cited ``messages`` to the evidence session; returns how many were new."""
    evidence = evidence_messages(messages, cited)
    if not evidence:
        return 0
    log = message_log_for(store)
    return len(log.append(evidence_session(namespace, session_id), evidence))


def drop_evidence(
    store: BaseStore, namespace: Sequence[str], message_ids: Iterable[str], others: Iterable[Memory]
) -> int:
    """Remove ``message_ids`` from the namespace's own evidence session, except those
    ``others`` (the memories still live there) cite; returns how many were removed.

    ``forget`` calls this so a forgotten memory's words do not stay in the log the graph
    filled for it. A chat session (a request with a ``session_id``) is the caller's own
    transcript and is left alone. The log has no per-message delete, so the session is
    cleared and the remaining messages appended again, in order, with their ids.
    """
    session = evidence_session(namespace)
    log = message_log_for(store)
    messages = log.load(session)
    still_cited = {sid for memory in others for sid in memory.source_message_ids}
    drop = {str(i) for i in message_ids} - still_cited
    remaining = [m for m in messages if str(m.id) not in drop]
    if len(remaining) == len(messages):
        return 0
    log.clear(session)
    if remaining:
        log.append(session, remaining)
    return len(messages) - len(remaining)
