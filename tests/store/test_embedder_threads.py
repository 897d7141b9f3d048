"""The embedder's OpenMP thread policy: one thread per core the machine leaves idle, the
embedder's own load discounted, set per call without touching the environment."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from langmem_extract.embedder_threads import (
    LOAD_TAU_S,
    LoadAwareThreads,
    parse_busy_seconds,
    set_engine_threads,
)
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


class _Machine:
    """A fake machine: wall clock, busy CPU seconds of its cores, a load average."""

    def __init__(self, load: float) -> None:
        self.wall = 0.0
        self.busy = 1000.0
        self.load = load

    def clock(self) -> float:
        return self.wall

    def busy_seconds(self) -> float | None:
        return self.busy

    def load_1m(self) -> float | None:
        return self.load


def _busy_loop(others: float, load: float, queries: int = 200, read: bool = True) -> list[int]:
    """Recall queries back to back on a 2-core machine where other processes keep
    ``others`` cores busy and the 1-minute load average reads ``load`` throughout: 17 ms
    in the engine on two threads (27 ms on one), then 10 ms of the query's other work."""
    machine, cpu = _Machine(load), _Clock()
    policy = LoadAwareThreads(
        cores=2, cpu_clock=cpu, clock=machine.clock, load_reader=machine.load_1m,
        busy_reader=machine.busy_seconds if read else lambda: None,
    )  # fmt: skip
    picks = []
    for _ in range(queries):
        threads = policy.pick()
        engine = 0.017 if threads == 2 else 0.027
        step = engine + 0.010
        policy.ran(threads, engine)
        cpu.now += step  # the calling thread
        machine.wall += step
        machine.busy += step + (threads - 1) * engine + others * step
        picks.append(threads)
    return picks


def test_busy_cpu_seconds_decide_over_a_misleading_load_average() -> None:
    """A load average of 0.9 on an idle 2-core machine (tasks waiting on I/O count in it,
    and it lags a minute) made the old policy run the engine on one thread; the cores'
    busy seconds, less this process's own embedding work, show the second core idle."""
    picks = _busy_loop(others=0.05, load=0.9)
    assert picks[0] == 1  # no window yet: the load average decides
    assert set(picks[30:]) == {2}  # from the first half-second window on
    assert set(_busy_loop(others=0.05, load=0.9, read=False)) == {1}  # the load average alone
    # The same load average with the other core really busy: one thread, nothing spins.
    assert set(_busy_loop(others=0.9, load=0.9)[30:]) == {1}
    # And a host busy by CPU but with a low load average reading (it lags): one thread.
    assert set(_busy_loop(others=1.5, load=0.1)[30:]) == {1}


def test_busy_reading_falls_back_to_the_load_average() -> None:
    machine = _Machine(load=1.8)
    policy = LoadAwareThreads(
        cores=2, cpu_clock=lambda: 0.0, busy_reader=lambda: None, clock=machine.clock,
        load_reader=machine.load_1m,
    )  # fmt: skip
    assert [policy.pick() for _ in range(3)] == [1, 1, 1]
    machine.load = 0.2
    assert policy.pick() == 2
    # A window older than the load average's minute is not used: the load average is.
    busy = _Machine(load=1.8)
    stale = LoadAwareThreads(
        cores=2, cpu_clock=lambda: 0.0, busy_reader=busy.busy_seconds, clock=busy.clock,
        load_reader=busy.load_1m,
    )  # fmt: skip
    stale.pick()
    busy.wall += 1.0  # an idle second: a window reading 0 cores of other work
    assert stale.pick() == 2
    busy.wall += 2 * LOAD_TAU_S
    assert stale.pick() == 1  # load average 1.8 again


