"""Hybrid recall: memories ranked with BM25 and their evidence turns, on every store."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract import query_expansion
from langmem_extract.evidence import evidence_session
from langmem_extract.fusion import (
    REFERENCE_BAND,
    TIME_BONUS,
    W_LEXICAL,
    W_MEMORY,
    W_TURN,
    W_VIEW,
    DenseContext,
    fused_score,
    gap_scale,
)
from langmem_extract.hybrid import fuse
from langmem_extract.integrations.retriever import MemoryRetriever
from langmem_extract.memories import forget_memory
from langmem_extract.message_log import message_log_for
from langmem_extract.recall import (
    CALIBRATIONS,
    DEFAULT_RELEVANCE_FLOOR,
    IDENTITY_CALIBRATION,
    RelevanceCalibration,
    calibration_for,
    recall_memories,
)
from langmem_extract.recall_index import NamespaceIndex, index_for
from langmem_extract.schema import MEMORY_INDEX_FIELDS, Memory, MemoryType
from langmem_extract.temporal import asks_when, query_period
from tests.backends import BACKENDS, make_store
from tests.index_builds import cand, remember

NS = ("memories", "u1")


@pytest.fixture(params=[*BACKENDS, "inmemory"])
def any_store(request: pytest.FixtureRequest, e5_embeddings: Embeddings) -> Iterator[BaseStore]:
    """An empty store on each backend, InMemoryStore included (conformance)."""
    if request.param == "inmemory":
        index = {"dims": 384, "embed": e5_embeddings, "fields": MEMORY_INDEX_FIELDS}
        yield InMemoryStore(index=index)  # type: ignore[arg-type]
        return
    with make_store(request.param, e5_embeddings, dims=384) as store:
        yield store


def test_lexical_evidence_beats_dense_near_miss(any_store: BaseStore) -> None:
    messages = [
        {"id": "t1", "role": "user",
         "content": "We had dinner at Casa Ondina again, the grilled octopus was perfect."},
        {"id": "t2", "role": "user", "content": "My sister started violin lessons."},
        {"id": "t3", "role": "user",
         "content": "I want to try a new seafood restaurant in Lisbon soon."},
    ]  # fmt: skip
    remember(any_store, messages, [
        cand("User enjoys grilled octopus.", "t1"),
        cand("User's sister takes violin lessons.", "t2"),
        cand("User wants to try a new seafood restaurant in Lisbon.", "t3"),
    ])  # fmt: skip
    query = "What did I eat at Casa Ondina?"
    dense = MemoryRetriever(store=any_store, namespace=NS, k=3, hybrid=False).invoke(query)
    # The precondition: by embeddings alone the restaurant wish is the nearer memory.
    assert dense[0].page_content.startswith("User wants to try")
    hybrid = MemoryRetriever(store=any_store, namespace=NS, k=3).invoke(query)
    assert hybrid[0].page_content == "User enjoys grilled octopus."
    assert hybrid[0].metadata["source_message_ids"] == ["t1"]
    # Fusion changes the order, not the meaning of score: the same calibrated cosine.
    by_id = {d.metadata["id"]: d.metadata["score"] for d in dense}
    for doc in hybrid:
        assert doc.metadata["score"] == pytest.approx(by_id[doc.metadata["id"]])
    assert hybrid[0].metadata["observation"] is False


def test_extract_memories_logs_cited_messages_redacted(any_store: BaseStore) -> None:
    secret = "sk-" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"
    messages = [
        {"id": "c1", "role": "user", "content": f"I moved to Porto, my key is {secret}"},
        {"id": "c2", "role": "user", "content": "Nice weather today."},
    ]
    remember(any_store, messages, [cand("User moved to Porto.", "c1")])
    logged = message_log_for(any_store).load(evidence_session(NS))
    assert [m.id for m in logged] == ["c1"]  # only what a memory cites, id kept
    assert secret not in logged[0].text and "[REDACTED:" in logged[0].text
    # A second write of the same evidence is not logged twice.
    remember(any_store, messages, [cand("User lives in Porto now.", "c1")])
    assert [m.id for m in message_log_for(any_store).load(evidence_session(NS))] == ["c1"]
    # With a session id the evidence goes to that session.
    remember(any_store, [{"id": "c3", "role": "user", "content": "I play the cello."}],
             [cand("User plays the cello.", "c3")], session_id="chat-9")  # fmt: skip
    assert [m.id for m in message_log_for(any_store).load("chat-9")] == ["c3"]


def test_uncovered_turn_comes_back_as_observation(any_store: BaseStore) -> None:
    log = message_log_for(any_store)
    log.append("s1", [
        HumanMessage("I adopted a greyhound called Pixel.", id="h1"),
        AIMessage("Lovely! How is Pixel settling in?", id="a1"),
        HumanMessage("The mechanic said the Corvara gearbox needs a new clutch plate.", id="h2"),
    ])  # fmt: skip
    remember(any_store, [{"id": "h1", "role": "user",
                          "content": "I adopted a greyhound called Pixel."}],
             [cand("User adopted a greyhound called Pixel.", "h1")], session_id="s1")  # fmt: skip
    docs = MemoryRetriever(store=any_store, namespace=NS, k=3).invoke(
        "What does the Corvara gearbox need?"
    )
    observations = [d for d in docs if d.metadata["observation"]]
    assert observations, [d.page_content for d in docs]
    obs = observations[0]
    assert obs.metadata["source_message_ids"] == ["h2"]
    assert obs.metadata["kind"] == "episodic" and obs.metadata["category"] == "observation"
    assert "Corvara gearbox" in obs.page_content
    assert 0.0 <= obs.metadata["score"] <= 1.0
    # A memory-only filter leaves observations out.
    typed = MemoryRetriever(store=any_store, namespace=NS, k=3, types=["fact"]).invoke(
        "What does the Corvara gearbox need?"
    )
    assert not any(d.metadata["observation"] for d in typed)


def test_forgotten_and_superseded_leave_the_lexical_index(any_store: BaseStore) -> None:
    remember(any_store, [{"id": "f1", "role": "user", "content": "My locker code word is Tamarisk."}],
             [cand("User's locker code word is Tamarisk.", "f1")])  # fmt: skip
    query = "What is the Tamarisk locker code word?"
    first = recall_memories(any_store, query, NS, k=3)
    assert first and first[0].memory.content == "User's locker code word is Tamarisk."
    forget_memory(any_store, first[0].memory.id, NS)
    after = recall_memories(any_store, query, NS, k=3)
    # Neither the memory nor its evidence turn (as an observation) comes back, and the
    # turn the graph logged for it is gone from the namespace's evidence session.
    assert all("Tamarisk" not in hit.memory.content for hit in after)
    assert "f1" not in [m.id for m in message_log_for(any_store).load(evidence_session(NS))]
    # A superseded value leaves the lexical ranking; the current one is found by it.
    remember(
        any_store,
        [{"id": "l1", "role": "user", "content": "I live in Lisbon."}],
        [cand("User lives in Lisbon.", "l1", attribute="location", value="Lisbon")],
    )
    remember(
        any_store,
        [{"id": "l2", "role": "user", "content": "I moved to Porto."}],
        [cand("User lives in Porto.", "l2", attribute="location", value="Porto")],
    )
    hits = recall_memories(any_store, "Lisbon", NS, k=5)
    assert [h.memory.content for h in hits] == ["User lives in Porto."]
    assert not any(h.observation for h in hits)


def test_time_in_the_question_uses_event_time(any_store: BaseStore) -> None:
    remember(any_store, [
        {"id": "e1", "role": "user", "content": "We hiked in the Pyrenees."},
        {"id": "e2", "role": "user", "content": "We hiked in the Dolomites."},
    ], [
        cand("User hiked in the Pyrenees.", "e1", type="event",
             event_time=datetime(2022, 8, 3, tzinfo=UTC)),
        cand("User hiked in the Dolomites.", "e2", type="event",
             event_time=datetime(2023, 5, 14, tzinfo=UTC)),
    ])  # fmt: skip
    hits = recall_memories(any_store, "Where did I go hiking in May 2023?", NS, k=2)
    assert hits[0].memory.content == "User hiked in the Dolomites."
    hits = recall_memories(any_store, "Where did I go hiking in August 2022?", NS, k=2)
    assert hits[0].memory.content == "User hiked in the Pyrenees."
    window = recall_memories(any_store, "hiking", NS, k=2, time_field="event_time",
                             since="2023-01-01", until="2023-12-31")  # fmt: skip
    assert [h.memory.content for h in window] == ["User hiked in the Dolomites."]


def test_floor_still_drops_unrelated_requests(any_store: BaseStore) -> None:
    remember(any_store, [{"id": "v1", "role": "user", "content": "I am vegetarian."}],
             [cand("User is vegetarian.", "v1")])  # fmt: skip
    for query in ("What's the boiling point of tungsten?", "convert 5 miles to km"):
        hits = recall_memories(any_store, query, NS, k=5,
                               score_threshold=DEFAULT_RELEVANCE_FLOOR)  # fmt: skip
        assert hits == []
    hits = recall_memories(any_store, "Am I vegetarian?", NS, k=5,
                           score_threshold=DEFAULT_RELEVANCE_FLOOR)  # fmt: skip
    assert [h.memory.content for h in hits] == ["User is vegetarian."]
    assert hits[0].score == pytest.approx(calibration_for(any_store)(hits[0].similarity))


def test_query_time_parsing() -> None:
    now = datetime(2024, 3, 10, tzinfo=UTC)
    assert query_period("what did I do in May 2023?", now) == (
        datetime(2023, 5, 1, tzinfo=UTC), datetime(2023, 6, 1, tzinfo=UTC))  # fmt: skip
    assert query_period("what did I do last year?", now) == (
        datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC))  # fmt: skip
    assert query_period("what is my dog called?", now) is None
    assert asks_when("When did I move to Porto?") and not asks_when("Where do I live?")


def test_index_kept_by_change_notices_matches_a_fresh_read(any_store: BaseStore) -> None:
    index = index_for(any_store, NS)  # read once, while the namespace is empty
    remember(
        any_store,
        [{"id": "p1", "role": "user", "content": "I live in Lisbon."}],
        [cand("User lives in Lisbon.", "p1", attribute="location", value="Lisbon")],
    )
    remember(any_store, [{"id": "p2", "role": "user", "content": "I moved to Porto."}],
             [cand("User lives in Porto.", "p2", attribute="location", value="Porto")],
             session_id="chat-2")  # fmt: skip
    message_log_for(any_store).append("chat-2", [HumanMessage("Tiramisu is my weakness.", id="p3")])
    remember(any_store, [{"id": "p4", "role": "user", "content": "I have a cat named Miso."}],
             [cand("User has a cat named Miso.", "p4")])  # fmt: skip
    miso = recall_memories(any_store, "cat Miso", NS, k=1)[0].memory
    forget_memory(any_store, miso.id, NS)
    fresh = NamespaceIndex(any_store, NS)
    fresh.load()
    assert index.documents() == fresh.documents()
    assert index.documents()  # the writes did reach it
    assert "turn:" + "chat-2\x1fp3" in index.documents()  # the uncovered turn
    for query in ("Lisbon Porto", "tiramisu weakness", "cat Miso"):
        assert index.lexical.scores(query) == pytest.approx(fresh.lexical.scores(query))


def test_a_namespace_too_large_to_index_ranks_densely(
    any_store: BaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("langmem_extract.recall_index.MAX_INDEXED_MEMORIES", 1)
    remember(any_store, [{"id": "z1", "role": "user", "content": "I play chess."},
                         {"id": "z2", "role": "user", "content": "I grow basil."}],
             [cand("User plays chess.", "z1"), cand("User grows basil.", "z2")])  # fmt: skip
    hybrid = recall_memories(any_store, "chess", NS, k=2)
    dense = recall_memories(any_store, "chess", NS, k=2, hybrid=False)
    assert index_for(any_store, NS).too_large
    assert [h.memory.id for h in hybrid] == [h.memory.id for h in dense]
    assert [h.rank_score for h in hybrid] == pytest.approx([h.rank_score for h in dense])


def test_fused_score_weighs_each_signal_on_its_own_scale() -> None:
    """The fused score reads gaps to the query's best memory and best turn, so a turn
    cosine is weighed against turns and a memory's against memories."""
    dense = DenseContext.of({"a": 0.90, "b": 0.85, "c": 0.80}, {"ta": 0.80, "tb": 0.78, "tc": 0.86})
    a = fused_score(dense, "a", ["ta"], 0.0)
    b = fused_score(dense, "b", ["tb"], 0.0)
    c = fused_score(dense, "c", ["tc"], 0.0)
    # The nearest memory keeps the lead although its turn is not the best: a turn lifts a
    # memory, never sinks it below its own wording.
    assert a == 0.0
    assert b == pytest.approx((W_MEMORY + W_TURN + W_VIEW) * (0.85 - 0.90))
    assert c == pytest.approx(W_MEMORY * (0.80 - 0.90) + W_VIEW * (0.86 - 0.90))
    # c is the farthest memory but cites the best turn: it passes b, nearer by its own
    # wording, whose turn matches less.
    assert a > c > b
    # Lexical evidence lifts a candidate past a dense gap, monotonically.
    assert fused_score(dense, "b", ["tb"], 5.0) > fused_score(dense, "b", ["tb"], 1.0) > b
    assert fused_score(dense, "c", ["tc"], 9.0) > a
    # A memory whose turns have no vector has its own gap in the turn's place; one the
    # dense search did not fetch stands at the pool's lowest cosine; so does an observation.
    every = W_MEMORY + W_TURN + W_VIEW
    assert fused_score(dense, "b", ["none"], 0.0) == pytest.approx(every * (0.85 - 0.90))
    assert fused_score(dense, "x", [], 0.0) == pytest.approx(every * (0.80 - 0.90))
    assert fused_score(dense, None, ["tc"], 0.0) == pytest.approx(every * (0.80 - 0.90))
    # A dated candidate for a question about that time gets the bonus.
    assert fused_score(dense, "a", ["ta"], 0.0, bonus=TIME_BONUS) == pytest.approx(a + TIME_BONUS)
    # Without any dense signal (no embedder) only the lexical term orders.
    lexical_only = DenseContext.of({}, {})
    assert fused_score(lexical_only, "a", ["ta"], 2.0) == pytest.approx(W_LEXICAL * math.log(3))


