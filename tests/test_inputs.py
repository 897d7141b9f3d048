"""Inputs are taken the same way at every entry point: one memory-type parser, "a/b"
namespace text, a path or URL for ``store=``, and typed errors (never pydantic's) from
every public constructor."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langgraph.store.base import BaseStore
from pydantic import ValidationError

from langmem_extract import memories
from langmem_extract.errors import (
    InvalidInputError,
    InvalidMaxMemoriesError,
    InvalidNamespaceError,
    LangmemError,
    UnknownExtractionTypeError,
)
from langmem_extract.graph import state
from langmem_extract.graph.builder import aextract_memories, build_memory_graph, extract_memories
from langmem_extract.integrations.agent import MemoryCapture, MemoryMiddleware, MemoryRecall
from langmem_extract.integrations.chat_history import MemoryChatHistory
from langmem_extract.integrations.retriever import MemoryRetriever
from langmem_extract.integrations.tools import create_memory_tools
from langmem_extract.schema import MemoryType
from langmem_extract.store.duckdb import DuckDBStore
from langmem_extract.store.factory import open_store
from tests.conftest import HashEmbeddings
from tests.integrations.helpers import in_memory_store

CHAT = [{"role": "user", "content": "I love hiking. I work as a nurse. Keep replies short."}]
NS = ("memories", "maya")


def stored_types(store: BaseStore, namespace: tuple[str, ...] = NS) -> list[str]:
    return sorted(i.value["type"] for i in store.search(namespace, limit=50))


# ------------------------------------------------------------------- extraction_types


def test_one_parser_for_memory_types() -> None:
    assert memories.parse_memory_types is state.parse_memory_types
    parse = state.parse_memory_types
    assert parse("preference") == [MemoryType.PREFERENCE]
    assert parse(" Preference , goal,") == [MemoryType.PREFERENCE, MemoryType.GOAL]
    assert parse(["goal", MemoryType.FACT, "goal"]) == [MemoryType.GOAL, MemoryType.FACT]
    assert parse(None) == []
    assert state.validate_extraction_types("preference,goal") == {
        MemoryType.PREFERENCE,
        MemoryType.GOAL,
    }
    for bad, match in [
        ("feelings", "unknown memory type 'feelings'"),
        (5, "a string or a list of strings"),
        (["fact", 3], "must be strings"),
        ([], "empty"),
    ]:
        with pytest.raises(UnknownExtractionTypeError, match=match):
            state.validate_extraction_types(bad)


@pytest.mark.parametrize("types", ["preference", "preference,", ["preference"]])
def test_extract_memories_takes_one_type_as_a_string(types: Any) -> None:
    store = in_memory_store()
    result = extract_memories(CHAT, store=store, namespace=NS, extraction_types=types)
    assert result.stored == 1
    assert stored_types(store) == ["preference"]


def test_comma_separated_types_and_the_graph_input() -> None:
    store = in_memory_store()
    graph = build_memory_graph(store)
    state_out = graph.invoke(
        {"messages": CHAT, "namespace": NS, "extraction_types": "preference, instruction"}
    )
    assert state_out["result"].stored == 2
    assert stored_types(store) == ["instruction", "preference"]


async def test_async_extract_takes_a_string() -> None:
    store = in_memory_store()
    result = await aextract_memories(CHAT, store=store, namespace=NS, extraction_types="fact")
    assert stored_types(store) == ["fact"] and result.stored == 1


def test_chat_history_and_capture_take_a_string() -> None:
    store = in_memory_store()
    history = MemoryChatHistory(store, "s1", user_id="maya", extraction_types="preference")
    history.add_user_message(CHAT[0]["content"])
    history.add_ai_message("Noted.")
    assert stored_types(store) == ["preference"]

    from langchain_core.messages import AIMessage, HumanMessage

    capture = MemoryCapture(store, extraction_types="instruction")
    capture.capture(
        [HumanMessage(CHAT[0]["content"]), AIMessage("ok")],
        config={"configurable": {"user_id": "leo", "thread_id": "t1"}},
    )
    assert stored_types(store, ("memories", "leo")) == ["instruction"]


@pytest.mark.parametrize(
    "make",
    [
        lambda s: MemoryChatHistory(s, "s1", extraction_types="feelings"),
        lambda s: MemoryCapture(s, extraction_types="feelings"),
        lambda s: MemoryMiddleware(s, extraction_types="feelings"),
        lambda s: extract_memories(CHAT, store=s, extraction_types="feelings"),
    ],
)
def test_a_bad_type_is_refused_up_front(make: Callable[[BaseStore], Any]) -> None:
    store = in_memory_store()
    with pytest.raises(UnknownExtractionTypeError, match="'feelings'"):
        make(store)
    assert store.search((), limit=5) == []


# ------------------------------------------------------------------- namespaces as text


def test_namespace_text_in_every_constructor() -> None:
    store = in_memory_store()
    extract_memories(CHAT, store=store, namespace="memories/maya")
    assert len(stored_types(store)) == 3
    config = {"configurable": {"user_id": "maya"}}
    retriever = MemoryRetriever(store=store, namespace="memories/{user_id}", k=1)
    assert retriever.namespace == ("memories", "{user_id}")
    assert len(retriever.invoke("hiking", config=config)) == 1
    assert MemoryRetriever(store=store, namespace="memories/maya").invoke("hiking")
    assert MemoryRecall(store, namespace="memories/{user_id}").template == (
        "memories",
        "{user_id}",
    )
    assert MemoryCapture(store, namespace="memories.{user_id}").template == (
        "memories",
        "{user_id}",
    )
    history = MemoryChatHistory(store, "s9", namespace="people/{user_id}", user_id="ana")
    assert history.namespace == ("people", "ana")
    tools = {
        t.name: t for t in create_memory_tools(store, "memories/{user_id}", score_threshold=None)
    }
    assert "hiking" in tools["search_memory"].invoke({"query": "hiking"}, config)


# ------------------------------------------------------------------- store= a path or URL


def _unlocked(path: Path) -> bool:
    """Whether another process can open ``path`` for writing (our handle is closed)."""
    code = f"import duckdb; duckdb.connect({str(path)!r}).close()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_extract_memories_opens_and_closes_a_path(tmp_path: Path) -> None:
    path = tmp_path / "mem.duckdb"
    embeddings = HashEmbeddings()
    result = extract_memories(CHAT, store=str(path), namespace=NS, embeddings=embeddings)
    assert result.stored == 3
    assert _unlocked(path)
    again = extract_memories(CHAT, store=path, namespace=NS, embeddings=embeddings)
    assert again.stored == 0 and again.deduplicated == 3  # the same file, read back
    with open_store(path, embeddings=embeddings) as store:
        assert len(stored_types(store)) == 3


async def test_async_extract_memories_takes_a_url(tmp_path: Path) -> None:
    path = tmp_path / "mem.duckdb"
    result = await aextract_memories(
        CHAT, store=f"duckdb://{path}", namespace=NS, embeddings=HashEmbeddings()
    )
    assert result.stored == 3 and _unlocked(path)


def test_extract_memories_takes_memory_url() -> None:
    result = extract_memories(CHAT, store=":memory:", embeddings=HashEmbeddings())
    assert result.stored == 3


def test_bad_input_opens_no_file(tmp_path: Path) -> None:
    path = tmp_path / "mem.duckdb"
    with pytest.raises(UnknownExtractionTypeError):
        extract_memories(CHAT, store=path, extraction_types="feelings")
    with pytest.raises(InvalidNamespaceError):
        extract_memories(CHAT, store=path, namespace="langgraph/x")
    assert not path.exists()
    with pytest.raises(InvalidInputError, match="BaseStore"):
        extract_memories(CHAT, store=42)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="scheme"):
        extract_memories(CHAT, store="mysql://db/x")


# ------------------------------------------------------------------- typed constructor errors

STORE = in_memory_store()

BAD_CONSTRUCTIONS: list[tuple[str, Callable[[], Any], type[LangmemError], str]] = [
    ("retriever namespace", lambda: MemoryRetriever(store=STORE, namespace=5), InvalidInputError, "namespace"),
    ("retriever store", lambda: MemoryRetriever(store="mem.duckdb"), InvalidInputError, "BaseStore"),
    ("retriever k", lambda: MemoryRetriever(store=STORE, k="3"), InvalidInputError, "k"),
    ("retriever weights", lambda: MemoryRetriever(store=STORE, weights="0.5"), InvalidInputError, "weights"),
    ("retriever min_confidence", lambda: MemoryRetriever(store=STORE, min_confidence="high"), InvalidInputError, "min_confidence"),
    ("retriever since", lambda: MemoryRetriever(store=STORE, since="yesterday"), InvalidInputError, "since"),
    ("retriever time_field", lambda: MemoryRetriever(store=STORE, time_field="when"), InvalidInputError, "time_field"),
    ("retriever types", lambda: MemoryRetriever(store=STORE, types=5), UnknownExtractionTypeError, "list of strings"),
    ("history store", lambda: MemoryChatHistory("mem.duckdb", "s1"), InvalidInputError, "BaseStore"),
    ("history namespace", lambda: MemoryChatHistory(STORE, "s1", namespace="a//b"), InvalidNamespaceError, "empty label"),
    ("history max_memories", lambda: MemoryChatHistory(STORE, "s1", max_memories="5"), InvalidMaxMemoriesError, "max_memories"),
    ("recall weights", lambda: MemoryRecall(weights=5), InvalidInputError, "weights"),
    ("recall namespace", lambda: MemoryRecall(namespace=7), InvalidNamespaceError, "namespace"),
    ("capture namespace", lambda: MemoryCapture(namespace="langgraph/x"), InvalidNamespaceError, "reserved"),
    ("capture max_memories", lambda: MemoryCapture(STORE, max_memories=0), InvalidMaxMemoriesError, "max_memories"),
    ("middleware k", lambda: MemoryMiddleware(k="x"), InvalidInputError, "k"),
    ("middleware namespace", lambda: MemoryMiddleware(namespace=("memories", "")), InvalidNamespaceError, "empty"),
    ("tools store", lambda: create_memory_tools("mem.duckdb"), InvalidInputError, "BaseStore"),
    ("tools namespace", lambda: create_memory_tools(STORE, namespace=""), InvalidNamespaceError, "empty"),
    ("llm model", lambda: _llm(model="gpt-4o"), InvalidInputError, "model_name="),
    ("llm retries", lambda: _llm(max_retries=-1), InvalidInputError, "max_retries"),
    ("llm timeout", lambda: _llm(timeout="slow"), InvalidInputError, "timeout"),
    ("rules words", lambda: _rules(min_generic_words="4"), InvalidInputError, "min_generic_words"),
    ("rules clauses", lambda: _rules(max_fallback_clauses=0), InvalidInputError, "max_fallback_clauses"),
    ("open_store target", lambda: open_store(5), InvalidInputError, "file path"),
    ("open_store scheme", lambda: open_store("mysql://x"), InvalidInputError, "scheme"),
    ("duckdb conn", lambda: DuckDBStore("mem.duckdb"), InvalidInputError, "DuckDB connection"),
    ("duckdb open", lambda: DuckDBStore.open(5), InvalidInputError, "file path"),
    ("duckdb dims", lambda: DuckDBStore.open(":memory:", index={"dims": "384", "embed": HashEmbeddings()}), InvalidInputError, "dims"),
]  # fmt: skip


def _llm(**kwargs: Any) -> Any:
    from langmem_extract.extractors.llm import LLMExtractor

    return LLMExtractor(**kwargs)


def _rules(**kwargs: Any) -> Any:
    from langmem_extract.extractors.rules import RuleExtractor

    return RuleExtractor(**kwargs)


@pytest.mark.parametrize(
    ("make", "error", "fragment"),
    [case[1:] for case in BAD_CONSTRUCTIONS],
    ids=[case[0] for case in BAD_CONSTRUCTIONS],
)
def test_constructors_raise_typed_errors(
    make: Callable[[], Any], error: type[LangmemError], fragment: str
) -> None:
    with pytest.raises(error, match=fragment) as info:
        make()
    assert isinstance(info.value, InvalidInputError)
    assert not isinstance(info.value, ValidationError)
    assert "pydantic" not in str(info.value)


# ------------------------------------------------------------------- one string for a list


def test_one_index_field_as_a_string() -> None:
    embed = HashEmbeddings()
    with DuckDBStore.open(":memory:", index={"dims": 64, "embed": embed, "fields": "content"}) as s:
        s.setup()
        s.put(NS, "m1", {"content": "Maya is vegetarian", "other": "jazz"})
        [hit] = s.search(NS, query="vegetarian")
        assert hit.score is not None  # indexed on "content", not on the letters c, o, n, ...
    with pytest.raises(InvalidInputError, match="index fields"):
        DuckDBStore.open(":memory:", index={"dims": 64, "embed": embed, "fields": [1]})
    with (
        pytest.raises(InvalidInputError, match="index must be"),
        DuckDBStore.open(":memory:", index={"dims": 64, "embed": embed}) as s,
    ):
        s.put(NS, "m1", {"content": "x"}, index="content")  # type: ignore[arg-type]


def test_messages_and_candidates_refuse_a_bare_string() -> None:
    store = in_memory_store()
    with pytest.raises(InvalidInputError, match="got a str"):
        extract_memories("I love hiking.", store=store)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="list"):
        extract_memories(candidates="User loves hiking.", store=store)  # type: ignore[arg-type]
    assert store.search((), limit=5) == []
