"""Context turns: the message before each cited one is logged, read by recall, and
dropped with the memories it was logged for."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.store.memory import InMemoryStore

from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.evidence import context_ids, evidence_session
from langmem_extract.memories import forget_memory
from langmem_extract.message_log import message_log_for
from langmem_extract.recall import recall_memories
from langmem_extract.recall_index import NamespaceIndex
from langmem_extract.schema import MEMORY_INDEX_FIELDS, ChatMessage
from langmem_extract.turn_vectors import load_turn_vectors
from tests.index_builds import NS, cand, remember

PARADE = [
    {"id": "a1", "role": "assistant", "content": "Did you make it to the lantern parade in Valdora?"},
    {"id": "u1", "role": "user", "content": "Yes! Last week, with my cousins."},
    {"id": "a2", "role": "assistant", "content": "And how is the kiln repair going?"},
    {"id": "u2", "role": "user", "content": "Finished, it fires evenly again."},
]  # fmt: skip


def _store() -> InMemoryStore:
    index = {"dims": 64, "embed": HashingEmbeddings(dims=64), "fields": MEMORY_INDEX_FIELDS}
    return InMemoryStore(index=index)  # type: ignore[arg-type]


def _index(store: InMemoryStore) -> NamespaceIndex:
    index = NamespaceIndex(store, NS)
    index.load()
    return index


def _logged(store: InMemoryStore) -> list[str]:
    return [str(m.id) for m in message_log_for(store).load(evidence_session(NS))]


def test_the_turn_a_reply_answers_is_logged_beside_it_without_a_vector() -> None:
    store = _store()
    remember(store, PARADE, [cand("User went with their cousins last week.", "u1")])
    assert _logged(store) == ["a1", "u1"]
    # Only the cited turn is embedded: the context turn is read lexically.
    assert set(load_turn_vectors(store, evidence_session(NS))) == {"u1"}


def test_a_short_reply_is_found_by_the_words_of_its_question() -> None:
    store = _store()
    remember(store, PARADE, [
        cand("User went with their cousins last week.", "u1"),
        cand("User's kiln fires evenly again.", "u2"),
    ])  # fmt: skip
    index = _index(store)
    scores = index.lexical.scores("lantern parade Valdora")
    by_content = {index.memories.get(i).content: s for i, s in scores.items()
                  if not i.startswith("turn:")}  # fmt: skip
    assert by_content.get("User went with their cousins last week.", 0.0) > 0.0


def test_context_is_only_a_user_or_assistant_message_with_text() -> None:
    messages = [
        ChatMessage(id="s", role="system", content="Be brief."),
        ChatMessage(id="u", role="user", content="I sing in a choir."),
        ChatMessage(id="e", role="assistant", content="  "),
        ChatMessage(id="v", role="user", content="Tenor."),
        ChatMessage(id="w", role="user", content="Since May."),
    ]
    assert context_ids(messages, ["u"]) == set()  # a system prompt is no context
    assert context_ids(messages, ["v"]) == set()  # an empty message neither
    assert context_ids(messages, ["w"]) == {"v"}
    assert context_ids(messages, ["v", "w"]) == set()  # cited turns are evidence already


def test_forgetting_drops_the_context_turn_logged_for_it() -> None:
    store = _store()
    remember(store, PARADE, [
        cand("User went with their cousins last week.", "u1"),
        cand("User's kiln fires evenly again.", "u2"),
    ])  # fmt: skip
    assert _logged(store) == ["a1", "u1", "a2", "u2"]
    parade = next(
        m for m in _index(store).memories.records.values() if "u1" in m.source_message_ids
    )
    forget_memory(store, parade.id, NS)
    # The question logged for the forgotten reply goes with it; the other pair stays.
    assert _logged(store) == ["a2", "u2"]


def test_a_context_turn_does_not_use_up_the_window() -> None:
    store = _store()
    log = message_log_for(store)
    log.append("s1", [
        HumanMessage("The orchard behind the old mill has quince trees.", id="h1"),
        AIMessage("How lovely. Did you pick any?", id="x1"),
        HumanMessage("Forty kilos yesterday.", id="h2"),
        AIMessage("Impressive.", id="x2"),
        HumanMessage("My brother fixed the tractor.", id="h3"),
    ])  # fmt: skip
    turns = [{"id": m.id, "role": "user", "content": m.text} for m in log.load("s1")]
    remember(store, turns, [
        cand("User's orchard has quince trees.", "h1"),
        cand("User picked forty kilos of fruit.", "h2"),
    ], session_id="s1")  # fmt: skip
    index = _index(store)
    picked = next(i for i, m in index.memories.records.items() if "h2" in m.source_message_ids)
    # Past the question before it, the reply reaches the cited turn that named the fruit,
    assert index.lexical.scores("quince orchard").get(picked, 0.0) > 0.0
    # but not past two uncited turns after it.
    assert index.lexical.scores("brother tractor").get(picked, 0.0) == 0.0


def test_a_document_carries_the_day_its_turn_was_said() -> None:
    store = _store()
    remember(store, [
        {"id": "m1", "role": "user", "content": "I repotted the fig tree.",
         "timestamp": "2024-03-09T10:00:00+00:00"},
        {"id": "m2", "role": "user", "content": "I repainted the fence.",
         "timestamp": "2024-07-21T10:00:00+00:00"},
    ], [cand("User repotted the fig tree.", "m1"), cand("User repainted the fence.", "m2")])  # fmt: skip
    index = _index(store)
    by_content = {index.memories.get(i).content: s
                  for i, s in index.lexical.scores("What did I do in March?").items()}  # fmt: skip
    assert set(by_content) == {"User repotted the fig tree."}
    day = index.lexical.scores("on 21 July 2024")
    assert max(day, key=day.get) in {
        i for i, m in index.memories.records.items() if "m2" in m.source_message_ids
    }


def test_a_context_turn_is_logged_redacted_and_reaches_only_its_own_user() -> None:
    store = _store()
    secret = "sk-" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"
    chat = [
        {"id": "q1", "role": "assistant", "content": f"Your Quillmoor token is {secret}, right?"},
        {"id": "r1", "role": "user", "content": "Yes, and I renew it every March."},
    ]
    remember(store, chat, [cand("User renews their token every March.", "r1")])
    logged = message_log_for(store).load(evidence_session(NS))
    assert [m.id for m in logged] == ["q1", "r1"]
    assert secret not in logged[0].text and "[REDACTED:" in logged[0].text
    # Recall finds the memory by the context turn's words, for its user only.
    mine = recall_memories(store, "Quillmoor token", NS, k=5)
    assert [h.memory.content for h in mine][:1] == ["User renews their token every March."]
    assert all(secret not in h.memory.content for h in mine)
    assert recall_memories(store, "Quillmoor token", ("memories", "u2"), k=5) == []
