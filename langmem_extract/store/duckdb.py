"""``DuckDBStore``: a LangGraph ``BaseStore`` on one DuckDB file (or ``:memory:``).

Writes go to DuckDB, one transaction per batch, so a committed batch survives a crash.
Reads are answered from an in-process mirror (``_vectors.StoreCache``) loaded from the
tables on first use and kept in step with every commit; vector search over it is exact
(namespace and filters first, then cosine over the survivors). An optional HNSW index
(vss) serves large unfiltered searches; see ``_hnsw``, ``_vss`` and docs/store.md.
The same file holds each chat session's message log (``lme_messages``, migration v4),
written through :meth:`DuckDBStore.append_messages` and read by ``message_log``.

DuckDB admits one process per file, readers included: while a process has the file
open for writing, any other process (a read-only one too) gets ``StoreLockedError``.
``open(path, read_only=True)`` takes a shared lock instead: several read-only processes
may open a file at once, as long as no process has it open for writing; such a store
refuses writes with ``ReadOnlyStoreError``. Within a process the store is thread-safe:
one connection, one re-entrant lock.

A batch runs in three steps, one module each: ``_duckdb_plan`` (check the ops, collect
the texts to embed), ``_duckdb_read`` (answer reads from the mirror) and
``_duckdb_write`` (commit the writes); SQL lives in ``_duckdb_sql``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import duckdb
import numpy as np
from langchain_core.embeddings import Embeddings
from langgraph.store.base import (
    GetOp,
    IndexConfig,
    ListNamespacesOp,
    NamespacePath,
    Op,
    Result,
    SearchOp,
    TTLConfig,
    ensure_embeddings,
)

from langmem_extract.errors import (
    EmbeddingDimensionError,
    InvalidInputError,
    ReadOnlyStoreError,
    StoreError,
)
from langmem_extract.store import _duckdb_load, _duckdb_read, _duckdb_sql, _validate, _vss
from langmem_extract.store import lexical_files as _lexical
from langmem_extract.store._duckdb_connect import connect, drop_empty_file
from langmem_extract.store._duckdb_plan import (
    PlannedPut,
    SearchPlan,
    check_vector,
    embed_documents,
    embed_queries,
    index_fields,
    plan_batch,
)
from langmem_extract.store._duckdb_write import insert_messages, write_batch
from langmem_extract.store._hnsw import HnswIndex, HnswSettings
from langmem_extract.store._messages import AsyncMessageMethods, MessageRow
from langmem_extract.store._vectors import StoreCache, normalize_rows
from langmem_extract.store.close_hooks import DEFAULT_CLOSE_TIMEOUT, CloseReport, run_close_hooks

logger = logging.getLogger(__name__)

__all__ = ["DuckDBIndexConfig", "DuckDBStore"]


class DuckDBIndexConfig(IndexConfig, total=False):
    """``IndexConfig`` plus the optional HNSW settings (all off unless ``hnsw`` is set).

    Defaults are in ``_hnsw.HnswSettings``."""

    hnsw: bool
    """Use a vss HNSW index for unfiltered searches over at least ``hnsw_min_rows``."""
    hnsw_min_rows: int
    """Candidate-set size from which the HNSW path is tried (default 200_000)."""
    hnsw_overfetch: int
    """Rows asked of the index per wanted result before exact re-ranking (default 10)."""
    hnsw_stale_fraction: float
    """Rebuild once deletes+updates since the last build exceed this fraction (0.1)."""
    hnsw_ef_search: int
    """HNSW ``ef_search`` (default 256)."""


def _now_us() -> int:
    return time.time_ns() // 1000


class DuckDBStore(AsyncMessageMethods, _validate.NamespaceCheckedStore):
    """LangGraph ``BaseStore`` on DuckDB with exact vector search and TTL.

    Args:
        conn: an open DuckDB connection (the store does not close it unless it opened it).
        index: ``{"dims", "embed", "fields"}``; ``embed`` is any LangChain ``Embeddings``
            or a sync/async function. Optional HNSW keys: see ``DuckDBIndexConfig``.
        ttl: a LangGraph ``TTLConfig`` (``default_ttl`` minutes, ``refresh_on_read``,
            ``sweep_interval_minutes``, ``omit_expired``).
        path: the database file, used for crash detection and error messages.
    """

    supports_ttl: bool = True
    #: The schema versions ``setup()`` applies, in order (as ``SqliteStore.MIGRATIONS``).
    MIGRATIONS: tuple[str, ...] = _duckdb_sql.MIGRATIONS

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        *,
        index: DuckDBIndexConfig | IndexConfig | None = None,
        ttl: TTLConfig | None = None,
        path: str | Path | None = None,
    ) -> None:
        if not isinstance(conn, duckdb.DuckDBPyConnection):
            raise InvalidInputError(
                "conn must be a DuckDB connection; open a path with DuckDBStore.open"
            )
        self.conn = conn
        self.path = None if path is None else str(path)
        self.ttl_config = ttl
        self._lock = threading.RLock()
        self._owns_conn = False
        self._closed = False
        self.read_only = False
        self._cache: StoreCache | None = None
        self._setup_done = False
        self._dirty = False  # written since the mirror was loaded (see close)
        self._commits = 0  # write batches committed by this object (see commit_count)
        self._sweeper: threading.Thread | None = None
        self._sweeper_stop = threading.Event()
        self.index_config: DuckDBIndexConfig | None
        self.embeddings: Embeddings | None
        if index:
            cfg = cast(DuckDBIndexConfig, dict(index))
            dims = cfg.get("dims")
            if isinstance(dims, bool) or not isinstance(dims, int) or dims < 1:
                raise InvalidInputError(f"index dims must be a positive integer, got {dims!r}")
            if cfg.get("embed") is None:
                raise InvalidInputError("index needs an 'embed' (Embeddings or function)")
            self.embeddings = ensure_embeddings(cfg["embed"])
            # ``text_fields`` is SqliteStore's name for ``fields``; both are accepted.
            self._fields = index_fields(cfg.get("fields") or cfg.get("text_fields") or ["$"])
            self.index_config = cfg
        else:
            self.embeddings = None
            self._fields = []
            self.index_config = None
        self._dims: int | None = self.index_config["dims"] if self.index_config else None
        wal = _vss.wal_path(self.path)
        self._hnsw = HnswIndex(
            conn, HnswSettings.from_index(self.index_config), wal_seen=bool(wal and wal.exists())
        )

    # -- construction ----------------------------------------------------------------

    @classmethod
    @contextlib.contextmanager
    def from_conn_string(
        cls,
        conn_string: str | Path,
        *,
        index: DuckDBIndexConfig | IndexConfig | None = None,
        ttl: TTLConfig | None = None,
        read_only: bool = False,
    ) -> Iterator[DuckDBStore]:
        """Open a store on a file path (or ``":memory:"``); closed when the block exits."""
        store = cls.open(conn_string, index=index, ttl=ttl, read_only=read_only)
        try:
            yield store
        finally:
            store.close()

    @classmethod
    def open(
        cls,
        conn_string: str | Path,
        *,
        index: DuckDBIndexConfig | IndexConfig | None = None,
        ttl: TTLConfig | None = None,
        read_only: bool = False,
    ) -> DuckDBStore:
        """Open a store that owns its connection; call ``close()`` (or use ``with``).
        ``read_only``: see the module docstring (no TTL refresh-on-read, no HNSW)."""
        if not isinstance(conn_string, str | Path):
            raise InvalidInputError(
                f"conn_string must be a file path or ':memory:', got {type(conn_string).__name__}"
            )
        path = str(conn_string)
        if path.startswith("duckdb://"):
            path = path[len("duckdb://") :]
        path = path or ":memory:"
        if read_only:
            if path == ":memory:":
                raise InvalidInputError("read_only needs a database file, not ':memory:'")
            if index and index.get("hnsw"):
                index = cast(DuckDBIndexConfig, {**index, "hnsw": False})
        wal = _vss.wal_path(path)
        wal_existed = bool(wal and wal.exists())
        drop_empty_file(path)
        conn = connect(path, read_only=read_only)
        try:
            store = cls(conn, index=index, ttl=ttl, path=None if path == ":memory:" else path)
        except BaseException:
            conn.close()
            raise
        store._hnsw.wal_seen = wal_existed
        store._owns_conn = True
        store.read_only = bool(read_only)
        return store

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, timeout: float | None = DEFAULT_CLOSE_TIMEOUT) -> CloseReport:
        """Finish pending work, stop the TTL sweeper, close the connection if this store
        opened it.

        Work queued against this store in the process (background memory captures) is
        flushed first, waiting at most ``timeout`` seconds; the returned
        :class:`~langmem_extract.store.close_hooks.CloseReport` lists what could not be
        written. Closing twice is a no-op (an empty report).
        """
        if self._closed:
            return CloseReport()
        # Without the store lock: the pending work writes through this store.
        report = run_close_hooks(self, timeout)
        self.stop_ttl_sweeper()
        with self._lock:
            if self._closed:
                return report
            self._closed = True
            self._save_snapshot()
            if self._owns_conn:
                self.conn.close()
        return report

    def _save_snapshot(self) -> None:
        # After writes, leave the vector snapshot the next open maps (see _duckdb_load).
        if not self._dirty or self._cache is None or self.read_only or not self.path:
            return
        try:
            _duckdb_load.save_snapshot(self.conn, self._cache, self.path)
        except (duckdb.Error, OSError, ValueError) as exc:
            logger.warning("no vector snapshot written for %s: %s", self.path, exc)

    def setup(self) -> None:
        """Create or migrate the tables (idempotent); start the TTL sweeper if configured."""
        with self._lock:
            self._check_open()
            if self.read_only:
                self._check_migrated()
            else:
                self._migrate()
            self._check_dims()
            if not self.read_only:
                _duckdb_load.ensure_file_id(self.conn)
            self._setup_done = True
            if self._hnsw.settings.enabled:
                self._hnsw.on_setup()
        if self.read_only:
            return
        if self.ttl_config and self.ttl_config.get("sweep_interval_minutes"):
            self.start_ttl_sweeper()

    def _migrate(self) -> None:
        """Apply the versions of ``_duckdb_sql.MIGRATIONS`` not yet applied, one
        transaction each."""
        conn = self.conn
        conn.execute(_duckdb_sql.CREATE_MIGRATIONS)
        done = {r[0] for r in conn.execute(_duckdb_sql.SELECT_MIGRATION_VERSIONS).fetchall()}
        for version, stmt in enumerate(_duckdb_sql.MIGRATIONS):
            if version in done:
                continue
            conn.execute("BEGIN TRANSACTION")
            try:
                conn.execute(stmt)
                conn.execute(_duckdb_sql.INSERT_MIGRATION_VERSION, [version])
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise

    def _check_migrated(self) -> None:
        """A read-only store cannot migrate: the file must be set up at this version."""
        try:
            rows = self.conn.execute(_duckdb_sql.SELECT_MIGRATION_VERSIONS).fetchall()
        except duckdb.CatalogException:
            rows = []
        if {r[0] for r in rows} != set(range(len(_duckdb_sql.MIGRATIONS))):
            raise StoreError(
                f"{self.path} is not set up at this version; open it once without "
                "read_only (it is created or migrated then), then open it read-only"
            )

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(
                f"{self.path} was opened read-only; open it without read_only=True to write"
            )

    def _check_dims(self) -> None:
        if self._dims is None:
            return
        row = self.conn.execute(_duckdb_sql.SELECT_META, ["dims"]).fetchone()
        if row is None and self.read_only:
            return
        if row is None:
            self.conn.execute(_duckdb_sql.UPSERT_META, ["dims", str(self._dims)])
        elif int(row[0]) != self._dims:
            has_vectors = self.conn.execute(_duckdb_sql.COUNT_VECTORS).fetchone()
            if has_vectors and has_vectors[0]:
                raise EmbeddingDimensionError(
                    f"{self.path or ':memory:'} holds {row[0]}-d vectors; index dims is {self._dims}"
                )
            self._check_writable()
            self.conn.execute(_duckdb_sql.UPSERT_META, ["dims", str(self._dims)])

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    def _ensure_setup(self) -> None:
        if not self._setup_done:
            self.setup()

    def _get_cache(self) -> StoreCache:
        if self._cache is None:
            self._ensure_setup()
            self._cache = self._load_cache()
        return self._cache

    def _load_cache(self) -> StoreCache:
        return _duckdb_load.load_cache(self.conn, self._dims, self.path)

    # -- public methods: typed namespace errors before LangGraph's own checks -----------

    def list_namespaces(
        self,
        *,
        prefix: NamespacePath | None = None,
        suffix: NamespacePath | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[tuple[str, ...]]:
        for path in (prefix, suffix):
            if path:
                _validate.check_path(path)
        return super().list_namespaces(
            prefix=prefix, suffix=suffix, max_depth=max_depth, limit=limit, offset=offset
        )

    async def alist_namespaces(
        self,
        *,
        prefix: NamespacePath | None = None,
        suffix: NamespacePath | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[tuple[str, ...]]:
        for path in (prefix, suffix):
            if path:
                _validate.check_path(path)
        return await super().alist_namespaces(
            prefix=prefix, suffix=suffix, max_depth=max_depth, limit=limit, offset=offset
        )

    # -- batch -----------------------------------------------------------------------

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ops in order of results; reads see the store as it was before the batch's
        writes (as in LangGraph's stores); writes commit in one transaction."""
        plan = plan_batch(ops, self.embeddings, self._fields)
        if plan.puts:
            self._check_writable()
        doc_vecs = embed_documents(plan, self.embeddings)
        query_vecs = embed_queries(plan, self.embeddings)
        return self._execute(plan, doc_vecs, query_vecs)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        plan = plan_batch(ops, self.embeddings, self._fields)
        if plan.puts:
            self._check_writable()
        doc_vecs: list[list[float]] = []
        query_vecs: dict[str, list[float]] = {}
        texts = plan.doc_texts()
        if texts and self.embeddings is not None:
            doc_vecs = await self.embeddings.aembed_documents(texts)
        if plan.queries and self.embeddings is not None:
            if callable(getattr(self.embeddings, "embed_queries", None)):
                query_vecs = await asyncio.to_thread(embed_queries, plan, self.embeddings)
            else:
                got = await asyncio.gather(*(self.embeddings.aembed_query(q) for q in plan.queries))
                query_vecs = dict(zip(plan.queries, got, strict=True))
        return await asyncio.to_thread(self._execute, plan, doc_vecs, query_vecs)

    def _execute(
        self,
        plan: SearchPlan,
        doc_vecs: Sequence[Sequence[float]],
        query_vecs: Mapping[str, Sequence[float]],
    ) -> list[Result]:
        dims = self._dims or 0
        # Validate every vector before touching the database.
        n_texts = sum(len(p.texts) for p in plan.puts.values())
        if len(doc_vecs) != n_texts:
            raise EmbeddingDimensionError(
                f"the embedder returned {len(doc_vecs)} vectors for {n_texts} texts"
            )
        checked = [check_vector(v, dims, "a document embedding") for v in doc_vecs]
        queries = {
            q: check_vector(v, dims, f"the embedding of query {q!r}") for q, v in query_vecs.items()
        }
        docs = normalize_rows(np.stack(checked)) if checked else np.zeros((0, dims), np.float32)
        qvecs = {q: normalize_rows(v[None, :])[0] for q, v in queries.items()}

        with self._lock:
            self._check_open()
            cache = self._get_cache()
            now = _now_us()
            omit = now if self.ttl_config and self.ttl_config.get("omit_expired") else None
            results: list[Result] = [None] * len(plan.ops)
            refresh: dict[tuple[str, str], int] = {}
            _duckdb_read.read_get_values(cache, plan.ops)
            for i, op in enumerate(plan.ops):
                if isinstance(op, GetOp):
                    results[i] = _duckdb_read.do_get(cache, op, refresh, now=now, omit_before=omit)
                elif isinstance(op, SearchOp):
                    results[i] = _duckdb_read.do_search(
                        cache,
                        op,
                        plan.searches[i],
                        qvecs,
                        refresh,
                        now=now,
                        omit_before=omit,
                        hnsw=self._hnsw,
                    )
                elif isinstance(op, ListNamespacesOp):
                    results[i] = _duckdb_read.do_list(cache, op, omit_before=omit)
            if self.read_only:
                refresh.clear()  # no TTL refresh-on-read without write access
            if plan.puts or refresh:
                _lexical.purge_erased(self.path, cache, plan.puts)  # before the commit
                write_batch(self.conn, cache, plan.puts, docs, refresh, now)
                self._dirty = self._dirty or bool(plan.puts)
                self._commits += 1
            return results

    # -- the optional HNSW index (see _hnsw) ------------------------------------------

    def rebuild_hnsw(self) -> None:
        """Drop and rebuild the HNSW index from the committed vectors."""
        self._check_writable()
        with self._lock:
            self._hnsw.rebuild(self._get_cache())

    def hnsw_status(self) -> dict[str, Any]:
        """HNSW bookkeeping: built, size, stale writes, builds, searches, fallbacks."""
        return self._hnsw.status()

    # -- the message log (``lme_messages``; see langmem_extract.message_log) ------------
    #
    # Every call runs on the store's one connection under its lock, so appends never
    # race each other inside DuckDB. The earlier transcript module used a cursor per
    # call plus a retry loop on transaction conflicts: 8 threads appending the same 50
    # message ids there failed 155-179 of 400 appends (two runs) with a primary-key
    # "Constraint Error", which that loop did not catch; distinct ids never conflicted.
    # Under the lock the same run has no errors (tests/store/test_message_log.py), so
    # there is no retry loop.

    def append_messages(self, session_id: str, rows: Sequence[MessageRow]) -> list[str]:
        """Insert the rows whose ``message_id`` is new in the session; returns those ids."""
        session_id = _validate.check_session_id(session_id)
        if not rows:
            return []
        self._check_writable()
        with self._lock:
            self._check_open()
            self._ensure_setup()
            self._commits += 1
            return insert_messages(self.conn, session_id, rows)

    def load_messages(self, session_id: str, *, last: int | None = None) -> list[dict[str, Any]]:
        """The session's message payloads in order, or only the ``last`` ones."""
        session_id = _validate.check_session_id(session_id)
        if last is not None and last <= 0:
            return []
        with self._lock:
            self._check_open()
            self._ensure_setup()
            if last is None:
                cur = self.conn.execute(_duckdb_sql.SELECT_MESSAGES, [session_id])
            else:
                cur = self.conn.execute(_duckdb_sql.SELECT_LAST_MESSAGES, [session_id, last])
            rows = cur.fetchall()
        return [json.loads(row[0]) for row in rows]

    def clear_messages(self, session_id: str) -> None:
        """Delete the session's messages."""
        session_id = _validate.check_session_id(session_id)
        self._check_writable()
        with self._lock:
            self._check_open()
            self._ensure_setup()
            if self.path:  # recall's lexical files hold turn texts too
                _lexical.purge(self.path)
            self.conn.execute(_duckdb_sql.DELETE_MESSAGES, [session_id])
            self._commits += 1

    @property
    def commit_count(self) -> int | None:
        """Writes committed through this store: as DuckDB admits one writing process per
        file, what it reads changes only when this does. ``None`` under a TTL (items
        expire without a write). Readers key their copies on it (``recall_index``)."""
        return None if self.ttl_config else self._commits

    # -- TTL -------------------------------------------------------------------------

    def sweep_ttl(self) -> int:
        """Delete every item whose TTL has expired; returns how many were deleted."""
        self._check_writable()
        with self._lock:
            self._check_open()
            cache = self._get_cache()
            now = _now_us()
            expired = self.conn.execute(_duckdb_sql.SELECT_EXPIRED, [now]).fetchall()
            if not expired:
                return 0
            puts = {(p, k): PlannedPut(p, k, None, None, None) for p, k in expired}
            docs = np.zeros((0, self._dims or 0), np.float32)
            write_batch(self.conn, cache, puts, docs, {}, now)
            self._dirty = True
            self._commits += 1
            return len(expired)

    async def asweep_ttl(self) -> int:
        return await asyncio.to_thread(self.sweep_ttl)

    def start_ttl_sweeper(self, sweep_interval_minutes: float | None = None) -> threading.Thread:
        """Sweep expired items every ``sweep_interval_minutes`` in a daemon thread."""
        with self._lock:
            if self._sweeper is not None and self._sweeper.is_alive():
                return self._sweeper
            interval = (
                sweep_interval_minutes or (self.ttl_config or {}).get("sweep_interval_minutes") or 5
            )
            self._sweeper_stop.clear()

            def _loop() -> None:
                while not self._sweeper_stop.wait(float(interval) * 60):
                    try:
                        n = self.sweep_ttl()
                        if n:
                            logger.info("TTL sweep deleted %d expired items", n)
                    except StoreError as exc:
                        if self._closed:
                            return
                        logger.exception("TTL sweep failed: %s", exc)

            self._sweeper = threading.Thread(target=_loop, name="duckdb-store-ttl", daemon=True)
            self._sweeper.start()
            return self._sweeper

    def stop_ttl_sweeper(self, timeout: float | None = None) -> bool:
        """Stop the sweeper thread; returns whether it has stopped."""
        thread = self._sweeper
        if thread is None:
            return True
        self._sweeper_stop.set()
        thread.join(timeout)
        stopped = not thread.is_alive()
        if stopped:
            self._sweeper = None
        return stopped

    def __del__(self) -> None:
        # No module globals here: at interpreter exit they may already be gone.
        try:  # noqa: SIM105
            self._sweeper_stop.set()
        except Exception:
            pass
