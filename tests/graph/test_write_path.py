"""One write path: given candidates through the graph, and write_memories for every
other write (import, forget)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract.errors import InvalidInputError, StoreError
from langmem_extract.extractors.base import ExtractContext, ExtractorOutput
from langmem_extract.graph.builder import aextract_memories, extract_memories
from langmem_extract.graph.persist import WRITE_BATCH, write_memories
from langmem_extract.memories import forget_memory
from langmem_extract.memory_files import import_memories
from langmem_extract.schema import (
    TITLE_MAX_CHARS,
    Action,
    Candidate,
    ChatMessage,
    Memory,
    MemoryType,
    make_title,
)
from langmem_extract.store.locking import namespace_lock
from tests.graph.helpers import active, stored

NS = ("users", "u1")
KEY = "sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw"


class NoExtractor:
    """Fails the test if the graph asks it for candidates."""

    def extract(self, messages: list[ChatMessage], *, context: ExtractContext) -> ExtractorOutput:
        raise AssertionError("the extractor ran although candidates were given")

    async def aextract(
        self, messages: list[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        raise AssertionError("the extractor ran although candidates were given")


def given(store: BaseStore, *candidates: Any, **kwargs: Any) -> Any:
    return extract_memories(
        candidates=list(candidates), store=store, namespace=NS, extractor=NoExtractor(), **kwargs
    )


def lives_in(city: str, **fields: Any) -> dict[str, Any]:
    return {"content": f"User lives in {city}.", "type": "fact", "attribute": "location",
            "value": city, **fields}  # fmt: skip


# --------------------------------------------------------------------------- given candidates


def test_given_candidates_skip_the_extractor_and_run_every_other_node() -> None:
    store = InMemoryStore()
    result = given(store, {"content": "User is vegetarian.", "type": "preference"})
    assert (result.extracted, result.stored) == (1, 1)
    [memory] = stored(store, NS)
    assert memory.title == "User is vegetarian"  # defaulted from the content
    assert memory.category == "health"  # classify ran
    assert memory.importance == pytest.approx(0.85)  # score ran: preference 0.70 + health 0.15
    assert memory.confidence == pytest.approx(0.90)
    assert result.tokens_used == 0 and result.model is None


def test_given_candidates_deduplicate_reinforce_and_supersede() -> None:
    store = InMemoryStore()
    first = given(store, lives_in("Lisbon", source_message_ids=["m1"]))
    again = given(store, lives_in("Lisbon", source_message_ids=["m2"]))
    assert again.items[0].action == Action.MERGE
    assert again.items[0].memory_id == first.items[0].memory_id
    [memory] = stored(store, NS)
    assert memory.reinforcement_count == 1
    assert memory.source_message_ids == ["m1", "m2"]
    moved = given(store, lives_in("Berlin"))
    assert moved.items[0].action == Action.SUPERSEDE
    assert moved.items[0].target_id == memory.id
    assert [m.content for m in active(store, NS)] == ["User lives in Berlin."]


def test_a_merge_without_new_evidence_does_not_reinforce() -> None:
    store = InMemoryStore()
    given(store, lives_in("Lisbon", source_message_ids=["m1"]))
    given(store, lives_in("Lisbon", source_message_ids=["m1"]))
    given(store, lives_in("Lisbon"))
    [memory] = stored(store, NS)
    assert memory.reinforcement_count == 0


def test_given_candidates_are_redacted_and_skipped() -> None:
    store = InMemoryStore()
    result = given(
        store,
        {"content": f"User's API key is {KEY}.", "type": "fact"},
        {"content": "User likes tea.", "title": f"key {KEY}", "type": "preference"},
        {"content": "User likes jazz.", "type": "preference"},
    )
    assert [i.status for i in result.items] == ["skipped", "skipped", "stored"]
    assert result.redacted == 3  # the key in the first one's content and derived title, one title
    assert KEY not in result.model_dump_json()
    assert [m.content for m in stored(store, NS)] == ["User likes jazz."]


def test_given_candidate_objects_are_copied_and_their_decisions_reset() -> None:
    store = InMemoryStore()
    cand = Candidate(content="User likes jazz.", title="jazz", type=MemoryType.PREFERENCE,
                     action=Action.SKIP, target_id="nope", reason="stale")  # fmt: skip
    result = given(store, cand)
    assert result.items[0].status == "stored"
    assert result.items[0].memory_id == cand.id
    assert cand.action == Action.SKIP  # the caller's object is untouched
    assert stored(store, NS)[0].title == "jazz"


def test_given_candidates_with_messages_keep_their_evidence() -> None:
    store = InMemoryStore()
    messages = [{"id": "m1", "role": "user", "content": "I live in Lisbon."}]
    result = given(store, lives_in("Lisbon", source_message_ids=["m1"]), messages=messages)
    assert result.stored == 1
    assert stored(store, NS)[0].source_message_ids == ["m1"]


def test_given_candidates_in_dry_run_write_nothing() -> None:
    store = InMemoryStore()
    result = given(store, lives_in("Lisbon"), dry_run=True)
    assert [i.status for i in result.items] == ["planned"]
    assert stored(store, NS) == []


async def test_given_candidates_async() -> None:
    store = InMemoryStore()
    result = await aextract_memories(
        candidates=[lives_in("Lisbon")], store=store, namespace=NS, extractor=NoExtractor()
    )
    assert result.stored == 1


@pytest.mark.parametrize(
    ("candidates", "match"),
    [
        ("User likes tea", "must be a list"),
        ({"content": "User likes tea", "type": "fact"}, "must be a list"),
        ([{"type": "fact"}], "candidate 0 has no content"),
        ([{"content": "  ", "type": "fact"}], "candidate 0 has no content"),
        ([{"content": "x", "type": "opinion"}], "candidate 0: field 'type'"),
        ([{"content": "x", "type": "fact", "title": "t" * 101}], "candidate 0: field 'title'"),
        ([42], "candidate 0 is a int"),
        ([{"id": "a", "content": "x", "type": "fact"}] * 2, "candidate 1 repeats the id"),
        ([{"content": f"x{i}", "type": "fact"} for i in range(101)], "at most 100"),
    ],
)
def test_bad_candidates_raise_before_any_work(candidates: Any, match: str) -> None:
    store = InMemoryStore()
    with pytest.raises(InvalidInputError, match=match):
        extract_memories(candidates=candidates, store=store, namespace=NS)
    assert stored(store, NS) == []


def test_without_candidates_messages_are_still_required() -> None:
    with pytest.raises(InvalidInputError, match="messages is empty"):
        extract_memories(store=InMemoryStore(), namespace=NS)


# --------------------------------------------------------------------------- titles


def test_one_title_rule() -> None:
    assert make_title("  User likes tea.  ") == "User likes tea"
    long = make_title("word " * 50)
    assert len(long) == TITLE_MAX_CHARS and long.endswith("…")
    assert make_title("x" * TITLE_MAX_CHARS) == "x" * TITLE_MAX_CHARS


# --------------------------------------------------------------------------- write_memories


def _memory(content: str, namespace: tuple[str, ...] = NS) -> Memory:
    return Memory(content=content, title=make_title(content), type=MemoryType.FACT,
                  namespace=list(namespace))  # fmt: skip


def test_write_memories_puts_and_deletes_per_namespace() -> None:
    store = InMemoryStore()
    a, b = _memory("User likes tea."), _memory("User likes jazz.", ("users", "u2"))
    assert write_memories(store, [a, b]) == 2
    assert store.get(NS, a.id) is not None and store.get(("users", "u2"), b.id) is not None
    assert write_memories(store, delete=[(NS, a.id)]) == 1
    assert store.get(NS, a.id) is None


def test_write_memories_batches_large_writes() -> None:
    calls: list[int] = []

    class Counting(InMemoryStore):
        def batch(self, ops: Any) -> Any:
            ops = list(ops)
            calls.append(len(ops))
            return super().batch(ops)

    store = Counting()
    write_memories(store, [_memory(f"User fact {i}.") for i in range(WRITE_BATCH + 1)])
    assert calls == [WRITE_BATCH, 1]


def test_write_memories_refuses_a_secret_before_writing_anything() -> None:
    store = InMemoryStore()
    ok, bad = _memory("User likes tea."), _memory(f"User's key is {KEY}.")
    with pytest.raises(InvalidInputError, match="contains a secret"):
        write_memories(store, [ok, bad])
    assert stored(store, NS) == []


def test_write_memories_wraps_store_failures() -> None:
    class Broken(InMemoryStore):
        def batch(self, ops: Any) -> Any:
            raise RuntimeError("disk full")

    with pytest.raises(StoreError, match="disk full"):
        write_memories(Broken(), [_memory("User likes tea.")])


def _blocked_by_the_lock(store: BaseStore, write: Any) -> None:
    """``write`` waits while another thread holds the namespace lock."""
    done = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            write()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        done.set()

    with namespace_lock(store, NS):
        worker = threading.Thread(target=run)
        worker.start()
        assert not done.wait(0.3), "wrote while the namespace lock was held"
    worker.join(5)
    assert done.is_set() and not errors


def test_import_and_forget_take_the_namespace_lock() -> None:
    store = InMemoryStore()
    memory = _memory("User likes tea.")
    _blocked_by_the_lock(store, lambda: import_memories(store, [memory]))
    assert store.get(NS, memory.id) is not None
    _blocked_by_the_lock(store, lambda: forget_memory(store, memory.id, NS))
    assert store.get(NS, memory.id).value["status"] == "forgotten"


def test_import_refuses_a_memory_with_a_secret() -> None:
    store = InMemoryStore()
    with pytest.raises(InvalidInputError, match="contains a secret"):
        import_memories(store, [_memory("User likes tea."), _memory(f"Key {KEY}.")])
    assert stored(store, NS) == []
