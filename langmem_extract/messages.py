"""The message normaliser: one role map and one content reader for every input path.

The Python API (``graph/state.build_request``), the CLI file parser
(:mod:`~langmem_extract.chat_files`) and chat capture (:mod:`~langmem_extract.capture`)
all read messages here, so they accept the same inputs. A message may be any form
``langchain_core.messages.convert_to_messages`` takes:

* a LangChain ``BaseMessage`` (chunks and ``ChatMessage`` with a custom role included);
* a ``{role | type, content, [id], [name], [timestamp | created_at]}`` dict;
* a ``(role, content)`` pair (a tuple, or a two-item list);
* a plain string, which is a user message.

Roles map to four: ``user`` (user, human), ``assistant`` (assistant, ai, bot), ``system``
(system, developer) and ``tool`` (tool, function). Content is a string or a list of text
blocks (``text``, ``input_text``, ``output_text`` or bare strings); ``None`` is empty
text, as in LangChain.

Every message gets a stable id: its own ``id`` when it has one, else a deterministic
hash of its position, role and content, so re-running the same conversation yields the
same evidence ids (that is what makes re-runs deduplicate).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from langmem_extract.errors import (
    InvalidInputError,
    MessageTooLongError,
    NonTextContentError,
    TooManyMessagesError,
    UnknownRoleError,
)
from langmem_extract.schema import DEFAULT_MAX_MESSAGE_CHARS, MAX_MESSAGES, ChatMessage

__all__ = [
    "ROLE_ALIASES",
    "TEXT_BLOCK_TYPES",
    "check_message_sequence",
    "check_text",
    "content_text",
    "json_text",
    "message_role",
    "normalize_messages",
    "parse_timestamp",
    "read_message",
]

#: Every accepted role name (lower case) and the role it means.
ROLE_ALIASES: Mapping[str, str] = {
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
#: Content block types read as text: LangChain's ``text`` and OpenAI Responses'
#: ``input_text`` / ``output_text``.
TEXT_BLOCK_TYPES = frozenset({"text", "input_text", "output_text"})
_ROLE_HINT = "use user, assistant, system or tool"
_CHUNK_SUFFIX = "MessageChunk"

# Formats seen in real transcripts (LoCoMo session stamps, common log formats).
#: The last epoch second before the year 10000 (``datetime``'s bound), in UTC.
_MAX_EPOCH_SECONDS = 253_402_300_799
_TIMESTAMP_FORMATS = (
    "%I:%M %p on %d %B, %Y",
    "%I:%M %p on %d %b, %Y",
    "%d %B %Y",
    "%d %B, %Y",
    "%B %d, %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
)


def check_text(text: str, what: str) -> str:
    """``text`` if it can be stored as UTF-8, else :class:`InvalidInputError` (a lone
    surrogate such as ``"\\ud800"``, which no store or file can hold)."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInputError(f"{what} is not valid Unicode (a lone surrogate)") from None
    return text


def json_text(value: Any, what: str) -> str:
    """``value`` as the JSON text a store keeps, else :class:`InvalidInputError` naming
    ``what``: not serialisable, ``nan``/``inf``, nested past the recursion limit, or
    holding a lone surrogate."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{what} is not JSON-serialisable: {exc}") from None
    except RecursionError:
        raise InvalidInputError(f"{what} is nested too deeply to store") from None
    return check_text(text, what)


def parse_timestamp(value: Any) -> datetime | None:
    """Parse a datetime, ISO string, LoCoMo-style stamp or epoch seconds; naive → UTC.

    Epoch seconds must be finite and within the years 1970-9999 (``nan``, ``inf``,
    ``1e20`` and negative stamps raise :class:`InvalidInputError`).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not (math.isfinite(value) and 0 <= value <= _MAX_EPOCH_SECONDS):
            raise InvalidInputError(
                f"timestamp {value!r} is not epoch seconds between 1970 and 9999"
            )
        dt = datetime.fromtimestamp(float(value), tz=UTC)
    elif isinstance(value, str):
        dt = _parse_timestamp_str(value.strip())
    else:
        raise InvalidInputError(f"unsupported timestamp {value!r}: use a datetime or ISO string")
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _parse_timestamp_str(text: str) -> datetime:
    check_text(text, "timestamp")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise InvalidInputError(f"could not parse timestamp {text!r}: use ISO 8601")


