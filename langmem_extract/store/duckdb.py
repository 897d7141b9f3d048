"""``DuckDBStore``: a LangGraph ``BaseStore`` on one DuckDB file (or ``:memory:``).

Writes go to DuckDB, one transaction per batch, so a committed batch survives a crash.
Reads are answered from an in-process mirror (``_vectors.StoreCache``) loaded from the
tables on first use and kept in step with every commit; vector search over it is exact
(namespace and filters first, then cosine over the survivors). An optional HNSW index
(vss) serves large unfiltered searches; see ``_vss`` and docs/store.md.

DuckDB lets one process open a file for writing. A second process gets
``StoreLockedError``. Within a process the store is thread-safe: one connection, one
re-entrant lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import duckdb
import numpy as np
from langchain_core.embeddings import Embeddings
from langgraph.store.base import (
    GetOp,
    IndexConfig,
    Item,
    ListNamespacesOp,
    MatchCondition,
    NamespacePath,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
    TTLConfig,
    ensure_embeddings,
    get_text_at_path,
    tokenize_path,
)

from langmem_extract.errors import (
    EmbeddingDimensionError,
    InvalidInputError,
    InvalidVectorError,
    StoreError,
    StoreLockedError,
)
from langmem_extract.namespaces import validate_namespace
from langmem_extract.store import _sql, _validate, _vss
from langmem_extract.store._filters import Leaf
from langmem_extract.store._vectors import Row, StoreCache, group_vectors, normalize_rows

logger = logging.getLogger(__name__)

__all__ = ["DuckDBIndexConfig", "DuckDBStore"]


class DuckDBIndexConfig(IndexConfig, total=False):
    """``IndexConfig`` plus the optional HNSW settings (all off unless ``hnsw`` is set)."""

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


def _us_to_dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def _ns_text(namespace: Sequence[str]) -> str:
    return ".".join(namespace)


def _ns_tuple(text: str) -> tuple[str, ...]:
    return tuple(text.split("."))


def _strings(values: list[str]) -> np.ndarray:
    # Fixed-width unicode, not object dtype: DuckDB scans it natively (see _sql).
    return np.array(values, dtype=str) if values else np.array([], dtype="<U1")


def _to_json(value: Any) -> tuple[str, dict[str, Any]]:
    """Serialise a put value; the parsed copy is what the mirror keeps (same as on disk)."""
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"value must be a dict, got {type(value).__name__}")
    try:
        text = json.dumps(dict(value), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"value is not JSON-serialisable: {exc}") from exc
    return text, json.loads(text)


def _check_vector(vec: Any, dims: int, what: str) -> np.ndarray:
    arr = np.asarray(vec, dtype=np.float64)
    if arr.ndim != 1 or arr.shape[0] != dims:
        got = arr.shape[0] if arr.ndim == 1 else arr.shape
        raise EmbeddingDimensionError(f"{what} has {got} dimensions, the index expects {dims}")
    if not np.all(np.isfinite(arr)):
        raise InvalidVectorError(f"{what} contains NaN or infinite values")
    return arr


def _does_match(cond: MatchCondition, ns: tuple[str, ...]) -> bool:
    path = tuple(cond.path)
    if len(ns) < len(path):
        return False
    if cond.match_type == "prefix":
        pairs = zip(ns, path, strict=False)
    elif cond.match_type == "suffix":
        pairs = zip(reversed(ns), reversed(path), strict=False)
    else:
        raise InvalidInputError(f"unsupported namespace match type {cond.match_type!r}")
    return all(p == "*" or n == p for n, p in pairs)


@dataclass
class _Put:
    prefix: str
    key: str
    value_json: str | None
    value: dict[str, Any] | None
    ttl: float | None
    texts: list[tuple[str, str]] = field(default_factory=list)  # (field_name, text)


@dataclass
class _Plan:
    ops: list[Op]
    puts: dict[tuple[str, str], _Put]
    searches: dict[int, list[Leaf]]
    queries: list[str]


def _lock_error(exc: BaseException, path: str) -> StoreLockedError:
    msg = str(exc)
    m = re.search(r"PID (\d+)", msg)
    holder = f" (held by process {m.group(1)})" if m else ""
    return StoreLockedError(
        f"{path} is locked by another process{holder}: DuckDB allows one process per "
        f"database file. Close the other process or use another file. [{msg}]"
    )


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection, turning the file-lock error into ``StoreLockedError``."""
    target = str(path)
    try:
        return duckdb.connect(target, read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise _lock_error(exc, target) from exc
        raise StoreError(f"could not open {target}: {exc}") from exc


class DuckDBStore(_validate.NamespaceCheckedStore):
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

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        *,
        index: DuckDBIndexConfig | IndexConfig | None = None,
        ttl: TTLConfig | None = None,
        path: str | Path | None = None,
    ) -> None:
        self.conn = conn
        self.path = None if path is None else str(path)
        self.ttl_config = ttl
        self._lock = threading.RLock()
        self._owns_conn = False
        self._closed = False
        self._cache: StoreCache | None = None
        self._setup_done = False
        self._sweeper: threading.Thread | None = None
        self._sweeper_stop = threading.Event()
        self._wal_seen = bool((w := _vss.wal_path(self.path)) and w.exists())
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
            fields = cfg.get("fields") or ["$"]
            self._fields = [(p, tokenize_path(p) if p != "$" else p) for p in fields]
            self.index_config = cfg
        else:
            self.embeddings = None
            self._fields = []
            self.index_config = None
        self._dims: int | None = self.index_config["dims"] if self.index_config else None
        self._hnsw_state: dict[str, Any] = {
            "built": False,
            "built_us": 0,
            "size": 0,
            "stale": 0,
            "delta": 0,
            "builds": 0,
            "searches": 0,
            "fallbacks": 0,
        }

    # -- construction ----------------------------------------------------------------

    @classmethod
    @contextlib.contextmanager
    def from_conn_string(
        cls,
        conn_string: str | Path,
        *,
        index: DuckDBIndexConfig | IndexConfig | None = None,
        ttl: TTLConfig | None = None,
    ) -> Iterator[DuckDBStore]:
        """Open a store on a file path (or ``":memory:"``); closed when the block exits."""
        store = cls.open(conn_string, index=index, ttl=ttl)
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
    ) -> DuckDBStore:
        """Open a store that owns its connection; call ``close()`` (or use ``with``)."""
        path = str(conn_string)
        if path.startswith("duckdb://"):
            path = path[len("duckdb://") :]
        path = path or ":memory:"
        wal = _vss.wal_path(path)
        wal_existed = bool(wal and wal.exists())
        conn = connect(path)
        store = cls(conn, index=index, ttl=ttl, path=None if path == ":memory:" else path)
        store._wal_seen = wal_existed
        store._owns_conn = True
        return store

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the TTL sweeper and close the connection if this store opened it."""
        self.stop_ttl_sweeper()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._owns_conn:
                self.conn.close()

    def setup(self) -> None:
        """Create or migrate the tables (idempotent); start the TTL sweeper if configured."""
        with self._lock:
            self._check_open()
            self.conn.execute(_sql.CREATE_MIGRATIONS)
            done = {r[0] for r in self.conn.execute(_sql.SELECT_MIGRATION_VERSIONS).fetchall()}
            for version, stmt in enumerate(_sql.MIGRATIONS):
                if version in done:
                    continue
                self.conn.execute("BEGIN TRANSACTION")
                try:
                    self.conn.execute(stmt)
                    self.conn.execute(_sql.INSERT_MIGRATION_VERSION, [version])
                    self.conn.execute("COMMIT")
                except Exception:
                    self.conn.execute("ROLLBACK")
                    raise
            self._check_dims()
            self._setup_done = True
            if self.index_config and self.index_config.get("hnsw"):
                _vss.load_vss(self.conn)
                if self._wal_seen and _vss.hnsw_exists(self.conn):
                    # Rows replayed from the WAL are missing from the index (vss problem 3).
                    _vss.drop_hnsw(self.conn)
        if self.ttl_config and self.ttl_config.get("sweep_interval_minutes"):
            self.start_ttl_sweeper()

    def _check_dims(self) -> None:
        if self._dims is None:
            return
        row = self.conn.execute(_sql.SELECT_META, ["dims"]).fetchone()
        if row is None:
            self.conn.execute(_sql.UPSERT_META, ["dims", str(self._dims)])
        elif int(row[0]) != self._dims:
            has_vectors = self.conn.execute("SELECT count(*) FROM store_vectors").fetchone()
            if has_vectors and has_vectors[0]:
                raise EmbeddingDimensionError(
                    f"{self.path or ':memory:'} holds {row[0]}-d vectors; index dims is {self._dims}"
                )
            self.conn.execute(_sql.UPSERT_META, ["dims", str(self._dims)])

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
        cache = StoreCache(self._dims)
        items = self.conn.execute(_sql.SELECT_ALL_ITEMS).fetchall()
        vectors: Mapping[tuple[str, str], list[tuple[str, np.ndarray]]] = {}
        n_vectors = 0
        if self._dims:
            cols = self.conn.execute(_sql.SELECT_ALL_VECTORS).fetchnumpy()
            n_vectors = len(cols["embedding"])
            vectors = group_vectors(
                cols["prefix"], cols["key"], cols["field_name"], cols["embedding"], self._dims
            )
        cache.reserve(len(items), n_vectors)
        for prefix, key, value, created, updated, expires, ttl in items:
            vecs = vectors.get((prefix, key))  # already normalised
            row = Row(prefix, key, json.loads(value), created, updated, expires, ttl)
            cache.upsert(row, vecs)
        return cache

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
        plan = self._plan(ops)
        doc_vecs = self._embed_documents_sync(plan)
        query_vecs = self._embed_queries_sync(plan)
        return self._execute(plan, doc_vecs, query_vecs)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        plan = self._plan(ops)
        doc_vecs: list[list[float]] = []
        query_vecs: dict[str, list[float]] = {}
        texts = self._doc_texts(plan)
        if texts and self.embeddings is not None:
            doc_vecs = await self.embeddings.aembed_documents(texts)
        if plan.queries and self.embeddings is not None:
            if callable(getattr(self.embeddings, "embed_queries", None)):
                query_vecs = await asyncio.to_thread(self._embed_queries_sync, plan)
            else:
                got = await asyncio.gather(*(self.embeddings.aembed_query(q) for q in plan.queries))
                query_vecs = dict(zip(plan.queries, got, strict=True))
        return await asyncio.to_thread(self._execute, plan, doc_vecs, query_vecs)

    # -- planning: every check happens here, before anything is written ----------------

    def _plan(self, ops: Iterable[Op]) -> _Plan:
        ops = list(ops)
        puts: dict[tuple[str, str], _Put] = {}
        searches: dict[int, list[Leaf]] = {}
        queries: list[str] = []
        for i, op in enumerate(ops):
            if isinstance(op, GetOp):
                _validate.check_get_op(op)
            elif isinstance(op, SearchOp):
                searches[i] = _validate.check_search_op(op)
                if op.query and self.embeddings is not None and op.query not in queries:
                    queries.append(op.query)
            elif isinstance(op, ListNamespacesOp):
                _validate.check_list_op(op)
            elif isinstance(op, PutOp):
                ns = validate_namespace(op.namespace)
                key = _validate.check_key(op.key)
                puts[(_ns_text(ns), key)] = self._plan_put(ns, key, op)
            else:
                raise InvalidInputError(f"unknown operation type: {type(op).__name__}")
        return _Plan(ops, puts, searches, queries)

    def _plan_put(self, ns: tuple[str, ...], key: str, op: PutOp) -> _Put:
        _validate.check_ttl(op.ttl)
        if op.value is None:
            return _Put(_ns_text(ns), key, None, None, None)
        text, value = _to_json(op.value)
        put = _Put(_ns_text(ns), key, text, value, op.ttl)
        if self.embeddings is None or op.index is False:
            return put
        if op.index is None:
            paths = self._fields
        else:
            if not isinstance(op.index, list) or not all(isinstance(p, str) for p in op.index):
                raise InvalidInputError(
                    f"index must be False, None or a list of paths: {op.index!r}"
                )
            paths = [(p, tokenize_path(p) if p != "$" else p) for p in op.index]
        for path, tokens in paths:
            found = get_text_at_path(value, tokens)
            for j, t in enumerate(found):
                put.texts.append((f"{path}.{j}" if len(found) > 1 else path, t))
        return put

    def _doc_texts(self, plan: _Plan) -> list[str]:
        return [t for p in plan.puts.values() for _, t in p.texts]

    def _embed_documents_sync(self, plan: _Plan) -> list[list[float]]:
        texts = self._doc_texts(plan)
        if not texts or self.embeddings is None:
            return []
        return self.embeddings.embed_documents(texts)

    def _embed_queries_sync(self, plan: _Plan) -> dict[str, list[float]]:
        if not plan.queries or self.embeddings is None:
            return {}
        batch = getattr(self.embeddings, "embed_queries", None)
        if callable(batch):
            # One call for the whole batch: a model embeds many texts far cheaper together.
            vecs = batch(list(plan.queries))
            if len(vecs) != len(plan.queries):
                raise EmbeddingDimensionError(
                    f"the embedder returned {len(vecs)} vectors for {len(plan.queries)} queries"
                )
            return dict(zip(plan.queries, vecs, strict=True))
        return {q: self.embeddings.embed_query(q) for q in plan.queries}

    # -- execution -------------------------------------------------------------------

    def _execute(
        self,
        plan: _Plan,
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
        checked = [_check_vector(v, dims, "a document embedding") for v in doc_vecs]
        queries = {
            q: _check_vector(v, dims, f"the embedding of query {q!r}")
            for q, v in query_vecs.items()
        }
        docs = normalize_rows(np.stack(checked)) if checked else np.zeros((0, dims), np.float32)
        qvecs = {q: normalize_rows(v[None, :])[0] for q, v in queries.items()}

        with self._lock:
            self._check_open()
            cache = self._get_cache()
            now = _now_us()
            results: list[Result] = [None] * len(plan.ops)
            refresh: dict[tuple[str, str], int] = {}
            for i, op in enumerate(plan.ops):
                if isinstance(op, GetOp):
                    results[i] = self._do_get(cache, op, now, refresh)
                elif isinstance(op, SearchOp):
                    results[i] = self._do_search(cache, op, plan.searches[i], qvecs, now, refresh)
                elif isinstance(op, ListNamespacesOp):
                    results[i] = self._do_list(cache, op, now)
            if plan.puts or refresh:
                self._write(cache, plan.puts, docs, refresh, now)
            return results

    def _omit_expired_at(self, now: int) -> int | None:
        return now if self.ttl_config and self.ttl_config.get("omit_expired") else None

    def _item(self, row: Row, score: float | None = None, search: bool = False) -> Item:
        value = copy.deepcopy(row.value)
        ns = _ns_tuple(row.prefix)
        created, updated = _us_to_dt(row.created_us), _us_to_dt(row.updated_us)
        if search:
            return SearchItem(ns, row.key, value, created, updated, score)
        return Item(value=value, key=row.key, namespace=ns, created_at=created, updated_at=updated)

    def _note_refresh(self, row: Row, flag: bool, now: int, refresh: dict) -> None:
        if flag and row.ttl_minutes is not None:
            refresh[(row.prefix, row.key)] = now + int(row.ttl_minutes * 60_000_000)

    def _do_get(self, cache: StoreCache, op: GetOp, now: int, refresh: dict) -> Item | None:
        row = cache.get(_ns_text(op.namespace), op.key)
        if row is None:
            return None
        cutoff = self._omit_expired_at(now)
        if cutoff is not None and row.expires_us is not None and row.expires_us <= cutoff:
            return None
        self._note_refresh(row, op.refresh_ttl, now, refresh)
        return self._item(row)

    def _do_search(
        self,
        cache: StoreCache,
        op: SearchOp,
        leaves: list[Leaf],
        qvecs: Mapping[str, np.ndarray],
        now: int,
        refresh: dict,
    ) -> list[SearchItem]:
        prefix = _ns_text(op.namespace_prefix) if op.namespace_prefix else None
        mask, slots = cache.select(prefix, leaves, self._omit_expired_at(now))
        hits: list[tuple[int, float | None]]
        qvec = qvecs.get(op.query) if op.query else None
        if qvec is not None:
            scored = self._vector_hits(
                cache, qvec, mask, slots, op.offset + op.limit, unfiltered=not leaves
            )
            hits = [(s, score) for s, score in scored[op.offset :]]
            if len(hits) < op.limit:
                # Items without vectors (index=False) still match; they come last, unscored.
                with_vecs = {s for s, _ in scored}
                extra = [
                    s
                    for s in cache.top_by_updated(mask, mask.size, 0, slots)
                    if s not in with_vecs and s not in cache.vec_rows_of
                ]
                hits.extend((s, None) for s in extra[: op.limit - len(hits)])
        else:
            hits = [(s, None) for s in cache.top_by_updated(mask, op.limit, op.offset, slots)]
        out: list[SearchItem] = []
        for slot, score in hits:
            row = cache.rows[slot]
            if row is None:
                continue
            self._note_refresh(row, op.refresh_ttl, now, refresh)
            out.append(cast(SearchItem, self._item(row, score, search=True)))
        return out

    def _vector_hits(
        self,
        cache: StoreCache,
        qvec: np.ndarray,
        mask: np.ndarray,
        slots: np.ndarray | None,
        k: int,
        *,
        unfiltered: bool,
    ) -> list[tuple[int, float]]:
        cfg = self.index_config or {}
        if cfg.get("hnsw") and unfiltered and k > 0:
            n_live = int(mask.sum())
            if n_live >= cfg.get("hnsw_min_rows", 200_000):
                got = self._hnsw_hits(cache, qvec, mask, k)
                if got is not None:
                    return got
        return cache.vector_search(qvec, mask, k, slots)

    # -- the optional HNSW path (see _vss for the problems it works around) ------------
    #
    # The index is a snapshot taken at ``built_us``. Items written since then (the
    # "delta": updated_us > built_us) are always scored exactly from the mirror, index
    # hits whose item changed or vanished since the build are dropped, and the survivors
    # are re-ranked exactly. So a stale index can only cost speed, never a result.

    def _hnsw_hits(
        self, cache: StoreCache, qvec: np.ndarray, mask: np.ndarray, k: int
    ) -> list[tuple[int, float]] | None:
        cfg = self.index_config or {}
        self._hnsw_ensure_fresh(cache)
        built_us = self._hnsw_state["built_us"]
        n = cache.n_slots
        fetch = k * int(cfg.get("hnsw_overfetch", 10))
        pairs = _vss.hnsw_candidates(self.conn, qvec, fetch, cache.dims or 0)
        from_index: list[int] = []
        for prefix, key in pairs:
            slot = cache.slot_of.get((prefix, key))
            if slot is not None and mask[slot] and cache.updated[slot] <= built_us:
                from_index.append(slot)
        from_index = list(dict.fromkeys(from_index))
        if len(from_index) < k:
            self._hnsw_state["fallbacks"] += 1
            return None  # too few survivors (problems 1-2): the exact path answers
        delta = np.flatnonzero(mask & (cache.updated[:n] > built_us)).tolist()
        scores = cache.score_slots(qvec, from_index + delta)
        self._hnsw_state["searches"] += 1
        return sorted(scores.items(), key=lambda kv: -kv[1])[:k]

    def _hnsw_ensure_fresh(self, cache: StoreCache) -> None:
        cfg = self.index_config or {}
        st = self._hnsw_state
        if not st["built"] and not self._wal_seen and _vss.hnsw_exists(self.conn):
            self._adopt_hnsw(cache)
        n = cache.n_slots
        # Written since the build: scored exactly on every search (the delta).
        changed = int(np.count_nonzero(cache.alive[:n] & (cache.updated[:n] > st["built_us"])))
        # Index entries whose item was deleted or rewritten: they waste results.
        dead = max(0, st["size"] - (len(cache) - changed))
        st["stale"], st["delta"] = dead, changed
        limit = float(cfg.get("hnsw_stale_fraction", 0.1)) * max(st["size"], 1)
        if st["built"] and dead <= limit and changed <= limit:
            return
        self.rebuild_hnsw()

    def _adopt_hnsw(self, cache: StoreCache) -> None:
        # An index persisted by an earlier clean run: reuse it if its build time is known.
        row = self.conn.execute(_sql.SELECT_META, ["hnsw_built_us"]).fetchone()
        size = self.conn.execute(_vss.HNSW_COUNT).fetchone()
        if row is not None and size is not None:
            self._hnsw_state.update(built=True, built_us=int(row[0]), size=int(size[0]))
            self._set_ef()

    def _set_ef(self) -> None:
        ef = int((self.index_config or {}).get("hnsw_ef_search", 256))
        self.conn.execute(_vss.SET_EF_SEARCH.format(ef=ef))

    def rebuild_hnsw(self) -> None:
        """Drop and rebuild the HNSW index from the committed vectors."""
        with self._lock:
            cache = self._get_cache()
            _vss.load_vss(self.conn)
            vecs, rows = cache.vector_matrix()
            slots = cache.vec_slot[rows]
            keyed = [cache.rows[s] for s in slots]
            prefixes = [r.prefix if r else "" for r in keyed]
            keys = [r.key if r else "" for r in keyed]
            n = cache.n_slots
            built_us = int(cache.updated[:n][cache.alive[:n]].max()) if len(cache) else 0
            _vss.build_hnsw(self.conn, vecs, prefixes, keys, cache.dims or 0)
            self.conn.execute(_sql.UPSERT_META, ["hnsw_built_us", str(built_us)])
            self._set_ef()
            self._wal_seen = False
            self._hnsw_state.update(
                built=True,
                built_us=built_us,
                size=len(set(slots.tolist())),
                stale=0,
                delta=0,
                builds=self._hnsw_state["builds"] + 1,
            )

    def hnsw_status(self) -> dict[str, Any]:
        """HNSW bookkeeping: built, size, stale writes, builds, searches, fallbacks."""
        return dict(self._hnsw_state)

    def _do_list(self, cache: StoreCache, op: ListNamespacesOp, now: int) -> list[tuple[str, ...]]:
        names = [_ns_tuple(t) for t in cache.namespaces()]
        cutoff = self._omit_expired_at(now)
        if cutoff is not None:
            live = {
                r.prefix
                for _, r in cache.iter_rows()
                if r.expires_us is None or r.expires_us > cutoff
            }
            names = [n for n in names if _ns_text(n) in live]
        for cond in op.match_conditions or ():
            names = [n for n in names if _does_match(cond, n)]
        if op.max_depth is not None:
            names = sorted({n[: op.max_depth] for n in names})
        else:
            names = sorted(names)
        return names[op.offset : op.offset + op.limit]

    # -- writes ----------------------------------------------------------------------

    def _write(
        self,
        cache: StoreCache,
        puts: Mapping[tuple[str, str], _Put],
        docs: np.ndarray,
        refresh: Mapping[tuple[str, str], int],
        now: int,
    ) -> None:
        upserts = [p for p in puts.values() if p.value is not None]
        deletes = [p for p in puts.values() if p.value is None]
        # Rows and vectors, in plan order (docs are in the same order as the texts).
        rows: list[Row] = []
        row_vecs: list[list[tuple[str, np.ndarray]]] = []
        j = 0
        for p in puts.values():
            vecs = []
            for field_name, _ in p.texts:
                vecs.append((field_name, docs[j]))
                j += 1
            if p.value is None:
                continue
            old = cache.get(p.prefix, p.key)
            expires = None if p.ttl is None else now + int(p.ttl * 60_000_000)
            rows.append(
                Row(p.prefix, p.key, p.value, old.created_us if old else now, now, expires, p.ttl)
            )
            row_vecs.append(vecs)
        refresh = {k: v for k, v in refresh.items() if k not in puts}
        conn = self.conn
        conn.execute("BEGIN TRANSACTION")
        try:
            if puts:
                # Only items that have vectors now need a delete: the mirror knows which,
                # and skipping the scan keeps a write of new items O(batch).
                had = [
                    (p.prefix, p.key) for p in puts.values() if cache.has_vectors(p.prefix, p.key)
                ]
                if had:
                    self._stage_keys(had)
                    conn.execute(_sql.DELETE_VECTORS_FROM_STAGE)
                if deletes:
                    self._stage_keys([(p.prefix, p.key) for p in deletes])
                    conn.execute(_sql.DELETE_ITEMS_FROM_STAGE)
            if rows:
                self._stage_items(rows, [p.value_json or "" for p in upserts])
                conn.execute(_sql.UPSERT_ITEMS_FROM_STAGE)
                flat = [
                    (r.prefix, r.key, f, v)
                    for r, vs in zip(rows, row_vecs, strict=True)
                    for f, v in vs
                ]
                if flat:
                    self._stage_vectors(flat)
                    conn.execute(_sql.INSERT_VECTORS_FROM_STAGE)
            if refresh:
                self._stage_refresh(refresh)
                conn.execute(_sql.REFRESH_TTL_FROM_STAGE)
            conn.execute("COMMIT")
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.Error):
                conn.execute("ROLLBACK")
            raise StoreError(f"write failed and was rolled back: {exc}") from exc
        finally:
            for name in (_sql.STAGE_ITEMS, _sql.STAGE_KEYS, _sql.STAGE_VECTORS, _sql.STAGE_FLOATS):
                with contextlib.suppress(Exception):
                    conn.unregister(name)
        # Committed: bring the mirror in step.
        for p in deletes:
            cache.delete(p.prefix, p.key)
        for row, vecs in zip(rows, row_vecs, strict=True):
            cache.upsert(row, vecs)
        for (prefix, key), expires in refresh.items():
            cache.set_expiry(prefix, key, expires)

    def _stage_keys(self, keys: list[tuple[str, str]]) -> None:
        with contextlib.suppress(Exception):
            self.conn.unregister(_sql.STAGE_KEYS)
        self.conn.register(
            _sql.STAGE_KEYS,
            {"prefix": _strings([k[0] for k in keys]), "key": _strings([k[1] for k in keys])},
        )

    def _stage_items(self, rows: list[Row], values: list[str]) -> None:
        self.conn.register(
            _sql.STAGE_ITEMS,
            {
                "prefix": _strings([r.prefix for r in rows]),
                "key": _strings([r.key for r in rows]),
                "value": _strings(values),
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

    def _stage_vectors(self, flat: list[tuple[str, str, str, np.ndarray]]) -> None:
        n, dims = len(flat), self._dims or 0
        self.conn.register(
            _sql.STAGE_VECTORS,
            {
                "row": np.arange(n, dtype=np.int32),
                "prefix": _strings([f[0] for f in flat]),
                "key": _strings([f[1] for f in flat]),
                "field_name": _strings([f[2] for f in flat]),
            },
        )
        self.conn.register(
            _sql.STAGE_FLOATS,
            {
                "row": np.repeat(np.arange(n, dtype=np.int32), dims),
                "j": np.tile(np.arange(dims, dtype=np.int32), n),
                "x": np.stack([f[3] for f in flat]).astype(np.float32).reshape(-1),
            },
        )

    def _stage_refresh(self, refresh: Mapping[tuple[str, str], int]) -> None:
        with contextlib.suppress(Exception):
            self.conn.unregister(_sql.STAGE_ITEMS)
        self.conn.register(
            _sql.STAGE_ITEMS,
            {
                "prefix": _strings([k[0] for k in refresh]),
                "key": _strings([k[1] for k in refresh]),
                "expires_us": np.array(list(refresh.values()), dtype=np.int64),
            },
        )

    # -- TTL -------------------------------------------------------------------------

    def sweep_ttl(self) -> int:
        """Delete every item whose TTL has expired; returns how many were deleted."""
        with self._lock:
            self._check_open()
            cache = self._get_cache()
            now = _now_us()
            expired = self.conn.execute(_sql.SELECT_EXPIRED, [now]).fetchall()
            if not expired:
                return 0
            puts = {(p, k): _Put(p, k, None, None, None) for p, k in expired}
            self._write(cache, puts, np.zeros((0, self._dims or 0), np.float32), {}, now)
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
        with contextlib.suppress(Exception):
            self._sweeper_stop.set()
