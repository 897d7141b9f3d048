from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.store.base import BaseStore

from langmem_extract import create_memory_tools
from langmem_extract.errors import InvalidInputError, InvalidNamespaceError
from langmem_extract.integrations.agent import (
    MemoryCapture,
    MemoryMiddleware,
    MemoryRecall,
    format_memories,
    split_turn,
    with_memories,
)
from langmem_extract.schema import Memory
from tests.integrations.fakes import ScriptedChatModel
from tests.integrations.helpers import in_memory_store, put_memory
from tests.integrations.test_chat_history import CountingExtractor

# These tests use token-hash embeddings, which are not semantic ("Dinner ideas?" shares no
# word with "User is vegetarian."), so the relevance floor is off here; the floor has its
# own tests with E5 in tests/integrations/test_relevance.py.
NO_FLOOR: dict[str, Any] = {"score_threshold": None}


def memories(store: BaseStore, namespace: tuple[str, ...]) -> list[Memory]:
    return [Memory.from_item(i) for i in store.search(namespace, limit=100)]


def cfg(thread: str, user: str = "u1") -> dict[str, Any]:
    return {"configurable": {"thread_id": thread, "user_id": user}}


@pytest.fixture
def store() -> BaseStore:
    return in_memory_store()


class State(MessagesState):
    memories: str


def own_graph(store: BaseStore, model: ScriptedChatModel, capture: MemoryCapture) -> Any:
    def call_model(state: State) -> dict[str, Any]:
        system = SystemMessage(f"You are a cook.\n{state.get('memories', '')}")
        return {"messages": [model.invoke([system, *state["messages"]])]}

    graph = StateGraph(State)
    graph.add_node("recall", MemoryRecall(output_key="memories", **NO_FLOOR))
    graph.add_node("model", call_model)
    graph.add_node("capture", capture)
    graph.add_edge(START, "recall")
    graph.add_edge("recall", "model")
    graph.add_edge("model", "capture")
    return graph.compile(store=store, checkpointer=InMemorySaver())


def test_nodes_in_a_users_own_graph(store: BaseStore) -> None:
    model = ScriptedChatModel(replies=["Noted!", "A chickpea curry."])
    app = own_graph(store, model, MemoryCapture())
    out = app.invoke({"messages": [HumanMessage("I'm vegetarian")]}, cfg("t1"))
    turn1 = out["messages"][0]
    assert "memories" not in model.prompt_text(0).lower()  # nothing known yet
    stored = memories(store, ("memories", "u1"))
    assert [(m.content, m.source_message_ids, m.thread_id) for m in stored] == [
        ("User is vegetarian.", [turn1.id], "t1")
    ]
    # A new thread for the same user: the memory reaches the model's input.
    app.invoke({"messages": [HumanMessage("What should I cook for dinner?")]}, cfg("t2"))
    assert "- User is vegetarian." in model.prompt_text(1)
    # Another user sees nothing.
    app.invoke({"messages": [HumanMessage("What should I cook?")]}, cfg("t3", user="u2"))
    assert "vegetarian" not in model.prompt_text(2)


def test_capture_node_context_does_not_duplicate(store: BaseStore) -> None:
    model = ScriptedChatModel(replies=["ok"])
    extractor = CountingExtractor()
    app = own_graph(store, model, MemoryCapture(extractor=extractor))
    app.invoke({"messages": [HumanMessage("I'm vegetarian")]}, cfg("t1"))
    app.invoke({"messages": [HumanMessage("I love jazz")]}, cfg("t1"))
    assert extractor.batches[1] == ["I'm vegetarian", "ok", "I love jazz", "ok"]
    assert sorted(
        (m.content, m.reinforcement_count) for m in memories(store, ("memories", "u1"))
    ) == [
        ("User is vegetarian.", 0),
        ("User loves jazz.", 0),
    ]


def test_prebuilt_agent_hooks_with_tools(store: BaseStore) -> None:
    from langgraph.prebuilt import create_react_agent

    put_memory(store, ("memories", "u1"), "User is allergic to peanuts", type="fact")
    model = ScriptedChatModel(
        replies=[
            AIMessage(
                "",
                tool_calls=[{"name": "search_memory", "args": {"query": "diet"}, "id": "c1"}],
            ),
            "I'll avoid peanuts. Noted that you are vegetarian.",
        ]
    )
    extractor = CountingExtractor()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        agent = create_react_agent(
            model,
            create_memory_tools(store, **NO_FLOOR),
            store=store,
            pre_model_hook=MemoryRecall(**NO_FLOOR),
            post_model_hook=MemoryCapture(extractor=extractor),
        )
    out = agent.invoke({"messages": [HumanMessage("I'm vegetarian. Suggest a snack.")]}, cfg("t1"))
    # Both model calls got the recalled memory; the tool ran with the user's namespace.
    assert len(model.calls) == 2
    for call in model.calls:
        assert isinstance(call[0], SystemMessage)
        assert "User is allergic to peanuts" in call[0].text
    tool_msg = next(m for m in out["messages"] if isinstance(m, ToolMessage))
    assert "allergic to peanuts" in tool_msg.content
    # Captured once, after the final reply, not after the tool-calling step.
    assert extractor.runs == 1
    assert "User is vegetarian." in {m.content for m in memories(store, ("memories", "u1"))}
    # The recall step did not write its system message into the state.
    assert not any(isinstance(m, SystemMessage) for m in out["messages"])