# --------------------------------------------------------------------------- roles, content


def _canonical_role(raw: Any) -> str | None:
    return ROLE_ALIASES.get(raw.strip().lower()) if isinstance(raw, str) else None


def message_role(message: Any) -> str | None:
    """The role of a ``BaseMessage`` (user/assistant/system/tool), None if unknown.

    ``AIMessageChunk`` and the other chunks count as their message type; a
    ``ChatMessage`` carries its own role name.
    """
    msg_type = getattr(message, "type", None)
    if not isinstance(msg_type, str):
        return None
    if msg_type.endswith(_CHUNK_SUFFIX):
        msg_type = msg_type[: -len(_CHUNK_SUFFIX)]
    if msg_type.lower() == "chat":
        return _canonical_role(getattr(message, "role", None))
    return _canonical_role(msg_type)


def content_text(content: Any, *, strict: bool = True) -> str:
    """The text of a message content: a string, or its text blocks joined by newlines.

    With ``strict`` (the default) any other block (image, audio, tool call) raises
    :class:`NonTextContentError`; without it such blocks are skipped, which is how
    capture reads an agent's turns.
    """
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list | tuple):
        parts: list[str] = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, Mapping) and block.get("type") in TEXT_BLOCK_TYPES:
                parts.append(str(block.get("text") or ""))
            elif strict:
                kind = block.get("type") if isinstance(block, Mapping) else type(block).__name__
                raise NonTextContentError(
                    f"non-text content block {kind!r}; only text can be extracted"
                )
        return "\n".join(p for p in parts if p)
    if strict:
        raise NonTextContentError(f"content is {type(content).__name__}, expected text")
    return ""


def _optional_id(value: Any) -> str | None:
    return str(value) if value is not None and str(value).strip() else None


def _optional_name(value: Any) -> str | None:
    return (str(value).strip() or None) if value else None


def read_message(message: Any) -> dict[str, Any]:
    """One message in any accepted form as ``{role, content, [id], [name], [timestamp]}``.

    ``role`` is canonical and ``content`` is text; ``timestamp`` is the value as given
    (already checked to parse). Errors carry no position: callers prefix one.

    Raises:
        UnknownRoleError: a missing role or one outside :data:`ROLE_ALIASES`.
        NonTextContentError: missing content, or content that is not text.
        InvalidInputError: a form that is not a message, or a bad timestamp.
    """
    timestamp: Any = None
    name: Any = None
    msg_id: Any = None
    if isinstance(message, str):
        raw_role, content = "user", message
    elif isinstance(message, Mapping):
        raw_role = message.get("role", message.get("type"))
        if "content" not in message:
            raise NonTextContentError("message has no 'content'")
        content = message["content"]
        msg_id, name = message.get("id"), message.get("name")
        timestamp = message.get("timestamp", message.get("created_at"))
    elif isinstance(message, Sequence) and not isinstance(message, bytes):
        if len(message) != 2:
            raise InvalidInputError(
                f"a message given as a sequence must be a (role, content) pair, "
                f"got {len(message)} items"
            )
        raw_role, content = message
    elif isinstance(getattr(message, "type", None), str) and hasattr(message, "content"):
        role = message_role(message)
        if role is None:
            shown = getattr(message, "role", message.type)
            raise UnknownRoleError(f"unknown role {shown!r} ({_ROLE_HINT})")
        extra = getattr(message, "additional_kwargs", None) or {}
        out = _fields(
            role,
            content_text(message.content),
            getattr(message, "id", None),
            getattr(message, "name", None),
        )
        return _with_timestamp(out, extra.get("timestamp"))
    else:
        raise InvalidInputError(
            f"a message is a BaseMessage, a dict, a (role, content) pair or a string; "
            f"got {type(message).__name__}"
        )
    if raw_role is None or (isinstance(raw_role, str) and not raw_role.strip()):
        raise UnknownRoleError(f"message has no 'role' ({_ROLE_HINT})")
    role = _canonical_role(raw_role)
    if role is None:
        raise UnknownRoleError(f"unknown role {raw_role!r} ({_ROLE_HINT})")
    return _with_timestamp(_fields(role, content_text(content), msg_id, name), timestamp)


