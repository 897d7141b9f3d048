"""The audit trail: who made each change and by which path; forget's tombstone; purge."""

from __future__ import annotations

import io
import json

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.store.memory import InMemoryStore

from langmem_extract import MemoryChatHistory, create_memory_tools, extract_memories
from langmem_extract.errors import InvalidInputError, MemoryNotFoundError
from langmem_extract.memories import (
    forget_memory,
    get_memory,
    get_memory_history,
    list_memories,
    memory_stats,
    purge_memories,
)
from langmem_extract.memory_files import export_memories, import_memories, read_export
from langmem_extract.recall import recall_memories
from langmem_extract.schema import MEMORY_INDEX_FIELDS, HistoryEntry, Memory
from langmem_extract.store.duckdb import DuckDBStore
from tests.conftest import HashEmbeddings

ROME = [{"role": "user", "content": "I live in Rome."}]
MADRID = [{"role": "user", "content": "I live in Madrid."}]


def _store() -> InMemoryStore:
    return InMemoryStore(
        index={"dims": 64, "embed": HashEmbeddings(), "fields": MEMORY_INDEX_FIELDS}
    )


def _memories(store, ns) -> list[Memory]:
    return [Memory.from_item(i) for i in store.search(ns, limit=100)]


def test_graph_history_records_who_and_the_path() -> None:
    store = _store()
    extract_memories(ROME, store=store, user_id="alice", agent_id="bot")
    again = [{"role": "user", "content": "I live in Rome.", "id": "again"}]
    extract_memories(again, store=store, user_id="alice", agent_id="bot2")
    extract_memories(MADRID, store=store, user_id="alice", via="cli")
    old, new = sorted(_memories(store, ("memories", "alice")), key=lambda m: m.created_at)
    assert [(h.action, h.user_id, h.agent_id, h.via) for h in old.history] == [
        ("created", "alice", "bot", "api"),
        ("reinforced", "alice", "bot2", "api"),
        ("superseded", "alice", None, "cli"),
    ]
    assert [(h.action, h.via) for h in new.history] == [("created", "cli"), ("supersedes", "cli")]
    with pytest.raises(InvalidInputError, match="via must be one of"):
        extract_memories(ROME, store=store, user_id="alice", via="sneaky")


def test_capture_and_tool_paths_are_recorded() -> None:
    store = _store()
    history = MemoryChatHistory(store, "s1", user_id="alice", agent_id="bot")
    history.add_messages([HumanMessage("I live in Rome."), AIMessage("Noted.")])
    [captured] = _memories(store, ("memories", "alice"))
    assert [(h.user_id, h.agent_id, h.via) for h in captured.history] == [
        ("alice", "bot", "capture")
    ]
    remember = {t.name: t for t in create_memory_tools(store)}["remember"]
    cfg = {"configurable": {"user_id": "carol", "agent_id": "helper"}}
    out = json.loads(remember.invoke({"content": "User likes tea."}, config=cfg))
    entry = get_memory(store, out["id"]).history[0]
    assert (entry.user_id, entry.agent_id, entry.via) == ("carol", "helper", "tool")


def test_old_exports_without_the_new_fields_still_load() -> None:
    line = json.dumps({"content": "User likes tea.", "title": "tea", "type": "fact",
                       "schema_version": 1, "namespace": ["memories", "_shared"],
                       "history": [{"at": "2025-01-01T00:00:00Z", "action": "created"}]})  # fmt: skip
    [memory] = read_export(io.StringIO(line + "\n"))
    assert memory.history[0].via is None and memory.history[0].user_id is None


def test_import_records_the_path_only_for_memories_without_history() -> None:
    store = _store()
    bare = Memory(content="User likes tea.", title="tea", type="fact")
    kept = Memory(content="User likes jazz.", title="jazz", type="fact",
                  history=[HistoryEntry(action="created", via="api")])  # fmt: skip
    import_memories(store, [bare, kept], user_id="admin")
    [entry] = get_memory(store, bare.id).history
    assert (entry.action, entry.user_id, entry.via) == ("imported", "admin", "import")
    assert get_memory(store, kept.id).history == kept.history
    first, second = io.StringIO(), io.StringIO()
    export_memories(store, first)
    import_memories(store, read_export(io.StringIO(first.getvalue())))
    export_memories(store, second)
    assert second.getvalue() == first.getvalue()  # a restore changes nothing


