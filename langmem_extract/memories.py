"""Operations on stored memories: list, get, history, forget, purge, stats.

These work on any LangGraph ``BaseStore`` that holds ``Memory.to_value()`` items
(see :mod:`langmem_extract.schema`); the ``langmem-extract`` CLI is a thin skin
over them. Items that are not memories (for example chat-history messages kept
in the same store) are ignored. Recall (ranked search) is in
:mod:`langmem_extract.recall`; every write goes through
:func:`langmem_extract.graph.persist.write_memories`, imported by the writing functions
only, so the reading ones never load the graph's write path (LangGraph's runtime, the
redaction tables).

``forget`` leaves a tombstone: the memory's id, namespace, type, times, scope ids and
the ids of the messages it cited stay (so recall never surfaces those turns), with status ``forgotten``, and its history keeps who changed it when and by which path, plus
a ``forgotten`` entry saying who forgot it. Everything that held the content is erased: the
content, title, subject/value, tags, metadata, the history's ``content``/``note``, and the
copies of the content in the history of the memories it superseded or was superseded by.
Tombstones are left out of list, get, recall and stats (``status="forgotten"`` lists them)
and kept in exports. ``purge`` erases everything of a data subject, tombstones included.

Export and import (the JSON Lines backup format) are in :mod:`langmem_extract.memory_files`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from langmem_extract.errors import (
    InvalidInputError,
    MemoryNotFoundError,
    StoreError,
    first_error,
)
from langmem_extract.item_reads import get_items
from langmem_extract.namespaces import (
    NamespaceLike,
    default_namespace,
    format_namespace,
    parse_namespace,
)
from langmem_extract.schema import (
    WRITE_PATHS,
    HistoryEntry,
    Memory,
    MemoryStatus,
    MemoryType,
    WritePath,
    parse_memory_types,
    utcnow,
)
from langmem_extract.store._validate import check_key
from langmem_extract.store_guard import guarded

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore, Item

__all__ = [
    "MemoryStats",
    "PurgeResult",
    "forget_memory",
    "get_memory",
    "get_memory_history",
    "list_memories",
    "memory_from_item",
    "memory_stats",
    "parse_memory_types",
    "purge_memories",
]

#: Items fetched per store round trip when scanning.
_PAGE_SIZE = 500
#: Shortest id prefix accepted where a full memory id is expected.
MIN_ID_PREFIX = 4
#: Keys every stored memory value carries; used to tell memories from other items.
_MEMORY_KEYS = frozenset({"content", "type", "schema_version"})

TypeFilter = MemoryType | str | Iterable[MemoryType | str] | None
StatusFilter = MemoryStatus | str | None


# --------------------------------------------------------------------------- scanning


def _is_memory_value(value: Any) -> bool:
    return isinstance(value, dict) and _MEMORY_KEYS.issubset(value)


def memory_from_item(item: Item) -> Memory:
    """The memory stored as ``item``; the item's key and namespace are authoritative for
    its id and namespace, whatever the stored value says.

    Raises:
        StoreError: the value is not a valid memory.
    """
    data = dict(item.value)
    data["id"] = item.key
    data["namespace"] = list(item.namespace)
    try:
        return Memory.model_validate(data)
    except ValidationError as exc:
        where = f"{format_namespace(item.namespace)}/{item.key}"
        raise StoreError(f"stored memory {where} is not valid: {first_error(exc)}") from exc


def _iter_items(
    store: BaseStore, prefix: tuple[str, ...], filter: dict[str, Any] | None
) -> Iterator[Item]:
    # Stop on an empty page, not a short one: a backend may cap the page size.
    offset = 0
    while True:
        page = store.search(prefix, filter=filter or None, limit=_PAGE_SIZE, offset=offset)
        if not page:
            return
        yield from page
        offset += len(page)


def iter_memories(
    store: BaseStore, prefix: tuple[str, ...], filter: dict[str, Any] | None = None
) -> Iterator[Memory]:
    store = guarded(store)  # each public entry takes the store's serialising proxy
    for item in _iter_items(store, prefix, filter):
        if _is_memory_value(item.value):
            yield memory_from_item(item)


def _newest_first(memories: Iterable[Memory]) -> list[Memory]:
    return sorted(memories, key=lambda m: (m.created_at, m.id), reverse=True)


# --------------------------------------------------------------------------- filters


def _parse_status(status: StatusFilter) -> MemoryStatus | None:
    if status is None or (isinstance(status, str) and status.lower() in ("", "all")):
        return None
    try:
        return MemoryStatus(str(status).lower())
    except ValueError:
        valid = ", ".join([*(s.value for s in MemoryStatus), "all"])
        raise InvalidInputError(f"unknown status {status!r} (valid: {valid})") from None


def _check_page(limit: int, offset: int) -> None:
    if limit < 1:
        raise InvalidInputError(f"limit must be at least 1, got {limit}")
    if offset < 0:
        raise InvalidInputError(f"offset must be 0 or more, got {offset}")


# --------------------------------------------------------------------------- list / get


def list_memories(
    store: BaseStore,
    namespace_prefix: NamespaceLike | None = None,
    *,
    type: TypeFilter = None,
    category: str | None = None,
    status: StatusFilter = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Memory]:
    """Stored memories under ``namespace_prefix`` (all namespaces if ``None``), newest first.

    ``type`` takes one type, a comma-separated string, or several types;
    ``status`` is ``"active"``, ``"superseded"``, ``None``/``"all"`` (both), or
    ``"forgotten"`` (only the tombstones ``forget`` leaves).
    """
    _check_page(limit, offset)
    prefix = parse_namespace(namespace_prefix, allow_empty=True)
    types = parse_memory_types(type)
    wanted_status = _parse_status(status)
    store_filter: dict[str, Any] = {}
    if len(types) == 1:
        store_filter["type"] = types[0].value
    if category:
        store_filter["category"] = category
    if wanted_status is not None:
        store_filter["status"] = wanted_status.value
    memories = iter_memories(store, prefix, store_filter)
    if wanted_status is None:
        memories = (m for m in memories if m.status != MemoryStatus.FORGOTTEN)
    if len(types) > 1:
        memories = (m for m in memories if m.type in types)
    return _newest_first(memories)[offset : offset + limit]


def _find_everywhere(store: BaseStore, memory_id: str) -> list[Memory]:
    namespaces: list[tuple[str, ...]] = []
    while batch := store.list_namespaces(limit=_PAGE_SIZE, offset=len(namespaces)):
        namespaces.extend(batch)
    found = get_items(store, [(ns, memory_id) for ns in namespaces])
    return _live(memory_from_item(item) for item in found if item and _is_memory_value(item.value))


def _find_by_prefix(store: BaseStore, prefix: tuple[str, ...], id_prefix: str) -> list[Memory]:
    # The key is the id: only the matching items are validated as memories.
    return _live(
        memory_from_item(item)
        for item in _iter_items(store, prefix, None)
        if item.key.startswith(id_prefix) and _is_memory_value(item.value)
    )


def _live(memories: Iterable[Memory]) -> list[Memory]:
    """Without ``forget``'s tombstones."""
    return [m for m in memories if m.status != MemoryStatus.FORGOTTEN]


