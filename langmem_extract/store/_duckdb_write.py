"""Writes of a ``DuckDBStore``: one transaction per batch, through staged numpy columns.

Values reach DuckDB as registered numpy relations, never per-row Python parameters (see
``_duckdb_sql`` for the measured reason). Callers hold the store's lock. The mirror is
brought in step only after the transaction commits.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import duckdb
import numpy as np

from langmem_extract.errors import StoreError
from langmem_extract.store import _duckdb_sql as sql
from langmem_extract.store._messages import MessageRow
from langmem_extract.store._planned import PlannedPut
from langmem_extract.store._vectors import Row, StoreCache

_STAGES = (sql.STAGE_ITEMS, sql.STAGE_KEYS, sql.STAGE_VECTORS, sql.STAGE_FLOATS)

#: Bytes a staged chunk may take: fixed-width unicode pads every string of a column to
#: the longest one (4 bytes a character), so one long value (or message) among many short
#: ones would otherwise multiply into gigabytes: one 1 MiB value in a batch of 500 took
#: 8 GB. Rows are staged in chunks under this bound, all in the batch's one transaction.
STAGE_BYTES = 32 * 1024 * 1024
MESSAGE_STAGE_BYTES = STAGE_BYTES


def stage_chunks(widths: Sequence[int], limit: int = STAGE_BYTES) -> Iterator[slice]:
    """Consecutive row slices whose padded size (rows x widest row x 4 bytes) stays under
    ``limit``; a row wider than ``limit`` gets a slice of its own. ``widths[i]`` is the
    longest string of row ``i``."""
    start, widest = 0, 0
    for i, width in enumerate(widths):
        wide = max(widest, width, 1)
        if i > start and (i - start + 1) * wide * 4 > limit:
            yield slice(start, i)
            start, wide = i, max(width, 1)
        widest = wide
    if start < len(widths):
        yield slice(start, len(widths))


def strings(values: list[str]) -> np.ndarray:
    # Fixed-width unicode, not object dtype: DuckDB scans it natively (see _duckdb_sql).
    return np.array(values, dtype=str) if values else np.array([], dtype="<U1")


def write_batch(
    conn: duckdb.DuckDBPyConnection,
    cache: StoreCache,
    puts: Mapping[tuple[str, str], PlannedPut],
    docs: np.ndarray,
    refresh: Mapping[tuple[str, str], int],
    now: int,
) -> None:
    """Apply ``puts`` (with their vectors ``docs``, in text order) and TTL refreshes."""
    deletes = [p for p in puts.values() if p.value is None]
    # Rows and vectors, in plan order (docs are in the same order as the texts).
    rows: list[Row] = []
    values: list[str] = []
    row_vecs: list[list[tuple[str, np.ndarray]]] = []
    j = 0
    for p in puts.values():
        vecs = []
        for field_name, _ in p.texts:
            vecs.append((field_name, docs[j]))
            j += 1
        if p.value is None:
            continue
        slot = cache.slot_of.get((p.prefix, p.key))
        created = now if slot is None else int(cache.created[slot])
        expires = None if p.ttl is None else now + int(p.ttl * 60_000_000)
        rows.append(Row(p.prefix, p.key, p.value, created, now, expires, p.ttl))
        values.append(p.value_json or "")
        row_vecs.append(vecs)
    refresh = {k: v for k, v in refresh.items() if k not in puts}
    conn.execute("BEGIN TRANSACTION")
    try:
        # Any commit changes what the mirror files hold: they name this generation.
        conn.execute(sql.BUMP_VECTORS_GEN, [sql.VECTORS_GEN, "1"])
        if puts:
            # Only items that have vectors now need a delete: the mirror knows which,
            # and skipping the scan keeps a write of new items O(batch).
            had = [(p.prefix, p.key) for p in puts.values() if cache.has_vectors(p.prefix, p.key)]
            for part in stage_chunks([len(k[0]) + len(k[1]) for k in had]):
                _stage_keys(conn, had[part])
                conn.execute(sql.DELETE_VECTORS_FROM_STAGE)
            gone = [(p.prefix, p.key) for p in deletes]
            for part in stage_chunks([len(k[0]) + len(k[1]) for k in gone]):
                _stage_keys(conn, gone[part])
                conn.execute(sql.DELETE_ITEMS_FROM_STAGE)
        for part in stage_chunks(
            [len(r.prefix) + len(r.key) + len(v) for r, v in zip(rows, values, strict=True)]
        ):
            _stage_items(conn, rows[part], values[part])
            conn.execute(sql.UPSERT_ITEMS_FROM_STAGE)
            conn.unregister(sql.STAGE_ITEMS)
        flat = [
            (r.prefix, r.key, f, v) for r, vs in zip(rows, row_vecs, strict=True) for f, v in vs
        ]
        for part in stage_chunks([len(f[0]) + len(f[1]) + len(f[2]) for f in flat]):
            _stage_vectors(conn, flat[part], cache.dims or 0)
            conn.execute(sql.INSERT_VECTORS_FROM_STAGE)
            conn.unregister(sql.STAGE_VECTORS)
            conn.unregister(sql.STAGE_FLOATS)
        if refresh:
            _stage_refresh(conn, refresh)
            conn.execute(sql.REFRESH_TTL_FROM_STAGE)
        conn.execute("COMMIT")
    except duckdb.Error as exc:
        with contextlib.suppress(duckdb.Error):
            conn.execute("ROLLBACK")
        raise StoreError(f"write failed and was rolled back: {exc}") from exc
    finally:
        for name in _STAGES:
            with contextlib.suppress(Exception):
                conn.unregister(name)
    # Committed: bring the mirror in step.
    for p in deletes:
        cache.delete(p.prefix, p.key)
    for row, vecs, text in zip(rows, row_vecs, values, strict=True):
        cache.upsert(row, vecs, text)
    for (prefix, key), expires in refresh.items():
        cache.set_expiry(prefix, key, expires)


def _stage_keys(conn: duckdb.DuckDBPyConnection, keys: list[tuple[str, str]]) -> None:
    with contextlib.suppress(Exception):
        conn.unregister(sql.STAGE_KEYS)
    conn.register(
        sql.STAGE_KEYS,
        {"prefix": strings([k[0] for k in keys]), "key": strings([k[1] for k in keys])},
    )


def _stage_items(conn: duckdb.DuckDBPyConnection, rows: list[Row], values: list[str]) -> None:
    conn.register(
        sql.STAGE_ITEMS,
        {
            "prefix": strings([r.prefix for r in rows]),
            "key": strings([r.key for r in rows]),
            "value": strings(values),
            "created_us": np.array([r.created_us for r in rows], dtype=np.int64),
            "updated_us": np.array([r.updated_us for r in rows], dtype=np.int64),
            "expires_us": np.array(
                [-1 if r.expires_us is None else r.expires_us for r in rows], dtype=np.int64
            ),
            "ttl_minutes": np.array(
                [np.nan if r.ttl_minutes is None else r.ttl_minutes for r in rows],
                dtype=np.float64,
            ),
        },
    )


def _stage_vectors(
    conn: duckdb.DuckDBPyConnection, flat: list[tuple[str, str, str, np.ndarray]], dims: int
) -> None:
    n = len(flat)
    conn.register(
        sql.STAGE_VECTORS,
        {
            "row": np.arange(n, dtype=np.int32),
            "prefix": strings([f[0] for f in flat]),
            "key": strings([f[1] for f in flat]),
            "field_name": strings([f[2] for f in flat]),
        },
    )
    conn.register(
        sql.STAGE_FLOATS,
        {
            "row": np.repeat(np.arange(n, dtype=np.int32), dims),
            "j": np.tile(np.arange(dims, dtype=np.int32), n),
            "x": np.stack([f[3] for f in flat]).astype(np.float32).reshape(-1),
        },
    )


def _stage_refresh(conn: duckdb.DuckDBPyConnection, refresh: Mapping[tuple[str, str], int]) -> None:
    with contextlib.suppress(Exception):
        conn.unregister(sql.STAGE_ITEMS)
    conn.register(
        sql.STAGE_ITEMS,
        {
            "prefix": strings([k[0] for k in refresh]),
            "key": strings([k[1] for k in refresh]),
            "expires_us": np.array(list(refresh.values()), dtype=np.int64),
        },
    )


# -- the message log -------------------------------------------------------------------


def insert_messages(
    conn: duckdb.DuckDBPyConnection, session_id: str, rows: Sequence[MessageRow]
) -> list[str]:
    """Insert the rows whose id is new in the session, in one transaction; returns
    the ids inserted. Staged, a 1,200-message append takes 40 ms here; as bound Python
    lists (``unnest(?::VARCHAR[])``), 650 ms."""
    added: list[str] = []
    conn.execute("BEGIN TRANSACTION")
    try:
        for chunk in _message_chunks(rows):
            conn.register(sql.STAGE_MESSAGES, _message_columns(chunk))
            try:
                got = conn.execute(sql.INSERT_MESSAGES_FROM_STAGE, [session_id]).fetchall()
            finally:
                conn.unregister(sql.STAGE_MESSAGES)
            added.extend(str(r[0]) for r in got)
        conn.execute("COMMIT")
    except duckdb.Error as exc:
        with contextlib.suppress(duckdb.Error):
            conn.execute("ROLLBACK")
        raise StoreError(f"could not append to message log {session_id!r}: {exc}") from exc
    return added


def _message_chunks(rows: Sequence[MessageRow]) -> Iterator[Sequence[MessageRow]]:
    widths = [max(len(r.payload), len(r.content), len(r.message_id)) for r in rows]
    for part in stage_chunks(widths, MESSAGE_STAGE_BYTES):
        yield rows[part]


def _message_columns(rows: Sequence[MessageRow]) -> dict[str, Any]:
    return {
        "message_id": strings([r.message_id for r in rows]),
        "seq": np.array([r.seq for r in rows], dtype=np.int64),
        "role": strings([r.role for r in rows]),
        "content": strings([r.content for r in rows]),
        "payload": strings([r.payload for r in rows]),
    }
