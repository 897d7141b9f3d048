"""DuckDBStore search and footprint at 100k and 1M memories in one namespace, in one run.

Vectors are synthetic, 384-d, served by a lookup embedder (the text ``"v<i>"`` embeds as
row ``i``), so no store pays for embedding: ``random`` (Gaussian directions) and
``clustered`` (1 cluster per 100 memories, noise 0.35 around each centre). Queries are
paraphrase-like, ``normalise(3 x_j + unit noise)`` for a random stored ``x_j`` (cosine
about 0.95 to it); ``random`` queries (plain Gaussian directions) are reported too.

For each size and data kind, in this process and run:

* **floor**: the float32 exact scan of the same normalised matrix, ``matrix @ q`` (BLAS)
  and ``einsum`` (one core); the faster p50 is the floor;
* **search**: ``DuckDBStore.search`` p50/p95 and recall@10 against exact numpy search:
  plain, with a 10% filter (``g == 3``), and after deleting 30% of the memories;
* **footprint**: a fresh process opens the file and answers one search: seconds from
  ``open`` to the answer, whole-process wall time, RSS after the answer; first open
  (read from the tables), then again (vector snapshot), with the file sizes;
* at 100k (clustered), the same data and queries in ``InMemoryStore``, ``SqliteStore``
  (sqlite-vec) and ``PostgresStore`` with pgvector HNSW (embedded server), when present.

Writes ``store_speed.json`` and ``store_speed.md`` to ``--out``::

    OMP_NUM_THREADS=1 python benchmarks/store_speed.py --sizes 100000,1000000 \\
        --out docs/benchmarks
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore, PutOp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DIMS = 384
K = 10
NS = ("bench", "speed")
BATCH = 5_000


def _norm(a: np.ndarray) -> np.ndarray:
    return (a / np.linalg.norm(a, axis=-1, keepdims=True)).astype(np.float32)


def make_vectors(kind: str, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, DIMS), dtype=np.float32)
    centres = _norm(rng.standard_normal((max(n // 100, 1), DIMS), dtype=np.float32))
    for s in range(0, n, 100_000):
        e = min(n, s + 100_000)
        noise = _norm(rng.standard_normal((e - s, DIMS), dtype=np.float32))
        if kind == "random":
            out[s:e] = noise
        else:
            out[s:e] = _norm(centres[rng.integers(0, len(centres), e - s)] + 0.35 * noise)
    return out


def make_queries(vecs: np.ndarray, n: int, seed: int, near: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = _norm(rng.standard_normal((n, DIMS), dtype=np.float32))
    if not near:
        return noise
    return _norm(3 * vecs[rng.integers(0, len(vecs), n)] + noise)


class Lookup(Embeddings):
    """``"v<i>"`` embeds as ``items[i]``, ``"q<i>"`` as ``queries[i]``."""

    def __init__(self, items: np.ndarray | None, queries: np.ndarray) -> None:
        self.items, self.queries = items, queries

    def _one(self, text: str) -> list[float]:
        table = self.queries if text[0] == "q" else self.items
        assert table is not None
        return table[int(text[1:])].tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._one(text)


def _index(embed: Embeddings) -> dict[str, Any]:
    return {"dims": DIMS, "embed": embed, "fields": ["content"]}


def _value(i: int) -> dict[str, Any]:
    return {"content": f"v{i}", "g": i % 10, "kind": "fact"}


def fill(store: BaseStore, n: int) -> float:
    start = time.perf_counter()
    for s in range(0, n, BATCH):
        store.batch([PutOp(NS, f"m{i}", _value(i)) for i in range(s, min(n, s + BATCH))])
    return time.perf_counter() - start


# Bulk build: the same rows the store writes, inserted straight into its tables (the
# store's batch path took 359 s per 100k here under load; this about 55 s).
_BULK_ITEMS = """
INSERT INTO store (prefix, key, value, created_at, updated_at, expires_at, ttl_minutes)
SELECT ?, 'm' || i::VARCHAR, json_object('content', 'v' || i::VARCHAR, 'g', i % 10,
       'kind', 'fact'), make_timestamp(? + i), make_timestamp(? + i), NULL, NULL
