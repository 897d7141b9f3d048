"""Dense turn ranking on LoCoMo: recall with and without turn vectors, and their ingest cost.

Recall: opens a DuckDB store that already holds LoCoMo conversations ingested by the eval
pipeline (``langmem-extract eval locomo --db PATH`` leaves one; the ingest now stores a
vector per logged evidence turn) and asks every question with evidence of
``MemoryRetriever(k=10)`` as shipped, twice on the same store and process: with the turn
vectors loaded, and with the namespace index's vectors emptied (the ranking before
them). hit@5 and hit@10 over categories 1–4, category-5 hit@10, and p50/p95 per query;
then the ranking step alone with and without the query's vector, interleaved.

Ingest (``--ingest-sessions N``): the first N sessions of the first conversation ingested
into two fresh in-memory stores, with turn vectors and without (the dedup node asked for
no turns), interleaved (the order alternates between repeats, after the model is loaded);
best wall time and texts embedded.

It prints the machine's load average with the figures. Run::

    .venv/bin/python benchmarks/recall_turns.py --db eval.duckdb \\
        --conversations conv-26 --data ../shared/data --ingest-sessions 3
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from langmem_extract.eval.data import load_locomo, resolve_data_dir
from langmem_extract.eval.locomo import session_messages
from langmem_extract.eval.metrics import hit_at_k, mean, percentile
from langmem_extract.eval.pipeline import EvalConfig, Pipeline, make_embeddings, open_eval_store
from langmem_extract.recall import RecallPlan, calibration_for
from langmem_extract.recall_index import index_for


def _line(name: str, rows: list[tuple[int, bool, bool, float]]) -> str:
    main = [r for r in rows if r[0] != 5]
    adversarial = [r for r in rows if r[0] == 5]
    times = [r[3] for r in rows]
    return (
        f"{name}: hit@5 {mean(r[1] for r in main):.3f}, hit@10 {mean(r[2] for r in main):.3f} "
        f"({len(main)} q.), cat 5 hit@10 {mean(r[2] for r in adversarial):.3f} "
        f"({len(adversarial)} q.); p50 {percentile(times, 50):.1f} ms, "
        f"p95 {percentile(times, 95):.1f} ms"
    )


def recall(args: argparse.Namespace, conversations: list[Any]) -> None:
    config = EvalConfig(db=args.db)
    embeddings = make_embeddings(config)
    totals: dict[str, list[tuple[int, bool, bool, float]]] = {"with": [], "without": []}
    with open_eval_store(config, embeddings) as (store, _):
        pipeline = Pipeline(config, store, embeddings)
        for conv in conversations:
            namespace = ("locomo", conv.sample_id)
            retriever = pipeline.retriever(namespace, 10)
            retriever.invoke("warm-up question")
            index = index_for(store, namespace)
            vectors = dict(index.vectors)
            for mode in ("with", "without"):
                with index.lock:
                    index.vectors = vectors if mode == "with" else {}
                    index._matrix = None
                rows = []
                for q in conv.qa:
                    if not q.evidence:
                        continue
                    start = time.perf_counter()
                    ranked = pipeline.recall(retriever, q.question)
                    ms = (time.perf_counter() - start) * 1000
                    rows.append(
                        (q.category, hit_at_k(ranked, q.evidence, 5),
                         hit_at_k(ranked, q.evidence, 10), ms)
                    )  # fmt: skip
                totals[mode].extend(rows)
                print(_line(f"{conv.sample_id} {mode} turn vectors ({len(vectors)})", rows))
            with index.lock:
                index.vectors = vectors
                index._matrix = None
            print(
                f"{conv.sample_id} hybrid step alone (pool fetched): " + _step(store, index, conv)
            )
    if len(conversations) > 1:
        for mode, rows in totals.items():
            print(_line(f"all {mode} turn vectors", rows))


def _step(store: Any, index: Any, conv: Any) -> str:
    """The ranking step alone, with and without the query vector, interleaved question by
    question on pools already fetched (the query is embedded once either way)."""
    namespace = ("locomo", conv.sample_id)
    timed: dict[str, list[float]] = {"with": [], "without": []}
    for q in conv.qa:
        if not q.evidence:
            continue
        plan = RecallPlan(q.question, namespace, k=10)
        plan.calibration = calibration_for(store)
        pool: list = []
        for offset, limit in plan.pages():
            page = store.search(namespace, **plan.search_args(offset, limit))
            if plan.take(page, limit, pool):
                break
        vector = store.embeddings.embed_query(q.question)
        for mode, given in (("with", vector), ("without", None)):
            start = time.perf_counter()
            plan.rank_hybrid(pool, index, given)
            timed[mode].append((time.perf_counter() - start) * 1000)
    return "; ".join(
        f"{mode} turn vectors p50 {percentile(t, 50):.1f} ms, p95 {percentile(t, 95):.1f} ms"
        for mode, t in timed.items()
    )


class _Counter:
    def __init__(self) -> None:
        self.texts = 0


@contextmanager
def _counting(embeddings: Any, counter: _Counter) -> Iterator[None]:
    inner = embeddings.base.embed_documents

    def embed_documents(texts: list[str]) -> list[list[float]]:
        counter.texts += len(texts)
        return inner(texts)

    with mock.patch.object(embeddings.base, "embed_documents", embed_documents):
        yield


def ingest(args: argparse.Namespace, conv: Any) -> None:
    sessions = conv.sessions[: args.ingest_sessions]
    turns = sum(len(s.turns) for s in sessions)
    timed: dict[str, list[float]] = {"with": [], "without": []}
    texts: dict[str, int] = {}
    make_embeddings(EvalConfig()).embed_documents(["warm-up"])  # the model loads once
    for repeat in range(args.repeats):
        for mode in ("with", "without") if repeat % 2 == 0 else ("without", "with"):
            config = EvalConfig(db=":memory:")
            embeddings = make_embeddings(config)
            counter = _Counter()
            patch = (
                mock.patch("langmem_extract.graph.dedup.turns_to_log", return_value={})
                if mode == "without"
                else mock.patch.dict(os.environ, {})
            )
            with open_eval_store(config, embeddings) as (store, _), patch:
                pipeline = Pipeline(config, store, embeddings)
                with _counting(embeddings, counter):
                    start = time.perf_counter()
                    for session in sessions:
                        pipeline.ingest(
                            session_messages(session),
                            namespace=("locomo", conv.sample_id),
                            reference_time=session.timestamp.isoformat(),
                        )
                    timed[mode].append(time.perf_counter() - start)
            texts[mode] = counter.texts
    for mode in ("with", "without"):
        print(
            f"ingest {len(sessions)} sessions ({turns} turns) {mode} turn vectors: "
            f"best {min(timed[mode]):.1f} s of {args.repeats}, {texts[mode]} passages embedded"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conversations", default="conv-26")
    parser.add_argument("--data", default=None)
    parser.add_argument("--ingest-sessions", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    wanted = args.conversations.split(",")
    conversations = [c for c in load_locomo(resolve_data_dir(args.data)) if c.sample_id in wanted]
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    recall(args, conversations)
    if args.ingest_sessions:
        ingest(args, conversations[0])
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
