"""The graph end to end with the rule extractor: seeds, re-runs, corrections, secrets.

Each scenario runs on every backend of ``memory_store`` and once on LangGraph's
InMemoryStore.
"""

from __future__ import annotations

from langgraph.store.base import BaseStore

from langmem_extract.errors import MemoryNotFoundError
from langmem_extract.graph.builder import extract_memories
from langmem_extract.graph.persist import reinforced_confidence
from langmem_extract.memories import get_memory_history
from langmem_extract.schema import Action, MemoryStatus, MemoryType
from tests.graph.helpers import active, stored

NS = ("users", "u1")

HOTEL_CHAT = [
    {"role": "user", "content": "I need a hotel in Guangzhou near the Canton Fair, under 300 yuan a night."},
    {"role": "assistant", "content": "Options: Hilton Guangzhou Tianhe (1200 yuan), 7 Days Inn Pazhou (220 yuan), Hanting Hotel (260 yuan)."},
    {"role": "user", "content": "The Hilton is too expensive. I'll go with 7 Days Inn."},
]  # fmt: skip
CONVERSATION = [
    {"role": "user", "content": "I prefer dark mode in all my apps. Also, my timezone is PST."},
    {"role": "assistant", "content": "Got it."},
    {"role": "user", "content": "I work as a nurse and I love hiking. Always answer in Spanish."},
]


def _seed_examples(store: BaseStore) -> None:
    r = extract_memories([{"role": "user", "content": "I prefer email over phone calls"}],
                         store=store, namespace=NS, dry_run=True)  # fmt: skip
    assert [c.type for c in r.candidates] == [MemoryType.PREFERENCE]
    assert r.candidates[0].content == "User prefers email over phone calls."
    assert r.candidates[0].preference is not None and r.candidates[0].preference.explicit
    assert r.items[0].status == "planned" and r.items[0].action == Action.ADD
    assert r.dry_run and r.stored == 1 and r.extracted == 1

    r = extract_memories([CONVERSATION[0]], store=store, namespace=NS, dry_run=True)
    kinds = {(c.type, c.attribute) for c in r.candidates}
    assert kinds == {
        (MemoryType.PREFERENCE, "likes:dark mode in all apps"),
        (MemoryType.FACT, "timezone"),
    }
    assert r.categories == {"technology": 1, "schedule": 1}

    r = extract_memories(HOTEL_CHAT, store=store, namespace=NS, dry_run=True)
    decisions = [c for c in r.candidates if c.type in (MemoryType.DECISION, MemoryType.PREFERENCE)]
    assert [c.content for c in decisions] == ["User decided to go with 7 Days Inn."]
    # dry-run wrote nothing at all
    assert stored(store, NS) == []


def test_seed_examples_dry_run(memory_store: BaseStore) -> None:
    _seed_examples(memory_store)


def test_seed_examples_dry_run_inmemory(inmemory_store: BaseStore) -> None:
    _seed_examples(inmemory_store)


def _rerun(store: BaseStore) -> None:
    first = extract_memories(CONVERSATION, store=store, namespace=NS)
    assert first.stored == first.extracted == 5 and first.deduplicated == 0
    before = {m.id: m for m in stored(store, NS)}
    assert len(before) == 5
    again = extract_memories(CONVERSATION, store=store, namespace=NS)
    assert again.stored == 0
    assert again.deduplicated == again.extracted == 5
    assert {i.status for i in again.items} == {"merged"}
    after = {m.id: m for m in stored(store, NS)}
    assert after.keys() == before.keys()
    # the same evidence seen twice is not new evidence: nothing changed
    assert all(after[k].reinforcement_count == 0 for k in after)


def test_rerun_stores_nothing_new(memory_store: BaseStore) -> None:
    _rerun(memory_store)


def test_rerun_stores_nothing_new_inmemory(inmemory_store: BaseStore) -> None:
    _rerun(inmemory_store)


