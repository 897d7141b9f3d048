"""The optional HNSW path of ``DuckDBStore``: its settings, its state and its searches.

The index is a snapshot taken at ``built_us``. Items written since then (the "delta":
``updated_us > built_us``) are always scored exactly from the mirror, index hits whose
item changed or vanished since the build are dropped, and the survivors are re-ranked
exactly. So a stale index can only cost speed, never a result. The vss problems this
works around are listed in ``_vss``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np

from langmem_extract.store import _duckdb_sql, _vss
from langmem_extract.store._vectors import StoreCache


@dataclass(frozen=True)
class HnswSettings:
    """The ``hnsw*`` keys of a ``DuckDBIndexConfig``, with their defaults."""

    enabled: bool = False
    """Use a vss HNSW index for unfiltered searches over at least ``min_rows``."""
    min_rows: int = 200_000
    """Candidate-set size from which the HNSW path is tried."""
    overfetch: int = 10
    """Rows asked of the index per wanted result before exact re-ranking."""
    stale_fraction: float = 0.1
    """Rebuild once deletes+updates since the last build exceed this fraction."""
    ef_search: int = 256
    """HNSW ``ef_search``."""

    @classmethod
    def from_index(cls, index: Mapping[str, Any] | None) -> HnswSettings:
        cfg = index or {}
        default = cls()
        return cls(
            enabled=bool(cfg.get("hnsw", default.enabled)),
            min_rows=int(cfg.get("hnsw_min_rows", default.min_rows)),
            overfetch=int(cfg.get("hnsw_overfetch", default.overfetch)),
            stale_fraction=float(cfg.get("hnsw_stale_fraction", default.stale_fraction)),
            ef_search=int(cfg.get("hnsw_ef_search", default.ef_search)),
        )


@dataclass
class HnswState:
    """Bookkeeping of the index, as ``DuckDBStore.hnsw_status()`` reports it."""

    built: bool = False
    built_us: int = 0
    """``updated_us`` of the newest item the last build saw."""
    size: int = 0
    """Items in the index."""
    stale: int = 0
    """Index entries whose item was deleted or rewritten since the build."""
    delta: int = 0
    """Items written since the build (scored exactly on every search)."""
    builds: int = 0
    searches: int = 0
    fallbacks: int = 0
    """Searches the exact path answered because too few index hits survived."""


class HnswIndex:
    """The index of one store connection. Callers hold the store's lock."""

    def __init__(
        self, conn: duckdb.DuckDBPyConnection, settings: HnswSettings, *, wal_seen: bool
    ) -> None:
        self.conn = conn
        self.settings = settings
        self.state = HnswState()
        # A WAL left by a crash means rows replayed from it are missing from a persisted
        # index (vss problem 3): such an index is never adopted, only rebuilt.
        self.wal_seen = wal_seen

    def status(self) -> dict[str, Any]:
        return dataclasses.asdict(self.state)

    def serves(self, mask: np.ndarray, k: int, *, unfiltered: bool) -> bool:
        """Whether a search of ``k`` over the candidates in ``mask`` should try the index."""
        s = self.settings
        return s.enabled and unfiltered and k > 0 and int(mask.sum()) >= s.min_rows

    def on_setup(self) -> None:
        """Load vss; drop a persisted index that a crash left incomplete."""
        _vss.load_vss(self.conn)
        if self.wal_seen and _vss.hnsw_exists(self.conn):
            _vss.drop_hnsw(self.conn)

    def hits(
        self, cache: StoreCache, qvec: np.ndarray, mask: np.ndarray, k: int
    ) -> list[tuple[int, float]] | None:
        """Top ``k`` (slot, score) pairs, or ``None`` when the exact path must answer."""
        self._ensure_fresh(cache)
        st = self.state
        fetch = k * self.settings.overfetch
        pairs = _vss.hnsw_candidates(self.conn, qvec, fetch, cache.dims or 0)
        from_index: list[int] = []
        for prefix, key in pairs:
            slot = cache.slot_of.get((prefix, key))
            if slot is not None and mask[slot] and cache.updated[slot] <= st.built_us:
                from_index.append(slot)
        from_index = list(dict.fromkeys(from_index))
        if len(from_index) < k:
            st.fallbacks += 1
            return None  # too few survivors (problems 1-2): the exact path answers
        n = cache.n_slots
        delta = np.flatnonzero(mask & (cache.updated[:n] > st.built_us)).tolist()
        scores = cache.score_slots(qvec, from_index + delta)
        st.searches += 1
        return sorted(scores.items(), key=lambda kv: -kv[1])[:k]

    def _ensure_fresh(self, cache: StoreCache) -> None:
        st = self.state
        if not st.built and not self.wal_seen and _vss.hnsw_exists(self.conn):
            self._adopt()
        n = cache.n_slots
        # Written since the build: scored exactly on every search (the delta).
        changed = int(np.count_nonzero(cache.alive[:n] & (cache.updated[:n] > st.built_us)))
        # Index entries whose item was deleted or rewritten: they waste results.
        dead = max(0, st.size - (len(cache) - changed))
        st.stale, st.delta = dead, changed
        limit = self.settings.stale_fraction * max(st.size, 1)
        if st.built and dead <= limit and changed <= limit:
            return
        self.rebuild(cache)

    def _adopt(self) -> None:
        # An index persisted by an earlier clean run: reuse it if its build time is known.
        row = self.conn.execute(_duckdb_sql.SELECT_META, ["hnsw_built_us"]).fetchone()
        size = self.conn.execute(_vss.HNSW_COUNT).fetchone()
        if row is not None and size is not None:
            self.state.built, self.state.built_us, self.state.size = True, int(row[0]), int(size[0])
            self._set_ef()

    def _set_ef(self) -> None:
        self.conn.execute(_vss.SET_EF_SEARCH.format(ef=self.settings.ef_search))

    def rebuild(self, cache: StoreCache) -> None:
        """Drop and rebuild the index from the mirror's committed vectors."""
        _vss.load_vss(self.conn)
        vecs, rows = cache.vector_matrix()
        slots = cache.vec_slot[rows]
        keyed = [cache.ident(s) for s in slots.tolist()]
        prefixes = [p for p, _ in keyed]
        keys = [k for _, k in keyed]
        n = cache.n_slots
        built_us = int(cache.updated[:n][cache.alive[:n]].max()) if len(cache) else 0
        _vss.build_hnsw(self.conn, vecs, prefixes, keys, cache.dims or 0)
        self.conn.execute(_duckdb_sql.UPSERT_META, ["hnsw_built_us", str(built_us)])
        self._set_ef()
        self.wal_seen = False
        st = self.state
        st.built, st.built_us, st.size = True, built_us, len(set(slots.tolist()))
        st.stale, st.delta, st.builds = 0, 0, st.builds + 1
