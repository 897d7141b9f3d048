"""LLMExtractor with langchain-core fake chat models: prompts, retries, typed errors."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage

from langmem_extract.errors import (
    ExtractionError,
    LLMAuthenticationError,
    LLMError,
    LLMRateLimitError,
    LLMRefusalError,
    LLMTimeoutError,
    MalformedOutputError,
)
from langmem_extract.extractors.base import ExtractContext, Extractor
from langmem_extract.extractors.llm import SYSTEM_PROMPT, LLMExtractor
from langmem_extract.messages import normalize_messages
from langmem_extract.schema import MemoryType, Provenance
from tests.extractors.fakes import HTTPStatusError, RecordingChatModel, memories_reply

MESSAGES = normalize_messages(
    [
        {"id": "u1", "role": "user", "content": "I prefer tea over coffee."},
        {"id": "a1", "role": "assistant", "content": "Noted."},
        {"id": "u2", "role": "user", "content": "Actually, I live in Berlin now.", "name": "Ana"},
    ]
)
GOOD = memories_reply(
    {"content": "User prefers tea over coffee.", "type": "preference", "source_message_ids": ["u1"],
     "preference_explicit": True, "preference_reasoning": "said so", "confidence": 0.8, "importance": 0.7},
    {"content": "Ana lives in Berlin.", "source_message_ids": ["u2", "made-up"], "attribute": "Location",
     "value": "Berlin", "provenance": "corrected", "subject": ""},
    tokens=321,
)  # fmt: skip


def _extractor(*replies: object, **kwargs: object) -> tuple[LLMExtractor, RecordingChatModel]:
    model = RecordingChatModel(messages=iter(replies))
    return LLMExtractor(model, retry_backoff=0.001, **kwargs), model  # type: ignore[arg-type]


def test_one_call_maps_every_field() -> None:
    extractor, model = _extractor(GOOD)
    assert isinstance(extractor, Extractor)
    out = extractor.extract(MESSAGES, context=ExtractContext())
    assert len(model.prompts) == 1
    assert out.tokens_used == 321 and out.model == "fake-model"
    pref, fact = out.candidates
    assert pref.type == MemoryType.PREFERENCE and pref.preference and pref.preference.explicit
    assert pref.signals == ["model-scored"] and pref.confidence == 0.8
    assert fact.provenance == Provenance.CORRECTED and "correction" in fact.signals
    assert (fact.subject, fact.attribute, fact.value) == ("Ana", "location", "Berlin")


def test_prompt_holds_system_rules_ids_and_custom_instructions() -> None:
    extractor, model = _extractor(GOOD, instructions="Only extract food preferences.")
    extractor.extract(MESSAGES, context=ExtractContext())
    system, human = model.prompts[0]
    assert system.content.startswith(SYSTEM_PROMPT)
    assert system.content.endswith("Only extract food preferences.")
    assert "Never extract secrets" in system.content
    assert "[u1] user: I prefer tea over coffee." in human.content
    assert "[u2] user (Ana)" in human.content


def test_ai_model_override_per_call() -> None:
    extractor, model = _extractor(GOOD)
    out = extractor.extract(
        MESSAGES, context=ExtractContext(config={"configurable": {"ai_model": "fake-large"}})
    )
    assert out.model == "fake-large"
    assert model.model_name == "fake-model"  # the configured model is untouched


def test_malformed_output_is_retried_then_raises() -> None:
    extractor, model = _extractor("not json", '{"memories": [{"content": 1}]}', GOOD)
    out = extractor.extract(MESSAGES, context=ExtractContext())
    assert len(model.prompts) == 3 and len(out.candidates) == 2
    extractor, model = _extractor("nope", "still nope", max_retries=1)
    with pytest.raises(MalformedOutputError, match="2 attempt"):
        extractor.extract(MESSAGES, context=ExtractContext())
    assert len(model.prompts) == 2


def test_rate_limit_backoff_then_typed_error() -> None:
    extractor, model = _extractor(HTTPStatusError(429, {"retry-after-ms": "1"}), GOOD)
    assert len(extractor.extract(MESSAGES, context=ExtractContext()).candidates) == 2
    assert len(model.prompts) == 2
    extractor, model = _extractor(*[HTTPStatusError(429)] * 3, max_retries=2)
    with pytest.raises(LLMRateLimitError):
        extractor.extract(MESSAGES, context=ExtractContext())
    assert len(model.prompts) == 3


def test_timeout_and_refusal_and_other_errors_are_typed() -> None:
    extractor, _ = _extractor(TimeoutError(), TimeoutError(), max_retries=1)
    with pytest.raises(LLMTimeoutError):
        extractor.extract(MESSAGES, context=ExtractContext())
    refusal = AIMessage(content="", additional_kwargs={"refusal": "I can't help with that."})
    extractor, model = _extractor(refusal, GOOD)
    with pytest.raises(LLMRefusalError):
        extractor.extract(MESSAGES, context=ExtractContext())
    assert len(model.prompts) == 1  # a refusal is not retried
    extractor, model = _extractor(HTTPStatusError(401), GOOD)
    with pytest.raises(LLMAuthenticationError) as info:
        extractor.extract(MESSAGES, context=ExtractContext())
    assert info.value.status_code == 401 and len(model.prompts) == 1  # not retried
    extractor, model = _extractor(RuntimeError("boom"), GOOD)
    with pytest.raises(LLMError, match="RuntimeError"):
        extractor.extract(MESSAGES, context=ExtractContext())
    assert len(model.prompts) == 1  # an unknown failure is not retried


async def test_async_path_matches_sync() -> None:
    extractor, model = _extractor(HTTPStatusError(429, {"retry-after-ms": "1"}), GOOD)
    out = await extractor.aextract(MESSAGES, context=ExtractContext())
    assert [c.content for c in out.candidates] == [
        "User prefers tea over coffee.",
        "Ana lives in Berlin.",
    ]
    assert len(model.prompts) == 2


def test_without_model_or_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(LLMAuthenticationError, match="OPENAI_API_KEY") as info:
        LLMExtractor()
    assert isinstance(info.value, ExtractionError)


def test_env_configures_chat_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.setenv("LANGMEM_MODEL", "gpt-4.1-mini")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:8080/v1")
    model = LLMExtractor().model
    assert model.model_name == "gpt-4.1-mini"  # type: ignore[attr-defined]
    assert str(model.openai_api_base).startswith("http://localhost:8080")  # type: ignore[attr-defined]
    assert LLMExtractor(model_name="gpt-4o").model.model_name == "gpt-4o"  # type: ignore[attr-defined]


def test_direct_use_redacts_secrets_before_the_prompt() -> None:
    extractor, model = _extractor(GOOD)
    secret = normalize_messages([{"id": "u1", "role": "user", "content": "my password is hunter2"}])
    extractor.extract(secret, context=ExtractContext())
    assert "hunter2" not in model.prompt_text()
    assert "[REDACTED:password]" in model.prompt_text()
