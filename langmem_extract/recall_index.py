"""The recall-side index of one namespace: BM25 over its memories and evidence turns.

:func:`index_for` returns the process's :class:`NamespaceIndex` for a store and a
namespace prefix. It holds:

* the memories under the prefix (every status; only active ones are ranked);
* the evidence turns: the messages of every message-log session a memory under the
  prefix comes from (:func:`~langmem_extract.evidence.memory_session`), so a namespace
  reaches only its own turns (the speaker's name leads each turn's text, as in a
  transcript), and for each turn the memories citing it;
* one incremental :class:`~langmem_extract.lexical.BM25Index` over *lexical documents*:
  each active memory's ``content`` followed by the turns it cites and their neighbours
  (up to :data:`CONTEXT_BEFORE` before and :data:`CONTEXT_AFTER` after; document
  expansion: the memory is found by the words of the conversation it came from, not only
  by its own paraphrase), and each turn no memory cites, with its neighbours, as an
  observation document; each with the day it was said in words (:func:`said_on`);
* the turns' dense vectors, stored when they were logged
  (:mod:`langmem_extract.turn_vectors`), as one matrix for :meth:`NamespaceIndex.turn_matrix`.

Sync is incremental. The index is read once: for a DuckDB file, from the lexical file kept
beside it and the items changed since (:mod:`langmem_extract.recall_index_files`; the
memories as light records, :mod:`langmem_extract.recall_records`), else from the store.
After that every write this
process makes through the library tells it what changed (:mod:`langmem_extract.changes`:
the memories ``write_memories`` put or deleted, the messages a log appended), and it
applies just that. For writes by other processes (and raw ``store.put``/``store.delete``
calls, which send no notice) it re-reads the store in a background thread every
:data:`RESYNC_SECONDS`, so no query waits for a re-read; a store that counts its commits
(``commit_count``: DuckDB, which admits one writing process per file) is re-read only
when the count moved since the last read (a re-read of 719 memories cost 60-110 ms of
CPU every 5 s, holding the GIL and, for its last part, the index's lock against
queries). A re-read is incremental where the store gives item versions
(``store.item_versions``: a file-backed DuckDB store): it reads the versions (no
values), then only the items added or changed since the versions of the last read, and
drops those gone (:func:`~langmem_extract.recall_records.changed_items`): after one
write at 10,000 memories 0.05-0.06 s of CPU instead of 1.0 s
(``docs/benchmarks/index_reread.md``). Any other store, or an index whose last versions
are unknown, is read in full (:func:`~langmem_extract.recall_records.read_records`).
Either way it then recomputes the lexical documents in memory (each session's turn
contexts kept until its turns or blocked turns change) and applies to the BM25 index only
those added, changed or gone, never rebuilding it.

Turns cited only by superseded or forgotten memories are never ranked nor used as
context (a forgotten fact must not come back as a raw turn); a turn no memory cites (a
chat-history session keeps every message) is an *observation*: recall may return it as
an episodic document.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from langmem_extract.changes import Change, commit_count, subscribe
from langmem_extract.lexical import BM25Index
from langmem_extract.message_log import message_log_for
from langmem_extract.messages import parse_timestamp
from langmem_extract.recall_index_files import listing_at, read_listing
from langmem_extract.recall_records import (
    MemoryView,
    changed_items,
    read_changed,
    read_records,
)
from langmem_extract.schema import MemoryStatus
from langmem_extract.store.item_versions import commit_state, item_versions
from langmem_extract.store_guard import guarded, unguarded
from langmem_extract.turn_vectors import load_turn_vectors, turn_text

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

__all__ = [
    "CONTEXT_AFTER",
    "CONTEXT_BEFORE",
    "CONTEXT_WIDTH",
    "MAX_INDEXED_MEMORIES",
    "NEIGHBOUR_WEIGHT",
    "OBSERVATION_PREFIX",
    "RESYNC_SECONDS",
    "NamespaceIndex",
    "TurnRecord",
    "index_for",
]

#: Reach of a memory's lexical document before and after each turn it cites (the
#: window, :meth:`NamespaceIndex.context`): the turn either side, and past an uncited
#: turn (the context turn logged before a cited one, ``evidence.context_ids``) up to the
#: next cited turn. An answer often sits in the reply next to the words a question
#: shares with the conversation, and a reply makes sense with the question before it.
#: On conv-26 with the context turns logged (hit@5 / hit@10): this window 0.760 / 0.867;
#: one turn either side 0.740 / 0.860; two either side whatever they are 0.780 / 0.867,
#: two before and one after 0.753 / 0.873 (each failed a test of tests/test_hybrid.py: in
#: a chat session of unrelated turns a memory became a lexical match of a turn two away).
CONTEXT_BEFORE = 2
CONTEXT_AFTER = 2
#: Turns either side whose vectors (half weight, :data:`NEIGHBOUR_WEIGHT`) are added to a
#: turn's for the dense turn ranking, the dense twin of the lexical window. Context turns
#: have no vector, so with them logged one either side often reached nothing: on conv-26
#: (two either side lexically) 1 gave hit@10 0.827, 2 gave 0.867.
CONTEXT_WIDTH = 2
#: Weight of each neighbour's vector added to a turn's for the dense turn ranking (the
#: dense twin of the lexical context). Chosen on conv-26 among 0, 0.25, 0.5, 0.75 and 1
#: (with the turns as a ranking of their own): hit@5 0.713 / 0.733 / 0.747 / 0.733 / 0.720,
#: hit@10 0.820 / 0.847 / 0.820 / 0.813 / 0.807, category 5 0.660 / 0.723 / 0.745 / 0.745 /
#: 0.766.
NEIGHBOUR_WEIGHT = 0.5
#: Lexical document id prefix of an uncovered turn.
OBSERVATION_PREFIX = "turn:"
#: How often an index re-reads the store in the background (writes by other processes
#: are seen after about this long; this process's own writes at once).
RESYNC_SECONDS = 5.0

#: Memories under one prefix beyond which no lexical index is kept in the process (the
#: first query would read them all); recall then uses the dense ranking alone.
MAX_INDEXED_MEMORIES = 50_000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnRecord:
    """One logged message as recall sees it."""

    key: str
    """``session`` and ``message_id`` joined: unique under the prefix."""
    session: str
    message_id: str
    position: int
    """Order within the session (0 first)."""
    speaker: str | None
    content: str
    timestamp: datetime | None

    @property
    def text(self) -> str:
        return turn_text(self.speaker, self.content)


def turn_key(session: str, message_id: str) -> str:
    return f"{session}\x1f{message_id}"


class NamespaceIndex:
    """Memories and evidence turns of one namespace prefix, indexed for BM25."""

    def __init__(self, store: BaseStore, prefix: Sequence[str]) -> None:
        store = guarded(store)  # re-read in a worker thread while the caller writes
        self.store = store
        self.prefix = tuple(prefix)
        #: Memory id → ``Memory``: light records, full memories read on demand.
        self.memories = MemoryView(store)
        self.lexical = BM25Index()
        self.turns: dict[str, TurnRecord] = {}
        self.session_turns: dict[str, list[str]] = {}  # session -> turn keys in order
        self.cited_by: dict[str, set[str]] = {}  # turn key -> active memory ids
        self.blocked: set[str] = set()  # turn keys cited only by inactive memories
        self._blocked_in: dict[str, str] = {}  # blocked turn key -> its session
        self._cited_in: dict[str, str] = {}  # cited turn key -> its session
        #: Session -> the context texts (:meth:`context`) of turn keys with a window
        #: (before, after), as the session's turns and cited and blocked turns stand (the
        #: window reaches past uncited turns): a write re-joins only the documents of
        #: sessions whose turns changed (rebuilding every document's context was about 75%
        #: of the 7-8 ms a write cost at 716 documents).
        self._contexts: dict[str, dict[tuple[tuple[str, ...], int, int], tuple[str, ...]]] = {}
        self._docs: dict[str, str] = {}  # lexical document id -> its indexed text
        self.vectors: dict[str, Any] = {}  # turn key -> unit vector (turn_vectors)
        self._matrix: tuple[list[str], Any] | None = None
        self._matrix_shape: int | None = None
        self._read_at = 0.0
        self._read_commits: int | None = None  # the store's commit_count at the last read
        self._reading = False
        #: Version of every item under the prefix as of the last read (``None``: unknown,
        #: the next re-read reads everything); a lexical file's listing gives them lazily.
        self._versions: dict[tuple[str, str], str] | None = None
        self._versions_later: Callable[[], dict[tuple[str, str], str] | None] | None = None
        #: More memories under the prefix than MAX_INDEXED_MEMORIES: recall ranks densely.
        self.too_large = False
        self._changes = 0
        #: Held while the index changes; hold it while reading several parts together.
        self.lock = threading.RLock()

    # -- sync

    def load(self) -> None:
        """Read the prefix's memories (and their sessions): from the lexical file and what
        changed since (:mod:`langmem_extract.recall_index_files`), else from the store."""
        commits = commit_count(self.store)
        listing = read_listing(self.store, self.prefix, MAX_INDEXED_MEMORIES)
        if listing is not None:
            if listing.too_large:
                self.too_large = True
                return
            with self.lock:
                self.memories.reset(listing.records, listing.full)
                if listing.lexical is not None:  # as saved; _refresh re-indexes what differs
                    self.lexical, self._docs = listing.lexical, dict(listing.docs)
                self._refresh(reload_missing=True)
                listing.save(self.memories.records, self._docs, self.lexical)
                self._versions_later = listing.versions_later()  # read when first needed
                self._read_commits = commits
                self._read_at = time.monotonic()
            return
        read = read_records(self.store, self.prefix, MAX_INDEXED_MEMORIES)
        if read is None:
            self.too_large = True
            return
        self._read_commits = commits
        with self.lock:
            self.memories.reset(*read)
            self._refresh(reload_missing=True)
            self._read_at = time.monotonic()

    def refresh_in_background(self) -> None:
        """Re-read the store in a thread when the last read is older than RESYNC_SECONDS."""
        with self.lock:
            if self.too_large or self._reading or time.monotonic() - self._read_at < RESYNC_SECONDS:
                return
            commits = commit_count(self.store)
            if commits is not None and commits == self._read_commits:
                return  # nothing written since the last read
            self._reading = True
            changes_seen = self._changes
        threading.Thread(target=self._reread, args=(changes_seen, commits), daemon=True).start()

    def _reread(self, changes_seen: int, commits: int | None = None) -> None:
        try:
            self._read_changes(changes_seen, commits)
        except Exception:  # a failed background read leaves the index as it was
            logger.debug("re-reading %s failed", self.prefix, exc_info=True)
        finally:
            self._reading = False

    def _read_changes(self, changes_seen: int, commits: int | None) -> None:
        """Bring the memories up to the store: only the items whose version moved since
        the last read when both versions are known, else every memory."""
        state = commit_state(self.store)
        # Read before any value: a write after this is seen by the next re-read.
        versions = item_versions(self.store, self.prefix)
        old = self._last_versions()
        if versions is not None and old is not None:
            stale, gone = changed_items(old, versions)
            full = read_changed(self.store, self.prefix, stale, len(versions))
            read = None
        else:
            stale, gone, full = [], [], {}
            read = read_records(self.store, self.prefix)
        quiet = versions is not None and commit_state(self.store) == state
        if versions is not None and not quiet:
            # A commit during the reads: the values read may be newer than ``versions``
            # says; unknown versions make the next re-read read them again.
            versions = None if read is not None else {**versions, **dict.fromkeys(stale, "")}
        with self.lock:
            # A change applied meanwhile is newer than these reads: keep it, read later.
            if self._changes == changes_seen:
                if read is not None:
                    self.memories.reset(*read)
                else:
                    for _, key in (*gone, *stale):
                        self.memories.pop(key, None)
                    for key, memory in full.items():
                        self.memories[key] = memory
                self._refresh(reload_missing=True)
                self._read_commits = commits
                self._versions, self._versions_later = versions, None
                # A write that erased a text removed the lexical file: save the state read.
                if (
                    quiet
                    and versions
                    and (listing := listing_at(self.store, self.prefix, state, commits, versions))
                ):
                    listing.save(self.memories.records, self._docs, self.lexical)
            self._read_at = time.monotonic()

    def _last_versions(self) -> dict[tuple[str, str], str] | None:
        if self._versions is None and self._versions_later is not None:
            self._versions, self._versions_later = self._versions_later(), None
        return self._versions

    def apply(self, change: Change) -> None:
        """Apply one write's change (a :mod:`langmem_extract.changes` listener)."""
        if self.too_large:
            return
        with self.lock:
            touched = False
            for memory in change.memories:
                if tuple(memory.namespace[: len(self.prefix)]) == self.prefix:
                    self.memories[memory.id] = memory
                    touched = True
            for namespace, key in change.deleted:
                if tuple(namespace[: len(self.prefix)]) == self.prefix:
                    touched |= self.memories.pop(key, None) is not None
            if change.session is not None and change.session in self.session_turns:
                if change.vectors:
                    self._add_vectors(change.session, change.vectors)
                if change.cleared:
                    self._drop_session(change.session)
                else:
                    self._append_turns(change.session, change.messages)
                touched = True
            if touched:
                self._changes += 1
                self._refresh()

    def _refresh(self, *, reload_missing: bool = False) -> None:
        self._sync_sessions(reload_missing)
        self._link()
        self._sync_documents()
        # The turn matrix is rebuilt only when what it holds may have changed (a
        # background re-read every RESYNC_SECONDS usually changes nothing).
        shape = hash((tuple(self.turns), tuple(self.vectors), frozenset(self.blocked)))
        if shape != self._matrix_shape:
            self._matrix, self._matrix_shape = None, shape

    def _sync_sessions(self, reload_missing: bool) -> None:
        """Load sessions newly referenced and drop those no longer referenced; with
        ``reload_missing``, re-read a known session that lacks a cited turn (appended by
        another process: this process's appends arrive as change notices)."""
        wanted: dict[str, set[str]] = {}
        for memory in self.memories.records.values():
            wanted.setdefault(memory.session, set()).update(memory.source_message_ids)
        for session in set(self.session_turns) - set(wanted):
            self._drop_session(session)
        log = message_log_for(self.store)
        for session, cited in wanted.items():
            have = self.session_turns.get(session)
            if have is not None and (
                not reload_missing or all(turn_key(session, c) in self.turns for c in cited)
            ):
                continue
            self._load_session(log, session)

    def _load_session(self, log: Any, session: str) -> None:
        self._drop_session(session)
        self.session_turns[session] = []
        self._append_turns(session, log.load_turns(session))
        self._add_vectors(session, load_turn_vectors(self.store, session))

    def _add_vectors(self, session: str, vectors: Any) -> None:
        for message_id, vector in vectors.items():
            unit = np.asarray(vector, dtype="float32")
            norm = float(np.linalg.norm(unit))
            if norm > 0:
                self.vectors[turn_key(session, str(message_id))] = unit / norm
        self._matrix = None

    def _drop_session(self, session: str) -> None:
        self._contexts.pop(session, None)
        for key in self.session_turns.pop(session, ()):
            self.turns.pop(key, None)
            self.vectors.pop(key, None)

    def _append_turns(self, session: str, messages: Iterable[Any]) -> None:
        keys = self.session_turns.setdefault(session, [])
        for message in messages:
            if message.id is None or turn_key(session, str(message.id)) in self.turns:
                continue
            self._contexts.pop(session, None)
            key = turn_key(session, str(message.id))
            stamp = (message.additional_kwargs or {}).get("timestamp")
            self.turns[key] = TurnRecord(
                key=key,
                session=session,
                message_id=str(message.id),
                position=len(keys),
                speaker=message.name or None,
                content=str(message.text),
                timestamp=_stamp(stamp),
            )
            keys.append(key)

    def _link(self) -> None:
        cited: dict[str, set[str]] = {}
        cited_in: dict[str, str] = {}
        blocked: dict[str, str] = {}
        for memory in self.memories.records.values():
            if not memory.source_message_ids:
                continue
            session = memory.session
            for message_id in memory.source_message_ids:
                key = turn_key(session, message_id)
                if memory.status == MemoryStatus.ACTIVE:
                    cited.setdefault(key, set()).add(memory.id)
                    cited_in[key] = session
                else:
                    blocked[key] = session
        for key in cited.keys() & blocked.keys():
            del blocked[key]
        # A turn blocked or unblocked, cited or no longer cited, changes the contexts of
        # its session's documents (the window reaches past uncited turns).
        for was, now in ((self._blocked_in, blocked), (self._cited_in, cited_in)):
            for key in was.keys() ^ now.keys():
                self._contexts.pop(was[key] if key in was else now[key], None)
        self.cited_by, self._cited_in = cited, cited_in
        self.blocked, self._blocked_in = set(blocked), blocked

    def _sync_documents(self) -> None:
        """Apply to the BM25 index only the documents whose text changed."""
        docs = self.documents()
        if docs == self._docs:  # as indexed (a load from the lexical file, usually)
            return
        for doc_id in set(self._docs) - set(docs):
            self.lexical.remove(doc_id)
        for doc_id, text in docs.items():
            if self._docs.get(doc_id) != text:
                self.lexical.add(doc_id, text)
        self._docs = docs

    def documents(self) -> dict[str, str]:
        """The lexical documents: each active memory's content with the turns it cites and
        their neighbours (document expansion), and each uncovered turn with the turn
        either side (``turn:`` + its key); each ends with the day its first dated turn
        was said, in words (:func:`said_on`)."""
        docs: dict[str, str] = {}
        for memory in self.memories.records.values():
            if memory.status != MemoryStatus.ACTIVE:
                continue
            if not memory.source_message_ids:  # no turns: the content alone
                docs[memory.id] = memory.content
                continue
            keys = tuple(turn_key(memory.session, m) for m in memory.source_message_ids)
            context = self._context_of(memory.session, keys, CONTEXT_BEFORE, CONTEXT_AFTER)
            said = said_on(self.turns.get(key) for key in keys)
            docs[memory.id] = "\n".join([memory.content, *context, *said])
        for key, turn in self.turns.items():
            if key not in self.cited_by and key not in self.blocked:
                # One turn either side: with two, a question next to the turn that
                # matches ranked as high as that turn (tests/test_hybrid.py).
                context = self._context_of(turn.session, (key,), 1, 1)
                docs[OBSERVATION_PREFIX + key] = "\n".join([*context, *said_on([turn])])
        return docs

    def _context_of(
        self, session: str, keys: tuple[str, ...], before: int, after: int
    ) -> tuple[str, ...]:
        """:meth:`context` of the turns ``keys`` of ``session``, kept until the session's
        turns, or which of them are cited or blocked, change."""
        known = self._contexts.setdefault(session, {})
        found = known.get((keys, before, after))
        if found is None:
            if len(known) > 4 * len(self.session_turns.get(session, ())) + 64:
                known.clear()  # id lists of memories long gone: bounded
            found = known[(keys, before, after)] = tuple(self.context(keys, before, after))
        return found

    def context(
        self, keys: Iterable[str], before: int = CONTEXT_BEFORE, after: int = CONTEXT_AFTER
    ) -> list[str]:
        """Texts of the turns ``keys`` and of their neighbours (``before`` turns before
        each, ``after`` after), in conversation order."""
        chosen: dict[str, TurnRecord] = {}
        for key in keys:
            for near in self._window(key, before, after):
                if near.key not in self.blocked:
                    chosen[near.key] = near
        ordered = sorted(chosen.values(), key=lambda t: (t.session, t.position))
        return [t.text for t in ordered]

    def _window(self, key: str, before: int, after: int) -> list[TurnRecord]:
        """``key`` with the turn either side and, up to ``before`` / ``after``, the
        turns beyond an uncited one up to the first cited turn: a context turn (logged
        before a cited one, ``evidence.context_ids``) does not use up the width, but the
        window never ends on an uncited turn beyond the first (in a chat session, where
        every turn is logged, it passes an uncited turn only to reach a cited one)."""
        record = self.turns.get(key)
        if record is None:  # not logged (a turn the log lost): no context
            return []
        keys = self.session_turns.get(record.session, [])
        at = record.position
        lo = at - self._reach(keys, at, -1, before)
        hi = at + self._reach(keys, at, 1, after)
        return [self.turns[k] for k in keys[lo : hi + 1] if k in self.turns]

    def _reach(self, keys: Sequence[str], at: int, step: int, most: int) -> int:
        """How many turns one side of ``keys[at]`` the window takes: the nearest, and
        past uncited ones up to the first cited turn within ``most``."""
        for n in range(1, most + 1):
            i = at + step * n
            if not 0 <= i < len(keys):
                return min(n - 1, 1)
            if keys[i] in self.cited_by:
                return n
        return min(most, 1)

    # -- reads

    def prefetch(self, memory_ids: Iterable[str]) -> None:
        """Read in one batch the full memories of ``memory_ids`` (before ``memories.get``)."""
        self.memories.prefetch(memory_ids)

    def turn_matrix(self) -> tuple[list[str], Any]:
        """The keys of the rankable turns with a vector (cited by an active memory or
        uncovered; never one only inactive memories cite) and, as unit rows, each turn's
        vector plus :data:`NEIGHBOUR_WEIGHT` times its neighbours' (``None`` when there
        are none). Hold :attr:`lock` while using it."""
        if self._matrix is None:
            keys = [k for k in self.turns if k in self.vectors and k not in self.blocked]
            dims = {self.vectors[k].shape[0] for k in keys}
            if len(dims) > 1:  # vectors of two sizes: keep the most common
                common = max(dims, key=lambda d: sum(self.vectors[k].shape[0] == d for k in keys))
                keys = [k for k in keys if self.vectors[k].shape[0] == common]
            if not keys:
                self._matrix = (keys, None)
                return self._matrix
            where = {key: i for i, key in enumerate(keys)}
            base = np.stack([self.vectors[key] for key in keys])
            rows = base.copy()
            for i, key in enumerate(keys):
                for near in self.neighbours(key, CONTEXT_WIDTH):
                    j = where.get(near.key)  # never a blocked turn: not in ``keys``
                    if j is not None and j != i:
                        rows[i] += NEIGHBOUR_WEIGHT * base[j]
            rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
            self._matrix = (keys, rows)
        return self._matrix

    def neighbours(self, key: str, width: int = 1) -> list[TurnRecord]:
        """The turns within ``width`` positions of ``key`` in its session, in order."""
        record = self.turns.get(key)
        if record is None:
            return []
        keys = self.session_turns.get(record.session, [])
        lo, hi = max(record.position - width, 0), record.position + width + 1
        return [self.turns[k] for k in keys[lo:hi] if k in self.turns]


