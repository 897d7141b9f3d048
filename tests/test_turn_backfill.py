"""Turn vectors switched off, and backfilled later: the same vectors, the same ranking.

The concept embedder of ``test_turn_vectors`` makes the dense turn ranking decide the
order, so a store without turn vectors ranks visibly differently until they are filled.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from langmem_extract import MemoryRetriever, extract_memories, open_store
from langmem_extract.errors import InvalidInputError
from langmem_extract.evidence import evidence_session
from langmem_extract.message_log import message_log_for
from langmem_extract.namespaces import default_namespace
from langmem_extract.recall import RecallPlan, recall_memories
from langmem_extract.schema import MEMORY_INDEX_FIELDS
from langmem_extract.turn_backfill import backfill_turn_vectors
from langmem_extract.turn_vectors import load_turn_vectors, save_turn_vectors
from tests.backends import BACKENDS, make_store
from tests.test_turn_vectors import DIMS, NS, Concepts, cand, say

QUERIES = [
    "When do the removals happen?",
    "Who is moving to Madrid?",
    "What was repainted in the hallway?",
    "Is the sofa being carried this weekend?",
]
TURNS = [
    say("t1", "The movers come on Saturday for our relocation."),
    say("t2", "My cousin is relocating to Madrid."),
    say("t3", "I repainted the hallway."),
]
CANDIDATES = [
    cand("Ann got the keys to a new house.", "t1"),
    cand("Ann's cousin lives in Spain.", "t2"),
    cand("Ann is relocating the sofa for the paint job.", "t3"),
]
CHAT = [say("c1", "We carry the furniture to the flat on the weekend."),
        say("c2", "The sofa will not fit through the door.")]  # fmt: skip
CHAT_CANDIDATES = [cand("Ann bought a sofa.", "c1", "c2")]


def _fill(store: BaseStore, ns: tuple[str, ...] = NS, **options: object) -> None:
    """The same inputs for every store: evidence-session memories and a chat session."""
    extract_memories(TURNS, store=store, namespace=ns, candidates=CANDIDATES, **options)
    extract_memories(CHAT, store=store, namespace=ns, session_id=f"chat-{ns[-1]}",
                     candidates=CHAT_CANDIDATES, **options)  # fmt: skip


def _ranking(store: BaseStore, ns: tuple[str, ...] = NS, **options: object) -> list[list[str]]:
    return [
        [h.memory.content for h in recall_memories(store, q, ns, k=4, **options)] for q in QUERIES
    ]


def _sessions(ns: tuple[str, ...] = NS) -> list[str]:
    return [evidence_session(ns), f"chat-{ns[-1]}"]


@pytest.fixture(params=[*BACKENDS, "inmemory"])
def concept_store(request: pytest.FixtureRequest) -> Iterator[BaseStore]:
    if request.param == "inmemory":
        index = {"dims": DIMS, "embed": Concepts(), "fields": MEMORY_INDEX_FIELDS}
        yield InMemoryStore(index=index)  # type: ignore[arg-type]
        return
    with make_store(request.param, Concepts(), dims=DIMS) as store:
        yield store


def test_backfill_of_turns_logged_without_vectors_ranks_as_turns_logged_with_them(
    concept_store: BaseStore,
) -> None:
    on, off = ("memories", "on"), ("memories", "off")
    _fill(concept_store, on)
    _fill(concept_store, off, turn_vectors=False)
    assert all(load_turn_vectors(concept_store, s) == {} for s in _sessions(off))
    with_vectors = _ranking(concept_store, on)
    # The precondition: without turn vectors the ranking differs.
    assert _ranking(concept_store, off) != with_vectors
    report = backfill_turn_vectors(concept_store, off)
    assert (report.sessions, report.scanned, report.embedded, report.skipped) == (2, 5, 5, 0)
    for made_in, filled_in in zip(_sessions(on), _sessions(off), strict=True):
        made = load_turn_vectors(concept_store, made_in)
        filled = load_turn_vectors(concept_store, filled_in)
        assert sorted(made) == sorted(filled) and len(made) >= 2
        for mid, vector in made.items():
            np.testing.assert_allclose(filled[mid], vector, rtol=1e-6, atol=1e-7)
    # The live index took the vectors in (change notices): no reopen needed.
    assert _ranking(concept_store, off) == with_vectors
    # Only the prefix asked for was touched: "on" had every vector already.
    assert backfill_turn_vectors(concept_store, on).embedded == 0


def test_backfill_is_idempotent_and_a_dry_run_writes_nothing() -> None:
    emb = Concepts()
    with open_store(":memory:", embeddings=emb) as store:
        _fill(store, turn_vectors=False)
        dry = backfill_turn_vectors(store, "memories/u1", dry_run=True)
        assert (dry.scanned, dry.embedded, dry.batches) == (5, 5, 0)
        assert load_turn_vectors(store, evidence_session(NS)) == {}
        emb.calls.clear()
        first = backfill_turn_vectors(store, NS, batch_size=2)
        # Two turns in the chat session, then three in the evidence session: batches of at
        # most two, never across sessions.
        assert (first.embedded, first.skipped, first.batches) == (5, 0, 3)
        assert [len(call) for call in emb.calls] == [2, 2, 1]
        before = {s: load_turn_vectors(store, s) for s in _sessions()}
        emb.calls.clear()
        again = backfill_turn_vectors(store, NS)
        assert (again.scanned, again.embedded, again.skipped) == (5, 0, 5)
        assert emb.calls == []
        after = {s: load_turn_vectors(store, s) for s in _sessions()}
        assert {s: sorted(v) for s, v in after.items()} == {s: sorted(v) for s, v in before.items()}


def test_a_user_backfill_never_touches_another_users_turns() -> None:
    emb = Concepts()
    alice, bob = default_namespace("alice"), default_namespace("bob")
    with open_store(":memory:", embeddings=emb) as store:
        _fill(store, alice, turn_vectors=False)
        extract_memories([say("b1", "Bob keeps his flat keys under the mat.")], store=store,
                         namespace=bob, candidates=[cand("Bob hides his keys.", "b1")],
                         turn_vectors=False)  # fmt: skip
        # Bob's turn in a session alice also cites (chat ids are not namespaced).
        extract_memories([say("b2", "Bob will paint the hallway on Saturday.")], store=store,
                         namespace=bob, session_id="chat-alice",
                         candidates=[cand("Bob paints on Saturday.", "b2")],
                         turn_vectors=False)  # fmt: skip
        emb.calls.clear()
        report = backfill_turn_vectors(store, alice)
        assert report.embedded == 5
        embedded = " ".join(text for call in emb.calls for text in call)
        assert "Bob" not in embedded and "Saturday for our relocation" in embedded
        assert load_turn_vectors(store, evidence_session(bob)) == {}
        assert sorted(load_turn_vectors(store, "chat-alice")) == ["c1", "c2"]  # not b2
        assert sorted(load_turn_vectors(store, evidence_session(alice))) == ["t1", "t2", "t3"]
        # An administrator's run (every namespace) fills bob's turns too.
        everyone = backfill_turn_vectors(store, None)
        assert (everyone.embedded, everyone.skipped) == (2, 5)
        assert sorted(load_turn_vectors(store, "chat-alice")) == ["b2", "c1", "c2"]


def test_a_forgotten_memory_gets_no_vector_back(tmp_path: Path) -> None:
    from langmem_extract.memories import forget_memory

    with open_store(":memory:", embeddings=Concepts()) as store:
        _fill(store, turn_vectors=False)
        [sofa] = [h.memory for h in recall_memories(store, "Ann bought a sofa", NS, k=5)
                  if h.memory.content == "Ann bought a sofa."]  # fmt: skip
        forget_memory(store, sofa.id, NS)
        report = backfill_turn_vectors(store, NS)
        # The chat log (the caller's transcript) keeps c1/c2, but no live memory cites them.
        assert report.embedded == 3
        assert load_turn_vectors(store, "chat-u1") == {}


def test_vectors_of_another_embedder_are_replaced() -> None:
    with open_store(":memory:", embeddings=Concepts()) as store:
        _fill(store)
        session = evidence_session(NS)
        good = load_turn_vectors(store, session)
        real = store.embeddings  # type: ignore[attr-defined]
        store.embeddings = type("Other", (Concepts,), {})()  # type: ignore[attr-defined]
        save_turn_vectors(store, session, {"t1": [1.0] * DIMS})  # made by "Other"
        store.embeddings = real  # type: ignore[attr-defined]
        assert sorted(load_turn_vectors(store, session)) == ["t2", "t3"]
        report = backfill_turn_vectors(store, NS)
        assert (report.embedded, report.skipped) == (1, 4)
        np.testing.assert_allclose(load_turn_vectors(store, session)["t1"], good["t1"], atol=1e-7)


def test_a_raw_log_sends_no_secret_to_the_embedder() -> None:
    secret = "sk-proj-" + "Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF"
    turn = say("s1", f"The movers want the deposit paid with key {secret} on Saturday.")
    emb = Concepts()
    with open_store(":memory:", embeddings=emb) as store:
        message_log_for(store, redact=False).append("raw-chat", [_as_message(turn)])
        extract_memories([turn], store=store, namespace=NS, session_id="raw-chat",
                         candidates=[cand("Ann pays the movers a deposit.", "s1")],
                         turn_vectors=False)  # fmt: skip
        assert secret in str(message_log_for(store).load("raw-chat")[0].text)  # kept raw
        emb.calls.clear()
        assert backfill_turn_vectors(store, NS).embedded == 1
        [[text]] = emb.calls
        assert secret not in text and "[REDACTED" in text
    with open_store(":memory:", embeddings=Concepts()) as made:  # as capture embeds it
        extract_memories([turn], store=made, namespace=NS, session_id="raw-chat",
                         candidates=[cand("Ann pays the movers a deposit.", "s1")])  # fmt: skip
        np.testing.assert_allclose(
            load_turn_vectors(made, "raw-chat")["s1"],
            _vector(emb, text),
            atol=1e-7,
        )


def _as_message(turn: dict) -> object:
    from langchain_core.messages import HumanMessage

    return HumanMessage(turn["content"], id=turn["id"], name=turn["name"])


def _vector(emb: Concepts, text: str) -> np.ndarray:
    vector = np.asarray(emb._many([text])[0], dtype="float32")
    return vector / np.linalg.norm(vector)


class _Crash(Exception):
    pass


def test_a_crash_midway_keeps_every_written_batch_and_a_rerun_finishes(tmp_path: Path) -> None:
    path = tmp_path / "crash.duckdb"
    emb = Concepts()
    with open_store(path, embeddings=emb) as store:
        _fill(store, turn_vectors=False)
    failing = Concepts()
    real = failing._many

    def flaky(texts: list[str]) -> list[list[float]]:
        if len(failing.calls) >= 2:  # the model dies on the third batch
            raise _Crash("embedder died")
        return real(texts)

    failing._many = flaky  # type: ignore[method-assign]
    with open_store(path, embeddings=failing) as store, pytest.raises(_Crash):
        backfill_turn_vectors(store, NS, batch_size=1)
    with open_store(path, embeddings=Concepts()) as store:
        kept = sum(len(load_turn_vectors(store, s)) for s in _sessions())
        assert kept == 2
        report = backfill_turn_vectors(store, NS, batch_size=1)
        assert (report.embedded, report.skipped) == (3, 2)
        assert sum(len(load_turn_vectors(store, s)) for s in _sessions()) == 5


_KILLED = """
import os, signal, sys
sys.path.insert(0, {root!r})
from langmem_extract import open_store
from langmem_extract.turn_backfill import backfill_turn_vectors
from tests.test_turn_vectors import Concepts

