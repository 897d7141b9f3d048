from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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


# --- evaluation data ---------------------------------------------------------------
# The third-party LoCoMo/PrefEval data is not in the repository (non-commercial licences).
# Tests that need its format run on the synthetic fixtures; tests of the real data run when
# it is present and, under CI=true, fail when it is not.

ROOT = Path(__file__).resolve().parents[1]
#: Invented content in the real formats (see its README).
SYNTHETIC_EVAL_DATA = ROOT / "tests" / "eval" / "fixtures" / "data"
EVAL_DATA_ENV = "LANGMEM_EVAL_DATA"


def real_eval_data() -> Path | None:
    """The real evaluation data: ``$LANGMEM_EVAL_DATA`` when set (and then only there, so
    pointing it at a missing directory simulates a fresh clone), else the checkout's
    ``../shared/data``; None when it is not there."""
    env = os.environ.get(EVAL_DATA_ENV)
    path = Path(env) if env else ROOT.parent / "shared" / "data"
    wanted = (path / "locomo" / "locomo_dev.json", path / "prefeval" / "explicit_preference")
    return path if all(p.exists() for p in wanted) else None


def _ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The real evaluation data; skips without it, or fails under CI, where it is required."""
    path = real_eval_data()
    if path is None:
        env = os.environ.get(EVAL_DATA_ENV)
        where = f"{EVAL_DATA_ENV}={env}" if env else str(ROOT.parent / "shared" / "data")
        reason = f"real evaluation data not found at {where} (set {EVAL_DATA_ENV} to it)"
        if _ci():
            pytest.fail(f"{reason}; required under CI")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def synthetic_data_dir() -> Path:
    return SYNTHETIC_EVAL_DATA


# The embedded PostgreSQL server (tests/pg_server.py): a session fixture, and a
# hook that stops the server at session end when it was started lazily.
from tests.pg_server import pg_server, stop_server  # noqa: E402, F401


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    stop_server()