def _one(matches: list[Memory], memory_id: str, what: str) -> Memory | None:
    if len(matches) > 1:
        where = ", ".join(f"{format_namespace(m.namespace)}/{m.id}" for m in matches[:5])
        raise InvalidInputError(
            f"{what} {memory_id!r} matches {len(matches)} memories ({where}); "
            "give the full id and a namespace"
        )
    return matches[0] if matches else None


def get_memory(store: BaseStore, id: str, namespace: NamespaceLike | None = None) -> Memory:
    """The memory with this id, in ``namespace`` or, if ``None``, in any namespace.

    A unique id prefix of at least :data:`MIN_ID_PREFIX` characters also works, so
    the short ids the CLI prints can be pasted back.

    Raises:
        MemoryNotFoundError: no memory has that id (or id prefix).
        InvalidInputError: the id or prefix matches more than one memory, or no memory
            has that id and it is too short to be a prefix.
    """
    store = guarded(store)
    memory_id = (id or "").strip()
    if not memory_id:
        raise InvalidInputError("memory id is empty")
    check_key(memory_id)
    ns = parse_namespace(namespace) if namespace else None
    if ns is not None:
        item = store.get(ns, memory_id)
        exact = _live([memory_from_item(item)] if item and _is_memory_value(item.value) else [])
    else:
        exact = _find_everywhere(store, memory_id)
    found = _one(exact, memory_id, "id")
    if found is None and len(memory_id) >= MIN_ID_PREFIX:
        found = _one(_find_by_prefix(store, ns or (), memory_id), memory_id, "id prefix")
    if found is None and len(memory_id) < MIN_ID_PREFIX:
        raise InvalidInputError(
            f"no memory with id {memory_id!r}, and an id prefix needs at least "
            f"{MIN_ID_PREFIX} characters"
        )
    if found is None:
        where = f" in namespace {format_namespace(ns)}" if ns else ""
        raise MemoryNotFoundError(f"no memory with id {memory_id!r}{where}")
    return found


