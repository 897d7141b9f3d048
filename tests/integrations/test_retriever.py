from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from langchain_core.documents import Document
from langgraph.store.base import BaseStore

from langmem_extract import MemoryRetriever
from langmem_extract.errors import (
    InvalidInputError,
    InvalidNamespaceError,
    UnknownExtractionTypeError,
)
from langmem_extract.schema import MemoryStatus
from tests.backends import BACKENDS, make_store
from tests.conftest import HashEmbeddings
from tests.integrations.helpers import NOW, in_memory_store, put_memories, put_memory

NS = ("memories", "u1")


@pytest.fixture(params=["inmemory", *BACKENDS])
def store(request: pytest.FixtureRequest) -> Iterator[BaseStore]:
    if request.param == "inmemory":
        yield in_memory_store()
        return
    # Token-hash embeddings keep these ranking tests fast and exact on every backend.
    with make_store(request.param, HashEmbeddings(), dims=64) as s:
        yield s


def contents(docs: list[Document]) -> list[str]:
    return [d.page_content for d in docs]


def test_documents_carry_memory_and_metadata(store: BaseStore) -> None:
    m = put_memory(
        store,
        NS,
        "User is vegetarian",
        type="preference",
        category="food",
        confidence=0.9,
        importance=0.7,
        source_message_ids=["msg-1"],
    )
    put_memory(store, NS, "User plays the cello on weekends")
    docs = MemoryRetriever(store=store, namespace=NS, k=1).invoke("is the user vegetarian")
    assert len(docs) == 1
    doc = docs[0]
    assert doc.page_content == "User is vegetarian"
    assert doc.id == m.id
    meta = doc.metadata
    assert meta["id"] == m.id
    assert meta["type"] == "preference"
    assert meta["category"] == "food"
    assert meta["confidence"] == 0.9
    assert meta["importance"] == 0.7
    assert meta["source_message_ids"] == ["msg-1"]
    assert meta["created_at"] == m.created_at.isoformat()
    assert meta["valid_from"] == m.valid_from.isoformat()
    assert meta["valid_to"] is None
    assert meta["status"] == "active"
    assert meta["namespace"] == list(NS)
    assert 0.0 < meta["score"] <= 1.0


def test_superseded_excluded_by_default_and_included_on_request(store: BaseStore) -> None:
    put_memory(store, NS, "User lives in Lisbon")
    put_memory(
        store,
        NS,
        "User lives in Porto",
        status=MemoryStatus.SUPERSEDED,
        valid_to=NOW,
    )
    default = MemoryRetriever(store=store, namespace=NS, k=5).invoke("where does the user live")
    assert contents(default) == ["User lives in Lisbon"]
    both = MemoryRetriever(store=store, namespace=NS, k=5, include_superseded=True).invoke(
        "where does the user live"
    )
    assert sorted(contents(both)) == ["User lives in Lisbon", "User lives in Porto"]
    assert {d.metadata["status"] for d in both} == {"active", "superseded"}


def test_type_category_and_confidence_filters(store: BaseStore) -> None:
    put_memory(store, NS, "User likes green tea", type="preference", category="food")
    put_memory(store, NS, "User wants to learn Portuguese", type="goal", category="learning")
    put_memory(store, NS, "User always wants short answers", type="instruction", confidence=0.3)
    put_memory(store, NS, "User is a nurse", type="fact", category="work", confidence=0.95)
    r = MemoryRetriever(store=store, namespace=NS, k=10)
    q = "user"
    assert contents(r.invoke(q, types="goal")) == ["User wants to learn Portuguese"]
    assert sorted(contents(r.invoke(q, types=["preference", "instruction"]))) == [
        "User always wants short answers",
        "User likes green tea",
    ]
    assert contents(r.invoke(q, category="work")) == ["User is a nurse"]
    assert "User always wants short answers" not in contents(r.invoke(q, min_confidence=0.5))
    assert len(r.invoke(q, min_confidence=0.5)) == 3


def test_time_range_on_valid_from_and_created_at(store: BaseStore) -> None:
    put_memory(store, NS, "User visited Rome", age_days=40)
    put_memory(store, NS, "User visited Oslo", age_days=10)
    put_memory(store, NS, "User visited Kyoto", age_days=1)
    r = MemoryRetriever(store=store, namespace=NS, k=10)
    q = "where did the user travel"
    recent = r.invoke(q, since=NOW - timedelta(days=15))
    assert sorted(contents(recent)) == ["User visited Kyoto", "User visited Oslo"]
    window = r.invoke(q, since=NOW - timedelta(days=15), until=NOW - timedelta(days=5))
    assert contents(window) == ["User visited Oslo"]
    old = r.invoke(q, until=NOW - timedelta(days=30), time_field="created_at")
    assert contents(old) == ["User visited Rome"]


