"""The provider-error mapping and the retry policy, exception by exception."""

from __future__ import annotations

import email.utils
import random
from typing import Any

import httpx
import httpx2
import langchain_core.exceptions as lc
import openai
import pytest

from langmem_extract.errors import (
    ExtractionError,
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMConnectionError,
    LLMError,
    LLMRateLimitError,
    LLMRefusalError,
    LLMServerError,
    LLMTimeoutError,
    MalformedOutputError,
)
from langmem_extract.extractors.provider_errors import RetryPolicy, retry_after, to_llm_error
from tests.extractors.fakes import HTTPStatusError

KEY = "sk-test-LOCALKEY-0123456789abcdef"
REQUEST = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")


def _status(cls: type[openai.APIStatusError], code: int, **headers: str) -> openai.APIStatusError:
    response = httpx2.Response(code, headers=headers, request=REQUEST)
    return cls(f"Error code: {code}", response=response, body={"message": f"status {code}"})


def _lc(name: str) -> type[BaseException]:
    cls = getattr(lc, name, None)
    if cls is None:
        pytest.skip(f"langchain-core has no {name}")
    return cls


def _httpx_status(code: int) -> httpx.HTTPStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1")
    response = httpx.Response(code, request=request)
    return httpx.HTTPStatusError("status", request=request, response=response)


CASES: list[tuple[str, Any, type[LLMError]]] = [
    # OpenAI SDK, by status code
    ("openai 400", lambda: _status(openai.BadRequestError, 400), LLMBadRequestError),
    ("openai 401", lambda: _status(openai.AuthenticationError, 401), LLMAuthenticationError),
    ("openai 403", lambda: _status(openai.PermissionDeniedError, 403), LLMAuthenticationError),
    ("openai 404", lambda: _status(openai.NotFoundError, 404), LLMBadRequestError),
    ("openai 409", lambda: _status(openai.ConflictError, 409), LLMBadRequestError),
    ("openai 422", lambda: _status(openai.UnprocessableEntityError, 422), LLMBadRequestError),
    ("openai 429", lambda: _status(openai.RateLimitError, 429), LLMRateLimitError),
    ("openai 500", lambda: _status(openai.InternalServerError, 500), LLMServerError),
    ("openai 502 status", lambda: _status(openai.APIStatusError, 502), LLMServerError),
    ("openai 408", lambda: _status(openai.APIStatusError, 408), LLMTimeoutError),
    ("openai timeout", lambda: openai.APITimeoutError(REQUEST), LLMTimeoutError),
    ("openai connection", lambda: openai.APIConnectionError(request=REQUEST), LLMConnectionError),
    # httpx / httpx2 transport errors that escape a client
    ("httpx read timeout", lambda: httpx.ReadTimeout("slow"), LLMTimeoutError),
    ("httpx connect timeout", lambda: httpx.ConnectTimeout("slow"), LLMTimeoutError),
    ("httpx2 read timeout", lambda: httpx2.ReadTimeout("slow"), LLMTimeoutError),
    ("httpx connect error", lambda: httpx.ConnectError("refused"), LLMConnectionError),
    ("httpx2 connect error", lambda: httpx2.ConnectError("refused"), LLMConnectionError),
    ("httpx remote protocol", lambda: httpx.RemoteProtocolError("eof"), LLMConnectionError),
    ("httpx bad scheme", lambda: httpx.UnsupportedProtocol("no scheme"), LLMAuthenticationError),
    ("httpx 503 status", lambda: _httpx_status(503), LLMServerError),
    ("httpx 401 status", lambda: _httpx_status(401), LLMAuthenticationError),
    # builtins
    ("TimeoutError", lambda: TimeoutError("read timed out"), LLMTimeoutError),
    ("ConnectionRefusedError", lambda: ConnectionRefusedError(111, "refused"), LLMConnectionError),
    ("ConnectionResetError", lambda: ConnectionResetError(104, "reset"), LLMConnectionError),
    # any provider exception that carries a status code
    ("duck-typed 401", lambda: HTTPStatusError(401), LLMAuthenticationError),
    ("duck-typed 529", lambda: HTTPStatusError(529), LLMServerError),
    ("duck-typed 429", lambda: HTTPStatusError(429), LLMRateLimitError),
    # LangChain's provider-neutral errors without a status code
    ("lc rate limit", lambda: _lc("ModelRateLimitError")("slow"), LLMRateLimitError),
    ("lc api error", lambda: _lc("ModelAPIError")("down"), LLMServerError),
    ("lc timeout", lambda: _lc("ModelTimeoutError")("slow"), LLMTimeoutError),
    ("lc connection", lambda: _lc("ModelConnectionError")("down"), LLMConnectionError),
    ("lc auth", lambda: _lc("ModelAuthenticationError")("key"), LLMAuthenticationError),
    ("lc permission", lambda: _lc("ModelPermissionDeniedError")("no"), LLMAuthenticationError),
    ("lc invalid", lambda: _lc("ModelInvalidRequestError")("bad"), LLMBadRequestError),
    ("lc not found", lambda: _lc("ModelNotFoundError")("model"), LLMBadRequestError),
    ("lc overflow", lambda: _lc("ContextOverflowError")("too long"), LLMBadRequestError),
    ("lc refusal", lambda: _lc("ModelRefusalError")("no"), LLMRefusalError),
    ("lc parser", lambda: lc.OutputParserException("bad"), MalformedOutputError),
    # anything else stays a plain LLMError
    ("unknown", lambda: RuntimeError("boom"), LLMError),
]


