"""``DuckDBStore``: a LangGraph ``BaseStore`` on one DuckDB file (or ``:memory:``).

Built on :class:`~langmem_extract.store.duckdb_engine.DuckDBEngine`, which owns the file:
connection, schema, the in-process mirror (``_vectors.StoreCache``) that answers reads,
exact vector search over it (namespace and filters first, then cosine over the
survivors) and the message log's table (``lme_messages``, migration v4, read by
``message_log``). This class is its LangGraph face: ``BaseStore``'s ops and batches,
the writes (one transaction per batch, so a committed batch survives a crash), TTL
sweeps and the optional HNSW index (vss) for large unfiltered searches (see ``_hnsw``,
``_vss`` and docs/store.md). Reads return LangGraph ``Item`` and ``SearchItem`` objects.

The locking rules (one writing process per file, or several read-only ones) are the
engine's; within a process the store is thread-safe: one connection, one re-entrant lock.

A batch runs in three steps, one module each: ``_duckdb_plan`` (check the ops, collect
the texts to embed), ``_duckdb_read`` (answer reads from the mirror) and
``_duckdb_write`` (commit the writes); SQL lives in ``_duckdb_sql``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import duckdb
import numpy as np
from langgraph.store.base import (
    GetOp,
    IndexConfig,
    Item,
    ListNamespacesOp,
    NamespacePath,
    Op,
    Result,
    SearchItem,
    SearchOp,
    TTLConfig,
    ensure_embeddings,
)

from langmem_extract.errors import EmbeddingDimensionError, StoreError
from langmem_extract.store import _duckdb_read, _duckdb_sql, _validate, duckdb_engine
from langmem_extract.store._duckdb_plan import (
    PlannedPut,
    SearchPlan,
    embed_documents,
    embed_queries,
    index_fields,
    plan_batch,
)
from langmem_extract.store._duckdb_read import NOT_A_SEARCH, check_vector
from langmem_extract.store._duckdb_write import write_batch
from langmem_extract.store._namespace_checks import NamespaceCheckedStore
from langmem_extract.store._vectors import normalize_rows
from langmem_extract.store.duckdb_engine import DuckDBEngine

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

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


def _langgraph_item(
    namespace: tuple[str, ...],
    key: str,
    value: dict[str, Any],
    created: datetime,
    updated: datetime,
    score: Any,
) -> Item:
    if score is NOT_A_SEARCH:
        return Item(
            value=value, key=key, namespace=namespace, created_at=created, updated_at=updated
        )
    return SearchItem(namespace, key, value, created, updated, score)


class DuckDBStore(NamespaceCheckedStore, DuckDBEngine):
    """LangGraph ``BaseStore`` on DuckDB with exact vector search and TTL.

    Args:
        conn: an open DuckDB connection (the store does not close it unless it opened it).
        index: ``{"dims", "embed", "fields"}``; ``embed`` is any LangChain ``Embeddings``
            or a sync/async function. Optional HNSW keys: see ``DuckDBIndexConfig``.
        ttl: a LangGraph ``TTLConfig`` (``default_ttl`` minutes, ``refresh_on_read``,
            ``sweep_interval_minutes``, ``omit_expired``).
        path: the database file, used for crash detection and error messages.

    ``open``, ``from_conn_string``, ``setup``, ``close``, the message-log methods and
    :meth:`~DuckDBEngine.get_many` are the engine's; ``get``, ``search`` and
    ``list_namespaces`` are ``BaseStore``'s, run as batches through the same reads.
    """

    supports_ttl: bool = True
    _make_item = staticmethod(_langgraph_item)

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        *,
        index: DuckDBIndexConfig | IndexConfig | None = None,
        ttl: TTLConfig | None = None,
        path: str | Path | None = None,
    ) -> None:
        DuckDBEngine.__init__(self, conn, index=index, ttl=ttl, path=path)
        self.embeddings: Embeddings | None
        self._fields = []
        if self.index_config:
            cfg = cast(DuckDBIndexConfig, self.index_config)
            self.embeddings = ensure_embeddings(cfg["embed"])
            # ``text_fields`` is SqliteStore's name for ``fields``; both are accepted.
            self._fields = index_fields(cfg.get("fields") or cfg.get("text_fields") or ["$"])
        self._sweeper: threading.Thread | None = None
        self._sweeper_stop = threading.Event()

    def setup(self) -> None:
        """Create or migrate the tables (idempotent); start the TTL sweeper if configured."""
        DuckDBEngine.setup(self)
        if self.read_only:
            return
        if self.ttl_config and self.ttl_config.get("sweep_interval_minutes"):
            self.start_ttl_sweeper()

    def _stop_background(self) -> None:
        self.stop_ttl_sweeper()

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
        qvecs = self._query_vectors(query_vecs)
        docs = normalize_rows(np.stack(checked)) if checked else np.zeros((0, dims), np.float32)
        make = self._make_item

        def read(cache: Any, refresh: Any, now: int, omit: int | None) -> list[Result]:
            results: list[Result] = [None] * len(plan.ops)
            gets = [(op.namespace, op.key) for op in plan.ops if isinstance(op, GetOp)]
            _duckdb_read.read_get_values(cache, gets)
            for i, op in enumerate(plan.ops):
                if isinstance(op, GetOp):
                    results[i] = _duckdb_read.do_get(
                        cache, op.namespace, op.key, op.refresh_ttl, refresh,
                        now=now, omit_before=omit, make=make,
                    )  # fmt: skip
                elif isinstance(op, SearchOp):
                    results[i] = _duckdb_read.do_search(
                        cache, op.namespace_prefix, plan.searches[i], op.query, op.limit,
                        op.offset, op.refresh_ttl, qvecs, refresh,
                        now=now, omit_before=omit, hnsw=self._hnsw, make=make,
                    )  # fmt: skip
                elif isinstance(op, ListNamespacesOp):
                    conditions = [(c.match_type, c.path) for c in op.match_conditions or ()]
                    results[i] = _duckdb_read.do_list(
                        cache, conditions, op.max_depth, op.limit, op.offset, omit_before=omit
                    )
            return results

        return self._run(read, plan.puts, docs)

    # -- the optional HNSW index (see _hnsw) ------------------------------------------

    def rebuild_hnsw(self) -> None:
        """Drop and rebuild the HNSW index from the committed vectors."""
        self._check_writable()
        with self._lock:
            self._hnsw.rebuild(self._get_cache())

    def hnsw_status(self) -> dict[str, Any]:
        """HNSW bookkeeping: built, size, stale writes, builds, searches, fallbacks."""
        return self._hnsw.status()

    # -- TTL -------------------------------------------------------------------------

    def sweep_ttl(self) -> int:
        """Delete every item whose TTL has expired; returns how many were deleted."""
        self._check_writable()
        with self._lock:
            self._check_open()
            cache = self._get_cache()
            now = duckdb_engine._now_us()  # the engine's clock (tests set it there)
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
