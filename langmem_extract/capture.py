"""Capture: run the memory graph on a conversation's new messages, one run at a time.

The engine behind :class:`~langmem_extract.integrations.chat_history.MemoryChatHistory`
and the agent hooks (:mod:`~langmem_extract.integrations.agent`). A
:class:`CaptureRunner` sends a batch of new messages, with the ``context_window``
messages before them as context, through the memory graph; only the new messages can
be cited as evidence, so context never produces duplicate memories or memories pointing
at older turns. Messages are read by :mod:`~langmem_extract.messages` leniently: tool
traffic, empty turns and non-text blocks are left out, and a message longer than the
graph's ``max_message_chars`` is cut for extraction (the message log keeps it whole).

Captures run inline or on a debounced background :class:`CaptureLane`. There is one
lane per ``(store, session)`` in the process, shared by every object capturing that
session, so a new object per request (as ``RunnableWithMessageHistory`` makes) still
never runs two captures at once for one conversation. A turn arriving inside the
debounce window replaces the pending run; the replacement covers every turn not yet
captured.

Nothing pending is lost silently: closing the store (``close()``, leaving its ``with``
block) first flushes that store's lanes through a store close hook
(:mod:`langmem_extract.store.close_hooks`), and interpreter exit flushes every lane,
each with a bounded wait. A capture that still cannot be written goes to ``on_error``,
to one log line, and into the :class:`CloseReport` that ``close()`` and
:func:`flush_captures` return.
"""

from __future__ import annotations

import atexit
import contextvars
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from langchain_core.messages import BaseMessage
from langgraph.store.base import BaseStore

from langmem_extract.errors import InvalidInputError
from langmem_extract.extractors.base import ExtractContext, Extractor, ExtractorOutput
from langmem_extract.graph.state import (
    GraphOptions,
    extraction_type_names,
    validate_max_memories,
    validate_metadata,
)
from langmem_extract.messages import content_text, message_role
from langmem_extract.schema import ChatMessage, ExtractionResult
from langmem_extract.store.close_hooks import (
    DEFAULT_CLOSE_TIMEOUT,
    CloseFailure,
    CloseReport,
    register_close_hook,
)

logger = logging.getLogger(__name__)

CaptureMode = Literal["sync", "background"]
#: ``on_error(exception, messages)``: called when a capture fails.
ErrorCallback = Callable[[BaseException, list[BaseMessage]], Any]

#: Config key carrying the ids a capture run may cite as evidence.
CAPTURE_IDS_KEY = "langmem_capture_message_ids"
DEFAULT_CONTEXT_WINDOW = 6
DEFAULT_DEBOUNCE_SECONDS = 2.0
#: Roles capture sends to the graph; tool results are not the user's words.
_CAPTURED_ROLES = frozenset({"user", "assistant", "system"})
_ATEXIT_FLUSH_SECONDS = 10.0
# Message ids a lane remembers as captured, so a replayed turn is not captured twice.
_SEEN_LIMIT = 10_000
# Failed background runs a lane keeps for its next flush report.
_FAILURES_KEPT = 100


class _FocusedExtractor:
    """Runs the real extractor on context + new messages, keeps evidence from new ones.

    The ids a run may cite arrive in ``config["configurable"][CAPTURE_IDS_KEY]``; without
    them the extractor is passed through unchanged.
    """

    def __init__(self, inner: Extractor) -> None:
        self.inner = inner

    @staticmethod
    def _targets(context: ExtractContext) -> set[str] | None:
        ids = ((context.config or {}).get("configurable") or {}).get(CAPTURE_IDS_KEY)
        return set(ids) if ids is not None else None

    @staticmethod
    def _focus(output: ExtractorOutput, targets: set[str] | None) -> ExtractorOutput:
        if targets is None:
            return output
        kept = []
        for cand in output.candidates:
            cited = [i for i in cand.source_message_ids if i in targets]
            if cited:
                cand.source_message_ids = cited
                kept.append(cand)
        return replace(output, candidates=kept)

    def extract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        return self._focus(self.inner.extract(messages, context=context), self._targets(context))

    async def aextract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        output = await self.inner.aextract(messages, context=context)
        return self._focus(output, self._targets(context))


def _default_extractor() -> Extractor:
    from langmem_extract.extractors.rules import RuleExtractor

    return RuleExtractor()


