"""The LLM extractor: one structured-output call per invocation, any ``BaseChatModel``.

Without a model it builds ``ChatOpenAI`` when ``OPENAI_API_KEY`` is set (model from
the ``model_name`` argument, else ``LANGMEM_MODEL``, else ``gpt-4o-mini``; ``base_url``
or ``OPENAI_BASE_URL`` for OpenAI-compatible local servers). The conversation it sees
is already secret-redacted, and the system prompt also forbids extracting secrets.

Provider failures end as typed :class:`LLMError` subclasses (the mapping and the retry
policy live in :mod:`langmem_extract.extractors.provider_errors`): timeouts, 429s, 5xx,
refused connections and malformed output are retried within ``max_retries`` with
jittered exponential backoff (a ``retry-after`` wins); 401/403, a missing key or a bad
base URL (:class:`LLMAuthenticationError`), other 4xx (:class:`LLMBadRequestError`) and
refusals (:class:`LLMRefusalError`) are raised at once.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import BaseModel, Field, ValidationError

from langmem_extract.errors import (
    InvalidInputError,
    LLMAuthenticationError,
    LLMRefusalError,
    MalformedOutputError,
)
from langmem_extract.extractors.base import ExtractContext, ExtractorOutput
from langmem_extract.extractors.provider_errors import (
    RetryPolicy,
    is_refusal,
    model_secrets,
)
from langmem_extract.messages import parse_timestamp
from langmem_extract.redact import redact_secrets
from langmem_extract.schema import (
    Candidate,
    ChatMessage,
    MemoryKind,
    MemoryType,
    PreferenceInfo,
    Provenance,
    make_title,
)

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 60.0
BASE_BACKOFF_SECONDS = 1.0


class ExtractedMemory(BaseModel):
    """One memory as the model reports it."""

    content: str = Field(
        description="Stand-alone third-person sentence, e.g. 'User prefers email over phone calls'."
    )
    type: Literal["fact", "preference", "instruction", "decision", "goal", "event", "relationship"]
    kind: Literal["semantic", "episodic"] = Field(
        description="episodic for dated events, else semantic."
    )
    category: str = Field(
        description="One lowercase word: career, health, food, travel, family, interests, communication, technology, location, ..."
    )
    confidence: float = Field(ge=0, le=1, description="How sure the memory is true of the speaker.")
    importance: float = Field(
        ge=0, le=1, description="How useful it is to remember in future conversations."
    )
    provenance: Literal["explicit_statement", "inferred", "observed", "corrected"] = Field(
        description="corrected when it fixes something said earlier."
    )
    subject: str = Field(description="Who it is about: the speaker's name if given, else 'User'.")
    attribute: str | None = Field(
        default=None,
        description="For single-valued facts that can change: location, occupation, employer, timezone, name, diet, ...",
    )
    value: str | None = Field(default=None, description="The attribute's value, e.g. 'Berlin'.")
    preference_explicit: bool | None = Field(
        default=None, description="For preferences: said outright (true) or implied (false)."
    )
    preference_reasoning: str | None = Field(
        default=None, description="For preferences: why you concluded it."
    )
    event_time: str | None = Field(
        default=None, description="ISO date of the event, resolved against the message time."
    )
    source_message_ids: list[str] = Field(description="Ids of the messages this memory comes from.")


class ExtractionOutput(BaseModel):
    """Everything worth remembering from the conversation."""

    memories: list[ExtractedMemory]


SYSTEM_PROMPT = """You extract long-term memories about the user from a conversation.

Return every durable fact, preference, instruction to the assistant, decision, goal, dated \
event and relationship that the user (or a named human speaker) states or clearly implies. \
The assistant's turns are context only: never attribute the assistant's words to the user.

