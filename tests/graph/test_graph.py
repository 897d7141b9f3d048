"""Graph contract: input validation, secrets, caps and filters, value format, streaming,
subgraphs, concurrency, async."""

from __future__ import annotations

import threading
from typing import Any, TypedDict

import pytest
from langgraph.graph import END, START, StateGraph
from langgraph.store.base import BaseStore

from langmem_extract.errors import (
    InvalidMaxMemoriesError,
    InvalidNamespaceError,
    LLMRateLimitError,
    LLMRefusalError,
    LLMTimeoutError,
    MessageTooLongError,
    NonTextContentError,
    TooManyMessagesError,
    UnknownExtractionTypeError,
    UnknownRoleError,
)
from langmem_extract.extractors.llm import LLMExtractor
from langmem_extract.graph.builder import (
    NODE_NAMES,
    aextract_memories,
    build_memory_graph,
    extract_memories,
)
from langmem_extract.schema import EXTRACT_TAG, Action, ExtractionResult, Memory, MemoryType
from tests.extractors.fakes import HTTPStatusError, RecordingChatModel, memories_reply
from tests.graph.helpers import stored

NS = ("users", "u1")
OK = [{"role": "user", "content": "I love hiking."}]

SECRET_CHAT = [
    {"id": "s1", "role": "user", "content": "My password is hunter2 and my API key is sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw."},
    {"id": "s2", "role": "assistant", "content": "Please don't share secrets here."},
    {"id": "s3", "role": "user", "content": "My AWS key is AKIAIOSFODNN7EXAMPLE. I live in Lisbon."},
    {"id": "s4", "role": "user", "content": "Use Bearer abc123DEF456ghi789 and card 4111 1111 1111 1111, pwd: S3cr3tPass!"},
    {"id": "s5", "role": "user", "content": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----"},
]  # fmt: skip
SECRET_VALUES = ["hunter2", "sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw", "AKIAIOSFODNN7EXAMPLE",
                 "abc123DEF456ghi789", "4111 1111 1111 1111", "S3cr3tPass", "MIIEowIBAAKCAQEA7"]  # fmt: skip


def _dump(store: BaseStore) -> str:
    return "\n".join(str(m.to_value()) for m in stored(store, NS))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"messages": []}, TooManyMessagesError),
        ({"messages": OK * 201}, TooManyMessagesError),
        ({"messages": [{"role": "user", "content": "x" * 8193}]}, MessageTooLongError),
        ({"messages": [{"role": "user", "content": "x" * 101}], "max_message_chars": 100}, MessageTooLongError),
        ({"messages": [{"role": "wizard", "content": "hi"}]}, UnknownRoleError),
        ({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}, NonTextContentError),
        ({"messages": OK, "max_memories": 0}, InvalidMaxMemoriesError),
        ({"messages": OK, "max_memories": 101}, InvalidMaxMemoriesError),
        ({"messages": OK, "max_memories": True}, InvalidMaxMemoriesError),
        ({"messages": OK, "extraction_types": ["preference", "opinion"]}, UnknownExtractionTypeError),
        ({"messages": OK, "namespace": ()}, InvalidNamespaceError),
        ({"messages": OK, "namespace": ("a.b",)}, InvalidNamespaceError),
        ({"messages": OK, "namespace": ("a\x00",)}, InvalidNamespaceError),
        ({"messages": OK, "namespace": ("langgraph", "x")}, InvalidNamespaceError),
        ({"messages": OK, "namespace": ("langgraph", "x"), "dry_run": True}, InvalidNamespaceError),
        ({"messages": OK, "namespace": "users//x"}, InvalidNamespaceError),
    ],
)  # fmt: skip
def test_bad_input_raises_typed_error_and_writes_nothing(
    inmemory_store: BaseStore, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    args = {"namespace": NS, **kwargs}
    messages = args.pop("messages")
    with pytest.raises(error) as info:
        extract_memories(messages, store=inmemory_store, **args)
    assert str(info.value)  # a clear message
    assert inmemory_store.search((), limit=10) == []


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (TimeoutError("read timed out"), LLMTimeoutError),
        (HTTPStatusError(429, {"retry-after-ms": "1"}), LLMRateLimitError),
        ("refusal", LLMRefusalError),
    ],
)
def test_llm_errors_raise_typed_error_and_write_nothing(
    inmemory_store: BaseStore, failure: Any, error: type[Exception]
) -> None:
    from langchain_core.messages import AIMessage

    reply = (
        AIMessage(content="", additional_kwargs={"refusal": "no"})
        if failure == "refusal"
        else failure
    )
    model = RecordingChatModel(messages=iter([reply] * 3))
    extractor = LLMExtractor(model, max_retries=2, retry_backoff=0.001)
    with pytest.raises(error):
        extract_memories(OK, store=inmemory_store, namespace=NS, extractor=extractor)
    assert inmemory_store.search((), limit=10) == []
    assert len(model.prompts) == (1 if failure == "refusal" else 3)  # bounded retries


