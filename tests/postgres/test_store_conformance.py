"""The store conformance and thread suites (tests/store/) on PostgreSQL.

Generic ``BaseStore`` behaviour is asserted once, in the DuckDB suites; every test there
that takes the ``store`` fixture runs here again with ``store`` bound to a PostgreSQL
store, so both backends answer the same questions the same way. (Tests about DuckDB
files, migrations and its own constructors stay DuckDB-only.)
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

import tests.store.test_conformance as _conformance
import tests.store.test_threads as _threads
from langmem_extract.store.postgres import PostgresStore
from tests.backends import make_store
from tests.conftest import HashEmbeddings

pytestmark = pytest.mark.postgres

_SHARED = {
    name: fn
    for suite in (_conformance, _threads)
    for name, fn in vars(suite).items()
    if name.startswith("test_")
    and callable(fn)
    and "store" in inspect.signature(fn).parameters
    # Tests that reach into DuckDB's own connection with SQL stay DuckDB-only.
    and "store.conn" not in inspect.getsource(fn)
}
globals().update(_SHARED)


@pytest.fixture
def store() -> Iterator[PostgresStore]:
    with make_store("postgres", HashEmbeddings(64), dims=64) as s:
        assert isinstance(s, PostgresStore)
        yield s


def test_the_shared_suites_are_not_empty() -> None:
    assert len(_SHARED) >= 15
