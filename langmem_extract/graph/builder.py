"""Build the memory graph and the one-call conveniences ``extract_memories`` /
``aextract_memories``.

Which store the graph writes to, in order:

1. the ``store`` passed to :func:`build_memory_graph`;
2. else the store of the enclosing LangGraph runtime (the graph runs as a subgraph of,
   or is invoked inside, a graph compiled with ``store=``);
3. else a private in-memory DuckDBStore created on first use with the default embedder
   (or ``embeddings``), kept for the life of the compiled graph.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore

from langmem_extract.errors import InvalidInputError
from langmem_extract.extractors.base import Extractor
from langmem_extract.graph.classify import classify
from langmem_extract.graph.dedup import make_dedup_node
from langmem_extract.graph.extract import make_extract_node
from langmem_extract.graph.persist import make_persist_node
from langmem_extract.graph.score import score
from langmem_extract.graph.state import (
    GraphOptions,
    MemoryGraphInput,
    MemoryGraphState,
    extraction_type_names,
)
from langmem_extract.namespaces import parse_namespace
from langmem_extract.schema import (
    DEFAULT_MAX_MEMORIES,
    Candidate,
    ExtractionResult,
)
from langmem_extract.store_guard import guarded

NODE_NAMES = ("extract", "classify", "dedup", "score", "persist")


def _private_store(embeddings: Embeddings | None) -> BaseStore:
    """An in-memory DuckDBStore indexed on ``content`` with the given (or default) embedder."""
    from langmem_extract.store.factory import open_store

    return open_store(":memory:", embeddings=embeddings)


class _StoreResolver:
    def __init__(self, explicit: BaseStore | None, embeddings: Embeddings | None) -> None:
        self.explicit = explicit
        self.embeddings = embeddings
        self._private: BaseStore | None = None
        self._lock = threading.Lock()

    def __call__(self, runtime_store: BaseStore | None) -> BaseStore:
        if self.explicit is not None:
            return guarded(self.explicit)
        if runtime_store is not None:
            return guarded(runtime_store)
        with self._lock:
            if self._private is None:
                self._private = _private_store(self.embeddings)
            return guarded(self._private)


class _ExtractorSlot:
    """The chosen extractor; the default RuleExtractor is built on first use, so a graph
    that only receives given candidates never compiles its patterns."""

    def __init__(self, extractor: Extractor | None) -> None:
        self._extractor = extractor
        self._lock = threading.Lock()

    def __call__(self) -> Extractor:
        with self._lock:
            if self._extractor is None:
                from langmem_extract.extractors.rules import RuleExtractor

                self._extractor = RuleExtractor()
            return self._extractor


def build_memory_graph(
    store: BaseStore | None = None,
    *,
    extractor: Extractor | None = None,
    embeddings: Embeddings | None = None,
    **options: Any,
) -> CompiledStateGraph:
    """Compile the extract → classify → dedup → score → persist graph.

    Args:
        store: where memories are written; see the module docstring for the fallback.
        extractor: defaults to the offline :class:`~langmem_extract.extractors.rules.RuleExtractor`.
        embeddings: indexes the private store when one is created. Candidates of one
            batch are compared with each other through the store's embedder when it
            reuses vectors (langmem_extract.vector_cache), else through this one (one
            batched call).
        **options: :class:`~langmem_extract.graph.state.GraphOptions` fields, e.g.
            ``similarity_threshold``, ``max_message_chars``, ``semantic_dedup``.

    The final state's ``"result"`` is an :class:`~langmem_extract.schema.ExtractionResult`.
    """
    if store is not None and not isinstance(store, BaseStore):
        raise InvalidInputError(
            f"store must be a LangGraph BaseStore, got {type(store).__name__}; "
            "open a path or URL with open_store(...)"
        )
    opts = GraphOptions.from_kwargs(options)
    resolve = _StoreResolver(store, embeddings)

    graph = StateGraph(MemoryGraphState, input_schema=MemoryGraphInput)
    graph.add_node("extract", make_extract_node(_ExtractorSlot(extractor), opts))
    graph.add_node("classify", classify)
    graph.add_node("dedup", make_dedup_node(resolve, opts, embeddings))
    graph.add_node("score", score)
    graph.add_node("persist", make_persist_node(resolve))
    graph.add_edge(START, "extract")
    for a, b in itertools.pairwise(NODE_NAMES):
        graph.add_edge(a, b)
    graph.add_edge("persist", END)
    return graph.compile(store=store, name="memory_graph")


def _graph_input(
    messages: Sequence[Any],
    candidates: Sequence[Candidate | Mapping[str, Any]] | None,
    namespace: Sequence[str] | None,
    dry_run: bool,
    max_memories: int,
    extraction_types: Sequence[str] | None,
    scope: dict[str, Any],
) -> dict[str, Any]:
    data = {
        # Anything but a list or tuple goes as is, for the graph's validation to name it.
        "messages": list(messages) if isinstance(messages, list | tuple) else messages,
        "namespace": parse_namespace(namespace)
        if isinstance(namespace, str)
        else (tuple(namespace) if namespace is not None else None),
        "dry_run": dry_run,
        "max_memories": max_memories,
        "extraction_types": extraction_type_names(extraction_types),
        **scope,
    }
    if candidates is not None:
        # Anything but a list or tuple goes as is, for the graph's validation to name it.
        data["candidates"] = (
            list(candidates) if isinstance(candidates, list | tuple) else candidates
        )
    return data


StoreArg = BaseStore | str | Path | None


@contextmanager
def _store_for_call(store: StoreArg, options: Mapping[str, Any]) -> Iterator[BaseStore | None]:
    """The store one ``extract_memories`` call writes to: a path or URL is opened with
    ``open_store`` (with the call's ``embeddings``) and closed when the call ends."""
    if not isinstance(store, str | Path):
        yield store  # a BaseStore or None; build_memory_graph checks anything else
        return
    from langmem_extract.store.factory import opened_store

    with opened_store(store, embeddings=options.get("embeddings")) as opened:
        yield opened


def extract_memories(
    messages: Sequence[Any] = (),
    *,
    candidates: Sequence[Candidate | Mapping[str, Any]] | None = None,
    store: StoreArg = None,
    namespace: Sequence[str] | str | None = None,
    dry_run: bool = False,
    max_memories: int = DEFAULT_MAX_MEMORIES,
    extraction_types: Sequence[str] | None = None,
    agent_id: str | None = None,
    user_id: str | None = None,
    session_id: str | None = None,
    thread_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    config: RunnableConfig | None = None,
    via: str = "api",
    **graph_options: Any,
) -> ExtractionResult:
    """Run the memory graph once and return its :class:`ExtractionResult`.

    ``candidates`` are memories you already have (:class:`~langmem_extract.schema.Candidate`
    objects or dicts of their fields): the extractor is skipped, ``messages`` may be
    empty, and they are redacted, classified, deduplicated, scored and persisted like
    extracted ones. A merge reinforces the stored memory only when the candidate cites
    ``source_message_ids`` it does not have yet.

    ``namespace`` defaults to the scope of ``user_id`` / ``agent_id``:
    ``("memories", user_id)``, else ``("memories", "_agent", agent_id)``, else
    ``("memories", "_shared")``; an explicit one wins and may be a template such as
    ``("memories", "{user_id}")`` (:func:`~langmem_extract.namespaces.scoped_namespace`).
    Dedup, merge and supersede only ever compare memories of that one namespace.

    ``graph_options`` go to :func:`build_memory_graph` (``extractor``, ``embeddings``,
    ``similarity_threshold``, …). With ``store=None`` the memories go to a private
    in-memory store that lives only for this call, so pass a store to keep them.
    ``via`` is the write path each history entry records (``"api"``; the CLI passes
    ``"cli"``), next to ``user_id`` / ``agent_id``.
    ``store`` may also be a DuckDB path or a store URL: it is opened with ``open_store``
    for this call and closed afterwards.
    """
    scope = {"agent_id": agent_id, "user_id": user_id, "session_id": session_id,
             "thread_id": thread_id, "metadata": metadata, "via": via}  # fmt: skip
    data = _graph_input(
        messages, candidates, namespace, dry_run, max_memories, extraction_types, scope
    )
    with _store_for_call(store, graph_options) as opened:
        graph = build_memory_graph(opened, **graph_options)
        state = graph.invoke(data, config)
    return state["result"]


async def aextract_memories(
    messages: Sequence[Any] = (),
    *,
    candidates: Sequence[Candidate | Mapping[str, Any]] | None = None,
    store: StoreArg = None,
    namespace: Sequence[str] | str | None = None,
    dry_run: bool = False,
    max_memories: int = DEFAULT_MAX_MEMORIES,
    extraction_types: Sequence[str] | None = None,
    agent_id: str | None = None,
    user_id: str | None = None,
    session_id: str | None = None,
    thread_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    config: RunnableConfig | None = None,
    via: str = "api",
    **graph_options: Any,
) -> ExtractionResult:
    """Async :func:`extract_memories` (the extractor's LLM call does not block the loop)."""
    scope = {"agent_id": agent_id, "user_id": user_id, "session_id": session_id,
             "thread_id": thread_id, "metadata": metadata, "via": via}  # fmt: skip
    data = _graph_input(
        messages, candidates, namespace, dry_run, max_memories, extraction_types, scope
    )
    with _store_for_call(store, graph_options) as opened:
        graph = build_memory_graph(opened, **graph_options)
        state = await graph.ainvoke(data, config)
    return state["result"]
