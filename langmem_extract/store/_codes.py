"""Sign-bit codes of the mirror's vectors: a cheap first pass over a large scan, then an
exact float32 re-rank of a candidate pool.

Each vector row gets one bit per component (its sign), 48 bytes for 384 dimensions; a
query is compared with every candidate by Hamming distance (``np.bitwise_count``), and
only the closest rows are scored in float32. Measured on this 2-core machine under load
(100k x 384): the float32 scan took 34-37 ms, the Hamming pass 8-11 ms; int8 codes
through numpy were no faster than float32 (einsum into int32: 28-51 ms; int8 chunks cast
into BLAS: 26-39 ms), and a 64-dimension float32 projection (5 ms) ranks poorly
(recall@10 0.23 with a 1,000-row pool on random vectors, sign bits 0.63), so sign bits.

Returned scores are always exact (the re-rank is float32). Whether the pool holds the
whole top-k is checked, not assumed: under the sign-bit (SimHash) model a row at cosine
``s`` disagrees with the query on about ``d * arccos(s) / pi`` bits, with standard
deviation ``sqrt(d p (1 - p))``. The pool is every row within ``MARGIN_SIGMAS`` of that
for the k-th exact score (and within the distance of every row that scored as high); if
that pool would exceed ``MAX_POOL_FRACTION`` of the scan, the search scans every row in
float32 instead. Data with no neighbour structure (random vectors, whose ten best
cosines lie within 0.01 of the next ones) always ends there: exact, at the float32 cost
plus the code pass; ``_scan`` stops trying the pass when its measured hit rate makes it
a loss, and re-tries it now and then.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: Candidate rows from which the code pass is tried; below, the float32 scan is cheap.
QUANT_MIN_ROWS = 32_768
#: First pool: this many rows per wanted result, or this fraction of the scan.
POOL_PER_K = 32
POOL_FRACTION = 1 / 256
#: A pool larger than this fraction of the scan is not worth it: scan exactly. A pool row
#: is gathered (copied) before it is scored, about three times the cost of a row scored
#: in place; when the scan's own rows are gathered too (a filter, a small namespace, the
#: live rows after deletes), a pool row costs what a scanned row does, so up to half.
MAX_POOL_FRACTION = 1 / 16
MAX_GATHERED_POOL_FRACTION = 1 / 2
#: How far (in standard deviations of the Hamming distance) the pool reaches beyond the
#: distance expected for the k-th score: a row that scores at least as high is left out
#: with probability about 3e-5 (one-sided normal tail at 4).
MARGIN_SIGMAS = 4.0
# Rows encoded per chunk (bounds the temporary boolean matrix).
_ENCODE_CHUNK = 65_536

#: Scores rows of the matrix: ``(rows, query) -> scores``.
Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]
#: Picks the top-k items from scored rows: ``(rows, scores, k) -> [(slot, score)]``.
TopItems = Callable[[np.ndarray, np.ndarray, int], list[tuple[int, float]]]


class SignCodes:
    """Sign bits of vector rows ``[0, n)``, encoded lazily as rows are appended; plus
    counters of how searches went (``pool``, ``fallback``, and ``skipped`` by
    ``_scan``).

    Stored word-major (one contiguous array of 64-bit words per 64 dimensions), so the
    distance is a few whole-array XOR / popcount / add passes: 6-9 ms at 100k here,
    against 14-33 ms for the same counts summed along rows."""

    def __init__(self, dims: int) -> None:
        self.dims = dims
        self.words = max(1, (dims + 63) // 64)
        self.codes = np.zeros((self.words, 0), dtype=np.uint64)
        self.n = 0
        self.stats = {"pool": 0, "fallback": 0, "skipped": 0}

    def clear(self) -> None:
        """Forget every code (the rows were replaced: a load or a compaction)."""
        self.codes = np.zeros((self.words, 0), dtype=np.uint64)
        self.n = 0

    def adopt(self, codes: np.ndarray) -> None:
        """Take saved codes of rows ``[0, n)`` (a snapshot's; copied when rows follow)."""
        self.codes = codes
        self.n = codes.shape[1]

    def encode(self, vecs: np.ndarray) -> np.ndarray:
        """Codes of ``vecs`` as (rows, words) 64-bit words."""
        out = np.zeros((len(vecs), self.words * 8), dtype=np.uint8)
        packed = np.packbits(vecs > 0, axis=1)
        out[:, : packed.shape[1]] = packed
        return out.view(np.uint64)

    def sync(self, vecs: np.ndarray, n_rows: int) -> None:
        """Encode rows appended since the last call (rows never change once written)."""
        if n_rows < self.n:
            self.clear()
        cap = self.codes.shape[1]
        if n_rows > cap:
            grown = np.zeros((self.words, max(n_rows, cap + cap // 4)), dtype=np.uint64)
            grown[:, : self.n] = self.codes[:, : self.n]
            self.codes = grown
        for start in range(self.n, n_rows, _ENCODE_CHUNK):
            end = min(n_rows, start + _ENCODE_CHUNK)
            self.codes[:, start:end] = self.encode(vecs[start:end]).T
        self.n = n_rows

    def distances(self, query: np.ndarray, idx: np.ndarray | None) -> np.ndarray:
        """Hamming distance from the query's code to rows ``idx`` (None: all rows)."""
        qcode = self.encode(query[None, :])[0]
        n = self.n if idx is None else len(idx)
        acc = np.zeros(n, dtype=np.uint64)
        buf = np.empty(n, dtype=np.uint64)
        for w in range(self.words):
            col = self.codes[w, : self.n] if idx is None else self.codes[w, idx]
            np.bitwise_xor(col, qcode[w], out=buf)
            np.bitwise_count(buf, out=buf)
            acc += buf
        return acc.astype(np.int32)


def pool_search(
    codes: SignCodes,
    query: np.ndarray,
    idx: np.ndarray | None,
    n_candidates: int,
    k: int,
    score: Scorer,
    top_items: TopItems,
    max_fraction: float = MAX_POOL_FRACTION,
) -> list[tuple[int, float]] | None:
    """The top-``k`` items among the candidate rows ``idx`` (None: rows ``[0, n)``) by
    the code pass and an exact re-rank of a pool of at most ``max_fraction`` of them;
    ``None`` when the pool check says scan them all (the caller then does)."""
    ham = codes.distances(query, idx)
    limit = int(n_candidates * max_fraction)
    size = min(n_candidates - 1, max(k * POOL_PER_K, int(n_candidates * POOL_FRACTION)))
    cut = int(np.partition(ham, size)[size])  # rows closer than this form the pool
    for _ in range(2):
        pos = np.flatnonzero(ham < cut)
        if 0 < len(pos) <= limit:
            rows = pos if idx is None else idx[pos]
            scores = score(rows, query)
            top = top_items(rows, scores, k)
            if len(top) == k:
                need = _needed_distance(top[-1][1], ham[pos][scores >= top[-1][1]], codes.dims)
                if need < cut:
                    codes.stats["pool"] += 1
                    return top
                cut = need + 1  # a second pool reaching as far as the check asks
                continue
        break
    codes.stats["fallback"] += 1
    return None


def _needed_distance(kth_score: float, top_distances: np.ndarray, bits: int) -> int:
    """The Hamming distance the pool must reach past: the model's distance for the k-th
    score plus the margin, and at least the distance of every row scoring that high."""
    p = math.acos(min(1.0, max(-1.0, kth_score))) / math.pi
    model = bits * p + MARGIN_SIGMAS * math.sqrt(bits * p * (1 - p))
    seen = int(top_distances.max()) if len(top_distances) else 0
    return max(seen, math.ceil(model))
