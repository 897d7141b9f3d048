"""The exact-duplicate and conflict lookups dedup and persist share (graph/lookups.py),
and the one secret check classify and persist both apply."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from langgraph.store.base import BaseStore, PutOp

from langmem_extract.extractors.base import ExtractContext, ExtractorOutput
from langmem_extract.graph.builder import build_memory_graph, extract_memories
from langmem_extract.graph.lookups import LOOKUP_LIMIT
from langmem_extract.graph.persist import WritePlan
from langmem_extract.graph.state import ExtractionRequest
from langmem_extract.schema import Action, Candidate, ChatMessage, Memory, MemoryType
from tests.graph.helpers import active, stored

NS = ("users", "u1")
#: Same-text memories in child namespaces, stored after the one in NS: more than the 5
#: persist's exact re-check used to read, fewer than the shared limit.
DECOYS = 8
HIKE = "User went hiking in the Alps."
PARIS = "User lives in Paris."
MESSAGES = [{"id": "m1", "role": "user", "content": "Some news about me."}]


class _Given:
    """An extractor that proposes fixed candidates, citing the first message."""

    def __init__(self, *candidates: Candidate) -> None:
        self.candidates = candidates

    def extract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        ids = [messages[0].id]
        out = [c.model_copy(update={"source_message_ids": ids}) for c in self.candidates]
        return ExtractorOutput(candidates=out, model="given")

    async def aextract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        return self.extract(messages, context=context)


def _candidate(content: str, **fields: Any) -> Candidate:
    return Candidate(content=content, title=content.rstrip("."), type=MemoryType.FACT, **fields)


def _seed(store: BaseStore, content: str, **fields: Any) -> Memory:
    """One memory in NS, then DECOYS newer copies in child namespaces (DuckDB and
    PostgreSQL list the newest first, so the one in NS comes last)."""
    assert DECOYS < LOOKUP_LIMIT
    target = Memory(content=content, title=content.rstrip("."), type=MemoryType.FACT,
                    namespace=list(NS), source_message_ids=["old"], **fields)  # fmt: skip
    store.put(NS, target.id, target.to_value())
    decoys = []
    for i in range(DECOYS):
        ns = (*NS, f"project{i}")
        decoy = Memory(content=content, title=target.title, type=MemoryType.FACT,
                       namespace=list(ns), source_message_ids=["old"], **fields)  # fmt: skip
        decoys.append(PutOp(ns, decoy.id, decoy.to_value()))
    store.batch(decoys)
    return target


def _plan(store: BaseStore) -> WritePlan:
    request = ExtractionRequest(
        messages=[ChatMessage(id="m1", role="user", content="Some news about me.")], namespace=NS
    )
    return WritePlan(store, request, datetime.now(UTC))


def test_dedup_finds_an_exact_duplicate_behind_child_namespace_copies(
    memory_store: BaseStore,
) -> None:
    target = _seed(memory_store, HIKE)
    result = extract_memories(MESSAGES, store=memory_store, namespace=NS,
                              extractor=_Given(_candidate(HIKE)), semantic_dedup=False)  # fmt: skip
    assert (result.stored, result.deduplicated) == (0, 1)
    assert result.items[0].target_id == target.id
    assert [m.id for m in stored(memory_store, NS)] == [target.id]


def test_dedup_finds_a_conflict_behind_child_namespace_copies(memory_store: BaseStore) -> None:
    target = _seed(memory_store, PARIS, attribute="location", value="Paris")
    berlin = _candidate("User lives in Berlin.", attribute="location", value="Berlin")
    result = extract_memories(MESSAGES, store=memory_store, namespace=NS,
                              extractor=_Given(berlin), semantic_dedup=False)  # fmt: skip
    assert result.superseded == 1 and result.items[0].target_id == target.id
    assert [m.content for m in active(memory_store, NS)] == ["User lives in Berlin."]


def test_persist_recheck_finds_an_exact_duplicate_behind_child_namespace_copies(
    memory_store: BaseStore,
) -> None:
    # dedup planned an add; another writer stored the same memory before the lock was taken
    target = _seed(memory_store, HIKE)
    plan = _plan(memory_store)
    plan.apply(_candidate(HIKE, action=Action.ADD, source_message_ids=["m1"]))
    cand = plan.final[0]
    assert (cand.action, cand.target_id) == (Action.MERGE, target.id)
    assert cand.reason == "stored meanwhile by another writer"
    assert list(plan.pending) == [target.id]


def test_persist_recheck_finds_a_conflict_behind_child_namespace_copies(
    memory_store: BaseStore,
) -> None:
    # the planned supersede target is gone; the re-check finds the current active value
    target = _seed(memory_store, PARIS, attribute="location", value="Paris")
    plan = _plan(memory_store)
    berlin = _candidate("User lives in Berlin.", attribute="location", value="Berlin",
                        action=Action.SUPERSEDE, target_id="gone")  # fmt: skip
    plan.apply(berlin)
    assert (plan.final[0].action, plan.final[0].target_id) == (Action.SUPERSEDE, target.id)
    assert plan.items[0].status == "superseded"


def test_dry_run_without_a_store_plans_against_the_private_store() -> None:
    # dedup and persist always get a store: the private one when none is given
    result = extract_memories([{"role": "user", "content": "I love hiking."}], dry_run=True)
    assert [(i.action, i.status) for i in result.items] == [(Action.ADD, "planned")]


def test_classify_skips_a_secret_in_the_title(memory_store: BaseStore) -> None:
    leaky = Candidate(content="User shared their wifi details.", type=MemoryType.FACT,
                      title="Wifi password is hunter2")  # fmt: skip
    graph = build_memory_graph(memory_store, extractor=_Given(leaky))
    updates = list(graph.stream({"messages": MESSAGES, "namespace": NS}, stream_mode="updates"))
    classified = next(u["classify"] for u in updates if "classify" in u)["candidates"]
    assert classified[0].action == Action.SKIP and classified[0].redacted
    result = updates[-1]["persist"]["result"]
    assert (result.stored, result.skipped, result.redacted) == (0, 1, 1)
    assert stored(memory_store, NS) == []


def test_persist_skips_a_redaction_marker_whatever_the_path(memory_store: BaseStore) -> None:
    # a candidate that reaches the write without classify (e.g. given to persist directly)
    plan = _plan(memory_store)
    plan.apply(_candidate("User's wifi password is noted.", value="[REDACTED:password]",
                          action=Action.ADD))  # fmt: skip
    cand = plan.final[0]
    assert cand.action == Action.SKIP and cand.redacted
    assert plan.pending == {} and plan.items[0].status == "skipped"