def _fields(role: str, content: str, msg_id: Any, name: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"role": role, "content": check_text(content, "content")}
    if (clean_id := _optional_id(msg_id)) is not None:
        out["id"] = check_text(clean_id, "id")
    if (clean_name := _optional_name(name)) is not None:
        out["name"] = check_text(clean_name, "name")
    return out


def _with_timestamp(fields: dict[str, Any], timestamp: Any) -> dict[str, Any]:
    if parse_timestamp(timestamp) is not None:  # raises on a bad stamp
        fields["timestamp"] = timestamp
    return fields


def check_message_sequence(messages: Any) -> Sequence[Any]:
    """``messages`` itself: a list (or tuple) of messages, else :class:`InvalidInputError`.

    A plain string is not a conversation (LangChain would read it as one message per
    character), and neither is a lone ``("user", "…")`` pair.
    """
    if isinstance(messages, str | bytes):
        raise InvalidInputError(
            f"messages must be a sequence (list) of messages, got a {type(messages).__name__}; "
            'wrap a single message in a list: ["..."]'
        )
    if isinstance(messages, Mapping) or not isinstance(messages, Sequence):
        raise InvalidInputError(
            f"messages must be a sequence (list) of messages, got {type(messages).__name__}"
        )
    if (
        len(messages) == 2
        and all(isinstance(m, str) for m in messages)
        and _canonical_role(messages[0]) is not None
    ):
        raise InvalidInputError(
            f"messages looks like one (role, content) pair {tuple(messages)!r}; "
            f"pass a list of messages, e.g. [{tuple(messages)!r}]"
        )
    return messages


# --------------------------------------------------------------------------- normalise


def _message_id(index: int, role: str, content: str) -> str:
    digest = hashlib.sha256(f"{index}\x1f{role}\x1f{content}".encode()).hexdigest()[:16]
    return f"msg-{digest}"


def normalize_messages(
    messages: Sequence[Any],
    *,
    max_messages: int = MAX_MESSAGES,
    max_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
    reference_time: datetime | str | None = None,
) -> list[ChatMessage]:
    """Validate ``messages`` and return them as :class:`ChatMessage` with stable ids.

    Messages without a timestamp inherit ``reference_time`` (the session time).

    Raises:
        InvalidInputError: ``messages`` is not a sequence of messages.
        TooManyMessagesError: empty input or more than ``max_messages``.
        MessageTooLongError: a message longer than ``max_chars``.
        UnknownRoleError: a role other than those in :data:`ROLE_ALIASES`.
        NonTextContentError: content that is not text.
    """
    messages = check_message_sequence(messages)
    if not messages:
        raise TooManyMessagesError("messages is empty: give at least one message")
    if len(messages) > max_messages:
        raise TooManyMessagesError(
            f"{len(messages)} messages given; at most {max_messages} per request"
        )
    default_time = parse_timestamp(reference_time)
    out: list[ChatMessage] = []
    for index, message in enumerate(messages):
        try:
            fields = read_message(message)
        except InvalidInputError as exc:
            raise type(exc)(f"message {index}: {exc}") from None
        role, content = fields["role"], fields["content"]
        if len(content) > max_chars:
            raise MessageTooLongError(
                f"message {index} has {len(content)} characters; the bound is {max_chars}"
            )
        out.append(
            ChatMessage(
                id=fields.get("id") or _message_id(index, role, content),
                role=role,
                content=content,
                name=fields.get("name"),
                timestamp=parse_timestamp(fields.get("timestamp")) or default_time,
            )
        )
    return out
