"""Operations on stored memories: list, get, history, forget, export, import, stats.

These work on any LangGraph ``BaseStore`` that holds ``Memory.to_value()`` items
(see :mod:`langmem_extract.schema`); the ``langmem-extract`` CLI is a thin skin
over them. Items that are not memories (for example chat-history messages kept
in the same store) are ignored. Recall (ranked search) is in
:mod:`langmem_extract.recall`; every write goes through
:func:`langmem_extract.graph.persist.write_memories`.

Export writes one memory per line as canonical JSON (sorted keys, no extra
whitespace), so ``export → import → export`` yields the same bytes up to line order.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from langgraph.store.base import BaseStore, GetOp, Item
from pydantic import BaseModel, Field, ValidationError

from langmem_extract.errors import (
    InvalidInputError,
    InvalidNamespaceError,
    MemoryNotFoundError,
    StoreError,
)
from langmem_extract.graph.persist import write_memories
from langmem_extract.graph.state import parse_memory_types
from langmem_extract.namespaces import NamespaceLike, format_namespace, parse_namespace
from langmem_extract.schema import HistoryEntry, Memory, MemoryStatus, MemoryType

__all__ = [
    "MemoryStats",
    "export_memories",
    "forget_memory",
    "get_memory",
    "get_memory_history",
    "import_memories",
    "list_memories",
    "memory_from_item",
    "memory_stats",
    "parse_memory_types",
    "read_export",
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
        raise StoreError(f"stored memory {where} is not valid: {_first_error(exc)}") from exc


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


def _iter_memories(
    store: BaseStore, prefix: tuple[str, ...], filter: dict[str, Any] | None = None
) -> Iterator[Memory]:
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
    ``status`` is ``"active"``, ``"superseded"`` or ``None``/``"all"``.
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
    memories = _iter_memories(store, prefix, store_filter)
    if len(types) > 1:
        memories = (m for m in memories if m.type in types)
    return _newest_first(memories)[offset : offset + limit]


def _find_everywhere(store: BaseStore, memory_id: str) -> list[Memory]:
    namespaces: list[tuple[str, ...]] = []
    while batch := store.list_namespaces(limit=_PAGE_SIZE, offset=len(namespaces)):
        namespaces.extend(batch)
    found = store.batch([GetOp(ns, memory_id) for ns in namespaces]) if namespaces else []
    return [memory_from_item(item) for item in found if item and _is_memory_value(item.value)]


def _find_by_prefix(store: BaseStore, prefix: tuple[str, ...], id_prefix: str) -> list[Memory]:
    return [m for m in _iter_memories(store, prefix) if m.id.startswith(id_prefix)]


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
        InvalidInputError: the id or prefix matches more than one memory.
    """
    memory_id = (id or "").strip()
    if not memory_id:
        raise InvalidInputError("memory id is empty")
    ns = parse_namespace(namespace) if namespace else None
    if ns is not None:
        item = store.get(ns, memory_id)
        exact = [memory_from_item(item)] if item and _is_memory_value(item.value) else []
    else:
        exact = _find_everywhere(store, memory_id)
    found = _one(exact, memory_id, "id")
    if found is None and len(memory_id) >= MIN_ID_PREFIX:
        found = _one(_find_by_prefix(store, ns or (), memory_id), memory_id, "id prefix")
    if found is None:
        where = f" in namespace {format_namespace(ns)}" if ns else ""
        raise MemoryNotFoundError(f"no memory with id {memory_id!r}{where}")
    return found


def forget_memory(store: BaseStore, id: str, namespace: NamespaceLike | None = None) -> Memory:
    """Delete one memory and return what was deleted.

    Memories it superseded keep their ``superseded`` status: forgetting a newer
    value does not bring an older one back.
    """
    memory = get_memory(store, id, namespace)
    write_memories(store, delete=[(memory.namespace, memory.id)])
    return memory


def get_memory_history(
    store: BaseStore, namespace: NamespaceLike, memory_id: str
) -> list[HistoryEntry]:
    """The append-only change history of one memory (created, reinforced, superseded,
    supersedes, …), oldest first.

    Raises:
        MemoryNotFoundError: no memory with that id in the namespace.
    """
    ns = parse_namespace(namespace)
    item = store.get(ns, memory_id)
    if item is None:
        raise MemoryNotFoundError(f"no memory {memory_id!r} in namespace {ns}")
    return memory_from_item(item).history


# --------------------------------------------------------------------------- stats


