"""Speed, in one run on one machine: capture latency and throughput of the default pipeline,
recall search latency against LangGraph's own stores at growing sizes, RSS and file sizes.

Search is measured on the same vectors and the same queries for every store. The vectors
are "real-looking": real LoCoMo turns embedded with E5, then N noisy mixtures around them
(clustered like real memories), served to every store through one lookup embedder so no
store pays for embedding during the timed part.
"""

from __future__ import annotations

import contextlib
import gc
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore, PutOp

from langmem_extract.errors import InvalidInputError
from langmem_extract.eval.data import Conversation
from langmem_extract.eval.locomo import session_messages
from langmem_extract.eval.metrics import latency_summary
from langmem_extract.eval.pipeline import (
    EvalConfig,
    Pipeline,
    file_size,
    make_embeddings,
    open_eval_store,
)

SIZES = (1_000, 10_000, 100_000)
STORES = ("duckdb", "inmemory", "sqlite")
#: Noise scale of the synthetic vectors: cosine to their anchor is about 0.9.
NOISE = 0.5
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
    per_turn: Conversation,
    batch: Conversation,
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


class LookupEmbeddings(Embeddings):
    """Serves precomputed vectors by text key, so stores are timed on search alone."""

    def __init__(self, vectors: dict[str, np.ndarray], dims: int) -> None:
        self.vectors = vectors
        self.dims = dims

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.vectors[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.vectors[text].tolist()


def synthetic_vectors(anchors: np.ndarray, n: int, *, seed: int) -> np.ndarray:
    """``n`` unit vectors, each a noisy copy of a random anchor (clustered like real data)."""
    rng = np.random.default_rng(seed)
    dims = anchors.shape[1]
    picks = rng.integers(0, len(anchors), size=n)
    noise = rng.standard_normal((n, dims)).astype("float32") * (NOISE / np.sqrt(dims))
    out = anchors[picks] + noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype("float32")


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


def _size_on_disk(path: Path | None) -> int | None:
    if path is None:
        return None
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def search_bench(
    anchors: np.ndarray,
    *,
    sizes: Sequence[int] = SIZES,
    stores: Sequence[str] = STORES,
    n_queries: int = 100,
    slow_queries: int = 10,
    k: int = 10,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Search p50/p95 per store and size on identical data and queries. ``slow_queries``
    (fewer) are used for LangGraph's stores, whose search is a full scan in Python."""
    say = progress or (lambda _msg: None)
    dims = anchors.shape[1]
    queries = synthetic_vectors(anchors, n_queries, seed=7)
    results: dict[str, dict[str, Any]] = {s: {} for s in stores}
    for size in sizes:
        vectors = synthetic_vectors(anchors, size, seed=size)
        keys = [f"m{i}" for i in range(size)]
        table = dict(zip(keys, vectors, strict=True))
        table.update({f"q{i}": q for i, q in enumerate(queries)})
        index = {"dims": dims, "embed": LookupEmbeddings(table, dims), "fields": ["content"]}
        # Ground truth: exact top-k by cosine, to show every store returns the right items.
        scores = queries @ vectors.T
        exact = [{keys[j] for j in np.argsort(-row)[:k]} for row in scores]
        for kind in stores:
            n = n_queries if kind == "duckdb" else min(slow_queries, n_queries)
            say(f"search: {kind} at {size:,} ({n} queries)")
            rss_before = _rss_mib()
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
                results[kind][str(size)] = {
                    **latency_summary(seconds),
                    "recall_vs_exact": found / (n * min(k, size)),
                    "fill_s": fill_s,
                    "rss_delta_mib": _rss_mib() - rss_before,
                    "disk_bytes": _size_on_disk(path),
                }
            gc.collect()
    return {
        "sizes": list(sizes),
        "stores": list(stores),
        "k": k,
        "results": results,
        "note": (
            f"{n_queries} queries for duckdb, {min(slow_queries, n_queries)} for the other "
            f"stores (each of their searches scans every vector); same vectors and queries for "
            f"all; one warm-up query each. Vectors: {len(anchors)} real LoCoMo turns embedded "
            f"with E5, N noisy copies (noise {NOISE}) around them."
        ),
    }


def anchor_vectors(conversations: Sequence[Conversation], n: int, config: EvalConfig) -> np.ndarray:
    """E5 vectors of ``n`` real turns sampled evenly from the conversations."""
    turns = [t.text for c in conversations for t in c.turns]
    if not turns:
        raise InvalidInputError("no LoCoMo turns to build search vectors from")
    picks = random.Random(0).sample(turns, min(n, len(turns)))
    embeddings = make_embeddings(config)
    out = np.asarray(embeddings.embed_documents(picks), "float32")
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def run_speed(
    conversations: Sequence[Conversation],
    *,
    config: EvalConfig | None = None,
    sizes: Sequence[int] = SIZES,
    stores: Sequence[str] = STORES,
    turns: int = 200,
    n_queries: int = 100,
    slow_queries: int = 10,
    anchors: int = 300,
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
        search = search_bench(
            anchor_vectors(conversations, anchors, config),
            sizes=sizes,
            stores=stores,
            n_queries=n_queries,
            slow_queries=slow_queries,
            progress=progress,
        )
    return {
        "benchmark": "speed",
        "config": config.describe(),
        "capture": capture,
        "search": search,
        "resources": {
            "peak_rss_after_capture_mib": round(rss_after_capture, 1),
            "peak_rss_mib": round(_peak_rss_mib(), 1),
            "capture_db_bytes": capture["db_bytes"],
            **{
                f"{kind}_{size}_disk_bytes": cell["disk_bytes"]
                for kind, per in (search or {}).get("results", {}).items()
                for size, cell in per.items()
                if cell.get("disk_bytes") is not None
            },
        },
    }
