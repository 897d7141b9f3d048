"""What recall's index keeps of each memory: a light record, the full memory on demand.

The lexical index (:mod:`langmem_extract.recall_index`) needs, for every memory under a
prefix, only its id, namespace, session, status, cited message ids and content: a
:class:`MemoryRecord`. A full :class:`~langmem_extract.schema.Memory` (validated by
pydantic) is needed only for the few the ranking returns or filters.
:class:`MemoryView` holds the records and reads full memories from the store when asked,
in one batch (:meth:`MemoryView.prefetch`). Validating every memory of a 10,000-memory
namespace cost about 0.35 s of CPU per fresh process; a record saved beside the
database (:mod:`langmem_extract.recall_index_files`) costs a JSON read.

Records are read from the store in one of two ways: every memory under the prefix
(:func:`read_records`), or only the items whose version (``store.item_versions``) differs
from the versions last read (:func:`changed_items`, then :func:`read_changed`): a fresh
process's lexical file and a running index's background re-read both take that path.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langmem_extract.changes import commit_count
from langmem_extract.evidence import memory_session
from langmem_extract.item_reads import get_items
from langmem_extract.memories import _is_memory_value, iter_memories, memory_from_item
from langmem_extract.schema import Memory, MemoryStatus

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

__all__ = ["MemoryRecord", "MemoryView", "changed_items", "read_changed", "read_records"]

Item = tuple[str, str]
"""An item under a prefix: its namespace joined by ``.`` and its key."""


@dataclass(slots=True)
class MemoryRecord:
    """The fields of a memory the lexical index reads (the same names as ``Memory``'s,
    so :func:`~langmem_extract.evidence.memory_session` takes either). Treat it as
    read-only: it is not ``frozen`` because a frozen dataclass's ``__init__`` made reading
    10,000 records from the lexical file cost 0.04 s instead of 0.013 s here."""

    id: str
    namespace: tuple[str, ...]
    session_id: str | None
    status: MemoryStatus
    source_message_ids: tuple[str, ...]
    content: str
    session: str
    """The message-log session of the turns it cites (``memory_session``)."""

    @classmethod
    def of(cls, memory: Memory) -> MemoryRecord:
        return cls(memory.id, tuple(memory.namespace), memory.session_id, memory.status,
                   tuple(memory.source_message_ids), memory.content,
                   memory_session(memory))  # fmt: skip


class MemoryView(MutableMapping[str, Memory]):
    """Memory id → ``Memory`` over :attr:`records`: a full memory is read from the store
    (and kept) the first time it is asked for; iterating and ``in`` use the records only.
    A memory gone from the store since its record was read is missing (``get`` → None).
    On a store that counts its commits, full memories read before its last commit are
    read again: a raw ``store.delete`` or ``store.put`` sends the index no notice, and
    recall must not return a deleted or changed memory until the next re-read."""

    def __init__(self, store: BaseStore) -> None:
        self.store = store
        self.records: dict[str, MemoryRecord] = {}
        self._full: dict[str, Memory] = {}
        self._full_at: int | None = None  # the store's commit_count when _full was read
        self._lock = threading.Lock()

    def reset(self, records: dict[str, MemoryRecord], full: dict[str, Memory]) -> None:
        """Hold ``records`` (and the full memories already read among them)."""
        self.records = records
        self._full = {key: memory for key, memory in full.items() if key in records}
        self._full_at = None  # read at an unknown commit: checked on first use

    def _check_current(self) -> None:
        count = commit_count(self.store)
        if count is not None and count != self._full_at:
            with self._lock:
                self._full, self._full_at = {}, count

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __contains__(self, key: object) -> bool:
        return key in self.records

    def __getitem__(self, key: str) -> Memory:
        if key not in self.records:
            raise KeyError(key)
        self._check_current()
        if key not in self._full:
            self.prefetch([key])
        try:
            return self._full[key]
        except KeyError:
            raise KeyError(key) from None

    def __setitem__(self, key: str, memory: Memory) -> None:
        self.records[key] = MemoryRecord.of(memory)
        self._full[key] = memory

    def __delitem__(self, key: str) -> None:
        del self.records[key]
        self._full.pop(key, None)

    def pop(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        """Forget ``key``; returns its record (not a full memory), or ``default``."""
        self._full.pop(key, None)
        return self.records.pop(key, default)

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read, in one store batch, the full memories of ``keys`` not read yet."""
        self._check_current()
        wanted = [self.records[k] for k in dict.fromkeys(keys)
                  if k in self.records and k not in self._full]  # fmt: skip
        if not wanted:
            return
        items = get_items(self.store, [(record.namespace, record.id) for record in wanted])
        with self._lock:
            for record, item in zip(wanted, items, strict=True):
                if item is not None and _is_memory_value(item.value):
                    self._full[record.id] = memory_from_item(item)


def read_records(
    store: BaseStore, prefix: tuple[str, ...], limit: int | None = None
) -> tuple[dict[str, MemoryRecord], dict[str, Memory]] | None:
    """Every memory under ``prefix``: its record by id, and the full memories read;
    ``None`` when there are more than ``limit``."""
    listed: Iterable[Memory] = iter_memories(store, prefix)
    if limit is not None:
        listed = itertools.islice(listed, limit + 1)
    full = {memory.id: memory for memory in listed}
    if limit is not None and len(full) > limit:
        return None
    return {key: MemoryRecord.of(memory) for key, memory in full.items()}, full


def changed_items(
    old: Mapping[Item, str], new: Mapping[Item, str]
) -> tuple[list[Item], list[Item]]:
    """The items of ``new`` whose version differs from ``old``'s (added or changed), and
    the items of ``old`` gone from ``new``."""
    stale = [item for item, version in new.items() if old.get(item) != version]
    return stale, [item for item in old if item not in new]


def read_changed(
    store: BaseStore, prefix: tuple[str, ...], stale: Collection[Item], total: int
) -> dict[str, Memory]:
    """The memories among the ``stale`` items (others are not memories, or gone), by id:
    one batch of gets, or one listing of the prefix when they are most of its ``total``
    items (one listing then beats a get per item)."""
    full: dict[str, Memory] = {}
    if 2 * len(stale) > total:
        wanted = set(stale)
        for memory in iter_memories(store, prefix):
            if (".".join(memory.namespace), memory.id) in wanted:
                full[memory.id] = memory
    elif stale:
        items = get_items(store, [(tuple(ns.split(".")), key) for ns, key in stale])
        for item in items:
            if item is not None and _is_memory_value(item.value):
                memory = memory_from_item(item)
                full[memory.id] = memory
    return full