def test_secrets_are_never_sent_nor_stored(inmemory_store: BaseStore) -> None:
    # the model "echoes" a secret back: the second line of defence must catch it
    reply = memories_reply(
        {"content": "User lives in Lisbon.", "source_message_ids": ["s3"], "attribute": "location", "value": "Lisbon"},
        {"content": "User's password is hunter2.", "source_message_ids": ["s1"]},
    )  # fmt: skip
    model = RecordingChatModel(messages=iter([reply]))
    result = extract_memories(SECRET_CHAT, store=inmemory_store, namespace=NS,
                              extractor=LLMExtractor(model))  # fmt: skip
    sent = model.prompt_text()
    assert "[REDACTED:" in sent
    for secret in SECRET_VALUES:
        assert secret not in sent
        assert secret not in _dump(inmemory_store)
    assert [m.content for m in stored(inmemory_store, NS)] == ["User lives in Lisbon."]
    # 7 secrets replaced in the input, 2 in the model's reply (its content and title)
    assert result.redacted == len(SECRET_VALUES) + 2
    assert result.stored == 1 and result.skipped == 1
    assert "hunter2" not in result.model_dump_json()


def test_secrets_with_the_rule_extractor(memory_store: BaseStore) -> None:
    result = extract_memories(SECRET_CHAT, store=memory_store, namespace=NS)
    dump = _dump(memory_store)
    for secret in SECRET_VALUES:
        assert secret not in dump
    assert "REDACTED" not in dump
    assert [m.content for m in stored(memory_store, NS)] == ["User lives in Lisbon."]
    assert result.stored == 1 and result.redacted == len(SECRET_VALUES)


def test_max_memories_keeps_the_most_important(inmemory_store: BaseStore) -> None:
    chat = [
        {
            "role": "user",
            "content": "I love hiking. I went to Rome yesterday. Always answer in Spanish. I'm allergic to peanuts.",
        }
    ]
    r = extract_memories(chat, store=inmemory_store, namespace=NS, max_memories=2,
                         metadata={"reference_time": "2024-03-10T12:00:00Z"})  # fmt: skip
    assert r.extracted == 4 and r.stored == 2 and r.skipped == 2
    kept = {(c.type, c.category) for c in r.candidates if c.action == Action.ADD}
    # instruction 0.95; the allergy, a health preference, 0.85 over "I love hiking" 0.70
    assert kept == {(MemoryType.INSTRUCTION, "communication"), (MemoryType.PREFERENCE, "health")}
    skipped = [c for c in r.candidates if c.action == Action.SKIP]
    assert all("max_memories" in (c.reason or "") for c in skipped)
    assert min(c.importance for c in r.candidates if c.action == Action.ADD) >= max(
        c.importance for c in skipped
    )


def test_extraction_types_filter(inmemory_store: BaseStore) -> None:
    chat = [{"role": "user", "content": "I love hiking. I work as a nurse. Keep replies short."}]
    r = extract_memories(chat, store=inmemory_store, namespace=NS, extraction_types=["preference"])
    assert [(c.type, c.action) for c in r.candidates] == [
        (MemoryType.PREFERENCE, Action.ADD), (MemoryType.FACT, Action.SKIP),
        (MemoryType.INSTRUCTION, Action.SKIP),
    ]  # fmt: skip
    assert r.stored == 1 and r.skipped == 2
    assert [m.type for m in stored(inmemory_store, NS)] == [MemoryType.PREFERENCE]


