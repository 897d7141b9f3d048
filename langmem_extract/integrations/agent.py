"""Memory for agents: a recall step before the model and a capture step after it.

* :class:`MemoryRecall` and :class:`MemoryCapture` are LangGraph nodes. Use them in your
  own ``StateGraph`` or with the prebuilt agent::

      agent = create_react_agent(
          model, tools, store=store,
          prompt=MemoryRecall().as_prompt(), post_model_hook=MemoryCapture(),
      )

  ``prompt=`` keeps the recalled memories out of the thread's state;
  ``pre_model_hook=MemoryRecall()`` also works, but the agent then saves the last model
  input (``llm_input_messages``) in each thread's checkpoint.

* :class:`MemoryMiddleware` does the same for ``langchain.agents.create_agent``; it needs
  the optional ``agents`` extra (``pip install "langmem-extract[agents]"``).

Both read the store from the graph runtime unless one is passed, and pick the namespace
by the scope rule of :func:`~langmem_extract.namespaces.scoped_namespace` (default: the
run's ``user_id`` / ``agent_id``; a template is filled) from ``config["configurable"]``,
or for the middleware also from the runtime context.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.documents import Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda
from langgraph.store.base import BaseStore

from langmem_extract.capture import (
    DEFAULT_CONTEXT_WINDOW,
    DEFAULT_DEBOUNCE_SECONDS,
    CaptureLane,
    CaptureMode,
    CaptureRunner,
    ErrorCallback,
    GraphFactory,
    capture_request,
    check_capture_options,
    lane_for,
)
from langmem_extract.errors import InvalidInputError
from langmem_extract.graph.state import extraction_type_names, validate_max_memories
from langmem_extract.integrations.retriever import MemoryRetriever
from langmem_extract.message_log import ensure_message_ids
from langmem_extract.namespaces import (
    parse_namespace,
    scoped_namespace,
    template_fields,
    validate_namespace,
)
from langmem_extract.recall import DEFAULT_RELEVANCE_FLOOR

if TYPE_CHECKING:
    from langmem_extract.extractors.base import Extractor

#: ``None``: the run's ``user_id`` / ``agent_id`` scope the namespace (namespaces.py).
DEFAULT_AGENT_NAMESPACE: tuple[str, ...] | None = None
MEMORY_HEADER = "Relevant long-term memories about the user (use them when helpful):"
_DEFAULT_LANE = "default"


def format_memories(docs: Sequence[Document], header: str = MEMORY_HEADER) -> str:
    """The text block a recall step gives the model; empty when nothing was recalled."""
    if not docs:
        return ""
    lines = [f"- {d.page_content} ({d.metadata.get('type', 'memory')})" for d in docs]
    return "\n".join([header, *lines])


def last_user_text(messages: Sequence[BaseMessage]) -> str | None:
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            text = str(message.text).strip()
            if text:
                return text
    return None


def with_memories(messages: Sequence[BaseMessage], note: str) -> list[BaseMessage]:
    """``messages`` with ``note`` merged into the leading system message (or added first)."""
    if not note:
        return list(messages)
    if messages and isinstance(messages[0], SystemMessage):
        first = messages[0]
        merged = SystemMessage(f"{first.text}\n\n{note}", id=first.id)
        return [merged, *messages[1:]]
    return [SystemMessage(note), *messages]


def _state_messages(state: Any) -> list[BaseMessage]:
    if isinstance(state, Mapping):
        messages = state.get("messages")
    else:
        messages = getattr(state, "messages", None)
    if messages is None:
        raise InvalidInputError("the graph state has no 'messages'")
    return list(messages)


def _runtime_store(explicit: BaseStore | None) -> BaseStore:
    if explicit is not None:
        return explicit
    from langgraph.config import get_store

    try:
        store = get_store()
    except RuntimeError:
        store = None
    if store is None:
        raise InvalidInputError(
            "no memory store: pass store=... or compile the graph / agent with store=..."
        )
    return store


def _values_from(context: Any, names: Sequence[str]) -> dict[str, Any]:
    """Template values from a runtime context (a mapping, dataclass or pydantic model)."""
    if context is None:
        return {}
    if isinstance(context, Mapping):
        return {n: context[n] for n in names if context.get(n) is not None}
    return {n: getattr(context, n) for n in names if getattr(context, n, None) is not None}


class _Namespaced:
    """A namespace template checked once, filled per run."""

    def __init__(self, namespace: Sequence[str] | str | None) -> None:
        if namespace is None:  # scoped by the run's user_id / agent_id
            self.fields: list[str] = ["user_id", "agent_id"]
            self.template: tuple[str, ...] | None = None
            return
        if isinstance(namespace, str):  # "memories/{user_id}" text form
            namespace = parse_namespace(namespace)
        self.fields = template_fields(namespace)
        self.template = tuple(namespace)
        if not self.fields:
            validate_namespace(self.template)

    def resolve(self, config: RunnableConfig | None, context: Any = None) -> tuple[str, ...]:
        return scoped_namespace(self.template, config, **_values_from(context, self.fields))


class MemoryRecall(_Namespaced):
    """Recall step: finds memories relevant to the last user message for the model.

    As a node it returns ``{output_key: ...}``. With the default
    ``output_key="llm_input_messages"`` (the prebuilt agent's pre-model-hook contract)
    that is the conversation with the memories in a system message; any other key gets
    the formatted memory text, for your own prompt. A node's output is graph state: with
    a checkpointer the thread keeps it (``llm_input_messages`` holds the last model input,
    memories included). :meth:`as_prompt` gives the prebuilt agent the same input and
    keeps nothing.

    Only memories whose calibrated relevance reaches ``score_threshold`` (default
    :data:`~langmem_extract.recall.DEFAULT_RELEVANCE_FLOOR`) are given to the model, so a
    request that needs no memory ("convert 5 miles to km") gets none; ``None`` turns the
    floor off.
    """

    def __init__(
        self,
        store: BaseStore | None = None,
        *,
        namespace: Sequence[str] | None = DEFAULT_AGENT_NAMESPACE,
        k: int = 5,
        output_key: str = "llm_input_messages",
        header: str = MEMORY_HEADER,
        score_threshold: float | None = DEFAULT_RELEVANCE_FLOOR,
        **retriever_options: Any,
    ) -> None:
        super().__init__(namespace)
        self.store = store
        self.output_key = output_key
        self.header = header
        # Validates k and the filters now rather than on the first turn.
        self._options = {"k": k, "score_threshold": score_threshold, **retriever_options}
        self._retriever_for(store or _placeholder_store(), ("memories",))

    def _retriever_for(self, store: BaseStore, namespace: tuple[str, ...]) -> MemoryRetriever:
        return MemoryRetriever(store=store, namespace=namespace, **self._options)

    def recall(
        self,
        messages: Sequence[BaseMessage],
        *,
        store: BaseStore | None = None,
        config: RunnableConfig | None = None,
        context: Any = None,
    ) -> list[Document]:
        query = last_user_text(messages)
        if query is None:
            return []
        namespace = self.resolve(config, context)
        retriever = self._retriever_for(_runtime_store(store or self.store), namespace)
        return retriever.invoke(query)

    async def arecall(
        self,
        messages: Sequence[BaseMessage],
        *,
        store: BaseStore | None = None,
        config: RunnableConfig | None = None,
        context: Any = None,
    ) -> list[Document]:
        query = last_user_text(messages)
        if query is None:
            return []
        namespace = self.resolve(config, context)
        retriever = self._retriever_for(_runtime_store(store or self.store), namespace)
        return await retriever.ainvoke(query)

    def _output(self, messages: list[BaseMessage], docs: list[Document]) -> dict[str, Any]:
        note = format_memories(docs, self.header)
        if self.output_key == "llm_input_messages":
            return {"llm_input_messages": with_memories(messages, note)}
        return {self.output_key: note}

    def __call__(self, state: Any, config: RunnableConfig) -> dict[str, Any]:
        messages = _state_messages(state)
        return self._output(messages, self.recall(messages, config=config))

    def as_prompt(self, system_prompt: str | None = None) -> Runnable[Any, list[BaseMessage]]:
        """A ``prompt=`` for ``create_react_agent``: each model call gets
        ``system_prompt`` (if any) and the recalled memories in one leading system
        message, then the conversation. It runs inside the model call, so nothing it
        adds is written to the graph state or the thread's checkpoint."""

        def model_input(state: Any, config: RunnableConfig) -> list[BaseMessage]:
            messages = _state_messages(state)
            if system_prompt:
                messages = with_memories(messages, system_prompt)
            return with_memories(
                messages, format_memories(self.recall(messages, config=config), self.header)
            )

        async def amodel_input(state: Any, config: RunnableConfig) -> list[BaseMessage]:
            messages = _state_messages(state)
            if system_prompt:
                messages = with_memories(messages, system_prompt)
            docs = await self.arecall(messages, config=config)
            return with_memories(messages, format_memories(docs, self.header))

        return RunnableLambda(model_input, afunc=amodel_input, name="memory_prompt")


class MemoryCapture(_Namespaced):
    """Capture step: runs the memory graph on the finished turn.

    A turn is finished when the last message is an AI reply without tool calls; the turn
    is everything from the last user message on, and up to ``context_window`` earlier
    messages go along as context (never cited). ``mode="background"`` debounces captures
    per thread (``config["configurable"]["thread_id"]``); :meth:`flush` waits for them.
    Capture errors are logged and passed to ``on_error``; they never fail the agent.
    """

    def __init__(
        self,
        store: BaseStore | None = None,
        *,
        namespace: Sequence[str] | None = DEFAULT_AGENT_NAMESPACE,
        mode: CaptureMode = "sync",
        debounce_seconds: float = DEFAULT_DEBOUNCE_SECONDS,
        context_window: int = DEFAULT_CONTEXT_WINDOW,
        on_error: ErrorCallback | None = None,
        extractor: Extractor | None = None,
        embeddings: Any = None,
        max_memories: int | None = None,
        extraction_types: Sequence[str] | None = None,
        **graph_options: Any,
    ) -> None:
        super().__init__(namespace)
        check_capture_options(mode, context_window, debounce_seconds)
        self.store = store
        self.mode = mode
        self.debounce_seconds = float(debounce_seconds)
        self.context_window = context_window
        self.on_error = on_error
        self._extractor = extractor
        self._embeddings = embeddings
        self._graph_options = graph_options
        self._request_options = {
            "max_memories": None if max_memories is None else validate_max_memories(max_memories),
            "extraction_types": extraction_type_names(extraction_types),
        }
        self._factories: dict[int, GraphFactory] = {}
        # Weak: a lane with work in flight is kept alive by its own thread.
        self._lanes: weakref.WeakValueDictionary[tuple[int, str], CaptureLane] = (
            weakref.WeakValueDictionary()
        )
        self._lock = threading.Lock()
        # Fail fast on bad graph options.
        if store is not None:
            self._factory(store).graph()

    def _factory(self, store: BaseStore) -> GraphFactory:
        with self._lock:
            factory = self._factories.get(id(store))
            if factory is None:
                factory = GraphFactory(
                    store=store,
                    extractor=self._extractor,
                    embeddings=self._embeddings,
                    options=self._graph_options,
                )
                self._factories[id(store)] = factory
            return factory

    def _lane(self, store: BaseStore, thread: str) -> CaptureLane:
        lane = lane_for(store, thread)
        with self._lock:
            self._lanes[lane.key] = lane
        return lane

    def capture(
        self,
        messages: Sequence[BaseMessage],
        *,
        store: BaseStore | None = None,
        config: RunnableConfig | None = None,
        context: Any = None,
    ) -> bool:
        """Capture the finished turn at the end of ``messages``; False if none is."""
        turn, earlier = split_turn(messages)
        if not turn:
            return False
        store = _runtime_store(store or self.store)
        namespace = self.resolve(config, context)
        configurable = dict((config or {}).get("configurable") or {})
        configurable.update(_values_from(context, ("user_id", "agent_id", "thread_id")))
        thread = str(configurable.get("thread_id") or _DEFAULT_LANE)
        snapshot = ensure_message_ids([*earlier, *turn])
        runner = CaptureRunner(
            graphs=self._factory(store),
            request=capture_request(
                namespace,
                **self._request_options,
                user_id=_str_or_none(configurable.get("user_id")),
                agent_id=_str_or_none(configurable.get("agent_id")),
                thread_id=_str_or_none(configurable.get("thread_id")),
            ),
            load_recent=lambda last: snapshot if last is None else snapshot[-last:],
            label=thread,
            context_window=self.context_window,
            on_error=self.on_error,
        )
        lane = self._lane(store, thread)
        if self.mode == "sync":
            lane.run_now(runner, turn)
        else:
            lane.submit(runner, turn, self.debounce_seconds)
        return True

    async def acapture(
        self,
        messages: Sequence[BaseMessage],
        *,
        store: BaseStore | None = None,
        config: RunnableConfig | None = None,
        context: Any = None,
    ) -> bool:
        store = _runtime_store(store or self.store)  # resolved here: it is context-bound
        return await asyncio.to_thread(
            self.capture, messages, store=store, config=config, context=context
        )

    def flush(self, timeout: float | None = None) -> bool:
        """Wait for background captures started by this step."""
        with self._lock:
            lanes = list(self._lanes.values())
        return all([lane.flush(timeout) for lane in lanes])

    async def aflush(self, timeout: float | None = None) -> bool:
        return await asyncio.to_thread(self.flush, timeout)

    def __call__(self, state: Any, config: RunnableConfig) -> dict[str, Any]:
        self.capture(_state_messages(state), config=config)
        return {}


def split_turn(
    messages: Sequence[BaseMessage],
) -> tuple[list[BaseMessage], list[BaseMessage]]:
    """``(turn, earlier)``: the finished last turn and what precedes it, or ``([], [])``."""
    if not messages:
        return [], []
    last = messages[-1]
    if not isinstance(last, AIMessage) or last.tool_calls:
        return [], []
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return list(messages[index:]), list(messages[:index])
    return [], []


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _placeholder_store() -> BaseStore:
    from langgraph.store.memory import InMemoryStore

    return InMemoryStore()


# -- langchain.agents.create_agent middleware (optional extra) -------------------------

try:
    from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
except ImportError:  # pragma: no cover - exercised only without the "agents" extra
    _MIDDLEWARE_IMPORT_ERROR: ImportError | None = ImportError(
        'MemoryMiddleware needs the "agents" extra: pip install "langmem-extract[agents]"'
    )

    class MemoryMiddleware:  # type: ignore[no-redef]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise _MIDDLEWARE_IMPORT_ERROR  # type: ignore[misc]

else:
    _MIDDLEWARE_IMPORT_ERROR = None

    class MemoryMiddleware(AgentMiddleware):  # type: ignore[no-redef]
        """``create_agent`` middleware: recall before each model call, capture at the end.

        Recalled memories are added to the system message of the model request only;
        the agent state is not changed. As for :class:`MemoryRecall`, only memories that
        clear the relevance floor are added (``retriever_options={"score_threshold": x}``
        changes it, ``None`` turns it off). Capture runs once per agent invocation, after
        the final reply. The store comes from ``create_agent(store=...)`` unless given.
        """

        def __init__(
            self,
            store: BaseStore | None = None,
            *,
            namespace: Sequence[str] | None = DEFAULT_AGENT_NAMESPACE,
            k: int = 5,
            recall: bool = True,
            capture: bool = True,
            mode: CaptureMode = "sync",
            debounce_seconds: float = DEFAULT_DEBOUNCE_SECONDS,
            context_window: int = DEFAULT_CONTEXT_WINDOW,
            on_error: ErrorCallback | None = None,
            extractor: Extractor | None = None,
            embeddings: Any = None,
            header: str = MEMORY_HEADER,
            retriever_options: Mapping[str, Any] | None = None,
            **graph_options: Any,
        ) -> None:
            super().__init__()
            self.store = store
            self.recall_step = (
                MemoryRecall(
                    store, namespace=namespace, k=k, header=header, **(retriever_options or {})
                )
                if recall
                else None
            )
            self.capture_step = (
                MemoryCapture(
                    store,
                    namespace=namespace,
                    mode=mode,
                    debounce_seconds=debounce_seconds,
                    context_window=context_window,
                    on_error=on_error,
                    extractor=extractor,
                    embeddings=embeddings,
                    **graph_options,
                )
                if capture
                else None
            )

        def _store(self, runtime: Any) -> BaseStore:
            return _runtime_store(self.store or getattr(runtime, "store", None))

        def _request_with_memories(self, request: ModelRequest, docs: list[Document]) -> Any:
            note = format_memories(docs, self.recall_step.header if self.recall_step else "")
            if not note:
                return request
            base = request.system_message
            text = f"{base.text}\n\n{note}" if base is not None else note
            return request.override(system_message=SystemMessage(text))

        def wrap_model_call(
            self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]
        ) -> Any:
            if self.recall_step is None:
                return handler(request)
            docs = self.recall_step.recall(
                request.messages,
                store=self._store(request.runtime),
                config=_current_config(),
                context=getattr(request.runtime, "context", None),
            )
            return handler(self._request_with_memories(request, docs))

        async def awrap_model_call(
            self,
            request: ModelRequest,
            handler: Callable[[ModelRequest], Awaitable[ModelResponse]],
        ) -> Any:
            if self.recall_step is None:
                return await handler(request)
            docs = await self.recall_step.arecall(
                request.messages,
                store=self._store(request.runtime),
                config=_current_config(),
                context=getattr(request.runtime, "context", None),
            )
            return await handler(self._request_with_memories(request, docs))

        def after_agent(self, state: Any, runtime: Any) -> dict[str, Any] | None:
            if self.capture_step is not None:
                self.capture_step.capture(
                    _state_messages(state),
                    store=self._store(runtime),
                    config=_current_config(),
                    context=getattr(runtime, "context", None),
                )
            return None

        async def aafter_agent(self, state: Any, runtime: Any) -> dict[str, Any] | None:
            if self.capture_step is not None:
                await self.capture_step.acapture(
                    _state_messages(state),
                    store=self._store(runtime),
                    config=_current_config(),
                    context=getattr(runtime, "context", None),
                )
            return None

        def flush(self, timeout: float | None = None) -> bool:
            return self.capture_step.flush(timeout) if self.capture_step else True

        async def aflush(self, timeout: float | None = None) -> bool:
            return await asyncio.to_thread(self.flush, timeout)


def _current_config() -> RunnableConfig | None:
    from langgraph.config import get_config

    try:
        return get_config()
    except RuntimeError:
        return None
