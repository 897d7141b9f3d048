"""The extractor protocol shared by the offline rule extractor and the LLM extractor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from langchain_core.runnables import RunnableConfig

from langmem_extract.schema import Candidate, ChatMessage


@dataclass(frozen=True)
class ExtractContext:
    """What an extractor may use besides the messages.

    ``reference_time`` resolves relative dates when a message has no timestamp;
    ``config`` carries per-call overrides such as ``configurable.ai_model``.
    """

    reference_time: datetime | None = None
    config: RunnableConfig | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExtractorOutput:
    candidates: list[Candidate]
    tokens_used: int = 0
    model: str | None = None


@runtime_checkable
class Extractor(Protocol):
    """Turns validated (already secret-redacted) messages into memory candidates."""

    def extract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput: ...

    async def aextract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput: ...
