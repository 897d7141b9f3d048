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
  still return ``limit`` results;
* a message-log table (``lme_messages``, versioned in ``lme_migrations``) with the same
  ``append_messages`` / ``load_messages`` / ``clear_messages`` methods as DuckDBStore.

SQL beyond LangGraph's lives in ``_pg_sql``; the filter and ORDER BY rewrites of
LangGraph's search query in ``_pg_filters``.

Needs the ``postgres`` extra: ``pip install 'langmem-extract[postgres]'``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import threading
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, cast

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
)
from langmem_extract.store import _namespace_checks, _pg_filters, _pg_sql, _validate
from langmem_extract.store._messages import AsyncMessageMethods, MessageRow
from langmem_extract.store.close_hooks import DEFAULT_CLOSE_TIMEOUT, CloseReport, run_close_hooks
from langmem_extract.store.factory import mask_url

__all__ = ["DEFAULT_POOL_MAX", "PostgresStore"]

#: Connections per store; each thread running a store call holds one.
DEFAULT_POOL_MAX = 10
#: Seconds one connection attempt may take (libpq ``connect_timeout``); an unreachable
#: server fails :meth:`PostgresStore.connect` within about this long, in one line.
CONNECT_TIMEOUT = 5

#: pgvector settings for every pooled session: keep scanning the HNSW graph until the
#: filtered query has ``limit`` rows, and widen the candidate list for better recall.
SESSION_OPTIONS = "-c hnsw.iterative_scan=relaxed_order -c hnsw.ef_search=100"

_DEFAULT_ANN = {"kind": "hnsw", "m": 16, "ef_construction": 64}


