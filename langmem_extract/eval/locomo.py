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

from langmem_extract.eval.baselines import BM25Index, DenseIndex, reciprocal_rank_fusion
from langmem_extract.eval.data import QA, LocomoConversation, Observation, Session, Turn
from langmem_extract.eval.metrics import (
    count_tokens,
    full_at_k,
    hit_at_k,
    latency_summary,
    mean,
    surfaced_ids,
)
from langmem_extract.eval.pipeline import (
    EvalConfig,
    Pipeline,
    RecordingEmbeddings,
    file_size,
    make_embeddings,
    open_eval_store,
)
from langmem_extract.schema import Memory
from langmem_extract.store._vectors import normalize_rows

KS = (5, 10, 20)
#: Categories scored together; 5 (adversarial, unanswerable) is scored apart.
MAIN_CATEGORIES = (1, 2, 3, 4)
ADVERSARIAL = 5
CATEGORY_NAMES = {
    1: "multi-hop",
    2: "temporal",
    3: "open-domain",
    4: "single-hop",
    5: "adversarial",
}
#: E5 cosine at or above which a memory counts as restating a gold observation. E5 packs
#: unrelated sentences into ~0.7-0.85, so 0.90; the null rate (vs another conversation's
#: memories) is reported with it to show how often a threshold matches by chance.
OBSERVATION_COSINE = 0.90
OBSERVATION_COSINES = (0.85, 0.90, 0.95)
SYSTEMS = (
    "memories",
    "memories_dense",
    "memories_similarity",
    "memories_turns_fusion",
    "turns_fusion",
    "bm25",
    "dense",
)

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


def baseline_text(turn: Turn) -> str:
    """A raw turn as the baselines index it: the speaker's name leads, as in a transcript,
    so questions that name a person can match what that person said."""
    return f"{turn.speaker}: {turn.text}"


class _Scores:
    """Collects per-question hits for one system."""

    def __init__(self, ks: Sequence[int]) -> None:
        self.ks = tuple(ks)
        self.rows: list[dict[str, Any]] = []
        self.latencies: list[float] = []

    def add(
        self,
        conv: str,
        category: int,
        evidence: Sequence[str],
        ranked: list[list[str]],
        seconds: float,
        covered: bool,
    ) -> None:
        row: dict[str, Any] = {"conv": conv, "category": category, "covered": covered}
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
            "misses@10": self.misses(main, 10),
        }

    def misses(self, rows: Sequence[dict[str, Any]], k: int) -> dict[str, int]:
        """Misses split by cause: no evidence turn is cited by any stored memory (nothing
        to rank) vs some is, but ranked below k."""
        missed = [r for r in rows if not r[f"hit@{k}"]]
        never = sum(1 for r in missed if not r["covered"])
        return {
            "missed": len(missed),
            "evidence_never_stored": never,
            "ranked_too_low": len(missed) - never,
        }


