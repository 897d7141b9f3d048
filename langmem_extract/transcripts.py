"""Read conversations from files for the CLI: JSON, JSONL, plain-text transcripts.

Accepted shapes (see docs/cli.md):

* **JSON** (``.json``): a list of messages ``[{"role": ..., "content": ...}]``, an
  object ``{"messages": [...]}`` as the hosted memory APIs take, or a list of such
  objects (one conversation each).
* **JSONL** (``.jsonl``, ``.ndjson``): either every line is a message (the file is one
  conversation) or every line is a conversation (``{"messages": [...]}`` or a list of
  messages). The first record decides; mixing the two is an error.
* **Text** (``.txt``, ``.md``, anything else that is not JSON): ``Speaker: text`` lines.
  ``User``/``Human`` are the user, ``Assistant``/``AI``/``Bot`` the assistant,
  ``System`` and ``Tool`` themselves; any other name is a user message carrying that
  ``name``. Lines without a label continue the previous message, and a line of
  ``---`` starts a new conversation.
* **Directories**: every such file below it, in path order; hidden files are skipped.

A message's ``role`` may also be given as LangChain's ``type`` (``human``, ``ai``);
``content`` may be a string or a list of text blocks. Every error names the file and
the line, e.g. ``chat.jsonl:7: unknown role 'robot'``.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from langmem_extract.errors import (
    InvalidInputError,
    NonTextContentError,
    TooManyMessagesError,
    UnknownRoleError,
)

__all__ = [
    "TRANSCRIPT_SUFFIXES",
    "Conversation",
    "TranscriptFormat",
    "load_transcripts",
    "parse_transcript",
]

TranscriptFormat = Literal["json", "jsonl", "text"]

#: File suffixes read from directories, and the format each implies.
TRANSCRIPT_SUFFIXES: dict[str, TranscriptFormat] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "text",
    ".md": "text",
}

_ROLE_ALIASES = {
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "bot": "assistant",
    "system": "system",
    "developer": "system",
    "tool": "tool",
    "function": "tool",
}
_TEXT_BLOCK_TYPES = frozenset({"text", "input_text", "output_text"})
# "Speaker: text" — a letter first, up to 40 chars, and whitespace (or the end)
# after the colon so URLs and times ("10:30") do not start a message.
_SPEAKER = re.compile(r"^\s*(?P<name>[^\W\d_][\w .'’-]{0,39}?)\s*:(?:\s+|$)(?P<text>.*)$")
_SEPARATOR = re.compile(r"^\s*-{3,}\s*$")


@dataclass
class Conversation:
    """One conversation read from ``source``, starting on ``line`` (1-based)."""

    source: str
    line: int
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.source}:{self.line}"


# --------------------------------------------------------------------------- JSON with lines


class _Obj(dict):  # type: ignore[type-arg]
    """A decoded JSON object that remembers the line it started on."""

    line: int = 1


def _lined_decoder(text: str, first_line: int) -> json.JSONDecoder:
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Any, int]:
        obj, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)
        lined = _Obj(obj)
        lined.line = first_line + bisect.bisect_left(newlines, s_and_end[1] - 1)
        return lined, end

    decoder.parse_object = parse_object  # type: ignore[assignment]
    # The C scanner ignores parse_object; the pure-Python one honours it.
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder


def _loads(text: str, source: str, first_line: int = 1) -> Any:
    try:
        return _lined_decoder(text, first_line).decode(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{source}:{first_line + exc.lineno - 1}: not valid JSON ({exc.msg}, column {exc.colno})"
        ) from None


def _line_of(obj: Any, default: int) -> int:
    return obj.line if isinstance(obj, _Obj) else default


# --------------------------------------------------------------------------- messages


def _content(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for block in value:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") in _TEXT_BLOCK_TYPES:
                parts.append(str(block.get("text", "")))
            else:
                kind = block.get("type", "?") if isinstance(block, dict) else type(block).__name__
                raise NonTextContentError(f"{where}: message has a non-text block of type {kind!r}")
        return "\n".join(p for p in parts if p)
    if value is None:
        raise InvalidInputError(f"{where}: message has no 'content'")
    raise NonTextContentError(f"{where}: message content must be text, got {type(value).__name__}")


def _message(obj: Any, source: str, default_line: int) -> dict[str, Any]:
    where = f"{source}:{_line_of(obj, default_line)}"
    if not isinstance(obj, dict):
        raise InvalidInputError(
            f"{where}: expected a message object with 'role' and 'content', got {type(obj).__name__}"
        )
    raw_role = obj.get("role", obj.get("type"))
    if not isinstance(raw_role, str) or not raw_role.strip():
        raise InvalidInputError(f"{where}: message has no 'role'")
    role = _ROLE_ALIASES.get(raw_role.strip().lower())
    if role is None:
        raise UnknownRoleError(
            f"{where}: unknown role {raw_role!r} (use user, assistant, system or tool)"
        )
    message: dict[str, Any] = {"role": role, "content": _content(obj.get("content"), where)}
    for key in ("name", "id"):
        if isinstance(obj.get(key), str) and obj[key].strip():
            message[key] = obj[key]
    timestamp = obj.get("timestamp", obj.get("created_at"))
    if isinstance(timestamp, str | int | float) and not isinstance(timestamp, bool):
        message["timestamp"] = timestamp
    return message


def _conversation(messages: Any, source: str, line: int) -> Conversation:
    if not isinstance(messages, list):
        raise InvalidInputError(
            f"{source}:{line}: 'messages' must be a list, got {type(messages).__name__}"
        )
    if not messages:
        raise TooManyMessagesError(f"{source}:{line}: conversation has no messages")
    return Conversation(source, line, [_message(m, source, line) for m in messages])


def _is_conversation_record(obj: Any) -> bool:
    return isinstance(obj, list) or (isinstance(obj, dict) and "messages" in obj)


def _record_to_conversation(obj: Any, source: str, line: int) -> Conversation:
    if isinstance(obj, list):
        return _conversation(obj, source, line)
    return _conversation(obj["messages"], source, _line_of(obj, line))


# --------------------------------------------------------------------------- formats


def _parse_json(text: str, source: str) -> list[Conversation]:
    data = _loads(text, source)
    if isinstance(data, dict):
        if "messages" not in data:
            raise InvalidInputError(
                f'{source}:{_line_of(data, 1)}: expected {{"messages": [...]}} or a list of messages'
            )
        return [_record_to_conversation(data, source, 1)]
    if not isinstance(data, list):
        raise InvalidInputError(
            f'{source}:1: expected a list of messages or {{"messages": [...]}}, got {type(data).__name__}'
        )
    if data and all(_is_conversation_record(x) for x in data):
        return [_record_to_conversation(x, source, _line_of(x, 1)) for x in data]
    return [_conversation(data, source, 1)]


def _parse_jsonl(text: str, source: str) -> list[Conversation]:
    records: list[tuple[int, Any]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            records.append((lineno, _loads(line, source, lineno)))
    if not records:
        raise TooManyMessagesError(f"{source}: no messages")
    per_line_conversation = _is_conversation_record(records[0][1])
    for lineno, record in records:
        if _is_conversation_record(record) != per_line_conversation:
            expected = "a conversation" if per_line_conversation else "a message"
            raise InvalidInputError(
                f"{source}:{lineno}: expected {expected} like line {records[0][0]} "
                "(a JSONL file holds either one message per line or one conversation per line)"
            )
    if per_line_conversation:
        return [_record_to_conversation(rec, source, lineno) for lineno, rec in records]
    first = records[0][0]
    return [Conversation(source, first, [_message(rec, source, n) for n, rec in records])]


def _speaker(name: str) -> tuple[str, str | None]:
    role = _ROLE_ALIASES.get(name.lower())
    return (role, None) if role else ("user", name)


def _parse_text(text: str, source: str) -> list[Conversation]:
    conversations: list[Conversation] = []
    current: Conversation | None = None
    message: dict[str, Any] | None = None
    start_line = 0

    def close_message() -> None:
        if message is None:
            return
        message["content"] = message["content"].strip()
        if not message["content"]:
            raise InvalidInputError(f"{source}:{start_line}: empty message")

    for lineno, line in enumerate(text.splitlines(), start=1):
        if _SEPARATOR.match(line):
            close_message()
            current, message = None, None
            continue
        match = _SPEAKER.match(line)
        if match:
            close_message()
            role, name = _speaker(match["name"].strip())
            message = {"role": role, "content": match["text"]}
            if name:
                message["name"] = name
            start_line = lineno
            if current is None:
                current = Conversation(source, lineno)
                conversations.append(current)
            current.messages.append(message)
        elif message is not None:
            message["content"] += "\n" + line
        elif line.strip():
            raise InvalidInputError(
                f"{source}:{lineno}: expected 'Speaker: text' (e.g. 'User: ...') before other text"
            )
    close_message()
    if not conversations:
        raise TooManyMessagesError(f"{source}: no 'Speaker: text' lines found")
    return conversations


_PARSERS = {"json": _parse_json, "jsonl": _parse_jsonl, "text": _parse_text}


def _sniff(text: str) -> TranscriptFormat:
    stripped = text.lstrip()
    if not stripped or stripped[0] not in "[{":
        return "text"
    try:
        json.loads(text)
        return "json"
    except json.JSONDecodeError:
        pass
    # JSONL only if the first record stands on its own line; else report JSON errors.
    first = stripped.splitlines()[0]
    try:
        json.loads(first)
        return "jsonl"
    except json.JSONDecodeError:
        return "json"


def parse_transcript(
    text: str, source: str = "<stdin>", *, format: TranscriptFormat | None = None
) -> list[Conversation]:
    """Parse one file's text; ``format=None`` guesses from the content."""
    fmt = format or _sniff(text)
    if fmt not in _PARSERS:
        raise InvalidInputError(f"{source}: unknown transcript format {fmt!r}")
    return _PARSERS[fmt](text.removeprefix("\ufeff"), source)


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except PermissionError:
        raise InvalidInputError(f"{path}: permission denied") from None


def _files_below(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
        if path.is_file() and not hidden and path.suffix.lower() in TRANSCRIPT_SUFFIXES:
            yield path


def load_transcripts(path: str | Path) -> list[Conversation]:
    """Conversations in a file, or in every transcript file below a directory."""
    root = Path(path)
    if not root.exists():
        raise InvalidInputError(f"{root}: no such file or directory")
    if root.is_dir():
        files = list(_files_below(root))
        if not files:
            suffixes = ", ".join(TRANSCRIPT_SUFFIXES)
            raise InvalidInputError(f"{root}: no transcript files ({suffixes}) in this directory")
    else:
        files = [root]
    conversations: list[Conversation] = []
    for file in files:
        fmt = TRANSCRIPT_SUFFIXES.get(file.suffix.lower())
        conversations.extend(parse_transcript(_read(file), str(file), format=fmt))
    return conversations