def pottery_index() -> NamespaceIndex:
    """Four memories, two of them about pottery, each citing its own turn."""
    index = NamespaceIndex(InMemoryStore(), NS)
    texts = {
        "pot": "Alex signed up for a pottery class.",
        "wheel": "Alex bought a pottery wheel.",
        "tea": "Alex drinks green tea.",
        "run": "Alex runs on Sundays.",
    }
    for key, content in texts.items():
        memory = Memory(id=key, content=content, title=content, type=MemoryType.FACT,
                        namespace=list(NS), source_message_ids=[f"t-{key}"])  # fmt: skip
        index.memories[key] = memory
        index.lexical.add(key, content)
    return index


def test_fuse_orders_the_union_of_its_sources_by_fused_score(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Candidates come from the dense pool and the lexical ranking (each cut at
    ``pool``); each carries its fused score and, when fetched, its own cosine. (Without
    the lexical feedback, so the query's own BM25 is the score read: feedback is
    tests/test_query_expansion.py's.)"""
    monkeypatch.setattr(query_expansion, "FEEDBACK_WEIGHT", 0.0)
    index = pottery_index()
    memories = index.memories
    dense = [(memories["tea"], 0.91), (memories["run"], 0.90), (memories["wheel"], 0.86)]
    ranked = fuse("pottery class", dense, index, lambda m: True, None, pool=2)
    # "wheel" is third densely (cut at 2) but found lexically; "pot" lexically only.
    assert {hit.key for hit in ranked} == {"tea", "run", "pot", "wheel"}
    assert [hit.fused for hit in ranked] == sorted((hit.fused for hit in ranked), reverse=True)
    by_key = {hit.key: hit for hit in ranked}
    # Found only lexically, "pot" stands at the pool's lowest cosine, as "wheel" does by
    # its own; both query words put it first of the two. The fetched cosine is kept, none
    # is invented.
    assert ranked.index(by_key["pot"]) < ranked.index(by_key["wheel"])
    assert by_key["pot"].cosine is None and by_key["wheel"].cosine == 0.86
    assert ranked[0].key == "tea" and ranked[0].cosine == 0.91
    scores = index.lexical.scores("pottery class")
    context = DenseContext.of({"tea": 0.91, "run": 0.90, "wheel": 0.86}, {})
    for hit in ranked:
        expected = fused_score(context, hit.key, [], scores.get(hit.key, 0.0))
        assert hit.fused == pytest.approx(expected)


def test_cosine_gaps_are_read_on_the_fitted_embedders_scale() -> None:
    """An embedder whose cosines are E5's stretched to a wider band ranks as E5 does once
    its calibration is given; read as raw cosines, its wider gaps would drown the lexical
    evidence the weights were fitted to balance."""
    index = pottery_index()
    e5 = CALIBRATIONS["E5Embeddings:original"]
    wide = RelevanceCalibration(unrelated=0.1, exact=0.9)

    def stretched(cosine: float) -> float:
        return wide.unrelated + (cosine - e5.unrelated) * (wide.exact - wide.unrelated) / (
            e5.exact - e5.unrelated
        )

    cosines = {"tea": 0.875, "run": 0.870, "wheel": 0.865}

    def order(calibration: RelevanceCalibration, stretch: bool) -> list[str]:
        memories = index.memories
        dense = [(memories[k], stretched(c) if stretch else c) for k, c in cosines.items()]
        ranked = fuse("pottery class", dense, index, lambda m: True, None, pool=3,
                      calibration=calibration)  # fmt: skip
        return [hit.key for hit in ranked]

    reference = order(e5, stretch=False)
    # Both query words put "pot" (not fetched densely) first with E5's narrow gaps.
    assert reference[0] == "pot"
    assert order(wide, stretch=True) == reference
    # Without the calibration the stretched gaps outweigh the lexical evidence.
    assert order(IDENTITY_CALIBRATION, stretch=True)[0] == "tea"
    assert gap_scale(e5) == 1.0 and gap_scale(None) == gap_scale(IDENTITY_CALIBRATION) == 1.0
    assert gap_scale(wide) == pytest.approx(REFERENCE_BAND / 0.8)
