"""Scope by default: two users with conflicting facts, through every entry point, on every
backend. Neither user's memories change, and neither user's recall sees the other's.

The rule under test is :func:`langmem_extract.namespaces.scoped_namespace`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract import (
    MemoryChatHistory,
    MemoryRetriever,
    ScopeError,
    aextract_memories,
    build_memory_graph,
    create_memory_tools,
    extract_memories,
)
from langmem_extract.errors import InvalidNamespaceError
from langmem_extract.integrations.agent import MemoryCapture, MemoryMiddleware, MemoryRecall
from langmem_extract.memories import list_memories
from langmem_extract.namespaces import default_namespace, scoped_namespace
from langmem_extract.recall import recall_memories
from langmem_extract.schema import MEMORY_INDEX_FIELDS, Memory
from tests.backends import make_store
from tests.conftest import HashEmbeddings

#: Each user's two turns: the same attributes (location, diet) with different values.
FACTS = {
    "alice": ["I live in Rome.", "I'm vegetarian."],
    "carol": ["I live in Madrid.", "My diet is omnivore."],
}
EXPECTED = {
    "alice": {("location", "Rome"), ("diet", "vegetarian")},
    "carol": {("location", "Madrid"), ("diet", "omnivore")},
}
OTHER_WORDS = {"alice": ("Madrid", "omnivore"), "carol": ("Rome", "vegetarian")}


@pytest.fixture(params=["duckdb", "postgres", "inmemory"])
def store(request: pytest.FixtureRequest) -> Iterator[BaseStore]:
    if request.param == "inmemory":
        index = {"dims": 64, "embed": HashEmbeddings(), "fields": MEMORY_INDEX_FIELDS}
        yield InMemoryStore(index=index)
        return
    with make_store(request.param, HashEmbeddings(), dims=64) as made:
        yield made


def _turns(user: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text} for text in FACTS[user]]


def _chat(user: str) -> list[Any]:
    out: list[Any] = []
    for i, text in enumerate(FACTS[user]):
        out += [HumanMessage(text, id=f"{user}-h{i}"), AIMessage("Noted.", id=f"{user}-a{i}")]
    return out


# --------------------------------------------------------------------------- writers


def _w_extract(store: BaseStore, user: str) -> None:
    for turn in _turns(user):  # one call per turn: the second must not cross users
        extract_memories([turn], store=store, user_id=user)


def _w_aextract(store: BaseStore, user: str) -> None:
    for turn in _turns(user):
        asyncio.run(aextract_memories([turn], store=store, user_id=user))


def _w_graph(store: BaseStore, user: str) -> None:
    graph = build_memory_graph(store)
    for turn in _turns(user):
        graph.invoke({"messages": [turn], "user_id": user})


def _w_chat_history(store: BaseStore, user: str) -> None:
    history = MemoryChatHistory(store, f"session-{user}", user_id=user)
    chat = _chat(user)
    for i in range(0, len(chat), 2):
        history.add_messages(chat[i : i + 2])


def _w_capture(store: BaseStore, user: str) -> None:
    capture = MemoryCapture()
    chat = _chat(user)
    config = {"configurable": {"user_id": user, "thread_id": f"t-{user}"}}
    for i in range(2, len(chat) + 1, 2):
        assert capture.capture(chat[:i], store=store, config=config)


def _w_middleware(store: BaseStore, user: str) -> None:
    middleware = MemoryMiddleware(store)
    chat = _chat(user)
    for i in range(2, len(chat) + 1, 2):
        middleware.capture_step.capture(chat[:i], store=store, context={"user_id": user})


def _w_tools(store: BaseStore, user: str) -> None:
    remember = {t.name: t for t in create_memory_tools(store)}["remember"]
    config = {"configurable": {"user_id": user}}
    for attribute, value in sorted(EXPECTED[user]):
        content = f"User's {attribute} is {value}."
        remember.invoke({"content": content, "attribute": attribute, "value": value}, config=config)


WRITERS: dict[str, Callable[[BaseStore, str], None]] = {
    "extract_memories": _w_extract,
    "aextract_memories": _w_aextract,
    "graph_input": _w_graph,
    "MemoryChatHistory": _w_chat_history,
    "MemoryCapture": _w_capture,
    "MemoryMiddleware": _w_middleware,
    "tools": _w_tools,
}


# --------------------------------------------------------------------------- readers


def _r_retriever(store: BaseStore, user: str) -> list[str]:
    return [d.page_content for d in MemoryRetriever(store=store, user_id=user, k=10).invoke("x")]


def _r_retriever_config(store: BaseStore, user: str) -> list[str]:
    docs = MemoryRetriever(store=store, k=10).invoke(
        "where do I live", config={"configurable": {"user_id": user}}
    )
    return [d.page_content for d in docs]


def _r_recall(store: BaseStore, user: str) -> list[str]:
    hits = recall_memories(store, "what do I eat", default_namespace(user), k=10)
    return [h.memory.content for h in hits]


def _r_list(store: BaseStore, user: str) -> list[str]:
    return [m.content for m in list_memories(store, default_namespace(user))]


def _r_tools(store: BaseStore, user: str) -> list[str]:
    search = {t.name: t for t in create_memory_tools(store, score_threshold=None)}["search_memory"]
    found = search.invoke({"query": "where do I live", "limit": 10}, config=_cfg(user))
    return [m["content"] for m in json.loads(found)]


def _r_hook(store: BaseStore, user: str) -> list[str]:
    docs = MemoryRecall(k=10, score_threshold=None).recall(
        [HumanMessage("diet?")], store=store, config=_cfg(user)
    )
    return [d.page_content for d in docs]


def _r_middleware(store: BaseStore, user: str) -> list[str]:
    recall = MemoryMiddleware(store, k=10, retriever_options={"score_threshold": None}).recall_step
    docs = recall.recall([HumanMessage("where?")], store=store, context={"user_id": user})
    return [d.page_content for d in docs]


def _cfg(user: str) -> dict[str, Any]:
    return {"configurable": {"user_id": user}}


READERS = [_r_retriever, _r_retriever_config, _r_recall, _r_list, _r_tools, _r_hook,
           _r_middleware]  # fmt: skip


def _stored(store: BaseStore, namespace: tuple[str, ...]) -> list[Memory]:
    return [Memory.from_item(i) for i in store.search(namespace, limit=100)]


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_two_users_with_conflicting_facts_stay_apart(store: BaseStore, writer: str) -> None:
    for user in ("alice", "carol"):
        WRITERS[writer](store, user)
    for user in ("alice", "carol"):
        mine = _stored(store, ("memories", user))
        # Nothing superseded, merged into or written for the other user.
        assert {(m.attribute, m.value) for m in mine} == EXPECTED[user], writer
        assert all(m.status == "active" and m.superseded_by is None for m in mine)
        assert all(m.user_id == user for m in mine)
        assert all(h.user_id == user and h.via for m in mine for h in m.history)
        for read in READERS:
            texts = " ".join(read(store, user))
            assert texts, (writer, read.__name__)
            for word in OTHER_WORDS[user]:
                assert word not in texts, (writer, read.__name__, user)
    # No scoped write leaked into the unscoped default, and it reads as empty.
    assert _stored(store, ("memories", "_shared")) == []
    assert MemoryRetriever(store=store, k=10).invoke("where do I live") == []


def test_unscoped_writes_never_touch_scoped_users(store: BaseStore) -> None:
    extract_memories([{"role": "user", "content": "I live in Rome."}], store=store, user_id="alice")
    shared = extract_memories([{"role": "user", "content": "I live in Madrid."}], store=store)
    assert shared.namespace == ["memories", "_shared"] and shared.superseded == 0
    [alice] = _stored(store, ("memories", "alice"))
    assert alice.value == "Rome" and alice.status == "active"
    unscoped = [h.memory.content for h in recall_memories(store, "where does the user live")]
    assert unscoped == ["User lives in Madrid."]
    assert [m.content for m in list_memories(store, default_namespace())] == unscoped


def test_agent_scope_and_explicit_namespace(store: BaseStore) -> None:
    turn = [{"role": "user", "content": "I live in Rome."}]
    by_agent = extract_memories(turn, store=store, agent_id="bot")
    assert by_agent.namespace == ["memories", "_agent", "bot"]
    # An explicit namespace wins; the ids are recorded on the memory and its history.
    fixed = extract_memories(turn, store=store, namespace=("team",), user_id="alice")
    assert fixed.namespace == ["team"]
    [memory] = _stored(store, ("team",))
    assert memory.user_id == "alice" and memory.history[0].user_id == "alice"
    assert memory.history[0].via == "api"
    # A template is filled from the ids.
    filled = extract_memories(turn, store=store, namespace=("org", "{user_id}"), user_id="carol")
    assert filled.namespace == ["org", "carol"]
    assert _stored(store, ("memories", "alice")) == []


def test_the_scope_rule() -> None:
    assert default_namespace() == ("memories", "_shared")
    assert default_namespace("alice", "bot") == ("memories", "alice")
    assert default_namespace(agent_id="bot") == ("memories", "_agent", "bot")
    assert scoped_namespace(None, {"configurable": {"user_id": "u"}}) == ("memories", "u")
    assert scoped_namespace(("x",), None, user_id="u") == ("x",)
    assert scoped_namespace(("x", "{agent_id}"), None, agent_id="b") == ("x", "b")
    # Ids that could collide with the reserved labels, or that no label may hold.
    for bad in ("_shared", "_agent", "a.b", "", " ", "a\x00b", 3.5, True):
        with pytest.raises(ScopeError):
            default_namespace(bad)
        with pytest.raises(ScopeError):
            default_namespace(agent_id=bad)
    with pytest.raises(InvalidNamespaceError, match="needs"):
        scoped_namespace(("x", "{user_id}"), None)


def test_graph_rejects_a_reserved_user_id_and_writes_nothing() -> None:
    store = InMemoryStore()
    with pytest.raises(ScopeError):
        extract_memories([{"role": "user", "content": "I live in Rome."}], store=store,
                         user_id="_shared")  # fmt: skip
    assert store.search((), limit=10) == []


def test_a_retriever_never_ignores_a_user_id_it_cannot_apply() -> None:
    store = InMemoryStore()
    with pytest.raises(ScopeError, match="no \\{user_id\\} field"):
        MemoryRetriever(store=store, namespace=("memories", "team"), user_id="alice")
    with pytest.raises(ScopeError, match="no \\{agent_id\\} field"):
        MemoryRetriever(store=store, namespace=("m", "{user_id}"), agent_id="bot")
    with pytest.raises(ScopeError):
        MemoryRetriever(store=store, user_id="_shared")
    fixed = MemoryRetriever(store=store, namespace=("memories", "team"))
    with pytest.raises(ScopeError):
        fixed.invoke("q", user_id="alice")
    templated = MemoryRetriever(store=store, namespace=("m", "{user_id}"), user_id="alice")
    assert templated.invoke("q") == []
