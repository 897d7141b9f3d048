"""Values read on demand: a filter column built by DuckDB's JSON reader equals the one
built by parsing every value in Python, whatever JSON the values hold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from langgraph.store.base import PutOp

from langmem_extract.store._filters import UNREACHABLE, Column, canon
from langmem_extract.store.duckdb import DuckDBStore

VALUES = [
    {"g": 1},
    {"g": 1.0},
    {"g": True},
    {"g": False},
    {"g": 0},
    {"g": None},
    {},
    {"other": 5},
    {"g": "1"},
    {"g": ""},
    {"g": [1, "a", None]},
    {"g": {"x": 2, "y": [True]}},
    {"g": 2.5},
    {"g": -0.0},
    {"g": 'é/~ "quoted" \\ back'},
    {"g/~": 3, "g": "slash key elsewhere"},
    {"g": 12345678901234567890},
    {"g": 1e300},
    {"g": -7.25e-9},
]


def _snapshot(col: Column, slots: list[int]) -> list[object]:
    out = []
    for slot in slots:
        code = int(col.codes[slot])
        num = float(col.num[slot])
        out.append(
            (
                "unreachable" if code == UNREACHABLE else canon(col.distinct[code]),
                None if num != num else num,
            )
        )
    return out


def test_a_column_from_duckdb_matches_one_parsed_in_python(tmp_path: Path) -> None:
    path = tmp_path / "values.duckdb"
    with DuckDBStore.from_conn_string(str(path)) as store:
        store.setup()
        store.batch([PutOp(("ns",), f"k{i}", v) for i, v in enumerate(VALUES)])
        cache = store._get_cache()
        assert cache.value_reader is not None
        slots = [cache.slot_of[("ns", f"k{i}")] for i in range(len(VALUES))]
        for key in ("g", "g/~", "other", "missing"):
            from_sql = Column((key,), len(cache.alive))
            assert cache.value_reader.fill_column(cache, from_sql)
            from_python = Column((key,), len(cache.alive))
            from_python.fill((s, VALUES[i]) for i, s in enumerate(slots))
            assert _snapshot(from_sql, slots) == _snapshot(from_python, slots), key
        # Longer paths are left to Python (DuckDB's pointer would index into arrays).
        assert not cache.value_reader.fill_column(cache, Column(("g", "x"), len(cache.alive)))


def test_filtered_searches_agree_with_python_filtering(tmp_path: Path) -> None:
    path = tmp_path / "values.duckdb"
    with DuckDBStore.from_conn_string(str(path)) as store:
        store.setup()
        store.batch([PutOp(("ns",), f"k{i}", v) for i, v in enumerate(VALUES)])
    filters = [{"g": 1}, {"g": True}, {"g": None}, {"g": {"$gt": 0}}, {"g": {"$ne": 1}},
               {"g": {"$in": ["1", 2.5]}}, {"g": [1, "a", None]}, {"other": 5}]  # fmt: skip
    with DuckDBStore.from_conn_string(str(path)) as store:  # a fresh mirror, values unread
        store.setup()
        got = {
            str(f): sorted(h.key for h in store.search(("ns",), filter=f, limit=50))
            for f in filters
        }
        assert np.all([v is not None for v in store._get_cache().keys])
    with DuckDBStore.from_conn_string(str(path)) as store:
        store.setup()
        store.search(("ns",), limit=50)  # every value read first, then the same filters
        cache = store._get_cache()
        cache.value_reader = None  # columns parsed from the values in Python
        expected = {
            str(f): sorted(h.key for h in store.search(("ns",), filter=f, limit=50))
            for f in filters
        }
    assert got == expected
    assert got[str({"g": 1})] == ["k0", "k1"]  # 1 == 1.0, never True


def test_a_batch_of_gets_reads_its_values_in_one_point_query(tmp_path: Path) -> None:
    from langgraph.store.base import GetOp

    from langmem_extract.store._duckdb_values import POINT_ROWS
    from langmem_extract.store._vectors import UNREAD

    path = tmp_path / "values.duckdb"
    n = 2 * POINT_ROWS + 40
    with DuckDBStore.from_conn_string(str(path)) as store:
        store.setup()
        store.batch([PutOp(("ns",), f"k{i}", {"i": i, "t": f"text {i}"}) for i in range(n)])
    wanted = [*range(3, n, 9)[:30], n + 5]  # 30 stored keys and a missing one
    assert POINT_ROWS > 30
    with DuckDBStore.from_conn_string(str(path)) as store:  # a fresh mirror, values unread
        store.setup()
        cache = store._get_cache()
        reader = cache.value_reader
        assert reader is not None and (reader.point_rows, reader.point_reads) == (0, 0)
        got = store.batch([GetOp(("ns",), f"k{i}") for i in wanted])
        assert [None if g is None else g.value for g in got] == [
            *({"i": i, "t": f"text {i}"} for i in wanted[:-1]), None]  # fmt: skip
        # One point read for the whole batch, of exactly those items; nothing else read.
        assert (reader.point_reads, reader.point_rows, reader.bulk_reads) == (1, 30, 0)
        unread = sum(1 for slot in range(n) if cache.values[slot] == UNREAD)
        assert unread == n - 30
        # Past POINT_ROWS values a read loads every value at once.
        many = store.batch([GetOp(("ns",), f"k{i}") for i in range(n)])
        assert [g.value["i"] for g in many if g is not None] == list(range(n))
        assert reader.bulk_reads == 1
        assert all(cache.values[slot] != UNREAD for slot in range(n))


def test_a_point_read_binds_its_row_ids_without_a_lookup_per_row(tmp_path: Path) -> None:
    """DuckDB looks for pandas twice for each element of a bound Python list (a search
    of ``sys.path`` each time when it is not installed): the row ids go as one value."""
    import sys

    from langgraph.store.base import GetOp

    path = tmp_path / "values.duckdb"
    with DuckDBStore.from_conn_string(str(path)) as store:
        store.setup()
        store.batch([PutOp(("ns",), f"k{i}", {"i": i}) for i in range(200)])
    lookups: list[str] = []

    class Finder:
        @staticmethod
        def find_spec(name: str, path: object = None, target: object = None) -> None:
            lookups.append(name)

    with DuckDBStore.from_conn_string(str(path)) as store:  # a fresh mirror, values unread
        store.setup()
        reader = store._get_cache().value_reader
        assert reader is not None
        sys.meta_path.insert(0, Finder)
        try:
            got = store.batch([GetOp(("ns",), f"k{i}") for i in range(0, 200, 2)])
        finally:
            sys.meta_path.remove(Finder)
        assert [g.value["i"] for g in got if g is not None] == list(range(0, 200, 2))
        assert (reader.point_reads, reader.point_rows) == (1, 100)
    assert lookups.count("pandas") <= 4, lookups  # 202 with the list bound as a list
