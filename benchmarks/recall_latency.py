"""Recall latency at LoCoMo scale: hybrid vs dense-only, per phase, before vs after.

Opens a DuckDB store that already holds a LoCoMo conversation (for example the file
``langmem-extract eval locomo --db PATH`` leaves) and times, over that conversation's
distinct questions with evidence, in a fresh process per measurement:

* the first hybrid query (it builds the namespace's lexical index from the store);
* ``MemoryRetriever.invoke`` with the default hybrid ranking and with ``hybrid=False``,
  interleaved question by question so both see the same machine load, each question
  recalled for the first time (recent question vectors are dropped before each call);
* where a hybrid query's time goes, p50 and p95 of each phase: embedding the question
  (the engine call), the store's search, reading the memories of the fetched pool, the
  hybrid ranking, and the rest (the retriever, the documents); the engine's thread
  count (the load-aware default unless ``OMP_NUM_THREADS`` is set) and garbage
  collections during the queries;
* the same question again at once (an agent recalls before every model call of a turn);
* the hybrid step alone on pools already fetched, and the incremental index update after
  a write (a new memory, then its delete): the process's first write apart (a BM25 index
  restored from the lexical file builds its term counts then, once), then the median of
  :data:`WRITES` more (one sample per process was mostly that one-time build and any
  garbage collection it set off; ``benchmarks/index_write.py`` measures writes alone).

``--before DIR`` (a checkout of the code to compare with) runs the same measurement
against that code in alternating fresh processes (before, after, before, after, ...), so
both sides see the same machine; the page shows them side by side with the load. Writes
``recall_latency.md`` under ``--out``. Run on a quiet machine, without
``OMP_NUM_THREADS`` (the default thread policy is what ships; it runs the engine on every
core only while other work keeps less than half a core busy, read from the cores' busy CPU
seconds, or the 1-minute load average before the first half-second window:
``--settle 0.5`` waits for a quiet machine). The page also shows what a pick of the
thread count costs and how much other work it read::

    python benchmarks/recall_latency.py --db eval.duckdb --conversation conv-41 \\
        --data ../shared/data --before <checkout> --rounds 2 --settle 0.5 --out docs/benchmarks
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("embed", "search", "memories", "ranking", "rest")
#: Index updates timed per process after its first (a new memory and its delete each).
WRITES = 20
PHASE_NAMES = {
    "embed": "embedding the question (engine call)",
    "search": "the store's search",
    "memories": "reading the pool's memories",
    "ranking": "the hybrid ranking",
    "rest": "the rest (retriever, documents)",
}


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """One measurement in this process, against the ``langmem_extract`` it imports."""
    import langmem_extract.embeddings as embeddings_module
    import langmem_extract.recall as recall
    from langmem_extract.changes import Change
    from langmem_extract.eval.data import load_locomo, resolve_data_dir
    from langmem_extract.eval.pipeline import EvalConfig, Pipeline, make_embeddings, open_eval_store
    from langmem_extract.recall_index import index_for
    from langmem_extract.schema import Memory, MemoryType
    from langmem_extract.turn_vectors import embed_query

    try:
        from langmem_extract.query_vectors import forget_query_vectors
    except ImportError:  # code from before the recent-question cache

        def forget_query_vectors(embeddings: Any = None) -> None:
            return None

    conv = next(
        c for c in load_locomo(resolve_data_dir(args.data)) if c.sample_id == args.conversation
    )
    questions = list(dict.fromkeys(q.question for q in conv.qa if q.evidence))
    config = EvalConfig(db=args.db)
    embeddings = make_embeddings(config)
    namespace = ("locomo", conv.sample_id)
    spent: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + (time.perf_counter() - start) * 1000

        return wrapper

    engine = embeddings_module.E5Embeddings._encode
    embeddings_module.E5Embeddings._encode = timed("embed", engine)  # type: ignore[method-assign]
    recall.RecallPlan.take = timed("memories", recall.RecallPlan.take)  # type: ignore[method-assign]
    rank_hybrid = recall.RecallPlan.rank_hybrid
    recall.RecallPlan.rank_hybrid = timed("ranking", rank_hybrid)  # type: ignore[method-assign]
    picks: Counter[int] = Counter()
    try:
        import langmem_extract.e5_encoder as engine_module
    except ImportError:  # a checkout from before the encoder had a module of its own
        engine_module = embeddings_module  # type: ignore[assignment]
    policy = engine_module._THREADS
    pick = policy.pick
    pick_us: list[float] = []
    readings: list[float | None] = []  # other work the policy read at each pick, cores
    reader = getattr(policy, "recent_others", None)  # absent before the busy-CPU reading
    if reader is not None:

        def recorded(now: float) -> float | None:
            others = reader(now)
            readings.append(others)
            return others

        policy.recent_others = recorded  # type: ignore[method-assign]

    def counted_pick(*a: Any, **k: Any) -> int:
        start = time.perf_counter()
        threads = pick(*a, **k)
        pick_us.append((time.perf_counter() - start) * 1e6)
        picks[threads] += 1
        return threads

    policy.pick = counted_pick  # type: ignore[method-assign]
    collections: list[tuple[int, float]] = []
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            collections.append((info["generation"], time.perf_counter() - gc_started[0]))

    out: dict[str, Any] = {"load_start": os.getloadavg()[0]}
    with open_eval_store(config, embeddings) as (store, _):
        store_search = store.search
        store.search = timed("search", store_search)  # type: ignore[method-assign]
        pipeline = Pipeline(config, store, embeddings)
        hybrid = pipeline.retriever(namespace, 10)
        dense = pipeline.retriever(namespace, 10, hybrid=False)
        start = time.perf_counter()
        hybrid.invoke(questions[0])
        out["first_ms"] = (time.perf_counter() - start) * 1000
        index = index_for(store, namespace)
        out["turns"] = sum(len(keys) for keys in index.session_turns.values())
        memories = getattr(index.memories, "records", index.memories)  # light records since
        out["memories"] = sum(1 for m in memories.values() if m.status.value == "active")
        out["questions"] = len(questions)
        samples: dict[str, list[float]] = {"hybrid": [], "dense": [], "again": []}
        samples.update({phase: [] for phase in PHASES})
        cpu: list[float] = []
        gc.callbacks.append(on_gc)
        try:
            for question in questions:
                forget_query_vectors()
                spent.clear()
                start, cpu_start = time.perf_counter(), time.thread_time()
                hybrid.invoke(question)
                total = (time.perf_counter() - start) * 1000
                cpu.append((time.thread_time() - cpu_start) * 1000)
                samples["hybrid"].append(total)
                for phase in PHASES[:-1]:
                    samples[phase].append(spent.get(phase, 0.0))
                samples["rest"].append(total - sum(spent.get(p, 0.0) for p in PHASES[:-1]))
                start = time.perf_counter()
                hybrid.invoke(question)  # the same question again, at once
                samples["again"].append((time.perf_counter() - start) * 1000)
                forget_query_vectors()
                start = time.perf_counter()
                dense.invoke(question)
                samples["dense"].append((time.perf_counter() - start) * 1000)
        finally:
            gc.callbacks.remove(on_gc)
        samples["cpu"] = cpu
        step: list[float] = []
        recall.RecallPlan.rank_hybrid = rank_hybrid  # type: ignore[method-assign]
        store.search = store_search  # type: ignore[method-assign]
        for question in questions:
            plan = recall.RecallPlan(question, namespace, k=10)
            plan.calibration = recall.calibration_for(store)
            pool: list[Any] = []
            for offset, limit in plan.pages():
                page = store.search(namespace, **plan.search_args(offset, limit))
                if plan.take(page, limit, pool):
                    break
            vector, _ = embed_query(store, question)  # the turns are ranked too, as shipped
            start = time.perf_counter()
            plan.rank_hybrid(pool, index, vector)
            step.append((time.perf_counter() - start) * 1000)
        samples["step"] = step
        writes: list[float] = []
        for _ in range(WRITES + 1):
            probe = Memory(content="User keeps a probe memory.", title="probe",
                           type=MemoryType.FACT, namespace=list(namespace))  # fmt: skip
            start = time.perf_counter()
            index.apply(Change(memories=[probe]))
            index.apply(Change(deleted=[(namespace, probe.id)]))
            writes.append((time.perf_counter() - start) * 1000 / 2)
        out["first_write_ms"] = writes[0]
        out["write_ms"] = _percentile(writes[1:], 50)
    samples["pick_us"] = pick_us
    samples["others"] = [x for x in readings if x is not None]
    out["samples"] = samples
    out["fallbacks"] = sum(1 for x in readings if x is None)
    out["picks"] = {str(k): v for k, v in sorted(picks.items())}
    out["gc"] = {
        str(gen): [sum(1 for g, _ in collections if g == gen),
                   sum(s for g, s in collections if g == gen) * 1000]
        for gen in (0, 1, 2)
    }  # fmt: skip
    out["load_end"] = os.getloadavg()[0]
    return out


def _settle(below: float | None, most: float = 900.0) -> None:
    deadline = time.monotonic() + most
    while below is not None and os.getloadavg()[0] > below and time.monotonic() < deadline:
        time.sleep(5)


def _run(code: Path, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(code))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--db", args.db,
           "--conversation", args.conversation]  # fmt: skip
    if args.data:
        cmd += ["--data", args.data]
    done = subprocess.run(cmd, env=env, cwd=code, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = dict(runs[0])
    merged["samples"] = {
        name: [x for run in runs for x in run["samples"][name]] for name in runs[0]["samples"]
    }
    picks: Counter[str] = Counter()
    gcs = {gen: [0, 0.0] for gen in ("0", "1", "2")}
    for run in runs:
        picks.update(run["picks"])
        for gen, (count, ms) in run["gc"].items():
            gcs[gen][0] += count
            gcs[gen][1] += ms
    merged["picks"], merged["gc"] = dict(picks), gcs
    merged["fallbacks"] = sum(run.get("fallbacks", 0) for run in runs)
    merged["first_ms"] = [run["first_ms"] for run in runs]
    merged["write_ms"] = [run["write_ms"] for run in runs]
    merged["first_write_ms"] = [run.get("first_write_ms", float("nan")) for run in runs]
    return merged


def _cell(samples: list[float]) -> str:
    return f"{_percentile(samples, 50):.1f} / {_percentile(samples, 95):.1f}"


def render(sides: dict[str, dict[str, Any]], args: argparse.Namespace, loads: list[float]) -> str:
    names = list(sides)
    first = sides[names[-1]]
    rows = [
        ("`MemoryRetriever.invoke`, hybrid (as shipped)", "hybrid"),
        ("`MemoryRetriever.invoke`, `hybrid=False` (dense only)", "dense"),
        ("the same question again at once (hybrid)", "again"),
        *[(f"hybrid, phase: {PHASE_NAMES[p]}", p) for p in PHASES],
        ("hybrid, CPU time of the calling thread", "cpu"),
        ("the hybrid step alone (pool already fetched)", "step"),
    ]
    head = "| what (p50 / p95 ms) | " + " | ".join(names) + " |"
    lines = [head, "|---|" + "---|" * len(names)]
    for label, key in rows:
        lines.append(
            f"| {label} | " + " | ".join(_cell(sides[n]["samples"][key]) for n in names) + " |"
        )
    for label, key in (("first hybrid query of a process (builds the index), ms", "first_ms"),
                       ("the process's first write to the index (restored index: builds "
                        "its term counts), ms per write", "first_write_ms"),
                       (f"keeping the index current after a write, ms per write (median "
                        f"of {WRITES} per process)", "write_ms")):  # fmt: skip
        cells = " | ".join(", ".join(f"{x:.0f}" if key == "first_ms" else f"{x:.1f}"
                                     for x in sides[n][key]) for n in names)  # fmt: skip
        lines.append(f"| {label} | {cells} |")
    picks = " | ".join(
        ", ".join(f"{k} thread{'s' if k != '1' else ''}: {v}" for k, v in sides[n]["picks"].items())
        or "set by OMP_NUM_THREADS"
        for n in names
    )
    lines.append(f"| engine threads picked (calls) | {picks} |")
    lines.append(
        "| the thread policy's pick, µs (p50 / p95) | "
        + " | ".join(_cell(sides[n]["samples"].get("pick_us", [])) for n in names)
        + " |"
    )
    read = " | ".join(
        f"{_cell(sides[n]['samples']['others'])} ({sides[n]['fallbacks']} picks by the load "
        "average)"
        if sides[n]["samples"].get("others")
        else "load average only"
        for n in names
    )
    lines.append(f"| other work read from the busy CPU seconds, cores (p50 / p95) | {read} |")
    gcs = " | ".join(
        ", ".join(f"gen {g}: {c} ({ms:.0f} ms)" for g, (c, ms) in sides[n]["gc"].items())
        for n in names
    )
    lines.append(f"| garbage collections during the timed queries | {gcs} |")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    omp = os.environ.get("OMP_NUM_THREADS")
    before = " --before <checkout of the code before>" if len(names) > 1 else ""
    return "\n".join([
        "# Recall latency at LoCoMo scale",
        "",
        f"Produced by `LANGMEM_EVAL_DATA=../shared/data python benchmarks/recall_latency.py --db "
        f"<store left by langmem-extract eval locomo --db> --conversation {args.conversation}"
        f"{before} --rounds {args.rounds}"
        + (f" --settle {args.settle}" if args.settle is not None else "")
        + f" --out docs/benchmarks` on {when}"
        + (f", with `OMP_NUM_THREADS={omp}`" if omp else ", the engine's default thread policy")
        + ".",
        "",
        f"{args.conversation}: {first['memories']} active memories, {first['turns']} logged "
        f"turns, {first['questions']} distinct questions with evidence, each recalled once "
        f"per round and side ({args.rounds} round{'s' if args.rounds > 1 else ''}: fresh "
        f"processes, sides alternating). Machine: {os.cpu_count()} CPUs, 1-minute load average "
        + ", ".join(f"{x:.2f}" for x in loads)
        + " (before each process and at the end). On a loaded machine the absolute times "
        "are several times a quiet machine's; compare the columns, measured side by side.",
        "",
        *lines,
        "",
        "Phases of a hybrid query: the engine call embedding the question; the store's "
        "vector search (it reuses the question's vector); validating the fetched pool's "
        "memories; the hybrid ranking (BM25, dense turns, fusion, novelty); the rest is the "
        "retriever's own work and building the documents. The target is p95 ≤ 50 ms for "
        "`MemoryRetriever.invoke`, hybrid, on a quiet machine.",
        "",
        "Engine threads: the default policy runs the engine on both cores while other work "
        "keeps under half a core busy. The reading row shows what it saw: the cores' busy "
        "CPU seconds less this process's embedding work, per second, over spans of at "
        "least half a second (the 1-minute load average decides before the first span; "
        "code from before the busy-CPU reading used the load average alone). The pick row "
        "is its cost per engine call.",
        "",
    ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conversation", default="conv-41")
    parser.add_argument("--data", default=None)
    parser.add_argument("--before", default=None, help="a checkout of the code to compare with")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--settle",
        type=float,
        default=None,
        help="before each process, wait (up to 15 min) for the 1-minute load average to "
        "fall to this: the engine's default thread policy reads it",
    )
    parser.add_argument("--out", default="langmem-eval-results")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    codes = {"after (this tree)": ROOT}
    if args.before:
        codes = {"before": Path(args.before).resolve(), **codes}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in codes}
    loads: list[float] = []
    for _ in range(args.rounds):
        for name, code in codes.items():
            _settle(args.settle)
            loads.append(os.getloadavg()[0])
            runs[name].append(_run(code, args))
    loads.append(os.getloadavg()[0])
    sides = {name: _merge(found) for name, found in runs.items()}
    page = render(sides, args, loads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "recall_latency.md").write_text(page)
    print(page)


if __name__ == "__main__":
    main()
