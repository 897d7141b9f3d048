"""Provider failures through the real ``ChatOpenAI`` HTTP stack against a local server.

Each test scripts the replies of an OpenAI-compatible server on 127.0.0.1
(tests/extractors/llm_server.py) and asserts the typed error, the number of requests
the server saw, and success after transient failures, on the sync and async paths.
"""

from __future__ import annotations

import asyncio
import dataclasses
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from langchain_openai import ChatOpenAI
from langgraph.store.memory import InMemoryStore

from langmem_extract.errors import (
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMConnectionError,
    LLMError,
    LLMRateLimitError,
    LLMServerError,
    LLMTimeoutError,
    MalformedOutputError,
)
from langmem_extract.extractors.base import ExtractContext, ExtractorOutput
from langmem_extract.extractors.llm import LLMExtractor
from langmem_extract.graph.builder import extract_memories
from langmem_extract.messages import normalize_messages
from tests.conftest import HashEmbeddings
from tests.extractors.llm_server import (
    OK,
    Reply,
    ScriptedServer,
    closed_port_url,
    completion,
    error_body,
)

KEY = "sk-test-LOCALKEY-0123456789abcdef"
MESSAGES = normalize_messages(
    [{"id": "m1", "role": "user", "content": "I prefer email over phone calls."}]
)
Run = Callable[[LLMExtractor], ExtractorOutput]


def _extractor(
    url: str, *, max_retries: int = 2, timeout: float = 5.0, sleeps: list[float] | None = None
) -> LLMExtractor:
    extractor = LLMExtractor(
        model_name="gpt-4o-mini",
        base_url=url,
        api_key=KEY,
        timeout=timeout,
        max_retries=max_retries,
        retry_backoff=0.001,
    )
    if sleeps is not None:  # record the waits instead of sleeping

        async def asleep(seconds: float) -> None:
            sleeps.append(seconds)

        extractor.retry_policy = dataclasses.replace(
            extractor.retry_policy, sleep=sleeps.append, asleep=asleep
        )
    return extractor


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest) -> Run:
    """``extract`` or ``aextract``: both paths share the retry policy."""
    if request.param == "sync":
        return lambda extractor: extractor.extract(MESSAGES, context=ExtractContext())
    return lambda extractor: asyncio.run(extractor.aextract(MESSAGES, context=ExtractContext()))


def _fails(run: Run, extractor: LLMExtractor, error: type[LLMError]) -> LLMError:
    with pytest.raises(error) as info:
        run(extractor)
    return info.value


# -- transient failures are retried


def test_server_error_then_success(llm_server: ScriptedServer, run: Run) -> None:
    llm_server.script(Reply(500, error_body("The server had an error")), OK)
    out = run(_extractor(llm_server.url))
    assert llm_server.attempts == 2
    assert [c.content for c in out.candidates] == ["User prefers email over phone calls."]
    assert out.tokens_used == 120  # only the successful attempt reports usage


def test_server_error_every_time_is_typed_with_status_and_request_id(
    llm_server: ScriptedServer, run: Run
) -> None:
    llm_server.script(*[Reply(503, "<html>unavailable</html>", {"x-request-id": "req_503"})] * 4)
    error = _fails(run, _extractor(llm_server.url, max_retries=3), LLMServerError)
    assert llm_server.attempts == 4
    assert (error.status_code, error.request_id, error.attempts) == (503, "req_503", 4)
    assert "HTTP 503" in str(error) and "req_503" in str(error)


def test_rate_limit_honours_retry_after_then_succeeds(llm_server: ScriptedServer, run: Run) -> None:
    sleeps: list[float] = []
    llm_server.script(Reply(429, error_body("Rate limit reached"), {"retry-after": "3"}), OK)
    out = run(_extractor(llm_server.url, sleeps=sleeps))
    assert llm_server.attempts == 2 and len(out.candidates) == 1
    assert sleeps == [3.0]  # the provider's wait, not the 1 ms backoff


