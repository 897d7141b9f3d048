"""Speed, in one run on one machine: capture latency and throughput of the default pipeline,
recall search latency against LangGraph's own stores at growing sizes, RSS and file sizes.

Search is measured on the same vectors and the same queries for every store. The vectors
are "real-looking": real LoCoMo turns embedded with E5, then N mixtures around them
synthesised by the store benchmark's own generator, served to every store through one
lookup embedder so no store pays for embedding during the timed part.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langgraph.store.base import BaseStore, PutOp

from langmem_extract.errors import InvalidInputError
from langmem_extract.eval.data import LocomoConversation
from langmem_extract.eval.locomo import session_messages
from langmem_extract.eval.metrics import latency_summary
from langmem_extract.eval.pipeline import (
    EvalConfig,
    Pipeline,
    file_size,
    make_embeddings,
    open_eval_store,
)
from langmem_extract.eval.search_bench import (
    LookupEmbeddings,
    embed_corpus,
    exact_top_k,
    synthesise,
)

SIZES = (1_000, 10_000, 100_000)
STORES = ("duckdb", "inmemory", "sqlite")
_PUT_BATCH = 1_000
_NAMESPACE = ("bench", "search")

Progress = Callable[[str], None]


def _rss_mib() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # psutil ships with the eval extra; degrade to the peak
        return _peak_rss_mib()


def _peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- capture ---


def capture_bench(
    per_turn: LocomoConversation,
    batch: LocomoConversation,
    *,
    turns: int,
    config: EvalConfig,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Per-turn latency (each turn its own request, in order) on ``per_turn``'s first
    ``turns`` turns, and batch throughput (one request per session) on ``batch``."""
    say = progress or (lambda _msg: None)
    if turns < 1:
        raise InvalidInputError("--turns must be at least 1")
    embeddings = make_embeddings(config)
    with open_eval_store(config, embeddings) as (store, path):
        pipeline = Pipeline(config, store, embeddings)
        seconds: list[float] = []
        timed = per_turn.turns[:turns]
        say(f"capture: {len(timed)} turns one by one")
        for turn in timed:
            message = {
                "id": turn.dia_id,
                "role": "user",
                "name": turn.speaker,
                "content": turn.text,
                "timestamp": turn.timestamp,
            }
            _, elapsed = pipeline.ingest(
                [message],
                namespace=("speed", "per-turn"),
                reference_time=turn.timestamp.isoformat(),
            )
            seconds.append(elapsed)
        say(f"capture: {len(batch.turns)} turns in {len(batch.sessions)} session batches")
        batch_s = 0.0
        for session in batch.sessions:
            _, elapsed = pipeline.ingest(
                session_messages(session),
                namespace=("speed", "batch"),
                reference_time=session.timestamp.isoformat(),
            )
            batch_s += elapsed
        stored = len(pipeline.memories(("speed", "batch")))
        db_bytes = file_size(path)
    return {
        "per_turn": {"conversation": per_turn.sample_id, **latency_summary(seconds)},
        "batch": {
            "conversation": batch.sample_id,
            "turns": len(batch.turns),
            "sessions": len(batch.sessions),
            "seconds": batch_s,
            "turns_per_s": len(batch.turns) / batch_s if batch_s else float("nan"),
            "memories": stored,
        },
        "db_bytes": db_bytes,
    }


# --- search ---


