"""The calibrated relevance score and the default floor of every agent-facing path.

Runs the bundled E5 embedder on the persona set in ``relevance_set.py``: everyday
requests that need no memory should bring (almost) nothing into the model's context,
while questions about the persona still find the memory that answers them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore
from typer.testing import CliRunner

from langmem_extract import MemoryRetriever, create_memory_tools
from langmem_extract.errors import InvalidInputError
from langmem_extract.integrations.agent import MemoryMiddleware, MemoryRecall
from langmem_extract.recall import (
    CALIBRATIONS,
    DEFAULT_RELEVANCE_FLOOR,
    IDENTITY_CALIBRATION,
    RelevanceCalibration,
    calibration_for,
    recall_memories,
)
from langmem_extract.schema import MEMORY_INDEX_FIELDS
from tests.conftest import HashEmbeddings
from tests.integrations.fakes import ScriptedChatModel
from tests.integrations.helpers import in_memory_store, put_memory
from tests.integrations.relevance_set import IN_DOMAIN, OFF_DOMAIN, PERSONA

NS = ("memories", "u1")
CFG = {"configurable": {"user_id": "u1", "thread_id": "t1"}}
OFF_SAMPLE = ["What's the boiling point of tungsten?", "Who wrote 'Pride and Prejudice'?"]


@pytest.fixture(scope="module")
def persona_store(e5_embeddings: Embeddings) -> InMemoryStore:
    store = InMemoryStore(
        index={"dims": 384, "embed": e5_embeddings, "fields": MEMORY_INDEX_FIELDS}
    )
    for content in PERSONA:
        put_memory(store, NS, content)
    return store


# -- the calibration


def test_calibration_maps_cosine_to_an_absolute_zero_to_one_relevance() -> None:
    cal = RelevanceCalibration(unrelated=0.75, exact=0.95)
    assert cal(0.75) == 0.0 and cal(0.5) == 0.0 and cal(None) == 0.0
    assert cal(0.95) == 1.0 and cal(0.99) == 1.0
    assert cal(0.85) == pytest.approx(0.5)
    with pytest.raises(InvalidInputError):
        RelevanceCalibration(unrelated=0.9, exact=0.8)


def test_calibration_is_chosen_per_embedder(e5_embeddings: Embeddings) -> None:
    e5_store = InMemoryStore(index={"dims": 384, "embed": e5_embeddings})
    assert calibration_for(e5_store) is CALIBRATIONS["E5Embeddings:original"]
    # No fitted calibration: the clamped cosine.
    assert calibration_for(in_memory_store()) is IDENTITY_CALIBRATION
    assert calibration_for(InMemoryStore()) is IDENTITY_CALIBRATION
    own = RelevanceCalibration(unrelated=0.1, exact=0.9)
    emb = HashEmbeddings()
    emb.relevance_calibration = own  # type: ignore[attr-defined]
    assert calibration_for(InMemoryStore(index={"dims": 64, "embed": emb})) is own


def test_e5_scores_mean_the_same_across_queries(persona_store: InMemoryStore) -> None:
    # An exact match scores about 1, whatever the query.
    for content in ("User is vegetarian.", "User takes the 8:05 train to work."):
        [hit] = recall_memories(persona_store, content, NS, k=1)
        assert hit.memory.content == content
        assert hit.score > 0.9
    # The best match for a request that needs no memory stays near 0, although its raw
    # cosine is high (E5 puts unrelated texts at about 0.75).
    [hit] = recall_memories(persona_store, "What's the boiling point of tungsten?", NS, k=1)
    assert hit.similarity is not None and hit.similarity > 0.7
    assert hit.score < DEFAULT_RELEVANCE_FLOOR
    # An answering memory sits in between, above the floor.
    [hit] = recall_memories(persona_store, "What is my cat's name?", NS, k=1)
    assert hit.memory.content == "User has a cat named Pimenta."
    assert DEFAULT_RELEVANCE_FLOOR < hit.score < 0.9


def test_score_threshold_must_be_a_number(persona_store: InMemoryStore) -> None:
    with pytest.raises(InvalidInputError, match="score_threshold"):
        recall_memories(persona_store, "tea", NS, score_threshold="high")


# -- the persona measurement (figures in docs/concepts.md)


def test_default_recall_injects_little_off_domain_and_finds_in_domain(
    persona_store: InMemoryStore,
) -> None:
    assert len(PERSONA) >= 20 and len(OFF_DOMAIN) >= 50
    recall = MemoryRecall(persona_store)
    injected = [len(recall.recall([HumanMessage(q)], config=CFG)) for q in OFF_DOMAIN]
    assert sum(injected) / len(injected) <= 1.0
    found = 0
    for question, answer in IN_DOMAIN:
        docs = recall.recall([HumanMessage(question)], config=CFG)
        found += answer in [d.page_content for d in docs[:5]]
    assert found / len(IN_DOMAIN) >= 0.9
    # Without the floor every turn gets k memories.
    unfloored = MemoryRecall(persona_store, score_threshold=None)
    assert all(len(unfloored.recall([HumanMessage(q)], config=CFG)) == 5 for q in OFF_SAMPLE)


# -- the floor on each path


def test_plain_retriever_keeps_top_k_unless_a_threshold_is_set(
    persona_store: InMemoryStore,
) -> None:
    retriever = MemoryRetriever(store=persona_store, namespace=NS, k=3)
    assert len(retriever.invoke(OFF_SAMPLE[0])) == 3
    assert retriever.invoke(OFF_SAMPLE[0], score_threshold=DEFAULT_RELEVANCE_FLOOR) == []
    docs = retriever.invoke("Do I eat meat?", score_threshold=DEFAULT_RELEVANCE_FLOOR)
    assert docs[0].page_content == "User is vegetarian."
    assert all(d.metadata["score"] >= DEFAULT_RELEVANCE_FLOOR for d in docs)


def test_memory_recall_node_adds_nothing_below_the_floor(persona_store: InMemoryStore) -> None:
    node = MemoryRecall(persona_store, output_key="memories")
    for query in OFF_SAMPLE:
        assert node({"messages": [HumanMessage(query)]}, CFG) == {"memories": ""}
    note = node({"messages": [HumanMessage("Do I eat meat?")]}, CFG)["memories"]
    assert "- User is vegetarian." in note
    # The floor is configurable: at 0 everything fetched is relevant enough.
    loose = MemoryRecall(persona_store, output_key="memories", score_threshold=0.0)
    assert loose({"messages": [HumanMessage(OFF_SAMPLE[0])]}, CFG)["memories"].count("\n- ") == 5


def _middleware_prompt(store: BaseStore, question: str, **options: object) -> str:
    from langchain.agents import create_agent

    model = ScriptedChatModel(replies=["ok"])
    agent = create_agent(
        model,
        [],
        system_prompt="You are helpful.",
        middleware=[MemoryMiddleware(store, capture=False, **options)],  # type: ignore[arg-type]
    )
    agent.invoke({"messages": [HumanMessage(question)]}, CFG)
    system = model.calls[0][0]
    assert isinstance(system, SystemMessage)
    return system.text


def test_middleware_adds_nothing_below_the_floor(persona_store: InMemoryStore) -> None:
    assert _middleware_prompt(persona_store, OFF_SAMPLE[0]) == "You are helpful."
    assert "- User is vegetarian." in _middleware_prompt(persona_store, "Do I eat meat?")
    loose = _middleware_prompt(
        persona_store, OFF_SAMPLE[0], retriever_options={"score_threshold": None}
    )
    assert loose.count("\n- ") == 5


def test_search_memory_tool_returns_nothing_below_the_floor(
    persona_store: InMemoryStore,
) -> None:
    [search] = [t for t in create_memory_tools(persona_store) if t.name == "search_memory"]
    assert json.loads(search.invoke({"query": OFF_SAMPLE[1]}, config=CFG)) == []
    found = json.loads(search.invoke({"query": "What's my cat called?"}, config=CFG))
    assert found[0]["content"] == "User has a cat named Pimenta."
    [loose] = [
        t
        for t in create_memory_tools(persona_store, score_threshold=0.0)
        if t.name == "search_memory"
    ]
    assert len(json.loads(loose.invoke({"query": OFF_SAMPLE[1]}, config=CFG))) == 5
    with pytest.raises(InvalidInputError):
        create_memory_tools(persona_store, score_threshold="low")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def persona_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from langmem_extract.store.factory import open_store

    path = tmp_path_factory.mktemp("db") / "persona.duckdb"
    store = open_store(str(path))
    try:
        for content in PERSONA[:8]:
            put_memory(store, ("memories", "maya"), content)
    finally:
        store.close()  # type: ignore[attr-defined]
    yield path


def test_cli_recall_applies_the_floor(persona_db: Path) -> None:
    from langmem_extract.cli import app

    def recall(*args: str) -> list[dict[str, object]]:
        result = CliRunner().invoke(
            app, ["recall", *args, "--user-id", "maya", "--db", str(persona_db), "--json"]
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["results"]

    assert recall(OFF_SAMPLE[0]) == []
    hits = recall("Do I eat meat?")
    assert hits[0]["memory"]["content"] == "User is vegetarian."  # type: ignore[index]
    assert all(h["score"] >= DEFAULT_RELEVANCE_FLOOR for h in hits)  # type: ignore[operator]
    assert len(recall(OFF_SAMPLE[0], "--min-score", "0")) == 5
