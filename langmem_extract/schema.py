"""The pydantic models every part of langmem_extract shares.

A stored memory is a :class:`Memory`; its JSON form (``Memory.to_value()``) is the
value written to any LangGraph ``BaseStore`` under ``(namespace, memory.id)``. The
store's vector index embeds the ``content`` field (see :data:`MEMORY_INDEX_FIELDS`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from langmem_extract.errors import UnknownExtractionTypeError

SCHEMA_VERSION = 1

#: Request bounds, as the hosted memory APIs document them.
MAX_MESSAGES = 200
DEFAULT_MAX_MESSAGE_CHARS = 8192
MAX_MEMORIES = 100
DEFAULT_MAX_MEMORIES = 50
TITLE_MAX_CHARS = 100

#: Every extracted memory carries this tag.
EXTRACT_TAG = "conversation-extract"

#: The value fields the store's vector index embeds.
MEMORY_INDEX_FIELDS = ["content"]

#: Where memories written without a user or agent scope live (the rule that picks a
#: namespace from ``user_id``/``agent_id`` is :func:`langmem_extract.namespaces.default_namespace`).
#: Not a prefix of any scoped namespace, so reading it never returns a user's memories.
DEFAULT_NAMESPACE: tuple[str, ...] = ("memories", "_shared")


class MemoryType(StrEnum):
    FACT = "fact"
    PREFERENCE = "preference"
    INSTRUCTION = "instruction"
    DECISION = "decision"
    GOAL = "goal"
    EVENT = "event"
    RELATIONSHIP = "relationship"


#: Types that count as "preference-like" in evaluation and retrieval filters.
PREFERENCE_LIKE_TYPES = frozenset(
    {MemoryType.PREFERENCE, MemoryType.INSTRUCTION, MemoryType.DECISION}
)


def parse_memory_types(types: Any) -> list[MemoryType]:
    """Memory types, in the order given and without repeats, from ``None``, one type, a
    comma-separated string (``"preference,goal"``) or a list of either.

    The one parser behind ``extraction_types`` everywhere (graph input, capture, chat
    history, CLI) and the ``types`` filters of listing and recall.

    Raises:
        UnknownExtractionTypeError: a name that is not a memory type, or something that
            is neither a string nor a list of strings.
    """
    if types is None:
        return []
    if isinstance(types, str | MemoryType):
        raw: list[Any] = [types]
    elif isinstance(types, Iterable) and not isinstance(types, bytes | Mapping):
        raw = list(types)
    else:
        raise UnknownExtractionTypeError(
            f"memory types must be a string or a list of strings, got {type(types).__name__}"
        )
    out: list[MemoryType] = []
    for value in raw:
        if not isinstance(value, str | MemoryType):
            raise UnknownExtractionTypeError(
                f"memory types must be strings, got {type(value).__name__} {value!r}"
            )
        for part in str(value.value if isinstance(value, MemoryType) else value).split(","):
            name = part.strip().lower()
            if not name:
                continue
            try:
                out.append(MemoryType(name))
            except ValueError:
                valid = ", ".join(t.value for t in MemoryType)
                raise UnknownExtractionTypeError(
                    f"unknown memory type {name!r} (valid: {valid})"
                ) from None
    return list(dict.fromkeys(out))


class MemoryKind(StrEnum):
    SEMANTIC = "semantic"
    EPISODIC = "episodic"


class Provenance(StrEnum):
    EXPLICIT_STATEMENT = "explicit_statement"
    INFERRED = "inferred"
    OBSERVED = "observed"
    VALIDATED = "validated"
    CORRECTED = "corrected"
    IMPORTED = "imported"


class Action(StrEnum):
    """What persist does (or, in dry-run, would do) with a candidate."""

    ADD = "add"
    MERGE = "merge"  # duplicate: reinforces an existing memory
    SUPERSEDE = "supersede"  # conflict: new memory replaces an active one, old one kept
    SKIP = "skip"  # filtered, over max_memories, or redacted to nothing


class MemoryStatus(StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    #: A tombstone left by ``forget``: content erased, the audit trail kept.
    FORGOTTEN = "forgotten"


#: How a change reached the store, recorded on every :class:`HistoryEntry` (``via``):
#: ``api`` (``extract_memories`` / the graph called directly), ``capture`` (chat history
#: and agent hooks), ``tool`` (the LangChain tools), ``cli``, ``import``.
WritePath = Literal["api", "capture", "tool", "cli", "import"]
WRITE_PATHS: tuple[str, ...] = ("api", "capture", "tool", "cli", "import")


class Category(StrEnum):
    """The topic names the package assigns: ``classify``'s keyword table and the rule
    extractor both use these. A model may name other (lowercase) categories; they are kept."""

    HEALTH = "health"
    COMMUNICATION = "communication"
    LANGUAGES = "languages"
    SCHEDULE = "schedule"
    CAREER = "career"
    EDUCATION = "education"
    PETS = "pets"
    FAMILY = "family"
    RELATIONSHIPS = "relationships"
    FITNESS = "fitness"
    FOOD = "food"
    TRAVEL = "travel"
    LOCATION = "location"
    TECHNOLOGY = "technology"
    FINANCE = "finance"
    SHOPPING = "shopping"
    COMMUNITY = "community"
    INTERESTS = "interests"
    PERSONAL = "personal"
    GENERAL = "general"


class Attribute(StrEnum):
    """Conflict keys of single-valued facts: the same subject and attribute with a new value
    supersedes. Besides these, a keyed attribute ``"<family>:<key>"`` (see
    :class:`AttributeFamily`) holds one value per key, and any other lowercase label (a
    model's, or the rule extractor's "my car is …" → ``car``) is a conflict key too."""

    NAME = "name"
    PREFERRED_NAME = "preferred_name"
    AGE = "age"
    TIMEZONE = "timezone"
    LOCATION = "location"
    HOMETOWN = "hometown"
    OCCUPATION = "occupation"
    EMPLOYER = "employer"
    STUDIES = "studies"
    DIET = "diet"
    HEALTH = "health"
    RELATIONSHIP_STATUS = "relationship_status"
    VEHICLE = "vehicle"
    BIRTHDAY = "birthday"
    BUDGET = "budget"
    #: "answer me in <language>": the language's two-letter code.
    REPLY_LANGUAGE = "reply_language"


class AttributeFamily(StrEnum):
    """Prefixes of keyed attributes: ``likes:hiking`` and ``likes:jazz`` are two keys."""

    ALLERGY = "allergy"
    FAVORITE = "favorite"
    CHOICE = "choice"
    LIKES = "likes"
    #: One person per role: ``relation:manager``, ``relation:partner`` (``graph/conflicts.py``).
    RELATION = "relation"


def keyed_attribute(family: AttributeFamily, key: str) -> str:
    """``keyed_attribute(AttributeFamily.LIKES, "hiking") == "likes:hiking"``."""
    return f"{family.value}:{key}"


Role = Literal["user", "assistant", "system", "tool"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


_WS = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")


def normalize_text(text: str) -> str:
    """Case-, accent-width-, punctuation- and whitespace-insensitive form used for exact dedup."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _PUNCT.sub(" ", text)
    return _WS.sub(" ", text).strip()