def test_forget_erases_the_content_and_keeps_who_and_when() -> None:
    store = _store()
    extract_memories(ROME, store=store, user_id="alice")
    extract_memories(MADRID, store=store, user_id="alice")
    new = next(m for m in list_memories(store, "memories/alice") if m.status == "active")
    forget_memory(store, new.id, user_id="alice", agent_id="bot", via="tool")
    raw = json.dumps([i.value for i in store.search(("memories",), limit=10)])
    assert "Madrid" not in raw and "Rome" in raw  # also gone from the old one's history
    tomb = Memory.from_item(store.get(("memories", "alice"), new.id))
    assert (tomb.status, tomb.content, tomb.title, tomb.value) == ("forgotten", "", "", None)
    assert tomb.valid_to is not None and tomb.user_id == "alice"
    assert [h.action for h in tomb.history] == ["created", "supersedes", "forgotten"]
    assert all(h.content is None and h.note is None for h in tomb.history)
    last = get_memory_history(store, ("memories", "alice"), new.id)[-1]
    assert (last.user_id, last.agent_id, last.via) == ("alice", "bot", "tool")
    # Left out of every read, counted apart.
    assert new.id not in {m.id for m in list_memories(store)}
    assert [m.id for m in list_memories(store, status="forgotten")] == [new.id]
    hits = recall_memories(store, "where", "memories/alice", include_superseded=True)
    assert new.id not in {h.memory.id for h in hits}
    assert memory_stats(store).forgotten == 1 and memory_stats(store).total == 1
    with pytest.raises(MemoryNotFoundError):
        get_memory(store, new.id)
    with pytest.raises(MemoryNotFoundError):
        forget_memory(store, new.id)
    # The old value stays superseded: forgetting a newer value brings nothing back.
    assert [m.status for m in list_memories(store, "memories/alice")] == ["superseded"]


def test_purge_erases_a_data_subject_everywhere(tmp_path) -> None:
    index = {"dims": 64, "embed": HashEmbeddings(), "fields": MEMORY_INDEX_FIELDS}
    with DuckDBStore.from_conn_string(str(tmp_path / "p.duckdb"), index=index) as store:
        store.setup()
        chat = MemoryChatHistory(store, "alice-s1", user_id="alice")
        chat.add_messages([HumanMessage("I live in Rome."), AIMessage("Noted.")])
        extract_memories(ROME, store=store, namespace=("team",), user_id="alice")
        extract_memories(MADRID, store=store, user_id="carol", session_id="carol-s1")
        MemoryChatHistory(store, "carol-s1", capture=False).add_messages([HumanMessage("hi")])
        MemoryChatHistory(store, "other", capture=False).add_messages([HumanMessage("x")])
        forget_memory(store, list_memories(store, "memories/alice")[0].id)
        with pytest.raises(InvalidInputError, match="needs a user_id"):
            purge_memories(store)
        result = purge_memories(store, user_id="alice", session_ids=["other"])
        assert result.memories == 2  # the tombstone, and the one under ("team",)
        assert result.namespaces == ["memories/alice", "team"]
        assert result.sessions == ["alice-s1", "other"]
        assert MemoryChatHistory(store, "alice-s1", capture=False).messages == []
        assert MemoryChatHistory(store, "other", capture=False).messages == []
        # Carol's session keeps her message and the evidence her memory cites.
        carol = MemoryChatHistory(store, "carol-s1", capture=False).messages
        assert [m.text for m in carol] == ["I live in Madrid.", "hi"]
        left = list_memories(store)
        assert [(m.user_id, m.value) for m in left] == [("carol", "Madrid")]