@pytest.mark.parametrize(("make", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mapping(make: Any, expected: type[LLMError]) -> None:
    error = to_llm_error(make())
    assert type(error) is expected
    assert isinstance(error, ExtractionError)


def test_status_request_id_and_retry_after_are_kept() -> None:
    exc = _status(
        openai.RateLimitError, 429, **{"x-request-id": "req_42", "retry-after-ms": "1500"}
    )
    error = to_llm_error(exc, attempts=3)
    assert (error.status_code, error.request_id, error.retry_after, error.attempts) == (
        429, "req_42", 1.5, 3,
    )  # fmt: skip
    assert str(error).startswith(
        "rate limited by the provider (HTTP 429, request req_42, 3 attempt(s)"
    )


def test_the_key_is_cut_out_of_the_message() -> None:
    exc = _status(openai.AuthenticationError, 401)
    exc.body = {"message": f"Incorrect API key provided: {KEY}. Also ghp_{'a' * 36}"}
    error = to_llm_error(exc, secrets=[KEY])
    assert KEY not in str(error) and "ghp_" not in str(error)


def test_retry_after_forms() -> None:
    def exc(**headers: str) -> HTTPStatusError:
        return HTTPStatusError(429, headers)

    assert retry_after(exc(**{"retry-after-ms": "250"})) == 0.25
    assert retry_after(exc(**{"retry-after": "7"})) == 7.0
    assert retry_after(exc(**{"Retry-After": "2"})) == 2.0  # case-insensitive
    assert retry_after(exc(**{"retry-after": "soon"})) is None
    assert retry_after(exc()) is None
    now = 1_763_700_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert retry_after(exc(**{"retry-after": date}), now=now) == 30.0
    assert retry_after(exc(**{"retry-after": email.utils.formatdate(now - 5)}), now=now) == 0.0


def test_policy_retries_only_transient_errors() -> None:
    policy = RetryPolicy(max_retries=3, base_delay=1.0, rng=random.Random(7))
    for transient in (LLMTimeoutError, LLMRateLimitError, LLMServerError, LLMConnectionError):
        assert policy.delay(0, transient("x")) is not None
    assert policy.delay(0, MalformedOutputError("x")) == 0.0
    for permanent in (LLMAuthenticationError, LLMBadRequestError, LLMRefusalError, LLMError):
        assert policy.delay(0, permanent("x")) is None
    assert policy.delay(3, LLMServerError("x")) is None  # max_retries reached


def test_policy_full_jitter_is_bounded_and_capped() -> None:
    policy = RetryPolicy(max_retries=10, base_delay=1.0, max_delay=5.0, rng=random.Random(1))
    waits = [[policy.delay(n, LLMServerError("x")) for _ in range(200)] for n in range(6)]
    for n, draws in enumerate(waits):
        bound = min(5.0, 2.0**n)
        assert all(w is not None and 0.0 <= w <= bound for w in draws)
        assert max(draws) > bound * 0.9 and min(draws) < bound * 0.1  # spread over the range
    assert policy.delay(0, LLMRateLimitError("x", retry_after=4.0)) == 4.0
    assert policy.delay(0, LLMRateLimitError("x", retry_after=6.0)) is None  # beyond max_delay


def test_policy_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="delays"):
        RetryPolicy(base_delay=float("nan"))