def fingerprint(text: str) -> str:
    """Stable hash of :func:`normalize_text`; stored so exact dedup is a filter, not a scan."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:32]


def make_title(content: str) -> str:
    """A memory's title: its content without the closing period, cut to
    :data:`TITLE_MAX_CHARS` with a trailing ``…`` when longer."""
    text = content.strip().rstrip(".")
    if len(text) <= TITLE_MAX_CHARS:
        return text
    return text[: TITLE_MAX_CHARS - 1].rstrip() + "…"


# Models that reading memories never validates are built on first use (``defer_build``):
# building them at import was about 35 ms of a cold CLI ``recall`` (under load here).


class ChatMessage(BaseModel):
    """One validated input message. Built from a LangChain ``BaseMessage`` or a dict."""

    model_config = ConfigDict(defer_build=True, extra="ignore")

    id: str
    role: Role
    content: str
    name: str | None = None
    timestamp: datetime | None = None


class PreferenceInfo(BaseModel):
    explicit: bool
    reasoning: str


class HistoryEntry(BaseModel):
    """One change to a memory. A memory's ``history`` is append-only (``forget`` erases
    the ``content`` and ``note`` of every entry, keeping who, when and how).

    ``user_id`` / ``agent_id`` say on whose behalf the change was made and ``via`` by which
    path (:data:`WritePath`); all three are optional so exports written before they
    existed still load.
    """

    at: datetime = Field(default_factory=utcnow)
    action: Literal[
        "created", "reinforced", "superseded", "supersedes", "updated", "imported", "restored",
        "forgotten",
    ]  # fmt: skip
    content: str | None = None
    confidence: float | None = None
    related_id: str | None = None  # the memory that superseded / was superseded / merged
    source_message_ids: list[str] = Field(default_factory=list)
    note: str | None = None
    user_id: str | None = None
    agent_id: str | None = None
    via: WritePath | None = None


class _MemoryFields(BaseModel):
    """Fields shared by a candidate and a stored memory."""

    model_config = ConfigDict(defer_build=True)

    content: str
    title: str = Field(max_length=TITLE_MAX_CHARS)
    type: MemoryType
    kind: MemoryKind = MemoryKind.SEMANTIC
    category: str = "general"
    tags: list[str] = Field(default_factory=lambda: [EXTRACT_TAG])
    confidence: float = Field(ge=0.0, le=1.0, default=0.5)
    importance: float = Field(ge=0.0, le=1.0, default=0.5)
    source: str = "conversation"
    provenance: Provenance = Provenance.EXPLICIT_STATEMENT
    source_message_ids: list[str] = Field(default_factory=list)
    # Conflict key: the same (subject, attribute) with a new value supersedes.
    subject: str = "User"
    attribute: str | None = None
    value: str | None = None
    event_time: datetime | None = None
    preference: PreferenceInfo | None = None

    def text_fields(self) -> dict[str, str]:
        """Every free-text field (a model may write any of them), by name; tags as ``tags.i``.

        The one list the secret check reads, so a new text field is checked once added here.
        """
        out = {
            name: text
            for name in ("content", "title", "category", "source", "subject", "attribute", "value")
            if (text := getattr(self, name))
        }
        out.update({f"tags.{i}": tag for i, tag in enumerate(self.tags)})
        if self.preference is not None and self.preference.reasoning:
            out["preference.reasoning"] = self.preference.reasoning
        return out

    @field_validator("tags")
    @classmethod
    def _always_tagged(cls, tags: list[str]) -> list[str]:
        out = list(dict.fromkeys(t.strip() for t in tags if t and t.strip()))
        if EXTRACT_TAG not in out:
            out.insert(0, EXTRACT_TAG)
        return out


class Candidate(_MemoryFields):
    """A memory proposed by extract, refined by classify/dedup/score, applied by persist."""

    model_config = ConfigDict(defer_build=True)

    id: str = Field(default_factory=new_id)
    signals: list[str] = Field(default_factory=list)  # e.g. "correction", "negation", "emphasis"
    redacted: bool = False
    action: Action | None = None
    target_id: str | None = None  # the existing memory merged into or superseded
    similarity: float | None = None  # cosine to target, when dedup found one
    reason: str | None = None


class Memory(_MemoryFields):
    """A stored memory: the value written to the store under ``(namespace, id)``."""

    model_config = ConfigDict(defer_build=False)  # validated by every read

    id: str = Field(default_factory=new_id)
    namespace: list[str] = Field(default_factory=lambda: list(DEFAULT_NAMESPACE))
    fingerprint: str = ""
    status: MemoryStatus = MemoryStatus.ACTIVE
    valid_from: datetime = Field(default_factory=utcnow)
    valid_to: datetime | None = None
    superseded_by: str | None = None
    supersedes: str | None = None
    reinforcement_count: int = 0
    agent_id: str | None = None
    user_id: str | None = None
    session_id: str | None = None
    thread_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    history: list[HistoryEntry] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def model_post_init(self, __context: Any) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(self.content)

    def to_value(self) -> dict[str, Any]:
        """The JSON-safe dict stored as a ``BaseStore`` item value."""
        return self.model_dump(mode="json")

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Memory:
        return cls.model_validate(value)

    @classmethod
    def from_item(cls, item: Any) -> Memory:
        """Build from a LangGraph ``Item``/``SearchItem``; the key is the memory id."""
        data = dict(item.value)
        data.setdefault("id", item.key)
        data.setdefault("namespace", list(item.namespace))
        return cls.model_validate(data)


ItemStatus = Literal["stored", "merged", "superseded", "skipped", "failed", "planned"]


class ItemResult(BaseModel):
    """What happened to one candidate."""

    model_config = ConfigDict(defer_build=True)

    candidate_id: str
    memory_id: str | None = None  # id written (add/supersede) or reinforced (merge)
    action: Action
    status: ItemStatus
    target_id: str | None = None
    error: str | None = None


class ExtractionResult(BaseModel):
    """The response of one extraction call, in the shape of the hosted memory APIs."""

    model_config = ConfigDict(defer_build=True)

    candidates: list[Candidate] = Field(default_factory=list)
    items: list[ItemResult] = Field(default_factory=list)
    extracted: int = 0
    stored: int = 0
    deduplicated: int = 0
    superseded: int = 0
    failed: int = 0
    skipped: int = 0
    redacted: int = 0
    """Secrets replaced: in the input messages (or given candidates) and in model output."""
    tokens_used: int = 0
    processing_ms: float = 0.0
    categories: dict[str, int] = Field(default_factory=dict)
    dry_run: bool = False
    namespace: list[str] = Field(default_factory=list)
    model: str | None = None
