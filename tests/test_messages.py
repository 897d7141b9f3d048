"""The one message normaliser: forms, roles, content blocks, bounds, and one rule for
the Python API and the CLI's input files."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from langmem_extract.chat_files import parse_chat_file
from langmem_extract.errors import (
    InvalidInputError,
    MessageTooLongError,
    NonTextContentError,
    TooManyMessagesError,
    UnknownRoleError,
)
from langmem_extract.graph.state import GraphOptions, build_request
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


def test_every_langchain_message_form() -> None:
    out = normalize_messages(
        [
            "I like tea",
            ("ai", "Noted"),
            ["system", [{"type": "text", "text": "be brief"}]],
            {"role": "assistant", "content": None},
            AIMessageChunk("streamed"),
            ChatMessage("hello", role="bot"),
            FunctionMessage("42", name="calc"),
            SystemMessage("dev rules", additional_kwargs={"timestamp": "2024-01-02"}),
        ]
    )
    assert [(m.role, m.content) for m in out] == [
        ("user", "I like tea"),
        ("assistant", "Noted"),
        ("system", "be brief"),
        ("assistant", ""),
        ("assistant", "streamed"),
        ("assistant", "hello"),
        ("tool", "42"),
        ("system", "dev rules"),
    ]
    assert out[7].timestamp == datetime(2024, 1, 2, tzinfo=UTC)
    with pytest.raises(UnknownRoleError, match="wizard"):
        normalize_messages([ChatMessage("x", role="wizard")])


@pytest.mark.parametrize(
    ("messages", "said"),
    [
        ("I like tea", "got a str"),
        (b"I like tea", "got a bytes"),
        ({"role": "user", "content": "hi"}, "got dict"),
        (42, "got int"),
        (HumanMessage("hi"), "got HumanMessage"),
        (("user", "I like tea"), "one (role, content) pair"),
        (["human", "I like tea"], "one (role, content) pair"),
    ],
)
def test_messages_that_are_not_a_list_of_messages_are_rejected(messages: Any, said: str) -> None:
    # A str is NOT read as one message per character (as LangChain would), nor as one
    # message: the caller is told to pass a list.
    with pytest.raises(
        InvalidInputError, match=r"sequence \(list\) of messages|pass a list"
    ) as info:
        normalize_messages(messages)
    assert type(info.value) is InvalidInputError
    assert said in str(info.value)
    with pytest.raises(InvalidInputError, match=re.escape(said)):
        build_request({"messages": messages}, GraphOptions())


def test_two_plain_strings_are_two_user_messages() -> None:
    assert [m.content for m in normalize_messages(["hi", "there"])] == ["hi", "there"]


# Each case is one message, written as JSON so the CLI can read it from a file.
_ONE_RULE = [
    ({"role": "bot", "content": "hi"}, ("assistant", "hi")),
    ({"role": "AI", "content": "hi"}, ("assistant", "hi")),
    ({"type": "human", "content": "hi"}, ("user", "hi")),
    ({"role": "developer", "content": "hi"}, ("system", "hi")),
    ({"role": "function", "content": "42"}, ("tool", "42")),
    (
        {"role": "user", "content": [{"type": "input_text", "text": "a"}, {"type": "output_text", "text": "b"}, "c"]},
        ("user", "a\nb\nc"),
    ),
    ({"role": "assistant", "content": None}, ("assistant", "")),
    ({"role": "user", "content": "x", "created_at": "2024-01-02"}, ("user", "x")),
    ("I like tea", ("user", "I like tea")),
    (["assistant", "ok"], ("assistant", "ok")),
    ({"role": "robot", "content": "x"}, UnknownRoleError),
    ({"content": "x"}, UnknownRoleError),
    ({"role": "user"}, NonTextContentError),
    ({"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}, NonTextContentError),
    ({"role": "user", "content": 5}, NonTextContentError),
    (["user", "a", "b"], InvalidInputError),
    (42, InvalidInputError),
    (None, InvalidInputError),
    ({"role": "user", "content": "x", "timestamp": "not a date"}, InvalidInputError),
    ({"role": "user", "content": "x", "timestamp": {"at": 1}}, InvalidInputError),
]  # fmt: skip


def _via_api(message: Any) -> list[tuple[str, str, datetime | None]]:
    request = build_request({"messages": [message], "namespace": ("m",)}, GraphOptions())
    return [(m.role, m.content, m.timestamp) for m in request.messages]


def _via_cli(message: Any) -> list[tuple[str, str, datetime | None]]:
    # What `langmem-extract extract` does: parse the file, then validate each batch.
    [conversation] = parse_chat_file(json.dumps({"messages": [message]}), "chat.json")
    return [(m.role, m.content, m.timestamp) for m in normalize_messages(conversation.messages)]


@pytest.mark.parametrize(("message", "expected"), _ONE_RULE)
@pytest.mark.parametrize("read", [_via_api, _via_cli], ids=["api", "cli"])
def test_api_and_cli_accept_and_reject_the_same_messages(
    read: Any, message: Any, expected: Any
) -> None:
    if isinstance(expected, tuple):
        [(role, content, timestamp)] = read(message)
        assert (role, content) == expected
        if isinstance(message, dict) and "created_at" in message:
            assert timestamp == datetime(2024, 1, 2, tzinfo=UTC)
    else:
        with pytest.raises(expected) as info:
            read(message)
        assert type(info.value) is expected


def test_cli_errors_name_the_line_and_api_errors_the_position() -> None:
    with pytest.raises(UnknownRoleError, match=r"^message 1: unknown role 'robot'"):
        normalize_messages(["hi", {"role": "robot", "content": "x"}])
    text = '{"messages": [\n"hi",\n{"role": "robot", "content": "x"}\n]}'
    with pytest.raises(UnknownRoleError, match=r"^chat.json:3: unknown role 'robot'"):
        parse_chat_file(text, "chat.json")


def test_missing_messages_is_empty_but_a_falsy_non_list_is_not() -> None:
    with pytest.raises(TooManyMessagesError, match="empty"):
        build_request({"namespace": ("m",)}, GraphOptions())
    for bad in ({}, 0, ""):
        with pytest.raises(InvalidInputError, match=r"sequence \(list\) of messages"):
            build_request({"messages": bad}, GraphOptions())
