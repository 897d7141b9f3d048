"""TTL: default_ttl, refresh on read, omit_expired, sweep and the background sweeper."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

import langmem_extract.store.duckdb_engine as duckdb_store
from langmem_extract.store.duckdb import DuckDBStore
from tests.store.conftest import hash_index

MINUTE_US = 60_000_000


class Clock:
    def __init__(self) -> None:
        self.now = duckdb_store._now_us()

    def __call__(self) -> int:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += int(minutes * MINUTE_US)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock()
    monkeypatch.setattr(duckdb_store, "_now_us", c)
    yield c


def _expires(store: DuckDBStore, key: str) -> int | None:
    row = store.conn.execute(
        "SELECT epoch_us(expires_at) FROM store WHERE key = ?", [key]
    ).fetchone()
    assert row is not None
    return row[0]


def test_put_with_ttl_sets_expiry(store: DuckDBStore, clock: Clock) -> None:
    store.put(("ns",), "t", {"content": "v"}, ttl=10)
    store.put(("ns",), "forever", {"content": "v"})
    assert _expires(store, "t") == clock.now + 10 * MINUTE_US
    assert _expires(store, "forever") is None
    assert store.supports_ttl is True


def test_default_ttl_and_refresh_on_read(clock: Clock) -> None:
    with DuckDBStore.from_conn_string(":memory:", index=hash_index(), ttl={"default_ttl": 5}) as s:
        s.setup()
        s.put(("ns",), "k", {"content": "v"})
        start = clock.now
        assert _expires(s, "k") == start + 5 * MINUTE_US
        clock.advance(2)
        s.get(("ns",), "k", refresh_ttl=False)
        assert _expires(s, "k") == start + 5 * MINUTE_US
        s.get(("ns",), "k")  # refresh_on_read defaults to True
        assert _expires(s, "k") == start + 7 * MINUTE_US
        clock.advance(1)
        s.search(("ns",), query="v")
        assert _expires(s, "k") == start + 8 * MINUTE_US
        clock.advance(1)
        s.search(("ns",), refresh_ttl=False)
        assert _expires(s, "k") == start + 8 * MINUTE_US


def test_refresh_on_read_false_in_config(clock: Clock) -> None:
    ttl = {"default_ttl": 5, "refresh_on_read": False}
    with DuckDBStore.from_conn_string(":memory:", index=hash_index(), ttl=ttl) as s:
        s.setup()
        s.put(("ns",), "k", {"content": "v"})
        first = _expires(s, "k")
        clock.advance(1)
        s.get(("ns",), "k")
        s.search(("ns",))
        assert _expires(s, "k") == first
        s.get(("ns",), "k", refresh_ttl=True)
        assert _expires(s, "k") == clock.now + 5 * MINUTE_US


def test_sweep_deletes_only_expired(store: DuckDBStore, clock: Clock) -> None:
    store.put(("ns",), "short", {"content": "green tea"}, ttl=1)
    store.put(("ns",), "long", {"content": "green tea"}, ttl=60)
    store.put(("ns",), "none", {"content": "green tea"})
    assert store.sweep_ttl() == 0
    clock.advance(2)
    assert store.sweep_ttl() == 1
    assert store.get(("ns",), "short") is None
    assert {i.key for i in store.search(("ns",), query="green tea")} == {"long", "none"}
    vecs = store.conn.execute("SELECT count(*) FROM store_vectors WHERE key = 'short'").fetchone()
    assert vecs == (0,)


def test_expired_items_are_visible_until_swept_unless_omitted(clock: Clock) -> None:
    with DuckDBStore.from_conn_string(":memory:", index=hash_index()) as s:
        s.setup()
        s.put(("ns",), "k", {"content": "v"}, ttl=1)
        clock.advance(2)
        assert s.get(("ns",), "k", refresh_ttl=False) is not None
    cfg = {"omit_expired": True}
    with DuckDBStore.from_conn_string(":memory:", index=hash_index(), ttl=cfg) as s:  # type: ignore[arg-type]
        s.setup()
        s.put(("ns", "a"), "k", {"content": "v"}, ttl=1)
        s.put(("ns", "b"), "k2", {"content": "v"})
        clock.advance(2)
        assert s.get(("ns", "a"), "k") is None
        assert [i.key for i in s.search(("ns",), query="v")] == ["k2"]
        assert s.list_namespaces() == [("ns", "b")]


def test_ttl_survives_reopen(db_path, clock: Clock) -> None:
    with DuckDBStore.from_conn_string(str(db_path), index=hash_index()) as s:
        s.setup()
        s.put(("ns",), "k", {"content": "v"}, ttl=1)
    clock.advance(2)
    with DuckDBStore.from_conn_string(str(db_path), index=hash_index()) as s:
        s.setup()
        assert s.sweep_ttl() == 1
        assert s.get(("ns",), "k") is None


async def test_async_sweep(store: DuckDBStore, clock: Clock) -> None:
    await store.aput(("ns",), "k", {"content": "v"}, ttl=1)
    clock.advance(2)
    assert await store.asweep_ttl() == 1


def test_background_sweeper_runs_and_stops() -> None:
    ttl = {"sweep_interval_minutes": 0.001}  # every 60 ms
    with DuckDBStore.from_conn_string(":memory:", index=hash_index(), ttl=ttl) as s:  # type: ignore[arg-type]
        s.setup()  # starts the sweeper because sweep_interval_minutes is set
        s.put(("ns",), "k", {"content": "v"}, ttl=0.0005)  # 30 ms
        deadline = time.monotonic() + 5
        while s.get(("ns",), "k", refresh_ttl=False) is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert s.get(("ns",), "k") is None
        assert s.stop_ttl_sweeper(timeout=5) is True
        assert s.stop_ttl_sweeper() is True  # idempotent
