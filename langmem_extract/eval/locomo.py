"""LoCoMo recall: memories vs BM25 and dense retrieval over the raw turns, same data, same run.

Each conversation's sessions go through the memory graph (one namespace per conversation),
then every QA question is asked of the retriever. A memory "surfaces" the turns listed in
its ``source_message_ids``; hit@k / full@k compare the union over the top-k results with
the QA's evidence ids. Both speakers are people, so both speak with role ``user`` and
their ``name``; the extractor attributes each fact to the speaker.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from langmem_extract.eval.baselines import BM25Index, DenseIndex
from langmem_extract.eval.data import Conversation, Observation, Session
from langmem_extract.eval.metrics import (
    count_tokens,
    full_at_k,
    hit_at_k,
    latency_summary,
    mean,
    surfaced_ids,
)
from langmem_extract.eval.pipeline import EvalConfig, Pipeline, file_size, open_eval_store
from langmem_extract.schema import Memory

KS = (5, 10, 20)
#: Categories scored together; 5 (adversarial, unanswerable) is scored apart.
MAIN_CATEGORIES = (1, 2, 3, 4)
ADVERSARIAL = 5
CATEGORY_NAMES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}
#: E5 cosine at or above which a memory counts as restating a gold observation.
OBSERVATION_COSINE = 0.85
OBSERVATION_COSINES = (0.80, 0.85, 0.90)
SYSTEMS = ("memories", "bm25", "dense")

Progress = Callable[[str], None]


def session_messages(session: Session) -> list[dict[str, Any]]:
    """A session as graph input: id = dia_id, role user for both people, name = speaker."""
    return [
        {
            "id": t.dia_id,
            "role": "user",
            "name": t.speaker,
            "content": t.text,
            "timestamp": t.timestamp,
        }
        for t in session.turns
    ]


class _Scores:
    """Collects per-question hits for one system."""

    def __init__(self, ks: Sequence[int]) -> None:
        self.ks = tuple(ks)
        self.rows: list[dict[str, Any]] = []
        self.latencies: list[float] = []

    def add(self, conv: str, category: int, evidence: Sequence[str], ranked: list[list[str]],
            seconds: float) -> None:
        row: dict[str, Any] = {"conv": conv, "category": category}
        for k in self.ks:
            row[f"hit@{k}"] = hit_at_k(ranked, evidence, k)
            row[f"full@{k}"] = full_at_k(ranked, evidence, k)
            row[f"turns@{k}"] = len(surfaced_ids(ranked, k))
        self.rows.append(row)
        self.latencies.append(seconds)

    def summary(self, rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
        rows = list(rows)
        out: dict[str, Any] = {"n": len(rows)}
        for k in self.ks:
            out[f"hit@{k}"] = mean(float(r[f"hit@{k}"]) for r in rows)
            out[f"full@{k}"] = mean(float(r[f"full@{k}"]) for r in rows)
            out[f"turns@{k}"] = mean(float(r[f"turns@{k}"]) for r in rows)
        return out

    def report(self) -> dict[str, Any]:
        main = [r for r in self.rows if r["category"] in MAIN_CATEGORIES]
        return {
            "cat_1_4": self.summary(main),
            "cat_5": self.summary(r for r in self.rows if r["category"] == ADVERSARIAL),
            "per_category": {
                str(c): self.summary(r for r in self.rows if r["category"] == c)
                for c in sorted({r["category"] for r in self.rows})
            },
            "per_conversation": {
                conv: self.summary(r for r in main if r["conv"] == conv)
                for conv in dict.fromkeys(r["conv"] for r in self.rows)
            },
            "latency": latency_summary(self.latencies),
        }


def _timed(fn: Callable[[], list[list[str]]]) -> tuple[list[list[str]], float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _ingest(pipeline: Pipeline, conv: Conversation, namespace: tuple[str, ...]) -> dict[str, Any]:
    seconds = 0.0
    counts: dict[str, int] = defaultdict(int)
    for session in conv.sessions:
        results, elapsed = pipeline.ingest(
            session_messages(session),
            namespace=namespace,
            reference_time=session.timestamp.isoformat(),
        )
        seconds += elapsed
        for r in results:
            for key in ("extracted", "stored", "deduplicated", "superseded", "skipped", "failed"):
                counts[key] += int(getattr(r, key, 0) or 0)
    n_turns = len(conv.turns)
    return {
        "turns": n_turns,
        "sessions": len(conv.sessions),
        "ingest_s": seconds,
        "turns_per_s": n_turns / seconds if seconds else float("nan"),
        **counts,
    }


def _observation_recall(
    observations: Sequence[Observation],
    memories: Sequence[Memory],
    embeddings: Embeddings,
    thresholds: Sequence[float],
) -> dict[str, Any]:
    """Gold facts recalled by dia_id (a memory sourced from one of the fact's turns) and by
    similarity (a memory whose content is within the cosine threshold of the fact)."""
    sourced = {sid for m in memories for sid in m.source_message_ids}
    by_id = [any(d in sourced for d in o.dia_ids) for o in observations]
    best = np.zeros(len(observations), dtype="float32")
    if observations and memories:
        facts = np.asarray(embeddings.embed_documents([o.fact for o in observations]), "float32")
        mems = np.asarray(embeddings.embed_documents([m.content for m in memories]), "float32")
        facts /= np.linalg.norm(facts, axis=1, keepdims=True)
        mems /= np.linalg.norm(mems, axis=1, keepdims=True)
        best = (facts @ mems.T).max(axis=1)
    return {
        "n": len(observations),
        "by_dia_id": sum(by_id),
        "by_similarity": {f"{t:.2f}": int((best >= t).sum()) for t in thresholds},
        "best_cosines": best.tolist(),
    }


def _coverage(conv: Conversation, memories: Sequence[Memory]) -> dict[str, Any]:
    """How much of the conversation any memory points back to: evidence outside this set
    can never be surfaced, whatever the retriever does."""
    sourced = {sid for m in memories for sid in m.source_message_ids}
    turn_ids = [t.dia_id for t in conv.turns]
    evidence = {e for q in conv.qa if q.category in MAIN_CATEGORIES for e in q.evidence}
    answerable = [
        q for q in conv.qa if q.category in MAIN_CATEGORIES and q.evidence
    ]
    return {
        "turns_with_memory": sum(1 for t in turn_ids if t in sourced),
        "evidence_ids": len(evidence),
        "evidence_covered": len(evidence & sourced),
        "qa_with_any_evidence_covered": sum(1 for q in answerable if set(q.evidence) & sourced),
        "qa_with_all_evidence_covered": sum(1 for q in answerable if set(q.evidence) <= sourced),
        "qa_scored": len(answerable),
    }


def run_locomo(
    conversations: Sequence[Conversation],
    *,
    config: EvalConfig | None = None,
    ks: Sequence[int] = KS,
    qa_limit: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Ingest each conversation, ask every QA of memories and both baselines, score all."""
    config = config or EvalConfig()
    say = progress or (lambda _msg: None)
    depth = max(ks)
    scores = {name: _Scores(ks) for name in SYSTEMS}
    per_conv: list[dict[str, Any]] = []
    observations: list[dict[str, Any]] = []
    from langmem_extract.eval.pipeline import make_embeddings

    embeddings = make_embeddings(config)
    with open_eval_store(config, embeddings) as (store, path):
        pipeline = Pipeline(config, store, embeddings)
        for conv in conversations:
            namespace = ("locomo", conv.sample_id)
            say(f"{conv.sample_id}: ingesting {len(conv.turns)} turns")
            ingest = _ingest(pipeline, conv, namespace)
            memories = pipeline.memories(namespace)
            all_memories = pipeline.memories(namespace, active_only=False)
            turns = conv.turns
            ids, texts = [t.dia_id for t in turns], [t.text for t in turns]
            say(f"{conv.sample_id}: indexing raw turns for the baselines")
            bm25, dense = BM25Index(ids, texts), DenseIndex(ids, texts, embeddings)
            retriever = pipeline.retriever(namespace, depth)
            qas = [q for q in conv.qa if q.evidence][:qa_limit]
            say(f"{conv.sample_id}: asking {len(qas)} questions")
            for q in qas:
                ranked, secs = _timed(lambda q=q: pipeline.recall(retriever, q.question))
                scores["memories"].add(conv.sample_id, q.category, q.evidence, ranked, secs)
                for name, index in (("bm25", bm25), ("dense", dense)):
                    ranked, secs = _timed(
                        lambda q=q, index=index: [[i] for i in index.search(q.question, depth)]
                    )
                    scores[name].add(conv.sample_id, q.category, q.evidence, ranked, secs)
            obs = _observation_recall(conv.observations, memories, embeddings, OBSERVATION_COSINES)
            observations.append(obs)
            per_conv.append(
                {
                    "sample_id": conv.sample_id,
                    **ingest,
                    "qa_asked": len(qas),
                    "memories_active": len(memories),
                    "memories_total": len(all_memories),
                    "memory_tokens": sum(count_tokens(m.content) for m in memories),
                    "turn_tokens": sum(count_tokens(t) for t in texts),
                    "sources_per_memory": mean(len(m.source_message_ids) for m in memories),
                    **_coverage(conv, memories),
                    "observations": {k: v for k, v in obs.items() if k != "best_cosines"},
                }
            )
        db_bytes = file_size(path)
    return _assemble(config, ks, scores, per_conv, observations, db_bytes)


def _assemble(
    config: EvalConfig,
    ks: Sequence[int],
    scores: dict[str, _Scores],
    per_conv: list[dict[str, Any]],
    observations: list[dict[str, Any]],
    db_bytes: int | None,
) -> dict[str, Any]:
    def total(key: str) -> int:
        return sum(int(c[key]) for c in per_conv)

    n_obs = sum(o["n"] for o in observations)
    cosines = [c for o in observations for c in o["best_cosines"]]
    ingest_s = sum(c["ingest_s"] for c in per_conv)
    return {
        "benchmark": "locomo",
        "config": config.describe(),
        "ks": list(ks),
        "categories": CATEGORY_NAMES,
        "systems": {name: s.report() for name, s in scores.items()},
        "conversations": per_conv,
        "totals": {
            "conversations": len(per_conv),
            "turns": total("turns"),
            "memories_active": total("memories_active"),
            "memory_tokens": total("memory_tokens"),
            "turn_tokens": total("turn_tokens"),
            "ingest_s": ingest_s,
            "turns_per_s": total("turns") / ingest_s if ingest_s else float("nan"),
            "turns_with_memory": total("turns_with_memory"),
            "evidence_ids": total("evidence_ids"),
            "evidence_covered": total("evidence_covered"),
            "evidence_coverage": total("evidence_covered") / max(total("evidence_ids"), 1),
            "qa_scored": total("qa_scored"),
            "qa_any_evidence_covered": total("qa_with_any_evidence_covered"),
            "qa_all_evidence_covered": total("qa_with_all_evidence_covered"),
            "db_bytes": db_bytes,
        },
        "observations": {
            "n": n_obs,
            "cosine_threshold": OBSERVATION_COSINE,
            "recall_by_dia_id": sum(o["by_dia_id"] for o in observations) / max(n_obs, 1),
            "recall_by_similarity": {
                t: sum(o["by_similarity"][t] for o in observations) / max(n_obs, 1)
                for t in (f"{x:.2f}" for x in OBSERVATION_COSINES)
            },
            "best_cosine_median": float(np.median(cosines)) if cosines else float("nan"),
        },
    }