def test_background_capture_node_and_flush(store: BaseStore) -> None:
    capture = MemoryCapture(mode="background", debounce_seconds=5)
    app = own_graph(store, ScriptedChatModel(replies=["ok"]), capture)
    app.invoke({"messages": [HumanMessage("I love jazz")]}, cfg("t1"))
    assert memories(store, ("memories", "u1")) == []
    assert capture.flush(timeout=10)
    assert [m.content for m in memories(store, ("memories", "u1"))] == ["User loves jazz."]


async def test_async_graph(store: BaseStore) -> None:
    model = ScriptedChatModel(replies=["ok"])
    app = own_graph(store, model, MemoryCapture())
    await app.ainvoke({"messages": [HumanMessage("I'm vegetarian")]}, cfg("t1"))
    await app.ainvoke({"messages": [HumanMessage("Dinner ideas?")]}, cfg("t2"))
    assert "User is vegetarian." in model.prompt_text(1)


def test_middleware_with_create_agent(store: BaseStore) -> None:
    from langchain.agents import create_agent

    model = ScriptedChatModel(replies=["Noted!", "Try a lentil stew."])
    middleware = MemoryMiddleware(retriever_options=NO_FLOOR)
    agent = create_agent(
        model, [], system_prompt="You are a cook.", middleware=[middleware], store=store
    )
    out = agent.invoke({"messages": [HumanMessage("I'm vegetarian")]}, cfg("t1"))
    stored = memories(store, ("memories", "u1"))
    assert [(m.content, m.source_message_ids) for m in stored] == [
        ("User is vegetarian.", [out["messages"][0].id])
    ]
    agent.invoke({"messages": [HumanMessage("What should I cook for dinner?")]}, cfg("t2"))
    system = model.calls[1][0]
    assert isinstance(system, SystemMessage)
    assert system.text.startswith("You are a cook.")
    assert "- User is vegetarian." in system.text


async def test_middleware_async_with_runtime_context(store: BaseStore) -> None:
    from langchain.agents import create_agent

    @dataclass
    class Context:
        user_id: str

    model = ScriptedChatModel(replies=["ok"])
    agent = create_agent(
        model,
        [],
        middleware=[MemoryMiddleware(retriever_options=NO_FLOOR)],
        store=store,
        context_schema=Context,
    )
    await agent.ainvoke({"messages": [HumanMessage("I love jazz")]}, context=Context("ctx-user"))
    assert [m.content for m in memories(store, ("memories", "ctx-user"))] == ["User loves jazz."]
    await agent.ainvoke(
        {"messages": [HumanMessage("Any music tips?")]}, context=Context("ctx-user")
    )
    assert "User loves jazz." in model.prompt_text(1)


def test_without_user_id_capture_goes_to_the_shared_namespace(store: BaseStore) -> None:
    app = own_graph(store, ScriptedChatModel(replies=["ok"]), MemoryCapture())
    app.invoke({"messages": [HumanMessage("I love jazz")]}, {"configurable": {"thread_id": "t"}})
    assert [m.content for m in memories(store, ("memories", "_shared"))] == ["User loves jazz."]


def test_missing_template_user_id_fails_clearly(store: BaseStore) -> None:
    capture = MemoryCapture(namespace=("memories", "{user_id}"))
    app = own_graph(store, ScriptedChatModel(replies=["ok"]), capture)
    with pytest.raises(InvalidNamespaceError, match=r"needs \{user_id\}"):
        app.invoke(
            {"messages": [HumanMessage("I love jazz")]}, {"configurable": {"thread_id": "t"}}
        )
    assert memories(store, ("memories",)) == []


def test_no_store_fails_clearly() -> None:
    graph = StateGraph(MessagesState)
    graph.add_node("recall", MemoryRecall(output_key="memories"))
    graph.add_edge(START, "recall")
    with pytest.raises(InvalidInputError, match="no memory store"):
        graph.compile().invoke({"messages": [HumanMessage("hi")]}, cfg("t1"))


@pytest.mark.parametrize(
    ("factory", "error"),
    [
        (lambda: MemoryRecall(k=0), InvalidInputError),
        (lambda: MemoryRecall(namespace=("m", "{a.b}")), InvalidNamespaceError),
        (lambda: MemoryCapture(mode="later"), InvalidInputError),
        (lambda: MemoryCapture(context_window=-1), InvalidInputError),
        (lambda: MemoryCapture(in_memory_store(), bogus_option=1), InvalidInputError),
        (lambda: MemoryMiddleware(k=-1), InvalidInputError),
    ],
)
def test_bad_configuration(factory: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        factory()


def test_split_turn() -> None:
    h1, a1, h2 = HumanMessage("a"), AIMessage("b"), HumanMessage("c")
    call = AIMessage("", tool_calls=[{"name": "t", "args": {}, "id": "x"}])
    tool = ToolMessage("r", tool_call_id="x")
    final = AIMessage("d")
    assert split_turn([h1, a1, h2, call, tool, final]) == ([h2, call, tool, final], [h1, a1])
    assert split_turn([h1, a1, h2, call]) == ([], [])  # not finished
    assert split_turn([h1]) == ([], [])
    assert split_turn([AIMessage("hello")]) == ([], [])
    assert split_turn([]) == ([], [])


def test_format_and_merge_helpers() -> None:
    from langchain_core.documents import Document

    docs = [Document("User is vegetarian.", metadata={"type": "preference"})]
    note = format_memories(docs)
    assert note.endswith("- User is vegetarian. (preference)")
    assert format_memories([]) == ""
    msgs = [SystemMessage("Be brief."), HumanMessage("hi")]
    merged = with_memories(msgs, note)
    assert len(merged) == 2
    assert merged[0].text == f"Be brief.\n\n{note}"
    assert with_memories([HumanMessage("hi")], note)[0].text == note
    assert with_memories(msgs, "") == msgs
