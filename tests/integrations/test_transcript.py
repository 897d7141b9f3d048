from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langmem_extract.errors import InvalidInputError, InvalidNamespaceError, StoreError
from langmem_extract.message_log import (
    DuckDBTranscript,
    MessageLog,
    StoreTranscript,
    message_log_for,
)
from tests.backends import BACKENDS, make_store
from tests.conftest import HashEmbeddings
from tests.integrations.helpers import in_memory_store


@pytest.fixture(params=["inmemory", *BACKENDS])
def transcript(request: pytest.FixtureRequest) -> Iterator[MessageLog]:
    if request.param == "inmemory":
        t = message_log_for(in_memory_store())
        assert isinstance(t, StoreTranscript)
        yield t
        return
    with make_store(request.param, HashEmbeddings(), dims=64) as store:
        t = message_log_for(store)
        if request.param == "duckdb":
            assert isinstance(t, DuckDBTranscript)  # a table in the same database file
        yield t


def test_append_load_in_order_with_ids(transcript: MessageLog) -> None:
    msgs = [
        SystemMessage("be brief"),
        HumanMessage("I'm vegetarian", id="h1"),
        AIMessage("Noted!"),
    ]
    added = transcript.append("s1", msgs)
    assert [m.id for m in added] == [m.id for m in msgs]
    assert msgs[1].id == "h1"
    assert msgs[0].id and msgs[2].id  # ids assigned in place
    loaded = transcript.load("s1")
    assert [(type(m), m.content, m.id) for m in loaded] == [
        (type(m), m.content, m.id) for m in msgs
    ]


def test_append_is_idempotent_by_id(transcript: MessageLog) -> None:
    first = HumanMessage("hello", id="a")
    transcript.append("s1", [first])
    added = transcript.append("s1", [HumanMessage("hello", id="a"), AIMessage("hi", id="b")])
    assert [m.id for m in added] == ["b"]
    assert [m.id for m in transcript.load("s1")] == ["a", "b"]


def test_sessions_are_separate_and_last_n(transcript: MessageLog) -> None:
    for i in range(7):
        transcript.append("s1", [HumanMessage(f"m{i}")])
    transcript.append("s2", [HumanMessage("other")])
    assert [m.content for m in transcript.load("s1", last=3)] == ["m4", "m5", "m6"]
    assert transcript.load("s1", last=0) == []
    assert [m.content for m in transcript.load("s2")] == ["other"]
    transcript.clear("s1")
    assert transcript.load("s1") == []
    assert [m.content for m in transcript.load("s2")] == ["other"]


async def test_async_round_trip(transcript: MessageLog) -> None:
    await transcript.aappend("s1", [HumanMessage("x"), AIMessage("y")])
    assert [m.content for m in await transcript.aload("s1")] == ["x", "y"]
    await transcript.aclear("s1")
    assert await transcript.aload("s1") == []


def test_many_messages_page_through(transcript: MessageLog) -> None:
    batch = [HumanMessage(f"n{i}") for i in range(1200)]
    transcript.append("big", batch)
    loaded = transcript.load("big")
    assert [m.content for m in loaded] == [f"n{i}" for i in range(1200)]


@pytest.mark.parametrize("session_id", ["", "   ", None, 3])
def test_bad_session_id(transcript: MessageLog, session_id: object) -> None:
    with pytest.raises(InvalidInputError):
        transcript.append(session_id, [HumanMessage("x")])  # type: ignore[arg-type]


def test_non_message_rejected_and_nothing_written(transcript: MessageLog) -> None:
    with pytest.raises(InvalidInputError):
        transcript.append("s1", [HumanMessage("ok"), {"role": "user", "content": "x"}])  # type: ignore[list-item]
    assert transcript.load("s1") == []


def test_generic_store_rejects_dotted_session_ids() -> None:
    with pytest.raises(InvalidNamespaceError):
        StoreTranscript(in_memory_store()).append("a.b", [HumanMessage("x")])


def test_duckdb_transcript_shares_the_store_file(tmp_path) -> None:
    from langmem_extract import open_store

    path = tmp_path / "memories.duckdb"
    with open_store(str(path), embeddings=HashEmbeddings()) as store:
        message_log_for(store).append("s1", [HumanMessage("kept", id="m1")])
    with open_store(str(path), embeddings=HashEmbeddings()) as store:
        t = message_log_for(store)
        assert isinstance(t, DuckDBTranscript)
        assert [(m.id, m.content) for m in t.load("s1")] == [("m1", "kept")]
        store.close()
        with pytest.raises(StoreError):
            t.load("s1")