def test_stored_value_is_exactly_the_memory_schema(memory_store: BaseStore) -> None:
    r = extract_memories(
        [{"id": "m-1", "role": "user", "content": "I prefer email over phone calls."}],
        store=memory_store, namespace=NS, agent_id="agent-7", user_id="u1",
        session_id="s-9", thread_id="t-3", metadata={"source_app": "crm"},
    )  # fmt: skip
    (item,) = [i for i in memory_store.search(NS, limit=10) if tuple(i.namespace) == NS]
    memory = Memory.from_item(item)
    assert item.key == memory.id == r.items[0].memory_id
    assert item.value == memory.to_value()
    assert set(item.value) == set(Memory.model_fields)
    assert (memory.agent_id, memory.user_id, memory.session_id, memory.thread_id) == (
        "agent-7",
        "u1",
        "s-9",
        "t-3",
    )
    assert memory.metadata["source_app"] == "crm"
    assert memory.source_message_ids == ["m-1"] and memory.tags[0] == EXTRACT_TAG
    assert "preference" in memory.tags and memory.category == "communication"
    assert memory.title == "User prefers email over phone calls" and len(memory.title) <= 100
    assert memory.confidence == 0.9 and memory.importance == 0.7
    assert memory.namespace == list(NS) and memory.status == "active"


def test_nodes_stream_in_order_and_result_is_final_state(inmemory_store: BaseStore) -> None:
    graph = build_memory_graph(inmemory_store)
    assert [n for n in graph.nodes if not n.startswith("__")] == list(NODE_NAMES)
    updates = list(
        graph.stream({"messages": OK, "namespace": NS, "dry_run": True}, stream_mode="updates")
    )
    assert [next(iter(u)) for u in updates] == list(NODE_NAMES)
    assert isinstance(updates[-1]["persist"]["result"], ExtractionResult)
    state = graph.invoke({"messages": OK, "namespace": NS})
    assert state["result"].stored == 1


class ParentState(TypedDict, total=False):
    messages: list[Any]
    namespace: tuple[str, ...]
    result: ExtractionResult


def test_subgraph_uses_the_parent_graphs_store(inmemory_store: BaseStore) -> None:
    parent = StateGraph(ParentState)
    parent.add_node("remember", build_memory_graph())
    parent.add_edge(START, "remember")
    parent.add_edge("remember", END)
    app = parent.compile(store=inmemory_store)
    out = app.invoke({"messages": OK, "namespace": NS})
    assert out["result"].stored == 1
    assert [m.content for m in stored(inmemory_store, NS)] == ["User loves hiking."]


def test_private_store_when_none_is_given() -> None:
    graph = build_memory_graph()
    first = graph.invoke({"messages": OK, "namespace": NS})["result"]
    second = graph.invoke({"messages": OK, "namespace": NS})["result"]
    assert (first.stored, second.deduplicated) == (1, 1)  # one store for the graph's life


def test_concurrent_writers_never_duplicate(inmemory_store: BaseStore) -> None:
    chat = [{"role": "user", "content": "I love hiking. My timezone is CET."}]
    results: list[ExtractionResult] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        results.append(extract_memories(chat, store=inmemory_store, namespace=NS))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(stored(inmemory_store, NS)) == 2
    assert sum(r.stored for r in results) == 2
    assert sum(r.deduplicated for r in results) == 6


async def test_async_extract(memory_store: BaseStore) -> None:
    r = await aextract_memories(OK, store=memory_store, namespace=NS)
    assert r.stored == 1
    again = await aextract_memories(OK, store=memory_store, namespace=NS)
    assert again.deduplicated == 1


def test_semantic_merge_and_its_guards(inmemory_store: BaseStore) -> None:
    # a low threshold so E5 scores these paraphrases as near-duplicates
    opts = {"store": inmemory_store, "namespace": NS, "similarity_threshold": 0.85}
    extract_memories(
        [{"id": "a", "role": "user", "content": "I have two cats named Milo and Otis."}], **opts
    )
    r = extract_memories(
        [{"id": "b", "role": "user", "content": "I have two cats called Milo and Otis."}], **opts
    )
    assert r.candidates[0].action == Action.MERGE and r.candidates[0].similarity >= 0.85
    assert r.candidates[0].reason == "near-duplicate of a stored memory"
    # same wording, different dates: two events, never merged
    went = "I went to a support group yesterday."
    extract_memories(
        [{"role": "user", "content": went, "timestamp": "2023-05-08T10:00:00Z"}], **opts
    )
    r = extract_memories(
        [{"role": "user", "content": went, "timestamp": "2023-07-04T10:00:00Z"}], **opts
    )
    assert r.candidates[0].action == Action.ADD
    # negation flips meaning: not a duplicate either
    extract_memories([{"role": "user", "content": "I enjoy spicy food."}], **opts)
    r = extract_memories([{"role": "user", "content": "I don't enjoy spicy food."}], **opts)
    assert r.candidates[0].action != Action.MERGE
