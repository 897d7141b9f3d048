"""Validate conversation input into :class:`~langmem_extract.schema.ChatMessage` objects.

Accepts LangChain ``BaseMessage`` objects or ``{role, content, [id], [name], [timestamp]}``
dicts. Every message gets a stable id: its own ``id`` when it has one, else a
deterministic hash of its position, role and content, so re-running the same
conversation yields the same evidence ids (that is what makes re-runs deduplicate).
"""

from __future__ import annotations

import hashlib
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

_ROLE_ALIASES: dict[str, str] = {
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "system": "system",
    "developer": "system",
    "tool": "tool",
    "function": "tool",
}

# Formats seen in real transcripts (LoCoMo session stamps, common log formats).
_TIMESTAMP_FORMATS = (
    "%I:%M %p on %d %B, %Y",
    "%I:%M %p on %d %b, %Y",
    "%d %B %Y",
    "%d %B, %Y",
    "%B %d, %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
)


def parse_timestamp(value: Any) -> datetime | None:
    """Parse a datetime, ISO string, LoCoMo-style stamp or epoch seconds; naive → UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        dt = datetime.fromtimestamp(float(value), tz=UTC)
    elif isinstance(value, str):
        dt = _parse_timestamp_str(value.strip())
    else:
        raise InvalidInputError(f"unsupported timestamp {value!r}: use a datetime or ISO string")
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _parse_timestamp_str(text: str) -> datetime:
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


def _message_id(index: int, role: str, content: str) -> str:
    digest = hashlib.sha256(f"{index}\x1f{role}\x1f{content}".encode()).hexdigest()[:16]
    return f"msg-{digest}"


def _text_of(content: Any, index: int) -> str:
    """Plain text of a message content; text-only block lists are joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts: list[str] = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, Mapping) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
            else:
                kind = block.get("type") if isinstance(block, Mapping) else type(block).__name__
                raise NonTextContentError(
                    f"message {index} has non-text content ({kind!r}); only text can be extracted"
                )
        return "\n".join(parts)
    raise NonTextContentError(f"message {index} content is {type(content).__name__}, expected text")


def _fields_of(message: Any, index: int) -> dict[str, Any]:
    """Pull role/content/id/name/timestamp out of a BaseMessage or a mapping."""
    if isinstance(message, Mapping):
        role = message.get("role", message.get("type"))
        if "content" not in message:
            raise NonTextContentError(f"message {index} has no 'content'")
        return {
            "role": role,
            "content": message["content"],
            "id": message.get("id"),
            "name": message.get("name"),
            "timestamp": message.get("timestamp"),
        }
    msg_type = getattr(message, "type", None)
    if msg_type is None or not hasattr(message, "content"):
        raise InvalidInputError(
            f"message {index} is a {type(message).__name__}; expected a BaseMessage or a dict"
        )
    role = getattr(message, "role", None) if msg_type == "chat" else msg_type
    extra = getattr(message, "additional_kwargs", None) or {}
    return {
        "role": role,
        "content": message.content,
        "id": getattr(message, "id", None),
        "name": getattr(message, "name", None),
        "timestamp": extra.get("timestamp"),
    }


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
        TooManyMessagesError: empty input or more than ``max_messages``.
        MessageTooLongError: a message longer than ``max_chars``.
        UnknownRoleError: a role other than user/human, assistant/ai, system, tool.
        NonTextContentError: content that is not text.
    """
    if isinstance(messages, str | bytes | Mapping) or not isinstance(messages, Sequence):
        raise InvalidInputError("messages must be a list of messages")
    if not messages:
        raise TooManyMessagesError("messages is empty: give at least one message")
    if len(messages) > max_messages:
        raise TooManyMessagesError(
            f"{len(messages)} messages given; at most {max_messages} per request"
        )
    default_time = parse_timestamp(reference_time)
    out: list[ChatMessage] = []
    for index, message in enumerate(messages):
        fields = _fields_of(message, index)
        raw_role = fields["role"]
        role = _ROLE_ALIASES.get(str(raw_role).lower()) if isinstance(raw_role, str) else None
        if role is None:
            raise UnknownRoleError(
                f"message {index} has role {raw_role!r}; use user, assistant, system or tool"
            )
        content = _text_of(fields["content"], index)
        if len(content) > max_chars:
            raise MessageTooLongError(
                f"message {index} has {len(content)} characters; the bound is {max_chars}"
            )
        msg_id = fields["id"] or _message_id(index, role, content)
        out.append(
            ChatMessage(
                id=str(msg_id),
                role=role,
                content=content,
                name=(str(fields["name"]).strip() or None) if fields["name"] else None,
                timestamp=parse_timestamp(fields["timestamp"]) or default_time,
            )
        )
    return out
