"""Store search benchmark: DuckDBStore vs LangGraph's InMemoryStore on the same data.

Run (the LoCoMo data from ``--data`` or ``$LANGMEM_EVAL_DATA``; ``store_search.json`` and
``store_search.md`` are written into ``--out``, default ``./langmem-eval-results``)::

    python -m langmem_extract.eval.search_bench --sizes 10000,100000 --out docs/benchmarks

Data: LoCoMo dialogue turns are embedded with the bundled E5 model (``passage:``), and
N memory vectors are synthesised as normalised noisy mixtures around them, so they are
clustered the way real memories are; queries are LoCoMo questions embedded with
``query:``. Both stores get identical items and queries; the store's embedder is a
lookup table, so timings measure the store, not the model.

For each size and store it reports search p50/p95 (ms) and recall@10 against exact
numpy search, unfiltered, with a ~10% filter, and after deleting 30% of the items.
InMemoryStore scans every item in Python (seconds per search at 100k), so it is timed
on fewer queries (``--inmemory-queries``); the JSON records how many.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore, PutOp

from langmem_extract.eval.data import DATA_ENV_VAR, LocomoConversation, load_locomo
from langmem_extract.eval.metrics import mean, percentile
from langmem_extract.eval.report import DEFAULT_OUT_DIR
from langmem_extract.store._vectors import normalize_rows

NAMESPACE = ("bench", "memories")
K = 10
N_CATEGORIES = 10  # the filter keeps one category: ~10% of items


# -- data --------------------------------------------------------------------------


def corpus_texts(conversations: Sequence[LocomoConversation]) -> tuple[list[str], list[str]]:
    """Distinct turn texts (memories) and QA questions (queries), in data order."""
    turns = [t.text for c in conversations for t in c.turns]
    questions = [q.question for c in conversations for q in c.qa if q.question]
    return list(dict.fromkeys(turns)), list(dict.fromkeys(questions))


def embed_corpus(
    embeddings: Embeddings, turns: Sequence[str], questions: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    base = np.asarray(embeddings.embed_documents(list(turns)), dtype=np.float32)
    batch = getattr(embeddings, "embed_queries", None)
    qs = batch(list(questions)) if batch else [embeddings.embed_query(q) for q in questions]
    queries = np.asarray(qs, dtype=np.float32)
    return base, queries


def synthesise(base: np.ndarray, n: int, *, seed: int = 0, noise: float = 0.35) -> np.ndarray:
    """``n`` unit vectors around the real ones: a main sentence, a bit of a second one,
    and isotropic noise of norm ~``noise``."""
    rng = np.random.default_rng(seed)
    m, d = base.shape
    out = np.empty((n, d), dtype=np.float32)
    step = 50_000
    for start in range(0, n, step):
        stop = min(n, start + step)
        size = stop - start
        main = base[rng.integers(0, m, size)]
        other = base[rng.integers(0, m, size)]
        mix = rng.uniform(0.0, 0.4, size)[:, None].astype(np.float32)
        eps = rng.normal(size=(size, d)).astype(np.float32) * (noise / np.sqrt(d))
        v = main + mix * other + eps
        out[start:stop] = normalize_rows(v)
    return out


class LookupEmbeddings(Embeddings):
    """Returns precomputed vectors for the bench's texts (``m<i>`` items, ``q<j>`` queries)."""

    def __init__(self, items: np.ndarray, queries: np.ndarray) -> None:
        self.items, self.queries = items, queries

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.items[int(t[1:])].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.queries[int(text[1:])].tolist()


# -- measurement ---------------------------------------------------------------------


def exact_top_k(vectors: np.ndarray, alive: np.ndarray, query: np.ndarray, k: int) -> set[int]:
    idx = np.flatnonzero(alive)
    scores = vectors[idx] @ query
    top = np.argpartition(-scores, k - 1)[:k] if len(idx) > k else np.arange(len(idx))
    return {int(i) for i in idx[top]}


