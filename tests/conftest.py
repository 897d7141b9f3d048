from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore

from langmem_extract.embeddings import HashingEmbeddings
from tests.backends import BACKENDS, make_store

# The test run is an application: like the CLI, it bounds libgomp's spin before the
# embedder's engine loads, which halves e5's cost on a busy machine (docs/store.md).
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "10000")

# The package's hashing embedder under the name the tests have always used.
HashEmbeddings = HashingEmbeddings


@pytest.fixture
def hash_embeddings() -> HashEmbeddings:
    return HashEmbeddings()


@pytest.fixture(scope="session")
def e5_embeddings() -> Embeddings:
    """The bundled default embedder, loaded once per test session."""
    from langmem_extract.embeddings import E5Embeddings

    return E5Embeddings()


@pytest.fixture(params=BACKENDS)
def memory_store(request: pytest.FixtureRequest, e5_embeddings: Embeddings) -> Iterator[BaseStore]:
    """An empty memory store on each backend, indexed with the default embedder."""
    with make_store(request.param, e5_embeddings, dims=384) as store:
        yield store


# The embedded PostgreSQL server (tests/pg_server.py): a session fixture, and a
# hook that stops the server at session end when it was started lazily.
from tests.pg_server import pg_server, stop_server  # noqa: E402, F401


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    stop_server()
