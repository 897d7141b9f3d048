"""Chat-provider failures as typed errors, and the one retry policy for them.

:func:`to_llm_error` maps whatever a LangChain chat model raises to an
:class:`~langmem_extract.errors.LLMError` subclass, by exception type and HTTP status
code (never by message text):

========================================  ===========================  =========
raised by the model                        typed error                  retried
========================================  ===========================  =========
status 401, 403; key or URL missing/bad    ``LLMAuthenticationError``   no
status 408; SDK/httpx/builtin timeouts     ``LLMTimeoutError``          yes
status 429                                 ``LLMRateLimitError``        yes
status >= 500                              ``LLMServerError``           yes
refused connection, DNS, dropped socket    ``LLMConnectionError``       yes
other 4xx (400, 404, 409, 413, 422, ...)   ``LLMBadRequestError``       no
refusal / content filter                   ``LLMRefusalError``          no
reply that does not parse or validate      ``MalformedOutputError``     yes, at once
anything else                              ``LLMError``                 no
========================================  ===========================  =========

Types come from the OpenAI SDK (``openai.APIStatusError`` and subclasses,
``APITimeoutError``, ``APIConnectionError``), LangChain's provider-neutral
``langchain_core.exceptions.Model*Error`` classes, ``httpx``/``httpx2`` transport
errors, and the builtin ``TimeoutError``/``ConnectionError``. Any other exception with
an integer ``status_code`` (Anthropic, Google, test doubles) maps by that code.

Each error keeps the provider's ``status_code``, ``request_id`` and ``retry_after``,
and its message never contains the API key: the key the model was built with is cut
out, and the provider's text also goes through :func:`redact_secrets`.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib
import json
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import SecretStr, ValidationError

from langmem_extract.errors import (
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
from langmem_extract.redact import redact_secrets

RETRYABLE: tuple[type[LLMError], ...] = (
    LLMTimeoutError,
    LLMRateLimitError,
    LLMServerError,
    LLMConnectionError,
    MalformedOutputError,
)
MAX_PROVIDER_TEXT = 300
KEY_MARKER = "[REDACTED:api_key]"


# -- exception types of optional libraries, resolved once


@cache
def _types(*dotted: str) -> tuple[type[BaseException], ...]:
    """The exception classes among ``module:Name`` paths that import (absent ones skipped)."""
    found: list[type[BaseException]] = []
    for path in dotted:
        module, _, name = path.partition(":")
        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found.append(cls)
    return tuple(found)


def _timeout_types() -> tuple[type[BaseException], ...]:
    return (
        TimeoutError,
        asyncio.TimeoutError,
        *_types(
            "openai:APITimeoutError",
            "langchain_core.exceptions:ModelTimeoutError",
            "httpx:TimeoutException",
            "httpx2:TimeoutException",
        ),
    )


def _connection_types() -> tuple[type[BaseException], ...]:
    return (
        ConnectionError,
        *_types(
            "openai:APIConnectionError",
            "langchain_core.exceptions:ModelConnectionError",
            "httpx:TransportError",
            "httpx2:TransportError",
        ),
    )


def _bad_url_types() -> tuple[type[BaseException], ...]:
    # httpx raises these before any byte is sent: the base URL itself is wrong.
    return _types(
        "httpx:UnsupportedProtocol", "httpx:InvalidURL",
        "httpx2:UnsupportedProtocol", "httpx2:InvalidURL",
    )  # fmt: skip


def _refusal_types() -> tuple[type[BaseException], ...]:
    return _types(
        "langchain_core.exceptions:ModelRefusalError",
        "langchain_openai.chat_models.base:OpenAIRefusalError",
    )


def _malformed_types() -> tuple[type[BaseException], ...]:
    return (
        ValidationError,
        json.JSONDecodeError,
        *_types(
            "langchain_core.exceptions:OutputParserException",
            "openai:APIResponseValidationError",
            "openai:LengthFinishReasonError",
            "openai:ContentFilterFinishReasonError",
        ),
    )


def is_refusal(exc: object) -> bool:
    """True for LangChain's refusal errors (OpenAI structured-output refusals)."""
    return isinstance(exc, _refusal_types())