@dataclass
class GraphFactory:
    """Builds the compiled memory graph once, around a focused extractor.

    ``options`` are ``build_memory_graph`` options; they are checked here, and
    :attr:`limits` gives capture the message bounds the graph will enforce.
    """

    store: BaseStore
    extractor: Extractor | None = None
    embeddings: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    limits: GraphOptions = field(init=False)
    _graph: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.limits = GraphOptions.from_kwargs(self.options)

    def graph(self) -> Any:
        with self._lock:
            if self._graph is None:
                from langmem_extract.graph.builder import build_memory_graph

                self._graph = build_memory_graph(
                    self.store,
                    extractor=_FocusedExtractor(self.extractor or _default_extractor()),
                    embeddings=self.embeddings,
                    **self.options,
                )
            return self._graph


def check_capture_options(mode: Any, context_window: Any, debounce_seconds: float) -> None:
    """Validate the capture options shared by the chat history and the agent hook."""
    if mode not in ("sync", "background"):
        raise InvalidInputError(f"mode must be 'sync' or 'background', got {mode!r}")
    # bool is an int subclass; a window of True messages is a mistake.
    if isinstance(context_window, bool) or not isinstance(context_window, int):
        raise InvalidInputError("context_window must be an integer >= 0")
    if context_window < 0 or debounce_seconds < 0:
        raise InvalidInputError("context_window and debounce_seconds must be >= 0")


def capture_request(
    namespace: tuple[str, ...],
    *,
    max_memories: int | None = None,
    extraction_types: Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    **ids: str | None,
) -> dict[str, Any]:
    """The graph input fields shared by every capture of one conversation."""
    request: dict[str, Any] = {
        "namespace": namespace,
        "max_memories": None if max_memories is None else validate_max_memories(max_memories),
        "extraction_types": extraction_type_names(extraction_types),
        "metadata": validate_metadata(metadata) or None,
        "via": "capture",
        **ids,
    }
    return {k: v for k, v in request.items() if v is not None}


def _as_capture_input(messages: Sequence[BaseMessage], max_chars: int) -> list[dict[str, Any]]:
    """Text messages the graph accepts; tool traffic and empty turns are left out."""
    out = []
    for m in messages:
        role = message_role(m)
        text = content_text(m.content, strict=False)
        if role not in _CAPTURED_ROLES or not text.strip():
            continue
        out.append(
            {
                "role": role,
                # Long replies are cut for extraction only; the message log keeps them whole.
                "content": text[:max_chars],
                "id": m.id,
                "name": m.name,
            }
        )
    return out


@dataclass
class CaptureRunner:
    """Capture settings for one conversation, applied to a batch of new messages."""

    graphs: GraphFactory
    request: dict[str, Any]
    #: ``load_recent(n)``: the conversation's last ``n`` messages (all when None).
    load_recent: Callable[[int | None], list[BaseMessage]]
    label: str
    context_window: int
    on_error: ErrorCallback | None

    def __call__(self, batch: list[BaseMessage]) -> list[ExtractionResult]:
        return self.run(batch)[0]

    def run(self, batch: list[BaseMessage]) -> tuple[list[ExtractionResult], Exception | None]:
        """Capture ``batch``; a failure is logged, sent to ``on_error`` and returned."""
        try:
            return self._capture(batch), None
        except Exception as exc:
            logger.exception(
                "memory capture failed for %r (%d messages); the message log is intact",
                self.label,
                len(batch),
            )
            if self.on_error is not None:
                try:
                    self.on_error(exc, list(batch))
                except Exception:
                    logger.exception("on_error callback raised")
            return [], exc

    def report_lost(self, exc: BaseException, batch: list[BaseMessage]) -> None:
        """Tell ``on_error`` about a batch that will not be captured (not run at all)."""
        if self.on_error is not None:
            try:
                self.on_error(exc, list(batch))
            except Exception:
                logger.exception("on_error callback raised")

    def _context(self, batch: list[BaseMessage]) -> list[BaseMessage]:
        """The ``context_window`` messages just before the batch's first message."""
        if self.context_window == 0 or not batch:
            return []
        first = str(batch[0].id)
        # Later turns may already follow the batch; fall back to the whole message log.
        for last in (self.context_window + len(batch) + 8, None):
            recent = self.load_recent(last)
            for index, message in enumerate(recent):
                if str(message.id) == first:
                    return recent[max(0, index - self.context_window) : index]
        return []

    def _capture(self, batch: list[BaseMessage]) -> list[ExtractionResult]:
        limits = self.graphs.limits
        context = _as_capture_input(self._context(batch), limits.max_message_chars)
        new = _as_capture_input(batch, limits.max_message_chars)
        results = []
        # Keep each request under the graph's per-request message bound.
        step = max(1, limits.max_messages - len(context))
        for start in range(0, len(new), step):
            chunk = new[start : start + step]
            if not any(m["role"] == "user" for m in chunk):
                continue
            results.append(self._run_graph(context + chunk, [m["id"] for m in chunk]))
        return results

    def _run_graph(self, messages: list[dict[str, Any]], cite: list[str]) -> ExtractionResult:
        state = {**self.request, "messages": messages}
        config = {"configurable": {CAPTURE_IDS_KEY: cite}}
        # A fresh context: inside an agent node the capture must not run as a subgraph
        # of the agent (it would inherit its checkpointer and thread).
        out = contextvars.Context().run(self.graphs.graph().invoke, state, config)
        return out["result"]


