"""What keeping recall's index current costs per write this process makes, side by side.

A write made through the library tells the process's recall index what changed
(``changes.Change``) and the index applies it at once (``NamespaceIndex.apply``). This
script opens a DuckDB store that already holds a LoCoMo conversation (the file
``langmem-extract eval locomo --db PATH`` leaves, with its side files), and for each
checkout (``--side NAME=DIR``, repeatable; this tree when none is given), in fresh
processes alternating side by side (``--rounds`` each), each side on its own copy of the
file: loads the namespace's index (from the lexical file kept beside it, as a fresh
process does; one unmeasured process per side saves it first), then times

* the process's first write: a new memory, then its delete (a restored BM25 index builds
  the rest of its postings and each document's term counts on its first write);
* ``--writes`` more pairs of a new memory and its delete (no cited turns);
* ``--writes`` pairs of a supersede and its undo on memories that cite turns (the turns
  they cite become blocked, and their neighbours' documents change).

CPU seconds of the process (``time.process_time``) and wall seconds per write, medians;
garbage collections during the timed writes. Prints the page; with ``--out``, writes it
into ``index_reread.md`` there between this script's markers (the rest of that page is
kept)::

    LANGMEM_EVAL_DATA=../shared/data python benchmarks/index_write.py \\
        --db <copy of a store left by eval locomo --db, with its side files> \\
        --side before=<checkout of the code to compare with> --side "after (this tree)"=. \\
        --conversation conv-41 --rounds 5 --writes 40 --out docs/benchmarks
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "<!-- figures from benchmarks/index_write.py: begin -->"
END = "<!-- figures from benchmarks/index_write.py: end -->"
READ_MARKER = "<!-- figures below are rewritten by benchmarks/index_reread.py -->"
KINDS = {
    "first_insert": "first write of the process: a new memory",
    "first_delete": "first write of the process: then its delete",
    "insert": "a new memory (no cited turns)",
    "delete": "its delete",
    "supersede": "a supersede of a memory citing turns",
    "restore": "its undo (the memory active again)",
}


def worker(db: str, conversation: str, writes: int) -> dict[str, Any]:
    """One process's measurement against the ``langmem_extract`` it imports."""
    import gc
    import time

    from langmem_extract.changes import Change
    from langmem_extract.eval.pipeline import EvalConfig, make_embeddings, open_eval_store
    from langmem_extract.recall_index import index_for
    from langmem_extract.schema import Memory, MemoryStatus, MemoryType

    config = EvalConfig(db=db)
    namespace = ("locomo", conversation)
    samples: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
    collections: list[int] = [0, 0, 0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop":
            collections[info["generation"]] += 1

    def timed(kind: str, change: Any) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        index.apply(change)
        samples[kind].append(((time.perf_counter() - wall) * 1000,
                              (time.process_time() - cpu) * 1000))  # fmt: skip

    def probe() -> Memory:
        return Memory(content="User keeps a probe memory for the write benchmark.",
                      title="probe", type=MemoryType.FACT, namespace=list(namespace))  # fmt: skip

    with open_eval_store(config, make_embeddings(config)) as (store, _):
        start = time.perf_counter()
        index = index_for(store, namespace)
        load_ms = (time.perf_counter() - start) * 1000
        records = index.memories.records
        citing = sorted(k for k, r in records.items()
                        if r.status == MemoryStatus.ACTIVE and r.source_message_ids)  # fmt: skip
        gc.callbacks.append(on_gc)
        try:
            first = probe()
            timed("first_insert", Change(memories=[first]))
            timed("first_delete", Change(deleted=[(namespace, first.id)]))
            for _ in range(writes):
                memory = probe()
                timed("insert", Change(memories=[memory]))
                timed("delete", Change(deleted=[(namespace, memory.id)]))
            step = max(len(citing) // max(writes, 1), 1)
            for i in range(writes):
                memory = index.memories[citing[(i * step) % len(citing)]]
                gone = memory.model_copy(update={"status": MemoryStatus.SUPERSEDED})
                timed("supersede", Change(memories=[gone]))
                timed("restore", Change(memories=[memory]))
        finally:
            gc.callbacks.remove(on_gc)
        documents = len(index.lexical)
    return {"samples": samples, "gc": collections, "load_ms": load_ms,
            "memories": len(records), "documents": documents}  # fmt: skip


def _copy(db: Path, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    for source in db.parent.glob(db.name + "*"):
        shutil.copy2(source, into / source.name)
        os.chmod(into / source.name, 0o600)
    return into / db.name


def _run(code: Path, db: Path, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(code))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--db", str(db),
           "--conversation", args.conversation, "--writes", str(args.writes)]  # fmt: skip
    done = subprocess.run(cmd, env=env, cwd=code, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(pairs: list[list[float]], which: int) -> float:
    return statistics.median(p[which] for p in pairs) if pairs else float("nan")


def render(sides: dict[str, list[dict[str, Any]]], args: argparse.Namespace,
           loads: list[float]) -> str:  # fmt: skip
    names = list(sides)
    merged = {name: {kind: [p for run in runs for p in run["samples"][kind]] for kind in KINDS}
              for name, runs in sides.items()}  # fmt: skip
    first = sides[names[-1]][0]
    head = "| write applied to the index (median ms per write) | " + " | ".join(
        f"{n}: CPU | {n}: wall" for n in names) + " |"  # fmt: skip
    lines = [head, "|---|" + "---:|---:|" * len(names)]
    for kind, label in KINDS.items():
        count = len(merged[names[-1]][kind])
        cells = " | ".join(f"{_median(merged[n][kind], 1):.2f} | {_median(merged[n][kind], 0):.2f}"
                           for n in names)  # fmt: skip
        lines.append(f"| {label} ({count} samples) | {cells} |")
    gcs = " | ".join(
        ", ".join(f"gen {g}: {sum(run['gc'][g] for run in sides[n])}" for g in range(3)) + " | "
        for n in names
    )
    lines.append(f"| garbage collections during the timed writes, all processes | {gcs}|")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    omp = os.environ.get("OMP_NUM_THREADS")
    command = (
        "LANGMEM_EVAL_DATA=../shared/data python benchmarks/index_write.py --db <copy of a "
        "store left by eval locomo --db> "
        + " ".join(f'--side "{n}"=<checkout>' for n in names)
        + f" --conversation {args.conversation} --rounds {args.rounds} --writes {args.writes}"
        " --out docs/benchmarks"
    )
    return "\n".join([
        BEGIN,
        "",
        f"Latest run of this table: `{command}` on {when}"
        + (f", with `OMP_NUM_THREADS={omp}`" if omp else "")
        + f". {args.conversation}: {first['memories']} memories, {first['documents']} "
        f"lexical documents. {args.rounds} fresh processes per side, sides alternating; "
        f"{os.cpu_count()} CPUs, 1-minute load average "
        + ", ".join(f"{x:.2f}" for x in loads)
        + " (before each process and at the end). CPU is the process's CPU time; on a "
        "loaded machine compare CPU, and the columns measured side by side.",
        "",
        *lines,
        "",
        END,
    ])  # fmt: skip


def write_page(out: Path, section: str) -> None:
    page = out / "index_reread.md"
    text = page.read_text() if page.exists() else ""
    if BEGIN in text and END in text:
        text = text.split(BEGIN)[0] + section + text.split(END, 1)[1]
    elif READ_MARKER in text:
        before, after = text.split(READ_MARKER, 1)
        text = before.rstrip() + "\n\n" + section + "\n\n" + READ_MARKER + after
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    out.mkdir(parents=True, exist_ok=True)
    page.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conversation", default="conv-41")
    parser.add_argument("--side", action="append", default=[],
                        help="NAME=DIR: a checkout of the code to measure (repeatable)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--writes", type=int, default=40)
    parser.add_argument("--out", default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.db, args.conversation, args.writes)))
        return
    codes = {"after (this tree)": ROOT}
    if args.side:
        codes = {name: Path(path).resolve() for name, path in (s.split("=", 1) for s in args.side)}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in codes}
    loads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="index-write-") as tmp:
        dbs = {name: _copy(Path(args.db).resolve(), Path(tmp) / str(i))
               for i, name in enumerate(codes)}  # fmt: skip
        for name, code in codes.items():  # saves each side's lexical file: not measured
            _run(code, dbs[name], args)
        for _ in range(args.rounds):
            for name, code in codes.items():
                loads.append(os.getloadavg()[0])
                runs[name].append(_run(code, dbs[name], args))
    loads.append(os.getloadavg()[0])
    section = render(runs, args, loads)
    if args.out:
        write_page(Path(args.out), section)
    print(section)


if __name__ == "__main__":
    main()
