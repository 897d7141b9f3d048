"""An agent that learns a preference in one session and uses it in the next.

Runs offline: the memories are real (captured by the rule extractor into a DuckDB store
and recalled with the bundled E5 embedder); only the agent's replies come from a small
scripted chat model, so no key is needed. Needs the ``agents`` extra (``langchain``).

    python cookbooks/agent_with_memory.py
"""

from __future__ import annotations

from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from langmem_extract import open_store
from langmem_extract.integrations.agent import MemoryMiddleware


class ScriptedCook(BaseChatModel):
    """Stands in for a real model: suggests a dish, vegetarian if it was told so."""

    seen: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted-cook"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, **_: Any) -> ChatResult:
        self.seen.append(list(messages))
        prompt = "\n".join(str(m.text) for m in messages)
        last = str(messages[-1].text)
        if "cook" not in last.lower():
            reply = "Nice to meet you! I'll keep that in mind."
        elif "vegetarian" in prompt.lower():
            reply = "Since you're vegetarian: a mushroom and chickpea stew tonight."
        else:
            reply = "How about a grilled steak tonight?"
        return ChatResult(generations=[ChatGeneration(message=AIMessage(reply))])


def main() -> None:
    store = open_store(":memory:")  # a DuckDB database; pass a path to keep it
    try:
        run(store)
    finally:
        store.close()


def run(store: Any) -> None:
    model = ScriptedCook()
    agent = create_agent(
        model,
        tools=[],
        system_prompt="You are a helpful cooking assistant.",
        middleware=[MemoryMiddleware()],  # recall before each model call, capture after
        store=store,
    )

    print("== session 1 ==")
    config = {"configurable": {"user_id": "maya", "thread_id": "session-1"}}
    out = agent.invoke({"messages": [("user", "Hi! I'm vegetarian and I live in Lisbon.")]}, config)
    print("user :", out["messages"][0].text)
    print("agent:", out["messages"][-1].text)
    print("user message id:", out["messages"][0].id)
    for item in store.search(("memories", "maya"), limit=10):
        print(f"stored memory: {item.value['content']} (from {item.value['source_message_ids']})")

    print("== session 2 (new thread, same user) ==")
    config = {"configurable": {"user_id": "maya", "thread_id": "session-2"}}
    out = agent.invoke({"messages": [("user", "What should I cook for dinner?")]}, config)
    print("model input:")
    print(model.seen[-1][0].text)
    print("user :", out["messages"][0].text)
    print("agent:", out["messages"][-1].text)


if __name__ == "__main__":
    main()