def _reinforce(store: BaseStore) -> None:
    extract_memories(
        [{"id": "c1", "role": "user", "content": "I love hiking."}], store=store, namespace=NS
    )
    (m,) = stored(store, NS)
    r = extract_memories(
        [{"id": "c2", "role": "user", "content": "I love hiking!"}], store=store, namespace=NS
    )
    assert r.deduplicated == 1 and r.stored == 0 and r.items[0].memory_id == m.id
    (after,) = stored(store, NS)
    assert after.source_message_ids == ["c1", "c2"]
    assert after.reinforcement_count == 1
    assert after.confidence == reinforced_confidence(m.confidence, r.candidates[0].confidence)
    assert after.confidence > m.confidence
    assert [h.action for h in get_memory_history(store, NS, m.id)] == ["created", "reinforced"]


def test_new_evidence_reinforces(memory_store: BaseStore) -> None:
    _reinforce(memory_store)


def test_new_evidence_reinforces_inmemory(inmemory_store: BaseStore) -> None:
    _reinforce(inmemory_store)


def _correction(store: BaseStore) -> None:
    extract_memories([{"role": "user", "content": "I live in Paris."}], store=store, namespace=NS)
    (paris,) = stored(store, NS)
    r = extract_memories([{"role": "user", "content": "Actually, I moved to Berlin."}],
                         store=store, namespace=NS)  # fmt: skip
    assert (r.stored, r.superseded, r.deduplicated) == (1, 1, 0)
    assert r.candidates[0].action == Action.SUPERSEDE and r.candidates[0].target_id == paris.id
    by_id = {m.id: m for m in stored(store, NS)}
    old, new = by_id[paris.id], by_id[r.items[0].memory_id]
    assert old.status == MemoryStatus.SUPERSEDED and old.superseded_by == new.id
    assert (
        old.valid_to is not None and old.content == "User lives in Paris."
    )  # kept, not overwritten
    assert new.status == MemoryStatus.ACTIVE and new.supersedes == old.id
    assert new.valid_from >= old.valid_from and new.provenance == "corrected"
    old_history = get_memory_history(store, NS, old.id)
    new_history = get_memory_history(store, NS, new.id)
    assert [h.action for h in old_history] == ["created", "superseded"]
    assert old_history[1].related_id == new.id and old_history[1].content == "User moved to Berlin."
    assert [h.action for h in new_history] == ["created", "supersedes"]
    assert new_history[1].related_id == old.id
    assert [m.value for m in active(store, NS)] == ["Berlin"]


def test_correction_supersedes_with_history(memory_store: BaseStore) -> None:
    _correction(memory_store)


def test_correction_supersedes_with_history_inmemory(inmemory_store: BaseStore) -> None:
    _correction(inmemory_store)
    try:
        get_memory_history(inmemory_store, NS, "no-such-id")
    except MemoryNotFoundError:
        pass
    else:  # pragma: no cover
        raise AssertionError("expected MemoryNotFoundError")


def _in_batch_correction(store: BaseStore) -> None:
    chat = [
        {"role": "user", "content": "I live in Paris."},
        {"role": "assistant", "content": "Nice city!"},
        {"role": "user", "content": "Actually, it's Berlin now."},
    ]
    r = extract_memories(chat, store=store, namespace=NS)
    assert [c.action for c in r.candidates] == [Action.ADD, Action.SUPERSEDE]
    assert r.candidates[1].content == "User lives in Berlin."
    assert [m.content for m in active(store, NS)] == ["User lives in Berlin."]
    assert len(stored(store, NS)) == 2
    # re-running the whole conversation neither resurrects Paris nor duplicates Berlin
    again = extract_memories(chat, store=store, namespace=NS)
    assert again.deduplicated == 2 and again.stored == 0 and again.superseded == 0
    assert [m.content for m in active(store, NS)] == ["User lives in Berlin."]


def test_in_batch_correction_and_rerun(memory_store: BaseStore) -> None:
    _in_batch_correction(memory_store)


def test_in_batch_correction_and_rerun_inmemory(inmemory_store: BaseStore) -> None:
    _in_batch_correction(inmemory_store)
