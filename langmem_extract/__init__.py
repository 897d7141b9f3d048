"""langmem_extract: typed long-term memory for LangChain and LangGraph agents.

Public names are imported lazily so ``import langmem_extract`` stays cheap (only the
typed errors load; the memory model, which needs pydantic, on first use) and the
optional extras (PostgreSQL, ``langchain`` agents) are only needed when used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from langmem_extract.errors import (
    EmbeddingDimensionError,
    ExtensionVersionError,
    ExtractionError,
    InvalidInputError,
    InvalidMaxMemoriesError,
    InvalidVectorError,
    LangmemError,
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMConnectionError,
    LLMError,
    LLMRateLimitError,
    LLMRefusalError,
    LLMServerError,
    LLMTimeoutError,
    MalformedOutputError,
    MemoryNotFoundError,
    MessageTooLongError,
    NonTextContentError,
    ReadOnlyStoreError,
    ScopeError,
    StoreError,
    StoreLockedError,
    TooManyMessagesError,
    UnknownExtractionTypeError,
    UnknownFilterOperatorError,
    UnknownRoleError,
)

__version__ = "0.1.0"

_SCHEMA_NAMES = (
    "Action",
    "Candidate",
    "ExtractionResult",
    "HistoryEntry",
    "ItemResult",
    "Memory",
    "MemoryKind",
    "MemoryStatus",
    "MemoryType",
    "Provenance",
)

_LAZY: dict[str, str] = {
    **dict.fromkeys(_SCHEMA_NAMES, "langmem_extract.schema"),
    "DuckDBStore": "langmem_extract.store.duckdb",
    "open_store": "langmem_extract.store.factory",
    "E5Embeddings": "langmem_extract.embeddings",
    "build_memory_graph": "langmem_extract.graph.builder",
    "extract_memories": "langmem_extract.graph.builder",
    "aextract_memories": "langmem_extract.graph.builder",
    "RuleExtractor": "langmem_extract.extractors.rules",
    "LLMExtractor": "langmem_extract.extractors.llm",
    "redact_secrets": "langmem_extract.redact",
    "MemoryChatHistory": "langmem_extract.integrations.chat_history",
    "MemoryRetriever": "langmem_extract.integrations.retriever",
    "create_memory_tools": "langmem_extract.integrations.tools",
    "InvalidNamespaceError": "langmem_extract.namespaces",
    "resolve_namespace": "langmem_extract.namespaces",
    "MemoryRecall": "langmem_extract.integrations.agent",
    "MemoryCapture": "langmem_extract.integrations.agent",
    "MemoryMiddleware": "langmem_extract.integrations.agent",
}

if TYPE_CHECKING:
    from langmem_extract.embeddings import E5Embeddings
    from langmem_extract.extractors.llm import LLMExtractor
    from langmem_extract.extractors.rules import RuleExtractor
    from langmem_extract.graph.builder import (
        aextract_memories,
        build_memory_graph,
        extract_memories,
    )
    from langmem_extract.integrations.agent import MemoryCapture, MemoryMiddleware, MemoryRecall
    from langmem_extract.integrations.chat_history import MemoryChatHistory
    from langmem_extract.integrations.retriever import MemoryRetriever
    from langmem_extract.integrations.tools import create_memory_tools
    from langmem_extract.namespaces import InvalidNamespaceError, resolve_namespace
    from langmem_extract.redact import redact_secrets
    from langmem_extract.schema import (
        Action,
        Candidate,
        ExtractionResult,
        HistoryEntry,
        ItemResult,
        Memory,
        MemoryKind,
        MemoryStatus,
        MemoryType,
        Provenance,
    )
    from langmem_extract.store.duckdb import DuckDBStore
    from langmem_extract.store.factory import open_store


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'langmem_extract' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "Action",
    "Candidate",
    "DuckDBStore",
    "E5Embeddings",
    "EmbeddingDimensionError",
    "ExtensionVersionError",
    "ExtractionError",
    "ExtractionResult",
    "HistoryEntry",
    "InvalidInputError",
    "InvalidMaxMemoriesError",
    "InvalidNamespaceError",
    "InvalidVectorError",
    "ItemResult",
    "LLMAuthenticationError",
    "LLMBadRequestError",
    "LLMConnectionError",
    "LLMError",
    "LLMExtractor",
    "LLMRateLimitError",
    "LLMRefusalError",
    "LLMServerError",
    "LLMTimeoutError",
    "LangmemError",
    "MalformedOutputError",
    "Memory",
    "MemoryCapture",
    "MemoryChatHistory",
    "MemoryKind",
    "MemoryMiddleware",
    "MemoryNotFoundError",
    "MemoryRecall",
    "MemoryRetriever",
    "MemoryStatus",
    "MemoryType",
    "MessageTooLongError",
    "NonTextContentError",
    "Provenance",
    "ReadOnlyStoreError",
    "RuleExtractor",
    "ScopeError",
    "StoreError",
    "StoreLockedError",
    "TooManyMessagesError",
    "UnknownExtractionTypeError",
    "UnknownFilterOperatorError",
    "UnknownRoleError",
    "aextract_memories",
    "build_memory_graph",
    "create_memory_tools",
    "extract_memories",
    "open_store",
    "redact_secrets",
    "resolve_namespace",
]
