"""Concurrent use from many threads in one process."""

from __future__ import annotations

import asyncio
import threading

from langmem_extract.store.duckdb import DuckDBStore


def test_concurrent_writers_and_readers(store: DuckDBStore) -> None:
    errors: list[BaseException] = []
    n_threads, per_thread = 4, 25

    def writer(t: int) -> None:
        try:
            for i in range(per_thread):
                store.put(("t", str(t)), f"k{i}", {"content": f"thread {t} item {i}", "i": i})
                if i % 5 == 4:
                    store.delete(("t", str(t)), f"k{i - 4}")
                store.search(("t",), query=f"thread {t}", limit=5)
                store.search(("t", str(t)), filter={"i": {"$gte": i - 3}})
                store.list_namespaces(prefix=("t",))
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    expected_keys = {f"k{i}" for i in range(per_thread) if i % 5 != 0}
    for t in range(n_threads):
        got = {it.key for it in store.search(("t", str(t)), limit=1000)}
        assert got == expected_keys
    rows = store.conn.execute("SELECT count(*) FROM store").fetchone()
    assert rows == (n_threads * len(expected_keys),)
    assert len(store.search(("t",), query="thread 1 item", limit=1000)) == n_threads * len(
        expected_keys
    )


async def test_async_calls_do_not_block_the_event_loop(store: DuckDBStore) -> None:
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.gather(
        *(store.aput(("a",), f"k{i}", {"content": f"item {i}"}) for i in range(30))
    )
    results = await asyncio.gather(*(store.asearch(("a",), query=f"item {i}") for i in range(10)))
    stop.set()
    await task
    assert all(len(r) == 10 for r in results)
    assert ticks > 10  # the loop kept running while the store worked in threads
