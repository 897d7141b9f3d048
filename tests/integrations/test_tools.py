from __future__ import annotations

import json

import pytest
from langchain_core.messages import ToolMessage
from langgraph.store.base import BaseStore

from langmem_extract import create_memory_tools
from langmem_extract.errors import InvalidNamespaceError
from langmem_extract.schema import Memory
from tests.integrations.helpers import in_memory_store, put_memory

ALICE = {"configurable": {"user_id": "alice"}}
BOB = {"configurable": {"user_id": "bob"}}


@pytest.fixture
def store() -> BaseStore:
    return in_memory_store()


def by_name(store: BaseStore, **kwargs: object) -> dict:
    return {t.name: t for t in create_memory_tools(store, **kwargs)}


def test_default_tools_and_opt_in_forget(store: BaseStore) -> None:
    assert set(by_name(store)) == {"search_memory", "remember"}
    assert set(by_name(store, include_forget=True)) == {"search_memory", "remember", "forget"}
    # The run config never shows up in the schema the model sees.
    for tool in create_memory_tools(store, include_forget=True):
        assert "config" not in tool.args


def test_remember_then_search_in_the_users_namespace(store: BaseStore) -> None:
    tools = by_name(store)
    out = json.loads(
        tools["remember"].invoke(
            {"content": "User is vegetarian", "type": "preference", "category": "food"},
            config=ALICE,
        )
    )
    assert out["status"] == "stored"
    item = store.get(("memories", "alice"), out["id"])
    memory = Memory.from_item(item)
    assert memory.type == "preference"
    assert memory.category == "food"
    assert memory.user_id == "alice"
    assert memory.source == "tool:remember"
    found = json.loads(tools["search_memory"].invoke({"query": "vegetarian"}, config=ALICE))
    assert [m["content"] for m in found] == ["User is vegetarian"]
    assert found[0]["id"] == out["id"]
    # Bob's namespace is separate.
    assert json.loads(tools["search_memory"].invoke({"query": "vegetarian"}, config=BOB)) == []


def test_remember_same_fact_reinforces_instead_of_duplicating(store: BaseStore) -> None:
    remember = by_name(store)["remember"]
    first = json.loads(remember.invoke({"content": "User is vegetarian"}, config=ALICE))
    again = json.loads(remember.invoke({"content": "user is VEGETARIAN."}, config=ALICE))
    assert again == {"id": first["id"], "status": "reinforced"}
    items = store.search(("memories", "alice"), limit=10)
    assert len(items) == 1
    assert items[0].value["reinforcement_count"] == 1


def test_forget_only_within_the_resolved_namespace(store: BaseStore) -> None:
    m = put_memory(store, ("memories", "alice"), "User lives in Lisbon")
    forget = by_name(store, include_forget=True)["forget"]
    refused = json.loads(forget.invoke({"memory_id": m.id}, config=BOB))
    assert "no memory" in refused["error"]
    assert store.get(("memories", "alice"), m.id) is not None
    assert json.loads(forget.invoke({"memory_id": m.id}, config=ALICE)) == {"deleted": m.id}
    tombstone = Memory.from_item(store.get(("memories", "alice"), m.id))
    assert tombstone.status == "forgotten" and tombstone.content == ""
    last = tombstone.history[-1]
    assert (last.action, last.user_id, last.via) == ("forgotten", "alice", "tool")
    again = json.loads(forget.invoke({"memory_id": m.id}, config=ALICE))
    assert "no memory" in again["error"]


async def test_async_tools(store: BaseStore) -> None:
    tools = by_name(store, include_forget=True)
    out = json.loads(await tools["remember"].ainvoke({"content": "User likes jazz"}, config=ALICE))
    found = json.loads(await tools["search_memory"].ainvoke({"query": "jazz"}, config=ALICE))
    assert [m["id"] for m in found] == [out["id"]]
    await tools["forget"].ainvoke({"memory_id": out["id"]}, config=ALICE)
    item = await store.aget(("memories", "alice"), out["id"])
    assert item is not None and item.value["status"] == "forgotten"
    assert json.loads(await tools["search_memory"].ainvoke({"query": "jazz"}, config=ALICE)) == []


