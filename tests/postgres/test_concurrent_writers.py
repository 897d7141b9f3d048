"""Four processes capture into one PostgreSQL store at once: nothing lost, nothing doubled."""

from __future__ import annotations

import multiprocessing
import queue
from collections import Counter

import pytest

from langmem_extract.schema import Memory, MemoryStatus, fingerprint
from langmem_extract.store.postgres import PostgresStore
from tests.conftest import HashEmbeddings
from tests.pg_server import database_url, truncate_all
from tests.postgres._workers import (
    CAPTURE_DIMS,
    CAPTURE_NS,
    SHARED_EVERY,
    TURNS_PER_WORKER,
    WORKERS,
    capture_worker,
    shared_fact,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _all_memories(url: str) -> list[Memory]:
    index = {"dims": CAPTURE_DIMS, "embed": HashEmbeddings(CAPTURE_DIMS), "fields": ["content"]}
    with PostgresStore.from_conn_string(url, index=index) as store:
        out: list[Memory] = []
        while page := store.search(CAPTURE_NS, limit=500, offset=len(out)):
            out.extend(Memory.from_item(item) for item in page)
    return out


def _run_workers(url: str) -> dict[int, tuple[list, dict]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=capture_worker, args=(url, w, barrier, out), daemon=True)
        for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    reports: dict[int, tuple[list, dict]] = {}
    try:
        for _ in range(WORKERS):
            worker, results, recalled, error = out.get(timeout=600)
            assert error is None, f"worker {worker} failed: {error}"
            reports[worker] = (results, recalled)
    except queue.Empty:
        pytest.fail(f"workers did not finish; exit codes {[p.exitcode for p in procs]}")
    finally:
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0] * WORKERS
    return reports


def test_four_processes_capture_200_turns_without_loss_or_duplicates() -> None:
    url = database_url("langmem_test_concurrent")
    index = {"dims": CAPTURE_DIMS, "embed": HashEmbeddings(CAPTURE_DIMS), "fields": ["content"]}
    with PostgresStore.from_conn_string(url, index=index) as store:
        store.setup()
    truncate_all(url)

    reports = _run_workers(url)
    turns = sum(len(results) for results, _ in reports.values())
    assert turns == WORKERS * TURNS_PER_WORKER == 200

    # What each turn extracted, and what it did with it.
    actions: dict[str, Counter[str]] = {}
    stored_total = 0
    for results, _ in reports.values():
        for turn in results:
            *candidates, (_, stored, _) = turn
            stored_total += stored
            for content, action, _target in candidates:
                actions.setdefault(fingerprint(content), Counter())[action] += 1

    shared_turns = range(0, TURNS_PER_WORKER, SHARED_EVERY)
    expected_facts = WORKERS * TURNS_PER_WORKER + len(shared_turns)
    assert len(actions) == expected_facts
    for counts in actions.values():
        assert counts["add"] == 1, counts  # each fact was written exactly once...
    shared = {
        fingerprint(shared_fact(t).replace("I collect", "User collects")) for t in shared_turns
    }
    for fp in shared:
        assert actions[fp] == Counter({"add": 1, "merge": WORKERS - 1})  # ...and merged after

    memories = _all_memories(url)
    active = [m for m in memories if m.status == MemoryStatus.ACTIVE]
    fps = Counter(m.fingerprint for m in active)
    assert len(memories) == len(active) == stored_total == expected_facts  # nothing lost
    assert max(fps.values()) == 1  # nothing duplicated
    assert set(fps) == set(actions)
    for memory in active:
        if memory.fingerprint in shared:
            # Every merge landed: no reinforcement was overwritten by a concurrent writer.
            assert memory.reinforcement_count == WORKERS - 1

    # Every process recalls what the others wrote.
    for worker, (_, recalled) in reports.items():
        assert len(recalled) == WORKERS * 4
        for fact, got in recalled.items():
            assert got is not None, f"worker {worker} recalled nothing for {fact!r}"
            assert fingerprint(got) == fingerprint(fact.replace("I collect", "User collects"))
