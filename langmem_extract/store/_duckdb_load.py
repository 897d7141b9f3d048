"""Loading a ``DuckDBStore``'s mirror: from the mirror files when they match, else from
the tables in bulk (then writing the files for the next open). The filter columns a
search builds are kept beside those files (``_column_files``).

A fresh process first looks for the mirror files of the current state (``_mirror_files``:
matrix, sign codes, and per-slot keys, namespaces, times and row ids), checked by the
file's id, the commit counter and both tables' row counts; then the open reads no table
row at all, and values come later, only for what reads return (``_duckdb_values``). That
took the open and first search of a 100k-memory file from 0.28 s of CPU to about 0.05 s
here (see docs/benchmarks/store_speed.md). Otherwise items come back as numpy columns
(without values) and vectors as one flat float array, never a Python object per row:
reading every vector back is most of such an open (2.8 s of about 3.5 s for 100k 384-d
vectors on this loaded machine).
"""

from __future__ import annotations

import logging
import uuid
from itertools import repeat

import duckdb
import numpy as np

from langmem_extract.errors import EmbeddingDimensionError
from langmem_extract.store import _column_files, _mirror_files
from langmem_extract.store import _duckdb_sql as sql
from langmem_extract.store._column_files import MirrorRef
from langmem_extract.store._duckdb_values import ValueReader
from langmem_extract.store._mirror_files import snapshot_files, snapshots
from langmem_extract.store._vectors import StoreCache

logger = logging.getLogger(__name__)

__all__ = ["ensure_file_id", "load_cache", "save_snapshot", "snapshot_files", "snapshots"]

_NO_EXPIRY = np.iinfo(np.int64).max


def ensure_file_id(conn: duckdb.DuckDBPyConnection) -> None:
    """Give the database its random id once (``store_meta``)."""
    if conn.execute(sql.SELECT_META, ["file_id"]).fetchone() is None:
        conn.execute(sql.UPSERT_META, ["file_id", uuid.uuid4().hex])


def load_cache(conn: duckdb.DuckDBPyConnection, dims: int | None, path: str | None) -> StoreCache:
    """A mirror of the committed tables (callers hold the store's lock)."""
    if path and dims:
        saved = _open_saved(conn, dims, path)
        if saved is not None:
            return saved
    cache = StoreCache(dims)
    items = conn.execute(sql.SELECT_ITEM_COLUMNS).fetchnumpy()
    times = {
        "created": np.asarray(items["created_us"], dtype=np.int64),
        "updated": np.asarray(items["updated_us"], dtype=np.int64),
        "expires": np.ma.filled(items["expires_us"], _NO_EXPIRY),
        "ttl": np.ma.filled(items["ttl_minutes"].astype(np.float64), np.nan),
        "rowid": np.asarray(items["row_id"], dtype=np.int64),
    }
    cache.load(items["prefix"].tolist(), items["key"].tolist(), None, times)
    cache.value_reader = ValueReader(conn)
    del items
    if dims:
        _load_vectors(conn, cache, dims, path)
        _save(conn, cache, path)
    _drop_read_cache(conn)
    return cache


def _state(conn: duckdb.DuckDBPyConnection) -> tuple[str, int] | None:
    file_id = conn.execute(sql.SELECT_META, ["file_id"]).fetchone()
    if file_id is None:
        return None
    gen = conn.execute(sql.SELECT_META, [sql.VECTORS_GEN]).fetchone()
    return str(file_id[0]), int(gen[0]) if gen else 0


def _open_saved(conn: duckdb.DuckDBPyConnection, dims: int, path: str) -> StoreCache | None:
    state = _state(conn)
    if state is None:
        return None
    counts = conn.execute(sql.COUNT_ITEMS_AND_VECTORS).fetchone()
    n_items, n_vecs = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    file_id, gen = state
    saved = _mirror_files.read(
        _mirror_files.base_name(path, file_id, gen),
        file_id=file_id, gen=gen, items=n_items, vectors=n_vecs, dims=dims,
    )  # fmt: skip
    if saved is None:
        return None
    cache = StoreCache(dims)
    cache.load_columns(saved.ns_names, saved.ns_id, saved.keys, None, saved.times)
    cache.load_vectors(saved.matrix, np.repeat(np.arange(n_items), saved.vec_count))
    if saved.codes is not None:
        cache.codes.adopt(saved.codes)
    reader = cache.value_reader = ValueReader(conn)
    snap = _mirror_files.base_name(path, file_id, gen)
    reader.mirror = MirrorRef(snap, file_id, gen, n_items, saved.keys_crc)
    return cache


