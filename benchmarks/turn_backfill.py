"""Backfilling turn vectors on LoCoMo: cost, and recall before and after.

Opens a DuckDB store that holds LoCoMo conversations ingested with turn vectors
(``langmem-extract eval locomo --db PATH`` leaves one) and, per conversation, asks every
question with evidence of ``MemoryRetriever(k=10)`` as shipped three times:

1. as ingested (turn vectors made by capture);
2. after deleting every turn vector of the conversation (a store from before turn
   vectors, or ingested with ``turn_vectors=False``);
3. after ``backfill_turn_vectors`` filled them again (timed: wall and CPU seconds, turns
   per second), then checks the backfilled vectors against those capture made (largest
   difference, smallest cosine) and times an idempotent rerun.

It WRITES to the store: pass a copy. It prints the machine's load average. Run::

    OMP_NUM_THREADS=1 python benchmarks/turn_backfill.py --db copy.duckdb \\
        --conversations conv-30,conv-41 --data ../shared/data
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np

from langmem_extract.eval.data import load_locomo, resolve_data_dir
from langmem_extract.eval.metrics import hit_at_k, mean
from langmem_extract.eval.pipeline import EvalConfig, Pipeline, make_embeddings, open_eval_store
from langmem_extract.evidence import memory_session
from langmem_extract.memories import iter_memories
from langmem_extract.recall_index import index_for
from langmem_extract.turn_backfill import backfill_turn_vectors
from langmem_extract.turn_vectors import drop_turn_vectors, load_turn_vectors


def _hits(pipeline: Pipeline, retriever: Any, conv: Any) -> list[tuple[int, bool, bool]]:
    rows = []
    for q in conv.qa:
        if q.evidence:
            ranked = pipeline.recall(retriever, q.question)
            rows.append(
                (q.category, hit_at_k(ranked, q.evidence, 5), hit_at_k(ranked, q.evidence, 10))
            )
    return rows


def _line(name: str, rows: list[tuple[int, bool, bool]]) -> str:
    main = [r for r in rows if r[0] != 5]
    adversarial = [r for r in rows if r[0] == 5]
    return (
        f"{name}: hit@5 {mean(r[1] for r in main):.3f}, hit@10 {mean(r[2] for r in main):.3f} "
        f"({len(main)} q.), cat 5 hit@10 {mean(r[2] for r in adversarial):.3f}"
    )


def run(args: argparse.Namespace, conversations: list[Any]) -> None:
    config = EvalConfig(db=args.db)
    embeddings = make_embeddings(config)
    totals: dict[str, list[tuple[int, bool, bool]]] = {"ingested": [], "none": [], "backfilled": []}
    with open_eval_store(config, embeddings) as (store, _):
        pipeline = Pipeline(config, store, embeddings)
        embeddings.reuse_queries = True  # the same questions three times: latency not reported
        for conv in conversations:
            namespace = ("locomo", conv.sample_id)
            sessions = sorted({memory_session(m) for m in iter_memories(store, namespace)})
            made = {s: load_turn_vectors(store, s) for s in sessions}
            retriever = pipeline.retriever(namespace, 10)
            rows = _hits(pipeline, retriever, conv)
            totals["ingested"] += rows
            print(
                _line(
                    f"{conv.sample_id} as ingested ({sum(map(len, made.values()))} turn vectors)",
                    rows,
                )
            )
            for session in sessions:
                drop_turn_vectors(store, session)
            index = index_for(store, namespace)
            with index.lock:  # the drop sends no change notice: mirror it in the live index
                index.vectors, index._matrix = {}, None
            rows = _hits(pipeline, retriever, conv)
            totals["none"] += rows
            print(_line(f"{conv.sample_id} without turn vectors", rows))
            wall, cpu = time.perf_counter(), time.process_time()
            report = backfill_turn_vectors(store, namespace, batch_size=args.batch_size)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"{conv.sample_id} backfill: {report.scanned} cited turns scanned in "
                f"{report.sessions} session(s), {report.embedded} embedded in {report.batches} "
                f"batches, {report.skipped} skipped, {report.not_logged} not logged; "
                f"{wall:.1f} s wall, {cpu:.1f} s CPU, {report.embedded / wall:.1f} turns/s"
            )
            filled = {s: load_turn_vectors(store, s) for s in sessions}
            diffs, cosines = [], []
            for session in sessions:
                assert sorted(filled[session]) == sorted(made[session]), session
                for mid, vector in made[session].items():
                    diffs.append(float(np.max(np.abs(filled[session][mid] - vector))))
                    cosines.append(float(filled[session][mid] @ vector))
            print(
                f"{conv.sample_id} backfilled vs capture-made: same {len(cosines)} turns, max |diff| "
                f"{max(diffs, default=0):.2e}, min cosine {min(cosines, default=1):.6f}"
            )
            rows = _hits(pipeline, retriever, conv)
            totals["backfilled"] += rows
            print(_line(f"{conv.sample_id} after backfill", rows))
            wall = time.perf_counter()
            again = backfill_turn_vectors(store, namespace, batch_size=args.batch_size)
            print(
                f"{conv.sample_id} rerun: {again.embedded} embedded, {again.skipped} skipped in "
                f"{time.perf_counter() - wall:.2f} s"
            )
    if len(conversations) > 1:
        for name, rows in totals.items():
            print(_line(f"all {name}", rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a COPY of an eval store: it is written")
    parser.add_argument("--conversations", default="conv-30,conv-41")
    parser.add_argument("--data", default=None)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    wanted = args.conversations.split(",")
    conversations = [c for c in load_locomo(resolve_data_dir(args.data)) if c.sample_id in wanted]
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    run(args, conversations)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
