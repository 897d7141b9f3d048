"""recall.py, the ranking core: no LangChain retriever in it, one rule for every caller."""

from __future__ import annotations

import subprocess
import sys

import pytest

from langmem_extract import MemoryRetriever
from langmem_extract.errors import InvalidInputError, UnknownExtractionTypeError
from langmem_extract.recall import RecallPlan, arecall_memories, recall_memories
from tests.integrations.helpers import in_memory_store, put_memory

NS = ("memories", "u1")


def test_recall_imports_no_integration_and_no_retriever() -> None:
    code = (
        "import sys, langmem_extract.recall\n"
        "bad = [m for m in sys.modules if m.startswith(('langmem_extract.integrations',"
        " 'langchain_core.retrievers', 'langchain_core.documents'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_retriever_documents_are_recall_results() -> None:
    store = in_memory_store()
    for text in ["User lives in Lisbon", "User likes tea", "User likes jazz"]:
        put_memory(store, NS, text)
    hits = recall_memories(store, "what does the user like", NS, k=3)
    docs = MemoryRetriever(store=store, namespace=NS, k=3).invoke("what does the user like")
    assert [(d.metadata["id"], d.metadata["similarity"]) for d in docs] == [
        (h.memory.id, h.similarity) for h in hits
    ]
    # Recency is measured from each plan's own clock: equal up to the time between calls.
    assert [d.metadata["score"] for d in docs] == pytest.approx([h.score for h in hits])


async def test_async_recall_matches_sync() -> None:
    store = in_memory_store()
    for text in ["User lives in Lisbon", "User likes tea"]:
        put_memory(store, NS, text)
    sync = recall_memories(store, "tea", NS, k=2)
    hits = await arecall_memories(store, "tea", NS, k=2)
    assert [h.memory for h in hits] == [h.memory for h in sync]
    assert [h.score for h in hits] == pytest.approx([h.score for h in sync])


def test_the_items_location_is_its_id_and_namespace() -> None:
    # A value whose own id disagrees with its key is read at its key, as memories.py reads
    # it, so the id a retriever document carries can be fetched back.
    store = in_memory_store()
    memory = put_memory(store, NS, "User likes tea")
    store.put(NS, "moved-key", {**memory.to_value(), "id": "stale-id"})
    ids = {h.memory.id for h in recall_memories(store, "tea", NS, k=5)}
    assert ids == {memory.id, "moved-key"}
    docs = MemoryRetriever(store=store, namespace=NS, k=5).invoke("tea")
    assert {d.metadata["id"] for d in docs} == ids
    assert all(store.get(tuple(d.metadata["namespace"]), d.id) is not None for d in docs)


def test_one_type_parser_for_retriever_and_recall() -> None:
    store = in_memory_store()
    put_memory(store, NS, "User likes tea", type="preference")
    put_memory(store, NS, "User lives in Lisbon", type="fact")
    put_memory(store, NS, "User wants to run a marathon", type="goal")
    wanted = {"User likes tea", "User lives in Lisbon"}
    hits = recall_memories(store, "user", NS, type="preference, FACT")
    assert {h.memory.content for h in hits} == wanted
    docs = MemoryRetriever(store=store, namespace=NS, types="preference, FACT").invoke("user")
    assert {d.page_content for d in docs} == wanted
    with pytest.raises(UnknownExtractionTypeError, match="unknown memory type 'feeling'"):
        MemoryRetriever(store=store, types="fact,feeling")
    with pytest.raises(InvalidInputError, match="at least one memory type"):
        RecallPlan("x", NS, types=[])


def test_an_empty_query_lists_for_a_plan_but_not_for_recall_memories() -> None:
    store = in_memory_store()
    put_memory(store, NS, "User likes tea")
    assert [h.similarity for h in RecallPlan("", NS).run(store)] == [None]
    with pytest.raises(InvalidInputError, match="recall query is empty"):
        recall_memories(store, " ", NS)


@pytest.mark.parametrize("k", [0, 101, True, 2.5])
def test_recall_memories_bounds_k(k: object) -> None:
    with pytest.raises(InvalidInputError, match="k must be between 1 and 100"):
        recall_memories(in_memory_store(), "tea", k=k)  # type: ignore[arg-type]


# -- time bounds


def test_event_time_filter_answers_what_happened_in_a_month() -> None:
    from datetime import UTC, datetime

    store = in_memory_store()
    may = put_memory(
        store, NS, "User did a pottery class", type="event",
        event_time=datetime(2023, 5, 12, tzinfo=UTC),
    )  # fmt: skip
    put_memory(
        store, NS, "User did a cooking class", type="event",
        event_time=datetime(2023, 7, 2, tzinfo=UTC),
    )  # fmt: skip
    put_memory(store, NS, "User did like classes")  # no event time: cannot be placed in May
    # All three were stored now, so a bound on storage time cannot tell them apart ...
    assert recall_memories(store, "what did I do", NS, since="2023-05-01", until="2023-06-01") == []
    # ... a bound on when they happened can: "what did I do in May 2023?"
    hits = recall_memories(
        store, "what did I do", NS,
        since="2023-05-01", until=datetime(2023, 5, 31, 23, 59), time_field="event_time",
    )  # fmt: skip
    assert [h.memory.id for h in hits] == [may.id]
    docs = MemoryRetriever(
        store=store, namespace=NS, since="2023-05-01T00:00:00Z", time_field="event_time"
    ).invoke("what did I do", until="2023-05-31")
    assert [d.metadata["id"] for d in docs] == [may.id]
    assert docs[0].metadata["event_time"] == "2023-05-12T00:00:00+00:00"


@pytest.mark.parametrize(
    "options",
    [
        {"since": "last tuesday"},
        {"until": ""},
        {"since": 12.5},
        {"since": ["2023-05-01"]},
        {"since": "2023-06-01", "until": "2023-05-01"},
        {"time_field": "updated_at"},
    ],
)
def test_bad_time_bounds_are_input_errors(options: dict[str, object]) -> None:
    store = in_memory_store()
    with pytest.raises(InvalidInputError):
        recall_memories(store, "tea", NS, **options)
    with pytest.raises(InvalidInputError):
        MemoryRetriever(store=store, namespace=NS).invoke("tea", **options)
