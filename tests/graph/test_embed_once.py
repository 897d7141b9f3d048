"""A capture embeds each new text once, in one batched call (langmem_extract.vector_cache).

The counting embedder counts the calls that reach the model (cache misses), and which
texts each call embedded; correctness only, no timing.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from langgraph.store.memory import InMemoryStore

from langmem_extract import aextract_memories, extract_memories, open_store
from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.schema import MEMORY_INDEX_FIELDS, Action
from langmem_extract.vector_cache import (
    ReusingEmbeddings,
    VectorCache,
    cached,
    vector_scope,
)
from tests.graph.helpers import active

NS = ("memories", "embed-once")
SEED = [
    "I live in Lisbon.",
    "I work as a nurse.",
    "I love hiking.",
    "My sister is called Ana.",
    "I prefer aisle seats.",
]
TURN = "I'm allergic to peanuts. I play the cello. Please keep answers short."


class Counting(HashingEmbeddings):
    """Records each call that reaches the model and the texts it embedded."""

    def __init__(self) -> None:
        super().__init__(dims=64)
        self.calls: list[list[str]] = []

    def _many(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return super()._many(texts)


def _seeded(store) -> None:
    for i, text in enumerate(SEED):
        extract_memories([{"id": f"s{i}", "role": "user", "content": text}], store=store,
                         namespace=NS)  # fmt: skip


@pytest.mark.parametrize("backend", ["duckdb", "inmemory"])
def test_a_capture_of_new_memories_makes_one_embedder_call(backend: str) -> None:
    emb = Counting()
    store = (
        open_store(":memory:", embeddings=emb)
        if backend == "duckdb"
        else InMemoryStore(index={"dims": 64, "embed": emb, "fields": MEMORY_INDEX_FIELDS})
    )
    _seeded(store)
    emb.calls.clear()
    r = extract_memories([{"id": "t", "role": "user", "content": TURN}], store=store, namespace=NS)
    assert r.stored == 3 and r.deduplicated == 0
    # One call: the three candidates as passages, and the turn they cite for recall's
    # dense turn ranking (langmem_extract.turn_vectors); the similarity searches and the
    # write reused those vectors (before, the searches embedded them as queries and the
    # write embedded them again).
    assert len(emb.calls) == 1
    assert sorted(emb.calls[0]) == sorted([*(c.content for c in r.candidates), TURN])
    # The vectors written are the model's own: a search by the stored text finds each.
    for cand in r.candidates:
        hit = store.search(NS, query=cand.content, limit=1)[0]
        assert hit.value["content"] == cand.content


def test_an_exact_duplicate_costs_nothing_more() -> None:
    emb = Counting()
    with open_store(":memory:", embeddings=emb) as store:
        _seeded(store)
        emb.calls.clear()
        r = extract_memories([{"id": "t1", "role": "user", "content": "I love hiking."}],
                             store=store, namespace=NS)  # fmt: skip
        # The candidate and the new turn it cites (logged with its vector), in one call.
        assert r.deduplicated == 1 and emb.calls == [["User loves hiking.", "I love hiking."]]


def test_a_reinforced_memory_costs_one_more_call_and_no_text_is_embedded_twice() -> None:
    emb = Counting()
    with open_store(":memory:", embeddings=emb) as store:
        _seeded(store)
        emb.calls.clear()
        turn = "I really enjoy hiking. I play the cello."
        r = extract_memories([{"id": "t2", "role": "user", "content": turn}], store=store,
                             namespace=NS)  # fmt: skip
        assert [c.action for c in r.candidates] == [Action.MERGE, Action.ADD]
        # The candidates in one call; the reinforced memory ("User loves hiking.") is
        # written back with its history, and its stored text is embedded in a second call.
        assert len(emb.calls) == 2 and emb.calls[1] == ["User loves hiking."]
        texts = Counter(t for call in emb.calls for t in call)
        assert all(n == 1 for n in texts.values()), texts
        assert set(emb.calls[0]) == {*(c.content for c in r.candidates), turn}


def test_async_capture_reuses_the_vectors_too() -> None:
    emb = Counting()
    with open_store(":memory:", embeddings=emb) as store:
        _seeded(store)
        emb.calls.clear()
        turn = [{"id": "t3", "role": "user", "content": TURN}]
        r = asyncio.run(aextract_memories(turn, store=store, namespace=NS))
        assert r.stored == 3
        assert len(emb.calls) == 1


def test_a_dry_run_on_an_empty_store_embeds_nothing() -> None:
    emb = Counting()
    with open_store(":memory:", embeddings=emb) as store:
        r = extract_memories([{"role": "user", "content": TURN}], store=store, namespace=NS,
                             dry_run=True)  # fmt: skip
        assert r.extracted == 3 and emb.calls == []


def test_an_embedder_that_does_not_reuse_still_works() -> None:
    class Plain(Counting):
        reuses_vectors = False

    emb = Plain()
    with open_store(":memory:", embeddings=emb) as store:
        _seeded(store)
        emb.calls.clear()
        r = extract_memories([{"role": "user", "content": TURN}], store=store, namespace=NS)
        assert r.stored == 3
        # Without reuse: the searches embed each text (one query at a time, as this
        # embedder has no embed_queries), then the write embeds them all again; the
        # logged turn is not embedded (recall could not reuse its query's vector).
        assert Counter(t for call in emb.calls for t in call) == Counter(
            2 * [c.content for c in r.candidates]
        )
        assert len(active(store, NS)) == len(SEED) + 3


def test_wrapping_any_embedder_makes_it_reuse() -> None:
    inner = Counting()
    inner.reuses_vectors = False  # type: ignore[misc]  # as a third-party embedder
    emb = ReusingEmbeddings(inner)
    assert emb.dims == 64  # read through from the wrapped embedder
    with open_store(":memory:", embeddings=emb) as store:
        _seeded(store)
        inner.calls.clear()
        r = extract_memories([{"role": "user", "content": TURN}], store=store, namespace=NS)
        assert r.stored == 3 and len(inner.calls) == 1


def test_a_cache_answers_only_its_own_embedder_and_only_in_its_scope() -> None:
    mine, other = Counting(), Counting()
    cache = VectorCache(mine, passages={"tea": [1.0] + [0.0] * 63})
    with vector_scope(cache):
        assert mine.embed_documents(["tea"]) == [[1.0] + [0.0] * 63]
        assert mine.calls == []
        other.embed_documents(["tea"])  # another model's vectors are never reused
        assert other.calls == [["tea"]]
        # misses are embedded together, once, then cached
        mine.embed_documents(["a", "b", "a"])
        mine.embed_documents(["b"])
        assert mine.calls == [["a", "b"]]
        # queries and passages are different vectors for e5: separate tables
        mine.embed_query("tea")
        assert mine.calls[-1] == ["tea"]
    mine.embed_documents(["tea"])  # outside the scope: the model again
    assert mine.calls[-1] == ["tea"]
    assert cached(mine, "passage", ["x"], lambda t: [[0.5]]) == [[0.5]]
