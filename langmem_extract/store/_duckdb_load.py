"""Loading a ``DuckDBStore``'s mirror from its tables, in bulk, and the vector snapshot.

Items come back as numpy columns (values as JSON text) and vectors as one flat float
array, never a Python object per row. Reading every vector back from DuckDB is still most
of a reopen (2.8 s of about 3.5 s for 100k 384-d vectors on this loaded machine), so a
file-backed store also keeps a snapshot of the normalised matrix beside the database:
``<file>.mirror-<format>-<file id>-<generation>-<digest>.npy``, memory-mapped on the next open.

The snapshot can never disagree with the tables unnoticed. Its name records the file's
random ``file_id`` (``store_meta``), the ``vectors_gen`` counter, which every write that
adds or removes vectors bumps inside its own transaction, and a digest of the vector
rows' (namespace, key) in stored order and of the items' order (the matrix is saved in
slot order, which follows the item table); a snapshot whose name does not match all three is
ignored and replaced. It is written with one atomic rename, only right after the tables
were read, so a crash at any point leaves either no snapshot or one that matches a
committed state (a later commit bumps the generation and so invalidates it).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import uuid
from itertools import repeat
from pathlib import Path

import duckdb
import numpy as np

from langmem_extract.errors import EmbeddingDimensionError
from langmem_extract.store import _duckdb_sql as sql
from langmem_extract.store._codes import SignCodes
from langmem_extract.store._vectors import StoreCache

logger = logging.getLogger(__name__)

_NO_EXPIRY = np.iinfo(np.int64).max
# Bumped whenever what a snapshot holds changes meaning.
_FORMAT = 2


def ensure_file_id(conn: duckdb.DuckDBPyConnection) -> None:
    """Give the database its random id once (``store_meta``)."""
    if conn.execute(sql.SELECT_META, ["file_id"]).fetchone() is None:
        conn.execute(sql.UPSERT_META, ["file_id", uuid.uuid4().hex])


def load_cache(conn: duckdb.DuckDBPyConnection, dims: int | None, path: str | None) -> StoreCache:
    """A mirror of the committed tables (callers hold the store's lock)."""
    cache = StoreCache(dims)
    items = conn.execute(sql.SELECT_ALL_ITEMS).fetchnumpy()
    times = {
        "created": np.asarray(items["created_us"], dtype=np.int64),
        "updated": np.asarray(items["updated_us"], dtype=np.int64),
        "expires": np.ma.filled(items["expires_us"], _NO_EXPIRY),
        "ttl": np.ma.filled(items["ttl_minutes"].astype(np.float64), np.nan),
    }
    cache.load(items["prefix"].tolist(), items["key"].tolist(), items["value"].tolist(), times)
    del items
    if dims:
        _load_vectors(conn, cache, dims, path)
    _drop_read_cache(conn)
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
    # The snapshot holds the matrix in slot order, ready to map; its digest pins both
    # the vector rows' order and the items' order that slot order came from.
    snap = _snapshot_name(conn, path, [prefixes, keys, cache.prefixes(), cache.keys])
    matrix = _read_snapshot(snap, len(slots), dims) if snap else None
    if matrix is None:
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
        if snap:
            _write_snapshot(snap, matrix)
    cache.load_vectors(matrix, slots)
    saved = read_codes(snap, len(slots), cache.codes.words)
    if saved is not None:
        cache.codes.adopt(saved)


def save_snapshot(conn: duckdb.DuckDBPyConnection, cache: StoreCache, path: str | None) -> bool:
    """Write, from the mirror, the snapshot the next open of ``path`` will look for, unless
    it exists; returns whether one was written. Called by a writable store when it closes
    after writes, so a file that was just written reopens from the snapshot instead of
    reading every vector back from the tables (callers hold the store's lock; every
    write of the mirror is committed then, so it holds what the tables hold).

    The matrix is laid out as a load would lay it out: vector rows in the order of their
    items in the item table, an item's rows in table order (its j-th row in the table is
    its j-th vector in the mirror: both keep insertion order). Anything that does not
    line up writes nothing; the next open then reads the tables as usual."""
    dims = cache.dims
    if not path or not dims or not cache.n_vec:
        return False
    items = conn.execute(sql.SELECT_ITEM_KEYS).fetchnumpy()
    item_prefixes, item_keys = items["prefix"].tolist(), items["key"].tolist()
    idents = conn.execute(sql.SELECT_VECTOR_KEYS).fetchnumpy()
    prefixes, keys = idents["prefix"].tolist(), idents["key"].tolist()
    del items, idents
    snap = _snapshot_name(conn, path, [prefixes, keys, item_prefixes, item_keys])
    if snap is None or snap.exists():
        return False
    idents = zip(item_prefixes, item_keys, strict=True)
    position = {ident: i for i, ident in enumerate(idents)}
    pairs = list(zip(prefixes, keys, strict=True))
    table_slot = np.fromiter(map(position.get, pairs, repeat(-1)), np.int64, count=len(pairs))
    mirror_slot = np.fromiter(map(cache.slot_of.get, pairs, repeat(-1)), np.int64, len(pairs))
    keep = table_slot >= 0
    if bool((mirror_slot[keep] < 0).any()):
        return False
    # Occurrence of each row among its item's rows, in table order.
    by_item = np.argsort(mirror_slot, kind="stable")
    grouped = mirror_slot[by_item]
    starts = np.r_[0, np.flatnonzero(np.diff(grouped)) + 1] if len(grouped) else grouped
    sizes = np.diff(np.r_[starts, len(grouped)])
    occurrence = np.empty(len(pairs), dtype=np.int64)
    occurrence[by_item] = np.arange(len(grouped)) - np.repeat(starts, sizes)
    counts = cache.vec_count[np.clip(mirror_slot, 0, None)]
    if bool((occurrence[keep] >= counts[keep]).any()):
        return False
    rows = cache.vec_start[np.clip(mirror_slot, 0, None)] + occurrence
    order = np.argsort(table_slot, kind="stable")
    order = order[table_slot[order] >= 0]
    _write_snapshot(snap, cache.vecs[rows[order]])
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


# -- the snapshot ------------------------------------------------------------------------


def _snapshot_name(
    conn: duckdb.DuckDBPyConnection, path: str | None, orders: list[list[str | None]]
) -> Path | None:
    """The snapshot's name for the current state: file id, vector generation, and a
    digest of ``orders`` (vector rows' namespaces and keys, then the items')."""
    if not path or not orders[0]:
        return None
    file_id = conn.execute(sql.SELECT_META, ["file_id"]).fetchone()
    if file_id is None:
        return None
    gen = conn.execute(sql.SELECT_META, [sql.VECTORS_GEN]).fetchone()
    digest = hashlib.blake2b(digest_size=12)
    for column in orders:
        try:
            text = "\x1f".join(column)  # type: ignore[arg-type]
        except TypeError:  # None for a deleted slot
            text = "\x1f".join(k or "" for k in column)
        digest.update(text.encode())
        digest.update(b"\x1d")
    name = f"{path}.mirror-{_FORMAT}-{file_id[0]}-{gen[0] if gen else 0}-{digest.hexdigest()}"
    return Path(name + ".npy")


def snapshots(path: str) -> list[Path]:
    """Every vector snapshot file of the database at ``path``."""
    db = Path(path)
    return sorted(db.parent.glob(f"{db.name}.mirror-*.npy"))


def snapshot_files(path: str) -> list[Path]:
    """Every snapshot file of the database at ``path``: matrices and their sign codes."""
    db = Path(path)
    return snapshots(path) + sorted(db.parent.glob(f"{db.name}.mirror-*.npy.codes"))


def _codes_path(snap: Path) -> Path:
    return snap.with_name(snap.name + ".codes")


def read_codes(snap: Path | None, rows: int, words: int) -> np.ndarray | None:
    """The sign codes saved with snapshot ``snap`` (word-major, see ``_codes``), mapped;
    ``None`` when missing or of another shape (they are then encoded on first use)."""
    if snap is None or not _codes_path(snap).exists():
        return None
    try:
        codes = np.load(_codes_path(snap), mmap_mode="r")
    except (OSError, ValueError):
        return None
    if codes.shape != (words, rows) or codes.dtype != np.uint64:
        return None
    return codes


def _read_snapshot(snap: Path, rows: int, dims: int) -> np.ndarray | None:
    if not snap.exists():
        return None
    try:
        matrix = np.load(snap, mmap_mode="r")
    except (OSError, ValueError) as exc:
        logger.warning("ignoring unreadable vector snapshot %s: %s", snap, exc)
        return None
    if matrix.shape != (rows, dims) or matrix.dtype != np.float32:
        return None
    return matrix


def _write_snapshot(snap: Path, matrix: np.ndarray) -> None:
    """Write the matrix and its sign codes (saved too, so that a first search after an
    open reads 48 bytes per vector, not the whole matrix); each through a flushed
    temporary file and a rename, the codes first (codes without their matrix are never
    read)."""
    codes = SignCodes(matrix.shape[1])
    codes.sync(matrix, len(matrix))
    parts = [(_codes_path(snap), codes.codes[:, : codes.n]), (snap, matrix)]
    tmps = [p.with_name(f".{p.name}.{os.getpid()}.tmp") for p, _ in parts]
    try:
        for tmp, (_, array) in zip(tmps, parts, strict=True):
            with open(tmp, "wb") as fh:
                np.save(fh, array)
                fh.flush()
                os.fsync(fh.fileno())
        for old in snapshot_files(str(snap)[: str(snap).rindex(".mirror-")]):
            if old not in (snap, _codes_path(snap)):
                with contextlib.suppress(OSError):
                    old.unlink()
        for tmp, (final, _) in zip(tmps, parts, strict=True):
            os.replace(tmp, final)
    except OSError as exc:
        logger.warning("could not write the vector snapshot %s: %s", snap, exc)
        for tmp in tmps:
            with contextlib.suppress(OSError):
                tmp.unlink()
