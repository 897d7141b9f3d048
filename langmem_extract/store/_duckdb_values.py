"""Reading item values from DuckDB for a mirror opened without them (``_mirror_files``).

A fresh process that opened from the mirror files holds no value (``UNREAD``). The first
reads fetch just the values they return, by ``rowid``, each read (a batch's gets
together) in one query joining the bound list of rowids (``SELECT_VALUES_AT_ROWIDS``:
a key lookup cost 7-20 ms here and a 10-key ``IN`` scanned the key column). Each fetched
row is checked
against the slot's namespace and key: rowids move when a checkpoint vacuums deleted rows,
and then the bulk read below serves. Once reads have asked for ``POINT_ROWS`` values (a
long-lived store, a filtered search, a listing), every value is read in one query
(55-200 ms per 100k small values here) and later reads need DuckDB no more. A filter
on a top-level key builds its column from DuckDB's JSON reader, without parsing values,
or reads it from its file beside the mirror files (``_column_files``), and writes that
file when the mirror still equals the state the mirror files hold. Callers hold the
store's lock.
"""

from __future__ import annotations

import json

import duckdb

from langmem_extract.store import _column_files
from langmem_extract.store import _duckdb_sql as sql
from langmem_extract.store._column_files import MirrorRef
from langmem_extract.store._filters import Column
from langmem_extract.store._vectors import UNREAD, StoreCache

#: Values fetched by rowid before the next read loads them all. A fresh ``recall`` reads
#: its 20 dense candidates, then at most 60 lexical ones: two point reads, where reading
#: every value cost more at 100k (docs/benchmarks/cold_start.md); a long-lived store
#: pays for all of them once.
POINT_ROWS = 128


class ValueReader:
    """``StoreCache.value_reader`` for a mirror loaded without values."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        self.point_rows = 0
        self.point_reads = 0
        self.bulk_reads = 0
        #: The mirror files the cache's slots are in the order of, while it holds their
        #: state (set by ``_duckdb_load``).
        self.mirror: MirrorRef | None = None

    def __call__(self, cache: StoreCache, slots: list[int]) -> None:
        if self.point_rows + len(slots) > POINT_ROWS:
            self.read_all(cache)
            return
        self.point_rows += len(slots)
        self.point_reads += 1
        rowids = cache.rowid[slots].tolist()
        if min(rowids) < 0:
            self.read_all(cache)
            return
        # The list is bound as one text parameter: DuckDB (1.5) tries ``import pandas`` twice
        # for each element of a bound Python list, a search of sys.path each time when
        # pandas is not installed (226 searches, about 27 ms of CPU, for a fresh recall's
        # three reads of 110 rows).
        rows = self.conn.execute(sql.SELECT_VALUES_AT_ROWIDS, [json.dumps(rowids)]).fetchall()
        found = {row[0]: row[1:] for row in rows}
        missed = False
        for slot, rowid in zip(slots, rowids, strict=True):
            got = found.get(rowid)
            if got is not None and got[:2] == cache.ident(slot):
                cache.values[slot] = got[2]
            else:
                missed = True
        if missed:
            self.read_all(cache)

    def fill_column(self, cache: StoreCache, col: Column) -> bool:
        """Build a one-key filter column from DuckDB's JSON reader: each item's value
        at the key as JSON text, each distinct text parsed once (10k values parsed in
        Python took 0.3-0.6 s of CPU here). Returns ``False`` for longer paths."""
        if len(col.path) != 1 or not col.path[0]:
            return False
        ref = self._current_mirror(cache)
        if ref is not None and _column_files.read(ref, col):
            return True
        pointer = "/" + col.path[0].replace("~", "~0").replace("/", "~1")
        cols = self.conn.execute(sql.SELECT_JSON_AT, [pointer]).fetchnumpy()
        slot_of, parsed = cache.slot_of, {}
        rows = []
        idents = zip(cols["prefix"].tolist(), cols["key"].tolist(), strict=True)
        for ident, text in zip(idents, cols["part"].tolist(), strict=True):
            slot = slot_of.get(ident)
            if slot is None:
                continue
            if text is None:
                rows.append((slot, {}))
                continue
            value = parsed.get(text)
            if value is None:
                value = parsed[text] = {col.path[0]: json.loads(text)}
            rows.append((slot, value))
        col.fill(rows)
        if ref is not None:
            _column_files.write(ref, col, col.codes[: ref.items])
        return True

    def _current_mirror(self, cache: StoreCache) -> MirrorRef | None:
        """``mirror`` while the cache still holds exactly that state: every committed
        write bumps the generation, and a write adds or kills slots or changes values."""
        ref = self.mirror
        if ref is None or cache.n_slots != ref.items or cache.dead:
            return None
        gen = self.conn.execute(sql.SELECT_META, [sql.VECTORS_GEN]).fetchone()
        if (int(gen[0]) if gen else 0) != ref.gen:
            self.mirror = None
            return None
        return ref

    def read_all(self, cache: StoreCache) -> None:
        """Every value still ``UNREAD``, in one query, matched by namespace and key."""
        self.bulk_reads += 1
        cols = self.conn.execute(sql.SELECT_ALL_VALUES).fetchnumpy()
        slot_of, values = cache.slot_of, cache.values
        for ident, text in zip(
            zip(cols["prefix"].tolist(), cols["key"].tolist(), strict=True),
            cols["value"].tolist(),
            strict=True,
        ):
            slot = slot_of.get(ident)
            if slot is not None and values[slot] == UNREAD:
                values[slot] = text
