from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator

import pytest
from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore

from tests.backends import BACKENDS, make_store


class HashEmbeddings(Embeddings):
    """Deterministic bag-of-words embeddings: fast, offline, and similar texts score high."""

    def __init__(self, dims: int = 64) -> None:
        self.dims = dims

    def _one(self, text: str) -> list[float]:
        vec = [0.0] * self.dims
        for token in text.lower().split():
            h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")
            vec[h % self.dims] += 1.0 if (h >> 32) & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._one(text)


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
