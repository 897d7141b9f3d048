"""``MemoryChatHistory``: a chat history that also captures long-term memories.

The messages live in a message log next to the memories (a ``lme_messages`` table in a
DuckDB store, store items elsewhere, see :mod:`~langmem_extract.message_log`). After
each ``add_messages`` the capture engine (:mod:`~langmem_extract.capture`) runs the
memory graph on the new messages, with the previous ``context_window`` messages as
context, inline (``mode="sync"``) or on the session's debounced background lane
(``mode="background"``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from langchain_core.chat_history import BaseChatMessageHistory
from langchain_core.messages import BaseMessage
from langgraph.store.base import BaseStore

from langmem_extract.capture import (
    DEFAULT_CONTEXT_WINDOW,
    DEFAULT_DEBOUNCE_SECONDS,
    CaptureMode,
    CaptureRunner,
    ErrorCallback,
    GraphFactory,
    capture_request,
    check_capture_options,
    flush_all,
    lane_for,
)
from langmem_extract.errors import InvalidInputError
from langmem_extract.extractors.base import Extractor
from langmem_extract.message_log import (
    MessageLog,
    check_session_id,
    ensure_message_ids,
    message_log_for,
)
from langmem_extract.namespaces import parse_namespace, scoped_namespace

__all__ = ["MemoryChatHistory"]


class MemoryChatHistory(BaseChatMessageHistory):
    """Chat history persisted in a store, with automatic memory capture.

    Args:
        store: Any LangGraph ``BaseStore`` holding memories (a ``DuckDBStore`` also
            keeps the message log in its own database file).
        session_id: The conversation; also the capture lane key and default thread id.
        namespace: Memory namespace, may use ``{user_id}``, ``{session_id}``,
            ``{thread_id}``, ``{agent_id}``. Default: the scope of ``user_id`` /
            ``agent_id`` (:func:`~langmem_extract.namespaces.scoped_namespace`):
            ``("memories", user_id)``, else ``("memories", "_agent", agent_id)``, else
            ``("memories", "_shared")``.
        mode: ``"sync"`` captures inside ``add_messages``; ``"background"`` captures on
            a debounced lane (call :meth:`flush` / :meth:`aflush` to wait).
        debounce_seconds: Quiet time before a background capture starts.
        context_window: Earlier messages passed as context; never cited as evidence.
        on_error: Called with ``(exception, messages)`` when a capture fails. Failures
            are also logged; the message log is written before capture and never touched.
        capture: ``False`` keeps only the message log.
        message_log: Where messages are kept; default :func:`message_log_for` the store.
        redact_transcript: Default ``True``: each secret in a message is stored in the
            message log as a typed ``[REDACTED:<kind>]`` marker. ``False`` keeps raw
            messages (memories are redacted either way). Ignored with ``message_log``.
        extractor / embeddings / graph_options: passed to ``build_memory_graph``; the
            graph options' ``max_message_chars`` and ``max_messages`` also bound capture
            (a longer message is cut for extraction, the message log keeps it whole).
        max_memories / extraction_types / metadata: passed with each capture request.
    """

    def __init__(
        self,
        store: BaseStore,
        session_id: str,
        *,
        namespace: Sequence[str] | None = None,
        user_id: str | None = None,
        agent_id: str | None = None,
        thread_id: str | None = None,
        mode: CaptureMode = "sync",
        debounce_seconds: float = DEFAULT_DEBOUNCE_SECONDS,
        context_window: int = DEFAULT_CONTEXT_WINDOW,
        on_error: ErrorCallback | None = None,
        capture: bool = True,
        message_log: MessageLog | None = None,
        redact_transcript: bool = True,
        extractor: Extractor | None = None,
        embeddings: Any = None,
        max_memories: int | None = None,
        extraction_types: Sequence[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **graph_options: Any,
    ) -> None:
        if not isinstance(store, BaseStore):
            raise InvalidInputError(
                f"store must be a LangGraph BaseStore, got {type(store).__name__}; "
                "open a path or URL with open_store(...)"
            )
        self.store = store
        self.session_id = check_session_id(session_id)
        self.user_id = user_id
        self.agent_id = agent_id
        self.thread_id = thread_id or session_id
        check_capture_options(mode, context_window, debounce_seconds)
        self.mode = mode
        self.debounce_seconds = float(debounce_seconds)
        self.context_window = context_window
        self.on_error = on_error
        self.capture = capture
        self.message_log = message_log or message_log_for(store, redact=redact_transcript)
        if isinstance(namespace, str):  # "memories/{user_id}" text form
            namespace = parse_namespace(namespace)
        self.namespace = scoped_namespace(
            namespace,
            None,
            user_id=user_id,
            session_id=session_id,
            thread_id=self.thread_id,
            agent_id=agent_id,
        )
        self._graphs = GraphFactory(
            store=store, extractor=extractor, embeddings=embeddings, options=graph_options
        )
        self._request = capture_request(
            self.namespace,
            max_memories=max_memories,
            extraction_types=extraction_types,
            metadata=metadata,
            user_id=user_id,
            agent_id=agent_id,
            session_id=session_id,
            thread_id=self.thread_id,
        )
        if capture:
            self._graphs.graph()  # fail fast on bad graph options, not on the first turn
        self._lane = lane_for(store, self.session_id)

    # -- BaseChatMessageHistory --

    @property
    def messages(self) -> list[BaseMessage]:  # type: ignore[override]
        return self.message_log.load(self.session_id)

    async def aget_messages(self) -> list[BaseMessage]:
        return await self.message_log.aload(self.session_id)

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Persist ``messages`` (assigning missing ids), then capture memories from them."""
        added = self.message_log.append(self.session_id, ensure_message_ids(list(messages)))
        if not self.capture or not added:
            return
        if self.mode == "sync":
            self._lane.run_now(self._runner(), added)
        else:
            self._lane.submit(self._runner(), added, self.debounce_seconds)

    async def aadd_messages(self, messages: Sequence[BaseMessage]) -> None:
        await asyncio.to_thread(self.add_messages, messages)

    def clear(self) -> None:
        """Delete the session's messages. Memories already captured stay."""
        self.message_log.clear(self.session_id)

    async def aclear(self) -> None:
        await self.message_log.aclear(self.session_id)

    # -- capture control --

    def flush(self, timeout: float | None = None) -> bool:
        """Run pending background capture now and wait; False if ``timeout`` expired."""
        return self._lane.flush(timeout)

    async def aflush(self, timeout: float | None = None) -> bool:
        return await asyncio.to_thread(self._lane.flush, timeout)

    @property
    def pending(self) -> int:
        """Messages waiting for background capture."""
        return self._lane.pending_count()

    @staticmethod
    def flush_all(timeout: float | None = None) -> bool:
        """Flush every capture lane in the process."""
        return flush_all(timeout)

    # -- internals --

    def _runner(self) -> CaptureRunner:
        session_id, message_log = self.session_id, self.message_log
        return CaptureRunner(
            graphs=self._graphs,
            request=self._request,
            load_recent=lambda last: message_log.load(session_id, last=last),
            label=session_id,
            context_window=self.context_window,
            on_error=self.on_error,
        )
