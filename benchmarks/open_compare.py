"""Fresh-process open and first search of one DuckDB file: this checkout against another.

Builds (once, under ``--work``) a bulk-built file of ``--size`` clustered memories
(``store_speed.bulk_fill``), copies it once per checkout, then alternates fresh
processes of each checkout's ``benchmarks/store_speed.py --child-open`` on its own copy,
``--runs`` times: the first open of each copy reads the tables (and writes the files the
checkout keeps beside the database), later ones open from those files. Prints, per
checkout and run, seconds from ``open`` to the answer, their CPU seconds (where the
checkout reports them), the whole process's wall and CPU time and RSS, with the machine
load before and after. Alternating keeps both sides under the same load::

    git worktree add /tmp/before <old commit>
    OMP_NUM_THREADS=1 python benchmarks/open_compare.py --other /tmp/before --size 100000

Without ``--other`` it times this checkout alone (the 1M figure: ``--size 1000000``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _run(root: Path, db: Path, queries: Path) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "store_speed.py"), "--child-open",
         str(db), str(queries)],
        env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    got: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    got["process_wall_s"] = round(wall, 3)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    got["process_cpu_s"] = round(cpu, 3)
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, default=None,
                        help="the other checkout (default: this one alone)")  # fmt: skip
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lme-open-compare"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import numpy as np
    import store_speed

    args.work.mkdir(parents=True, exist_ok=True)
    src = args.work / f"clustered-{args.size}.duckdb"
    queries = args.work / f"clustered-{args.size}.queries.npy"
    if not src.exists():
        vecs = store_speed.make_vectors("clustered", args.size, seed=args.size)
        np.save(queries, store_speed.make_queries(vecs, 1, seed=1, near=True))
        store_speed.bulk_fill(src, vecs)
    roots = {"this": ROOT}
    if args.other is not None:
        roots["other"] = args.other.resolve()
    dbs = {}
    for name in roots:
        dbs[name] = args.work / f"{name}-{args.size}.duckdb"
        if not dbs[name].exists():
            shutil.copy(src, dbs[name])
    load_before = os.getloadavg()
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in roots}
    for i in range(args.runs):
        for name, root in roots.items():
            rows[name].append(_run(root, dbs[name], queries))
            print(i, name, json.dumps(rows[name][-1]), flush=True)
    load_after = os.getloadavg()
    print(f"\n{args.size:,} memories; load average before {load_before}, after {load_after}")
    print("| checkout | run | open → answer s | its CPU s | process s | process CPU s | RSS MiB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name in roots:
        for i, r in enumerate(rows[name]):
            label = "first (tables)" if i == 0 else "again (files)"
            print(f"| {name} | {label} | {r['open_to_answer_s']} | "
                  f"{r.get('open_to_answer_cpu_s', 'n/a')} | {r['process_wall_s']} | "
                  f"{r['process_cpu_s']} | {r['rss_mib']} |")  # fmt: skip
        again = rows[name][1:]
        if again:
            med = statistics.median(r["open_to_answer_s"] for r in again)
            print(f"| {name} | again, median | {med:.3f} | | | | |")
    for name, db in dbs.items():
        sizes = {p.name[len(db.name) :] or "db": round(p.stat().st_size / 1e6, 1)
                 for p in sorted(db.parent.glob(db.name + "*"))}  # fmt: skip
        print(f"{name}: files MB {json.dumps(sizes)}")


if __name__ == "__main__":
    main()