def test_tool_call_returns_tool_message(store: BaseStore) -> None:
    put_memory(store, ("memories", "alice"), "User is vegetarian")
    # Token-hash embeddings are not semantic: "diet" shares no word with the memory.
    msg = by_name(store, score_threshold=None)["search_memory"].invoke(
        {"type": "tool_call", "id": "call-1", "name": "search_memory", "args": {"query": "diet"}},
        config=ALICE,
    )
    assert isinstance(msg, ToolMessage)
    assert json.loads(msg.content)[0]["content"] == "User is vegetarian"


def test_custom_template_fields(store: BaseStore) -> None:
    tools = by_name(store, namespace=("orgs", "{org_id}", "{user_id}"))
    cfg = {"configurable": {"org_id": "acme", "user_id": "alice"}}
    out = json.loads(tools["remember"].invoke({"content": "User prefers tea"}, config=cfg))
    assert store.get(("orgs", "acme", "alice"), out["id"]) is not None


def test_missing_user_id_in_config_is_a_clear_error(store: BaseStore) -> None:
    tools = by_name(store, namespace=("memories", "{user_id}"))
    with pytest.raises(InvalidNamespaceError, match=r"needs \{user_id\}"):
        tools["search_memory"].invoke({"query": "x"}, config={"configurable": {}})
    with pytest.raises(InvalidNamespaceError, match=r"needs \{user_id\}"):
        tools["remember"].invoke({"content": "User is tall"})
    assert store.search(("memories",), limit=10) == []


def test_without_user_id_the_default_tools_use_the_shared_namespace(store: BaseStore) -> None:
    tools = by_name(store)
    out = json.loads(tools["remember"].invoke({"content": "User is tall"}))
    assert store.get(("memories", "_shared"), out["id"]) is not None
    assert json.loads(tools["search_memory"].invoke({"query": "tall"}, config=ALICE)) == []


def test_unknown_template_variable_is_a_clear_error(store: BaseStore) -> None:
    tools = by_name(store, namespace=("memories", "{tenant}"))
    with pytest.raises(InvalidNamespaceError, match=r"needs \{tenant\}.*known: \['user_id'\]"):
        tools["remember"].invoke({"content": "User is tall"}, config=ALICE)
    assert store.search(("memories",), limit=10) == []


def test_bad_namespace_template_fails_at_creation(store: BaseStore) -> None:
    with pytest.raises(InvalidNamespaceError):
        create_memory_tools(store, namespace=("memories", "{user.id}"))
    with pytest.raises(InvalidNamespaceError, match="empty label"):
        create_memory_tools(store, namespace="memories//{user_id}")
    # Text is the "a/b" form: one label here, not one label per character.
    assert create_memory_tools(store, namespace="memories")


# -- remember goes through the memory graph ---------------------------------------------

ALICE_NS = ("memories", "alice")


def test_remember_a_correction_supersedes_the_old_value(store: BaseStore) -> None:
    remember = by_name(store)["remember"]
    old = json.loads(
        remember.invoke(
            {"content": "User lives in Lisbon.", "attribute": "location", "value": "Lisbon"},
            config=ALICE,
        )
    )
    new = json.loads(
        remember.invoke(
            {"content": "User lives in Berlin.", "attribute": "Location", "value": "Berlin"},
            config=ALICE,
        )
    )
    assert new["status"] == "stored" and new["supersedes"] == old["id"]
    before = Memory.from_item(store.get(ALICE_NS, old["id"]))
    after = Memory.from_item(store.get(ALICE_NS, new["id"]))
    assert (before.status, before.superseded_by) == ("superseded", new["id"])
    assert (after.status, after.supersedes, after.attribute) == ("active", old["id"], "location")
    found = json.loads(by_name(store)["search_memory"].invoke({"query": "lives"}, config=ALICE))
    assert [m["id"] for m in found] == [new["id"]]


