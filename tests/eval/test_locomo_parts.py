from datetime import UTC, datetime

import pytest

from langmem_extract.eval.data import QA, LocomoConversation, Observation, Session, Turn
from langmem_extract.eval.locomo import (
    _coverage,
    _observations_by_id,
    _observations_by_similarity,
    _Scores,
    baseline_text,
    session_messages,
)
from langmem_extract.eval.pipeline import RecordingEmbeddings
from langmem_extract.schema import Memory, MemoryType
from tests.conftest import HashEmbeddings

NOW = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


def _turn(dia_id, speaker, text):
    return Turn(dia_id, speaker, text, int(dia_id[1]), NOW)


def _memory(content, sources):
    return Memory(
        content=content, title=content[:20], type=MemoryType.FACT, source_message_ids=sources
    )


CONV = LocomoConversation(
    sample_id="conv-x",
    speaker_a="Ann",
    speaker_b="Bob",
    sessions=(
        Session(
            1,
            "1:56 pm on 8 May, 2023",
            NOW,
            (
                _turn("D1:1", "Ann", "I adopted a cat named Oscar"),
                _turn("D1:2", "Bob", "Nice"),
                _turn("D1:3", "Ann", "I moved to Oslo"),
            ),
        ),
    ),
    qa=(
        QA("What pet?", "cat", ("D1:1",), 4),
        QA("Where and what?", "Oslo", ("D1:3", "D1:1"), 1),
        QA("Said nice?", "Bob", ("D1:2",), 4),
        QA("Adversarial", None, ("D1:2",), 5),
    ),
)


def test_session_messages_send_both_people_as_named_users():
    messages = session_messages(CONV.sessions[0])
    assert [m["id"] for m in messages] == ["D1:1", "D1:2", "D1:3"]
    assert {m["role"] for m in messages} == {"user"}
    assert [m["name"] for m in messages] == ["Ann", "Bob", "Ann"]
    assert messages[0]["timestamp"] == NOW
    assert baseline_text(CONV.sessions[0].turns[0]) == "Ann: I adopted a cat named Oscar"


def test_coverage_counts_evidence_cited_by_memories():
    memories = [_memory("Ann adopted a cat named Oscar", ["D1:1"])]
    cov = _coverage(CONV, memories)
    assert cov["turns_with_memory"] == 1
    assert (cov["evidence_ids"], cov["evidence_covered"]) == (3, 1)  # D1:1, D1:2, D1:3
    assert cov["qa_scored"] == 3
    assert cov["qa_with_any_evidence_covered"] == 2
    assert cov["qa_with_all_evidence_covered"] == 1


def test_scores_split_categories_and_explain_misses():
    scores = _Scores((5, 10))
    scores.add("conv-x", 4, ["D1:1"], [["D1:1"]], 0.01, True)
    scores.add("conv-x", 1, ["D1:3"], [["D1:1"]], 0.02, True)
    scores.add("conv-x", 4, ["D1:2"], [["D1:1"]], 0.03, False)
    scores.add("conv-x", 5, ["D1:2"], [["D1:2"]], 0.04, False)
    report = scores.report()
    assert report["cat_1_4"]["n"] == 3
    assert report["cat_1_4"]["hit@10"] == pytest.approx(1 / 3)
    assert report["cat_5"]["hit@5"] == 1.0
    assert report["per_category"]["1"]["hit@10"] == 0.0
    assert report["misses@10"] == {"missed": 2, "evidence_never_stored": 1, "ranked_too_low": 1}
    assert report["latency"]["n"] == 4


def test_observation_recall_by_id_and_by_similarity_with_chance_rate():
    obs = [
        Observation("Ann adopted a cat named Oscar", ("D1:1",), "Ann", 1),
        Observation("Ann moved to Oslo", ("D1:3",), "Ann", 1),
    ]
    mine = [_memory("Ann adopted a cat named Oscar", ["D1:1"])]
    assert _observations_by_id(obs, mine) == 1
    other = ["Tim plays the violin every evening"]
    result = _observations_by_similarity(
        [(obs, [m.content for m in mine]), ([], other)],
        RecordingEmbeddings(HashEmbeddings(dims=256)),
        (0.9, 0.99),
    )
    assert result["recall"] == {"0.90": 0.5, "0.99": 0.5}  # the exact restatement only
    assert result["null_rate"]["0.90"] == 0.0
