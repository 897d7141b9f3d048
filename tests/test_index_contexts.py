"""Recall's index keeps each session's document contexts only while its turns stand.

A change notice re-joins the lexical documents from contexts kept per session
(``NamespaceIndex._context_of``); a write that appends a turn, blocks a turn (its only
citing memory superseded or forgotten) or unblocks it (cited again) must change every
document whose context holds that turn or its neighbour. After each such write the
index kept by notices alone equals one read from scratch, and no document holds the
text of a turn only inactive memories cite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from langmem_extract import recall_index
from langmem_extract.evidence import evidence_session
from langmem_extract.memories import forget_memory
from langmem_extract.message_log import message_log_for
from langmem_extract.recall_index import OBSERVATION_PREFIX, index_for, turn_key
from langmem_extract.schema import MemoryStatus
from tests.index_builds import NS, assert_same, cand, from_scratch, opened, remember

QUERIES = ("lisbon tram", "porto river", "dog rex", "kayak weekend", "violin lessons")
TURNS = {
    "t1": "My weekends are for kayak trips.",
    "t2": "I live in Lisbon near the old tram line.",
    "t3": "The violin lessons start again soon.",
    "t4": "We adopted a dog called Rex.",
    "t5": "Rex loves the beach.",
    "t6": "I moved to Porto by the river.",
    "t7": "Trams are how I get around.",
}


def _user(mid: str, text: str) -> dict:
    return {"id": mid, "role": "user", "content": text}


def _holding(index: recall_index.NamespaceIndex, words: str) -> set[str]:
    return {doc_id for doc_id, text in index.documents().items() if words in text}


def _active(index: recall_index.NamespaceIndex, content: str) -> str:
    return next(r.id for r in index.memories.records.values()
                if r.content == content and r.status == MemoryStatus.ACTIVE)  # fmt: skip


def test_notices_keep_contexts_equal_to_a_fresh_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recall_index, "RESYNC_SECONDS", 1e9)  # change notices only
    with opened(tmp_path / "m.duckdb") as store:
        index = index_for(store, NS)
        session = evidence_session(NS)
        t1_doc = OBSERVATION_PREFIX + turn_key(session, "t1")
        log = message_log_for(store)  # every turn logged, as a chat history keeps them
        log.append(session, [HumanMessage(text, id=m) for m, text in TURNS.items()])
        said = [_user(m, text) for m, text in TURNS.items()]
        remember(store, said, [
            cand("User lives in Lisbon.", "t2", attribute="location", value="Lisbon"),
            cand("User has a dog named Rex.", "t4"),
        ])  # fmt: skip
        assert_same(index, from_scratch(store, NS), QUERIES)
        assert t1_doc in _holding(index, TURNS["t2"])  # t1's neighbour, while cited

        # Lisbon superseded (no turn logged by this write): t2 is cited only by an
        # inactive memory, so it leaves the contexts of t1 and t3 (uncovered turns) and
        # is no document's text any more.
        remember(store, said, [cand("User lives in Porto.", "t6", attribute="location",
                                    value="Porto")])  # fmt: skip
        assert_same(index, from_scratch(store, NS), QUERIES)
        assert _holding(index, TURNS["t2"]) == set()
        assert index.documents()[t1_doc] == TURNS["t1"]

        # Cited again by an active memory: t2 is back in its neighbours' contexts.
        remember(store, said, [cand("User rides the Lisbon tram.", "t2", "t7")])
        assert_same(index, from_scratch(store, NS), QUERIES)
        assert t1_doc in _holding(index, TURNS["t2"])

        # Forgotten: its evidence turns dropped from the log, and gone everywhere.
        forget_memory(store, _active(index, "User rides the Lisbon tram."), NS)
        assert_same(index, from_scratch(store, NS), QUERIES)
        assert _holding(index, TURNS["t2"]) == set()

        # A turn appended to the session joins its neighbours' contexts.
        log.append(session, [HumanMessage("Rex swims too.", id="t8")])
        assert_same(index, from_scratch(store, NS), QUERIES)
        assert OBSERVATION_PREFIX + turn_key(session, "t8") in _holding(index, "Rex swims")

        # The dog's memory superseded and the turn it cited still shown as context of the
        # memory that replaces it (its neighbour t5).
        rex = _active(index, "User has a dog named Rex.")
        forget_memory(store, rex, NS)
        remember(store, [_user("t9", "Rex is a golden retriever.")],
                 [cand("User's dog Rex is a golden retriever.", "t9", "t5")])  # fmt: skip
        assert_same(index, from_scratch(store, NS), QUERIES)
        assert _holding(index, TURNS["t4"]) == set()
        assert _active(index, "User's dog Rex is a golden retriever.") in _holding(
            index, TURNS["t5"]
        )

        # The session cleared while memories still cite it: no turn text stays in any
        # document, though the session is read again (empty) for those memories.
        log.clear(session)
        assert_same(index, from_scratch(store, NS), QUERIES)
        assert _holding(index, TURNS["t5"]) == set()
        assert _holding(index, TURNS["t1"]) == set()