class _Lookup(LookupEmbeddings):
    """The store benchmark's lookup, also answering queries sent through
    ``embed_documents`` (SqliteStore embeds its search queries that way)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [
            self.queries[int(t[1:])].tolist()
            if t.startswith("q")
            else self.items[int(t[1:])].tolist()
            for t in texts
        ]


@contextlib.contextmanager
def _bench_store(
    kind: str, index: dict[str, Any], tmp: Path
) -> Iterator[tuple[BaseStore, Path | None]]:
    if kind == "inmemory":
        from langgraph.store.memory import InMemoryStore

        yield InMemoryStore(index=index), None  # type: ignore[arg-type]
    elif kind == "sqlite":
        from langgraph.store.sqlite import SqliteStore

        path = tmp / "bench.sqlite"
        conn = _sqlite_connect(path)
        try:
            # SqliteStore reads the embedded fields from "text_fields", not "fields".
            sqlite_index = {**index, "text_fields": index["fields"]}
            sqlite_store = SqliteStore(conn, index=sqlite_index)  # type: ignore[arg-type]
            sqlite_store.setup()
            yield sqlite_store, path
        finally:
            conn.close()
    elif kind == "duckdb":
        from langmem_extract.store.factory import open_store

        path = tmp / "bench.duckdb"
        store = open_store(path, embeddings=index["embed"], index=index)  # type: ignore[arg-type]
        try:
            yield store, path
        finally:
            store.close()  # type: ignore[attr-defined]
    else:
        raise InvalidInputError(f"unknown store {kind!r}; choose from {', '.join(STORES)}")


def _sqlite_connect(path: Path) -> Any:
    """A connection that can load sqlite-vec: the stdlib module when its SQLite allows
    extensions, else ``pysqlite3`` (some Python builds disable extension loading)."""
    import sqlite3

    if hasattr(sqlite3.Connection, "enable_load_extension"):
        module: Any = sqlite3
    else:
        try:
            import pysqlite3 as module  # type: ignore[import-not-found,no-redef]
        except ImportError:
            raise InvalidInputError(
                "this Python's sqlite3 cannot load extensions, which SqliteStore's vector "
                "search needs; install pysqlite3-binary or drop sqlite from --stores"
            ) from None
    return module.connect(str(path), check_same_thread=False, isolation_level=None)


def _fill(store: BaseStore, keys: Sequence[str]) -> float:
    start = time.perf_counter()
    for i in range(0, len(keys), _PUT_BATCH):
        store.batch(
            [
                PutOp(
                    _NAMESPACE,
                    key,
                    {"content": key, "status": "active", "type": "fact", "importance": 0.5},
                )
                for key in keys[i : i + _PUT_BATCH]
            ]
        )
    return time.perf_counter() - start


def _measure_store(
    kind: str,
    index: dict[str, Any],
    keys: Sequence[str],
    exact: Sequence[set[str]],
    n: int,
    k: int,
) -> dict[str, Any]:
    """Fill one store, then time ``n`` searches; also recall vs exact and resources."""
    # Touch the shared input vectors first so the RSS growth is the store's alone.
    index["embed"].items.sum()
    rss_start = _rss_mib()
    with (
        tempfile.TemporaryDirectory(prefix="lme-speed-") as tmp,
        _bench_store(kind, index, Path(tmp)) as (store, path),
    ):
        fill_s = _fill(store, keys)
        store.search(_NAMESPACE, query="q0", limit=k)  # warm caches once
        seconds = []
        found = 0
        for i in range(n):
            start = time.perf_counter()
            items = store.search(_NAMESPACE, query=f"q{i}", limit=k)
            seconds.append(time.perf_counter() - start)
            found += len({item.key for item in items} & exact[i])
        return {
            **latency_summary(seconds),
            "recall_vs_exact": found / (n * min(k, len(keys))),
            "fill_s": fill_s,
            "peak_rss_growth_mib": _peak_rss_mib() - rss_start,
            "disk_bytes": _size_on_disk(path),
        }


def _isolated(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``fn`` in a forked child so its peak RSS is its own and its memory is returned
    to the system afterwards; in-process where fork is unavailable."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return fn()
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def run() -> None:
        try:
            child.send(("ok", fn()))
        except BaseException as exc:  # surfaced in the parent
            child.send(("error", repr(exc)))

    proc = ctx.Process(target=run)
    proc.start()
    status, payload = parent.recv()
    proc.join()
    if status != "ok":
        raise RuntimeError(f"store benchmark failed: {payload}")
    return payload


def _size_on_disk(path: Path | None) -> int | None:
    if path is None:
        return None
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def search_bench(
    base: np.ndarray,
    queries: np.ndarray,
    *,
    sizes: Sequence[int] = SIZES,
    stores: Sequence[str] = STORES,
    n_queries: int = 100,
    slow_queries: int = 10,
    slow_max_size: int = 100_000,
    k: int = 10,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Search p50/p95 per store and size on identical data and queries. ``slow_queries``
    (fewer) are used for LangGraph's stores, whose search scans every vector.

    The vectors are synthesised around ``base`` exactly as the store benchmark
    (:mod:`langmem_extract.eval.search_bench`) does, so the two reports agree."""
    say = progress or (lambda _msg: None)
    dims = base.shape[1]
    n_queries = min(n_queries, len(queries))
    results: dict[str, dict[str, Any]] = {s: {} for s in stores}
    for size in sizes:
        vectors = synthesise(base, size, seed=size)
        keys = [f"m{i}" for i in range(size)]
        index = {"dims": dims, "embed": _Lookup(vectors, queries), "fields": ["content"]}
        alive = np.ones(size, dtype=bool)
        # Ground truth: exact top-k by cosine, to show every store returns the right items.
        exact = [
            {f"m{i}" for i in exact_top_k(vectors, alive, queries[j], k)} for j in range(n_queries)
        ]
        for kind in stores:
            if kind != "duckdb" and size > slow_max_size:
                continue  # a full scan per query in Python / SQLite: skipped, and said so
            n = n_queries if kind == "duckdb" else min(slow_queries, n_queries)
            say(f"search: {kind} at {size:,} ({n} queries)")
            results[kind][str(size)] = _isolated(
                lambda kind=kind, n=n, index=index, keys=keys, exact=exact: _measure_store(
                    kind, index, keys, exact, n, k
                )
            )
    return {
        "sizes": list(sizes),
        "stores": list(stores),
        "k": k,
        "results": results,
        "note": (
            f"{n_queries} queries for duckdb, {min(slow_queries, n_queries)} for the other "
            f"stores (each of their searches scans every vector); same vectors and queries for "
            f"all; one warm-up query each. Vectors: {len(base)} real LoCoMo turns embedded "
            f"with E5 and N vectors synthesised around them as in `store_search.md`; queries: "
            f"LoCoMo questions embedded with E5. Each store runs in its own child process. "
            f"Stores other than duckdb are skipped above {slow_max_size:,} memories."
        ),
    }