def _lock_key(namespace: Sequence[str]) -> int:
    """A stable signed 64-bit advisory-lock key for a namespace."""
    digest = hashlib.blake2b(
        "\x1f".join(namespace).encode("utf-8"), digest_size=8, person=b"lmx-ns"
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


# '.' cannot occur in a namespace label, so no namespace lock shares this key.
_MESSAGE_MIGRATIONS_LOCK = _lock_key(("lme_messages.migrations",))


def _session_options(conn_string: str) -> str:
    """Our session settings after any ``options`` the connection string already has."""
    try:
        given = conninfo_to_dict(conn_string).get("options")
    except psycopg.ProgrammingError as err:
        raise StoreError(f"invalid PostgreSQL connection string: {_one_line(err)}") from None
    return f"{given} {SESSION_OPTIONS}" if given else SESSION_OPTIONS


def _one_line(err: BaseException) -> str:
    """A driver error as one line, with any password in it masked."""
    return mask_url(" ".join(str(err).split()))


def _with_default_ann(index: PostgresIndexConfig | None) -> PostgresIndexConfig | None:
    if not index:
        return index
    config = dict(index)
    config.setdefault("ann_index_config", dict(_DEFAULT_ANN))
    config.setdefault("distance_type", "cosine")
    return cast(PostgresIndexConfig, config)


class PostgresStore(
    AsyncMessageMethods, _namespace_checks.NamespaceCheckedStore, _LangGraphPostgresStore
):
    """LangGraph's ``PostgresStore`` with the memory model's locking, filters and checks.

    Build one with :meth:`connect` (returns an open store; call :meth:`close`) or
    :meth:`from_conn_string` (a context manager), then call :meth:`setup` once per
    database. ``index`` takes LangGraph's ``PostgresIndexConfig``; without an
    ``ann_index_config`` an HNSW cosine index is used.
    """

    __slots__ = (
        "_held",
        "_lock_pool",
        "_messages_ready",
        "_ns_locks",
        "_ns_locks_guard",
        "_owns_pool",
    )

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
        self._messages_ready = False

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
        options = _session_options(conn_string)
        connect_timeout = conninfo_to_dict(conn_string).get("connect_timeout", CONNECT_TIMEOUT)
        # One direct attempt first: an unreachable server then fails fast with the
        # driver's reason, not after the pool's retries with a bare timeout.
        try:
            psycopg.connect(conn_string, connect_timeout=connect_timeout, options=options).close()
        except psycopg.Error as err:
            raise StoreError(f"cannot connect to PostgreSQL: {_one_line(err)}") from None
        pool: ConnectionPool[Connection[DictRow]] = ConnectionPool(
            conn_string,
            min_size=1,
            max_size=pool_max,
            kwargs={
                "autocommit": True,
                "prepare_threshold": 0,
                "row_factory": dict_row,
                "options": options,
                "connect_timeout": connect_timeout,
            },
            open=False,
            name="langmem-store",
        )
        try:
            pool.open(wait=True, timeout=timeout)
        except Exception as err:
            pool.close()
            raise StoreError(f"cannot connect to PostgreSQL: {_one_line(err)}") from None
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

    def close(self, timeout: float | None = DEFAULT_CLOSE_TIMEOUT) -> CloseReport:
        """Finish pending work, then close the connection pools this store opened.

        As ``DuckDBStore.close``: background captures queued against this store are
        flushed first (at most ``timeout`` seconds) and the returned ``CloseReport``
        lists what could not be written. Safe to call twice.
        """
        report = run_close_hooks(self, timeout)
        self._close_pools()
        return report

    def _close_pools(self) -> None:
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
            conn.execute(_pg_sql.ADVISORY_LOCK, (key,))
            try:
                yield
            finally:
                conn.execute(_pg_sql.ADVISORY_UNLOCK, (key,))

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
            raise StoreError(f"PostgreSQL store operation failed: {_one_line(err)}") from err

    def setup(self) -> None:
        """Create or migrate the tables and the vector index (idempotent); start the TTL
        sweeper when ``ttl`` has ``sweep_interval_minutes`` (as DuckDBStore does)."""
        try:
            super().setup()
            self._migrate_messages()
        except psycopg.Error as err:
            hint = ""
            if "vector" in str(err):
                hint = " (is pgvector installed? run CREATE EXTENSION vector as a superuser)"
            raise StoreError(
                f"setting up the PostgreSQL store failed: {_one_line(err)}{hint}"
            ) from err
        if self.ttl_config and self.ttl_config.get("sweep_interval_minutes"):
            self.start_ttl_sweeper()

    def _get_filter_condition(self, key: str, op: str, value: Any) -> tuple[str, list[Any]]:
        return _pg_filters.filter_condition(key, op, value)

    def _prepare_batch_search_queries(
        self, search_ops: Sequence[tuple[int, SearchOp]]
    ) -> tuple[list[tuple[str, list[Any]]], list[tuple[int, str]]]:
        search_ops = [(i, _pg_filters.compiled(op)) for i, op in search_ops]
        queries, embedding_requests = super()._prepare_batch_search_queries(search_ops)
        # LangGraph sizes the vector candidate set by ``limit`` alone, so pages past the
        # second come back short; size it by ``offset + limit`` instead.
        per_doc = int(cast(dict, self.index_config or {}).get("__estimated_num_vectors", 1))
        query_idx = {idx for idx, _ in embedding_requests}
        for idx, (_, op) in enumerate(search_ops):
            if idx in query_idx:
                sql, params = queries[idx]
                params[-3] = (op.offset + op.limit) * per_doc * 2 + 1
                queries[idx] = (_pg_filters.stable_ties(sql), params)
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
            _validate.check_put_op(op)
            if op.value is not None and _has_nul(op.value):  # jsonb cannot hold NUL characters
                raise InvalidInputError(
                    "value contains a NUL character, which PostgreSQL cannot store"
                )
        else:
            raise InvalidInputError(f"unknown operation type: {type(op).__name__}")
        return op

    # --- the message log (``lme_messages``; see langmem_extract.message_log) ----
    def _migrate_messages(self) -> None:
        """Apply the message-log versions not yet applied, in one transaction that holds
        an advisory lock, so processes setting up the same database take turns."""
        with self._cursor() as cur, cur.connection.transaction():
            cur.execute(_pg_sql.LOCK_MESSAGE_MIGRATIONS, (_MESSAGE_MIGRATIONS_LOCK,))
            cur.execute(_pg_sql.CREATE_MESSAGE_MIGRATIONS)
            cur.execute(_pg_sql.SELECT_MESSAGE_MIGRATIONS)
            done = {row["v"] for row in cur.fetchall()}
            for version, statements in enumerate(_pg_sql.MESSAGE_MIGRATIONS):
                if version in done:
                    continue
                for statement in statements:
                    cur.execute(statement)
                cur.execute(_pg_sql.INSERT_MESSAGE_MIGRATION, (version,))
        self._messages_ready = True

    @contextlib.contextmanager
    def _message_cursor(self, session_id: str) -> Iterator[Cursor[DictRow]]:
        # A database set up by an earlier version has no message table yet: the first
        # message call on this store migrates it (cheap and idempotent when done).
        try:
            if not self._messages_ready:
                self._migrate_messages()
            with self._cursor() as cur:
                yield cur
        except psycopg.Error as err:
            raise StoreError(f"message log {session_id!r}: PostgreSQL failed: {err}") from err

    def append_messages(self, session_id: str, rows: Sequence[MessageRow]) -> list[str]:
        """Insert the rows whose ``message_id`` is new in the session; returns those ids."""
        session_id = _validate.check_session_id(session_id)
        if not rows:
            return []
        for row in rows:
            _check_message_row(row)
        columns = [list(col) for col in zip(*rows, strict=True)]
        with self._message_cursor(session_id) as cur:
            cur.execute(_pg_sql.INSERT_MESSAGES, (session_id, *columns))
            return [row["message_id"] for row in cur.fetchall()]

    def load_messages(self, session_id: str, *, last: int | None = None) -> list[dict[str, Any]]:
        """The session's message payloads in order, or only the ``last`` ones."""
        session_id = _validate.check_session_id(session_id)
        if last is not None and last <= 0:
            return []
        with self._message_cursor(session_id) as cur:
            if last is None:
                cur.execute(_pg_sql.SELECT_MESSAGES, (session_id,))
            else:
                cur.execute(_pg_sql.SELECT_LAST_MESSAGES, (session_id, last))
            return [row["payload"] for row in cur.fetchall()]

    def clear_messages(self, session_id: str) -> None:
        """Delete the session's messages."""
        session_id = _validate.check_session_id(session_id)
        with self._message_cursor(session_id) as cur:
            cur.execute(_pg_sql.DELETE_MESSAGES, (session_id,))


def _check_message_row(row: MessageRow) -> None:
    # JSON text escapes a NUL as \u0000, which jsonb rejects like a raw NUL in text.
    if any("\x00" in text for text in (row.message_id, row.role, row.content)) or (
        "\\u0000" in row.payload and _has_nul(json.loads(row.payload))
    ):
        raise InvalidInputError(
            f"message {row.message_id!r} contains a NUL character, which PostgreSQL cannot store"
        )


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False
