"""The in-process mirror the store reads from: items, filter columns and a vector matrix.

DuckDB is the durable copy; this mirror answers every read. It is loaded from the tables
on first use and updated after each committed write of this process (DuckDB admits one
writer process per file, so nothing else can change the tables underneath it).

Search is exact: namespace and filters are applied first as boolean masks over slots,
then cosine similarity is computed over only the surviving vectors. That is why filtered
queries and queries after deletes return exactly the true top-k.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from langmem_extract.store._filters import Column, Leaf

# Below this fraction of live rows selected, gathering the rows beats a full matmul.
_GATHER_FRACTION = 0.3
# Compact when at least this fraction of slots (and this many) are dead.
_COMPACT_FRACTION = 0.3
_COMPACT_MIN = 1024
# A namespace selection under this fraction of all slots is worked on as a slot list
# (cost grows with the namespace), not as masks over every slot (cost grows with N).
_SLOTS_FRACTION = 0.125


# From this many rows a matrix-vector product may go to BLAS (``matrix @ q``, threaded);
# below it numpy's own single-threaded einsum loop always wins (no thread hand-off).
_BLAS_MIN_ROWS = 16_384
# One call in this many tries the kernel that is currently not preferred.
_PROBE_EVERY = 16


class _KernelChooser:
    """Picks einsum or BLAS for large products by their measured time per row.

    BLAS spreads a product over every core, which wins on a quiet machine and loses
    badly when other processes hold the cores (thread hand-offs dominate); einsum stays
    on one core. Which is faster depends on the moment, so both are timed as they run
    (a moving average per row) and the faster one is used, re-trying the other now and
    then. Results are the same either way (float32 dot products).
    """

    def __init__(self) -> None:
        self.cost = {"einsum": float("nan"), "blas": float("nan")}
        self.calls = 0

    def pick(self) -> str:
        self.calls += 1
        e, b = self.cost["einsum"], self.cost["blas"]
        if e != e:  # NaN: not measured yet
            return "einsum"
        if b != b:
            return "blas"
        best, other = ("einsum", "blas") if e <= b else ("blas", "einsum")
        return other if self.calls % _PROBE_EVERY == 0 else best

    def record(self, kernel: str, seconds: float, rows: int) -> None:
        per_row = seconds / max(rows, 1)
        old = self.cost[kernel]
        self.cost[kernel] = per_row if old != old else 0.7 * old + 0.3 * per_row


_CHOOSER = _KernelChooser()


def _matvec(matrix: np.ndarray, q: np.ndarray) -> np.ndarray:
    # Small products: einsum (numpy's SIMD loop, one core). Measured here under load,
    # 2,000 x 384 took 13 ms with BLAS and 0.23 ms with einsum.
    rows = matrix.shape[0]
    if rows < _BLAS_MIN_ROWS or not matrix.flags.c_contiguous:
        return np.einsum("ij,j->i", matrix, q)
    kernel = _CHOOSER.pick()
    started = time.perf_counter()
    out = np.einsum("ij,j->i", matrix, q) if kernel == "einsum" else matrix @ q
    _CHOOSER.record(kernel, time.perf_counter() - started, rows)
    return out


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise rows; zero rows stay zero (their cosine is 0 with everything)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


@dataclass(slots=True)
class Row:
    """One stored item as the mirror keeps it. Times are epoch microseconds (UTC)."""

    prefix: str
    key: str
    value: dict[str, Any]
    created_us: int
    updated_us: int
    expires_us: int | None
    ttl_minutes: float | None


class StoreCache:
    """Items by slot, a namespace id per slot, lazily built filter columns, and vectors."""

    def __init__(self, dims: int | None) -> None:
        self.dims = dims
        self._reset()

    def _reset(self) -> None:
        self.rows: list[Row | None] = []
        self.slot_of: dict[tuple[str, str], int] = {}
        cap = 64
        self.alive = np.zeros(cap, dtype=bool)
        self.ns_id = np.full(cap, -1, dtype=np.int32)
        self.updated = np.zeros(cap, dtype=np.int64)
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
        # Vectors: one row per (item, field path); several rows may belong to one slot.
        vcap = 64 if self.dims else 0
        self.vecs = np.zeros((vcap, self.dims or 0), dtype=np.float32)
        self.vec_slot = np.full(vcap, -1, dtype=np.int32)
        self.vec_alive = np.zeros(vcap, dtype=bool)
        self.n_vec = 0
        self.vec_rows_of: dict[int, list[int]] = {}
        self.vec_fields: dict[int, list[str]] = {}
        self.vec_dead = 0

    # -- sizes -----------------------------------------------------------------------

    @property
    def n_slots(self) -> int:
        return len(self.rows)

    def __len__(self) -> int:
        return len(self.slot_of)

    def _grow_slots(self, need: int) -> None:
        cap = len(self.alive)
        if need <= cap:
            return
        new = max(need, cap * 2)
        self.alive = np.concatenate([self.alive, np.zeros(new - cap, dtype=bool)])
        self.ns_id = np.concatenate([self.ns_id, np.full(new - cap, -1, dtype=np.int32)])
        self.updated = np.concatenate([self.updated, np.zeros(new - cap, dtype=np.int64)])
        self.vec_start = np.concatenate([self.vec_start, np.zeros(new - cap, dtype=np.int64)])
        self.vec_count = np.concatenate([self.vec_count, np.zeros(new - cap, dtype=np.int64)])
        for col in self.columns.values():
            col.grow(new)

    def _grow_vecs(self, need: int) -> None:
        cap = len(self.vec_slot)
        if need <= cap:
            return
        new = max(need, cap * 2, 64)
        vecs = np.zeros((new, self.dims or 0), dtype=np.float32)
        vecs[: self.n_vec] = self.vecs[: self.n_vec]
        self.vecs = vecs
        self.vec_slot = np.concatenate([self.vec_slot, np.full(new - cap, -1, dtype=np.int32)])
        self.vec_alive = np.concatenate([self.vec_alive, np.zeros(new - cap, dtype=bool)])

    def reserve(self, slots: int, vector_rows: int) -> None:
        """Size the arrays for a known load up front (no doubling copies on the way)."""
        self._grow_slots(slots)
        if self.dims:
            self._grow_vecs(vector_rows)

    # -- writes ----------------------------------------------------------------------

    def _namespace_id(self, prefix: str) -> int:
        nid = self.ns_ids.get(prefix)
        if nid is None:
            nid = len(self.ns_names)
            self.ns_ids[prefix] = nid
            self.ns_names.append(prefix)
        return nid

    def upsert(
        self,
        row: Row,
        vectors: list[tuple[str, np.ndarray]] | None,
    ) -> None:
        """Insert or replace an item; ``vectors`` (normalised) replace the old ones."""
        ident = (row.prefix, row.key)
        slot = self.slot_of.get(ident)
        if slot is None:
            slot = self.n_slots
            self._grow_slots(slot + 1)
            self.rows.append(row)
            self.slot_of[ident] = slot
            nid = self._namespace_id(row.prefix)
            self.ns_id[slot] = nid
            self.ns_live[nid] = self.ns_live.get(nid, 0) + 1
            self.ns_slots.setdefault(nid, set()).add(slot)
            self._ns_sorted.pop(nid, None)
            self.alive[slot] = True
        else:
            self.rows[slot] = row
        self.updated[slot] = row.updated_us
        for col in self.columns.values():
            col.set(slot, row.value)
        self._drop_vectors(slot)
        if vectors:
            self._add_vectors(slot, vectors)
        if self.vec_dead >= _COMPACT_MIN and self.vec_dead >= _COMPACT_FRACTION * self.n_vec:
            self.compact()

    def _add_vectors(self, slot: int, vectors: list[tuple[str, np.ndarray]]) -> None:
        start = self.n_vec
        self._grow_vecs(start + len(vectors))
        for i, (_, vec) in enumerate(vectors):
            self.vecs[start + i] = vec
        end = start + len(vectors)
        self.vec_slot[start:end] = slot
        self.vec_alive[start:end] = True
        self.n_vec = end
        self.vec_rows_of[slot] = list(range(start, end))
        self.vec_start[slot] = start
        self.vec_count[slot] = end - start
        self.vec_fields[slot] = [f for f, _ in vectors]

    def _drop_vectors(self, slot: int) -> None:
        self.vec_fields.pop(slot, None)
        old = self.vec_rows_of.pop(slot, None)
        self.vec_count[slot] = 0
        if old:
            self.vec_alive[old] = False
            self.vec_dead += len(old)

    def delete(self, prefix: str, key: str) -> bool:
        slot = self.slot_of.pop((prefix, key), None)
        if slot is None:
            return False
        self.rows[slot] = None
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
        self._maybe_compact()
        return True

    def set_expiry(self, prefix: str, key: str, expires_us: int | None) -> None:
        slot = self.slot_of.get((prefix, key))
        if slot is not None and (row := self.rows[slot]) is not None:
            row.expires_us = expires_us

    def _maybe_compact(self) -> None:
        if self.dead >= _COMPACT_MIN and self.dead >= _COMPACT_FRACTION * self.n_slots:
            self.compact()

    def compact(self) -> None:
        """Rebuild the arrays without dead slots and dead vector rows."""
        live = [(row, self._vectors_of(slot)) for slot, row in enumerate(self.rows) if row]
        paths = list(self.columns)
        self._reset()
        self.bulk_load(live)
        for path in paths:
            self.column(path)

    def _vectors_of(self, slot: int) -> list[tuple[str, np.ndarray]]:
        return [
            (f, self.vecs[r].copy())
            for f, r in zip(
                self.vec_fields.get(slot, []), self.vec_rows_of.get(slot, []), strict=True
            )
        ]

    def bulk_load(self, items: Iterable[tuple[Row, list[tuple[str, np.ndarray]]]]) -> None:
        for row, vectors in items:
            self.upsert(row, vectors)

    # -- reads -----------------------------------------------------------------------

    def get(self, prefix: str, key: str) -> Row | None:
        slot = self.slot_of.get((prefix, key))
        return None if slot is None else self.rows[slot]

    def has_vectors(self, prefix: str, key: str) -> bool:
        slot = self.slot_of.get((prefix, key))
        return slot is not None and slot in self.vec_rows_of

    def column(self, path: tuple[str, ...]) -> Column:
        col = self.columns.get(path)
        if col is None:
            col = Column(path, len(self.alive))
            col.fill((slot, row.value) for slot, row in enumerate(self.rows) if row is not None)
            self.columns[path] = col
        return col

    def namespaces(self) -> list[str]:
        """Namespaces (as stored text) holding at least one live item."""
        return [self.ns_names[nid] for nid in self.ns_live]

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
            for slot in np.flatnonzero(mask):
                if self._expired(int(slot), now_us):
                    mask[slot] = False
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
        if now_us is not None:
            keep = [not self._expired(int(s), now_us) for s in slots]
            slots = slots[np.asarray(keep, dtype=bool)] if len(slots) else slots
        return slots

    def _expired(self, slot: int, now_us: int) -> bool:
        row = self.rows[slot]
        return row is not None and row.expires_us is not None and row.expires_us <= now_us

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
            if not len(rows):
                return []
            return self._top_items(rows, _matvec(self.vecs[rows], q), k)
        if self.vec_dead == 0 and bool(mask[: self.n_slots].all()):
            # Every vector row is live and selected: score the matrix in place, no gathers.
            return self._top_items(None, _matvec(self.vecs[:nv], q), k)
        slots = self.vec_slot[:nv]
        rows_ok = self.vec_alive[:nv] & mask[np.clip(slots, 0, None)]
        idx = np.flatnonzero(rows_ok)
        if not len(idx):
            return []
        if len(idx) >= _GATHER_FRACTION * nv:
            scores = _matvec(self.vecs[:nv], q)[idx]
        else:
            scores = _matvec(self.vecs[idx], q)
        return self._top_items(idx, scores, k)

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
            rows = self.vec_rows_of.get(slot)
            if rows:
                out[slot] = float(np.max(_matvec(self.vecs[rows], q)))
        return out

    def vector_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """Live vector rows and their slots (for building an ANN index)."""
        live = np.flatnonzero(self.vec_alive[: self.n_vec])
        return self.vecs[live], live

    def iter_rows(self) -> Iterable[tuple[int, Row]]:
        for slot, row in enumerate(self.rows):
            if row is not None:
                yield slot, row


def group_vectors(
    prefixes: Iterable[str],
    keys: Iterable[str],
    fields: Iterable[str],
    vectors: Iterable[np.ndarray],
    dims: int,
) -> Mapping[tuple[str, str], list[tuple[str, np.ndarray]]]:
    """Vectors loaded from the table, L2-normalised and grouped per item; a wrong length
    is an error. Normalising them as one matrix is what keeps reopening a large store
    cheap (one pass, instead of a small stack and norm per item)."""
    idents: list[tuple[str, str, str]] = []
    arrays: list[np.ndarray] = []
    for prefix, key, field, vec in zip(prefixes, keys, fields, vectors, strict=True):
        arr = np.asarray(vec, dtype=np.float32)
        if arr.shape != (dims,):
            raise ValueError(f"stored vector has shape {arr.shape}, the index expects ({dims},)")
        idents.append((prefix, key, field))
        arrays.append(arr)
    out: dict[tuple[str, str], list[tuple[str, np.ndarray]]] = {}
    if not arrays:
        return out
    matrix = normalize_rows(np.stack(arrays))
    for i, (prefix, key, field) in enumerate(idents):
        out.setdefault((prefix, key), []).append((field, matrix[i]))
    return out
