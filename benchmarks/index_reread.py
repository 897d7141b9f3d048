"""The cost of recall's background re-read after one write, before vs after.

A process's recall index (``recall_index.NamespaceIndex``) re-reads the store in a
background thread after writes it was not told about (other processes, raw
``store.put``/``store.delete``) and to confirm its own. This script builds (once, cached
under ``--work``) a DuckDB file of ``--memories`` memories (``benchmarks/cold_start.py``'s
fixture), then in a fresh process per checkout (this one and ``--before``, alternating,
each on its own copy of the file and its side files): loads the index, and ``--rounds``
times makes one raw write (an insert, a status change, a delete, in turn) and times one
re-read (``NamespaceIndex._reread``, run in the calling thread): CPU seconds of that
thread, wall seconds, and how many memories it validated (``MemoryRecord.of`` calls).
The first re-read after the load is reported apart (it may read what the load did not).

    python benchmarks/index_reread.py --before <checkout of the code to compare with> \\
        [--memories 10000] [--rounds 9] [--runs 2] [--out docs/benchmarks]

Prints the figures as JSON; with ``--out``, writes ``index_reread.md`` there (the page's
head is kept above the marker, the figures below it are rewritten).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
MARKER = "<!-- figures below are rewritten by benchmarks/index_reread.py -->"
HEAD = """# Recall index: re-read after one write

How much a process's recall index spends re-reading the store after one write it was
not told about, at 10,000 memories (`benchmarks/index_reread.py`).
"""
KINDS = {"insert": "a new memory (raw `store.put`)",
         "change": "a status change (raw `store.put`, supersede)",
         "delete": "a raw `store.delete`"}  # fmt: skip

_PRIME = r"""
import sys
from langmem_extract.recall_index import NamespaceIndex
from langmem_extract.schema import DEFAULT_NAMESPACE
from langmem_extract.store.factory import open_store
store = open_store(sys.argv[1])
NamespaceIndex(store, DEFAULT_NAMESPACE).load()  # writes the lexical file beside it
store.close()
"""

_CHILD = r"""
import json, sys, time
from langmem_extract.changes import commit_count
from langmem_extract.recall_index import NamespaceIndex
from langmem_extract.recall_records import MemoryRecord
from langmem_extract.schema import DEFAULT_NAMESPACE, Memory, MemoryType, make_title
from langmem_extract.store.factory import open_store

path, rounds = sys.argv[1], int(sys.argv[2])
validated = [0]
real = MemoryRecord.of.__func__
MemoryRecord.of = classmethod(lambda cls, m: (validated.__setitem__(0, validated[0] + 1), real(cls, m))[1])
store = open_store(path)
index = NamespaceIndex(store, DEFAULT_NAMESPACE)
index.load()
keys = sorted(index.memories.records)


def write(i):
    kind = ("insert", "change", "delete")[i % 3]
    if kind == "insert":
        text = f"User picked up a new hobby number {i}."
        memory = Memory(content=text, title=make_title(text), type=MemoryType("fact"))
        store.put(DEFAULT_NAMESPACE, memory.id, memory.to_value(), index=False)
    elif kind == "change":
        value = store.get(DEFAULT_NAMESPACE, keys[i]).value
        store.put(DEFAULT_NAMESPACE, keys[i], {**value, "status": "superseded"}, index=False)
    else:
        store.delete(DEFAULT_NAMESPACE, keys[-1 - i])
    return kind


def reread():
    validated[0] = 0
    cpu, wall = time.process_time(), time.perf_counter()
    index._reread(index._changes, commit_count(store))
    return {"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
            "validated": validated[0]}


out = {"memories": len(index.memories), "first": {"kind": write(0), **reread()}, "rounds": []}
for i in range(1, rounds + 1):
    out["rounds"].append({"kind": write(i), **reread()})
store.close()
print(json.dumps(out))
"""


def _copy(src: Path, dest_dir: Path) -> Path:
    for side in [src, *src.parent.glob(src.name + ".*")]:
        shutil.copy(side, dest_dir / side.name)
    return dest_dir / src.name


def _child(root: Path, db: Path, rounds: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}
    env.pop("LANGMEM_DB", None)
    with tempfile.TemporaryDirectory() as tmp:
        copy = _copy(db, Path(tmp))
        done = subprocess.run([sys.executable, "-c", _CHILD, str(copy), str(rounds)],
                              env=env, cwd=root, capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{root}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memories", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--runs", type=int, default=2, help="fresh processes per checkout")
    parser.add_argument("--before", type=Path, help="checkout of the code to compare with")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "lme-reread")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    from cold_start import build_store

    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / f"reread-{args.memories}.duckdb"
    if not db.exists():
        build_store(db, args.memories)
        # Every run then starts as a process opening a file with its lexical file does.
        subprocess.run([sys.executable, "-c", _PRIME, str(db)], check=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    roots = {"after": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    got: dict[str, list[dict]] = {name: [] for name in roots}
    for _ in range(args.runs):
        for name, root in roots.items():
            got[name].append(_child(root, db, args.rounds))
    load = os.getloadavg()
    report = {"memories": args.memories, "load": [round(x, 1) for x in load],
              "cpus": os.cpu_count(), "sides": {}}  # fmt: skip
    for name, runs in got.items():
        rounds = [r for run in runs for r in run["rounds"]]
        side = {
            "first_cpu_s": [round(run["first"]["cpu_s"], 4) for run in runs],
            "first_validated": [run["first"]["validated"] for run in runs],
        }
        for kind in ("insert", "change", "delete"):
            mine = [r for r in rounds if r["kind"] == kind]
            side[kind] = {
                "cpu_median_s": round(statistics.median(r["cpu_s"] for r in mine), 4),
                "wall_median_s": round(statistics.median(r["wall_s"] for r in mine), 4),
                "validated": sorted({r["validated"] for r in mine}),
            }
        report["sides"][name] = side
    print(json.dumps(report, indent=2))
    if args.out:
        _write_page(args.out / "index_reread.md", report, args)


def _write_page(page: Path, report: dict, args: argparse.Namespace) -> None:
    head = page.read_text().split(MARKER)[0].rstrip() if page.exists() else HEAD.rstrip()
    sides = report["sides"]
    names = list(sides)
    lines = [head, "", MARKER, "", "## Latest run", "",
             f"`python benchmarks/index_reread.py{' --before <checkout>' if args.before else ''}"
             f" --memories {args.memories} --rounds {args.rounds} --runs {args.runs}"
             " --out docs/benchmarks`, load average "
             f"{' / '.join(map(str, report['load']))} on {report['cpus']} CPUs; "
             "CPU seconds of the whole process (DuckDB's threads too) per re-read, median; "
             "memories validated per re-read.", "",
             "| write before the re-read | " + " | ".join(f"{n}: CPU s | {n}: wall s | "
                                                          f"{n}: validated" for n in names)
             + " |", "|---" + "|---:" * 3 * len(names) + "|"]  # fmt: skip
    for kind, label in KINDS.items():
        cells = []
        for name in names:
            got = sides[name][kind]
            cells += [f"{got['cpu_median_s']:.3f}", f"{got['wall_median_s']:.3f}",
                      "/".join(map(str, got["validated"]))]  # fmt: skip
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    first = ", ".join(f"{n}: {' / '.join(f'{c:.3f}' for c in sides[n]['first_cpu_s'])} s CPU"
                      for n in names)  # fmt: skip
    lines += ["", f"First re-read after the load (an insert): {first}.", ""]
    page.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
