"""Every entry point that takes a namespace refuses a NUL label and the reserved
``langgraph`` root the same way: the one validator in ``langmem_extract.namespaces``,
the same error type and message, before anything is extracted, read or written."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from langgraph.store.base import InvalidNamespaceError as LangGraphInvalidNamespaceError
from langgraph.store.base import PutOp

from langmem_extract import (
    MemoryChatHistory,
    MemoryRetriever,
    aextract_memories,
    build_memory_graph,
    create_memory_tools,
    extract_memories,
)
from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.errors import InvalidNamespaceError
from langmem_extract.extractors.base import ExtractContext, ExtractorOutput
from langmem_extract.namespaces import parse_namespace
from langmem_extract.schema import MEMORY_INDEX_FIELDS, ChatMessage
from langmem_extract.store.duckdb import DuckDBStore

MESSAGES = [{"role": "user", "content": "I live in Lisbon and I love hiking."}]

#: (namespace, the message every entry point gives for it)
BAD = [
    pytest.param(("langgraph", "x"), "root label 'langgraph' is reserved", id="reserved-root"),
    pytest.param(("users", "a\x00b"), "contains a NUL byte", id="nul"),
]


class SpyExtractor:
    """Counts the extractor calls; a rejected namespace must leave it at zero."""

    def __init__(self) -> None:
        self.calls = 0

    def extract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        self.calls += 1
        return ExtractorOutput(candidates=[])

    async def aextract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        return self.extract(messages, context=context)


@pytest.fixture
def store() -> Iterator[DuckDBStore]:
    index = {"dims": 64, "embed": HashingEmbeddings(), "fields": MEMORY_INDEX_FIELDS}
    with DuckDBStore.from_conn_string(":memory:", index=index) as s:
        s.setup()
        yield s


def _empty(store: DuckDBStore) -> bool:
    return store.search((), limit=1) == [] and store.list_namespaces() == []


def _template_config(namespace: tuple[str, ...]) -> dict:
    root, leaf = namespace
    return {"configurable": {"root": root, "user_id": leaf}}


@pytest.mark.parametrize(("namespace", "message"), BAD)
def test_store_put(store: DuckDBStore, namespace: tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidNamespaceError, match=message):
        store.put(namespace, "k", {"content": "v"})
    with pytest.raises(InvalidNamespaceError, match=message):
        store.batch([PutOp(namespace, "k", {"content": "v"})])
    assert _empty(store)


def test_store_search(store: DuckDBStore) -> None:
    with pytest.raises(InvalidNamespaceError, match="contains a NUL byte"):
        store.search(("users", "a\x00b"))
    # Reads may name the reserved root, as LangGraph's BaseStore allows (nothing is there).
    assert store.search(("langgraph", "x")) == []
    assert store.get(("langgraph", "x"), "k") is None


@pytest.mark.parametrize(("namespace", "message"), BAD)
@pytest.mark.parametrize("dry_run", [False, True])
def test_extract_memories(
    store: DuckDBStore, namespace: tuple[str, ...], message: str, dry_run: bool
) -> None:
    spy = SpyExtractor()
    with pytest.raises(InvalidNamespaceError, match=message) as info:
        extract_memories(MESSAGES, store=store, namespace=namespace, dry_run=dry_run, extractor=spy)
    assert isinstance(info.value, LangGraphInvalidNamespaceError)
    assert spy.calls == 0
    assert _empty(store)


@pytest.mark.parametrize(("namespace", "message"), BAD)
@pytest.mark.parametrize("dry_run", [False, True])
async def test_aextract_memories(
    store: DuckDBStore, namespace: tuple[str, ...], message: str, dry_run: bool
) -> None:
    spy = SpyExtractor()
    with pytest.raises(InvalidNamespaceError, match=message):
        await aextract_memories(
            MESSAGES, store=store, namespace=namespace, dry_run=dry_run, extractor=spy
        )
    assert spy.calls == 0
    assert _empty(store)


@pytest.mark.parametrize(("namespace", "message"), BAD)
async def test_graph_input(store: DuckDBStore, namespace: tuple[str, ...], message: str) -> None:
    spy = SpyExtractor()
    graph = build_memory_graph(store, extractor=spy)
    state = {"messages": MESSAGES, "namespace": namespace}
    with pytest.raises(InvalidNamespaceError, match=message):
        graph.invoke(state)
    with pytest.raises(InvalidNamespaceError, match=message):
        graph.invoke({**state, "namespace": list(namespace), "dry_run": True})
    with pytest.raises(InvalidNamespaceError, match=message):
        await graph.ainvoke(state)
    assert spy.calls == 0
    assert _empty(store)


@pytest.mark.parametrize(("namespace", "message"), BAD)
def test_retriever(store: DuckDBStore, namespace: tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidNamespaceError, match=message):
        MemoryRetriever(store=store, namespace=namespace)
    templated = MemoryRetriever(store=store, namespace=("{root}", "{user_id}"))
    with pytest.raises(InvalidNamespaceError, match=message):
        templated.invoke("hiking", config=_template_config(namespace))


@pytest.mark.parametrize(("namespace", "message"), BAD)
def test_tools_template(store: DuckDBStore, namespace: tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidNamespaceError, match=message):
        create_memory_tools(store, namespace=namespace)
    tools = {t.name: t for t in create_memory_tools(store, namespace=("{root}", "{user_id}"))}
    config = _template_config(namespace)
    with pytest.raises(InvalidNamespaceError, match=message):
        tools["remember"].invoke({"content": "User loves hiking"}, config=config)
    with pytest.raises(InvalidNamespaceError, match=message):
        tools["search_memory"].invoke({"query": "hiking"}, config=config)
    assert _empty(store)


@pytest.mark.parametrize(("namespace", "message"), BAD)
def test_chat_history(store: DuckDBStore, namespace: tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidNamespaceError, match=message):
        MemoryChatHistory(store, "s1", namespace=namespace)
    assert _empty(store)


@pytest.mark.parametrize(("namespace", "message"), BAD)
def test_parse_namespace(namespace: tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidNamespaceError, match=message):
        parse_namespace("/".join(namespace))
    with pytest.raises(InvalidNamespaceError, match=message):
        parse_namespace(namespace)
    with pytest.raises(InvalidNamespaceError, match=message):
        parse_namespace(namespace, allow_empty=True)