emb = Concepts()
real = emb._many
def dying(texts):
    if len(emb.calls) >= 3:
        os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no close, no checkpoint
    return real(texts)
emb._many = dying
store = open_store({path!r}, embeddings=emb)
backfill_turn_vectors(store, ("memories", "u1"), batch_size=1)
"""


def test_a_killed_backfill_process_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "killed.duckdb"
    with open_store(path, embeddings=Concepts()) as store:
        _fill(store, turn_vectors=False)
    root = str(Path(__file__).resolve().parents[1])
    script = textwrap.dedent(_KILLED.format(root=root, path=str(path)))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert done.returncode == -9, done.stderr.decode()[-2000:]
    with open_store(path, embeddings=Concepts()) as store:
        assert sum(len(load_turn_vectors(store, s)) for s in _sessions()) == 3
        report = backfill_turn_vectors(store, NS)
        assert (report.embedded, report.skipped) == (2, 3)
        assert _ranking(store) == _made_with_vectors()


def _made_with_vectors() -> list[list[str]]:
    with open_store(":memory:", embeddings=Concepts()) as store:
        _fill(store)
        return _ranking(store)


def test_bad_input_is_refused_before_anything_is_written() -> None:
    with open_store(":memory:", embeddings=Concepts()) as store:
        _fill(store, turn_vectors=False)
        for bad in ({"batch_size": 0}, {"batch_size": True}, {"batch_size": 10**6},
                    {"dry_run": "yes"}):  # fmt: skip
            with pytest.raises(InvalidInputError):
                backfill_turn_vectors(store, NS, **bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError):
            backfill_turn_vectors(store, "memories/a..b")
        assert load_turn_vectors(store, evidence_session(NS)) == {}


def test_an_embedder_that_cannot_rank_turns_is_refused() -> None:
    class Plain(Concepts):
        reuses_vectors = False

    with (
        open_store(":memory:", embeddings=Plain()) as store,
        pytest.raises(InvalidInputError, match="ReusingEmbeddings"),
    ):
        backfill_turn_vectors(store, NS)


# -- the switch ---------------------------------------------------------------------


def test_the_switch_off_makes_capture_embed_no_turn_and_recall_ignore_stored_ones() -> None:
    emb = Concepts()
    with open_store(":memory:", embeddings=emb) as store:
        _fill(store, turn_vectors=False)
        embedded = [text for call in emb.calls for text in call]
        assert not any(text.startswith("Ann: ") for text in embedded)  # no turn text
        without = _ranking(store)
        backfill_turn_vectors(store, NS)
        assert _ranking(store) != without
        # Recall told to ignore them ranks as the store without them.
        assert _ranking(store, turn_vectors=False) == without
        retriever = MemoryRetriever(store=store, namespace=NS, k=4, turn_vectors=False)
        assert [[d.page_content for d in retriever.invoke(q)] for q in QUERIES] == without
        override = retriever.invoke(QUERIES[0], turn_vectors=True)
        assert [d.page_content for d in override] == _ranking(store)[0]


def test_the_switch_takes_only_a_bool() -> None:
    with open_store(":memory:", embeddings=Concepts()) as store:
        with pytest.raises(InvalidInputError, match="turn_vectors"):
            extract_memories(TURNS, store=store, namespace=NS, turn_vectors="no")
        with pytest.raises(InvalidInputError, match="turn_vectors"):
            RecallPlan("q", NS, turn_vectors=1)  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError, match="turn_vectors"):
            recall_memories(store, "q", NS, turn_vectors=None)
        assert store.search(NS) == []


def test_recall_logs_once_how_many_cited_turns_lack_a_vector(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with open_store(":memory:", embeddings=Concepts()) as store:
        _fill(store, turn_vectors=False)
        with caplog.at_level(logging.WARNING, logger="langmem_extract.turn_vectors"):
            recall_memories(store, QUERIES[0], NS, turn_vectors=False)
            assert caplog.records == []
            recall_memories(store, QUERIES[0], NS)
            recall_memories(store, QUERIES[1], NS)
        [record] = caplog.records
        assert "5 of 5 cited turns under memories/u1" in record.getMessage()
        assert "backfill-turn-vectors" in record.getMessage()


def test_a_store_with_every_vector_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with open_store(":memory:", embeddings=Concepts()) as store:
        _fill(store)
        with caplog.at_level(logging.WARNING, logger="langmem_extract.turn_vectors"):
            recall_memories(store, QUERIES[0], NS)
        assert caplog.records == []


def test_the_switch_reaches_chat_history_capture_and_the_agent_recall_hook() -> None:
    from langchain_core.messages import AIMessage, HumanMessage

    from langmem_extract import MemoryChatHistory, MemoryRecall

    with open_store(":memory:", embeddings=Concepts()) as store:
        off = MemoryChatHistory(store, "chat-off", namespace=NS, turn_vectors=False)
        on = MemoryChatHistory(store, "chat-on", namespace=NS)
        for history in (off, on):
            history.add_messages([HumanMessage("I repainted the hallway.", id=history.session_id),
                                  AIMessage("Nice.")])  # fmt: skip
        assert load_turn_vectors(store, "chat-off") == {}
        assert sorted(load_turn_vectors(store, "chat-on")) == ["chat-on"]
        with pytest.raises(InvalidInputError, match="turn_vectors"):
            MemoryChatHistory(store, "chat-bad", namespace=NS, turn_vectors="no")
        MemoryRecall(store, namespace=NS, turn_vectors=False)
        with pytest.raises(InvalidInputError, match="turn_vectors"):
            MemoryRecall(store, namespace=NS, turn_vectors="sometimes")
