"""Fake chat models for the LLM extractor tests (no network)."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult


def memories_reply(*memories: dict[str, Any], tokens: int = 100) -> AIMessage:
    """An AIMessage whose content is the JSON the extractor asks for."""
    body = {"memories": [_memory(**m) for m in memories]}
    return AIMessage(
        content=json.dumps(body),
        usage_metadata={"input_tokens": tokens - 20, "output_tokens": 20, "total_tokens": tokens},
    )


def _memory(content: str, source_message_ids: list[str], **fields: Any) -> dict[str, Any]:
    out = {
        "content": content,
        "type": "fact",
        "kind": "semantic",
        "category": "general",
        "confidence": 0.9,
        "importance": 0.6,
        "provenance": "explicit_statement",
        "subject": "User",
        "source_message_ids": source_message_ids,
    }
    out.update(fields)
    return out


class RecordingChatModel(GenericFakeChatModel):
    """Replays the given replies (or raises given exceptions) and records every prompt."""

    model_name: str = "fake-model"
    prompts: list[list[BaseMessage]] = []  # noqa: RUF012 - replaced per instance below

    def model_post_init(self, __context: Any) -> None:
        self.prompts = []

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        self.prompts.append(list(messages))
        reply = next(self.messages)
        if isinstance(reply, BaseException):
            raise reply
        message = AIMessage(content=reply) if isinstance(reply, str) else reply
        return ChatResult(generations=[ChatGeneration(message=message)])

    def prompt_text(self) -> str:
        return "\n".join(str(m.content) for prompt in self.prompts for m in prompt)


class HTTPStatusError(Exception):
    """Looks like a provider SDK error: ``status_code`` and ``response.headers``."""

    def __init__(self, status_code: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code
        self.response = type("Response", (), {"headers": headers or {}})()
