"""The memory operations behind the CLI, on LangGraph's InMemoryStore and our backends."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract.errors import (
    InvalidInputError,
    InvalidNamespaceError,
    MemoryNotFoundError,
    StoreError,
    UnknownExtractionTypeError,
)
from langmem_extract.memories import (
    forget_memory,
    get_memory,
    list_memories,
    memory_stats,
)
from langmem_extract.memory_files import export_memories, import_memories, read_export
from langmem_extract.recall import recall_memories
from langmem_extract.recall_index import index_for
from langmem_extract.schema import (
    MEMORY_INDEX_FIELDS,
    HistoryEntry,
    Memory,
    MemoryStatus,
    PreferenceInfo,
    Provenance,
)
from tests.conftest import HashEmbeddings

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _store() -> InMemoryStore:
    return InMemoryStore(
        index={"dims": 64, "embed": HashEmbeddings(), "fields": MEMORY_INDEX_FIELDS}
    )


def _put(
    store: BaseStore, content: str, *, ns=("memories", "_shared"), minutes: int = 0, **fields
) -> Memory:
    fields.setdefault("type", "fact")
    stamp = T0 + timedelta(minutes=minutes)
    fields.setdefault("history", [HistoryEntry(at=stamp, action="created", content=content)])
    memory = Memory(
        content=content,
        title=content[:100],
        namespace=list(ns),
        created_at=stamp,
        updated_at=stamp,
        valid_from=stamp,
        **fields,
    )
    store.put(tuple(ns), memory.id, memory.to_value())
    return memory


@pytest.fixture
def filled() -> tuple[InMemoryStore, dict[str, Memory]]:
    store = _store()
    old = _put(store, "User lives in Lisbon", minutes=0, category="location", status="superseded")
    new = _put(
        store,
        "User lives in Porto",
        minutes=1,
        category="location",
        supersedes=old.id,
        history=[HistoryEntry(at=T0, action="supersedes", related_id=old.id)],
    )
    tea = _put(store, "User prefers green tea", minutes=2, type="preference", category="food")
    rule = _put(
        store,
        "Answer in French",
        ns=("memories", "u1"),
        minutes=3,
        type="instruction",
        category="communication",
    )
    # Not a memory: a chat-history record sharing the store.
    store.put(("chat", "s1"), "m1", {"role": "user", "content": "User prefers green tea"})
    return store, {"old": old, "new": new, "tea": tea, "rule": rule}


def test_list_is_newest_first_across_namespaces_and_skips_non_memories(filled) -> None:
    store, m = filled
    got = list_memories(store)
    assert [x.id for x in got] == [m["rule"].id, m["tea"].id, m["new"].id, m["old"].id]
    assert got[0].namespace == ["memories", "u1"]


def test_list_filters_and_pages(filled) -> None:
    store, m = filled
    assert [x.id for x in list_memories(store, type="preference")] == [m["tea"].id]
    assert {x.id for x in list_memories(store, type="fact,instruction")} == {
        m["new"].id,
        m["old"].id,
        m["rule"].id,
    }
    assert [x.id for x in list_memories(store, category="location", status="active")] == [
        m["new"].id
    ]
    assert [x.id for x in list_memories(store, status=MemoryStatus.SUPERSEDED)] == [m["old"].id]
    assert [x.id for x in list_memories(store, "memories/u1")] == [m["rule"].id]
    assert [x.id for x in list_memories(store, limit=2, offset=1)] == [m["tea"].id, m["new"].id]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"type": "opinion"}, UnknownExtractionTypeError),
        ({"status": "deleted"}, InvalidInputError),
        ({"limit": 0}, InvalidInputError),
        ({"offset": -1}, InvalidInputError),
    ],
)
def test_list_rejects_bad_filters(filled, kwargs, error) -> None:
    with pytest.raises(error):
        list_memories(filled[0], **kwargs)


def test_get_by_id_prefix_and_namespace(filled) -> None:
    store, m = filled
    assert get_memory(store, m["rule"].id).content == "Answer in French"
    assert get_memory(store, m["rule"].id, "memories/u1").id == m["rule"].id
    assert get_memory(store, m["tea"].id[:8]).id == m["tea"].id
    with pytest.raises(MemoryNotFoundError, match="no memory with id"):
        get_memory(store, m["rule"].id, "memories/u2")
    with pytest.raises(MemoryNotFoundError):
        get_memory(store, "00000000-0000-0000-0000-000000000000")
    with pytest.raises(InvalidInputError, match="empty"):
        get_memory(store, "  ")


def test_an_unknown_id_too_short_for_a_prefix_says_so(filled) -> None:
    store, _ = filled
    with pytest.raises(InvalidInputError, match="at least 4 characters"):
        get_memory(store, "a")


def test_ambiguous_prefix_is_an_input_error() -> None:
    store = _store()
    a = _put(store, "one", id="abcd1111-0000-0000-0000-000000000000")
    _put(store, "two", id="abcd2222-0000-0000-0000-000000000000")
    with pytest.raises(InvalidInputError, match="matches 2 memories"):
        get_memory(store, "abcd")
    assert get_memory(store, "abcd1").id == a.id


def test_forget_deletes_only_that_memory(filled) -> None:
    store, m = filled
    old = m["old"].model_copy(deep=True)
    old.superseded_by = m["new"].id
    old.history.append(
        HistoryEntry(action="superseded", content="User lives in Porto", related_id=m["new"].id)
    )
    store.put(("memories", "_shared"), old.id, old.to_value())
    assert "Porto" in json.dumps(store.get(("memories", "_shared"), old.id).value)
    gone = forget_memory(store, m["new"].id, user_id="u9", via="cli")
    assert gone.content == "User lives in Porto"
    tombstone = store.get(("memories", "_shared"), m["new"].id).value
    assert tombstone["status"] == "forgotten" and "Porto" not in json.dumps(tombstone)
    assert tombstone["history"][-1]["action"] == "forgotten"
    assert (tombstone["history"][-1]["user_id"], tombstone["history"][-1]["via"]) == ("u9", "cli")
    # The superseded memory's history no longer holds the forgotten content either.
    assert "Porto" not in json.dumps(store.get(("memories", "_shared"), m["old"].id).value)
    assert get_memory(store, m["old"].id).status == MemoryStatus.SUPERSEDED
    assert len(list_memories(store)) == 3
    with pytest.raises(MemoryNotFoundError):
        forget_memory(store, m["new"].id)


def test_recall_ranks_filters_and_hides_superseded(filled) -> None:
    store, m = filled
    hits = recall_memories(store, "where does the user live", k=5)
    ids = [h.memory.id for h in hits]
    assert m["new"].id in ids and m["old"].id not in ids
    assert all(h.memory.status == MemoryStatus.ACTIVE for h in hits)
    # "live" meets "lives" in the (stemmed) lexical index. Which comes first is the fused
    # score's call (fusion.py): this hash embedder puts "green tea" 0.22 nearer, a gap that
    # outweighs one word shared in a two-document corpus.
    lexical = index_for(store, ("memories", "_shared")).lexical.scores("where does the user live")
    assert set(lexical) == {m["new"].id}
    with_old = recall_memories(store, "user lives in", include_superseded=True, category="location")
    assert {h.memory.id for h in with_old} == {m["new"].id, m["old"].id}
    only_pref = recall_memories(store, "tea", type="preference")
    assert [h.memory.id for h in only_pref] == [m["tea"].id]
    assert recall_memories(store, "tea", min_confidence=0.9) == []
    with pytest.raises(InvalidInputError):
        recall_memories(store, "  ")
    with pytest.raises(InvalidInputError):
        recall_memories(store, "tea", k=0)


def test_stats_counts_by_type_category_namespace_status(filled) -> None:
    stats = memory_stats(filled[0])
    assert stats.total == 4
    assert stats.by_type == {"fact": 2, "instruction": 1, "preference": 1}
    assert stats.by_category == {"location": 2, "communication": 1, "food": 1}
    assert stats.by_namespace == {"memories/_shared": 3, "memories/u1": 1}
    assert stats.by_status == {"active": 3, "superseded": 1}
    assert memory_stats(filled[0], "memories/u1").total == 1


def _rich_memory() -> Memory:
    return Memory(
        content="User prefers aisle seats",
        title="Aisle seats",
        type="preference",
        category="travel",
        tags=["conversation-extract", "travel"],
        confidence=0.875,
        importance=0.3333333333333333,
        provenance=Provenance.INFERRED,
        source_message_ids=["m1", "m2"],
        attribute="seat",
        value="aisle",
        preference=PreferenceInfo(explicit=False, reasoning="asked twice"),
        namespace=["memories", "maya"],
        reinforcement_count=2,
        user_id="maya",
        session_id="s1",
        valid_from=T0,
        created_at=T0,
        updated_at=T0 + timedelta(hours=1),
        event_time=T0 - timedelta(days=3),
        history=[
            HistoryEntry(at=T0, action="created", content="User likes aisle seats", confidence=0.5),
            HistoryEntry(
                at=T0 + timedelta(hours=1), action="reinforced", source_message_ids=["m2"]
            ),
        ],
        metadata={"source": "chat", "nested": {"n": [1, 2.5, None, "é"]}},
    )


def test_export_import_export_is_byte_identical_and_keeps_every_field(
    filled, tmp_path: Path
) -> None:
    store, _ = filled
    rich = _rich_memory()
    store.put(("memories", "maya"), rich.id, rich.to_value())
    first = tmp_path / "a.jsonl"
    assert export_memories(store, first) == 5
    target = _store()
    assert import_memories(target, first) == 5
    second = io.StringIO()
    export_memories(target, second)
    assert second.getvalue() == first.read_text(encoding="utf-8")
    back = get_memory(target, rich.id)
    assert back == rich  # ids, provenance, history, timestamps, metadata unchanged
    assert back.provenance == Provenance.INFERRED
    # One canonical JSON object per line, namespace included.
    lines = first.read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["namespace"] for line in lines)
    assert json.loads(lines[0]) == dict(sorted(json.loads(lines[0]).items()))


def test_export_can_be_limited_to_a_namespace(filled) -> None:
    buf = io.StringIO()
    assert export_memories(filled[0], buf, "memories/u1") == 1
    assert json.loads(buf.getvalue())["content"] == "Answer in French"


def test_import_replaces_same_id_and_embeds_for_recall(tmp_path: Path) -> None:
    rich = _rich_memory()
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(rich.to_value()) + "\n", encoding="utf-8")
    store = _store()
    import_memories(store, path)
    import_memories(store, path)
    assert len(list_memories(store)) == 1
    hits = recall_memories(store, "aisle seats", "memories")
    assert [h.memory.id for h in hits] == [rich.id]


@pytest.mark.parametrize(
    ("line2", "message"),
    [
        ("{not json", "b.jsonl:2: not valid JSON"),
        ("[1, 2]", "b.jsonl:2: expected a JSON object"),
        ('{"content": "x"}', "b.jsonl:2: invalid memory: field 'title'"),
        (None, "b.jsonl:2: duplicate memory id"),
    ],
)
def test_bad_import_names_file_and_line_and_writes_nothing(tmp_path: Path, line2, message) -> None:
    good = _rich_memory().to_value()
    path = tmp_path / "b.jsonl"
    path.write_text(
        json.dumps(good) + "\n" + (line2 if line2 is not None else json.dumps(good)) + "\n",
        encoding="utf-8",
    )
    store = _store()
    with pytest.raises(InvalidInputError) as info:
        import_memories(store, path)
    assert str(info.value).startswith(str(tmp_path / message))
    assert list_memories(store) == []


def test_import_rejects_a_bad_namespace(tmp_path: Path) -> None:
    value = _rich_memory().to_value()
    value["namespace"] = ["memories", "a.b"]
    path = tmp_path / "ns.jsonl"
    path.write_text(json.dumps(value) + "\n", encoding="utf-8")
    with pytest.raises(InvalidNamespaceError, match=r"ns\.jsonl:1:"):
        read_export(path)


def test_import_of_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such file"):
        import_memories(_store(), tmp_path / "missing.jsonl")


def test_a_corrupt_stored_memory_is_a_store_error() -> None:
    store = _store()
    store.put(("memories",), "bad", {"content": "x", "type": "opinion", "schema_version": 1})
    with pytest.raises(StoreError, match="memories/bad"):
        list_memories(store)


def test_round_trip_on_each_backend(memory_store: BaseStore, tmp_path: Path) -> None:
    rich = _rich_memory()
    plain = _put(memory_store, "User lives in Porto", category="location")
    memory_store.put(("memories", "maya"), rich.id, rich.to_value())
    first = tmp_path / "a.jsonl"
    assert export_memories(memory_store, first) == 2
    for memory in list_memories(memory_store):
        forget_memory(memory_store, memory.id)
    assert list_memories(memory_store) == []
    assert import_memories(memory_store, first) == 2
    second = tmp_path / "b.jsonl"
    export_memories(memory_store, second)
    assert second.read_bytes() == first.read_bytes()
    assert get_memory(memory_store, plain.id[:8]) == plain
    hits = recall_memories(
        memory_store, "which seat does the user like on planes", "memories/maya", k=1
    )
    assert [h.memory.id for h in hits] == [rich.id]
    assert memory_stats(memory_store).by_namespace == {"memories/_shared": 1, "memories/maya": 1}
