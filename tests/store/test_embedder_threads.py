"""The embedder's OpenMP thread policy: one thread per core the machine leaves idle, the
embedder's own load discounted, set per call without touching the environment."""

from __future__ import annotations

import math
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


class _Clock:
    """A thread CPU clock the test advances."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_embedders_own_load_is_not_someone_elses() -> None:
    cpu = _Clock()
    policy = LoadAwareThreads(cores=2, cpu_clock=cpu)
    assert policy.pick(load=2.0) == 1
    # Two threads busy for a whole decay period: the engine's worker, and the calling
    # thread (its CPU clock); about 2 of the load average is ours.
    policy.ran(2, LOAD_TAU_S)
    cpu.now += LOAD_TAU_S
    assert policy.pick(load=2.0) == 2
    # Someone else's load on top of ours still counts.
    assert policy.pick(load=3.2) == 1


def _recall_loop(policy: LoadAwareThreads, cpu: _Clock, other_load: float) -> list[int]:
    """Five minutes of recall queries, one after another: 17 ms in the engine on two
    threads (27 ms on one), then 10 ms of the query's other work (search, ranking). The
    1-minute load average is simulated as the kernel keeps it: this process's runnable
    threads (the caller always, the engine's worker while it runs) plus ``other_load``."""
    load, picks = other_load, []
    for _ in range(10_000):
        threads = policy.pick(load=load)
        engine = 0.017 if threads == 2 else 0.027
        step = engine + 0.010
        policy.ran(threads, engine)
        cpu.now += step  # the calling thread is never idle
        policy._at -= step
        runnable = 1 + (threads - 1) * engine / step + other_load
        decay = math.exp(-step / LOAD_TAU_S)
        load = load * decay + runnable * (1 - decay)
        picks.append(threads)
    return picks


def test_a_recall_loop_counts_its_own_work_between_calls() -> None:
    """On a 2-core machine where something else keeps 0.2 of a core busy, a stream of
    recall queries gets both cores for its embeddings: its own work between the engine
    calls is not counted as another process's load."""
    cpu = _Clock()
    picks = _recall_loop(LoadAwareThreads(cores=2, cpu_clock=cpu), cpu, other_load=0.2)
    assert set(picks[-5000:]) == {2}
    # Counting only the engine's seconds (as before) took 0.37 of the loop's own load for
    # someone else's: with 0.2 more the loop ran on one thread.
    engine_only = LoadAwareThreads(cores=2, cpu_clock=lambda: 0.0)
    engine_only.ran = lambda threads, seconds: LoadAwareThreads.ran(  # type: ignore[method-assign]
        engine_only, threads + 1, seconds
    )
    assert 1 in _recall_loop(engine_only, _Clock(), other_load=0.2)[-5000:]
    # Another process's real load still counts.
    cpu2 = _Clock()
    busy = _recall_loop(LoadAwareThreads(cores=2, cpu_clock=cpu2), cpu2, other_load=1.0)
    assert set(busy[-5000:]) == {1}


def test_each_calling_thread_counts_from_its_own_first_call() -> None:
    cpu = _Clock()
    policy = LoadAwareThreads(cores=2, cpu_clock=cpu)
    cpu.now = 500.0  # CPU a thread used long before it first embeds is not counted
    policy.pick(load=0.0)
    assert policy._own == 0.0
    cpu.now += 6.0
    policy.pick(load=0.0)
    assert policy._own == pytest.approx(6.0 / LOAD_TAU_S)


def test_own_load_decays() -> None:
    policy = LoadAwareThreads(cores=2, cpu_clock=lambda: 0.0)
    policy.ran(3, LOAD_TAU_S)
    assert policy.pick(load=2.0) == 2
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
