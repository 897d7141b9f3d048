"""``open_store``: one call that gives a ready memory store.

``open_store()`` opens (and migrates) ``memories.duckdb`` with the default memory index:
the bundled e5 embedder over the ``content`` field. The returned store has ``close()``
and works as a context manager.

``open_reader()`` opens a DuckDB file read-only as the plain
:class:`~langmem_extract.store.duckdb_engine.DuckDBEngine` (the same index, embedded by
the E5 encoder without its LangChain face): what the CLI's read commands use, so their
process never imports LangGraph or ``langchain_core`` (docs/benchmarks/cold_start.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langmem_extract.errors import InvalidInputError
from langmem_extract.schema import MEMORY_INDEX_FIELDS

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langgraph.store.base import BaseStore, IndexConfig, TTLConfig

    from langmem_extract.store.duckdb_engine import DuckDBEngine

__all__ = ["default_memory_index", "mask_url", "open_reader", "open_store", "opened_store"]


def default_memory_index(
    embeddings: Embeddings | None = None, dims: int | None = None
) -> IndexConfig:
    """The memory index: ``content`` embedded with ``embeddings`` (default: E5, 384-d)."""
    if embeddings is None:
        from langmem_extract.embeddings import E5Embeddings

        embeddings = E5Embeddings()
    return _memory_index(embeddings, dims)


def _memory_index(embeddings: Any, dims: int | None) -> Any:
    if dims is None:
        dims = getattr(embeddings, "dims", None)
    if not isinstance(dims, int):
        raise InvalidInputError("pass index={'dims': ...} when the embeddings do not declare dims")
    return {"dims": dims, "embed": embeddings, "fields": list(MEMORY_INDEX_FIELDS)}


_URL_PASSWORD = re.compile(r"""(?P<head>\b[a-zA-Z][\w+.-]*://[^\s:/@]*:)[^\s'"]*(?=@)""")
_KV_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def mask_url(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` URL and every
    ``password=…`` setting replaced by ``***``, for error messages and logs."""
    return _KV_PASSWORD.sub(r"\g<head>***", _URL_PASSWORD.sub(r"\g<head>***", str(text)))


def _scheme(target: str) -> str:
    head, sep, _ = target.partition("://")
    return head.lower() if sep else ""


def duckdb_file(target: str | Path) -> str | None:
    """The DuckDB file a store target names (a path or ``duckdb://<path>``), or None for
    ``":memory:"`` and PostgreSQL URLs."""
    text = str(target)
    scheme = _scheme(text)
    if scheme == "duckdb":
        text = text.partition("://")[2]
    elif scheme:
        return None
    return None if text == ":memory:" else text


def open_store(
    target: str | Path = "memories.duckdb",
    *,
    embeddings: Embeddings | None = None,
    index: IndexConfig | None = None,
    ttl: TTLConfig | None = None,
    read_only: bool = False,
) -> BaseStore:
    """Open and set up a memory store.

    Args:
        target: a DuckDB file path, ``":memory:"``, ``duckdb://<path>``, or a
            ``postgresql://`` / ``postgres://`` URL (PostgreSQL + pgvector).
        embeddings: embedder for the default memory index (default: bundled E5).
        index: a full index config; overrides ``embeddings``.
        ttl: a LangGraph ``TTLConfig``.
        read_only: open an existing DuckDB file with a shared lock: reads work, writes
            raise ``ReadOnlyStoreError``. Several read-only processes may share the file,
            but not while any process has it open for writing (``StoreLockedError``).

    Returns:
        A set-up store with ``close()``; also usable as ``with open_store(...) as store:``.
    """
    if not isinstance(target, str | Path):
        raise InvalidInputError(
            f"target must be a file path, ':memory:' or a store URL, got {type(target).__name__}"
        )
    text = str(target)
    scheme = _scheme(text)
    if scheme not in ("postgresql", "postgres", "", "duckdb"):
        raise InvalidInputError(
            f"unknown store URL scheme {scheme!r} in {mask_url(text)!r}: use a file path, ':memory:', "
            "duckdb://<path> or postgresql://..."
        )
    if read_only and scheme not in ("", "duckdb"):
        raise InvalidInputError(
            "read_only applies to DuckDB files; use a read-only role in PostgreSQL"
        )
    if index is None:
        index = default_memory_index(embeddings)

    # -- PostgreSQL (postgresql:// and postgres:// URLs) --------------------------------
    if scheme in ("postgresql", "postgres"):
        return _open_postgres(text, index=index, ttl=ttl)

    # -- DuckDB (a path, ":memory:", or duckdb://) -----------------------------------
    return _open_duckdb(text, index=index, ttl=ttl, read_only=read_only)


@contextmanager
def opened_store(target: str | Path = "memories.duckdb", **kwargs: Any) -> Iterator[BaseStore]:
    """``open_store(target, **kwargs)`` for the length of a ``with`` block, then closed."""
    store = open_store(target, **kwargs)
    try:
        yield store
    finally:
        # Every store ``open_store`` returns has ``close``; other BaseStores may not.
        close = getattr(store, "close", None)
        if callable(close):
            close()


def _open_duckdb(
    target: str, *, index: IndexConfig, ttl: TTLConfig | None, read_only: bool = False
) -> BaseStore:
    from langmem_extract.store.duckdb import DuckDBStore

    store = DuckDBStore.open(target, index=index, ttl=ttl, read_only=read_only)
    try:
        store.setup()
    except BaseException:
        store.close()
        raise
    return store


def open_reader(target: str | Path) -> DuckDBEngine:
    """A DuckDB file (a path or ``duckdb://<path>``) opened read-only, with a shared lock,
    as the plain ``DuckDBEngine`` with the default memory index.

    Its reads (``search``, ``get``, ``get_many``, ``list_namespaces``) and the message
    log's are those of :func:`open_store` with ``read_only=True``, and recall, listing
    and the memory operations run on it as on that store; it is no LangGraph
    ``BaseStore``. Raises ``StoreError`` for a file not set up at this version (open it
    once with :func:`open_store`), ``StoreLockedError`` while a process writes to it.
    """
    if not isinstance(target, str | Path) or duckdb_file(target) is None:
        raise InvalidInputError(f"open_reader opens a DuckDB file, got {mask_url(str(target))!r}")
    from langmem_extract.e5_encoder import E5Encoder
    from langmem_extract.store.duckdb_engine import DuckDBEngine

    engine = DuckDBEngine.open(target, index=_memory_index(E5Encoder(), None), read_only=True)
    try:
        engine.setup()
    except BaseException:
        engine.close()
        raise
    return engine


def _open_postgres(target: str, *, index: IndexConfig, ttl: TTLConfig | None) -> Any:
    try:
        from langmem_extract.store.postgres import PostgresStore
    except ImportError as exc:  # the postgres extra is not installed
        raise InvalidInputError(
            f"PostgreSQL needs the postgres extra: pip install 'langmem-extract[postgres]' ({exc})"
        ) from exc
    return PostgresStore.connect(target, index=index, ttl=ttl, setup=True)  # type: ignore[arg-type]
