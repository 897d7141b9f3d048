"""CPU time of the hybrid ranking step alone, this code against another checkout.

Opens a DuckDB store that already holds a LoCoMo conversation (a copy of the file
``langmem-extract eval locomo --db PATH`` leaves, with its side files), fetches each
distinct question's pool and query vector once, then times ``RecallPlan.rank_hybrid``
(BM25, dense turns, fusion, lexical feedback, blend, novelty) over all questions, in
thread CPU time, ``--repeats`` times per process. With ``--before DIR`` it alternates
fresh processes (before, after, before, ...) so both sides see the same machine, and
checks that both return the same results (ids, scores, order; ``now`` fixed). Also
times both with the lexical feedback off, for the cost of that step. Writes
``ranking_cpu.md`` under ``--out``::

    python benchmarks/ranking_cpu.py --db <copy>.duckdb --conversation conv-41 \\
        --data ../shared/data --before <checkout> --rounds 3 --out docs/benchmarks
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import langmem_extract.query_expansion as feedback
    import langmem_extract.recall as recall
    from langmem_extract.eval.data import load_locomo, resolve_data_dir
    from langmem_extract.eval.pipeline import EvalConfig, Pipeline, make_embeddings, open_eval_store
    from langmem_extract.recall_index import index_for
    from langmem_extract.turn_vectors import embed_query

    if args.no_feedback:
        feedback.FEEDBACK_WEIGHT = 0.0
    data = resolve_data_dir(args.data)
    conv = next(c for c in load_locomo(data) if c.sample_id == args.conversation)
    questions = list(dict.fromkeys(q.question for q in conv.qa if q.evidence))
    config = EvalConfig(db=args.db)
    embeddings = make_embeddings(config)
    namespace = ("locomo", conv.sample_id)
    with open_eval_store(config, embeddings) as (store, _):
        Pipeline(config, store, embeddings).retriever(namespace, 10).invoke(questions[0])
        index = index_for(store, namespace)
        work = []
        for question in questions:
            plan = recall.RecallPlan(question, namespace, k=10)
            plan.calibration = recall.calibration_for(store)
            plan.now = datetime(2026, 1, 1, tzinfo=UTC)  # recency fixed: results comparable
            pool: list[Any] = []
            for offset, limit in plan.pages():
                page = store.search(namespace, **plan.search_args(offset, limit))
                if plan.take(page, limit, pool):
                    break
            vector, _ = embed_query(store, question)
            work.append((plan, pool, vector))
        results = [plan.rank_hybrid(pool, index, vector) for plan, pool, vector in work]
        per_query = []
        for _ in range(args.repeats):
            start = time.thread_time()
            results = [plan.rank_hybrid(pool, index, vector) for plan, pool, vector in work]
            per_query.append((time.thread_time() - start) * 1000 / len(work))
    sig = [[(h.memory.id, h.score, h.rank_score, h.similarity, h.observation) for h in r]
           for r in results]  # fmt: skip
    digest = hashlib.sha256(repr(sig).encode()).hexdigest()
    return {"ms": per_query, "questions": len(work), "digest": digest}


def _run(code: Path, args: argparse.Namespace, *extra: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(code))
    cmd = [sys.executable, __file__, "--worker", "--db", args.db, "--data", args.data,
           "--conversation", args.conversation, "--repeats", str(args.repeats), *extra]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conversation", default="conv-41")
    parser.add_argument("--data", default=os.environ.get("LANGMEM_EVAL_DATA", "../shared/data"))
    parser.add_argument("--before", help="a checkout of the code to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out")
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--no-feedback", action="store_true")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    sides = {"after": ROOT} | ({"before": Path(args.before)} if args.before else {})
    names = (*sides, "after, feedback off", "before, feedback off")
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    loads = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for name in ("before", "after"):
            if name in sides:
                runs[name].append(_run(sides[name], args))
        runs["after, feedback off"].append(_run(ROOT, args, "--no-feedback"))
        if "before" in sides:
            runs["before, feedback off"].append(_run(sides["before"], args, "--no-feedback"))
        loads.append(os.getloadavg()[0])
    lines = [
        "# Hybrid ranking step: CPU time per query",
        "",
        f"`RecallPlan.rank_hybrid` alone on pools already fetched, LoCoMo {args.conversation} "
        f"({runs['after'][0]['questions']} questions), thread CPU ms per query; "
        f"{args.rounds} alternating fresh processes per side, {args.repeats} passes each. "
        f"1-minute load during the run: {min(loads):.1f}-{max(loads):.1f} (2 cores).",
        "",
        "| code | best | median | same results as after |",
        "| --- | ---: | ---: | --- |",
    ]
    want = runs["after"][0]["digest"]
    for name, got in runs.items():
        if not got:
            continue
        ms = [m for run in got for m in run["ms"]]
        same = "yes" if all(run["digest"] == want for run in got) else "no"
        same = "(ranks without feedback)" if "off" in name else same
        lines.append(f"| {name} | {min(ms):.2f} | {statistics.median(ms):.2f} | {same} |")
    lines += ["", "Produced by: `LANGMEM_EVAL_DATA=../shared/data python benchmarks/ranking_cpu.py "
              f"--db <copy> --conversation {args.conversation} --before <checkout> "
              f"--rounds {args.rounds} --out docs/benchmarks`", ""]  # fmt: skip
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out, "ranking_cpu.md").write_text(text)


if __name__ == "__main__":
    main()