# Status-less LangChain errors (providers that do not attach a status code).
_LANGCHAIN_BY_TYPE: tuple[tuple[str, type[LLMError]], ...] = (
    ("ModelAuthenticationError", LLMAuthenticationError),
    ("ModelPermissionDeniedError", LLMAuthenticationError),
    ("ModelRateLimitError", LLMRateLimitError),
    ("ModelAPIError", LLMServerError),
    ("ModelInvalidRequestError", LLMBadRequestError),
    ("ModelNotFoundError", LLMBadRequestError),
    ("ContextOverflowError", LLMBadRequestError),
)


# -- what the provider said


def _status_code(exc: BaseException) -> int | None:
    for candidate in (exc, getattr(exc, "response", None)):
        code = getattr(candidate, "status_code", None)
        if isinstance(code, int) and not isinstance(code, bool) and code >= 400:
            return code
    return None


def _headers(exc: BaseException) -> Any:
    headers = getattr(getattr(exc, "response", None), "headers", None)
    return headers if headers is not None and hasattr(headers, "get") else {}


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name)
    if value is None and isinstance(headers, dict):  # a plain dict is case-sensitive
        value = next((v for k, v in headers.items() if str(k).lower() == name), None)
    return None if value is None else str(value)


def _request_id(exc: BaseException) -> str | None:
    rid = getattr(exc, "request_id", None)
    if isinstance(rid, str) and rid:
        return rid
    headers = _headers(exc)
    return _header(headers, "x-request-id") or _header(headers, "request-id")


def retry_after(exc: BaseException, *, now: float | None = None) -> float | None:
    """Seconds the provider asked to wait: ``retry-after-ms``, then ``retry-after``
    as seconds or as an HTTP date. None when absent or unreadable."""
    headers = _headers(exc)
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = _header(headers, name)
        if value is None:
            continue
        try:
            seconds = float(value) / scale
        except ValueError:
            continue
        return max(0.0, seconds) if seconds == seconds else None  # NaN is unreadable
    value = _header(headers, "retry-after")
    if value is None:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