def test_rate_limit_retry_after_ms_is_really_waited(llm_server: ScriptedServer) -> None:
    llm_server.script(Reply(429, error_body("slow down"), {"retry-after-ms": "250"}), OK)
    _extractor(llm_server.url).extract(MESSAGES, context=ExtractContext())
    first, second = llm_server.requests
    assert second.at - first.at >= 0.25


def test_rate_limit_exhausted(llm_server: ScriptedServer, run: Run) -> None:
    llm_server.script(*[Reply(429, error_body("slow down"), {"retry-after-ms": "1"})] * 3)
    error = _fails(run, _extractor(llm_server.url), LLMRateLimitError)
    assert llm_server.attempts == 3 and error.status_code == 429 and error.retry_after == 0.001


def test_rate_limit_asking_for_more_than_the_bound_is_not_retried(
    llm_server: ScriptedServer, run: Run
) -> None:
    # Retrying before the provider's 120 s would only earn another 429.
    llm_server.script(Reply(429, error_body("quota"), {"retry-after": "120"}), OK)
    error = _fails(run, _extractor(llm_server.url), LLMRateLimitError)
    assert llm_server.attempts == 1
    assert error.retry_after == 120.0 and "retry after 120s" in str(error)


def test_slow_response_times_out_and_is_retried(llm_server: ScriptedServer, run: Run) -> None:
    llm_server.script(Reply(delay=5), Reply(delay=5))
    error = _fails(run, _extractor(llm_server.url, max_retries=1, timeout=0.3), LLMTimeoutError)
    assert llm_server.attempts == 2
    assert error.status_code is None and "timeout 0.3s" in str(error)


def test_slow_then_fast_succeeds(llm_server: ScriptedServer, run: Run) -> None:
    llm_server.script(Reply(delay=5), OK)
    out = run(_extractor(llm_server.url, timeout=0.3))
    assert llm_server.attempts == 2 and len(out.candidates) == 1


def test_408_is_a_timeout_and_retried(llm_server: ScriptedServer, run: Run) -> None:
    llm_server.script(Reply(408, error_body("request timeout")), OK)
    assert len(run(_extractor(llm_server.url)).candidates) == 1
    assert llm_server.attempts == 2


def test_refused_connection_is_retried_then_typed(run: Run) -> None:
    sleeps: list[float] = []
    error = _fails(run, _extractor(closed_port_url(), sleeps=sleeps), LLMConnectionError)
    assert error.attempts == 3 and len(sleeps) == 2 and error.status_code is None
    assert "Connection" in str(error)


def test_dropped_connection_then_success(llm_server: ScriptedServer, run: Run) -> None:
    llm_server.script(Reply(drop=True), OK)
    assert len(run(_extractor(llm_server.url)).candidates) == 1
    assert llm_server.attempts == 2


def test_backoff_is_jittered_exponential_and_bounded(llm_server: ScriptedServer) -> None:
    sleeps: list[float] = []
    extractor = _extractor(llm_server.url, max_retries=4, sleeps=sleeps)
    extractor.retry_policy = dataclasses.replace(extractor.retry_policy, base_delay=1.0)
    llm_server.script(*[Reply(502, error_body("bad gateway"))] * 5)
    with pytest.raises(LLMServerError):
        extractor.extract(MESSAGES, context=ExtractContext())
    assert llm_server.attempts == 5 and len(sleeps) == 4
    assert all(0.0 <= wait <= 2**n for n, wait in enumerate(sleeps)), sleeps


# -- malformed replies


def test_malformed_json_body_is_retried_then_typed(llm_server: ScriptedServer, run: Run) -> None:
    llm_server.script(*[Reply(200, '{"id": "chatcmpl-x", "choices": [')] * 3)
    error = _fails(run, _extractor(llm_server.url), MalformedOutputError)
    assert llm_server.attempts == 3 and error.attempts == 3


def test_malformed_content_then_good(llm_server: ScriptedServer, run: Run) -> None:
    llm_server.script(Reply(200, completion("not json at all")), OK)
    assert len(run(_extractor(llm_server.url)).candidates) == 1
    assert llm_server.attempts == 2


