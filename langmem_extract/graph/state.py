"""Graph state, graph options, input validation, and store resolution shared by every node."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from langgraph.store.base import BaseStore
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from langmem_extract.errors import (
    InvalidInputError,
    InvalidMaxMemoriesError,
    UnknownExtractionTypeError,
    first_error,
)
from langmem_extract.messages import check_text, json_text, normalize_messages, parse_timestamp
from langmem_extract.namespaces import scoped_namespace
from langmem_extract.schema import (
    DEFAULT_MAX_MEMORIES,
    DEFAULT_MAX_MESSAGE_CHARS,
    MAX_MEMORIES,
    MAX_MESSAGES,
    WRITE_PATHS,
    Candidate,
    ChatMessage,
    ExtractionResult,
    MemoryType,
    WritePath,
    make_title,
    parse_memory_types,
)

#: Passage-to-passage cosine a candidate must reach before the paraphrase check
#: (graph/paraphrase.py) decides a merge. With the check, no false merge on the labelled
#: pairs down to 0.80; the lowest true paraphrase there scores 0.938
#: (benchmarks/dedup_threshold.py, docs/benchmarks/dedup_threshold.md).
DEFAULT_SIMILARITY_THRESHOLD = 0.93


class MemoryGraphInput(TypedDict, total=False):
    """What a caller passes to the compiled graph.

    ``candidates`` are memories the caller already has (a :class:`Candidate` or a dict of
    its fields; ``title`` defaults to the content's): the extractor is skipped and they go
    through redaction, classify, dedup, score and persist like extracted ones.
    ``messages`` may then be empty. After the extract node the key holds the validated
    :class:`Candidate` objects.
    """

    messages: list[Any]
    candidates: list[Candidate | dict[str, Any]]
    namespace: tuple[str, ...] | list[str] | None
    """Omitted or ``None``: scoped by ``user_id`` / ``agent_id``
    (:func:`~langmem_extract.namespaces.scoped_namespace`); may be a template."""
    dry_run: bool
    max_memories: int
    extraction_types: list[str] | None
    agent_id: str | None
    user_id: str | None
    session_id: str | None
    thread_id: str | None
    metadata: dict[str, Any] | None
    via: str
    """The write path recorded in each history entry (``schema.WRITE_PATHS``); ``"api"``."""


class MemoryGraphState(MemoryGraphInput, total=False):
    """Input plus what the nodes add; ``result`` is the final :class:`ExtractionResult`."""

    request: ExtractionRequest
    tokens_used: int
    model: str | None
    secrets_redacted: int
    started_at: float
    passage_vectors: dict[str, list[float]]
    """Candidate texts embedded by dedup with the store's embedder, reused by persist."""
    turn_vectors: dict[str, list[float]]
    """Vectors of the turns persist logs (message id → vector), embedded by dedup."""
    result: ExtractionResult


class ExtractionRequest(BaseModel):
    """The validated form of the graph input."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    messages: list[ChatMessage]
    candidates: list[Candidate] | None = None
    """Given candidates; ``None`` when the extractor should find them in ``messages``."""
    namespace: tuple[str, ...]
    dry_run: bool = False
    max_memories: int = DEFAULT_MAX_MEMORIES
    extraction_types: frozenset[MemoryType] | None = None
    agent_id: str | None = None
    user_id: str | None = None
    session_id: str | None = None
    thread_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    reference_time: datetime | None = None
    via: WritePath = "api"


@dataclass(frozen=True)
class GraphOptions:
    """Tunable behaviour of the graph (``build_memory_graph(**options)``)."""

    similarity_threshold: float = DEFAULT_SIMILARITY_THRESHOLD
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    max_messages: int = MAX_MESSAGES
    search_limit: int = 5
    semantic_dedup: bool = True
    turn_vectors: bool = True
    """Embed and store the vectors of the cited turns (:mod:`langmem_extract.turn_vectors`)."""

    @classmethod
    def from_kwargs(cls, options: Mapping[str, Any]) -> GraphOptions:
        known = set(cls.__dataclass_fields__)
        unknown = set(options) - known
        if unknown:
            raise InvalidInputError(
                f"unknown graph option(s) {sorted(unknown)}; known: {sorted(known)}"
            )
        opts = cls(**options)
        threshold = opts.similarity_threshold
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, int | float)
            or not 0.0 < threshold <= 1.0
        ):
            raise InvalidInputError(f"similarity_threshold must be in (0, 1], got {threshold!r}")
        for name in ("max_message_chars", "max_messages", "search_limit"):
            value = getattr(opts, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInputError(f"{name} must be an integer >= 1, got {value!r}")
        for name in ("semantic_dedup", "turn_vectors"):
            if not isinstance(getattr(opts, name), bool):
                raise InvalidInputError(
                    f"{name} must be True or False, got {getattr(opts, name)!r}"
                )
        return opts


def validate_max_memories(value: Any) -> int:
    if value is None:
        return DEFAULT_MAX_MEMORIES
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MEMORIES:
        raise InvalidMaxMemoriesError(
            f"max_memories must be an integer in 1-{MAX_MEMORIES}, got {value!r}"
        )
    return value


def validate_extraction_types(values: Any) -> frozenset[MemoryType] | None:
    """``extraction_types`` as a set: ``None`` keeps every type; otherwise what
    :func:`parse_memory_types` accepts, and at least one type."""
    if values is None:
        return None
    out = parse_memory_types(values)
    if not out:
        raise UnknownExtractionTypeError("extraction_types is empty; omit it to keep every type")
    return frozenset(out)


def extraction_type_names(values: Any) -> list[str] | None:
    """``extraction_types`` checked and spelled as type names, for a graph input built
    ahead of time (``None`` stays ``None``)."""
    if values is None:
        return None
    validate_extraction_types(values)
    return [t.value for t in parse_memory_types(values)]


def validate_candidates(values: Any) -> list[Candidate] | None:
    """Given candidates as fresh :class:`Candidate` objects (dedup decides their action).

    Raises:
        InvalidInputError: not a list, more than ``MAX_MEMORIES``, a duplicate id, empty
            content, or fields that do not validate.
    """
    if values is None:
        return None
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Sequence):
        raise InvalidInputError("candidates must be a list of Candidate objects or dicts")
    if len(values) > MAX_MEMORIES:
        raise InvalidInputError(
            f"{len(values)} candidates given; at most {MAX_MEMORIES} per request"
        )
    out: list[Candidate] = []
    seen: set[str] = set()
    for index, value in enumerate(values):
        cand = _candidate(index, value)
        if cand.id in seen:
            raise InvalidInputError(f"candidate {index} repeats the id {cand.id!r}")
        seen.add(cand.id)
        out.append(cand)
    return out


#: Fields a given candidate may not preset: they are the graph's decisions.
_DECIDED = ("action", "target_id", "similarity", "reason", "redacted")


def _candidate(index: int, value: Any) -> Candidate:
    if isinstance(value, Candidate):
        data = value.model_dump()
    elif isinstance(value, Mapping):
        data = dict(value)
    else:
        raise InvalidInputError(
            f"candidate {index} is a {type(value).__name__}; expected a Candidate or a dict"
        )
    content = data.get("content")
    if not isinstance(content, str) or not content.strip():
        raise InvalidInputError(f"candidate {index} has no content")
    data["content"] = content.strip()
    if not data.get("title"):
        data["title"] = make_title(data["content"])
    for name in _DECIDED:
        data.pop(name, None)
    try:
        cand = Candidate.model_validate(data)
    except ValidationError as exc:
        raise InvalidInputError(f"candidate {index}: {first_error(exc)}") from None
    try:
        text = json.dumps(cand.model_dump(mode="python"), ensure_ascii=False, default=str)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"candidate {index} is not JSON-serialisable: {exc}") from None
    check_text(text, f"candidate {index}")
    return cand


def validate_metadata(value: Any) -> dict[str, Any]:
    """Request metadata: a JSON-serialisable mapping (it is stored with each memory)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"metadata must be a mapping, got {type(value).__name__}")
    json_text(dict(value), "metadata")
    return dict(value)