def _provider_text(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        text = body["message"]
    else:
        text = str(getattr(exc, "message", None) or exc)
    text = " ".join(text.split()) or type(exc).__name__
    if len(text) > MAX_PROVIDER_TEXT:
        text = text[: MAX_PROVIDER_TEXT - 1] + "…"
    return text


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without the given secrets (the model's API key) or any other secret."""
    for secret in secrets:
        if len(secret) >= 4:
            text = text.replace(secret, KEY_MARKER)
    return redact_secrets(text)[0]


def model_secrets(model: Any) -> tuple[str, ...]:
    """The values of a chat model's ``SecretStr`` fields (its API keys)."""
    fields = getattr(model, "__dict__", {})
    return tuple(
        value.get_secret_value()
        for value in fields.values()
        if isinstance(value, SecretStr) and value.get_secret_value()
    )


# -- the mapping


def _kind(exc: BaseException) -> type[LLMError]:
    status = _status_code(exc)
    if status is not None:
        if status in (401, 403):
            return LLMAuthenticationError
        if status == 408:
            return LLMTimeoutError
        if status == 429:
            return LLMRateLimitError
        if status >= 500:
            return LLMServerError
        if 400 <= status < 500:
            return LLMBadRequestError
    if isinstance(exc, _refusal_types()):
        return LLMRefusalError
    # Timeouts first: openai.APITimeoutError subclasses APIConnectionError.
    if isinstance(exc, _timeout_types()):
        return LLMTimeoutError
    if isinstance(exc, _bad_url_types()):
        return LLMAuthenticationError
    if isinstance(exc, _connection_types()):
        # The SDK wraps httpx's bad-URL errors as connection errors: look at the cause.
        bad_url = _caused_by(exc, _bad_url_types())
        return LLMAuthenticationError if bad_url else LLMConnectionError
    for name, typed in _LANGCHAIN_BY_TYPE:
        if isinstance(exc, _types(f"langchain_core.exceptions:{name}")):
            return typed
    if isinstance(exc, _malformed_types()):
        return MalformedOutputError
    return LLMError


def _caused_by(exc: BaseException, types: tuple[type[BaseException], ...]) -> bool:
    seen: set[int] = set()
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen and types:
        if isinstance(cause, types):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


_WHAT: dict[type[LLMError], str] = {
    LLMAuthenticationError: "the provider rejected the credentials or endpoint; check "
    "OPENAI_API_KEY / api_key and OPENAI_BASE_URL / base_url",
    LLMTimeoutError: "the chat model did not answer in time",
    LLMRateLimitError: "rate limited by the provider",
    LLMServerError: "the provider failed (server error)",
    LLMConnectionError: "Connection to the chat model provider failed",
    LLMBadRequestError: "the provider rejected the request",
    LLMRefusalError: "the model refused",
    MalformedOutputError: "model output did not match the schema",
}


def to_llm_error(
    exc: BaseException,
    *,
    attempts: int = 1,
    timeout: float | None = None,
    secrets: Iterable[str] = (),
) -> LLMError:
    """The typed :class:`LLMError` for ``exc`` (returned as is when it already is one)."""
    if isinstance(exc, LLMError):
        return exc
    kind = _kind(exc)
    status, request_id, hint = _status_code(exc), _request_id(exc), retry_after(exc)
    details = [f"HTTP {status}"] if status is not None else []
    if request_id:
        details.append(f"request {request_id}")
    details.append(f"{attempts} attempt(s)")
    if hint is not None:
        details.append(f"retry after {hint:g}s")
    if kind is LLMTimeoutError and timeout is not None and status is None:
        details.append(f"timeout {timeout:g}s")
    what = _WHAT.get(kind) or f"the chat model failed ({type(exc).__name__})"
    message = f"{what} ({', '.join(details)}): {scrub(_provider_text(exc), secrets)}"
    return kind(
        message, status_code=status, request_id=request_id, retry_after=hint, attempts=attempts
    )


# -- the retry policy


@dataclass
class RetryPolicy:
    """Bounded retries of transient provider failures, shared by ``invoke`` and ``ainvoke``.

    Attempt ``n`` (0-based) that failed transiently waits ``uniform(0, min(max_delay,
    base_delay * 2**n))`` ("full jitter", so many clients that failed together do not
    retry together) before the next one; a ``retry-after`` from the provider replaces
    that draw, and one beyond ``max_delay`` ends the retries at once (waiting less than
    the provider asked only earns another 429). Malformed output is asked again at once:
    a bad reply is not a load problem. Authentication, bad-request, refusal and unknown
    errors are never retried. ``sleep``/``asleep`` are injectable so tests need not wait.
    """

    max_retries: int = 2
    base_delay: float = 1.0
    max_delay: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    asleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if not self.base_delay >= 0 or not self.max_delay >= 0:
            raise ValueError("retry delays must be >= 0")

    def delay(self, attempt: int, error: LLMError) -> float | None:
        """Seconds to wait after failed attempt ``attempt``; None when not to retry."""
        if attempt >= self.max_retries or not isinstance(error, RETRYABLE):
            return None
        if isinstance(error, MalformedOutputError):
            return 0.0
        if error.retry_after is not None:
            return error.retry_after if error.retry_after <= self.max_delay else None
        bound = min(self.max_delay, self.base_delay * 2.0 ** min(attempt, 60))
        return self.rng.uniform(0.0, bound)

    def next_delay(
        self,
        exc: BaseException,
        attempt: int,
        *,
        timeout: float | None = None,
        secrets: Iterable[str] = (),
    ) -> float:
        """The wait before the next attempt, or raise the typed error when done."""
        secrets = tuple(secrets)
        error = to_llm_error(exc, attempts=attempt + 1, timeout=timeout, secrets=secrets)
        wait = self.delay(attempt, error)
        if wait is None:
            if _leaks(exc, secrets):
                raise error from None  # the provider's own text would show the key
            raise error from exc
        return wait


def _leaks(exc: BaseException, secrets: Iterable[str]) -> bool:
    keys = [s for s in secrets if len(s) >= 4]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and keys:
        seen.add(id(current))
        text = f"{current} {getattr(current, 'body', '')}"
        if any(key in text for key in keys):
            return True
        current = current.__cause__ or current.__context__
    return False
