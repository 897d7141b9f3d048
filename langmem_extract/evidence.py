"""Evidence turns: the messages memories cite, kept (redacted) in the message log.

The memory graph's persist node calls :func:`log_evidence` after each write: every
message a stored, merged or superseding memory cites in ``source_message_ids`` is
appended to the message log (:func:`~langmem_extract.message_log.message_log_for`, which
redacts secrets by default), under the request's ``session_id`` or, for a request without
one, under the namespace's own evidence session (:func:`evidence_session`). Appends are
idempotent by message id, so a message keeps its id and chat history, which logs the
whole session itself, is not duplicated.

The turns are embedded as they are logged (:mod:`langmem_extract.turn_vectors`): dedup
asks :func:`turns_to_log` which turns of the request will be logged without a vector yet
and embeds them in its own batched call; :func:`log_evidence` stores the vectors of those
that reached the log. Dropping turns drops their vectors.

Beside each cited message the message right before it is logged too, as *context*
(:func:`context_ids`): a reply often makes sense only with what it answers ("Yes! Last
week." after "Did you go to the parade?"), and a question's words are often those of the
turn asking it. A context turn is not embedded (dedup embeds cited turns only); recall
reads it into the lexical documents of the memories citing its neighbours and, since no
memory cites it, may return it as an observation. When the memories citing the turn after
it are forgotten, it goes too (:func:`drop_evidence`).

Recall reaches these turns through the memories that cite them: a memory's evidence
session is :func:`memory_session`, so a namespace's turns are found in the sessions of
its memories and nowhere else (the same namespace rule as the memories themselves).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from langmem_extract.changes import Change, notify
from langmem_extract.message_log import message_log_for
from langmem_extract.schema import ChatMessage, Memory
from langmem_extract.turn_vectors import (
    drop_turn_vectors,
    load_turn_vectors,
    save_turn_vectors,
    store_embedder,
    turn_text,
    turns_to_embed,
)

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from langgraph.store.base import BaseStore

__all__ = [
    "context_ids",
    "drop_evidence",
    "embed_turns",
    "evidence_messages",
    "evidence_session",
    "log_evidence",
    "memory_session",
    "turns_to_log",
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
    # Imported here: only logging evidence makes LangChain messages; recall reads the
    # logged turns without them (``message_log``).
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

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


def context_ids(messages: Sequence[ChatMessage], cited: Iterable[str]) -> set[str]:
    """The ids of the messages right before each cited one (a user's or an assistant's
    message with text, not itself cited): the turn a cited reply answers.

    Measured on LoCoMo's conv-26 (docs/benchmarks/recall_hybrid.md, "Context turns"):
    76 % of its turns were cited; with the turn before each cited one logged (and the
    lexical window of ``recall_index.CONTEXT_BEFORE``), hit@5 / hit@10 0.747 / 0.847 →
    0.760 / 0.867. Logging every message of the request instead gave no more (0.760 /
    0.867 with two turns either side, 0.707 / 0.820 with one) and keeps messages no
    memory relates to."""
    wanted = set(cited)
    out: set[str] = set()
    for before, message in pairwise(messages):
        if message.id in wanted and before.id not in wanted and _is_context(before):
            out.add(before.id)
    return out


def _is_context(message: ChatMessage) -> bool:
    return message.role in ("user", "assistant") and bool(message.content.strip())


def evidence_messages(
    messages: Sequence[ChatMessage], cited: Iterable[str], *, context: bool = False
) -> list[BaseMessage]:
    """The ``messages`` whose id is in ``cited`` (with ``context``, and the message right
    before each, :func:`context_ids`), in conversation order."""
    wanted = set(cited)
    if context:
        wanted |= context_ids(messages, wanted)
    return [_as_message(m) for m in messages if m.id in wanted]


def _logged_text(message: ChatMessage) -> str:
    """The text of ``message`` as the log keeps it (redacted), speaker first."""
    from langmem_extract.redact import redact_secrets

    return turn_text(message.name or None, redact_secrets(message.content)[0])


def turns_to_log(store: BaseStore, request: Any, candidates: Sequence[Any]) -> dict[str, str]:
    """The turns of ``request`` (an ``ExtractionRequest``) that ``candidates`` cite and that
    have no vector yet, message id → text.

    Only cited turns: the dense turn ranking reaches a memory through the turns it cites,
    and a turn no memory cites is never ranked densely. Embedding every turn of a chat
    session as well (the assistant's reply included) made a captured chat turn embed 3.45
    texts instead of 1.45 (``benchmarks/capture.py``), and its p50 3.6× a single-text call
    instead of at most 3×, for neighbour context alone."""
    if store_embedder(store) is None:
        return {}
    cited = {sid for cand in candidates for sid in cand.source_message_ids}
    wanted = {
        m.id: _logged_text(m) for m in request.messages if m.id and m.content and m.id in cited
    }
    return turns_to_embed(store, evidence_session(request.namespace, request.session_id), wanted)


def embed_turns(store: BaseStore, turns: dict[str, str]) -> dict[str, list[float]]:
    """Vectors of ``turns`` (message id → text) from the store's embedder, in one call."""
    embeddings = store_embedder(store)
    if embeddings is None or not turns:
        return {}
    texts = list(dict.fromkeys(turns.values()))
    vectors = dict(zip(texts, embeddings.embed_documents(texts), strict=True))
    return {mid: vectors[text] for mid, text in turns.items()}


def log_evidence(
    store: BaseStore,
    namespace: Sequence[str],
    session_id: str | None,
    messages: Sequence[ChatMessage],
    cited: Iterable[str],
    vectors: dict[str, list[float]] | None = None,
) -> int:
    """Append the cited ``messages`` and their context (:func:`context_ids`) to the
    evidence session; returns how many were new.

    ``vectors`` (message id → turn vector) are stored for the turns now in the session:
    the cited ones and, in a chat session, those the chat history logged itself.
    """
    evidence = evidence_messages(messages, cited, context=True)
    session = evidence_session(namespace, session_id)
    log = message_log_for(store)
    added = len(log.append(session, evidence)) if evidence else 0
    if vectors:
        logged = {str(m.id) for m in evidence}
        if session_id is not None and set(vectors) - logged:
            logged |= {str(m.id) for m in log.load(session, last=2 * len(messages) + 1)}
        kept = {mid: vec for mid, vec in vectors.items() if mid in logged}
        if save_turn_vectors(store, session, kept):
            notify(store, Change(session=session, vectors=kept))
    return added


def drop_evidence(
    store: BaseStore, namespace: Sequence[str], message_ids: Iterable[str], others: Iterable[Memory]
) -> int:
    """Remove ``message_ids`` from the namespace's own evidence session, except those
    ``others`` (the memories still live there) cite, and every context turn
    (:func:`context_ids`) no longer right before a turn still cited; returns how many
    were removed.

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
    ids = [str(m.id) for m in messages]
    # Every other message of this session is a context turn: it stays only while the
    # turn logged after it (the one it was logged for) is still cited.
    remaining = [
        m
        for i, m in enumerate(messages)
        if ids[i] in still_cited
        or (ids[i] not in drop and i + 1 < len(ids) and ids[i + 1] in still_cited)
    ]
    drop |= set(ids) - {str(m.id) for m in remaining}
    if len(remaining) == len(messages):
        return 0
    vectors = load_turn_vectors(store, session)
    log.clear(session)  # drops the session's turn vectors too
    if remaining:
        log.append(session, remaining)
        kept = {str(m.id): vectors[str(m.id)] for m in remaining if str(m.id) in vectors}
        if save_turn_vectors(store, session, kept):
            notify(store, Change(session=session, vectors=kept))
    drop_turn_vectors(store, session, drop)
    return len(messages) - len(remaining)
