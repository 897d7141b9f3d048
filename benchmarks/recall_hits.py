"""LoCoMo hit@k of ``MemoryRetriever`` as shipped, on stores already ingested.

Opens a DuckDB store that ``langmem-extract eval locomo --db PATH`` left (any store
ingested with the eval pipeline) and asks each conversation's questions through
``Pipeline.retriever(namespace, 20)``, the retriever ``eval locomo`` scores, without
re-ingesting: a change to the ranking costs seconds, not the ingest's minutes. Prints
hit@5/10/20 for categories 1–4 (per category too) and hit@10 for category 5, with the
machine's load average. Run::

    OMP_NUM_THREADS=1 python benchmarks/recall_hits.py --db eval.duckdb \\
        --conversations conv-26 --data ../shared/data
"""

from __future__ import annotations

import argparse
import os
from statistics import mean

from langmem_extract.eval.data import load_locomo, resolve_data_dir
from langmem_extract.eval.locomo import ADVERSARIAL, MAIN_CATEGORIES
from langmem_extract.eval.metrics import hit_at_k
from langmem_extract.eval.pipeline import EvalConfig, Pipeline, make_embeddings, open_eval_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conversations", required=True, help="comma-separated sample ids")
    parser.add_argument("--data", default=None)
    args = parser.parse_args()
    wanted = args.conversations.split(",")
    convs = [c for c in load_locomo(resolve_data_dir(args.data)) if c.sample_id in wanted]
    config = EvalConfig(db=args.db)
    embeddings = make_embeddings(config)
    rows: list[tuple[str, int, dict[int, bool]]] = []
    with open_eval_store(config, embeddings) as (store, _):
        pipeline = Pipeline(config, store, embeddings)
        for conv in convs:
            retriever = pipeline.retriever(("locomo", conv.sample_id), 20)
            for qa in conv.qa:
                if qa.evidence:
                    ranked = pipeline.recall(retriever, qa.question)
                    hits = {k: hit_at_k(ranked, qa.evidence, k) for k in (5, 10, 20)}
                    rows.append((conv.sample_id, qa.category, hits))
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    for name in [*wanted, "all"]:
        mine = [r for r in rows if name in ("all", r[0])]
        main_rows = [h for _, cat, h in mine if cat in MAIN_CATEGORIES]
        adversarial = [h for _, cat, h in mine if cat == ADVERSARIAL]
        if not main_rows:
            continue
        figures = " ".join(f"hit@{k} {mean(h[k] for h in main_rows):.3f}" for k in (5, 10, 20))
        cat5 = mean(h[10] for h in adversarial) if adversarial else float("nan")
        print(f"{name}: {len(main_rows)} questions 1-4, {figures}; cat 5 hit@10 {cat5:.3f}")
        for cat in MAIN_CATEGORIES:
            sub = [h for c, cat_, h in mine if cat_ == cat and (name in ("all", c))]
            if sub:
                print(f"  cat {cat}: {len(sub)} q, hit@5 {mean(h[5] for h in sub):.3f}, "
                      f"hit@10 {mean(h[10] for h in sub):.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