def forget_memory(
    store: BaseStore,
    id: str,
    namespace: NamespaceLike | None = None,
    *,
    user_id: str | None = None,
    agent_id: str | None = None,
    via: WritePath = "api",
) -> Memory:
    """Forget one memory: replace it with a tombstone (see the module docstring) whose
    last history entry records who forgot it (``user_id``/``agent_id``), when and by which
    path (``via``), and return the memory as it was.

    Memories it superseded keep their ``superseded`` status: forgetting a newer
    value does not bring an older one back. On DuckDB the erased bytes can stay in the
    database file until its next checkpoint.

    Raises:
        MemoryNotFoundError: no memory (or only a tombstone) with that id.
    """
    store = guarded(store)
    if via not in WRITE_PATHS:
        raise InvalidInputError(f"via must be one of {list(WRITE_PATHS)}, got {via!r}")
    memory = get_memory(store, id, namespace)
    now = utcnow()
    entry = HistoryEntry(at=now, action="forgotten", user_id=user_id, agent_id=agent_id, via=via)
    changed = [_tombstone(memory, entry)]
    for related_id in {memory.supersedes, memory.superseded_by} - {None}:
        item = store.get(tuple(memory.namespace), related_id or "")
        if item is not None and _is_memory_value(item.value):
            related = memory_from_item(item)
            related.history = [
                h.model_copy(update={"content": None}) if h.related_id == memory.id else h
                for h in related.history
            ]
            changed.append(related)
    from langmem_extract.graph.persist import write_memories

    write_memories(store, changed)
    if memory.session_id is None and memory.source_message_ids:
        from langmem_extract.evidence import drop_evidence

        namespace_ = tuple(memory.namespace)
        others = [
            m
            for m in iter_memories(store, namespace_)
            if tuple(m.namespace) == namespace_ and m.status != MemoryStatus.FORGOTTEN
        ]
        drop_evidence(store, namespace_, memory.source_message_ids, others)
    _drop_lexical_files(store)
    return memory


def _drop_lexical_files(store: BaseStore) -> None:
    # Recall's lexical file beside a DuckDB file holds memory and turn texts: it goes
    # with what was forgotten or purged (the next recall builds it again).
    from langmem_extract.recall_index_files import drop_files

    drop_files(store)


def _tombstone(memory: Memory, entry: HistoryEntry) -> Memory:
    """``memory`` with everything that held its content erased; who/when/how kept."""
    history = [h.model_copy(update={"content": None, "note": None}) for h in memory.history]
    return Memory(
        id=memory.id,
        namespace=memory.namespace,
        content="",
        title="",
        type=memory.type,
        kind=memory.kind,
        status=MemoryStatus.FORGOTTEN,
        valid_from=memory.valid_from,
        valid_to=entry.at,
        supersedes=memory.supersedes,
        superseded_by=memory.superseded_by,
        agent_id=memory.agent_id,
        user_id=memory.user_id,
        session_id=memory.session_id,
        thread_id=memory.thread_id,
        # Ids only: recall never surfaces a turn that only forgotten memories cite.
        source_message_ids=memory.source_message_ids,
        created_at=memory.created_at,
        updated_at=entry.at,
        history=[*history, entry],
    )


class PurgeResult(BaseModel):
    """What :func:`purge_memories` erased."""

    model_config = ConfigDict(defer_build=True)

    memories: int = 0
    namespaces: list[str] = Field(default_factory=list)
    sessions: list[str] = Field(default_factory=list)