# -- capture lanes: at most one capture in flight per (store, session) -------------------


class CaptureLane:
    """Serialises captures for one conversation and debounces background ones."""

    def __init__(self, key: tuple[int, str]) -> None:
        self.key = key
        self._cond = threading.Condition()
        self._pending: list[BaseMessage] = []
        self._runner: CaptureRunner | None = None
        self._deadline = 0.0
        self._thread: threading.Thread | None = None
        self._running = False
        self._inflight = 0  # messages in the run now in progress
        self._run_lock = threading.Lock()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._runs = 0  # background runs finished
        self._failed = 0  # background runs that failed
        self._failures: list[CloseFailure] = []  # the latest of them

    def _claim(self, batch: list[BaseMessage]) -> list[BaseMessage]:
        """The messages of ``batch`` this lane has not captured yet; marks them taken."""
        fresh = []
        for message in batch:
            key = str(message.id)
            if key not in self._seen:
                self._seen[key] = None
                fresh.append(message)
        while len(self._seen) > _SEEN_LIMIT:
            self._seen.popitem(last=False)
        return fresh

    def run_now(self, runner: CaptureRunner, batch: list[BaseMessage]) -> None:
        with self._cond:
            batch = self._claim(batch)
        if batch:
            with self._run_lock:
                runner(batch)

    def submit(self, runner: CaptureRunner, batch: list[BaseMessage], debounce: float) -> None:
        with self._cond:
            batch = self._claim(batch)
            if not batch:
                return
            # Appending (not replacing) is what makes the replacement run cover every
            # turn not yet captured.
            self._pending.extend(batch)
            self._runner = runner
            self._deadline = time.monotonic() + debounce
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name=f"langmem-capture-{self.key[1]}", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def pending_count(self) -> int:
        with self._cond:
            return len(self._pending)

    def flush(self, timeout: float | None = None) -> bool:
        end = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._deadline = 0.0
            self._cond.notify_all()
            while self._pending or self._running:
                remaining = None if end is None else end - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
                self._deadline = 0.0
        return True

    def _loop(self) -> None:
        while True:
            with self._cond:
                while True:
                    if not self._pending:
                        self._thread = None
                        self._cond.notify_all()
                        return
                    wait = self._deadline - time.monotonic()
                    if wait <= 0:
                        break
                    self._cond.wait(wait)
                batch, self._pending = self._pending, []
                runner = self._runner
                self._running = True
                self._inflight = len(batch)
            error: BaseException | None = None
            try:
                if runner is not None:
                    with self._run_lock:
                        error = runner.run(batch)[1]
            except BaseException as exc:  # run() catches Exception; record the rest too
                error = exc
                raise
            finally:
                with self._cond:
                    self._running = False
                    self._inflight = 0
                    self._runs += 1
                    if error is not None:
                        self._failed += 1
                        self._failures.append(
                            CloseFailure("capture", self.key[1], error, len(batch))
                        )
                        del self._failures[:-_FAILURES_KEPT]
                    self._cond.notify_all()

    def flush_report(self, timeout: float | None = None) -> CloseReport:
        """Flush like :meth:`flush`, and report what landed and what did not.

        Runs that fail are reported with their exception (the runner has already sent
        them to ``on_error`` and the log). When ``timeout`` expires, the messages still
        waiting are taken off the lane and reported with a ``TimeoutError`` (and sent to
        ``on_error``); a run still in progress is reported the same way and, if it then
        fails, goes to ``on_error`` itself.
        """
        with self._cond:
            runs, failed = self._runs, self._failed
        done = self.flush(timeout)
        report = CloseReport()
        lost: list[BaseMessage] = []
        lost_error = TimeoutError(f"capture did not start within {timeout}s; not captured")
        with self._cond:
            new = self._failed - failed
            report.failures.extend(
                self._failures[max(0, len(self._failures) - new) :] if new else []
            )
            report.flushed = self._runs - runs - new
            runner = self._runner
            if not done:
                lost, self._pending = self._pending, []
                if lost:
                    report.failures.append(
                        CloseFailure("capture", self.key[1], lost_error, len(lost))
                    )
                if self._inflight:
                    still = TimeoutError(f"capture still running after {timeout}s")
                    report.failures.append(
                        CloseFailure("capture", self.key[1], still, self._inflight)
                    )
        if lost and runner is not None:
            runner.report_lost(lost_error, lost)
        return report


