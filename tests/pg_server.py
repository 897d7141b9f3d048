"""The embedded PostgreSQL server for tests: one per test process, from
:mod:`langmem_extract.eval.pg_server`.

Started lazily on first use and stopped at session end, at interpreter exit, or — if the
test process is killed — by the server's watchdog. If the server cannot start, Postgres
tests skip with the reason — unless ``LANGMEM_REQUIRE_POSTGRES=1`` or ``CI`` is set,
where a missing server is a failure.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator

import pytest

from langmem_extract.eval.pg_server import (
    FAST_SETTINGS,
    EmbeddedPostgres,
    PostgresUnavailableError,
)

__all__ = [
    "FAST_SETTINGS",
    "EmbeddedPostgres",
    "PostgresUnavailableError",
    "database_url",
    "get_server",
    "pg_server",
    "required",
    "stop_server",
    "truncate_all",
]


def required() -> bool:
    """Whether a server that cannot start is a failure rather than a skip."""
    flag = os.environ.get("LANGMEM_REQUIRE_POSTGRES", "").lower()
    if flag:
        return flag not in ("0", "false", "no")
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


# --- one server per test process -------------------------------------------

_lock = threading.Lock()
_server: EmbeddedPostgres | None = None
_failure: str | None = None
_databases: dict[str, str] = {}


def get_server() -> EmbeddedPostgres:
    """The process's shared server, started on first use; skips (or fails) if unavailable."""
    global _server, _failure
    with _lock:
        if _server is None and _failure is None:
            try:
                server = EmbeddedPostgres()
                server.start()
            except Exception as err:  # any failure to start means "no server here"
                _failure = f"embedded PostgreSQL unavailable: {err}"
            else:
                _server = server
                atexit.register(stop_server)
        if _server is None:
            if required():
                pytest.fail(f"{_failure} (required: CI or LANGMEM_REQUIRE_POSTGRES is set)")
            pytest.skip(str(_failure))
        return _server


def database_url(name: str) -> str:
    """URL of a database created once per session on the shared server."""
    server = get_server()
    with _lock:
        if name not in _databases:
            _databases[name] = server.create_database(name)
        return _databases[name]


def stop_server() -> None:
    global _server
    with _lock:
        if _server is not None:
            _server.stop()
            _server = None
            _databases.clear()


def truncate_all(url: str) -> None:
    """Empty every table except migration bookkeeping, so the next test starts clean."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                _LIST_TABLES, {"skip": ["store_migrations", "vector_migrations"]}
            )
        ]
        if names:
            conn.execute(
                sql.SQL("TRUNCATE {} CASCADE").format(
                    sql.SQL(", ").join(sql.Identifier(n) for n in names)
                )
            )


_LIST_TABLES = """
SELECT tablename FROM pg_tables
WHERE schemaname = 'public' AND NOT (tablename = ANY(%(skip)s))
"""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[EmbeddedPostgres]:
    """The shared embedded server; stopped at the end of the session even on failure."""
    try:
        yield get_server()
    finally:
        stop_server()
