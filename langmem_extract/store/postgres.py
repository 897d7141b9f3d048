"""PostgreSQL + pgvector store for many writer processes and hosts.

:class:`PostgresStore` *is* LangGraph's ``langgraph.store.postgres.PostgresStore``
(same tables, same migrations, same ``setup()``); it only adds what the memory model
needs on top:

* ``namespace_lock(namespace)``: a cross-process lock (``pg_advisory_lock``) so the
  memory graph's dedup + persist of one namespace runs in one writer at a time;
* a connection pool without a store-wide lock, so threads run queries in parallel;
* query embeddings via ``embed_query`` (e5 embeds queries and passages differently);
* filters with DuckDBStore's meaning (``$eq $ne $gt $gte $lt $lte $in $nin``, nested
  paths, typed comparisons; LangGraph's compares ``$gt``/``$lt`` as text and lacks
  ``$in``/``$nin``);
* vector search pages that are full and stable: the candidate set is sized by
  ``offset + limit`` and equal scores are ordered by namespace and key;
* input checked before anything is written, with the same typed errors as DuckDBStore
  (namespaces, keys, values, paging, embedding size and NaN);
* an HNSW index searched with pgvector's iterative scan, so filtered searches
  still return ``limit`` results.

Needs the ``postgres`` extra: ``pip install 'langmem-extract[postgres]'``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import re
import threading
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, cast

import orjson
import psycopg
from langgraph.store.base import (
    GetOp,
    ListNamespacesOp,
    Op,
    PutOp,
    Result,
    SearchOp,
)
from langgraph.store.postgres.base import (
    PLACEHOLDER,
    PostgresIndexConfig,
    _decode_ns_bytes,
    _row_to_search_item,
)
from langgraph.store.postgres.base import (
    PostgresStore as _LangGraphPostgresStore,
)
from psycopg import Connection, Cursor
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

from langmem_extract.errors import (
    EmbeddingDimensionError,
    InvalidInputError,
    InvalidVectorError,
    StoreError,
    UnknownFilterOperatorError,
)
from langmem_extract.namespaces import validate_namespace
from langmem_extract.store import _validate
from langmem_extract.store._filters import Leaf, compile_filter

__all__ = ["DEFAULT_POOL_MAX", "PostgresStore", "is_postgres_url"]

#: Connections per store; each thread running a store call holds one.
DEFAULT_POOL_MAX = 10

#: pgvector settings for every pooled session: keep scanning the HNSW graph until the
#: filtered query has ``limit`` rows, and widen the candidate list for better recall.
SESSION_OPTIONS = "-c hnsw.iterative_scan=relaxed_order -c hnsw.ef_search=100"

_DEFAULT_ANN = {"kind": "hnsw", "m": 16, "ef_construction": 64}

_ADVISORY_LOCK = "SELECT pg_advisory_lock(%s)"
_ADVISORY_UNLOCK = "SELECT pg_advisory_unlock(%s)"

_COMPARE_SQL = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}

# Filters are compiled from the same leaves as DuckDB's (``_filters.compile_filter``), with
# the same meaning: a missing field reads as null; a path whose parent is not an object
# matches nothing; ranges compare numbers with numbers, strings with strings (byte-wise).
_AT = "COALESCE(value #> %s::text[], 'null'::jsonb)"
_REACHABLE = "(jsonb_typeof(value #> %s::text[]) = 'object')"
_IS_OBJECT = "(jsonb_typeof(value #> %s::text[]) = 'object')"
_EQ = f"({_AT} = %s::jsonb)"
_NE = f"({_AT} <> %s::jsonb)"
_IN = f"({_AT} IN (SELECT jsonb_array_elements(%s::jsonb)))"
_NIN = f"(NOT {_AT} IN (SELECT jsonb_array_elements(%s::jsonb)))"
_NUMBER_CMP = (
    "(jsonb_typeof(value #> %s::text[]) = 'number' "
    "AND (value #>> %s::text[])::float8 {op} %s::float8)"
)
_STRING_CMP = (
    "(jsonb_typeof(value #> %s::text[]) = 'string' "
    'AND (value #>> %s::text[]) COLLATE "C" {op} %s COLLATE "C")'
)
# The whole compiled filter travels through LangGraph's query builder as one entry.
_ALL_LEAVES = "$langmem_leaves"


def is_postgres_url(target: object) -> bool:
    """Whether ``target`` is a ``postgresql://`` / ``postgres://`` connection URL."""
    return isinstance(target, str) and target.split("://", 1)[0].lower() in (
        "postgresql",
        "postgres",
    )