def _load_vectors(
    conn: duckdb.DuckDBPyConnection, cache: StoreCache, dims: int, path: str | None
) -> None:
    # Both queries read store_vectors in its stored order (DuckDB keeps insertion order
    # for queries without ORDER BY) under the store's lock: row i of one is row i of the
    # other.
    idents = conn.execute(sql.SELECT_VECTOR_KEYS).fetchnumpy()
    prefixes, keys = idents["prefix"].tolist(), idents["key"].tolist()
    del idents
    if len(keys) == cache.n_slots and keys == cache.keys and prefixes == cache.prefixes():
        slots = np.arange(len(keys), dtype=np.int64)  # one vector per item, same order
    else:
        found = map(cache.slot_of.get, zip(prefixes, keys, strict=True), repeat(-1))
        slots = np.fromiter(found, dtype=np.int64, count=len(keys))
    order: np.ndarray | None = None
    if not (len(slots) and bool((np.diff(slots) >= 0).all()) and slots[0] >= 0):
        # Rows out of item order, or of items that are gone: gathered (a copy).
        order = np.argsort(slots, kind="stable")
        order = order[slots[order] >= 0]
        slots = slots[order]
    flat = conn.execute(sql.SELECT_VECTOR_FLOATS).fetchnumpy()["x"]
    if len(flat) != len(keys) * dims:
        raise EmbeddingDimensionError(
            f"{path or ':memory:'} holds {len(flat)} floats in {len(keys)} vectors; "
            f"index dims is {dims}"
        )
    matrix = np.asarray(flat, dtype=np.float32).reshape(len(keys), dims)
    del flat
    if order is not None:
        matrix = matrix[order]
    # Normalised in place, kept as fetched: copying into a fresh 150 MB buffer cost
    # 1.7 s here (first-touch page faults on a loaded machine).
    norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))
    norms[norms == 0] = 1.0
    matrix /= norms[:, None]
    cache.load_vectors(matrix, slots)


def save_snapshot(conn: duckdb.DuckDBPyConnection, cache: StoreCache, path: str | None) -> bool:
    """Write, from the mirror, the mirror files the next open of ``path`` will look for,
    unless they exist; returns whether they were written. Called by a writable store when
    it closes after writes (callers hold the store's lock; every write of the mirror is
    committed then, so it holds what the tables hold). A checkpoint first, so the row ids
    recorded are those the file keeps (a checkpoint may move rows when it drops deleted
    ones; a moved row is still found, by key, only slower)."""
    if not path or not cache.dims or not cache.n_vec:
        return False
    state = _state(conn)
    if state is None or _mirror_files.base_name(path, *state).exists():
        return False
    try:
        conn.execute(sql.CHECKPOINT)
    except duckdb.Error as exc:  # another transaction on a caller's connection
        logger.debug("no checkpoint before the mirror files: %s", exc)
    rows = conn.execute(sql.SELECT_ITEM_ROWIDS).fetchnumpy()
    idents = zip(rows["prefix"].tolist(), rows["key"].tolist(), strict=True)
    slots = np.fromiter(map(cache.slot_of.get, idents, repeat(-1)), np.int64, len(rows["key"]))
    cache.rowid[: cache.n_slots] = -1
    known = slots >= 0
    cache.rowid[slots[known]] = np.asarray(rows["row_id"], dtype=np.int64)[known]
    return _save(conn, cache, path)


def _save(conn: duckdb.DuckDBPyConnection, cache: StoreCache, path: str | None) -> bool:
    """Write the mirror files of ``cache`` (which equals the committed tables)."""
    state = _state(conn) if path else None
    if state is None or not path or not cache.dims or not cache.n_vec:
        return False
    file_id, gen = state
    n = cache.n_slots
    live = np.flatnonzero(cache.alive[:n])
    rows = cache._rows_of_slots(live)  # an item's rows together, items in slot order
    if len(rows) == cache.n_vec and bool((rows == np.arange(len(rows))).all()):
        matrix = cache.vecs[: cache.n_vec]
    else:
        matrix = cache.vecs[rows]
    times = {
        name: getattr(cache, name)[live]
        for name in ("created", "updated", "expires", "ttl", "rowid")
    }
    keys = [cache.keys[s] or "" for s in live.tolist()]
    snap = _mirror_files.base_name(path, file_id, gen)
    if not _mirror_files.write(
        snap,
        file_id=file_id,
        gen=gen,
        keys=keys,
        ns_names=list(cache.ns_names),
        ns_id=cache.ns_id[live],
        times=times,
        vec_count=cache.vec_count[live],
        matrix=np.asarray(matrix),
    ):
        return False
    ref = MirrorRef(snap, file_id, gen, len(keys), _mirror_files.keys_crc(keys))
    for col in cache.columns.values():  # the columns this process's searches built
        _column_files.write(ref, col, col.codes[live])
    if isinstance(cache.value_reader, ValueReader) and len(live) == n:
        cache.value_reader.mirror = ref  # slots are the files' items, in order
    return True


def _drop_read_cache(conn: duckdb.DuckDBPyConnection) -> None:
    """Lower the buffer pool's limit for a moment so DuckDB drops the blocks it cached
    while reading (about 140 MB at 100k vectors), then restore the setting."""
    limit = conn.execute(sql.SELECT_SETTING, ["memory_limit"]).fetchone()
    if limit is None:
        return
    try:
        conn.execute(sql.SET_MEMORY_LIMIT, [sql.EVICT_MEMORY_LIMIT])
    except duckdb.Error as exc:
        logger.debug("could not shrink DuckDB's buffer pool: %s", exc)
    finally:
        conn.execute(sql.SET_MEMORY_LIMIT, [limit[0]])
