from __future__ import annotations

from datetime import UTC, datetime

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from langmem_extract.errors import (
    InvalidInputError,
    MessageTooLongError,
    NonTextContentError,
    TooManyMessagesError,
    UnknownRoleError,
)
from langmem_extract.messages import normalize_messages, parse_timestamp


def test_dicts_and_base_messages_normalise_to_the_same_roles() -> None:
    out = normalize_messages(
        [
            HumanMessage("hi", id="h1"),
            AIMessage("hello"),
            SystemMessage("be nice"),
            ToolMessage("42", tool_call_id="t1"),
            {"role": "human", "content": "a"},
            {"role": "ai", "content": "b"},
            {"type": "human", "content": "c", "name": "Caroline"},
        ]
    )
    assert [m.role for m in out] == [
        "user",
        "assistant",
        "system",
        "tool",
        "user",
        "assistant",
        "user",
    ]
    assert out[0].id == "h1"
    assert out[6].name == "Caroline"


def test_ids_are_stable_across_runs_and_distinct_by_position() -> None:
    msgs = [{"role": "user", "content": "same"}, {"role": "user", "content": "same"}]
    a, b = normalize_messages(msgs), normalize_messages(msgs)
    assert [m.id for m in a] == [m.id for m in b]
    assert a[0].id != a[1].id


def test_text_blocks_are_joined_and_other_blocks_rejected() -> None:
    out = normalize_messages([{"role": "user", "content": [{"type": "text", "text": "a"}, "b"]}])
    assert out[0].content == "a\nb"
    with pytest.raises(NonTextContentError, match="image_url"):
        normalize_messages(
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]
        )
    with pytest.raises(NonTextContentError):
        normalize_messages([{"role": "user", "content": 42}])
    with pytest.raises(NonTextContentError):
        normalize_messages([{"role": "user"}])


def test_bounds_and_roles() -> None:
    with pytest.raises(TooManyMessagesError, match="empty"):
        normalize_messages([])
    with pytest.raises(TooManyMessagesError, match="201"):
        normalize_messages([{"role": "user", "content": "x"}] * 201)
    assert len(normalize_messages([{"role": "user", "content": "x"}] * 200)) == 200
    with pytest.raises(MessageTooLongError, match="8193"):
        normalize_messages([{"role": "user", "content": "x" * 8193}])
    assert normalize_messages([{"role": "user", "content": "x" * 20}], max_chars=20)
    with pytest.raises(MessageTooLongError):
        normalize_messages([{"role": "user", "content": "x" * 21}], max_chars=20)
    with pytest.raises(UnknownRoleError, match="robot"):
        normalize_messages([{"role": "robot", "content": "x"}])
    with pytest.raises(InvalidInputError):
        normalize_messages("I like tea")  # type: ignore[arg-type]


def test_timestamps_parse_and_default_to_reference_time() -> None:
    ref = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    out = normalize_messages(
        [
            {"role": "user", "content": "a", "timestamp": "1:56 pm on 8 May, 2023"},
            {"role": "user", "content": "b"},
            {"role": "user", "content": "c", "timestamp": "2024-01-02T03:04:05Z"},
        ],
        reference_time=ref,
    )
    assert out[0].timestamp == ref
    assert out[1].timestamp == ref
    assert out[2].timestamp == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_timestamp(None) is None
    with pytest.raises(InvalidInputError):
        parse_timestamp("not a date")
