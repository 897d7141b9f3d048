"""Recall latency at LoCoMo scale: hybrid vs dense-only, on an ingested store.

Opens a DuckDB store that already holds a LoCoMo conversation (for example the file
``langmem-extract eval locomo --db PATH`` leaves, or any store ingested with the eval
pipeline), and times, over that conversation's questions:

* the first hybrid query (it builds the namespace's lexical index from the store);
* ``MemoryRetriever.invoke`` with the default hybrid ranking and with ``hybrid=False``,
  interleaved so both see the same machine load; p50/p95 in ms;
* the hybrid step alone (BM25, the turns' cosines, fusion, novelty) on a pool already
  fetched from the store and a query already embedded, wall and CPU time;
* one incremental index update after a write (applying a memory added, then deleted).

It prints the machine's load average with the figures. Run::

    .venv/bin/python benchmarks/recall_latency.py --db eval.duckdb --conversation conv-41 \\
        --data ../shared/data
"""

from __future__ import annotations

import argparse
import os
import time

from langmem_extract.changes import Change
from langmem_extract.eval.data import load_locomo, resolve_data_dir
from langmem_extract.eval.metrics import percentile
from langmem_extract.eval.pipeline import EvalConfig, Pipeline, make_embeddings, open_eval_store
from langmem_extract.recall import RecallPlan, calibration_for
from langmem_extract.recall_index import index_for
from langmem_extract.schema import Memory, MemoryType
from langmem_extract.turn_vectors import embed_query


def _ms(samples: list[float]) -> str:
    return f"p50 {percentile(samples, 50):.1f} ms, p95 {percentile(samples, 95):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conversation", default="conv-41")
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    conv = next(
        c for c in load_locomo(resolve_data_dir(args.data)) if c.sample_id == args.conversation
    )
    config = EvalConfig(db=args.db)
    embeddings = make_embeddings(config)
    namespace = ("locomo", conv.sample_id)
    questions = [q.question for q in conv.qa if q.evidence]
    with open_eval_store(config, embeddings) as (store, _):
        pipeline = Pipeline(config, store, embeddings)
        hybrid = pipeline.retriever(namespace, 10)
        dense = pipeline.retriever(namespace, 10, hybrid=False)
        start = time.perf_counter()
        hybrid.invoke(questions[0])
        first = time.perf_counter() - start
        index = index_for(store, namespace)
        turns = sum(len(keys) for keys in index.session_turns.values())
        active = sum(1 for m in index.memories.values() if m.status.value == "active")
        timed: dict[str, list[float]] = {"hybrid": [], "dense": []}
        for question in questions:
            for name, retriever in (("hybrid", hybrid), ("dense", dense)):
                start = time.perf_counter()
                retriever.invoke(question)
                timed[name].append((time.perf_counter() - start) * 1000)
        fusion: list[float] = []
        fusion_cpu: list[float] = []
        for question in questions:
            plan = RecallPlan(question, namespace, k=10)
            plan.calibration = calibration_for(store)
            pool: list = []
            for offset, limit in plan.pages():
                if plan.take(
                    store.search(namespace, **plan.search_args(offset, limit)), limit, pool
                ):
                    break
            vector, _ = embed_query(store, question)  # the turns are ranked too, as shipped
            start, cpu = time.perf_counter(), time.process_time()
            plan.rank_hybrid(pool, index, vector)
            fusion.append((time.perf_counter() - start) * 1000)
            fusion_cpu.append((time.process_time() - cpu) * 1000)
        probe = Memory(
            content="User keeps a probe memory.", title="probe", type=MemoryType.FACT,
            namespace=list(namespace),
        )  # fmt: skip
        start = time.perf_counter()
        index.apply(Change(memories=[probe]))
        index.apply(Change(deleted=[(namespace, probe.id)]))
        after_write = (time.perf_counter() - start) * 1000 / 2
    print(
        f"{conv.sample_id}: {active} active memories, {turns} logged turns, "
        f"{len(questions)} questions; load average {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"first hybrid query (builds the index): {first * 1000:.0f} ms")
    print(f"hybrid (as shipped): {_ms(timed['hybrid'])}")
    print(f"dense only (hybrid=False): {_ms(timed['dense'])}")
    print(f"hybrid step alone (pool fetched): {_ms(fusion)}; CPU time {_ms(fusion_cpu)}")
    print(f"index update per write (change notice applied): {after_write:.1f} ms")


if __name__ == "__main__":
    main()
