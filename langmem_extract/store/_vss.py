"""The DuckDB ``vss`` extension: loading it from the wheel, and the optional HNSW index.

vss 1.5.5 has known problems (see docs/store.md); this module is where they are handled:

1. WHERE filters run after the HNSW scan -> the index is only asked unfiltered questions,
   over-fetching ``k * overfetch`` rows that are then filtered and re-ranked exactly; too
   few survivors fall back to the exact path.
2. Deleted rows keep using index results -> the index is a snapshot: hits whose item
   changed or vanished since the build are dropped, items written since the build are
   scored exactly, and past ``stale_fraction`` changed rows it is dropped and rebuilt.
3. Rows replayed from the WAL after a crash are not in the index -> a ``.wal`` file seen
   on open drops the index; it is rebuilt before its next use.
4. Persistence needs ``hnsw_enable_experimental_persistence`` -> set on every load.
5. Builds are slow -> the index is opt-in, built lazily, only above ``min_rows``.
6. The planner uses the index only for ``ORDER BY array_cosine_distance(..) LIMIT k`` ->
   that exact query shape is the only one used (``HNSW_SEARCH``).
"""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from langmem_extract.errors import ExtensionVersionError, StoreError

HNSW_TABLE = "store_hnsw"
HNSW_INDEX = "store_hnsw_idx"


def _dist_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def extension_path() -> Path:
    """Path of the vss extension inside the ``duckdb-extension-vss`` wheel.

    Raises ``ExtensionVersionError`` when the wheel's version differs from duckdb's: a
    DuckDB extension only loads into the exact build it was compiled for.
    """
    duckdb_version = duckdb.__version__
    vss_version = _dist_version("duckdb-extension-vss")
    if vss_version is None:
        raise ExtensionVersionError(
            "duckdb-extension-vss is not installed; install duckdb-extension-vss=="
            f"{duckdb_version} to match duckdb {duckdb_version}"
        )
    check_versions(duckdb_version, vss_version)
    import duckdb_extension_vss

    base = Path(duckdb_extension_vss.__file__).parent / "extensions" / f"v{duckdb_version}"
    path = base / "vss.duckdb_extension"
    if not path.is_file():
        raise ExtensionVersionError(
            f"vss extension for duckdb {duckdb_version} not found at {path}"
        )
    return path


def check_versions(duckdb_version: str, vss_version: str) -> None:
    if duckdb_version != vss_version:
        raise ExtensionVersionError(
            f"duckdb {duckdb_version} cannot load duckdb-extension-vss {vss_version}; "
            f"install duckdb-extension-vss=={duckdb_version} (both pins move together)"
        )


LOAD_EXTENSION = "LOAD '{path}'"  # a path, not a value: LOAD takes no parameters
ENABLE_PERSISTENCE = "SET hnsw_enable_experimental_persistence = true"
SET_EF_SEARCH = "SET hnsw_ef_search = {ef:d}"


def load_vss(conn: duckdb.DuckDBPyConnection) -> None:
    """Load vss from the wheel by path (never ``INSTALL``) and enable HNSW persistence."""
    path = str(extension_path())
    if "'" in path:
        raise StoreError(f"refusing to load an extension from a path with a quote: {path!r}")
    conn.execute(LOAD_EXTENSION.format(path=path))
    conn.execute(ENABLE_PERSISTENCE)


def wal_path(db_path: str | os.PathLike[str] | None) -> Path | None:
    if db_path is None or str(db_path) == ":memory:":
        return None
    return Path(f"{db_path}.wal")


# -- the HNSW side table -------------------------------------------------------------

DROP_HNSW_TABLE = f"DROP TABLE IF EXISTS {HNSW_TABLE}"
CREATE_HNSW_TABLE = "CREATE TABLE {table} (vid BIGINT, prefix TEXT, key TEXT, e FLOAT[{dims:d}])"
# Vectors go in flat (one float per row) and are re-assembled in SQL: the Python client
# converts nested lists to FLOAT[d] far too slowly for bulk loads.
FILL_HNSW_TABLE = """
INSERT INTO {table}
SELECT r.vid, r.prefix, r.key, v.e FROM lm_hnsw_rows r
JOIN (
    SELECT (i // {dims:d}) AS pos, list(x ORDER BY i)::FLOAT[{dims:d}] AS e
    FROM (SELECT row_number() OVER () - 1 AS i, x FROM lm_hnsw_flat)
    GROUP BY pos
) v ON v.pos = r.pos
"""
CREATE_HNSW_INDEX = (
    f"CREATE INDEX {HNSW_INDEX} ON {HNSW_TABLE} USING HNSW (e) WITH (metric = 'cosine')"
)
HNSW_SEARCH = (
    f"SELECT prefix, key FROM {HNSW_TABLE} "
    "ORDER BY array_cosine_distance(e, ?::FLOAT[{dims:d}]) LIMIT ?"
)
HNSW_COUNT = f"SELECT count(*) FROM {HNSW_TABLE}"
HNSW_INDEX_EXISTS = "SELECT count(*) FROM duckdb_indexes() WHERE index_name = ?"


def hnsw_exists(conn: duckdb.DuckDBPyConnection) -> bool:
    row = conn.execute(HNSW_INDEX_EXISTS, [HNSW_INDEX]).fetchone()
    return bool(row and row[0])


def drop_hnsw(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(DROP_HNSW_TABLE)


def build_hnsw(
    conn: duckdb.DuckDBPyConnection,
    vectors: np.ndarray,
    prefixes: list[str],
    keys: list[str],
    dims: int,
) -> None:
    """Drop and rebuild the side table and its HNSW index from the given vectors."""
    n = len(vectors)
    conn.execute(DROP_HNSW_TABLE)
    conn.execute(CREATE_HNSW_TABLE.format(table=HNSW_TABLE, dims=dims))
    if n:
        rows: dict[str, Any] = {
            "pos": np.arange(n, dtype=np.int64),
            "vid": np.arange(n, dtype=np.int64),
            "prefix": np.array(prefixes, dtype=object),
            "key": np.array(keys, dtype=object),
        }
        flat = {"x": np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1)}
        conn.register("lm_hnsw_rows", rows)
        conn.register("lm_hnsw_flat", flat)
        try:
            conn.execute(FILL_HNSW_TABLE.format(table=HNSW_TABLE, dims=dims))
        finally:
            conn.unregister("lm_hnsw_rows")
            conn.unregister("lm_hnsw_flat")
    conn.execute(CREATE_HNSW_INDEX)


def hnsw_candidates(
    conn: duckdb.DuckDBPyConnection, query: np.ndarray, k: int, dims: int
) -> list[tuple[str, str]]:
    """``k`` approximate nearest (prefix, key) pairs, in the one shape the planner indexes."""
    rows = conn.execute(HNSW_SEARCH.format(dims=dims), [query.astype(float).tolist(), k])
    return [(p, key) for p, key in rows.fetchall()]
