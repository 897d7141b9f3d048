"""Typed errors. Every public failure raises a subclass of :class:`LangmemError`.

Input errors also subclass :class:`ValueError` so callers that already catch
``ValueError`` (as LangGraph's own stores raise) keep working.

:class:`InvalidNamespaceError` also subclasses LangGraph's ``InvalidNamespaceError``. It
is defined in :mod:`langmem_extract.namespaces` and imported from here on first use:
LangGraph's store module pulls in ``langchain_core`` (~0.3 s measured), which
``import langmem_extract`` and ``langmem-extract --help`` otherwise never load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

    from langmem_extract.namespaces import InvalidNamespaceError as InvalidNamespaceError


def __getattr__(name: str) -> Any:
    if name == "InvalidNamespaceError":
        # The import lock makes this one class, however many threads ask at once.
        from langmem_extract.namespaces import InvalidNamespaceError

        return InvalidNamespaceError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def first_error(exc: ValidationError) -> str:
    """A pydantic validation error as one line: the first field and how many more."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err.get("loc", ())) or "value"
    more = len(exc.errors()) - 1
    suffix = f" (and {more} more)" if more else ""
    return f"field {loc!r}: {err.get('msg', 'invalid')}{suffix}"


class LangmemError(Exception):
    """Base class for every error raised by langmem_extract."""


class InvalidInputError(LangmemError, ValueError):
    """The request was rejected before anything was written."""


class TooManyMessagesError(InvalidInputError):
    """More messages than the per-request limit, or none at all."""


class MessageTooLongError(InvalidInputError):
    """A message is longer than the per-message character bound."""


class UnknownRoleError(InvalidInputError):
    """A message role that is not user, assistant, system or tool."""


class NonTextContentError(InvalidInputError):
    """A message whose content is not text (images, audio, tool blocks)."""


class InvalidMaxMemoriesError(InvalidInputError):
    """``max_memories`` outside 1-100."""


class UnknownExtractionTypeError(InvalidInputError):
    """An ``extraction_types`` entry that is not a memory type."""


class ScopeError(InvalidInputError):
    """A ``user_id``/``agent_id`` that cannot scope the namespace it was given with (a
    reader whose fixed namespace has no ``{user_id}`` field), or that no namespace label
    may hold (see :func:`langmem_extract.namespaces.default_namespace`)."""


class ExtractionError(LangmemError):
    """The extractor could not produce candidates."""


class LLMError(ExtractionError):
    """The chat model failed.

    ``status_code`` and ``request_id`` are the provider's (None when there was no HTTP
    answer), ``retry_after`` the seconds it asked to wait, ``attempts`` how many calls
    were made. The message never contains the API key.
    """

    def __init__(
        self,
        message: str = "",
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        attempts: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.retry_after = retry_after
        self.attempts = attempts


class LLMTimeoutError(LLMError):
    """The chat model did not answer in time (also HTTP 408); retried."""


class LLMRateLimitError(LLMError):
    """The provider kept answering 429 after the bounded retries."""


class LLMServerError(LLMError):
    """The provider kept answering 5xx after the bounded retries."""


class LLMConnectionError(LLMError):
    """The provider could not be reached (refused, DNS, dropped); retried."""


class LLMAuthenticationError(LLMError):
    """Credentials or endpoint are wrong: HTTP 401/403, no API key, or a malformed
    base URL. Not retried; the message says what to set."""


class LLMBadRequestError(LLMError):
    """The provider rejected the request (400, 404 unknown model, 422, other 4xx).
    Not retried."""


class LLMRefusalError(LLMError):
    """The model refused to answer."""


class MalformedOutputError(LLMError):
    """The model's output did not match the schema after the bounded retries."""


class StoreError(LangmemError):
    """The store could not complete an operation."""


class StoreLockedError(StoreError):
    """The DuckDB file is held by another process: DuckDB admits one process per file,
    readers included (several read-only openers may share a file no writer holds)."""


class ReadOnlyStoreError(StoreError):
    """A write to a store opened with ``read_only=True``; nothing was written."""


class ExtensionVersionError(StoreError):
    """duckdb and duckdb-extension-vss are not the same version."""


class QueryRewriteError(StoreError):
    """LangGraph's generated SQL no longer has the shape the PostgreSQL store rewrites."""


class EmbeddingDimensionError(InvalidInputError):
    """An embedding whose length differs from the index's ``dims``."""


class InvalidVectorError(InvalidInputError):
    """An embedding with NaN or infinite components."""


class UnknownFilterOperatorError(InvalidInputError):
    """A search filter operator other than $eq $ne $gt $gte $lt $lte $in $nin."""


class MemoryNotFoundError(LangmemError, KeyError):
    """No memory with that id in the namespace."""
