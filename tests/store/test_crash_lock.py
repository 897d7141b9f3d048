"""A writer killed with SIGKILL loses no committed item; a second process gets a lock error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from langmem_extract.errors import StoreLockedError
from langmem_extract.store import _duckdb_load
from langmem_extract.store.duckdb import DuckDBStore
from tests.store._child import content, index
from tests.store.test_snapshot import assert_mirror_matches_tables

ROOT = Path(__file__).resolve().parents[2]


def _spawn(mode: str, path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store._child", mode, str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def reaper() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(timeout=10)


def _expected_after(last: int, loop_start: int) -> dict[str, str]:
    """What the child had committed once it printed ``committed <last>`` (see _child)."""
    live = {f"k{j}": content(j) for j in range(last + 1)}
    for i in range(loop_start, last + 1, 5):
        if i >= 10:
            live.pop(f"k{i - 10}", None)
            if f"k{i - 9}" in live:
                live[f"k{i - 9}"] = content(i - 9) + " v2"
    return live


@pytest.mark.parametrize("mode", ["write", "write-hnsw", "write-snapshot", "write-reopen"])
def test_kill_minus_9_loses_no_committed_item(tmp_path: Path, reaper: list, mode: str) -> None:
    hnsw = mode == "write-hnsw"
    path = tmp_path / "crash.duckdb"
    child = _spawn(mode, path)
    reaper.append(child)
    last = -1
    assert child.stdout is not None
    while last < 120:
        line = child.stdout.readline()
        if not line:
            pytest.fail(f"child exited early: {child.stderr.read() if child.stderr else ''}")
        last = int(line.split()[1])
    child.send_signal(signal.SIGKILL)  # mid-write: it never stops writing
    child.wait(timeout=10)
    # Anything printed after our last read was committed too; only require what we saw.
    expected = _expected_after(
        last, loop_start=50 if mode in ("write-hnsw", "write-snapshot") else 0
    )
    if mode != "write-reopen":  # that one may have been killed just after a close
        assert Path(f"{path}.wal").exists()  # the crash left a WAL to replay
    if mode == "write-snapshot":
        assert len(_duckdb_load.snapshots(str(path))) == 1  # stale now: later commits
    if mode == "write-reopen":
        assert _duckdb_load.snapshots(str(path))  # left by the closes before the kill
    with DuckDBStore.from_conn_string(str(path), index=index(hnsw=hnsw)) as store:
        store.setup()
        for key, text in expected.items():
            item = store.get(("crash",), key)
            assert item is not None, key
            # A later batch may have committed after our last read and updated it.
            assert item.value["content"] in (text, text.removesuffix(" v2") + " v2")
        for key in list(expected)[::7]:
            item = store.get(("crash",), key)
            assert item is not None
            hits = store.search(("crash",), query=item.value["content"], limit=10)
            assert key in [h.key for h in hits], key
            assert hits[0].score == pytest.approx(1.0, abs=1e-5)
        if hnsw:
            assert store.hnsw_status()["built"] is True  # rebuilt after the crash
        assert_mirror_matches_tables(store)  # whether mapped from files or not
    # Files written after the crash match too, and the next open maps them.
    with DuckDBStore.from_conn_string(str(path), index=index(hnsw=hnsw), read_only=True) as store:
        assert store._get_cache().vecs.flags.writeable is False
        assert_mirror_matches_tables(store)


def test_second_process_gets_store_locked_error(tmp_path: Path, reaper: list) -> None:
    path = tmp_path / "locked.duckdb"
    child = _spawn("hold", path)
    reaper.append(child)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    with pytest.raises(StoreLockedError) as info:
        DuckDBStore.open(str(path))
    assert str(path) in str(info.value)
    assert str(child.pid) in str(info.value)
    child.kill()
    child.wait(timeout=10)
    with DuckDBStore.from_conn_string(str(path)) as store:  # free again once the holder is gone
        store.setup()