Rules:
- Write each memory as one stand-alone sentence in the third person, using the speaker's \
name when given, else "User" (e.g. "User prefers email over phone calls").
- Resolve relative dates ("yesterday", "last week") against the message time and write the \
absolute date in the sentence and in event_time.
- For single-valued facts that can change (location, occupation, employer, timezone, name, \
diet, relationship status) set attribute and value.
- A correction ("actually, it's Berlin now") is a new memory with provenance "corrected".
- Never extract secrets: passwords, API keys, tokens, private keys, card numbers. Text shown \
as [REDACTED:...] was removed on purpose; do not mention it.
- Cite the ids of the messages each memory comes from in source_message_ids.
- If nothing is worth remembering, return an empty list."""


def _render(messages: Sequence[ChatMessage], reference_time: datetime | None) -> str:
    lines = []
    if reference_time is not None:
        lines.append(f"Reference time: {reference_time.isoformat()}")
    for m in messages:
        # Redacted here too (speaker name and text), so a direct caller of the extractor
        # or a per-call model override cannot send a secret to the model.
        who = f"{m.role} ({redact_secrets(m.name)[0]})" if m.name else m.role
        when = f" @ {m.timestamp.isoformat()}" if m.timestamp else ""
        lines.append(f"[{m.id}] {who}{when}: {redact_secrets(m.content)[0]}")
    return "Conversation:\n" + "\n".join(lines)


_JSON_BLOCK = re.compile(r"\{.*\}", re.S)


def _parse_content(content: Any) -> ExtractionOutput:
    """Parse a plain JSON reply (models without native structured output)."""
    text = content if isinstance(content, str) else json.dumps(content)
    match = _JSON_BLOCK.search(text)
    if not match:
        raise ValueError("no JSON object in the reply")
    return ExtractionOutput.model_validate_json(match.group(0))


def _usage_tokens(raw: Any) -> int:
    usage = getattr(raw, "usage_metadata", None) or {}
    return int(usage.get("total_tokens", 0) or 0)


def _refusal_of(raw: Any) -> str | None:
    if isinstance(raw, AIMessage):
        refusal = raw.additional_kwargs.get("refusal")
        if refusal:
            return str(refusal)
    return None


def _check_options(
    model: Any, model_name: Any, max_retries: Any, timeout: Any, retry_backoff: Any
) -> None:
    """Constructor arguments, checked with typed errors before anything is built."""
    if model is not None and not isinstance(model, Runnable):
        hint = "; a model name goes in model_name=" if isinstance(model, str) else ""
        raise InvalidInputError(
            f"model must be a LangChain chat model, got {type(model).__name__}{hint}"
        )
    if model_name is not None and (not isinstance(model_name, str) or not model_name.strip()):
        raise InvalidInputError(f"model_name must be a non-empty string, got {model_name!r}")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidInputError(f"max_retries must be an integer >= 0, got {max_retries!r}")
    for name, value in (("timeout", timeout), ("retry_backoff", retry_backoff)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise InvalidInputError(f"{name} must be a number of seconds >= 0, got {value!r}")
    if not timeout > 0:
        raise InvalidInputError("timeout must be more than 0 seconds")


class LLMExtractor:
    """Extract memories with a chat model, one structured-output call per invocation.

    Args:
        model: any ``BaseChatModel``; None builds ``ChatOpenAI`` from the environment.
        model_name: model for the built ``ChatOpenAI`` (else ``LANGMEM_MODEL``, else gpt-4o-mini).
        base_url: OpenAI-compatible endpoint (else ``OPENAI_BASE_URL``).
        api_key: else ``OPENAI_API_KEY``.
        instructions: appended to the system prompt.
        max_retries: extra attempts after a transient failure: timeout, 429, 5xx,
            refused connection or malformed output.
        timeout: seconds per call for the built ``ChatOpenAI``.
        retry_backoff: first backoff bound in seconds, doubled per retry; each wait is
            drawn uniformly below it (full jitter). A ``retry-after`` from the provider wins.

    A model you pass keeps its own client retries: ``ChatOpenAI()`` retries 5xx/429/
    timeouts twice inside the SDK, so each of our attempts may be three HTTP requests.
    Build it with ``max_retries=0`` to make this policy the only one.
    """

    def __init__(
        self,
        model: BaseChatModel | None = None,
        *,
        model_name: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        instructions: str | None = None,
        max_retries: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        retry_backoff: float = BASE_BACKOFF_SECONDS,
    ) -> None:
        _check_options(model, model_name, max_retries, timeout, retry_backoff)
        self.retry_policy = RetryPolicy(max_retries=max_retries, base_delay=retry_backoff)
        self.model = (
            model
            if model is not None
            else self._default_model(model_name, base_url, api_key, timeout)
        )
        self.instructions = instructions
        self.timeout = timeout

    @property
    def max_retries(self) -> int:
        return self.retry_policy.max_retries

    @property
    def retry_backoff(self) -> float:
        return self.retry_policy.base_delay

    @staticmethod
    def _default_model(
        model_name: str | None, base_url: str | None, api_key: str | None, timeout: float
    ) -> BaseChatModel:
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            raise LLMAuthenticationError(
                "LLMExtractor has no API key: set OPENAI_API_KEY or pass api_key= (a local "
                "OpenAI-compatible server that ignores keys accepts any value), or pass "
                "model= with any LangChain chat model; the offline RuleExtractor needs neither"
            )
        url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        if url is not None:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                # Not echoed: a URL may carry credentials.
                raise LLMAuthenticationError(
                    "base_url / OPENAI_BASE_URL must be an http:// or https:// URL with a "
                    "host, e.g. http://localhost:8080/v1"
                )
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=model_name or os.environ.get("LANGMEM_MODEL") or DEFAULT_MODEL,
            base_url=url,
            api_key=key,
            timeout=timeout,
            # The SDK's own retries (2 by default) run inside each of ours: against a
            # local server answering 500, max_retries=2 on both sides made 9 requests
            # in 4.3 s (tests/extractors/test_llm_http.py pins 1+1 -> 4). With 0 here
            # this policy is the only one and the counts are exact.
            max_retries=0,
            temperature=0,
        )

    # -- prompt and model

    def system_prompt(self) -> str:
        if self.instructions:
            return f"{SYSTEM_PROMPT}\n\nAdditional instructions:\n{self.instructions.strip()}"
        return SYSTEM_PROMPT

    def build_prompt(
        self, messages: Sequence[ChatMessage], context: ExtractContext
    ) -> list[BaseMessage]:
        return [
            SystemMessage(content=self.system_prompt()),
            HumanMessage(content=_render(messages, context.reference_time)),
        ]

    def _model_for(self, config: RunnableConfig | None) -> BaseChatModel:
        override = ((config or {}).get("configurable") or {}).get("ai_model")
        if not override:
            return self.model
        for field in ("model_name", "model"):
            if field in type(self.model).model_fields:
                return self.model.model_copy(update={field: override})
        return self.model

    @staticmethod
    def _model_label(model: BaseChatModel) -> str:
        return str(getattr(model, "model_name", None) or getattr(model, "model", None)
                   or type(model).__name__)  # fmt: skip

    @staticmethod
    def _structured(model: BaseChatModel) -> Runnable | None:
        try:
            return model.with_structured_output(ExtractionOutput, include_raw=True)
        except NotImplementedError:
            return None

    # -- one attempt

    def _interpret(self, reply: Any) -> tuple[ExtractionOutput | None, int, str | None]:
        """(parsed or None, tokens, problem) from a structured or a plain reply."""
        if isinstance(reply, dict) and "raw" in reply:
            raw, parsed, error = reply["raw"], reply.get("parsed"), reply.get("parsing_error")
            refusal = _refusal_of(raw)
            if refusal or is_refusal(error):
                raise LLMRefusalError(f"the model refused: {refusal or error}")
            if isinstance(parsed, ExtractionOutput):
                return parsed, _usage_tokens(raw), None
            if isinstance(parsed, dict):
                try:
                    return ExtractionOutput.model_validate(parsed), _usage_tokens(raw), None
                except ValidationError as exc:
                    return None, _usage_tokens(raw), str(exc)
            return None, _usage_tokens(raw), str(error or "no parsed output")
        refusal = _refusal_of(reply)
        if refusal:
            raise LLMRefusalError(f"the model refused: {refusal}")
        try:
            return _parse_content(getattr(reply, "content", reply)), _usage_tokens(reply), None
        except (ValueError, ValidationError) as exc:
            return None, _usage_tokens(reply), str(exc)

    # -- public

    def extract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        model = self._model_for(context.config)
        runnable = self._structured(model) or model
        prompt = self.build_prompt(messages, context)
        tokens, problem = 0, ""
        for attempt in range(self.max_retries + 1):
            try:
                reply = runnable.invoke(prompt)
            except Exception as exc:
                self.retry_policy.sleep(self._retry_delay(exc, attempt, model))
                continue
            parsed, used, problem = self._interpret(reply)
            tokens += used
            if parsed is not None:
                return self._output(parsed, messages, tokens, model)
        raise self._malformed(problem)

    async def aextract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        model = self._model_for(context.config)
        runnable = self._structured(model) or model
        prompt = self.build_prompt(messages, context)
        tokens, problem = 0, ""
        for attempt in range(self.max_retries + 1):
            try:
                reply = await runnable.ainvoke(prompt)
            except Exception as exc:
                await self.retry_policy.asleep(self._retry_delay(exc, attempt, model))
                continue
            parsed, used, problem = self._interpret(reply)
            tokens += used
            if parsed is not None:
                return self._output(parsed, messages, tokens, model)
        raise self._malformed(problem)

    def _retry_delay(self, exc: Exception, attempt: int, model: BaseChatModel) -> float:
        """Seconds to wait before the next attempt; raises the typed error when done.

        The one retry decision for ``extract`` and ``aextract``."""
        timeout = getattr(model, "request_timeout", None)
        return self.retry_policy.next_delay(
            exc,
            attempt,
            timeout=float(timeout) if isinstance(timeout, int | float) else None,
            secrets=model_secrets(model),
        )

    def _malformed(self, problem: str) -> MalformedOutputError:
        attempts = self.max_retries + 1
        return MalformedOutputError(
            f"model output did not match the schema after {attempts} attempt(s): {problem}",
            attempts=attempts,
        )

    # -- mapping

    def _output(
        self,
        parsed: ExtractionOutput,
        messages: Sequence[ChatMessage],
        tokens: int,
        model: BaseChatModel,
    ) -> ExtractorOutput:
        names = {m.id: m.name for m in messages}
        candidates = [self._candidate(m, names) for m in parsed.memories if m.content.strip()]
        return ExtractorOutput(
            candidates=candidates, tokens_used=tokens, model=self._model_label(model)
        )

    @staticmethod
    def _candidate(m: ExtractedMemory, names: dict[str, str | None]) -> Candidate:
        content = m.content.strip()
        speaker = next((names[i] for i in m.source_message_ids if names.get(i)), None)
        provenance = Provenance(m.provenance)
        signals = ["model-scored"] + (["correction"] if provenance == Provenance.CORRECTED else [])
        preference = None
        if m.type == "preference" or m.preference_explicit is not None:
            preference = PreferenceInfo(
                explicit=m.preference_explicit if m.preference_explicit is not None else True,
                reasoning=m.preference_reasoning or "stated by the speaker",
            )
        try:
            event_time = parse_timestamp(m.event_time) if m.event_time else None
        except ValueError:
            event_time = None
        return Candidate(
            content=content,
            title=make_title(content),
            type=MemoryType(m.type),
            kind=MemoryKind(m.kind),
            category=(m.category or "general").strip().lower() or "general",
            confidence=m.confidence,
            importance=m.importance,
            provenance=provenance,
            subject=(m.subject or speaker or "User").strip() or "User",
            attribute=(m.attribute or None) and m.attribute.strip().lower(),
            value=m.value or None,
            event_time=event_time,
            preference=preference,
            source_message_ids=list(dict.fromkeys(m.source_message_ids)),
            signals=signals,
            source="conversation",
        )