def test_busy_seconds_are_read_from_proc_stat_lines() -> None:
    stat = (
        "cpu  100 10 50 900 20 0 5 15 0 0\n"
        "cpu0 60 5 30 400 10 0 3 10 0 0\n"
        "cpu1 40 5 20 500 10 0 2 5 0 0\n"
        "intr 12345 0 0\n"
    )
    tick = parse_busy_seconds("cpu  1 0 0 0 0 0 0 0\n", None)
    assert tick is not None and tick > 0
    # user + nice + system + irq + softirq + steal; idle and iowait are not busy.
    assert parse_busy_seconds(stat, None) == pytest.approx(180 * tick)
    assert parse_busy_seconds(stat, {0}) == pytest.approx(108 * tick)
    assert parse_busy_seconds(stat, {0, 1}) == pytest.approx(180 * tick)
    assert parse_busy_seconds("intr 1 2 3\n", None) is None
    assert parse_busy_seconds(stat, {7}) is None


def test_the_workers_measured_cpu_replaces_the_wall_clock_estimate() -> None:
    """On a busy host a worker waits for a core: its measured CPU, not the call's wall
    time, is this process's own load (the estimate would hide others' work)."""
    machine = _Machine(load=0.0)
    measured = LoadAwareThreads(
        cores=2, cpu_clock=lambda: 0.0, busy_reader=machine.busy_seconds, clock=machine.clock,
    )  # fmt: skip
    estimated = LoadAwareThreads(
        cores=2, cpu_clock=lambda: 0.0, busy_reader=machine.busy_seconds, clock=machine.clock,
    )  # fmt: skip
    for policy in (measured, estimated):
        policy.pick()
    machine.wall += 1.0
    machine.busy += 1.4  # the worker used 0.4 s of the 1 s call; others 1.0 core
    measured.ran(2, 1.0, workers_cpu=0.4)
    estimated.ran(2, 1.0)
    assert measured.pick() == 1  # reads 1.0 core of other work
    assert estimated.pick() == 2  # would read 0.4 and spin on a busy host
    # Measured CPU never counts beyond the workers' share (another thread's CPU).
    measured.ran(2, 0.1, workers_cpu=5.0)
    assert measured._own_total == pytest.approx(0.4 + 0.1)
    measured.ran(1, 0.1, workers_cpu=5.0)  # one thread: no workers
    assert measured._own_total == pytest.approx(0.5)


def _recalled(threads: int, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    from langmem_extract import extract_memories
    from langmem_extract.recall import recall_memories
    from langmem_extract.schema import MEMORY_INDEX_FIELDS
    from langmem_extract.store.duckdb import DuckDBStore

    embedder = E5Embeddings(threads=threads)
    index = {"dims": 384, "embed": embedder, "fields": MEMORY_INDEX_FIELDS}
    facts = [
        ("m1", "I keep bees on the roof of our flat.", "User keeps bees on the roof."),
        ("m2", "My sister moved to Valencia last spring.", "User's sister lives in Valencia."),
        ("m3", "I sail a small dinghy on Sundays.", "User sails a dinghy on Sundays."),
        ("m4", "We adopted a grey cat called Pepper.", "User has a grey cat named Pepper."),
    ]
    with DuckDBStore.from_conn_string(":memory:", index=index) as store:
        store.setup()
        for mid, text, fact in facts:
            extract_memories(
                [{"id": mid, "role": "user", "content": text}],
                candidates=[{"content": fact, "type": "fact", "source_message_ids": [mid]}],
                store=store, namespace=("memories", "u1"),
            )  # fmt: skip
        out = []
        for question in ("where does my sister live", "what pets do I have", "weekend hobby"):
            for hit in recall_memories(store, question, ("memories", "u1"), k=4):
                out.append((question, hit.memory.content, hit.score, hit.rank_score,
                            hit.similarity, hit.observation))  # fmt: skip
        return out


def test_recall_results_do_not_depend_on_the_thread_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The policy only changes how many cores the engine uses: the same memories, in the
    same order, with the same scores, whether it runs on one thread or two."""
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    one, two = _recalled(1, monkeypatch), _recalled(2, monkeypatch)
    assert len(one) == 12
    # rank_score blends in recency, which moves with the clock between the two runs.
    assert [row[:3] + row[4:] for row in one] == [row[:3] + row[4:] for row in two]
    assert [row[3] for row in one] == pytest.approx([row[3] for row in two], abs=1e-6)
