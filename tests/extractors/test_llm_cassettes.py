"""The LLM path through real ChatOpenAI HTTP, replayed from vcrpy cassettes.

The cassettes in tests/cassettes/llm/ are OpenAI chat.completions wire format. To
re-record them against the real API:

    LANGMEM_RECORD=1 OPENAI_API_KEY=sk-... .venv/bin/pytest tests/extractors/test_llm_cassettes.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import vcr
from langchain_openai import ChatOpenAI
from langgraph.store.memory import InMemoryStore

from langmem_extract.errors import (
    LLMRateLimitError,
    LLMRefusalError,
    MalformedOutputError,
)
from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.llm import LLMExtractor
from langmem_extract.graph.builder import extract_memories
from langmem_extract.messages import normalize_messages
from langmem_extract.schema import MemoryType, Provenance
from tests.conftest import HashEmbeddings

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "llm"
RECORD = os.environ.get("LANGMEM_RECORD") == "1"

recorder = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="all" if RECORD else "none",
    match_on=["method", "scheme", "host", "port", "path"],
    filter_headers=["authorization", "openai-organization", "openai-project", "cookie"],
    decode_compressed_response=True,
)

MESSAGES = [
    {"id": "m1", "role": "user", "content": "I prefer email over phone calls. My timezone is PST."}
]


def _same_model(r1: Any, r2: Any) -> None:
    """Requests match only when they ask for the same model (the per-call override)."""
    m1 = json.loads(r1.body or b"{}").get("model")
    m2 = json.loads(r2.body or b"{}").get("model")
    assert m1 == m2, f"model {m1!r} != {m2!r}"


recorder.register_matcher("model", _same_model)


def _extractor(max_retries: int = 2) -> LLMExtractor:
    model = ChatOpenAI(
        model="gpt-4o-mini",
        api_key=os.environ.get("OPENAI_API_KEY", "sk-test-not-a-real-key")
        if RECORD
        else "sk-test-not-a-real-key",
        max_retries=0,
        temperature=0,
    )
    return LLMExtractor(model, max_retries=max_retries)


def _run(extractor: LLMExtractor):
    return extractor.extract(normalize_messages(MESSAGES), context=ExtractContext())


def test_normal_reply_maps_to_typed_candidates() -> None:
    with recorder.use_cassette("normal.yaml") as cassette:
        out = _run(_extractor())
    assert cassette.play_count == 1
    assert out.tokens_used == 580  # usage.total_tokens of the reply
    assert out.model == "gpt-4o-mini"
    by_type = {c.type: c for c in out.candidates}
    pref = by_type[MemoryType.PREFERENCE]
    assert pref.content == "User prefers email over phone calls."
    assert pref.preference is not None and pref.preference.explicit is True
    assert pref.source_message_ids == ["m1"]
    assert "model-scored" in pref.signals
    fact = by_type[MemoryType.FACT]
    assert (fact.attribute, fact.value) == ("timezone", "PST")
    assert fact.provenance == Provenance.EXPLICIT_STATEMENT


def test_rate_limit_is_retried_then_succeeds() -> None:
    with recorder.use_cassette("rate_limit_then_success.yaml") as cassette:
        out = _run(_extractor())
    assert cassette.play_count == 2
    assert len(out.candidates) == 2
    assert out.tokens_used == 580


def test_rate_limit_exhausted_raises_typed_error() -> None:
    with (
        recorder.use_cassette("rate_limit_always.yaml") as cassette,
        pytest.raises(LLMRateLimitError),
    ):
        _run(_extractor(max_retries=2))
    assert cassette.play_count == 3


def test_malformed_reply_is_retried_then_good() -> None:
    with recorder.use_cassette("malformed_then_good.yaml") as cassette:
        out = _run(_extractor())
    assert cassette.play_count == 2
    assert [c.type for c in out.candidates] == [MemoryType.PREFERENCE, MemoryType.FACT]


def test_malformed_every_time_raises_after_bounded_retries() -> None:
    with (
        recorder.use_cassette("malformed_always.yaml") as cassette,
        pytest.raises(MalformedOutputError),
    ):
        _run(_extractor(max_retries=2))
    assert cassette.play_count == 3


def test_refusal_raises_typed_error() -> None:
    with recorder.use_cassette("refusal.yaml"), pytest.raises(LLMRefusalError):
        _run(_extractor())


def test_graph_with_llm_extractor_persists_and_counts_tokens() -> None:
    store = InMemoryStore(index={"dims": 64, "embed": HashEmbeddings(), "fields": ["content"]})
    with recorder.use_cassette("normal.yaml"):
        result = extract_memories(MESSAGES, store=store, namespace=("llm",), extractor=_extractor())
    assert result.stored == 2 and result.tokens_used == 580 and result.model == "gpt-4o-mini"
    stored = {i.value["content"]: i.value for i in store.search(("llm",), limit=10)}
    assert stored["User's timezone is PST."]["attribute"] == "timezone"
    assert stored["User prefers email over phone calls."]["source_message_ids"] == ["m1"]


def test_ai_model_override_reaches_the_wire() -> None:
    with recorder.use_cassette(
        "ai_model_override.yaml", match_on=["method", "host", "path", "model"]
    ) as cassette:
        out = _extractor().extract(
            normalize_messages(MESSAGES),
            context=ExtractContext(config={"configurable": {"ai_model": "gpt-4o"}}),
        )
    assert cassette.play_count == 1
    assert out.model == "gpt-4o" and len(out.candidates) == 2