_lanes: weakref.WeakValueDictionary[tuple[int, str], CaptureLane] = weakref.WeakValueDictionary()
_all_lanes: weakref.WeakSet[CaptureLane] = weakref.WeakSet()
_lanes_lock = threading.Lock()


def lane_for(store: BaseStore, session_id: str) -> CaptureLane:
    """The process's one capture lane for ``session_id`` on ``store``."""
    key = (id(store), session_id)
    with _lanes_lock:
        lane = _lanes.get(key)
        if lane is None:
            lane = CaptureLane(key)
            _lanes[key] = lane
            _all_lanes.add(lane)
        return lane


def flush_captures(
    store: BaseStore | None = None, timeout: float | None = DEFAULT_CLOSE_TIMEOUT
) -> CloseReport:
    """Run every pending background capture (of ``store``, or of all stores) now.

    Waits at most ``timeout`` seconds in all. Returns a :class:`CloseReport`: how many
    captures landed and each one that did not (also sent to its ``on_error``, and
    summed up in one log line).
    """
    with _lanes_lock:
        lanes = [lane for lane in _all_lanes if store is None or lane.key[0] == id(store)]
    end = None if timeout is None else time.monotonic() + timeout
    report = CloseReport()
    for lane in lanes:
        remaining = None if end is None else max(0.0, end - time.monotonic())
        report.merge(lane.flush_report(remaining))
    if report.failures:
        logger.error(
            "%d pending memory capture(s) were not written: %s",
            len(report.failures),
            "; ".join(
                f"session {f.label!r} ({f.count} messages): {type(f.error).__name__}: {f.error}"
                for f in report.failures
            ),
        )
    return report


def _flush_on_close(store: BaseStore, timeout: float | None) -> CloseReport:
    """The store close hook: flush ``store``'s lanes, then forget them (a later object
    may reuse the closed store's ``id``)."""
    report = flush_captures(store, timeout)
    with _lanes_lock:
        for key in [k for k in list(_lanes.keys()) if k[0] == id(store)]:
            _lanes.pop(key, None)
        for lane in [lane for lane in list(_all_lanes) if lane.key[0] == id(store)]:
            _all_lanes.discard(lane)
    return report


register_close_hook(_flush_on_close)


def flush_all(timeout: float | None = None) -> bool:
    """Flush every capture lane in the process; False if ``timeout`` expired first."""
    with _lanes_lock:
        lanes = list(_all_lanes)
    end = None if timeout is None else time.monotonic() + timeout
    ok = True
    for lane in lanes:
        remaining = None if end is None else max(0.0, end - time.monotonic())
        ok = lane.flush(remaining) and ok
    return ok


@atexit.register
def _flush_at_exit() -> None:
    # Background lanes are daemon threads; give pending turns a bounded chance to land.
    # What still cannot land is reported (on_error and one log line), never dropped silently.
    flush_captures(None, _ATEXIT_FLUSH_SECONDS)
