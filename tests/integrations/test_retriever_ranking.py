"""The retriever's blend (``rank_score``): pool-relative similarity, importance and recency as
tie-breakers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from langchain_core.documents import Document

from langmem_extract import MemoryRetriever
from langmem_extract.recall import DEFAULT_WEIGHTS, _pool_relative
from tests.integrations.helpers import NOW, in_memory_store, put_memory

NS = ("memories", "u1")


def contents(docs: list[Document]) -> list[str]:
    return [d.page_content for d in docs]


def test_pool_relative_rescales_best_to_one_and_weakest_to_zero() -> None:
    assert _pool_relative([0.80, 0.90, 0.85]) == pytest.approx([0.0, 1.0, 0.5])
    # A narrow band (as E5 cosines are) still spans the full 0-1 range.
    assert _pool_relative([0.91, 0.92]) == pytest.approx([0.0, 1.0])
    assert _pool_relative([0.7, 0.7]) == [1.0, 1.0]
    assert _pool_relative([]) == []


def test_default_score_follows_the_documented_formula() -> None:
    store = in_memory_store()
    put_memory(store, NS, "User drinks coffee every morning", importance=0.3, age_days=10)
    put_memory(store, NS, "User drinks tea at night", importance=0.9, age_days=60)
    put_memory(store, NS, "User owns a red bicycle", importance=0.5, age_days=0)
    # The dense-only ranking's formula; hybrid puts its fused rank in place of similarity.
    docs = MemoryRetriever(store=store, namespace=NS, k=10, hybrid=False).invoke(
        "User drinks coffee"
    )
    assert len(docs) == 3
    sims = [min(max(d.metadata["similarity"], 0.0), 1.0) for d in docs]
    lo, hi = min(sims), max(sims)
    ws, wi, wr = DEFAULT_WEIGHTS
    for doc, sim in zip(docs, sims, strict=True):
        age_days = {
            "User drinks coffee every morning": 10,
            "User drinks tea at night": 60,
            "User owns a red bicycle": 0,
        }[doc.page_content]
        expected = (
            ws * (sim - lo) / (hi - lo)
            + wi * doc.metadata["importance"]
            + wr * 0.5 ** (age_days / 30)
        ) / (ws + wi + wr)
        assert doc.metadata["rank_score"] == pytest.approx(expected, abs=1e-3)
    scores = [d.metadata["rank_score"] for d in docs]
    assert scores == sorted(scores, reverse=True)


def test_importance_does_not_outweigh_a_clearly_better_match() -> None:
    store = in_memory_store()
    put_memory(store, NS, "User drinks coffee every morning", importance=0.05, age_days=300)
    put_memory(store, NS, "User drinks water", importance=1.0, age_days=0)
    put_memory(store, NS, "User owns a red bicycle", importance=1.0, age_days=0)
    q = "User drinks coffee every morning"
    by_default = MemoryRetriever(store=store, namespace=NS, k=3).invoke(q)
    by_sim = MemoryRetriever(store=store, namespace=NS, k=3, weights=(1, 0, 0)).invoke(q)
    assert contents(by_default)[0] == "User drinks coffee every morning"
    assert contents(by_default) == contents(by_sim)


def test_importance_and_recency_break_a_similarity_tie() -> None:
    store = in_memory_store()
    low = put_memory(store, NS, "User visited the museum", importance=0.2, age_days=5)
    high = put_memory(store, NS, "User visited the museum", importance=0.9, age_days=5)
    old = put_memory(store, NS, "User visited the museum", importance=0.9, age_days=400)
    docs = MemoryRetriever(store=store, namespace=NS, k=3).invoke("User visited the museum")
    assert [d.metadata["id"] for d in docs] == [high.id, old.id, low.id]


def test_recency_counts_from_event_time_not_ingest_time() -> None:
    store = in_memory_store()
    # Both stored just now; one tells of something that happened 300 days ago.
    past = put_memory(
        store, NS, "User ran a marathon", type="event", event_time=NOW - timedelta(days=300)
    )
    put_memory(store, NS, "User ran a marathon too", type="event")
    r = MemoryRetriever(store=store, namespace=NS, k=2, weights=(0, 0, 1))
    docs = r.invoke("User ran a marathon")
    assert docs[-1].metadata["id"] == past.id
    assert docs[-1].metadata["rank_score"] == pytest.approx(0.5 ** (300 / 30), rel=1e-3)
    assert docs[0].metadata["rank_score"] == pytest.approx(1.0, abs=1e-3)


def test_score_is_the_calibrated_similarity_and_threshold_a_floor() -> None:
    store = in_memory_store()
    put_memory(store, NS, "User is vegetarian")
    put_memory(store, NS, "User owns a red bicycle")
    r = MemoryRetriever(store=store, namespace=NS, k=5, weights=(1, 0, 0))
    docs = r.invoke("User is vegetarian")
    for d in docs:
        # Token-hash embeddings have no fitted calibration: the clamped cosine.
        assert d.metadata["score"] == pytest.approx(min(max(d.metadata["similarity"], 0), 1))
        assert d.metadata["rank_score"] == pytest.approx(d.metadata["score"])
    floor = (docs[0].metadata["similarity"] + docs[1].metadata["similarity"]) / 2
    assert contents(r.invoke("User is vegetarian", score_threshold=floor)) == ["User is vegetarian"]
