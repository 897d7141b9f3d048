"""The in-process mirror the store reads from: item keys and times, values as JSON text,
filter columns and a vector matrix.

DuckDB is the durable copy; this mirror answers every read. It is loaded from the tables
on first use (in bulk: numpy columns, one flat float array for the vectors) and updated
after each committed write of this process (DuckDB admits one writer process per file,
so nothing else can change the tables underneath it).

It is lean: per item a key, a namespace id, four numbers, the table's ``rowid`` and the
value as JSON text, parsed only for the items a read returns. Values start ``UNREAD``:
``value_reader`` (``_duckdb_values``) fetches those a read returns, all of them once
reads have asked for many, and builds filter columns in DuckDB.

Search is exact: namespace and filters are applied first as boolean masks over slots,
then cosine similarity is computed over only the surviving vectors. That is why filtered
queries and queries after deletes return exactly the true top-k. A large scan may first
compare sign-bit codes and re-rank a pool in float32, falling back to the float32 scan
of every survivor when its pool check asks (``_codes``); ``_scan`` picks the cheaper
way by measured cost.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from langmem_extract.store import _codes, _scan
from langmem_extract.store._filters import Column, Leaf
from langmem_extract.store._kernels import matvec as _matvec

# Compact when at least this fraction of slots (and this many) are dead.
_COMPACT_FRACTION = 0.3
_COMPACT_MIN = 1024
# A namespace selection under this fraction of all slots is worked on as a slot list
# (cost grows with the namespace), not as masks over every slot (cost grows with N).
_SLOTS_FRACTION = 0.125
# ``expires`` of an item without a TTL.
_NO_EXPIRY = np.iinfo(np.int64).max
#: The text of a live slot whose value is still only in DuckDB (no JSON text is empty).
UNREAD = ""


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise rows; zero rows stay zero (their cosine is 0 with everything)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


@dataclass(slots=True)
class Row:
    """One stored item. Times are epoch microseconds (UTC)."""

    prefix: str
    key: str
    value: dict[str, Any]
    created_us: int
    updated_us: int
    expires_us: int | None
    ttl_minutes: float | None


class ValueSource(Protocol):  # ``_duckdb_values.ValueReader``
    def __call__(self, cache: StoreCache, slots: list[int]) -> None: ...

    def fill_column(self, cache: StoreCache, col: Column) -> bool: ...


def _grown(arr: np.ndarray, size: int, fill: Any) -> np.ndarray:
    out = np.full(size, fill, dtype=arr.dtype)
    out[: len(arr)] = arr
    return out


class StoreCache:
    """Per slot: key, namespace id, times and the value's JSON text; lazily built filter
    columns; and the vector matrix (an item's rows are contiguous: start and count)."""

    def __init__(self, dims: int | None) -> None:
        self.dims = dims
        self._reset()

    def _reset(self) -> None:
        self.keys: list[str | None] = []
        self.values: list[str | None] = []
        self._slot_of: dict[tuple[str, str], int] | None = {}
        #: Reads values (and filter columns) from DuckDB (``_duckdb_values.ValueReader``).
        self.value_reader: ValueSource | None = None
        cap = 64
        self.alive = np.zeros(cap, dtype=bool)
        self.rowid = np.full(cap, -1, dtype=np.int64)  # the item's row in DuckDB, or -1
        self.ns_id = np.full(cap, -1, dtype=np.int32)
        self.created = np.zeros(cap, dtype=np.int64)
        self.updated = np.zeros(cap, dtype=np.int64)
        self.expires = np.full(cap, _NO_EXPIRY, dtype=np.int64)
        self.ttl = np.full(cap, np.nan, dtype=np.float64)
        self.vec_start = np.zeros(cap, dtype=np.int64)
        self.vec_count = np.zeros(cap, dtype=np.int64)
        self.ns_ids: dict[str, int] = {}
        self.ns_names: list[str] = []
        self.ns_live: dict[int, int] = {}
        # Live slots per namespace id, and their sorted array (rebuilt after a change).
        self.ns_slots: dict[int, set[int]] = {}
        self._ns_sorted: dict[int, np.ndarray] = {}
        self.columns: dict[tuple[str, ...], Column] = {}
        self.dead = 0
        vcap = 64 if self.dims else 0
        self.vecs = np.zeros((vcap, self.dims or 0), dtype=np.float32)
        self.vec_slot = np.full(vcap, -1, dtype=np.int32)
        self.vec_alive = np.zeros(vcap, dtype=bool)
        self.n_vec = 0
        self.vec_dead = 0
        old = getattr(self, "codes", None)
        self.codes = _codes.SignCodes(self.dims or 1)
        if old is not None:  # a compaction: the counters carry on
            self.codes.stats = old.stats
        self.scan_cost: _scan.ScanCost = getattr(self, "scan_cost", None) or _scan.ScanCost()

    # -- sizes -----------------------------------------------------------------------

    @property
    def slot_of(self) -> dict[tuple[str, str], int]:
        """(namespace text, key) -> slot of every live item (built on first use: a
        search-only process never needs it)."""
        if self._slot_of is None:
            names, n = self.ns_names, self.n_slots
            idents = zip(map(names.__getitem__, self.ns_id[:n].tolist()), self.keys, strict=True)
            self._slot_of = {ident: s for s, ident in enumerate(idents) if ident[1] is not None}
        return self._slot_of

    @property
    def n_slots(self) -> int:
        return len(self.keys)

    def __len__(self) -> int:
        return self.n_slots - self.dead

    def _grow_slots(self, need: int) -> None:
        cap = len(self.alive)
        if need <= cap:
            return
        new = max(need, cap * 2)
        self.alive = _grown(self.alive, new, False)
        self.rowid = _grown(self.rowid, new, -1)
        self.ns_id = _grown(self.ns_id, new, -1)
        self.created = _grown(self.created, new, 0)
        self.updated = _grown(self.updated, new, 0)
        self.expires = _grown(self.expires, new, _NO_EXPIRY)
        self.ttl = _grown(self.ttl, new, np.nan)
        self.vec_start = _grown(self.vec_start, new, 0)
        self.vec_count = _grown(self.vec_count, new, 0)
        for col in self.columns.values():
            col.grow(new)

    def _grow_vecs(self, need: int) -> None:
        cap = len(self.vec_slot)
        if need <= cap and self.vecs.flags.writeable:
            return  # a mapped matrix (read-only) is copied on the first write; grown by
        # a quarter, not doubled: the matrix is most of the mirror's memory.
        new = max(need, cap + max(cap // 4, 64))
        vecs = np.zeros((new, self.dims or 0), dtype=np.float32)
        vecs[: self.n_vec] = self.vecs[: self.n_vec]
        self.vecs = vecs
        self.vec_slot = _grown(self.vec_slot, new, -1)
        self.vec_alive = _grown(self.vec_alive, new, False)

    # -- bulk loads ------------------------------------------------------------------

    def load(
        self,
        prefixes: Sequence[str],
        keys: Sequence[str],
        values: Sequence[str] | None,
        times: dict[str, np.ndarray],
        vecs: np.ndarray | None = None,
        vec_slot: np.ndarray | None = None,
    ) -> None:
        """Fill an empty mirror at once: items in slot order (``times`` holds the
        ``created``, ``updated``, ``expires`` and ``ttl`` arrays, and may hold ``rowid``;
        ``values`` ``None``: all ``UNREAD``), and the vector rows ``vecs`` (normalised,
        with spare rows past ``len(vec_slot)`` allowed) whose slots ``vec_slot`` are
        non-decreasing."""
        names = list(dict.fromkeys(prefixes))
        ids = {p: i for i, p in enumerate(names)}
        ns = np.fromiter(map(ids.__getitem__, prefixes), dtype=np.int32, count=len(keys))
        self.load_columns(names, ns, keys, values, times)
        if vecs is not None and vec_slot is not None:
            self.load_vectors(vecs, vec_slot)

    def load_columns(
        self,
        ns_names: Sequence[str],
        ns: np.ndarray,
        keys: Sequence[str],
        values: Sequence[str] | None,
        times: dict[str, np.ndarray],
    ) -> None:
        """``load`` with namespaces given as names and a per-slot id into them."""
        n = len(keys)
        self._grow_slots(n)
        self.keys = list(keys)
        self.values = [UNREAD] * n if values is None else list(values)
        for name in ns_names:
            self._namespace_id(name)
        self.ns_id[:n] = ns
        self._slot_of = None
        self.alive[:n] = True
        for name in ("created", "updated", "expires", "ttl", "rowid"):
            if name in times:
                getattr(self, name)[:n] = times[name]
        order = np.argsort(ns, kind="stable")
        bounds = np.flatnonzero(np.diff(ns[order])) + 1
        for part in np.split(order, bounds) if n else []:
            nid = int(ns[part[0]])
            self.ns_slots[nid] = set(part.tolist())
            self.ns_live[nid] = len(part)
            self._ns_sorted[nid] = part.astype(np.int64)

    def load_vectors(self, vecs: np.ndarray, vec_slot: np.ndarray) -> None:
        """Set the vector rows of a freshly loaded mirror (see ``load``); ``vecs`` is
        kept, not copied."""
        n, nv = self.n_slots, len(vec_slot)
        if not self.dims:
            return
        self.vecs = vecs
        self.codes.clear()
        self.vec_slot = np.full(len(vecs), -1, dtype=np.int32)
        self.vec_slot[:nv] = vec_slot
        self.vec_alive = np.zeros(len(vecs), dtype=bool)
        self.vec_alive[:nv] = True
        self.n_vec = nv
        counts = np.bincount(vec_slot, minlength=n)[:n] if nv else np.zeros(n, np.int64)
        self.vec_count[:n] = counts
        self.vec_start[:n] = np.cumsum(counts) - counts

    def compact(self) -> None:
        """Drop dead slots and dead vector rows, keeping the live ones in order (ties
        still rank by insertion) and every built filter column."""
        n, nv = self.n_slots, self.n_vec
        live = np.flatnonzero(self.alive[:n])
        new_slot = np.full(max(n, 1), -1, dtype=np.int64)
        new_slot[live] = np.arange(len(live))
        idx = live.tolist()
        prefixes = [self.ns_names[i] for i in self.ns_id[live].tolist()]
        keys = [self.keys[s] or "" for s in idx]
        values = [self.values[s] or "" for s in idx]
        times = {
            name: getattr(self, name)[live]
            for name in ("created", "updated", "expires", "ttl", "rowid")
        }
        columns, reader = self.columns, self.value_reader
        rows = np.flatnonzero(self.vec_alive[:nv])
        vec_slot = new_slot[self.vec_slot[rows]]
        spare = len(rows) + max(len(rows) // 8, 64)
        vecs = np.zeros((spare if self.dims else 0, self.dims or 0), dtype=np.float32)
        vecs[: len(rows)] = self.vecs[rows]
        self._reset()
        self.load(prefixes, keys, values, times, vecs, vec_slot)
        self.value_reader = reader
        for path, col in columns.items():
            col.codes, col.num = col.codes[live], col.num[live]
            col.grow(len(self.alive))
            self.columns[path] = col

    # -- writes ----------------------------------------------------------------------

    def _namespace_id(self, prefix: str) -> int:
        nid = self.ns_ids.get(prefix)
        if nid is None:
            nid = len(self.ns_names)
            self.ns_ids[prefix] = nid
            self.ns_names.append(prefix)
        return nid

    def _new_slot(self, prefix: str, key: str) -> int:
        slot = self.n_slots
        self._grow_slots(slot + 1)
        self.keys.append(key)
        self.values.append(None)
        self.slot_of[(prefix, key)] = slot
        self.rowid[slot] = -1
        nid = self._namespace_id(prefix)
        self.ns_id[slot] = nid
        self.ns_live[nid] = self.ns_live.get(nid, 0) + 1
        self.ns_slots.setdefault(nid, set()).add(slot)
        self._ns_sorted.pop(nid, None)
        self.alive[slot] = True
        return slot

    def upsert(
        self,
        row: Row,
        vectors: list[tuple[str, np.ndarray]] | None,
        value_json: str | None = None,
    ) -> None:
        """Insert or replace an item; ``vectors`` (normalised) replace the old ones.
        ``value_json`` is ``row.value`` as JSON text (serialised here when not given)."""
        slot = self.slot_of.get((row.prefix, row.key))
        if slot is None:
            slot = self._new_slot(row.prefix, row.key)
        self.values[slot] = value_json if value_json is not None else json.dumps(row.value)
        self.created[slot] = row.created_us
        self.updated[slot] = row.updated_us
        self.expires[slot] = _NO_EXPIRY if row.expires_us is None else row.expires_us
        self.ttl[slot] = np.nan if row.ttl_minutes is None else row.ttl_minutes
        for col in self.columns.values():
            col.set(slot, row.value)
        self._drop_vectors(slot)
        if vectors:
            self._add_vectors(slot, [v for _, v in vectors])
        if self.vec_dead >= _COMPACT_MIN and self.vec_dead >= _COMPACT_FRACTION * self.n_vec:
            self.compact()

    def _add_vectors(self, slot: int, vectors: list[np.ndarray]) -> None:
        start = self.n_vec
        end = start + len(vectors)
        self._grow_vecs(end)
        self.vecs[start:end] = np.stack(vectors)
        self.vec_slot[start:end] = slot
        self.vec_alive[start:end] = True
        self.n_vec = end
        self.vec_start[slot] = start
        self.vec_count[slot] = end - start

    def _drop_vectors(self, slot: int) -> None:
        count = int(self.vec_count[slot])
        if count:
            start = int(self.vec_start[slot])
            self.vec_alive[start : start + count] = False
            self.vec_dead += count
            self.vec_count[slot] = 0

    def delete(self, prefix: str, key: str) -> bool:
        slot = self.slot_of.pop((prefix, key), None)
        if slot is None:
            return False
        self.keys[slot] = None
        self.values[slot] = None
        self.alive[slot] = False
        nid = int(self.ns_id[slot])
        self.ns_live[nid] -= 1
        self.ns_slots[nid].discard(slot)
        self._ns_sorted.pop(nid, None)
        if self.ns_live[nid] == 0:
            del self.ns_live[nid]
            del self.ns_slots[nid]
        for col in self.columns.values():
            col.set(slot, None)
        self._drop_vectors(slot)
        self.dead += 1
        if self.dead >= _COMPACT_MIN and self.dead >= _COMPACT_FRACTION * self.n_slots:
            self.compact()
        return True

    def set_expiry(self, prefix: str, key: str, expires_us: int | None) -> None:
        slot = self.slot_of.get((prefix, key))
        if slot is not None:
            self.expires[slot] = _NO_EXPIRY if expires_us is None else expires_us

    # -- reads -----------------------------------------------------------------------

    def read_values(self, slots: Sequence[int]) -> None:
        """Fetch the texts of the ``UNREAD`` slots among ``slots`` (one batch)."""
        want = [s for s in slots if self.values[s] == UNREAD]
        if want and self.value_reader is not None:
            self.value_reader(self, want)

    def row(self, slot: int) -> Row | None:
        """The item in ``slot`` with its value parsed afresh (callers may keep it)."""
        key, text = self.keys[slot], self.values[slot]
        if text == UNREAD:
            self.read_values([slot])
            text = self.values[slot]
        if key is None or not text:
            return None
        expires = int(self.expires[slot])
        ttl = float(self.ttl[slot])
        return Row(
            self.ns_names[int(self.ns_id[slot])],
            key,
            json.loads(text),
            int(self.created[slot]),
            int(self.updated[slot]),
            None if expires == _NO_EXPIRY else expires,
            None if ttl != ttl else ttl,
        )

    def get(self, prefix: str, key: str) -> Row | None:
        slot = self.slot_of.get((prefix, key))
        return None if slot is None else self.row(slot)

    def prefixes(self) -> list[str]:
        """The namespace text of every slot (dead slots included)."""
        names = self.ns_names
        return [names[i] for i in self.ns_id[: self.n_slots].tolist()]

    def ident(self, slot: int) -> tuple[str, str]:
        """(namespace text, key) of a live slot."""
        return self.ns_names[int(self.ns_id[slot])], self.keys[slot] or ""

    def has_vectors(self, prefix: str, key: str) -> bool:
        slot = self.slot_of.get((prefix, key))
        return slot is not None and bool(self.vec_count[slot])

    def column(self, path: tuple[str, ...]) -> Column:
        col = self.columns.get(path)
        if col is None:
            col = Column(path, len(self.alive))
            if self.value_reader is None or not self.value_reader.fill_column(self, col):
                self.read_values(range(self.n_slots))
                col.fill((s, json.loads(t)) for s, t in enumerate(self.values) if t is not None)
            self.columns[path] = col
        return col

    def namespaces(self, live_at: int | None = None) -> list[str]:
        """Namespaces (as stored text) holding at least one live item (unexpired at
        ``live_at``, when given)."""
        if live_at is None:
            return [self.ns_names[nid] for nid in self.ns_live]
        n = self.n_slots
        ok = self.alive[:n] & (self.expires[:n] > live_at)
        return [self.ns_names[nid] for nid in np.unique(self.ns_id[:n][ok]).tolist()]

    def select(
        self,
        prefix_text: str | None,
        leaves: list[Leaf],
        now_us: int | None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The selection as a mask over slots, plus its sorted slots when the namespace
        prefix picked few enough of them to work on directly (else ``None``)."""
        n = self.n_slots
        ids: list[int] | None = None
        if prefix_text is not None:
            dotted = prefix_text + "."
            ids = [
                nid
                for nid in self.ns_live
                if (name := self.ns_names[nid]) == prefix_text or name.startswith(dotted)
            ]
            if not ids:
                return np.zeros(n, dtype=bool), np.zeros(0, dtype=np.int64)
            if len(ids) == len(self.ns_live):
                ids = None
        if ids is not None and sum(self.ns_live[i] for i in ids) < _SLOTS_FRACTION * n:
            slots = self._filter_slots(self._namespace_slots(ids), leaves, now_us)
            mask = np.zeros(n, dtype=bool)
            mask[slots] = True
            return mask, slots
        mask = self.alive[:n].copy()
        if ids is not None:
            mask &= np.isin(self.ns_id[:n], np.asarray(ids, dtype=np.int32))
        for leaf in leaves:
            if not mask.any():
                break
            mask &= self.column(leaf.path).mask(leaf, n)
        if now_us is not None:
            mask &= self.expires[:n] > now_us
        return mask, None

    def _namespace_slots(self, ids: list[int]) -> np.ndarray:
        parts = []
        for nid in ids:
            arr = self._ns_sorted.get(nid)
            if arr is None:
                arr = np.fromiter(self.ns_slots[nid], dtype=np.int64, count=self.ns_live[nid])
                arr.sort()
                self._ns_sorted[nid] = arr
            parts.append(arr)
        return parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))

    def _filter_slots(
        self, slots: np.ndarray, leaves: list[Leaf], now_us: int | None
    ) -> np.ndarray:
        for leaf in leaves:
            if not len(slots):
                break
            slots = slots[self.column(leaf.path).mask_at(leaf, slots)]
        if now_us is not None and len(slots):
            slots = slots[self.expires[slots] > now_us]
        return slots

    def top_by_updated(
        self, mask: np.ndarray, limit: int, offset: int, slots: np.ndarray | None = None
    ) -> list[int]:
        """Slots in ``mask`` (or ``slots``, its sorted list), newest update first (ties:
        insertion order)."""
        if slots is None:
            slots = np.flatnonzero(mask)
        if not len(slots):
            return []
        order = np.argsort(-self.updated[slots], kind="stable")
        return [int(s) for s in slots[order[offset : offset + limit]]]

    def vector_search(
        self, query: np.ndarray, mask: np.ndarray, k: int, slots: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Exact top-``k`` slots by cosine (max over an item's vectors), within ``mask``
        (``slots``, when given, lists the mask's slots: only their rows are touched)."""
        if k <= 0 or self.n_vec == 0:
            return []
        nv = self.n_vec
        q = query.astype(np.float32, copy=False)
        if slots is not None:
            # Row order, as on the mask path, so ties rank the same way on both.
            rows = np.sort(self._rows_of_slots(slots))
            return self._scan(rows, q, k) if len(rows) else []
        if self.vec_dead == 0 and bool(mask[: self.n_slots].all()):
            # Every vector row is live and selected: score the matrix in place, no gathers.
            return self._scan(None, q, k)
        slots = self.vec_slot[:nv]
        rows_ok = self.vec_alive[:nv] & mask[np.clip(slots, 0, None)]
        idx = np.flatnonzero(rows_ok)
        return self._scan(idx, q, k) if len(idx) else []

    def _scan(self, idx: np.ndarray | None, q: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top-``k`` items among vector rows ``idx`` (sorted; None: every row, all live),
        by the sign-code pass and an exact re-rank or by float32 over every row, whichever
        measures cheaper (``_scan``)."""
        return _scan.top_k(self, idx, q, k)

    def _score_rows(self, rows: np.ndarray, q: np.ndarray) -> np.ndarray:
        return _matvec(self.vecs[rows], q)

    def _top_items(
        self, idx: np.ndarray | None, scores: np.ndarray, k: int
    ) -> list[tuple[int, float]]:
        # ``idx`` maps score positions to vector rows (None: position == row). Several
        # rows can belong to one item; widen until k distinct items are found.
        total = len(scores)
        want = k
        while True:
            m = min(want, total)
            if m < total:
                # Everything tied with the m-th best comes along, so ties keep row order.
                kth = scores[np.argpartition(scores, total - m)[total - m :]].min()
                part = np.flatnonzero(scores >= kth)
            else:
                part = np.arange(m)
            part = part[np.argsort(-scores[part], kind="stable")]
            rows = part if idx is None else idx[part]
            out: list[tuple[int, float]] = []
            seen: set[int] = set()
            for slot, score in zip(
                self.vec_slot[rows].tolist(), scores[part].tolist(), strict=True
            ):
                if slot in seen:
                    continue
                seen.add(slot)
                out.append((slot, score))
                if len(out) == k:
                    return out
            if m == total:
                return out
            want *= 2

    def _rows_of_slots(self, slots: np.ndarray) -> np.ndarray:
        # An item's vector rows are contiguous: start and count per slot.
        counts = self.vec_count[slots]
        starts = self.vec_start[slots]
        has = counts > 0
        counts, starts = counts[has], starts[has]
        if not len(counts) or int(counts.max()) == 1:
            return starts
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(starts, counts) + offsets

    def score_slots(self, query: np.ndarray, slots: list[int]) -> dict[int, float]:
        """Best cosine per slot for a given set of slots (used to re-rank ANN candidates)."""
        out: dict[int, float] = {}
        q = query.astype(np.float32, copy=False)
        for slot in slots:
            count = int(self.vec_count[slot])
            if count:
                start = int(self.vec_start[slot])
                out[slot] = float(np.max(_matvec(self.vecs[start : start + count], q)))
        return out

    def vector_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """Live vector rows and their row numbers (for building an ANN index)."""
        live = np.flatnonzero(self.vec_alive[: self.n_vec])
        return self.vecs[live], live
