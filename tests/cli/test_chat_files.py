"""Parsing CLI input files: JSON, JSONL, text chats, directories; located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from langmem_extract.chat_files import load_chat_files, parse_chat_file
from langmem_extract.errors import (
    InvalidInputError,
    NonTextContentError,
    TooManyMessagesError,
    UnknownRoleError,
)


def _roles(conv):
    return [(m["role"], m["content"]) for m in conv.messages]


def test_json_list_of_messages(tmp_path: Path) -> None:
    path = tmp_path / "chat.json"
    path.write_text(
        json.dumps(
            [{"role": "user", "content": "I live in Porto"}, {"role": "assistant", "content": "ok"}]
        )
    )
    [conv] = load_chat_files(path)
    assert _roles(conv) == [("user", "I live in Porto"), ("assistant", "ok")]
    assert conv.label == f"{path}:1"


def test_json_hosted_api_shape_with_langchain_types_and_text_blocks() -> None:
    text = json.dumps(
        {
            "messages": [
                {"type": "human", "content": [{"type": "text", "text": "I like tea"}], "id": "m1"},
                {"role": "ai", "content": "noted", "name": "bot", "timestamp": "2024-05-01"},
            ]
        }
    )
    [conv] = parse_chat_file(text, "x.json", format="json")
    assert conv.messages[0] == {"role": "user", "content": "I like tea", "id": "m1"}
    assert conv.messages[1] == {
        "role": "assistant",
        "content": "noted",
        "name": "bot",
        "timestamp": "2024-05-01",
    }


def test_json_list_of_conversations_keeps_start_lines() -> None:
    text = '[\n{"messages": [{"role": "user", "content": "a"}]},\n{"messages": [{"role": "user", "content": "b"}]}\n]'
    convs = parse_chat_file(text, "many.json")
    assert [c.label for c in convs] == ["many.json:2", "many.json:3"]
    assert [c.messages[0]["content"] for c in convs] == ["a", "b"]


def test_jsonl_one_message_per_line_is_one_conversation() -> None:
    text = '{"role": "user", "content": "a"}\n\n{"role": "assistant", "content": "b"}\n'
    [conv] = parse_chat_file(text, "m.jsonl", format="jsonl")
    assert _roles(conv) == [("user", "a"), ("assistant", "b")]


def test_jsonl_one_conversation_per_line() -> None:
    text = '{"messages": [{"role": "user", "content": "a"}]}\n[{"role": "user", "content": "b"}]\n'
    convs = parse_chat_file(text, "c.jsonl", format="jsonl")
    assert [(c.line, c.messages[0]["content"]) for c in convs] == [(1, "a"), (2, "b")]


def test_jsonl_mixing_messages_and_conversations_names_the_line() -> None:
    text = '{"messages": [{"role": "user", "content": "a"}]}\n{"role": "user", "content": "b"}\n'
    with pytest.raises(InvalidInputError, match=r"^c\.jsonl:2: expected a conversation"):
        parse_chat_file(text, "c.jsonl", format="jsonl")


def test_text_transcript_speakers_continuations_and_separator() -> None:
    text = (
        "User: I prefer aisle seats\n"
        "and window seats on night flights.\n"
        "\n"
        "Assistant: Noted: aisle by day.\n"
        "See https://example.com for fares\n"
        "Caroline: I adopted a dog\n"
        "---\n"
        "Human: second conversation\n"
        "AI: hello\n"
    )
    first, second = parse_chat_file(text, "t.txt")
    assert _roles(first) == [
        ("user", "I prefer aisle seats\nand window seats on night flights."),
        ("assistant", "Noted: aisle by day.\nSee https://example.com for fares"),
        ("user", "I adopted a dog"),
    ]
    assert first.messages[2]["name"] == "Caroline"
    assert second.label == "t.txt:8"
    assert _roles(second) == [("user", "second conversation"), ("assistant", "hello")]


@pytest.mark.parametrize(
    ("text", "error", "where"),
    [
        (
            '[\n{"role": "user", "content": "a"},\n{"role": "robot", "content": "b"}\n]',
            UnknownRoleError,
            "f:3:",
        ),
        (
            '[\n{"role": "user", "content": "a"},\n{"role": "user"}\n]',
            InvalidInputError,
            "f:3: message has no 'content'",
        ),
        (
            '[{"role": "user", "content": [{"type": "image_url", "image_url": "x"}]}]',
            NonTextContentError,
            "f:1:",
        ),
        (
            '{"role": "user", "content": "a"}\n{"role": "user", "content": 5}\n',
            NonTextContentError,
            "f:2:",
        ),
        (
            '[{"role": "user", "content": "a"},\n  {"role": "user" "content": "b"}]',
            InvalidInputError,
            "f:2: not valid JSON",
        ),
        ("[]", TooManyMessagesError, "f:1: conversation has no messages"),
        ('{"messages": "hi"}', InvalidInputError, "f:1: 'messages' must be a list"),
        (
            '[["user", "hi"]]',
            InvalidInputError,
            "f:1: messages looks like one (role, content) pair",
        ),
        (
            '[{"role": "user", "content": "a", "timestamp": "soon"}]',
            InvalidInputError,
            "f:1: could not parse timestamp",
        ),
        ('{"text": "hi"}', InvalidInputError, "f:1: expected"),
        ("some notes\nUser: hi", InvalidInputError, "f:1: expected 'Speaker: text'"),
        ("User: hi\nAssistant:\n", InvalidInputError, "f:2: empty message"),
        ("\n\n", TooManyMessagesError, "f: no 'Speaker: text' lines"),
    ],
)
def test_bad_input_is_a_typed_error_naming_file_and_line(text, error, where) -> None:
    with pytest.raises(error) as info:
        parse_chat_file(text, "f")
    assert str(info.value).startswith(where)


def test_directory_reads_chat_files_in_order_and_skips_others(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("User: from text\n")
    (tmp_path / "a.json").write_text('[{"role": "user", "content": "from json"}]')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.jsonl").write_text(
        '{"messages": [{"role": "user", "content": "one"}]}\n{"messages": [{"role": "user", "content": "two"}]}\n'
    )
    (tmp_path / "notes.csv").write_text("role,content\n")
    (tmp_path / ".hidden.txt").write_text("User: hidden\n")
    convs = load_chat_files(tmp_path)
    assert [c.messages[0]["content"] for c in convs] == ["from json", "from text", "one", "two"]


def test_directory_without_chat_files_and_missing_path_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no chat files"):
        load_chat_files(tmp_path)
    with pytest.raises(InvalidInputError, match="no such file"):
        load_chat_files(tmp_path / "nope.json")


def test_non_utf8_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("User: café".encode("latin-1"))
    with pytest.raises(InvalidInputError, match="not UTF-8"):
        load_chat_files(path)


def test_format_is_sniffed_for_stdin() -> None:
    assert parse_chat_file('[{"role": "user", "content": "a"}]')[0].messages[0]["content"] == "a"
    jsonl = '{"role": "user", "content": "a"}\n{"role": "user", "content": "b"}'
    assert len(parse_chat_file(jsonl)[0].messages) == 2
    assert parse_chat_file("\ufeffUser: bom")[0].messages[0]["content"] == "bom"


def test_strings_and_pairs_are_messages_as_in_the_python_api() -> None:
    text = '{"messages": ["I live in Porto", ["assistant", "ok"], {"role": "bot", "content": "b"}]}'
    [conv] = parse_chat_file(text, "x.json")
    assert _roles(conv) == [("user", "I live in Porto"), ("assistant", "ok"), ("assistant", "b")]
    [conv] = parse_chat_file(
        '"I like tea"\n{"role": "user", "content": "and jazz"}\n', "x.jsonl", format="jsonl"
    )
    assert _roles(conv) == [("user", "I like tea"), ("user", "and jazz")]
