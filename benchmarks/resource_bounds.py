"""Resource bounds: embedding a long message, and a batch holding one huge value.

* **Long message.** Embeds one 16,000-character chat message with the bundled E5
  embedder (``embed_query``) and prints the time and the tokens the model reads. While a
  second thread embeds eight such messages as documents, it also times a short query
  from another thread: how long the long input keeps the model from other callers.
* **Huge value in a batch.** Writes 500 items to a DuckDBStore in one ``batch``, one of
  them holding a ``--value-kib`` KiB string (default 1024, i.e. 1 MiB), and prints the
  peak resident memory the write added.

Each measurement runs in a fresh child process, so the peak RSS is its own. Timings
depend on the machine and its load (the figures in docs/store.md give the load).

    .venv/bin/python benchmarks/resource_bounds.py [--value-kib 1024] [--rows 500]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MESSAGE_CHARS = 16_000


def _long_message() -> str:
    words = "my sister moved to Lisbon last spring and now works at a small bakery near the river"
    text = ""
    while len(text) < MESSAGE_CHARS:
        text += words + f" ({len(text)}). "
    return text[:MESSAGE_CHARS]


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_embed() -> dict[str, float]:
    from langmem_extract.embeddings import E5Embeddings

    emb = E5Embeddings()
    emb.embed_query("warm up")
    text = _long_message()
    model = emb._get_model()
    start = time.perf_counter()
    emb.embed_query(text)
    long_s = time.perf_counter() - start

    start = time.perf_counter()
    emb.embed_query("where does my sister live")
    short_s = time.perf_counter() - start

    started = threading.Event()

    def embed_long_docs() -> None:
        started.set()
        emb.embed_documents([text] * 8)

    worker = threading.Thread(target=embed_long_docs)
    worker.start()
    started.wait()
    time.sleep(0.05)
    start = time.perf_counter()
    emb.embed_query("where does my sister live")
    stalled_s = time.perf_counter() - start
    worker.join()
    return {
        "message_chars": len(text),
        "message_tokens": model.token_count(text, True),
        "long_query_s": round(long_s, 3),
        "short_query_s": round(short_s, 3),
        "short_query_during_8_long_docs_s": round(stalled_s, 3),
    }


def child_batch(value_kib: int, rows: int) -> dict[str, float]:
    from langgraph.store.base import PutOp

    from langmem_extract.store.duckdb import DuckDBStore

    with DuckDBStore.from_conn_string(":memory:") as store:
        store.setup()
        store.put(("warm",), "up", {"v": "x"})
        big = "x" * (value_kib * 1024)
        ops = [PutOp(("bench",), f"k{i}", {"content": f"row {i}"}) for i in range(rows - 1)]
        ops.append(PutOp(("bench",), "big", {"content": big}))
        before = _maxrss_mib()
        start = time.perf_counter()
        store.batch(ops)
        took = time.perf_counter() - start
        after = _maxrss_mib()
        item = store.get(("bench",), "big")
        assert item is not None and len(item.value["content"]) == len(big)
    return {
        "rows": rows,
        "value_kib": value_kib,
        "peak_rss_before_mib": round(before, 1),
        "peak_rss_after_mib": round(after, 1),
        "peak_rss_added_mib": round(after - before, 1),
        "write_s": round(took, 3),
    }


def _run_child(*args: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.setdefault("GOMP_SPINCOUNT", "10000")
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True, text=True, check=True, env=env, cwd=ROOT,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--value-kib", type=int, default=1024)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--skip-embed", action="store_true")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        kind = args.child[0]
        result = child_embed() if kind == "embed" else child_batch(args.value_kib, args.rows)
        print(json.dumps(result))
        return
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    if not args.skip_embed:
        print("embed:", json.dumps(_run_child("embed")))
    batch = _run_child("batch", "--value-kib", str(args.value_kib), "--rows", str(args.rows))
    print("batch:", json.dumps(batch))


if __name__ == "__main__":
    main()
