"""Child processes for the crash and lock tests (run as ``python -m tests.store._child``)."""

from __future__ import annotations

import sys
import time

from langgraph.store.base import PutOp

from langmem_extract.store.duckdb import DuckDBStore
from tests.conftest import HashEmbeddings


def index(hnsw: bool) -> dict:
    cfg: dict = {"dims": 64, "embed": HashEmbeddings(64), "fields": ["content"]}
    if hnsw:
        cfg.update(hnsw=True, hnsw_min_rows=1)
    return cfg


def content(i: int) -> str:
    return f"memory number {i} about topic t{i % 13} and item w{i}"


def write_forever(path: str, hnsw: bool, snapshot: bool = False) -> None:
    """Commit small batches forever, printing each committed batch's last id. With
    ``snapshot``, 50 items are written first (the close leaves a vector snapshot) and
    the store reopened and searched, so the loop writes over a mirror mapped from it."""
    if snapshot:
        with DuckDBStore.from_conn_string(path, index=index(hnsw)) as store:
            store.setup()
            store.batch([PutOp(("crash",), f"k{i}", {"content": content(i)}) for i in range(50)])
    with DuckDBStore.from_conn_string(path, index=index(hnsw)) as store:
        store.setup()
        i = 0
        if snapshot:
            store.search(("crash",), query="memory", limit=1)  # loads: maps the snapshot
            i = 50
            print(f"committed {i - 1}", flush=True)
        if hnsw:
            store.batch([PutOp(("crash",), f"k{i}", {"content": content(i)}) for i in range(50)])
            store.rebuild_hnsw()
            i = 50
            print(f"committed {i - 1}", flush=True)
        while True:
            ops = [PutOp(("crash",), f"k{j}", {"content": content(j)}) for j in range(i, i + 5)]
            if i >= 10:  # deletes and updates as well as inserts
                ops.append(PutOp(("crash",), f"k{i - 10}", None))
                ops.append(PutOp(("crash",), f"k{i - 9}", {"content": content(i - 9) + " v2"}))
            store.batch(ops)
            i += 5
            print(f"committed {i - 1}", flush=True)


def write_reopen_forever(path: str) -> None:
    """As ``write_forever``, but closing and reopening the store every 3 batches: each
    close writes the mirror files, each reopen maps them and writes over that mirror, so
    a kill lands between, after, or in the middle of writing them."""
    i = 0
    while True:
        with DuckDBStore.from_conn_string(path, index=index(False)) as store:
            store.setup()
            store.search(("crash",), query="memory", limit=1)  # loads (maps the files)
            for _ in range(3):
                ops = [PutOp(("crash",), f"k{j}", {"content": content(j)}) for j in range(i, i + 5)]
                if i >= 10:
                    ops.append(PutOp(("crash",), f"k{i - 10}", None))
                    ops.append(PutOp(("crash",), f"k{i - 9}", {"content": content(i - 9) + " v2"}))
                store.batch(ops)
                i += 5
                print(f"committed {i - 1}", flush=True)


def hold(path: str) -> None:
    with DuckDBStore.from_conn_string(path) as store:
        store.setup()
        print("ready", flush=True)
        time.sleep(60)


def hold_read_only(path: str) -> None:
    """Open read-only and hold the file, printing what a read sees; or print the error."""
    from langmem_extract.errors import StoreLockedError

    try:
        store = DuckDBStore.open(path, index=index(False), read_only=True)
    except StoreLockedError:
        print("locked", flush=True)
        return
    with store:
        item = store.get(("memories", "maya"), "m1")
        print(f"ready {item.value['content'] if item else None}", flush=True)
        time.sleep(60)


if __name__ == "__main__":
    mode, target = sys.argv[1], sys.argv[2]
    if mode == "write":
        write_forever(target, hnsw=False)
    elif mode == "write-hnsw":
        write_forever(target, hnsw=True)
    elif mode == "write-snapshot":
        write_forever(target, hnsw=False, snapshot=True)
    elif mode == "write-reopen":
        write_reopen_forever(target)
    elif mode == "hold":
        hold(target)
    elif mode == "hold-read-only":
        hold_read_only(target)