def measure(
    store: BaseStore,
    query_ids: Sequence[int],
    truth: Callable[[int], set[int]],
    flt: dict[str, Any] | None,
) -> dict[str, Any]:
    lat: list[float] = []
    recalls: list[float] = []
    for qi in query_ids:
        t0 = time.perf_counter()
        hits = store.search(NAMESPACE, query=f"q{qi}", filter=flt, limit=K)
        lat.append((time.perf_counter() - t0) * 1000)
        want = truth(qi)
        got = {int(h.key[1:]) for h in hits}
        recalls.append(len(got & want) / max(1, min(K, len(want))))
    return {
        "n_queries": len(query_ids),
        "p50_ms": round(percentile(lat, 50), 3),
        "p95_ms": round(percentile(lat, 95), 3),
        "mean_ms": round(mean(lat), 3),
        "recall_at_10": round(float(np.mean(recalls)), 4),
        "min_recall_at_10": round(float(np.min(recalls)), 4),
    }


def _put_all(store: BaseStore, n: int, chunk: int = 5_000) -> float:
    t0 = time.perf_counter()
    for start in range(0, n, chunk):
        store.batch(
            [
                PutOp(NAMESPACE, f"m{i}", {"content": f"m{i}", "category": f"c{i % N_CATEGORIES}"})
                for i in range(start, min(n, start + chunk))
            ]
        )
    return time.perf_counter() - t0


def _scenarios(
    store: BaseStore,
    vectors: np.ndarray,
    queries: np.ndarray,
    query_ids: Sequence[int],
    deleted: np.ndarray,
) -> dict[str, Any]:
    """Unfiltered and filtered runs on the current data, using ``deleted`` as the truth mask."""
    n = len(vectors)
    alive = ~deleted
    cat = np.arange(n) % N_CATEGORIES == 3
    return {
        "unfiltered": measure(
            store, query_ids, lambda q: exact_top_k(vectors, alive, queries[q], K), None
        ),
        "filtered_10pct": measure(
            store,
            query_ids,
            lambda q: exact_top_k(vectors, alive & cat, queries[q], K),
            {"category": "c3"},
        ),
    }


def bench_size(
    n: int,
    vectors: np.ndarray,
    queries: np.ndarray,
    *,
    n_queries: int,
    inmemory_queries: int,
    hnsw_max: int,
    workdir: Path,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    from langgraph.store.memory import InMemoryStore

    from langmem_extract.store.duckdb import DuckDBStore

    rng = np.random.default_rng(seed + n)
    emb = LookupEmbeddings(vectors, queries)
    dims = vectors.shape[1]
    index = {"dims": dims, "embed": emb, "fields": ["content"]}
    q_ids = rng.choice(len(queries), size=min(n_queries, len(queries)), replace=False).tolist()
    q_ids_mem = q_ids[:inmemory_queries]
    to_delete = rng.choice(n, size=int(0.3 * n), replace=False)
    deleted = np.zeros(n, dtype=bool)
    result: dict[str, Any] = {"n": n}

    # DuckDBStore on a file.
    path = workdir / f"bench_{n}.duckdb"
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)
    duck = DuckDBStore.open(path, index=index)  # type: ignore[arg-type]
    duck.setup()
    load_s = _put_all(duck, n)
    log(f"[{n}] duckdb: loaded in {load_s:.1f}s")
    duck.close()
    t0 = time.perf_counter()
    duck = DuckDBStore.open(path, index=index)  # type: ignore[arg-type]
    duck.setup()
    duck.search(NAMESPACE, limit=1)  # first read loads the in-process mirror
    reopen_s = time.perf_counter() - t0
    d_res: dict[str, Any] = {"load_s": round(load_s, 2), "reopen_s": round(reopen_s, 2)}
    d_res.update(_scenarios(duck, vectors, queries, q_ids, deleted))
    log(f"[{n}] duckdb: {json.dumps(d_res)}")

    m_res: dict[str, Any] = {}
    mem = InMemoryStore(index=index)  # type: ignore[arg-type]
    m_res["load_s"] = round(_put_all(mem, n), 2)
    m_res.update(_scenarios(mem, vectors, queries, q_ids_mem, deleted))
    log(f"[{n}] inmemory: {json.dumps(m_res)}")

    # Delete 30% from both, then measure again.
    dels = [PutOp(NAMESPACE, f"m{i}", None) for i in to_delete.tolist()]
    for start in range(0, len(dels), 5_000):
        duck.batch(dels[start : start + 5_000])
        mem.batch(dels[start : start + 5_000])
    deleted[to_delete] = True
    after_d = _scenarios(duck, vectors, queries, q_ids, deleted)
    after_m = _scenarios(mem, vectors, queries, q_ids_mem, deleted)
    d_res["after_delete_30pct"] = after_d["unfiltered"]
    d_res["after_delete_30pct_filtered"] = after_d["filtered_10pct"]
    m_res["after_delete_30pct"] = after_m["unfiltered"]
    m_res["after_delete_30pct_filtered"] = after_m["filtered_10pct"]
    log(f"[{n}] after delete: duckdb {after_d} inmemory {after_m}")
    del mem
    gc.collect()

    # HNSW (vss) on the same file, where building it is affordable.
    if n <= hnsw_max:
        d_res["hnsw"] = _bench_hnsw(path, index, vectors, queries, q_ids, deleted, duck, log)
    duck.close()
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)

    result["duckdb"] = d_res
    result["inmemory"] = m_res
    result["speedup_p50"] = {
        key: round(m_res[key]["p50_ms"] / max(d_res[key]["p50_ms"], 1e-6), 1)
        for key in ("unfiltered", "filtered_10pct", "after_delete_30pct")
    }
    return result


