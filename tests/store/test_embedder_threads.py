"""The embedder's OpenMP thread policy: one thread per core the machine leaves idle, the
embedder's own load discounted, set per call without touching the environment."""

from __future__ import annotations

import os

import numpy as np
import pytest

from langmem_extract.embedder_threads import LOAD_TAU_S, LoadAwareThreads, set_engine_threads
from langmem_extract.embeddings import E5Embeddings
from langmem_extract.errors import InvalidInputError


@pytest.mark.parametrize(
    ("load", "threads"),
    [(0.0, 4), (0.4, 4), (1.0, 3), (2.6, 1), (3.5, 1), (40.0, 1)],
)
def test_threads_are_the_idle_cores(load: float, threads: int) -> None:
    assert LoadAwareThreads(cores=4).pick(load=load) == threads


def test_the_embedders_own_load_is_not_someone_elses() -> None:
    policy = LoadAwareThreads(cores=2)
    assert policy.pick(load=2.0) == 1
    # Two threads busy for a whole decay period: about 2 of the load average is ours.
    policy.ran(2, LOAD_TAU_S)
    assert policy.pick(load=2.0) == 2
    # Someone else's load on top of ours still counts.
    assert policy.pick(load=3.2) == 1


def test_own_load_decays() -> None:
    policy = LoadAwareThreads(cores=2)
    policy.ran(2, LOAD_TAU_S)
    policy._at -= 10 * LOAD_TAU_S  # ten decay periods later
    assert policy.pick(load=2.0) == 1


class _Lib:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def omp_set_num_threads(self, n: int) -> None:
        self.calls.append(n)


class _Model:
    def __init__(self) -> None:
        self._lib = _Lib()


def test_set_engine_threads_calls_the_engine_only() -> None:
    model = _Model()
    env = dict(os.environ)
    assert set_engine_threads(model, 3) is True
    assert model._lib.calls == [3]
    assert dict(os.environ) == env
    assert set_engine_threads(object(), 3) is False


def test_a_user_set_omp_num_threads_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _Model()
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert E5Embeddings()._set_threads(model) == 3
    assert model._lib.calls == []  # OpenMP applies the variable itself
    assert E5Embeddings(threads=2)._set_threads(model) == 2  # an explicit count still wins
    monkeypatch.delenv("OMP_NUM_THREADS")
    E5Embeddings()._set_threads(model)
    assert len(model._lib.calls) == 2


@pytest.mark.parametrize("threads", [-1, 1.5, True, "2"])
def test_bad_thread_counts_are_refused(threads: object) -> None:
    with pytest.raises(InvalidInputError, match="threads"):
        E5Embeddings(threads=threads)  # type: ignore[arg-type]


def test_vectors_do_not_depend_on_the_thread_count() -> None:
    texts = ["I keep bees on the roof.", "Meine Schwester wohnt in Valencia."]
    env = dict(os.environ)
    one = np.asarray(E5Embeddings(threads=1).embed_documents(texts))
    two = np.asarray(E5Embeddings(threads=2).embed_documents(texts))
    auto = np.asarray(E5Embeddings().embed_documents(texts))
    assert np.allclose(one, two, atol=1e-4) and np.allclose(one, auto, atol=1e-4)
    assert dict(os.environ) == env
