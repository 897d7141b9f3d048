"""``DuckDBEngine``: one DuckDB file (or ``:memory:``) and its in-process mirror, without
LangGraph.

The engine owns what a DuckDB memory file is: the connection and its lock, the schema
and its migrations, the mirror that answers reads (``_vectors.StoreCache``, loaded on
first use and kept in step with every commit), exact vector search over it, the value
reads, and the message table (``lme_messages``). Its reads are plain methods with
``BaseStore``'s signatures (:meth:`~DuckDBEngine.search`, :meth:`~DuckDBEngine.get`,
:meth:`~DuckDBEngine.list_namespaces`) plus :meth:`~DuckDBEngine.get_many`, and return
:class:`StoredItem` objects (the fields of LangGraph's ``Item`` and ``SearchItem``).

:class:`~langmem_extract.store.duckdb.DuckDBStore` is built on it: the LangGraph
``BaseStore`` face (ops, batches, writes, TTL sweeps, the HNSW rebuild) over the same
connection, mirror and reads, returning LangGraph items. The CLI's read commands open the
engine alone, read-only: a fresh process that never imports LangGraph or
``langchain_core`` (0.2-0.3 s of CPU on every ``recall``; docs/benchmarks/cold_start.md).
Recall, listing and the memory operations call only methods both offer.

DuckDB admits one process per file, readers included: while a process has the file
open for writing, any other process (a read-only one too) gets ``StoreLockedError``.
``open(path, read_only=True)`` takes a shared lock instead: several read-only processes
may open a file at once, as long as no process has it open for writing; such a store
refuses writes with ``ReadOnlyStoreError``. Within a process the engine is thread-safe:
one connection, one re-entrant lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np

from langmem_extract.errors import (
    EmbeddingDimensionError,
    InvalidInputError,
    ReadOnlyStoreError,
    StoreError,
)
from langmem_extract.store import _duckdb_load, _duckdb_read, _duckdb_sql, _validate, _vss
from langmem_extract.store import lexical_files as _lexical
from langmem_extract.store._duckdb_connect import connect, drop_empty_file
from langmem_extract.store._duckdb_read import NOT_A_SEARCH, MakeItem, Refresh, check_vector
from langmem_extract.store._duckdb_write import insert_messages, write_batch
from langmem_extract.store._hnsw import HnswIndex, HnswSettings
from langmem_extract.store._messages import AsyncMessageMethods, LoggedTurn, MessageRow
from langmem_extract.store._planned import PlannedPut
from langmem_extract.store._vectors import StoreCache, normalize_rows
from langmem_extract.store.close_hooks import DEFAULT_CLOSE_TIMEOUT, CloseReport, run_close_hooks

logger = logging.getLogger(__name__)

__all__ = ["DuckDBEngine", "StoredItem"]

E = TypeVar("E", bound="DuckDBEngine")
T = TypeVar("T")
#: One read under the lock: ``read(cache, refresh, now_us, omit_before_us)``.
Read = Callable[[StoreCache, Refresh, int, "int | None"], T]


def _now_us() -> int:
    return time.time_ns() // 1000


class StoredItem:
    """An item a :class:`DuckDBEngine` read returns: the fields of LangGraph's ``Item``,
    and ``score`` (a search hit's cosine similarity; ``None`` for a get or an unscored
    hit) as on its ``SearchItem``."""

    __slots__ = ("created_at", "key", "namespace", "score", "updated_at", "value")

    def __init__(
        self,
        namespace: tuple[str, ...],
        key: str,
        value: dict[str, Any],
        created_at: datetime,
        updated_at: datetime,
        score: float | None = None,
    ) -> None:
        self.namespace = namespace
        self.key = key
        self.value = value
        self.created_at = created_at
        self.updated_at = updated_at
        self.score = score

    def dict(self) -> dict[str, Any]:
        """The item as LangGraph's ``SearchItem.dict()`` gives it."""
        return {
            "namespace": list(self.namespace),
            "key": self.key,
            "value": self.value,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "score": self.score,
        }

    def __repr__(self) -> str:
        return f"StoredItem(namespace={self.namespace!r}, key={self.key!r}, score={self.score!r})"


def _stored_item(
    namespace: tuple[str, ...],
    key: str,
    value: dict[str, Any],
    created: datetime,
    updated: datetime,
    score: Any,
) -> StoredItem:
    return StoredItem(
        namespace, key, value, created, updated, None if score is NOT_A_SEARCH else score
    )


