"""The store conformance suite (tests/store/test_conformance.py) on PostgreSQL.

Generic ``BaseStore`` behaviour is asserted once, in the DuckDB suite; this module
re-runs those tests with its ``store`` fixture bound to a PostgreSQL store, so both
backends answer the same questions the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from langmem_extract.store.postgres import PostgresStore
from tests.backends import make_store
from tests.conftest import HashEmbeddings
from tests.store.test_conformance import *  # noqa: F403

pytestmark = pytest.mark.postgres


@pytest.fixture
def store() -> Iterator[PostgresStore]:
    with make_store("postgres", HashEmbeddings(64), dims=64) as s:
        assert isinstance(s, PostgresStore)
        yield s
