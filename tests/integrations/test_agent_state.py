"""What the agent hooks leave in a thread's checkpoint: with ``prompt=`` recall and the
middleware, exactly the user's conversation; with ``pre_model_hook=``, also the
``llm_input_messages`` channel, as docs/integrations.md says."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.base import BaseStore

from langmem_extract.integrations.agent import MemoryCapture, MemoryMiddleware, MemoryRecall
from tests.integrations.fakes import ScriptedChatModel
from tests.integrations.helpers import in_memory_store, put_memory
from tests.integrations.test_chat_history import CountingExtractor

THREAD = {"configurable": {"thread_id": "t1", "user_id": "u1"}}


@pytest.fixture
def store() -> BaseStore:
    store = in_memory_store()
    put_memory(store, ("memories", "u1"), "User is allergic to peanuts", type="fact")
    return store


def react_agent(model: ScriptedChatModel, store: BaseStore, saver: InMemorySaver, **hooks: Any):
    from langgraph.prebuilt import create_react_agent

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return create_react_agent(model, [], store=store, checkpointer=saver, **hooks)


def checkpoint_channels(saver: InMemorySaver) -> dict[str, Any]:
    tup = saver.get_tuple(THREAD)
    assert tup is not None
    return dict(tup.checkpoint["channel_values"])


def conversation(messages: list[Any]) -> list[tuple[str, str]]:
    return [(type(m).__name__, str(m.content)) for m in messages]


async def test_prompt_recall_keeps_the_checkpoint_to_the_conversation(store: BaseStore) -> None:
    model = ScriptedChatModel(replies=["No peanuts, then.", "Still none."])
    saver = InMemorySaver()
    extractor = CountingExtractor()
    agent = react_agent(
        model,
        store,
        saver,
        prompt=MemoryRecall(score_threshold=None).as_prompt("You are a cook."),
        post_model_hook=MemoryCapture(extractor=extractor),
    )
    agent.invoke({"messages": [HumanMessage("I'm vegetarian. A snack?")]}, THREAD)
    await agent.ainvoke({"messages": [HumanMessage("And for dinner?")]}, THREAD)

    # The model saw the system prompt and the memories, on both turns...
    assert len(model.calls) == 2
    for call in model.calls:
        assert isinstance(call[0], SystemMessage)
        assert call[0].text.startswith("You are a cook.")
        assert "User is allergic to peanuts" in call[0].text
    # ...the checkpoint holds exactly the user's conversation...
    expected = [
        ("HumanMessage", "I'm vegetarian. A snack?"),
        ("AIMessage", "No peanuts, then."),
        ("HumanMessage", "And for dinner?"),
        ("AIMessage", "Still none."),
    ]
    channels = checkpoint_channels(saver)
    assert set(channels) == {"messages"}
    assert conversation(channels["messages"]) == expected
    assert conversation(agent.get_state(THREAD).values["messages"]) == expected
    # ...and capture still ran after each turn.
    assert extractor.runs == 2


def test_pre_model_hook_keeps_the_last_model_input(store: BaseStore) -> None:
    model = ScriptedChatModel(replies=["No peanuts, then."])
    saver = InMemorySaver()
    agent = react_agent(model, store, saver, pre_model_hook=MemoryRecall(score_threshold=None))
    agent.invoke({"messages": [HumanMessage("A snack?")]}, THREAD)
    channels = checkpoint_channels(saver)
    # What the docs say is kept: the conversation, plus the last model input.
    assert conversation(channels["messages"]) == [
        ("HumanMessage", "A snack?"),
        ("AIMessage", "No peanuts, then."),
    ]
    kept = channels["llm_input_messages"]
    assert isinstance(kept[0], SystemMessage) and "peanuts" in kept[0].text
    assert conversation(kept[1:]) == [("HumanMessage", "A snack?")]


def test_middleware_keeps_the_checkpoint_to_the_conversation(store: BaseStore) -> None:
    from langchain.agents import create_agent

    model = ScriptedChatModel(replies=["No peanuts, then."])
    saver = InMemorySaver()
    agent = create_agent(
        model,
        tools=[],
        middleware=[MemoryMiddleware(retriever_options={"score_threshold": None})],
        store=store,
        checkpointer=saver,
    )
    agent.invoke({"messages": [HumanMessage("A snack?")]}, THREAD)
    assert "peanuts" in model.calls[0][0].text
    channels = checkpoint_channels(saver)
    assert conversation(channels["messages"]) == [
        ("HumanMessage", "A snack?"),
        ("AIMessage", "No peanuts, then."),
    ]
    assert not any(
        isinstance(m, SystemMessage)
        for value in channels.values()
        if isinstance(value, list)
        for m in value
    )
    assert all(isinstance(m, HumanMessage | AIMessage) for m in channels["messages"])