def test_pure_similarity_versus_importance_and_recency_weights(store: BaseStore) -> None:
    put_memory(store, NS, "User drinks coffee every morning", importance=0.1, age_days=300)
    put_memory(store, NS, "User is allergic to peanuts", importance=1.0, age_days=200)
    put_memory(store, NS, "User started a new job", importance=0.2, age_days=0)
    q = "User drinks coffee every morning"
    by_sim = MemoryRetriever(store=store, namespace=NS, k=3, weights=(1, 0, 0)).invoke(q)
    assert by_sim[0].page_content == "User drinks coffee every morning"
    sims = [d.metadata["similarity"] for d in by_sim]
    assert sims == sorted(sims, reverse=True)
    assert [d.metadata["score"] for d in by_sim] == [
        pytest.approx(min(max(s, 0.0), 1.0)) for s in sims
    ]
    by_importance = MemoryRetriever(store=store, namespace=NS, k=3, weights=(0, 1, 0)).invoke(q)
    assert contents(by_importance)[0] == "User is allergic to peanuts"
    by_recency = MemoryRetriever(store=store, namespace=NS, k=3, weights=(0, 0, 1)).invoke(q)
    assert contents(by_recency) == [
        "User started a new job",
        "User is allergic to peanuts",
        "User drinks coffee every morning",
    ]
    # 30-day half-life: 200 days old → 0.5 ** (200 / 30)
    assert by_recency[1].metadata["rank_score"] == pytest.approx(0.5 ** (200 / 30), rel=1e-3)


def test_score_threshold_drops_weak_matches(store: BaseStore) -> None:
    put_memory(store, NS, "User is vegetarian")
    put_memory(store, NS, "User owns a red bicycle")
    r = MemoryRetriever(store=store, namespace=NS, k=5, weights=(1, 0, 0))
    docs = r.invoke("User is vegetarian")
    top = docs[0].metadata["score"]
    assert docs[0].page_content == "User is vegetarian"
    limited = r.invoke("User is vegetarian", score_threshold=top - 1e-6)
    assert contents(limited) == ["User is vegetarian"]
    assert r.invoke("User is vegetarian", score_threshold=1.01) == []


def test_overfetch_keeps_reading_past_filtered_items(store: BaseStore) -> None:
    # 16 near-identical facts outrank the single goal; a multi-type filter runs in
    # Python, so the retriever must page past them to find it.
    put_memories(store, NS, [f"User likes hiking trail number {i}" for i in range(16)])
    put_memory(store, NS, "User plans a long trip", type="goal")
    r = MemoryRetriever(store=store, namespace=NS, k=2, fetch_k=3)
    docs = r.invoke("User likes hiking trail", types=["goal", "decision"])
    assert contents(docs) == ["User plans a long trip"]


def test_templated_namespace_from_config_and_user_id(store: BaseStore) -> None:
    put_memory(store, ("memories", "alice"), "User is vegetarian")
    put_memory(store, ("memories", "bob"), "User eats steak daily")
    r = MemoryRetriever(store=store, namespace=("memories", "{user_id}"), k=5)
    docs = r.invoke("what does the user eat", config={"configurable": {"user_id": "alice"}})
    assert contents(docs) == ["User is vegetarian"]
    assert contents(r.invoke("food", user_id="bob")) == ["User eats steak daily"]
    fixed = MemoryRetriever(store=store, namespace=("memories", "{user_id}"), user_id="bob")
    assert contents(fixed.invoke("food")) == ["User eats steak daily"]
    with pytest.raises(InvalidNamespaceError, match="user_id"):
        r.invoke("food")


async def test_async_matches_sync(store: BaseStore) -> None:
    for text in ["User is vegetarian", "User lives in Lisbon", "User likes jazz"]:
        put_memory(store, NS, text)
    r = MemoryRetriever(store=store, namespace=NS, k=2)
    sync_docs = r.invoke("vegetarian food in Lisbon")
    async_docs = await r.ainvoke("vegetarian food in Lisbon")
    assert [d.id for d in async_docs] == [d.id for d in sync_docs]
    assert len(async_docs) == 2


def test_foreign_items_in_namespace_are_skipped(store: BaseStore) -> None:
    store.put(NS, "note", {"content": "User notes without a memory shape"})
    put_memory(store, NS, "User keeps notes")
    docs = MemoryRetriever(store=store, namespace=NS, k=5).invoke("User notes")
    assert contents(docs) == ["User keeps notes"]


@pytest.mark.parametrize("k", [0, -3, True, 1.5])
def test_k_must_be_positive(k: object) -> None:
    s = in_memory_store()
    with pytest.raises(InvalidInputError, match="k must be a positive integer"):
        MemoryRetriever(store=s, k=k)
    r = MemoryRetriever(store=s)
    with pytest.raises(InvalidInputError, match="k must be a positive integer"):
        r.invoke("x", k=k)


async def test_k_must_be_positive_async() -> None:
    with pytest.raises(InvalidInputError, match="k must be a positive integer"):
        await MemoryRetriever(store=in_memory_store()).ainvoke("x", k=0)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"weights": (0, 0, 0)}, InvalidInputError),
        ({"weights": (1, -1, 0)}, InvalidInputError),
        ({"min_confidence": 1.5}, InvalidInputError),
        ({"types": ["fact", "feeling"]}, UnknownExtractionTypeError),
        ({"since": NOW, "until": NOW - timedelta(days=1)}, InvalidInputError),
        ({"fetch_k": 0}, InvalidInputError),
        ({"recency_half_life_days": 0}, InvalidInputError),
        ({"namespace": ("memories", "a.b")}, InvalidNamespaceError),
    ],
)
def test_bad_options_raise_typed_errors(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        MemoryRetriever(store=in_memory_store(), **kwargs)


def test_unknown_invoke_option_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="unknown MemoryRetriever option"):
        MemoryRetriever(store=in_memory_store()).invoke("x", top_k=3)