def bench_vectors(
    conversations: Sequence[LocomoConversation], n_base: int, n_queries: int, config: EvalConfig
) -> tuple[np.ndarray, np.ndarray]:
    """E5 vectors of ``n_base`` real turns and ``n_queries`` real questions, sampled evenly."""
    turns = [t.text for c in conversations for t in c.turns]
    questions = [q.question for c in conversations for q in c.qa]
    if not turns or not questions:
        raise InvalidInputError("no LoCoMo turns or questions to build search vectors from")
    rng = random.Random(0)
    picked_turns = rng.sample(turns, min(n_base, len(turns)))
    picked_questions = rng.sample(questions, min(n_queries, len(questions)))
    return embed_corpus(make_embeddings(config), picked_turns, picked_questions)


def run_speed(
    conversations: Sequence[LocomoConversation],
    *,
    config: EvalConfig | None = None,
    sizes: Sequence[int] = SIZES,
    stores: Sequence[str] = STORES,
    turns: int = 200,
    n_queries: int = 100,
    slow_queries: int = 10,
    slow_max_size: int = 100_000,
    n_base: int = 300,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Capture on the first conversation (per turn) and the second (batch), then search."""
    config = config or EvalConfig()
    if not conversations:
        raise InvalidInputError("speed needs at least one LoCoMo conversation")
    per_turn = conversations[0]
    batch = conversations[1] if len(conversations) > 1 else conversations[0]
    capture = capture_bench(per_turn, batch, turns=turns, config=config, progress=progress)
    rss_after_capture = _peak_rss_mib()
    search = None
    if sizes:
        base, queries = bench_vectors(conversations, n_base, n_queries, config)
        search = search_bench(
            base,
            queries,
            sizes=sizes,
            stores=stores,
            n_queries=n_queries,
            slow_queries=slow_queries,
            slow_max_size=slow_max_size,
            progress=progress,
        )
    return {
        "benchmark": "speed",
        "config": config.describe(),
        "capture": capture,
        "search": search,
        "resources": {
            "capture_peak_rss_mib": round(rss_after_capture, 1),
            "capture_db_bytes": capture["db_bytes"],
        },
    }
