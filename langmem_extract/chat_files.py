"""Read conversations from the CLI's input files: JSON, JSONL and plain-text chats.

Accepted shapes (see docs/cli.md):

* **JSON** (``.json``): a list of messages ``[{"role": ..., "content": ...}]``, an
  object ``{"messages": [...]}`` as the hosted memory APIs take, or a list of such
  objects or lists (one conversation each).
* **JSONL** (``.jsonl``, ``.ndjson``): either every line is a message (the file is one
  conversation) or every line is a conversation (``{"messages": [...]}`` or a list of
  messages). The first record decides; mixing the two is an error.
* **Text** (``.txt``, ``.md``, anything else that is not JSON): ``Speaker: text`` lines.
  A speaker named by a role (``User``/``Human``, ``Assistant``/``AI``/``Bot``,
  ``System``, ``Tool``) takes that role; any other name is a user message carrying that
  ``name``. Lines without a label continue the previous message, and a line of
  ``---`` starts a new conversation.
* **Directories**: every such file below it, in path order; hidden files are skipped.

Each message is read by :func:`langmem_extract.messages.read_message`, so a file
accepts exactly what the Python API accepts (roles, ``type`` instead of ``role``, text
blocks, plain strings, ``[role, content]`` pairs). Every error names the file and the
line, e.g. ``chat.jsonl:7: unknown role 'robot'``.
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

from langmem_extract.errors import InvalidInputError, TooManyMessagesError
from langmem_extract.messages import ROLE_ALIASES, check_message_sequence, read_message

__all__ = [
    "CHAT_FILE_SUFFIXES",
    "ChatFileFormat",
    "Conversation",
    "load_chat_files",
    "parse_chat_file",
]

ChatFileFormat = Literal["json", "jsonl", "text"]

#: File suffixes read from directories, and the format each implies.
CHAT_FILE_SUFFIXES: dict[str, ChatFileFormat] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "text",
    ".md": "text",
}

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


def _message(obj: Any, source: str, default_line: int) -> dict[str, Any]:
    try:
        return read_message(obj)
    except InvalidInputError as exc:
        raise type(exc)(f"{source}:{_line_of(obj, default_line)}: {exc}") from None


def _conversation(messages: Any, source: str, line: int) -> Conversation:
    if not isinstance(messages, list):
        raise InvalidInputError(
            f"{source}:{line}: 'messages' must be a list, got {type(messages).__name__}"
        )
    try:
        check_message_sequence(messages)
    except InvalidInputError as exc:
        raise type(exc)(f"{source}:{line}: {exc}") from None
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
    role = ROLE_ALIASES.get(name.lower())
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


def _sniff(text: str) -> ChatFileFormat:
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


def parse_chat_file(
    text: str, source: str = "<stdin>", *, format: ChatFileFormat | None = None
) -> list[Conversation]:
    """Parse one file's text; ``format=None`` guesses from the content."""
    fmt = format or _sniff(text)
    if fmt not in _PARSERS:
        raise InvalidInputError(f"{source}: unknown chat file format {fmt!r}")
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
        if path.is_file() and not hidden and path.suffix.lower() in CHAT_FILE_SUFFIXES:
            yield path


def load_chat_files(path: str | Path) -> list[Conversation]:
    """Conversations in a file, or in every chat file below a directory."""
    root = Path(path)
    if not root.exists():
        raise InvalidInputError(f"{root}: no such file or directory")
    if root.is_dir():
        files = list(_files_below(root))
        if not files:
            suffixes = ", ".join(CHAT_FILE_SUFFIXES)
            raise InvalidInputError(f"{root}: no chat files ({suffixes}) in this directory")
    else:
        files = [root]
    conversations: list[Conversation] = []
    for file in files:
        fmt = CHAT_FILE_SUFFIXES.get(file.suffix.lower())
        conversations.extend(parse_chat_file(_read(file), str(file), format=fmt))
    return conversations