def _bench_hnsw(
    path: Path,
    index: dict[str, Any],
    vectors: np.ndarray,
    queries: np.ndarray,
    q_ids: Sequence[int],
    deleted: np.ndarray,
    exact_store: Any,
    log: Callable[[str], None],
) -> dict[str, Any]:
    from langmem_extract.store.duckdb import DuckDBStore

    exact_store.close()
    cfg = {**index, "hnsw": True, "hnsw_min_rows": 1}
    store = DuckDBStore.open(path, index=cfg)  # type: ignore[arg-type]
    store.setup()
    store.search(NAMESPACE, limit=1)
    t0 = time.perf_counter()
    store.rebuild_hnsw()
    build_s = time.perf_counter() - t0
    alive = ~deleted
    res = measure(store, q_ids, lambda q: exact_top_k(vectors, alive, queries[q], K), None)
    out = {"build_s": round(build_s, 2), "unfiltered": res, "status": store.hnsw_status()}
    log(f"hnsw: {json.dumps(out)}")
    store.close()
    return out


def run_search_bench(
    sizes: Sequence[int],
    n_queries: int = 200,
    *,
    inmemory_queries: int = 10,
    hnsw_max: int = 10_000,
    data_dir: Path | str | None = None,
    n_base: int = 2_000,
    embeddings: Embeddings | None = None,
    workdir: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the benchmark for each size; returns the figures as a JSON-ready dict."""
    if embeddings is None:
        from langmem_extract.embeddings import E5Embeddings

        embeddings = E5Embeddings()
    turns, questions = corpus_texts(load_locomo(data_dir, with_captions=False))
    turns, questions = turns[:n_base], questions[: max(n_queries, inmemory_queries)]
    t0 = time.perf_counter()
    base, qvecs = embed_corpus(embeddings, turns, questions)
    log(
        f"embedded {len(turns)} turns and {len(questions)} questions in {time.perf_counter() - t0:.1f}s"
    )
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "config": {
            "k": K,
            "n_queries": len(questions),
            "inmemory_queries": inmemory_queries,
            "base_sentences": len(turns),
            "dims": int(base.shape[1]),
            "filter": "category == c3 (10% of items)",
            "hnsw_max": hnsw_max,
        },
        "sizes": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        wd = Path(workdir or tmp)
        for n in sizes:
            vectors = synthesise(base, n)
            report["sizes"][str(n)] = bench_size(
                n,
                vectors,
                qvecs,
                n_queries=n_queries,
                inmemory_queries=inmemory_queries,
                hnsw_max=hnsw_max,
                workdir=wd,
                log=log,
            )
            del vectors
            gc.collect()
    return report


def render_markdown(report: dict[str, Any]) -> str:
    cfg = report["config"]
    lines = [
        "# Store search benchmark",
        "",
        "Generated by `python -m langmem_extract.eval.search_bench`; raw figures in "
        "`store_search.json`.",
        "",
        f"Data: {cfg['base_sentences']} LoCoMo turns embedded with E5 ({cfg['dims']}-d), "
        "N memory vectors synthesised as noisy mixtures around them; queries are LoCoMo "
        f"questions. k={cfg['k']}; filter: {cfg['filter']}. DuckDBStore runs "
        f"{cfg['n_queries']} queries per case, InMemoryStore {cfg['inmemory_queries']} "
        "(it scans every item in Python). Recall is against exact numpy search. "
        f"Machine: {report['machine']['cpus']} CPUs, Python {report['machine']['python']}.",
        "",
        "| N | case | DuckDBStore p50 / p95 ms | recall@10 | InMemoryStore p50 / p95 ms | recall@10 | speed-up (p50) |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, r in report["sizes"].items():
        for case in (
            "unfiltered",
            "filtered_10pct",
            "after_delete_30pct",
            "after_delete_30pct_filtered",
        ):
            d, m = r["duckdb"][case], r["inmemory"][case]
            ratio = m["p50_ms"] / max(d["p50_ms"], 1e-6)
            lines.append(
                f"| {int(n):,} | {case} | {d['p50_ms']:.2f} / {d['p95_ms']:.2f} | "
                f"{d['recall_at_10']:.3f} | {m['p50_ms']:.1f} / {m['p95_ms']:.1f} | "
                f"{m['recall_at_10']:.3f} | {ratio:,.0f}x |"
            )
    lines += [
        "",
        "| N | DuckDBStore load (s) | reopen + mirror load (s) | InMemoryStore load (s) |",
        "|---|---|---|---|",
    ]
    for n, r in report["sizes"].items():
        lines.append(
            f"| {int(n):,} | {r['duckdb']['load_s']} | {r['duckdb']['reopen_s']} | {r['inmemory']['load_s']} |"
        )
    hnsw = [(n, r["duckdb"]["hnsw"]) for n, r in report["sizes"].items() if "hnsw" in r["duckdb"]]
    if hnsw:
        lines += [
            "",
            "HNSW (vss) path, unfiltered, after the 30% delete (index rebuilt first):",
            "",
            "| N | build (s) | p50 / p95 ms | recall@10 |",
            "|---|---|---|---|",
        ]
        for n, h in hnsw:
            u = h["unfiltered"]
            lines.append(
                f"| {int(n):,} | {h['build_s']} | {u['p50_ms']:.2f} / {u['p95_ms']:.2f} | {u['recall_at_10']:.3f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--inmemory-queries", type=int, default=10)
    parser.add_argument("--hnsw-max", type=int, default=10_000, help="largest N to build HNSW for")
    parser.add_argument("--base", type=int, default=2_000, help="LoCoMo turns to embed")
    parser.add_argument(
        "--data", type=Path, default=None, help=f"evaluation data (default ${DATA_ENV_VAR})"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT_DIR, help="directory for store_search.json/.md"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    report = run_search_bench(
        sizes,
        args.queries,
        inmemory_queries=args.inmemory_queries,
        hnsw_max=args.hnsw_max,
        data_dir=args.data,
        n_base=args.base,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    raw = args.out / "store_search.json"
    raw.write_text(json.dumps(report, indent=2) + "\n")
    md = args.out / "store_search.md"
    md.write_text(render_markdown(report))
    print(render_markdown(report))
    print(f"wrote {raw} and {md}")


if __name__ == "__main__":
    main()