def purge_memories(
    store: BaseStore,
    *,
    user_id: str | None = None,
    agent_id: str | None = None,
    namespace: NamespaceLike | None = None,
    session_ids: Iterable[str] = (),
    message_log: Any = None,
) -> PurgeResult:
    """Erase everything stored about one data subject, for a data-subject request.

    Deletes (no tombstone) every memory, of any status, under ``namespace`` (else the
    scope of ``user_id``/``agent_id``) and, anywhere in the store, every memory recorded
    with that ``user_id`` (else ``agent_id``), history included; then clears the
    message-log sessions those memories came from and ``session_ids`` (the log does not
    record users), and the turns only they cited from their namespaces' evidence sessions. On DuckDB the bytes can stay in the file until its next checkpoint.

    Raises:
        InvalidInputError: none of ``user_id``, ``agent_id`` and ``namespace`` given
            (purge never erases the whole store), or a bad namespace or id.
    """
    store = guarded(store)
    if user_id is None and agent_id is None and namespace is None:
        raise InvalidInputError("purge needs a user_id, an agent_id or a namespace")
    if namespace is not None:
        prefix = parse_namespace(namespace)
    else:
        prefix = default_namespace(user_id, agent_id)
    if isinstance(session_ids, str):
        raise InvalidInputError("session_ids must be a list of session ids, not a string")
    found: dict[tuple[tuple[str, ...], str], Memory] = {}
    for memory in iter_memories(store, prefix):
        found[(tuple(memory.namespace), memory.id)] = memory
    recorded = {"user_id": user_id} if user_id is not None else {"agent_id": agent_id}
    if user_id is not None or agent_id is not None:
        for memory in iter_memories(store, (), recorded):
            found[(tuple(memory.namespace), memory.id)] = memory
    from langmem_extract.graph.persist import write_memories

    write_memories(store, delete=list(found))
    _drop_purged_evidence(store, found.values())
    sessions = sorted({*(m.session_id for m in found.values() if m.session_id), *session_ids})
    if sessions:
        from langmem_extract.message_log import check_session_id, message_log_for
        from langmem_extract.turn_vectors import drop_turn_vectors

        log = message_log or message_log_for(store)
        for session in sessions:
            log.clear(check_session_id(session))
            drop_turn_vectors(store, session)  # a log of the caller's own may not
    _drop_lexical_files(store)
    return PurgeResult(
        memories=len(found),
        namespaces=sorted({format_namespace(ns) for ns, _ in found}),
        sessions=sessions,
    )


def _drop_purged_evidence(store: BaseStore, purged: Iterable[Memory]) -> None:
    """Remove from each namespace's evidence session the turns only purged memories cited
    (memories written without a session logged their evidence there)."""
    from langmem_extract.evidence import drop_evidence

    by_ns: dict[tuple[str, ...], list[str]] = {}
    for memory in purged:
        if memory.session_id is None and memory.source_message_ids:
            by_ns.setdefault(tuple(memory.namespace), []).extend(memory.source_message_ids)
    for ns, ids in by_ns.items():
        others = [m for m in iter_memories(store, ns) if tuple(m.namespace) == ns]
        drop_evidence(store, ns, ids, [m for m in others if m.status != MemoryStatus.FORGOTTEN])


def get_memory_history(
    store: BaseStore, namespace: NamespaceLike, memory_id: str
) -> list[HistoryEntry]:
    """The append-only change history of one memory (created, reinforced, superseded,
    supersedes, …), oldest first.

    Raises:
        MemoryNotFoundError: no memory with that id in the namespace.
    """
    store = guarded(store)
    ns = parse_namespace(namespace)
    item = store.get(ns, memory_id)
    if item is None:
        raise MemoryNotFoundError(f"no memory {memory_id!r} in namespace {ns}")
    return memory_from_item(item).history


# --------------------------------------------------------------------------- stats


class MemoryStats(BaseModel):
    """Counts of stored memories; each mapping is ordered by count, largest first."""

    model_config = ConfigDict(defer_build=True)

    total: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)
    by_category: dict[str, int] = Field(default_factory=dict)
    by_namespace: dict[str, int] = Field(default_factory=dict)
    by_status: dict[str, int] = Field(default_factory=dict)
    forgotten: int = 0
    """Tombstones left by ``forget``; not counted in ``total`` or the mappings."""


def _ordered(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def memory_stats(store: BaseStore, namespace_prefix: NamespaceLike | None = None) -> MemoryStats:
    """Counts by type, category, namespace (``a/b``) and status."""
    store = guarded(store)
    prefix = parse_namespace(namespace_prefix, allow_empty=True)
    by_type: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_namespace: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    total = forgotten = 0
    for memory in iter_memories(store, prefix):
        if memory.status == MemoryStatus.FORGOTTEN:
            forgotten += 1
            continue
        total += 1
        by_type[memory.type.value] += 1
        by_category[memory.category] += 1
        by_namespace[format_namespace(memory.namespace)] += 1
        by_status[memory.status.value] += 1
    return MemoryStats(
        total=total,
        by_type=_ordered(by_type),
        by_category=_ordered(by_category),
        by_namespace=_ordered(by_namespace),
        by_status=_ordered(by_status),
        forgotten=forgotten,
    )