# -- permanent failures are raised at once


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failure_is_typed_not_retried_and_never_echoes_the_key(
    llm_server: ScriptedServer, run: Run, status: int
) -> None:
    # A server that echoes the key in full (OpenAI masks it; proxies may not).
    llm_server.script(Reply(status, error_body(f"Incorrect API key provided: {KEY}")), OK)
    error = _fails(run, _extractor(llm_server.url), LLMAuthenticationError)
    assert llm_server.attempts == 1 and error.status_code == status
    assert llm_server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    shown = "".join(traceback.format_exception(error)) + repr(error)
    assert KEY not in shown and "[REDACTED:api_key]" in str(error)
    assert "OPENAI_API_KEY" in str(error)


@pytest.mark.parametrize("status", [400, 404, 409, 413, 422])
def test_bad_request_is_typed_and_not_retried(
    llm_server: ScriptedServer, run: Run, status: int
) -> None:
    llm_server.script(Reply(status, error_body("The model `gpt-9` does not exist"), {"x-request-id": "req_4xx"}), OK)  # fmt: skip
    error = _fails(run, _extractor(llm_server.url), LLMBadRequestError)
    assert llm_server.attempts == 1
    assert (error.status_code, error.request_id) == (status, "req_4xx")
    assert "does not exist" in str(error)


def test_unreadable_retry_after_falls_back_to_backoff(llm_server: ScriptedServer) -> None:
    sleeps: list[float] = []
    llm_server.script(Reply(429, error_body("slow"), {"retry-after": "soon"}), OK)
    _extractor(llm_server.url, sleeps=sleeps).extract(MESSAGES, context=ExtractContext())
    assert llm_server.attempts == 2 and len(sleeps) == 1 and 0.0 <= sleeps[0] <= 0.001


# -- configuration


def test_missing_key_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(LLMAuthenticationError, match="set OPENAI_API_KEY or pass api_key="):
        LLMExtractor()


@pytest.mark.parametrize(
    "url", ["localhost:8080/v1", "ftp://host/v1", "http://", "proxy:s3cret-pw@gateway.example/v1"]
)
def test_malformed_base_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(LLMAuthenticationError, match="OPENAI_BASE_URL") as info:
        LLMExtractor(api_key=KEY, base_url=url)
    assert "s3cret-pw" not in str(info.value)  # the URL is not echoed


def test_bad_url_inside_a_given_model_is_a_configuration_error(run: Run) -> None:
    model = ChatOpenAI(model="gpt-4o-mini", base_url="localhost:9/v1", api_key=KEY, max_retries=0)
    extractor = LLMExtractor(model, retry_backoff=0.001)
    _fails(run, extractor, LLMAuthenticationError)


def test_sdk_retries_of_a_given_model_multiply_ours(llm_server: ScriptedServer) -> None:
    # ChatOpenAI retries 5xx inside the SDK (max_retries, default 2): each of our
    # attempts becomes 1 + that many requests. The built model sets 0, so counts are ours.
    model = ChatOpenAI(model="gpt-4o-mini", base_url=llm_server.url, api_key=KEY, max_retries=1)
    llm_server.script(*[Reply(500, error_body("boom"))] * 6)
    with pytest.raises(LLMServerError):
        LLMExtractor(model, max_retries=1, retry_backoff=0.001).extract(
            MESSAGES, context=ExtractContext()
        )
    assert llm_server.attempts == 4
    llm_server.script(*[Reply(500, error_body("boom"))] * 6)
    with pytest.raises(LLMServerError):
        _extractor(llm_server.url, max_retries=1).extract(MESSAGES, context=ExtractContext())
    assert llm_server.attempts == 2


def test_graph_writes_nothing_when_the_provider_fails(llm_server: ScriptedServer) -> None:
    store = InMemoryStore(index={"dims": 64, "embed": HashEmbeddings(), "fields": ["content"]})
    llm_server.script(*[Reply(503, error_body("overloaded"))] * 3)
    messages: list[dict[str, Any]] = [{"id": "m1", "role": "user", "content": "I live in Rome."}]
    with pytest.raises(LLMServerError):
        extract_memories(
            messages, store=store, namespace=("m",), extractor=_extractor(llm_server.url)
        )
    assert llm_server.attempts == 3
    assert store.search((), limit=10) == []