def _lock_key(namespace: Sequence[str]) -> int:
    """A stable signed 64-bit advisory-lock key for a namespace."""
    digest = hashlib.blake2b(
        "\x1f".join(namespace).encode("utf-8"), digest_size=8, person=b"lmx-ns"
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def _session_options(conn_string: str) -> str:
    """Our session settings after any ``options`` the connection string already has."""
    try:
        given = conninfo_to_dict(conn_string).get("options")
    except psycopg.ProgrammingError as err:
        raise StoreError(f"invalid PostgreSQL connection string: {err}") from err
    return f"{given} {SESSION_OPTIONS}" if given else SESSION_OPTIONS


def _with_default_ann(index: PostgresIndexConfig | None) -> PostgresIndexConfig | None:
    if not index:
        return index
    config = dict(index)
    config.setdefault("ann_index_config", dict(_DEFAULT_ANN))
    config.setdefault("distance_type", "cosine")
    return cast(PostgresIndexConfig, config)


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


class PostgresStore(_validate.NamespaceCheckedStore, _LangGraphPostgresStore):
    """LangGraph's ``PostgresStore`` with the memory model's locking, filters and checks.

    Build one with :meth:`connect` (returns an open store; call :meth:`close`) or
    :meth:`from_conn_string` (a context manager), then call :meth:`setup` once per
    database. ``index`` takes LangGraph's ``PostgresIndexConfig``; without an
    ``ann_index_config`` an HNSW cosine index is used.
    """

    __slots__ = ("_held", "_lock_pool", "_ns_locks", "_ns_locks_guard", "_owns_pool")

    def __init__(
        self,
        conn: ConnectionPool[Connection[DictRow]] | Connection[DictRow],
        *,
        index: PostgresIndexConfig | None = None,
        ttl: Any = None,
        owns_pool: bool = False,
    ) -> None:
        super().__init__(conn, index=_with_default_ann(index), ttl=ttl)
        self._owns_pool = owns_pool
        self._lock_pool: ConnectionPool[Connection[Any]] | None = None
        self._ns_locks: dict[int, threading.Lock] = {}
        self._ns_locks_guard = threading.Lock()
        self._held = threading.local()  # per-thread depth of each held namespace lock

    # --- construction ----------------------------------------------------
    @classmethod
    def connect(
        cls,
        conn_string: str,
        *,
        index: PostgresIndexConfig | None = None,
        pool_max: int = DEFAULT_POOL_MAX,
        ttl: Any = None,
        setup: bool = False,
        timeout: float = 30.0,
    ) -> PostgresStore:
        """Open a pooled store on ``conn_string``; the caller closes it with :meth:`close`.

        Raises :class:`~langmem_extract.errors.StoreError` if no connection succeeds
        within ``timeout`` seconds.
        """
        if pool_max < 1:
            raise StoreError(f"pool_max must be >= 1, got {pool_max}")
        pool: ConnectionPool[Connection[DictRow]] = ConnectionPool(
            conn_string,
            min_size=1,
            max_size=pool_max,
            kwargs={
                "autocommit": True,
                "prepare_threshold": 0,
                "row_factory": dict_row,
                "options": _session_options(conn_string),
            },
            open=False,
            name="langmem-store",
        )
        try:
            pool.open(wait=True, timeout=timeout)
        except Exception as err:
            pool.close()
            raise StoreError(f"cannot connect to PostgreSQL: {err}") from err
        store = cls(pool, index=index, ttl=ttl, owns_pool=True)
        if setup:
            try:
                store.setup()
            except Exception:
                store.close()
                raise
        return store

    @classmethod
    @contextlib.contextmanager
    def from_conn_string(  # type: ignore[override]
        cls,
        conn_string: str,
        *,
        index: PostgresIndexConfig | None = None,
        pool_max: int = DEFAULT_POOL_MAX,
        ttl: Any = None,
    ) -> Iterator[PostgresStore]:
        """Context-manager form of :meth:`connect` (without ``setup``)."""
        store = cls.connect(conn_string, index=index, pool_max=pool_max, ttl=ttl)
        try:
            yield store
        finally:
            store.close()

    def close(self) -> None:
        """Close the connection pools this store opened. Safe to call twice."""
        self.stop_ttl_sweeper(timeout=1)
        if self._lock_pool is not None:
            self._lock_pool.close()
            self._lock_pool = None
        if self._owns_pool and isinstance(self.conn, ConnectionPool):
            self.conn.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- locking ---------------------------------------------------------
    @contextlib.contextmanager
    def namespace_lock(self, namespace: Sequence[str]) -> Iterator[None]:
        """Hold an exclusive lock on ``namespace`` across threads, processes and hosts.

        A thread lock orders threads of this process; a session-level
        ``pg_advisory_lock`` on a dedicated connection orders everyone else. The
        critical section's own queries run on the store's pool as usual. Re-entrant
        within a thread.
        """
        key = _lock_key(tuple(namespace))
        depth: dict[int, int] = self._held.__dict__.setdefault("depth", {})
        if depth.get(key):
            depth[key] += 1
            try:
                yield
            finally:
                depth[key] -= 1
            return
        with self._exclusive(key):
            depth[key] = 1
            try:
                yield
            finally:
                depth[key] = 0

    @contextlib.asynccontextmanager
    async def anamespace_lock(self, namespace: Sequence[str]) -> AsyncIterator[None]:
        """Async form of :meth:`namespace_lock`; waiting happens off the event loop.

        Not re-entrant: worker threads are shared between tasks, so per-thread
        bookkeeping cannot tell one task from another.
        """
        cm = self._exclusive(_lock_key(tuple(namespace)))
        await asyncio.to_thread(cm.__enter__)
        try:
            yield
        finally:
            await asyncio.to_thread(cm.__exit__, None, None, None)

    @contextlib.contextmanager
    def _exclusive(self, key: int) -> Iterator[None]:
        with self._thread_lock(key), self._lock_connection() as conn:
            conn.execute(_ADVISORY_LOCK, (key,))
            try:
                yield
            finally:
                conn.execute(_ADVISORY_UNLOCK, (key,))

    def _thread_lock(self, key: int) -> threading.Lock:
        with self._ns_locks_guard:
            return self._ns_locks.setdefault(key, threading.Lock())

    @contextlib.contextmanager
    def _lock_connection(self) -> Iterator[Connection[Any]]:
        # Lock holders get their own pool so they never starve the query pool.
        with self._ns_locks_guard:
            if self._lock_pool is None:
                self._lock_pool = ConnectionPool(
                    self._conninfo(),
                    min_size=0,
                    max_size=DEFAULT_POOL_MAX,
                    kwargs={"autocommit": True, "prepare_threshold": 0},
                    open=True,
                    name="langmem-locks",
                )
            pool = self._lock_pool
        with pool.connection() as conn:
            yield conn

    def _conninfo(self) -> str:
        if isinstance(self.conn, ConnectionPool):
            return self.conn.conninfo
        info = self.conn.info
        params: dict[str, Any] = dict(info.get_parameters())
        if info.password:
            params["password"] = info.password
        return make_conninfo(**params)

    # --- queries ---------------------------------------------------------
    @contextlib.contextmanager
    def _cursor(self, *, pipeline: bool = False) -> Iterator[Cursor[DictRow]]:
        # LangGraph serialises every batch on one store-wide lock; a pooled
        # connection belongs to one thread, so the lock is only needed without a pool.
        if not isinstance(self.conn, ConnectionPool) or self.pipe:
            with super()._cursor(pipeline=pipeline) as cur:
                yield cur
            return
        with self.conn.connection() as conn:
            if pipeline:
                with conn.pipeline(), conn.cursor(binary=True, row_factory=dict_row) as cur:
                    yield cur
            else:
                with conn.cursor(binary=True, row_factory=dict_row) as cur:
                    yield cur

    def batch(self, ops: Any) -> list[Result]:
        # Every check runs before a connection is taken, so bad input writes nothing.
        ops = [self._validated(op) for op in ops]
        try:
            return super().batch(ops)
        except psycopg.Error as err:
            raise StoreError(f"PostgreSQL store operation failed: {err}") from err

    def setup(self) -> None:
        """Create or migrate the tables and the vector index (idempotent)."""
        try:
            super().setup()
        except psycopg.Error as err:
            hint = ""
            if "vector" in str(err):
                hint = " (is pgvector installed? run CREATE EXTENSION vector as a superuser)"
            raise StoreError(f"setting up the PostgreSQL store failed: {err}{hint}") from err

    def _get_filter_condition(self, key: str, op: str, value: Any) -> tuple[str, list[Any]]:
        if key != _ALL_LEAVES or op != _ALL_LEAVES:  # only reached through _compiled()
            raise UnknownFilterOperatorError(f"unknown filter operator {op!r}")
        clauses: list[str] = []
        params: list[Any] = []
        for leaf in cast(list[Leaf], value):
            clause, leaf_params = _leaf_sql(leaf)
            if len(leaf.path) > 1:
                clause = f"({_REACHABLE} AND {clause})"
                leaf_params = [list(leaf.path[:-1]), *leaf_params]
            clauses.append(clause)
            params.extend(leaf_params)
        return "(" + " AND ".join(clauses or ["TRUE"]) + ")", params

    def _prepare_batch_search_queries(
        self, search_ops: Sequence[tuple[int, SearchOp]]
    ) -> tuple[list[tuple[str, list[Any]]], list[tuple[int, str]]]:
        search_ops = [(i, _compiled(op)) for i, op in search_ops]
        queries, embedding_requests = super()._prepare_batch_search_queries(search_ops)
        # LangGraph sizes the vector candidate set by ``limit`` alone, so pages past the
        # second come back short; size it by ``offset + limit`` instead.
        per_doc = int(cast(dict, self.index_config or {}).get("__estimated_num_vectors", 1))
        query_idx = {idx for idx, _ in embedding_requests}
        for idx, (_, op) in enumerate(search_ops):
            if idx in query_idx:
                sql, params = queries[idx]
                params[-3] = (op.offset + op.limit) * per_doc * 2 + 1
                queries[idx] = (_stable_ties(sql), params)
        return queries, embedding_requests  # type: ignore[return-value]

    def _batch_put_ops(self, put_ops: Sequence[tuple[int, PutOp]], cur: Cursor[DictRow]) -> None:
        queries, embedding_request = self._prepare_batch_PUT_queries(put_ops)
        if embedding_request:
            assert self.embeddings is not None
            query, txt_params = embedding_request
            vectors = self.embeddings.embed_documents([p[-1] for p in txt_params])
            # Checked before the first statement runs, so a bad vector writes nothing.
            self._check_vectors(vectors, len(txt_params))
            params = [
                p
                for (ns, k, pathname, _), vector in zip(txt_params, vectors, strict=True)
                for p in (ns, k, pathname, vector)
            ]
            queries.append((query, params))
        for query, params in queries:
            cur.execute(query, params)

    def _batch_search_ops(
        self,
        search_ops: Sequence[tuple[int, SearchOp]],
        results: list[Result],
        cur: Cursor[DictRow],
    ) -> None:
        queries, embedding_requests = self._prepare_batch_search_queries(search_ops)
        if embedding_requests and self.embeddings:
            # Queries are embedded as queries: e5-style models prefix them differently.
            vectors = [self.embeddings.embed_query(text) for _, text in embedding_requests]
            self._check_vectors(vectors, len(embedding_requests))
            for (idx, _), vector in zip(embedding_requests, vectors, strict=True):
                params = queries[idx][1]
                for i, param in enumerate(params):
                    if param is PLACEHOLDER:
                        params[i] = vector
        for (idx, _), (query, params) in zip(search_ops, queries, strict=True):
            cur.execute(query, params)
            results[idx] = [
                _row_to_search_item(
                    _decode_ns_bytes(row["prefix"]), cast(Any, row), loader=self._deserializer
                )
                for row in cur.fetchall()
            ]

    def _check_vectors(self, vectors: Sequence[Sequence[float]], expected: int) -> None:
        if len(vectors) != expected:
            raise EmbeddingDimensionError(
                f"embedder returned {len(vectors)} vectors for {expected} texts"
            )
        dims = int(cast(dict, self.index_config)["dims"])
        for vector in vectors:
            if len(vector) != dims:
                raise EmbeddingDimensionError(
                    f"embedding has {len(vector)} dimensions, the index expects {dims}"
                )
            if not all(math.isfinite(x) for x in vector):
                raise InvalidVectorError("embedding contains NaN or infinite components")

    def _validated(self, op: Op) -> Op:
        if isinstance(op, GetOp):
            _validate.check_get_op(op)
        elif isinstance(op, SearchOp):
            _validate.check_search_op(op)
        elif isinstance(op, ListNamespacesOp):
            _validate.check_list_op(op)
        elif isinstance(op, PutOp):
            validate_namespace(op.namespace)
            _validate.check_key(op.key)
            _validate.check_ttl(op.ttl)
            if op.value is not None:
                _check_value(op.value)
        else:
            raise InvalidInputError(f"unknown operation type: {type(op).__name__}")
        return op


def _stable_ties(sql: str) -> str:
    """Break score ties by namespace and key, in the candidate scan and the final sort, so
    equal scores keep one order from page to page (``offset`` never skips or repeats).
    """
    sql = _INNER_ORDER.sub(r"\1 ASC, sv.prefix, sv.key", sql, count=1)
    return sql.replace("ORDER BY score DESC", "ORDER BY score DESC, uniq.prefix, uniq.key", 1)


_INNER_ORDER = re.compile(r"(ORDER BY sv\.embedding <[=#-]> %s::\w+) ASC")


def _compiled(op: SearchOp) -> SearchOp:
    if not op.filter:
        return op
    leaves = compile_filter(op.filter)
    return op._replace(filter={_ALL_LEAVES: {_ALL_LEAVES: leaves}})


def _leaf_sql(leaf: Leaf) -> tuple[str, list[Any]]:
    path = list(leaf.path)
    if leaf.op == "$isobject":
        return _IS_OBJECT, [path]
    if leaf.op == "$eq":
        return _EQ, [path, _json_text(leaf.value)]
    if leaf.op == "$ne":
        return _NE, [path, _json_text(leaf.value)]
    if leaf.op in ("$in", "$nin"):
        return (_IN if leaf.op == "$in" else _NIN), [path, _json_text(list(leaf.value))]
    sql_op = _COMPARE_SQL[leaf.op]
    if isinstance(leaf.value, str):
        return _STRING_CMP.format(op=sql_op), [path, path, leaf.value]
    return _NUMBER_CMP.format(op=sql_op), [path, path, float(leaf.value)]


def _check_value(value: Any) -> None:
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"value must be a dict, got {type(value).__name__}")
    try:
        json.dumps(dict(value), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"value is not JSON-serialisable: {exc}") from exc
    if _has_nul(value):  # jsonb cannot hold NUL characters
        raise InvalidInputError("value contains a NUL character, which PostgreSQL cannot store")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False