class DuckDBEngine(AsyncMessageMethods):
    """A DuckDB memory file: connection, schema, mirror, reads and the message table.

    Args:
        conn: an open DuckDB connection (the engine does not close it unless it opened it).
        index: ``{"dims", "embed"}``: ``embed`` embeds the search queries, an object
            with ``embed_query`` (and, to batch them, ``embed_queries``).
        ttl: ``default_ttl`` minutes, ``refresh_on_read``, ``omit_expired`` (LangGraph's
            ``TTLConfig``).
        path: the database file, used for crash detection and error messages.
    """

    supports_ttl: bool = True
    #: The schema versions ``setup()`` applies, in order (as ``SqliteStore.MIGRATIONS``).
    MIGRATIONS: tuple[str, ...] = _duckdb_sql.MIGRATIONS
    #: How a read builds each item it returns (``DuckDBStore``: LangGraph's items).
    _make_item: MakeItem = staticmethod(_stored_item)

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        *,
        index: Mapping[str, Any] | None = None,
        ttl: Mapping[str, Any] | None = None,
        path: str | Path | None = None,
    ) -> None:
        if not isinstance(conn, duckdb.DuckDBPyConnection):
            raise InvalidInputError(
                "conn must be a DuckDB connection; open a path with DuckDBStore.open"
            )
        self.conn = conn
        self.path = None if path is None else str(path)
        self.ttl_config: Any = ttl
        self._lock = threading.RLock()
        self._owns_conn = False
        self._closed = False
        self.read_only = False
        self._cache: StoreCache | None = None
        self._setup_done = False
        self._dirty = False  # written since the mirror was loaded (see close)
        self._commits = 0  # write batches committed by this object (see commit_count)
        self.index_config: Any
        self.embeddings: Any
        if index:
            cfg = dict(index)
            dims = cfg.get("dims")
            if isinstance(dims, bool) or not isinstance(dims, int) or dims < 1:
                raise InvalidInputError(f"index dims must be a positive integer, got {dims!r}")
            if cfg.get("embed") is None:
                raise InvalidInputError("index needs an 'embed' (Embeddings or function)")
            self.embeddings = cfg["embed"]
            self.index_config = cfg
        else:
            self.embeddings = None
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
        cls: type[E],
        conn_string: str | Path,
        *,
        index: Any = None,
        ttl: Any = None,
        read_only: bool = False,
    ) -> Iterator[E]:
        """Open on a file path (or ``":memory:"``); closed when the block exits."""
        store = cls.open(conn_string, index=index, ttl=ttl, read_only=read_only)
        try:
            yield store
        finally:
            store.close()

    @classmethod
    def open(
        cls: type[E],
        conn_string: str | Path,
        *,
        index: Any = None,
        ttl: Any = None,
        read_only: bool = False,
    ) -> E:
        """Open with a connection of its own; call ``close()`` (or use ``with``).
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
                index = {**index, "hnsw": False}
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

    def __enter__(self: E) -> E:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, timeout: float | None = DEFAULT_CLOSE_TIMEOUT) -> CloseReport:
        """Finish pending work, stop background threads, close the connection if this
        object opened it.

        Work queued against it in the process (background memory captures) is flushed
        first, waiting at most ``timeout`` seconds; the returned
        :class:`~langmem_extract.store.close_hooks.CloseReport` lists what could not be
        written. Closing twice is a no-op (an empty report).
        """
        if self._closed:
            return CloseReport()
        # Without the lock: the pending work writes through this object.
        report = run_close_hooks(self, timeout)
        self._stop_background()
        with self._lock:
            if self._closed:
                return report
            self._closed = True
            self._save_snapshot()
            if self._owns_conn:
                self.conn.close()
        return report

    def _stop_background(self) -> None:
        """Stop threads of this object's own before it closes (``DuckDBStore``: TTL sweeps)."""

    def _save_snapshot(self) -> None:
        # After writes, leave the vector snapshot the next open maps (see _duckdb_load).
        if not self._dirty or self._cache is None or self.read_only or not self.path:
            return
        try:
            _duckdb_load.save_snapshot(self.conn, self._cache, self.path)
        except (duckdb.Error, OSError, ValueError) as exc:
            logger.warning("no vector snapshot written for %s: %s", self.path, exc)

    def setup(self) -> None:
        """Create or migrate the tables (idempotent); read-only, check they are current."""
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

    # -- reads -----------------------------------------------------------------------

    def _run(
        self,
        read: Read[T],
        puts: Mapping[tuple[str, str], PlannedPut] | None = None,
        docs: np.ndarray | None = None,
    ) -> T:
        """``read`` under the lock, then one commit of ``puts`` (vectors ``docs``) and
        of the TTL refreshes the read asked for (none on a read-only file)."""
        with self._lock:
            self._check_open()
            cache = self._get_cache()
            now = _now_us()
            omit = now if self.ttl_config and self.ttl_config.get("omit_expired") else None
            refresh: Refresh = {}
            result = read(cache, refresh, now, omit)
            if self.read_only:
                refresh.clear()  # no TTL refresh-on-read without write access
            if puts or refresh:
                puts = puts or {}
                if docs is None:
                    docs = np.zeros((0, self._dims or 0), np.float32)
                _lexical.purge_erased(self.path, cache, puts)  # before the commit
                write_batch(self.conn, cache, puts, docs, refresh, now)
                self._dirty = self._dirty or bool(puts)
                self._commits += 1
            return result

    def _query_vectors(self, vectors: Mapping[str, Sequence[float]]) -> dict[str, np.ndarray]:
        """Each query's vector, checked (size, finite) and normalised."""
        dims = self._dims or 0
        return {
            q: normalize_rows(check_vector(v, dims, f"the embedding of query {q!r}")[None, :])[0]
            for q, v in vectors.items()
        }

    def _refresh_flag(self, refresh_ttl: bool | None) -> bool:
        # As LangGraph's BaseStore: the argument, else the TTL config's refresh_on_read.
        if refresh_ttl is not None:
            return refresh_ttl
        return bool((self.ttl_config or {}).get("refresh_on_read", True))

    def search(
        self,
        namespace_prefix: tuple[str, ...],
        /,
        *,
        query: str | None = None,
        filter: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
        refresh_ttl: bool | None = None,
    ) -> list[Any]:
        """Items under ``namespace_prefix`` matching ``filter``: by similarity to
        ``query`` (with an index), else newest first; as ``BaseStore.search``."""
        leaves = _validate.check_search(namespace_prefix, filter, limit, offset, query)
        texts = [query] if query and self.embeddings is not None else []
        qvecs = self._query_vectors(_duckdb_read.embed_queries(texts, self.embeddings))
        flag = self._refresh_flag(refresh_ttl)
        return self._run(
            lambda cache, refresh, now, omit: _duckdb_read.do_search(
                cache, namespace_prefix, leaves, query, limit, offset, flag, qvecs, refresh,
                now=now, omit_before=omit, hnsw=self._hnsw, make=self._make_item,
            )
        )  # fmt: skip

    async def asearch(self, namespace_prefix: tuple[str, ...], /, **kwargs: Any) -> list[Any]:
        """:meth:`search` in a worker thread (recall's async path)."""
        return await asyncio.to_thread(self.search, namespace_prefix, **kwargs)

    def get_many(
        self, items: Iterable[tuple[Sequence[str], str]], *, refresh_ttl: bool | None = None
    ) -> list[Any]:
        """The item at each ``(namespace, key)`` (``None`` where there is none), in one
        read of their values."""
        wanted = [(tuple(namespace), key) for namespace, key in items]
        for namespace, key in wanted:
            _validate.check_item(namespace, key)
        flag = self._refresh_flag(refresh_ttl)

        def read(cache: StoreCache, refresh: Refresh, now: int, omit: int | None) -> list[Any]:
            _duckdb_read.read_get_values(cache, wanted)
            make = self._make_item
            return [
                _duckdb_read.do_get(
                    cache, namespace, key, flag, refresh, now=now, omit_before=omit, make=make
                )
                for namespace, key in wanted
            ]

        return self._run(read)

    def get(self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None) -> Any:
        """The item at ``(namespace, key)``, or ``None``."""
        return self.get_many([(namespace, key)], refresh_ttl=refresh_ttl)[0]

    def list_namespaces(
        self,
        *,
        prefix: Sequence[str] | None = None,
        suffix: Sequence[str] | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[tuple[str, ...]]:
        """The namespaces holding items, as ``BaseStore.list_namespaces``."""
        conditions = [(kind, tuple(p)) for kind, p in (("prefix", prefix), ("suffix", suffix)) if p]
        _validate.check_list(conditions, max_depth, limit, offset)
        return self._run(
            lambda cache, _refresh, _now, omit: _duckdb_read.do_list(
                cache, conditions, max_depth, limit, offset, omit_before=omit
            )
        )

    # -- the message log (``lme_messages``; see langmem_extract.message_log) ------------
    #
    # Every call runs on the one connection under its lock, so appends never race each
    # other inside DuckDB. The earlier transcript module used a cursor per call plus a
    # retry loop on transaction conflicts: 8 threads appending the same 50 message ids
    # there failed 155-179 of 400 appends (two runs) with a primary-key "Constraint
    # Error", which that loop did not catch; distinct ids never conflicted. Under the lock
    # the same run has no errors (tests/store/test_message_log.py), so there is no retry.

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

    def load_turns(self, session_id: str) -> list[LoggedTurn]:
        """The session's messages in order, as the text the table keeps and the fields a
        turn is ranked by (no LangChain message objects)."""
        session_id = _validate.check_session_id(session_id)
        with self._lock:
            self._check_open()
            self._ensure_setup()
            rows = self.conn.execute(_duckdb_sql.SELECT_MESSAGE_TURNS, [session_id]).fetchall()
        return [LoggedTurn.from_row(text, payload) for text, payload in rows]

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
        """Writes committed through this object: as DuckDB admits one writing process per
        file, what it reads changes only when this does. ``None`` under a TTL (items
        expire without a write). Readers key their copies on it (``recall_index``)."""
        return None if self.ttl_config else self._commits