FROM range(?, ?) t(i)
"""
_BULK_VECTORS = """
INSERT INTO store_vectors (prefix, key, field_name, embedding)
SELECT ?, 'm' || i::VARCHAR, 'content', [{columns}] FROM lm_bulk_vectors
"""


def bulk_fill(db: Path, vecs: np.ndarray) -> float:
    """Create the store (schema, metadata) with DuckDBStore, then insert the rows."""
    import duckdb

    from langmem_extract.store.duckdb import DuckDBStore

    start = time.perf_counter()
    with DuckDBStore.from_conn_string(str(db), index=_index(Lookup(vecs, vecs[:1]))) as store:  # type: ignore[arg-type]
        store.setup()
    prefix, now = ".".join(NS), time.time_ns() // 1000
    con = duckdb.connect(str(db))
    try:
        sql = _BULK_VECTORS.format(columns=", ".join(f"c{j}" for j in range(DIMS)))
        for s in range(0, len(vecs), 100_000):
            e = min(len(vecs), s + 100_000)
            con.execute(_BULK_ITEMS, [prefix, now, now, s, e])
            cols: dict[str, np.ndarray] = {"i": np.arange(s, e)}
            cols.update({f"c{j}": np.ascontiguousarray(vecs[s:e, j]) for j in range(DIMS)})
            con.register("lm_bulk_vectors", cols)
            con.execute(sql, [prefix])
            con.unregister("lm_bulk_vectors")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return time.perf_counter() - start


# PostgreSQL bulk fill: the rows PostgresStore writes, copied straight into its tables
# after setup() (its batch path took over 22 min per 100k here under load). The HNSW
# index is dropped for the copy and rebuilt from its own definition afterwards (one
# build over all rows, not 100k inserts into the graph).
_PG_INDEX_DEF = "SELECT indexdef FROM pg_indexes WHERE indexname = 'store_vectors_embedding_idx'"
_PG_DROP_INDEX = "DROP INDEX store_vectors_embedding_idx"
_PG_COPY_ITEMS = "COPY store (prefix, key, value) FROM STDIN"
_PG_COPY_VECTORS = (
    "COPY store_vectors (prefix, key, field_name, embedding) FROM STDIN WITH (FORMAT BINARY)"
)
_PG_ANALYZE = "ANALYZE store, store_vectors"


def _pg_field(data: bytes) -> bytes:
    return struct.pack("!i", len(data)) + data


def _pg_vector_rows(prefix: str, vecs: np.ndarray, start: int) -> bytes:
    """COPY BINARY tuples (prefix, key, field_name, embedding); pgvector's binary form of
    a vector is int16 dims, int16 unused, then big-endian float4s."""
    head = struct.pack("!h", 4) + _pg_field(prefix.encode())
    tail = _pg_field(b"content")
    dims = struct.pack("!hh", vecs.shape[1], 0)
    big = vecs.astype(">f4")
    return b"".join(
        head + _pg_field(f"m{start + i}".encode()) + tail + _pg_field(dims + big[i].tobytes())
        for i in range(len(vecs))
    )


def pg_bulk_fill(url: str, vecs: np.ndarray) -> dict[str, float]:
    """Copy the items and vectors into a set-up PostgresStore's tables, then rebuild
    its HNSW index; seconds for the copy and for the index."""
    import psycopg

    prefix = ".".join(NS)
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(_PG_INDEX_DEF).fetchone()
        if row is not None:
            conn.execute(_PG_DROP_INDEX)
        with conn.cursor() as cur, cur.copy(_PG_COPY_ITEMS) as copy:
            for i in range(len(vecs)):
                copy.write_row((prefix, f"m{i}", json.dumps(_value(i))))
        with conn.cursor() as cur, cur.copy(_PG_COPY_VECTORS) as copy:
            copy.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0))
            for s in range(0, len(vecs), BATCH):
                copy.write(_pg_vector_rows(prefix, vecs[s : s + BATCH], s))
            copy.write(struct.pack("!h", -1))
        copied = time.perf_counter()
        if row is not None:
            conn.execute(row[0])  # the index's own CREATE INDEX statement, from the catalog
        conn.execute(_PG_ANALYZE)
    return {"copy_s": round(copied - start, 1), "index_s": round(time.perf_counter() - copied, 1)}


def _ms(samples: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(samples) * 1000
    return {"p50": round(float(np.median(arr)), 2), "p95": round(float(np.percentile(arr, 95)), 2)}


def floor(matrix: np.ndarray, queries: np.ndarray) -> dict[str, Any]:
    """The float32 exact scan, both kernels, on the same queries."""
    out: dict[str, Any] = {}
    for name, fn in (
        ("blas", lambda q: matrix @ q),
        ("einsum", lambda q: np.einsum("ij,j->i", matrix, q)),
    ):
        times = []
        for q in queries:
            start = time.perf_counter()
            scores = fn(q)
            np.argpartition(-scores, K)[:K]
            times.append(time.perf_counter() - start)
        out[name] = _ms(times)
    out["floor_p50"] = min(out["blas"]["p50"], out["einsum"]["p50"])
    return out


def exact_keys(matrix: np.ndarray, alive: np.ndarray, q: np.ndarray) -> set[str]:
    scores = matrix @ q
    scores[~alive] = -np.inf
    return {f"m{i}" for i in np.argpartition(-scores, K)[:K]}


def timed_search(
    store: BaseStore, matrix: np.ndarray, alive: np.ndarray, queries: np.ndarray, flt: Any
) -> dict[str, Any]:
    times, found = [], 0
    store.search(NS, query="q0", filter=flt, limit=K)  # warm-up (loads, codes)
    for j, q in enumerate(queries):
        start = time.perf_counter()
        got = store.search(NS, query=f"q{j}", filter=flt, limit=K)
        times.append(time.perf_counter() - start)
        found += len({h.key for h in got} & exact_keys(matrix, alive, q))
    return {**_ms(times), "recall_at_10": round(found / (K * len(queries)), 4)}


# -- footprint: a fresh process ---------------------------------------------------------


def child_open(db: str, queries_path: str) -> None:
    """Run in a fresh process: open the file, answer one search, print the figures."""
    start = time.perf_counter()
    import psutil

    from langmem_extract.store.duckdb import DuckDBStore

    imported, cpu = time.perf_counter(), time.process_time()
    queries = np.load(queries_path)
    store = DuckDBStore.open(db, index=_index(Lookup(None, queries)))  # type: ignore[arg-type]
    store.setup()
    hits = store.search(NS, query="q0", limit=K)
    answered, cpu = time.perf_counter(), time.process_time() - cpu
    rss = psutil.Process().memory_info().rss / 2**20
    store.close()
    print(
        json.dumps(
            {
                "import_s": round(imported - start, 3),
                "open_to_answer_s": round(answered - imported, 3),
                "open_to_answer_cpu_s": round(cpu, 3),
                "rss_mib": round(rss, 1),
                "hits": len(hits),
            }
        )
    )


def footprint(db: Path, queries: np.ndarray) -> dict[str, Any]:
    qpath = db.with_suffix(".queries.npy")
    np.save(qpath, queries[:1])
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--child-open", str(db), str(qpath)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        wall = time.perf_counter() - start
        got = json.loads(out.stdout.strip().splitlines()[-1])
        got["process_wall_s"] = round(wall, 3)
        got["disk_mb"] = _disk_mb(db)
        runs.append(got)
    return {"first": runs[0], "again": runs[1:]}


def _disk_mb(db: Path) -> dict[str, float]:
    files = {
        p.name[len(db.name) :] or "db": p.stat().st_size for p in db.parent.glob(db.name + "*")
    }
    return {name: round(size / 1e6, 1) for name, size in sorted(files.items())}


# -- one size, one data kind --------------------------------------------------------------


def run_duckdb(kind: str, n: int, n_queries: int, tmp: Path, bulk: bool) -> dict[str, Any]:
    from langmem_extract.store import _codes
    from langmem_extract.store.duckdb import DuckDBStore

    vecs = make_vectors(kind, n, seed=n)
    near = make_queries(vecs, n_queries, seed=1, near=True)
    rand = make_queries(vecs, n_queries, seed=2, near=False)
    db = tmp / f"{kind}-{n}.duckdb"
    result: dict[str, Any] = {"n": n, "kind": kind}
    result["fill"] = "bulk SQL insert" if bulk else "DuckDBStore.batch"
    if bulk:
        result["fill_s"] = round(bulk_fill(db, vecs), 1)
    else:
        with DuckDBStore.from_conn_string(str(db), index=_index(Lookup(vecs, near))) as store:  # type: ignore[arg-type]
            store.setup()
            result["fill_s"] = round(fill(store, n), 1)
    print(f"  filled {kind} {n:,} in {result['fill_s']} s", flush=True)
    result["footprint"] = footprint(db, near)
    print(f"  footprint {result['footprint']}", flush=True)
    alive = np.ones(n, dtype=bool)
    tenth = (np.arange(n) % 10) == 3
    result["floor"] = floor(vecs, near)
    searches: dict[str, Any] = {}
    with DuckDBStore.from_conn_string(str(db), index=_index(Lookup(vecs, near))) as store:  # type: ignore[arg-type]
        store.setup()
        searches["plain"] = timed_search(store, vecs, alive, near, None)
        searches["filter_10pct"] = timed_search(store, vecs, tenth, near, {"g": 3})
        store.embeddings = Lookup(vecs, rand)  # type: ignore[assignment]
        searches["random_queries"] = timed_search(store, vecs, alive, rand, None)
        store.embeddings = Lookup(vecs, near)  # type: ignore[assignment]
        gone = np.random.default_rng(3).permutation(n)[: int(n * 0.3)]
        for s in range(0, len(gone), BATCH):
            store.batch([PutOp(NS, f"m{i}", None) for i in gone[s : s + BATCH]])
        alive[gone] = False
        searches["after_delete_30pct"] = timed_search(store, vecs, alive, near, None)
        searches["after_delete_30pct_filter_10pct"] = timed_search(
            store, vecs, alive & tenth, near, {"g": 3}
        )
        cache = store._cache
        result["code_pass"] = dict(cache.codes.stats) if cache is not None else {}
    result["floor_after_delete"] = floor(vecs[alive], near)
    result["search"] = searches
    result["ratio_plain_to_floor"] = round(
        searches["plain"]["p50"] / result["floor"]["floor_p50"], 3
    )
    result["quant_min_rows"] = _codes.QUANT_MIN_ROWS
    print(f"  search {searches} floor {result['floor']}", flush=True)
    return result


# -- other stores, 100k --------------------------------------------------------------------


@contextlib.contextmanager
def _other(kind: str, index: dict[str, Any], tmp: Path) -> Iterator[tuple[BaseStore, str]]:
    """The store, and for PostgreSQL its database URL (else "")."""
    if kind == "inmemory":
        from langgraph.store.memory import InMemoryStore

        yield InMemoryStore(index=index), ""  # type: ignore[arg-type]
    elif kind == "sqlite":
        from langgraph.store.sqlite import SqliteStore

        from langmem_extract.eval.speed import _sqlite_connect

        conn = _sqlite_connect(tmp / "other.sqlite")
        try:
            store = SqliteStore(conn, index={**index, "text_fields": index["fields"]})  # type: ignore[arg-type]
            store.setup()
            yield store, ""
        finally:
            conn.close()
    else:
        from langmem_extract.eval.pg_server import EmbeddedPostgres
        from langmem_extract.store.postgres import PostgresStore

        with EmbeddedPostgres(settings={"maintenance_work_mem": "1GB"}) as server:
            url = server.create_database("langmem_speed")
            store = PostgresStore.connect(url, index=index, setup=True)  # type: ignore[arg-type]
            try:
                yield store, url
            finally:
                store.close()


def run_other(kind: str, n: int, n_queries: int, tmp: Path, bulk: bool) -> dict[str, Any]:
    vecs = make_vectors("clustered", n, seed=n)
    near = make_queries(vecs, n_queries, seed=1, near=True)
    alive = np.ones(n, dtype=bool)
    filled: dict[str, Any] = {}
    try:
        with _other(kind, _index(Lookup(vecs, near)), tmp) as (store, url):
            if url and bulk:
                filled = {"fill": "bulk COPY, then the HNSW index built", **pg_bulk_fill(url, vecs)}
            else:
                filled = {"fill": "batch", "fill_s": round(fill(store, n), 1)}
            print(f"  filled {filled}", flush=True)
            got = timed_search(store, vecs, alive, near, None)
    except Exception as exc:  # missing extension or server: said so in the report
        return {"error": repr(exc)[:300], **filled}
    return {**got, **filled, "queries": n_queries}


# -- report -------------------------------------------------------------------------------------


def _data(r: dict[str, Any]) -> str:
    bulk = r.get("fill") == "bulk SQL insert"
    return f"{r['kind']}{' (bulk-built)' if bulk else ''}"


def _files(disk: dict[str, float]) -> str:
    parts = {"db": 0.0, "matrix": 0.0, "codes": 0.0, "items": 0.0}
    for name, mb in disk.items():
        kind = {"npy": "matrix", "codes": "codes", "items": "items"}.get(name.rsplit(".")[-1])
        parts[kind if ".mirror-" in name and kind else "db"] += mb
    return " + ".join(f"{mb:,.0f}" for mb in parts.values() if mb)


def _times(ratio: float) -> str:
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def _filled(s: dict[str, Any]) -> str:
    if "copy_s" in s:
        return f"COPY {s['copy_s']} s, then HNSW build {s['index_s']} s"
    return f"batch() {s['fill_s']} s" if "fill_s" in s else "?"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# DuckDBStore search and footprint",
        "",
        f"Command: `{report['command']}`  ",
        f"Machine: {report['machine']}; load before / after: {report['load_before']} / "
        f"{report['load_after']} (shared with other processes: compare the ratios, "
        "measured side by side in one run). Raw figures: `store_speed.json`.",
        "",
        "Queries are paraphrase-like (cosine about 0.95 to one stored memory) unless the "
        "case says random. Floor: the float32 exact scan of the same matrix in the same "
        "process (faster p50 of BLAS and einsum). Recall@10 is against exact search.",
        "",
        "| N | data | case | p50 / p95 ms | floor p50 ms | p50 / floor | recall@10 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["duckdb"]:
        for case, s in r.get("search", {}).items():
            floor_of = r.get("floor_after_delete" if "delete" in case else "floor")
            fl = floor_of["floor_p50"] if floor_of else None
            ratio = f"{s['p50'] / fl:.2f}" if fl else "n/a"
            lines.append(
                f"| {r['n']:,} | {_data(r)} | {case} | {s['p50']} / {s['p95']} | "
                f"{fl or 'not measured'} | {ratio} | {s['recall_at_10']:.3f} |"
            )
    lines += [
        "",
        "Fresh process: open the file and answer one search (seconds from `open` to the "
        "answer, and that stretch's CPU seconds; whole process including imports; RSS "
        "after the answer). First open reads the tables and writes the mirror files "
        "(matrix, sign codes, per-item columns); later opens map them.",
        "",
        "| N | data | open → answer s (first / again) | CPU s (first / again) | process s "
        "| RSS MiB | files MB (db + matrix + codes + items) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["duckdb"]:
        f = r["footprint"]
        again = f["again"][-1]
        lines.append(
            f"| {r['n']:,} | {_data(r)} | {f['first']['open_to_answer_s']} / "
            f"{again['open_to_answer_s']} | {f['first'].get('open_to_answer_cpu_s', 'n/a')} / "
            f"{again.get('open_to_answer_cpu_s', 'n/a')} | {f['first']['process_wall_s']} / "
            f"{again['process_wall_s']} | {f['first']['rss_mib']} / {again['rss_mib']} | "
            f"{_files(again['disk_mb'])} |"
        )
    if report.get("others"):
        lines += [
            "",
            f"Other stores, {report['others_n']:,} clustered memories, same vectors and "
            "queries (InMemoryStore and SqliteStore scan every vector per search: "
            f"{report['others_queries']} queries; PostgresStore searches pgvector's HNSW "
            "index, approximate: as many queries as DuckDBStore). The last column is the "
            "store's p50 over DuckDBStore's plain p50 at this size:",
            "",
            "| store | filled by | p50 / p95 ms | recall@10 | p50 / DuckDBStore p50 |",
            "|---|---|---|---|---|",
        ]
        duck = next(
            r for r in report["duckdb"] if r["n"] == report["others_n"] and r["kind"] == "clustered"
        )["search"]["plain"]["p50"]
        for kind, s in report["others"].items():
            if "error" in s:
                lines.append(f"| {kind} | {_filled(s)} | not run: {s['error']} | | |")
            else:
                lines.append(
                    f"| {kind} | {_filled(s)} | {s['p50']} / {s['p95']} | "
                    f"{s['recall_at_10']:.3f} | {_times(s['p50'] / duck)} |"
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--kinds", default="clustered,random")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--others", default="inmemory,sqlite,postgres")
    parser.add_argument("--others-queries", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("langmem-eval-results"))
    parser.add_argument("--tmp", type=Path, default=None)
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="build the DuckDB files by SQL inserts into the store's tables, not batch()",
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="add these sizes to the store_speed.json already in --out (one page)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    report: dict[str, Any] = {
        "command": "OMP_NUM_THREADS=1 python benchmarks/store_speed.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": f"{os.cpu_count()} CPUs, {platform.python_version()}, {platform.machine()}",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_before": _load(),
        "duckdb": [],
    }
    with tempfile.TemporaryDirectory(prefix="lme-store-speed-", dir=args.tmp) as tmp:
        for n in sizes:
            for kind in args.kinds.split(","):
                print(f"duckdb {kind} {n:,}", flush=True)
                report["duckdb"].append(run_duckdb(kind, n, args.queries, Path(tmp), args.bulk))
        others = [o for o in args.others.split(",") if o]
        if others:
            n = min(sizes)
            report["others_n"], report["others_queries"] = n, args.others_queries
            report["others"] = {}
            for kind in others:
                print(f"{kind} {n:,}", flush=True)
                q = args.queries if kind == "postgres" else args.others_queries
                report["others"][kind] = run_other(kind, n, q, Path(tmp), args.bulk)
                print(f"  {report['others'][kind]}", flush=True)
    report["load_after"] = _load()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.append and (args.out / "store_speed.json").exists():
        report = combine(json.loads((args.out / "store_speed.json").read_text()), report)
    (args.out / "store_speed.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "store_speed.md").write_text(markdown(report))
    print(markdown(report))
    return report


def combine(first: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    """One report of two runs: both commands and loads, every DuckDB row, the others of
    whichever run had them."""
    out = {**first, "duckdb": first["duckdb"] + later["duckdb"]}
    for name in ("command", "load_before", "load_after", "date"):
        out[name] = f"{first[name]}; then {later[name]}"
    for name in ("others", "others_n", "others_queries"):
        if later.get(name):
            out[name] = later[name]
    return out


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child-open":
        child_open(sys.argv[2], sys.argv[3])
    else:
        main()
