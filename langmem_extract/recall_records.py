"""What recall's index keeps of each memory: a light record, the full memory on demand.

The lexical index (:mod:`langmem_extract.recall_index`) needs, for every memory under a
prefix, only its id, namespace, session, status, cited message ids and content: a
:class:`MemoryRecord`. A full :class:`~langmem_extract.schema.Memory` (validated by
pydantic) is needed only for the few the ranking returns or filters.
:class:`MemoryView` holds the records and reads full memories from the store when asked,
in one batch (:meth:`MemoryView.prefetch`). Validating every memory of a 10,000-memory
namespace cost about 0.35 s of CPU per fresh process; a record saved beside the
database (:mod:`langmem_extract.recall_index_files`) costs a JSON read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from langgraph.store.base import BaseStore, GetOp

from langmem_extract.evidence import memory_session
from langmem_extract.memories import _is_memory_value, memory_from_item
from langmem_extract.schema import Memory, MemoryStatus

__all__ = ["MemoryRecord", "MemoryView"]


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
    A memory gone from the store since its record was read is missing (``get`` → None)."""

    def __init__(self, store: BaseStore) -> None:
        self.store = store
        self.records: dict[str, MemoryRecord] = {}
        self._full: dict[str, Memory] = {}
        self._lock = threading.Lock()

    def reset(self, records: dict[str, MemoryRecord], full: dict[str, Memory]) -> None:
        """Hold ``records`` (and the full memories already read among them)."""
        self.records = records
        self._full = {key: memory for key, memory in full.items() if key in records}

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __contains__(self, key: object) -> bool:
        return key in self.records

    def __getitem__(self, key: str) -> Memory:
        if key not in self.records:
            raise KeyError(key)
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
        wanted = [self.records[k] for k in dict.fromkeys(keys)
                  if k in self.records and k not in self._full]  # fmt: skip
        if not wanted:
            return
        items = self.store.batch([GetOp(record.namespace, record.id) for record in wanted])
        with self._lock:
            for record, item in zip(wanted, items, strict=True):
                if item is not None and _is_memory_value(item.value):
                    self._full[record.id] = memory_from_item(item)
