"""Recall reuses the vector of a question asked again (``query_vectors``): the model is
not called, the results are the same, and writes, forgets and namespaces are honoured
as without the cache (it holds question vectors, never results)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langgraph.store.memory import InMemoryStore

from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.memories import forget_memory
from langmem_extract.query_vectors import forget_query_vectors, recent_query_vector
from langmem_extract.recall import recall_memories
from langmem_extract.schema import MEMORY_INDEX_FIELDS
from langmem_extract.store.duckdb import DuckDBStore
from langmem_extract.vector_cache import VectorCache, vector_scope
from tests.index_builds import remember_fact

NS = ("memories", "u1")
OTHER = ("memories", "u2")


class CountingEmbeddings(HashingEmbeddings):
    """Hashing vectors; counts the texts the model computes."""

    def __init__(self, dims: int = 64) -> None:
        super().__init__(dims)
        self.computed: list[str] = []

    def _many(self, texts: list[str]) -> list[list[float]]:
        self.computed.extend(texts)
        return super()._many(texts)


@pytest.fixture
def embedder() -> CountingEmbeddings:
    return CountingEmbeddings()


@pytest.fixture(params=["duckdb", "inmemory"])
def store(request: pytest.FixtureRequest, embedder: CountingEmbeddings) -> Iterator:
    index = {"dims": 64, "embed": embedder, "fields": MEMORY_INDEX_FIELDS}
    if request.param == "inmemory":
        yield InMemoryStore(index=index)  # type: ignore[arg-type]
        return
    with DuckDBStore.from_conn_string(":memory:", index=index) as duck:
        duck.setup()
        yield duck


def contents(hits) -> list[str]:
    return [h.memory.content for h in hits]


@pytest.mark.parametrize("hybrid", [True, False])
def test_a_question_asked_again_is_not_embedded_again(
    store, embedder: CountingEmbeddings, hybrid: bool
) -> None:
    remember_fact(store, NS, "a1", "I keep bees on the roof.", "User keeps bees on the roof.")
    remember_fact(store, NS, "a2", "I sail a small dinghy.", "User sails a small dinghy.")
    question = "what do I keep on the roof"
    embedder.computed.clear()
    first = recall_memories(store, question, NS, k=2, hybrid=hybrid)
    assert embedder.computed == [question]  # once: the store's search reused it
    again = recall_memories(store, question, NS, k=2, hybrid=hybrid)
    assert embedder.computed == [question]
    assert contents(again) == contents(first)
    assert [h.score for h in again] == [h.score for h in first]
    forget_query_vectors(embedder)  # the same results when embedded afresh
    fresh = recall_memories(store, question, NS, k=2, hybrid=hybrid)
    assert embedder.computed == [question, question]
    assert [h.memory.id for h in fresh] == [h.memory.id for h in first]
    assert [h.score for h in fresh] == [h.score for h in first]


def test_writes_and_forgets_reach_a_recall_with_a_reused_vector(
    store, embedder: CountingEmbeddings
) -> None:
    remember_fact(store, NS, "a1", "I keep bees on the roof.", "User keeps bees on the roof.")
    question = "which musical instrument do I play"
    assert "User plays the cello." not in contents(recall_memories(store, question, NS, k=3))
    # A new memory with its evidence turn (and the turn's vector) after the vector was kept.
    remember_fact(store, NS, "a2", "I play the cello every evening.", "User plays the cello.")
    embedder.computed.clear()
    hits = recall_memories(store, question, NS, k=3)
    assert question not in embedder.computed  # the vector was reused ...
    assert "User plays the cello." in contents(hits)  # ... and the new memory is found
    cello = next(h.memory for h in hits if h.memory.content == "User plays the cello.")
    forget_memory(store, cello.id, NS)
    after = recall_memories(store, question, NS, k=3)
    assert all(h.memory.id != cello.id for h in after)
    assert all("cello" not in h.memory.content for h in after if h.observation)


def test_no_namespace_gets_another_ones_memories(store, embedder: CountingEmbeddings) -> None:
    remember_fact(store, NS, "a1", "I keep bees on the roof.", "User keeps bees on the roof.")
    remember_fact(
        store, OTHER, "b1", "My alarm code is under the mat.", "User hides a note under the mat."
    )
    question = "what is under the mat"
    theirs = recall_memories(store, question, OTHER, k=3)
    assert "User hides a note under the mat." in contents(theirs)
    embedder.computed.clear()
    mine = recall_memories(store, question, NS, k=3)
    assert question not in embedder.computed  # the same question's vector, reused ...
    assert mine and all(tuple(h.memory.namespace[:2]) == NS for h in mine)  # ... scoped
    assert "User hides a note under the mat." not in contents(mine)


def test_each_embedder_keeps_its_own_vectors() -> None:
    small, large = CountingEmbeddings(dims=16), CountingEmbeddings(dims=32)
    assert len(recent_query_vector(small, "where do I live")) == 16
    assert len(recent_query_vector(large, "where do I live")) == 32
    assert small.computed == ["where do I live"] and large.computed == ["where do I live"]
    assert recent_query_vector(small, "where do I live") == small.embed_query("where do I live")


def test_only_the_most_recent_questions_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("langmem_extract.query_vectors.RECENT_QUERIES", 2)
    emb = CountingEmbeddings()
    for text in ("one", "two", "one", "three", "one", "two"):
        recent_query_vector(emb, text)
    # "two" was the least recent when "three" came, so it was embedded again at the end.
    assert emb.computed == ["one", "two", "three", "two"]


def test_a_capture_scope_is_answered_by_its_own_cache_and_never_kept() -> None:
    emb = CountingEmbeddings()
    passage = emb.embed_documents(["User keeps bees."])[0]
    cache = VectorCache(emb, {"User keeps bees.": passage})
    cache.search_as_passages(["User keeps bees."])  # the dedup lookup's deliberate answer
    with vector_scope(cache):
        assert recent_query_vector(emb, "User keeps bees.") == passage
    emb.computed.clear()
    assert recent_query_vector(emb, "User keeps bees.") == emb._one("User keeps bees.")
    assert emb.computed == ["User keeps bees."]  # the scope's answer was not kept


def test_a_caller_cannot_change_a_kept_vector() -> None:
    emb = CountingEmbeddings()
    vector = recent_query_vector(emb, "what do I cook")
    vector[0] = 99.0
    assert recent_query_vector(emb, "what do I cook") == emb._one("what do I cook")
