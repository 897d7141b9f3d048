"""The exact top-k scan over the mirror's vector rows, run the cheaper of two ways.

Both ways return the same items and the same float32 scores: the sign-code pass with an
exact re-rank of a pool (``_codes``), or float32 over every candidate row. Which costs
less depends on how many rows the scan covers, on whether they are read in place (every
row, all live) or gathered (a filter's or a small namespace's rows, or the live rows
after deletes: a gathered float32 row is copied first; measured here at 100k x 384
under load, 10k gathered rows took 12-17 ms against 40-46 ms for all 100k in place),
on how often the pass's pool check answers (it declines when the k-th best score is
low: random data, random queries, or a filter that leaves a query few near neighbours;
then the float32 scan runs after it), and on the moment's load.

So every part is measured as it runs, per band of scan size (a power of two) and kind:
seconds per candidate row of a code pass that answered, of one that declined, and of
the float32 scan (moving averages), and the pass's hit rate. The pass is tried while
its expected cost, ``hit * answered + (1 - hit) * (declined + float32)``, is below the
float32 scan's; the way not taken is re-tried every ``PROBE_EVERY``-th search of the
band, so both stay measured.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from langmem_extract.store import _codes
from langmem_extract.store._kernels import matvec

if TYPE_CHECKING:
    from langmem_extract.store._vectors import StoreCache

#: Gathered scans of at least this many rows may take the code pass (in-place scans:
#: ``_codes.QUANT_MIN_ROWS``). A gathered pool may hold up to half the rows
#: (``_codes.MAX_GATHERED_POOL_FRACTION``), so from 2 x 32 x k rows a pool fits; below
#: this the float32 scan costs well under a millisecond.
GATHER_MIN_ROWS = 2048
#: Below this fraction of the vector rows, the candidates are gathered and scored; above,
#: the whole matrix is scored in place and the candidates' scores picked out.
GATHER_FRACTION = 0.3
#: One search in this many per band takes the way that currently measures dearer.
PROBE_EVERY = 16
#: Weight of the newest measurement in the moving averages.
_ALPHA = 0.3

#: ``(gathered, bits of the scan size)``.
Band = tuple[bool, int]


class ScanCost:
    """Measured costs per band; ``codes_first`` says whether to try the code pass."""

    def __init__(self) -> None:
        # (band, "answered" | "declined" | "float32") -> seconds per candidate row.
        self.cost: dict[tuple[Band, str], float] = {}
        self.hit: dict[Band, float] = {}
        self.calls: dict[Band, int] = {}

    @staticmethod
    def band(rows: int, gathered: bool) -> Band:
        return gathered, rows.bit_length()

    def expected(self, band: Band) -> tuple[float, float] | None:
        """(seconds per row trying the pass, seconds per row of float32), once known."""
        exact = self.cost.get((band, "float32"))
        if exact is None:
            return None
        hit = self.hit.get(band, 1.0)
        answered = self.cost.get((band, "answered"), 0.0)
        declined = self.cost.get((band, "declined"), 0.0)
        return hit * answered + (1 - hit) * (declined + exact), exact

    def codes_first(self, band: Band) -> bool:
        """Whether to try the code pass: the way that measures cheaper, the other one
        every ``PROBE_EVERY``-th call (the pass first, until the float32 scan is timed)."""
        calls = self.calls[band] = self.calls.get(band, 0) + 1
        costs = self.expected(band)
        prefer = costs is None or costs[0] < costs[1]
        return prefer if calls % PROBE_EVERY else not prefer

    def record(self, band: Band, part: str, seconds: float, rows: int) -> None:
        per_row = seconds / max(rows, 1)
        old = self.cost.get((band, part))
        self.cost[(band, part)] = per_row if old is None else old + _ALPHA * (per_row - old)
        if part != "float32":
            hit = 1.0 if part == "answered" else 0.0
            old_hit = self.hit.get(band, 1.0)
            self.hit[band] = old_hit + _ALPHA * (hit - old_hit)


def top_k(
    cache: StoreCache, idx: np.ndarray | None, q: np.ndarray, k: int
) -> list[tuple[int, float]]:
    """Top-``k`` items among vector rows ``idx`` (sorted; None: every row, all live)."""
    nv = cache.n_vec
    n = nv if idx is None else len(idx)
    gathered = idx is not None
    band = ScanCost.band(n, gathered)
    costs = cache.scan_cost
    if n >= (GATHER_MIN_ROWS if gathered else _codes.QUANT_MIN_ROWS):
        if costs.codes_first(band):
            cache.codes.sync(cache.vecs, nv)
            fraction = _codes.MAX_GATHERED_POOL_FRACTION if gathered else _codes.MAX_POOL_FRACTION
            started = time.perf_counter()
            got = _codes.pool_search(
                cache.codes, q, idx, n, k, cache._score_rows, cache._top_items, fraction
            )
            part = "declined" if got is None else "answered"
            costs.record(band, part, time.perf_counter() - started, n)
            if got is not None:
                return got
        else:
            cache.codes.stats["skipped"] += 1
    started = time.perf_counter()
    if idx is None:
        got = cache._top_items(None, matvec(cache.vecs[:nv], q), k)
    else:
        if n >= GATHER_FRACTION * nv:
            scores = matvec(cache.vecs[:nv], q)[idx]
        else:
            scores = matvec(cache.vecs[idx], q)
        got = cache._top_items(idx, scores, k)
    costs.record(band, "float32", time.perf_counter() - started, n)
    return got