def _timed(fn: Callable[[], list[list[str]]]) -> tuple[list[list[str]], float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _ingest(
    pipeline: Pipeline, conv: LocomoConversation, namespace: tuple[str, ...]
) -> dict[str, Any]:
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


def _unit_rows(texts: Sequence[str], embeddings: RecordingEmbeddings) -> np.ndarray:
    """Unit passage vectors of ``texts``, one row each."""
    return normalize_rows(np.asarray(embeddings.documents(texts), "float32"))


def _observations_by_id(observations: Sequence[Observation], memories: Sequence[Memory]) -> int:
    """Gold facts with a memory sourced from one of the fact's turns."""
    sourced = {sid for m in memories for sid in m.source_message_ids}
    return sum(1 for o in observations if any(d in sourced for d in o.dia_ids))


def _observations_by_similarity(
    per_conv: Sequence[tuple[Sequence[Observation], Sequence[str]]],
    embeddings: RecordingEmbeddings,
    thresholds: Sequence[float],
) -> dict[str, Any]:
    """Gold facts with a memory of the same conversation at or above each cosine threshold;
    the null rate applies the same test against the *next* conversation's memories, which
    cannot state these facts, so it measures how often the threshold matches by chance."""
    best: list[float] = []
    null: list[float] = []
    for i, (observations, contents) in enumerate(per_conv):
        if not observations:
            continue
        facts = _unit_rows([o.fact for o in observations], embeddings)
        for target, contents_j in ((best, contents), (null, per_conv[(i + 1) % len(per_conv)][1])):
            if target is null and len(per_conv) < 2:
                continue
            if contents_j:
                target.extend((facts @ _unit_rows(contents_j, embeddings).T).max(axis=1))
            else:
                target.extend([0.0] * len(observations))
    return {
        "recall": {f"{t:.2f}": mean(float(c >= t) for c in best) for t in thresholds},
        "null_rate": {f"{t:.2f}": mean(float(c >= t) for c in null) for t in thresholds},
        "best_cosine_median": float(np.median(best)) if best else float("nan"),
        "null_cosine_median": float(np.median(null)) if null else float("nan"),
    }


def _coverage(conv: LocomoConversation, memories: Sequence[Memory]) -> dict[str, Any]:
    """How much of the conversation any memory points back to: evidence outside this set
    can never be surfaced, whatever the retriever does."""
    sourced = {sid for m in memories for sid in m.source_message_ids}
    turn_ids = [t.dia_id for t in conv.turns]
    evidence = {e for q in conv.qa if q.category in MAIN_CATEGORIES for e in q.evidence}
    answerable = [q for q in conv.qa if q.category in MAIN_CATEGORIES and q.evidence]
    return {
        "turns_with_memory": sum(1 for t in turn_ids if t in sourced),
        "evidence_ids": len(evidence),
        "evidence_covered": len(evidence & sourced),
        "qa_with_any_evidence_covered": sum(1 for q in answerable if set(q.evidence) & sourced),
        "qa_with_all_evidence_covered": sum(1 for q in answerable if set(q.evidence) <= sourced),
        "qa_scored": len(answerable),
    }


class _MemoryRecall:
    """The ways memories are ranked for a question, all over the same stored memories.

    ``memories``: the retriever as shipped (hybrid: dense and BM25 over memories fused
    with the evidence turns, see ``langmem_extract.hybrid``). ``memories_dense``: the
    retriever with ``hybrid=False`` (the store's dense ranking and the default weights, as
    shipped before). ``memories_similarity``: dense similarity alone.
    """

    POOL = 50

    def __init__(
        self, pipeline: Pipeline, namespace: tuple[str, ...], memories: list[Memory], depth: int
    ) -> None:
        self.pipeline = pipeline
        self.depth = depth
        self.default = pipeline.retriever(namespace, depth)
        self.dense = pipeline.retriever(namespace, depth, hybrid=False)
        self.similarity = pipeline.retriever(
            namespace, self.POOL, weights=(1.0, 0.0, 0.0), hybrid=False
        )
        self.sources = {m.id: list(m.source_message_ids) for m in memories}

    def shipped(self, question: str) -> list[list[str]]:
        return self.pipeline.recall(self.default, question)

    def variants(self, question: str) -> dict[str, list[list[str]]]:
        docs = self.similarity.invoke(question)
        dense_ids = [d.metadata["id"] for d in docs]
        out = {
            "memories_similarity": [self.sources.get(i, []) for i in dense_ids[: self.depth]],
            "memories_dense": self.pipeline.recall(self.dense, question),
        }
        out["_pool"] = [self.sources.get(i, []) for i in dense_ids]
        return out


def _ask(
    conv: LocomoConversation,
    qas: Sequence[QA],
    recall: _MemoryRecall,
    baselines: dict[str, BM25Index | DenseIndex],
    embeddings: RecordingEmbeddings,
    scores: dict[str, _Scores],
) -> None:
    depth = recall.depth
    cited = {sid for sources in recall.sources.values() for sid in sources}
    for q in qas:
        covered = bool(set(q.evidence) & cited)
        # The shipped retriever and the baselines are timed; the variants reuse the
        # question's vector and only their ranks are reported.
        embeddings.reuse_queries = False
        ranked, secs = _timed(lambda q=q: recall.shipped(q.question))
        scores["memories"].add(conv.sample_id, q.category, q.evidence, ranked, secs, covered)
        turn_rankings = []
        for name, index in baselines.items():
            ranked, secs = _timed(
                lambda q=q, index=index: [[i] for i in index.search(q.question, recall.POOL)]
            )
            turn_rankings.append([r[0] for r in ranked])
            scores[name].add(conv.sample_id, q.category, q.evidence, ranked[:depth], secs, covered)
        embeddings.reuse_queries = True
        variants = recall.variants(q.question)
        # Memories and raw turns together: the memory ranking read as the turns it cites,
        # fused with both raw-turn rankings (RRF k = 60); each result is one turn.
        memory_turns = list(dict.fromkeys(t for sources in variants.pop("_pool") for t in sources))
        fused = reciprocal_rank_fusion([memory_turns, *turn_rankings])[:depth]
        variants["memories_turns_fusion"] = [[t] for t in fused]
        # The same fusion without memories, so the memories' share can be read off.
        variants["turns_fusion"] = [[t] for t in reciprocal_rank_fusion(turn_rankings)[:depth]]
        for name, ranked in variants.items():
            scores[name].add(conv.sample_id, q.category, q.evidence, ranked, 0.0, covered)
    embeddings.reuse_queries = False


def run_locomo(
    conversations: Sequence[LocomoConversation],
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
    observations: list[tuple[Sequence[Observation], list[str]]] = []
    embeddings = make_embeddings(config)
    with open_eval_store(config, embeddings) as (store, path):
        pipeline = Pipeline(config, store, embeddings)
        for conv in conversations:
            namespace = ("locomo", conv.sample_id)
            pipeline.require_empty(namespace)
            say(f"{conv.sample_id}: ingesting {len(conv.turns)} turns")
            ingest = _ingest(pipeline, conv, namespace)
            memories = pipeline.memories(namespace)
            all_memories = pipeline.memories(namespace, active_only=False)
            turns = conv.turns
            ids, texts = [t.dia_id for t in turns], [baseline_text(t) for t in turns]
            say(f"{conv.sample_id}: {len(memories)} memories; indexing raw turns for baselines")
            baselines = {"bm25": BM25Index(ids, texts), "dense": DenseIndex(ids, texts, embeddings)}
            qas = [q for q in conv.qa if q.evidence][:qa_limit]
            say(f"{conv.sample_id}: asking {len(qas)} questions")
            recall = _MemoryRecall(pipeline, namespace, memories, depth)
            _ask(conv, qas, recall, baselines, embeddings, scores)
            obs_by_id = _observations_by_id(conv.observations, memories)
            observations.append((conv.observations, [m.content for m in memories]))
            per_conv.append(
                {
                    "sample_id": conv.sample_id,
                    **ingest,
                    "qa_asked": len(qas),
                    "memories_active": len(memories),
                    "memories_total": len(all_memories),
                    "memory_tokens": sum(count_tokens(m.content) for m in memories),
                    "turn_tokens": sum(count_tokens(t.text) for t in turns),
                    "sources_per_memory": mean(len(m.source_message_ids) for m in memories),
                    **_coverage(conv, memories),
                    "observations": len(conv.observations),
                    "observations_by_dia_id": obs_by_id,
                }
            )
        db_bytes = file_size(path)
    similarity = _observations_by_similarity(observations, embeddings, OBSERVATION_COSINES)
    return _assemble(config, ks, scores, per_conv, similarity, db_bytes)


def _assemble(
    config: EvalConfig,
    ks: Sequence[int],
    scores: dict[str, _Scores],
    per_conv: list[dict[str, Any]],
    similarity: dict[str, Any],
    db_bytes: int | None,
) -> dict[str, Any]:
    def total(key: str) -> int:
        return sum(int(c[key]) for c in per_conv)

    n_obs = total("observations")
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
            "recall_by_dia_id": total("observations_by_dia_id") / max(n_obs, 1),
            "recall_by_similarity": similarity["recall"],
            "null_rate_by_similarity": similarity["null_rate"],
            "best_cosine_median": similarity["best_cosine_median"],
            "null_cosine_median": similarity["null_cosine_median"],
        },
    }