#: English month names (``calendar.month_name`` formats each through the locale: a third
#: of the documents' CPU at LoCoMo scale).
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def said_on(turns: Iterable[TurnRecord | None]) -> list[str]:
    """The day the first dated of ``turns`` was said, in words ("8 May 2023"), or nothing:
    a question naming a day or a month ("on 13 October", "in June") then meets what was
    said then lexically, also where the memory carries no ``event_time``. On conv-26
    (hit@5 / hit@10 / hit@20) 0.753 / 0.860 / 0.900 without, 0.760 / 0.867 / 0.913 with."""
    for turn in turns:
        if turn is not None and turn.timestamp is not None:
            stamp = turn.timestamp
            return [f"{stamp.day} {_MONTHS[stamp.month - 1]} {stamp.year}"]
    return []


def _stamp(raw: Any) -> datetime | None:
    try:
        return parse_timestamp(raw) if raw else None
    except Exception:  # a foreign log entry with a malformed stamp is simply undated
        return None


_indexes: weakref.WeakKeyDictionary[Any, dict[tuple[str, ...], NamespaceIndex]] = (
    weakref.WeakKeyDictionary()
)
_indexes_lock = threading.Lock()


def index_for(store: BaseStore, prefix: Sequence[str]) -> NamespaceIndex:
    """The process's index of ``store`` under ``prefix``: read on first use, then kept
    current by change notices and background re-reads (see the module docstring)."""
    store = unguarded(store)
    with _indexes_lock:
        per_store = _indexes.setdefault(store, {})
        index = per_store.get(tuple(prefix))
        fresh = index is None
        if index is None:
            index = per_store[tuple(prefix)] = NamespaceIndex(store, prefix)
            subscribe(store, index.apply)
    if fresh:
        index.load()
    else:
        index.refresh_in_background()
    return index