def _optional_str(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{name} must be a non-empty string")
    return check_text(value, name)


def build_request(state: Mapping[str, Any], options: GraphOptions) -> ExtractionRequest:
    """Validate the graph input. Raises a typed :class:`InvalidInputError` subclass."""
    metadata = validate_metadata(state.get("metadata"))
    dry_run = state.get("dry_run")
    dry_run = False if dry_run is None else dry_run
    if not isinstance(dry_run, bool):
        raise InvalidInputError(f"dry_run must be True or False, got {dry_run!r}")
    reference_time = parse_timestamp(metadata.get("reference_time") or metadata.get("timestamp"))
    scope = {
        name: _optional_str(name, state.get(name))
        for name in ("agent_id", "user_id", "session_id", "thread_id")
    }
    # The one scope rule (namespaces.py): an explicit namespace wins (a template is filled
    # from these ids), else user_id / agent_id pick it, else the unscoped default.
    namespace = scoped_namespace(state.get("namespace"), None, **scope)
    via = state.get("via") or "api"
    if via not in WRITE_PATHS:
        raise InvalidInputError(f"via must be one of {list(WRITE_PATHS)}, got {via!r}")
    max_memories = validate_max_memories(state.get("max_memories"))
    extraction_types = validate_extraction_types(state.get("extraction_types"))
    candidates = validate_candidates(state.get("candidates"))
    raw_messages = state.get("messages")
    if candidates is not None and (
        raw_messages is None or (isinstance(raw_messages, list | tuple) and not raw_messages)
    ):
        messages: list[ChatMessage] = []  # given candidates need no conversation
    else:
        messages = normalize_messages(
            [] if raw_messages is None else raw_messages,
            max_messages=options.max_messages,
            max_chars=options.max_message_chars,
            reference_time=reference_time,
        )
    return ExtractionRequest(
        messages=messages,
        candidates=candidates,
        namespace=namespace,
        dry_run=dry_run,
        max_memories=max_memories,
        extraction_types=extraction_types,
        **scope,
        metadata=metadata,
        reference_time=reference_time,
        via=via,
    )


#: Resolves the store a node should use, given the LangGraph runtime's store (or None).
StoreResolver = Callable[[BaseStore | None], BaseStore]
