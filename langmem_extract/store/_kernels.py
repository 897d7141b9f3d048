"""Float32 matrix-vector products for the mirror's exact scans, on the faster kernel.

Every exact score the store returns comes from here (full scans, and the re-rank of the
candidate pool in ``_codes``).
"""

from __future__ import annotations

import time

import numpy as np

# From this many rows a matrix-vector product may go to BLAS (``matrix @ q``, threaded);
# below it numpy's own single-threaded einsum loop always wins (no thread hand-off).
_BLAS_MIN_ROWS = 16_384
# One call in this many tries the kernel that is currently not preferred.
_PROBE_EVERY = 16


class _KernelChooser:
    """Picks einsum or BLAS for large products by their measured time per row.

    BLAS spreads a product over every core, which wins on a quiet machine and loses
    badly when other processes hold the cores (thread hand-offs dominate); einsum stays
    on one core. Which is faster depends on the moment, so both are timed as they run
    (a moving average per row) and the faster one is used, re-trying the other now and
    then. Results are the same either way (float32 dot products).
    """

    def __init__(self) -> None:
        self.cost = {"einsum": float("nan"), "blas": float("nan")}
        self.calls = 0

    def pick(self) -> str:
        self.calls += 1
        e, b = self.cost["einsum"], self.cost["blas"]
        if e != e:  # NaN: not measured yet
            return "einsum"
        if b != b:
            return "blas"
        best, other = ("einsum", "blas") if e <= b else ("blas", "einsum")
        return other if self.calls % _PROBE_EVERY == 0 else best

    def record(self, kernel: str, seconds: float, rows: int) -> None:
        per_row = seconds / max(rows, 1)
        old = self.cost[kernel]
        self.cost[kernel] = per_row if old != old else 0.7 * old + 0.3 * per_row


_CHOOSER = _KernelChooser()


def matvec(matrix: np.ndarray, q: np.ndarray) -> np.ndarray:
    # Small products: einsum (numpy's SIMD loop, one core). Measured here under load,
    # 2,000 x 384 took 13 ms with BLAS and 0.23 ms with einsum.
    rows = matrix.shape[0]
    if rows < _BLAS_MIN_ROWS or not matrix.flags.c_contiguous:
        return np.einsum("ij,j->i", matrix, q)
    kernel = _CHOOSER.pick()
    started = time.perf_counter()
    out = np.einsum("ij,j->i", matrix, q) if kernel == "einsum" else matrix @ q
    _CHOOSER.record(kernel, time.perf_counter() - started, rows)
    return out