def test_remember_an_attribute_without_value_compares_the_sentences(store: BaseStore) -> None:
    remember = by_name(store)["remember"]
    first = json.loads(
        remember.invoke({"content": "User works as a nurse.", "attribute": "occupation"},
                        config=ALICE)
    )  # fmt: skip
    again = json.loads(
        remember.invoke({"content": "User works as a nurse", "attribute": "occupation"},
                        config=ALICE)
    )  # fmt: skip
    changed = json.loads(
        remember.invoke({"content": "User works as a teacher.", "attribute": "occupation"},
                        config=ALICE)
    )  # fmt: skip
    assert again == {"id": first["id"], "status": "reinforced"}
    assert changed["supersedes"] == first["id"]


def test_remember_refuses_a_secret(store: BaseStore) -> None:
    key = "sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw"
    out = json.loads(
        by_name(store)["remember"].invoke({"content": f"User's API key is {key}"}, config=ALICE)
    )
    assert out["status"] == "refused" and "secret" in out["error"]
    assert store.search(ALICE_NS, limit=10) == []


def test_remember_runs_the_graph_scoring_and_title_rule(store: BaseStore) -> None:
    content = "User is training for the Lisbon marathon in October " + "and more " * 20
    out = json.loads(by_name(store)["remember"].invoke({"content": content}, config=ALICE))
    memory = Memory.from_item(store.get(ALICE_NS, out["id"]))
    assert len(memory.title) == 100 and memory.title.endswith("…")
    assert memory.category == "fitness"  # "general" is classified like an extracted memory
    assert memory.provenance == "inferred"
    assert [h.action for h in memory.history] == ["created"]


def test_remember_takes_the_namespace_lock(store: BaseStore) -> None:
    import threading

    from langmem_extract.store.locking import namespace_lock

    remember = by_name(store)["remember"]
    done = threading.Event()
    worker = threading.Thread(
        target=lambda: (remember.invoke({"content": "User likes tea"}, config=ALICE), done.set())
    )
    with namespace_lock(store, ALICE_NS):
        worker.start()
        assert not done.wait(0.3), "remember wrote while the namespace lock was held"
        assert store.search(ALICE_NS, limit=10) == []
    worker.join(10)
    assert done.is_set()
    assert len(store.search(ALICE_NS, limit=10)) == 1


async def test_async_remember_reinforces(store: BaseStore) -> None:
    remember = by_name(store)["remember"]
    first = json.loads(await remember.ainvoke({"content": "User likes jazz"}, config=ALICE))
    again = json.loads(await remember.ainvoke({"content": "User likes jazz."}, config=ALICE))
    assert again == {"id": first["id"], "status": "reinforced"}
    [item] = store.search(ALICE_NS, limit=10)
    assert item.value["reinforcement_count"] == 1


async def test_remember_inside_an_agent_does_not_checkpoint_its_graph(store: BaseStore) -> None:
    from langchain_core.messages import AIMessage, HumanMessage
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import START, MessagesState, StateGraph
    from langgraph.prebuilt import ToolNode

    graph = StateGraph(MessagesState)
    graph.add_node("tools", ToolNode(create_memory_tools(store)))
    graph.add_edge(START, "tools")
    saver = InMemorySaver()
    app = graph.compile(checkpointer=saver)

    def turn(text: str) -> dict:
        call = {"name": "remember", "args": {"content": text}, "id": "c1"}
        return {"messages": [HumanMessage("hi"), AIMessage("", tool_calls=[call])]}

    app.invoke(turn("User likes tea"), {"configurable": {"thread_id": "t1", "user_id": "alice"}})
    await app.ainvoke(
        turn("User likes jazz"), {"configurable": {"thread_id": "t2", "user_id": "alice"}}
    )
    assert len(store.search(ALICE_NS, limit=10)) == 2
    namespaces = {c.config["configurable"].get("checkpoint_ns", "") for c in saver.list(None)}
    assert namespaces == {""}