class MemoryStats(BaseModel):
    """Counts of stored memories; each mapping is ordered by count, largest first."""

    total: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)
    by_category: dict[str, int] = Field(default_factory=dict)
    by_namespace: dict[str, int] = Field(default_factory=dict)
    by_status: dict[str, int] = Field(default_factory=dict)


def _ordered(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def memory_stats(store: BaseStore, namespace_prefix: NamespaceLike | None = None) -> MemoryStats:
    """Counts by type, category, namespace (``a/b``) and status."""
    prefix = parse_namespace(namespace_prefix, allow_empty=True)
    by_type: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_namespace: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    total = 0
    for memory in _iter_memories(store, prefix):
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
    )


# --------------------------------------------------------------------------- export / import


def _canonical_line(memory: Memory) -> str:
    value = memory.to_value()
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


@contextmanager
def _open_text(target: str | Path | TextIO, mode: str) -> Iterator[tuple[TextIO, str]]:
    if isinstance(target, str | Path):
        path = Path(target)
        try:
            with path.open(mode, encoding="utf-8", newline="\n" if "w" in mode else None) as fp:
                yield fp, str(path)
        except FileNotFoundError:
            missing = "no such directory" if "w" in mode else "no such file"
            raise InvalidInputError(f"{path}: {missing}") from None
        except IsADirectoryError:
            raise InvalidInputError(f"{path}: is a directory") from None
        except PermissionError:
            raise InvalidInputError(f"{path}: permission denied") from None
    else:
        yield target, str(getattr(target, "name", "<stream>"))


def export_memories(
    store: BaseStore,
    dest: str | Path | TextIO,
    namespace_prefix: NamespaceLike | None = None,
) -> int:
    """Write every memory (all statuses, full history) as JSONL; returns the count.

    Lines are ordered by namespace, creation time and id, so repeated exports of
    the same store are identical.
    """
    prefix = parse_namespace(namespace_prefix, allow_empty=True)
    memories = sorted(
        _iter_memories(store, prefix), key=lambda m: (m.namespace, m.created_at, m.id)
    )
    with _open_text(dest, "w") as (fp, _):
        for memory in memories:
            fp.write(_canonical_line(memory))
        fp.flush()
    return len(memories)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err.get("loc", ())) or "value"
    more = len(exc.errors()) - 1
    suffix = f" (and {more} more)" if more else ""
    return f"field {loc!r}: {err.get('msg', 'invalid')}{suffix}"


def _parse_export_line(text: str, where: str) -> Memory:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(value, dict):
        raise InvalidInputError(f"{where}: expected a JSON object, got {type(value).__name__}")
    try:
        memory = Memory.model_validate(value)
    except ValidationError as exc:
        raise InvalidInputError(f"{where}: invalid memory: {_first_error(exc)}") from None
    try:
        parse_namespace(memory.namespace)
    except InvalidNamespaceError as exc:
        raise InvalidNamespaceError(f"{where}: {exc}") from None
    return memory


def _read_export(fp: TextIO, name: str) -> list[Memory]:
    memories: list[Memory] = []
    seen: dict[tuple[tuple[str, ...], str], int] = {}
    for lineno, line in enumerate(fp, start=1):
        if not line.strip():
            continue
        where = f"{name}:{lineno}"
        memory = _parse_export_line(line, where)
        key = (tuple(memory.namespace), memory.id)
        if key in seen:
            raise InvalidInputError(
                f"{where}: duplicate memory id {memory.id} (first on line {seen[key]})"
            )
        seen[key] = lineno
        memories.append(memory)
    return memories


def read_export(src: str | Path | TextIO) -> list[Memory]:
    """Read and validate a JSONL export without touching any store.

    Raises:
        InvalidInputError: a line that is not a valid memory, naming ``file:line``.
    """
    with _open_text(src, "r") as (fp, name):
        try:
            return _read_export(fp, name)
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"{name}: not UTF-8 text ({exc.reason})") from None


def import_memories(store: BaseStore, src: str | Path | TextIO | Sequence[Memory]) -> int:
    """Load a JSONL export (a path, a text stream, or :func:`read_export`'s result).

    Memories keep their ids, namespaces and every field, provenance and history
    included; an existing memory with the same namespace and id is replaced. The
    whole input is validated first, so a bad line, or a memory that contains a
    secret, writes nothing. Returns the count.
    """
    if isinstance(src, Sequence) and not isinstance(src, str):
        memories = list(src)
        if not all(isinstance(m, Memory) for m in memories):
            raise InvalidInputError("import_memories takes Memory objects, a path or a stream")
    else:
        memories = read_export(src)
    write_memories(store, memories)
    return len(memories)
