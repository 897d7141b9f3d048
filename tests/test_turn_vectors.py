"""Dense recall over evidence turns: vectors made when turns are logged, kept, dropped.

A small concept embedder (each dimension one group of synonyms) makes the meanings
explicit: the question shares meaning, not words, with the turn a memory paraphrased
away, while another memory is the nearer one by its own text.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract import extract_memories, open_store
from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.evidence import evidence_session
from langmem_extract.memories import forget_memory, purge_memories
from langmem_extract.message_log import message_log_for
from langmem_extract.recall import (
    RecallPlan,
    arecall_memories,
    calibration_for,
    recall_memories,
)
from langmem_extract.recall_index import NamespaceIndex, index_for
from langmem_extract.schema import MEMORY_INDEX_FIELDS
from langmem_extract.turn_vectors import (
    drop_turn_vectors,
    embedder_key,
    load_turn_vectors,
    save_turn_vectors,
    turn_cosines,
)
from langmem_extract.vector_cache import cached
from tests.backends import BACKENDS, make_store

NS = ("memories", "u1")
DIMS = 7
GROUPS = [
    {"removal", "removals", "movers", "relocation", "relocating"},
    {"house", "keys", "flat", "home"},
    {"furniture", "sofa", "carry"},
    {"paint", "painted", "repainted", "hallway"},
    {"cousin", "spain", "madrid"},
    {"saturday", "weekend"},
]


class Concepts(Embeddings):
    """One dimension per synonym group, a small constant so no vector is zero."""

    reuses_vectors = True

    def __init__(self) -> None:
        self.dims = DIMS
        self.calls: list[list[str]] = []

    def _many(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        out = []
        for text in texts:
            vec = [0.0] * (DIMS - 1) + [0.2]
            for word in re.findall(r"[a-z]+", text.lower()):
                for dim, group in enumerate(GROUPS):
                    vec[dim] += word in group
            norm = math.sqrt(sum(v * v for v in vec))
            out.append([v / norm for v in vec])
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return cached(self, "passage", texts, self._many)

    def embed_query(self, text: str) -> list[float]:
        return cached(self, "query", [text], self._many)[0]


@pytest.fixture(params=[*BACKENDS, "inmemory"])
def concept_store(request: pytest.FixtureRequest) -> Iterator[BaseStore]:
    emb = Concepts()
    if request.param == "inmemory":
        index = {"dims": DIMS, "embed": emb, "fields": MEMORY_INDEX_FIELDS}
        yield InMemoryStore(index=index)  # type: ignore[arg-type]
        return
    with make_store(request.param, emb, dims=DIMS) as store:
        yield store


def cand(content: str, *sources: str) -> dict:
    return {"content": content, "type": "fact", "source_message_ids": list(sources)}


def say(id_: str, content: str) -> dict:
    return {"id": id_, "role": "user", "name": "Ann", "content": content}


def test_a_turns_dense_match_beats_a_near_miss_memory(concept_store: BaseStore) -> None:
    messages = [
        say("t1", "The movers come on Saturday for our relocation."),
        say("t2", "My cousin is relocating to Madrid."),
        say("t3", "I repainted the hallway."),
    ]
    extract_memories(messages, store=concept_store, namespace=NS, candidates=[
        cand("Ann got the keys to a new house.", "t1"),
        cand("Ann's cousin lives in Spain.", "t2"),
        cand("Ann is relocating the sofa for the paint job.", "t3"),
    ])  # fmt: skip
    query = "When do the removals happen?"
    index = index_for(concept_store, NS)
    assert len(index.vectors) == 3  # the cited turns, embedded when logged
    plan = RecallPlan(query, NS, k=3)
    plan.calibration = calibration_for(concept_store)
    pool = [(item, m) for item in concept_store.search(NS, query=query, limit=20)
            if (m := plan_memory(item)) is not None]  # fmt: skip
    # The precondition: by the memories alone (dense; no word shared, so no lexical
    # ranking) the sofa memory is the nearer one; the house memory paraphrased the
    # removal away.
    assert not index.lexical.search(query, 5)
    without = plan.rank_hybrid(pool, index)
    assert without[0].memory.content == "Ann is relocating the sofa for the paint job."
    # The turn it came from matches the question by meaning: the dense turn ranking
    # credits the memory citing it.
    ranked = recall_memories(concept_store, query, NS, k=3)
    assert ranked[0].memory.content == "Ann got the keys to a new house."
    assert ranked[0].observation is False
    again = asyncio.run(arecall_memories(concept_store, query, NS, k=3))
    assert [r.memory.id for r in again] == [r.memory.id for r in ranked]


def plan_memory(item):  # type: ignore[no-untyped-def]
    from langmem_extract.memories import memory_from_item

    return memory_from_item(item)


def test_recall_embeds_the_query_once() -> None:
    emb = Concepts()
    with open_store(":memory:", embeddings=emb) as store:
        extract_memories([say("t1", "The movers come on Saturday.")], store=store, namespace=NS,
                         candidates=[cand("Ann got the keys to a new house.", "t1")])  # fmt: skip
        index_for(store, NS)
        emb.calls.clear()
        assert recall_memories(store, "When do the removals happen?", NS, k=2)
        assert emb.calls == [["When do the removals happen?"]]


def test_vectors_survive_reopen_and_leave_with_forget_and_purge(tmp_path: Path) -> None:
    path = tmp_path / "turns.duckdb"
    session = evidence_session(NS)
    with open_store(path, embeddings=HashingEmbeddings()) as store:
        extract_memories([say("t1", "I adopted a puppy called Biscuit."),
                          say("t2", "I work as a nurse in Leeds.")],
                         store=store, namespace=NS, candidates=[
            cand("Ann adopted a puppy called Biscuit.", "t1"),
            cand("Ann works as a nurse in Leeds.", "t2"),
        ])  # fmt: skip
        assert sorted(load_turn_vectors(store, session)) == ["t1", "t2"]
    with open_store(path, embeddings=HashingEmbeddings()) as store:
        assert sorted(load_turn_vectors(store, session)) == ["t1", "t2"]
        index = index_for(store, NS)
        assert sorted(k.split("\x1f")[1] for k in index.turn_matrix()[0]) == ["t1", "t2"]
        puppy = recall_memories(store, "puppy called Biscuit", NS, k=1)[0].memory
        forget_memory(store, puppy.id, NS)
        # The forgotten fact's turn and its vector are gone, from the store and the index.
        assert sorted(load_turn_vectors(store, session)) == ["t2"]
        assert [k.split("\x1f")[1] for k in index_for(store, NS).turn_matrix()[0]] == ["t2"]
        hits = recall_memories(store, "puppy called Biscuit", NS, k=5)
        assert all("Biscuit" not in h.memory.content for h in hits)
    with open_store(path, embeddings=HashingEmbeddings()) as store:
        assert sorted(load_turn_vectors(store, session)) == ["t2"]
        purge_memories(store, namespace=NS)
        assert load_turn_vectors(store, session) == {}


def test_a_cleared_chat_session_drops_its_vectors() -> None:
    with open_store(":memory:", embeddings=HashingEmbeddings()) as store:
        extract_memories([say("c1", "I moved to Porto.")], store=store, namespace=NS,
                         session_id="chat-1")  # fmt: skip
        assert "c1" in load_turn_vectors(store, "chat-1")
        message_log_for(store).clear("chat-1")
        assert load_turn_vectors(store, "chat-1") == {}


def test_storage_round_trip_on_every_store(concept_store: BaseStore) -> None:
    vectors = {"m1": [1.0] + [0.0] * 6, "m2": [0.0, 2.0] + [0.0] * 5}
    save_turn_vectors(concept_store, "s.1/x", vectors)
    got = load_turn_vectors(concept_store, "s.1/x")
    assert sorted(got) == ["m1", "m2"] and got["m2"][1] == pytest.approx(1.0)  # unit rows
    assert load_turn_vectors(concept_store, "other") == {}
    drop_turn_vectors(concept_store, "s.1/x", ["m1"])
    assert sorted(load_turn_vectors(concept_store, "s.1/x")) == ["m2"]
    drop_turn_vectors(concept_store, "s.1/x")
    assert load_turn_vectors(concept_store, "s.1/x") == {}


def test_vectors_of_another_embedder_are_not_used() -> None:
    with open_store(":memory:", embeddings=HashingEmbeddings(dims=8)) as store:
        save_turn_vectors(store, "s", {"m1": [1.0] * 8})
        assert embedder_key(store.embeddings) == "HashingEmbeddings"
        store.embeddings = Concepts()  # the same file read with another model
        assert load_turn_vectors(store, "s") == {}


def test_turn_cosines_score_every_turn_against_the_query() -> None:
    import numpy as np

    matrix = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype="float32")
    # The query vector need not be unit: it is normalised first.
    assert turn_cosines(["a", "b", "c"], matrix, [0.0, 2.0]) == pytest.approx(
        {"a": 0.0, "b": 0.8, "c": 1.0}
    )
    assert turn_cosines(["a"], None, [1.0, 0.0]) == {}
    assert turn_cosines(["a", "b", "c"], matrix, [1.0, 0.0, 0.0]) == {}  # wrong size
    assert turn_cosines(["a", "b", "c"], matrix, [0.0, 0.0]) == {}  # no direction


def test_an_index_without_vectors_ranks_as_before(concept_store: BaseStore) -> None:
    index = NamespaceIndex(concept_store, NS)
    index.load()
    assert index.turn_matrix() == ([], None)


def test_an_embedder_that_cannot_reuse_the_query_vector_ranks_turns_lexically() -> None:
    class Plain(Concepts):
        reuses_vectors = False

        def embed_query(self, text: str) -> list[float]:  # no vector cache
            return self._many([text])[0]

    emb = Plain()
    with open_store(":memory:", embeddings=emb) as store:
        extract_memories([say("t1", "The movers come on Saturday.")], store=store, namespace=NS,
                         candidates=[cand("Ann got the keys to a new house.", "t1")])  # fmt: skip
        # No turn vector is made: recall could only use it by embedding each query twice.
        assert load_turn_vectors(store, evidence_session(NS)) == {}
        index_for(store, NS)
        emb.calls.clear()
        assert recall_memories(store, "When do the removals happen?", NS, k=2)
        assert emb.calls == [["When do the removals happen?"]]


def test_a_chat_session_embeds_only_the_turns_its_memories_cite() -> None:
    with open_store(":memory:", embeddings=HashingEmbeddings()) as store:
        turns = [say("c1", "I moved to Porto."),
                 {"id": "c2", "role": "assistant", "content": "Porto is lovely in spring."},
                 say("c3", "Thanks, see you tomorrow.")]  # fmt: skip
        r = extract_memories(turns, store=store, namespace=NS, session_id="chat-2")
        assert r.stored == 1
        # The cited user turn has its vector; the reply and the small talk cite nothing.
        assert sorted(load_turn_vectors(store, "chat-2")) == ["c1"]
