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
    assert store.get(("memories", "alice"), m.id) is None


async def test_async_tools(store: BaseStore) -> None:
    tools = by_name(store, include_forget=True)
    out = json.loads(await tools["remember"].ainvoke({"content": "User likes jazz"}, config=ALICE))
    found = json.loads(await tools["search_memory"].ainvoke({"query": "jazz"}, config=ALICE))
    assert [m["id"] for m in found] == [out["id"]]
    await tools["forget"].ainvoke({"memory_id": out["id"]}, config=ALICE)
    assert await store.aget(("memories", "alice"), out["id"]) is None


def test_tool_call_returns_tool_message(store: BaseStore) -> None:
    put_memory(store, ("memories", "alice"), "User is vegetarian")
    msg = by_name(store)["search_memory"].invoke(
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
    tools = by_name(store)
    with pytest.raises(InvalidNamespaceError, match=r"needs \{user_id\}"):
        tools["search_memory"].invoke({"query": "x"}, config={"configurable": {}})
    with pytest.raises(InvalidNamespaceError, match=r"needs \{user_id\}"):
        tools["remember"].invoke({"content": "User is tall"})
    assert store.search(("memories",), limit=10) == []


def test_unknown_template_variable_is_a_clear_error(store: BaseStore) -> None:
    tools = by_name(store, namespace=("memories", "{tenant}"))
    with pytest.raises(InvalidNamespaceError, match=r"needs \{tenant\}.*known: \['user_id'\]"):
        tools["remember"].invoke({"content": "User is tall"}, config=ALICE)
    assert store.search(("memories",), limit=10) == []


def test_bad_namespace_template_fails_at_creation(store: BaseStore) -> None:
    with pytest.raises(InvalidNamespaceError):
        create_memory_tools(store, namespace=("memories", "{user.id}"))
    with pytest.raises(InvalidNamespaceError):
        create_memory_tools(store, namespace="memories")
