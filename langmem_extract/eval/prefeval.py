"""PrefEval extraction recall: is the user's stated preference among the extracted memories?

Explicit: the gold preference sentence is sent as one user message. Persona-driven: the
whole conversation is sent (user and assistant turns); the preference is said in passing
inside one user turn. A gold preference is *found* when one extracted memory of a
preference-like type (:data:`~langmem_extract.schema.PREFERENCE_LIKE_TYPES`) matches it:
E5 cosine >= :data:`MATCH_COSINE` or token F1 >= :data:`MATCH_F1`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from langmem_extract.eval.data import PrefItem
from langmem_extract.eval.metrics import latency_summary, mean, token_f1
from langmem_extract.eval.pipeline import (
    EvalConfig,
    Pipeline,
    make_embeddings,
    open_eval_store,
)
from langmem_extract.schema import PREFERENCE_LIKE_TYPES, Memory
from langmem_extract.store._vectors import normalize_rows

#: Matching rule: either signal suffices. E5 packs unrelated sentences into ~0.7-0.85, so
#: 0.90 means "says the same thing"; F1 0.5 catches close rewrites the embedder scores lower.
#: The chance (null) rate of the same rule is reported next to every recall.
MATCH_COSINE = 0.90
MATCH_F1 = 0.5
COSINE_CURVE = (0.85, 0.90, 0.95)

Progress = Callable[[str], None]


def item_messages(item: PrefItem) -> list[dict[str, Any]]:
    """Explicit items: one user message. Persona items: every user and assistant turn."""
    if not item.conversation:
        return [{"id": f"{item.item_id}:0:user", "role": "user", "content": item.preference}]
    messages = []
    for turn, (user, assistant) in enumerate(item.conversation):
        if user.strip():
            messages.append({"id": f"{item.item_id}:{turn}:user", "role": "user", "content": user})
        if assistant.strip():
            messages.append(
                {
                    "id": f"{item.item_id}:{turn}:assistant",
                    "role": "assistant",
                    "content": assistant,
                }
            )
    return messages


class _Matcher:
    """Best cosine and best token F1 of a gold sentence against a set of memories."""

    def __init__(self, embeddings: Any, golds: Sequence[str], contents: Sequence[str]) -> None:
        texts = list(dict.fromkeys([*golds, *contents]))
        vectors = (
            normalize_rows(np.asarray(embeddings.documents(texts), "float32")) if texts else None
        )
        self._row = {t: i for i, t in enumerate(texts)}
        self._vectors = vectors

    def best(self, gold: str, memories: Sequence[Memory]) -> tuple[float, float]:
        if not memories or self._vectors is None:
            return 0.0, 0.0
        g = self._vectors[self._row[gold]]
        m = self._vectors[[self._row[x.content] for x in memories]]
        return float((m @ g).max()), max(token_f1(x.content, gold) for x in memories)


def _found(cos: float, f1: float) -> bool:
    return cos >= MATCH_COSINE or f1 >= MATCH_F1


def _score(
    name: str,
    items: Sequence[PrefItem],
    per_item: list[list[Memory]],
    seconds: list[float],
    matcher: _Matcher,
) -> dict[str, Any]:
    rows = []
    for i, (item, memories) in enumerate(zip(items, per_item, strict=True)):
        prefs = [m for m in memories if m.type in PREFERENCE_LIKE_TYPES]
        cos, f1 = matcher.best(item.preference, prefs)
        any_cos, any_f1 = matcher.best(item.preference, memories)
        # Chance-level check: the same rule against another topic's memories.
        other = _other_topic(items, i)
        null_cos, null_f1 = (
            matcher.best(
                item.preference, [m for m in per_item[other] if m.type in PREFERENCE_LIKE_TYPES]
            )
            if other is not None
            else (0.0, 0.0)
        )
        rows.append(
            {
                "item": item.item_id,
                "topic": item.topic,
                "memories": len(memories),
                "preference_memories": len(prefs),
                "found": _found(cos, f1),
                "found_by_cosine": cos >= MATCH_COSINE,
                "found_by_f1": f1 >= MATCH_F1,
                "found_any_type": _found(any_cos, any_f1),
                "null_match": _found(null_cos, null_f1),
                "best_cosine": cos,
                "best_f1": f1,
                "null_cosine": null_cos,
            }
        )
    topics = sorted({r["topic"] for r in rows})
    return {
        "set": name,
        "n": len(rows),
        "recall": mean(float(r["found"]) for r in rows),
        "recall_by_cosine": mean(float(r["found_by_cosine"]) for r in rows),
        "recall_by_f1": mean(float(r["found_by_f1"]) for r in rows),
        "recall_any_type": mean(float(r["found_any_type"]) for r in rows),
        "null_match_rate": mean(float(r["null_match"]) for r in rows),
        "cosine_curve": {
            f"{t:.2f}": {
                "recall": mean(float(r["best_cosine"] >= t) for r in rows),
                "null": mean(float(r["null_cosine"] >= t) for r in rows),
            }
            for t in COSINE_CURVE
        },
        "no_memory_rate": mean(float(r["memories"] == 0) for r in rows),
        "memories_per_conversation": mean(r["memories"] for r in rows),
        "preference_memories_per_conversation": mean(r["preference_memories"] for r in rows),
        "per_topic": {t: mean(float(r["found"]) for r in rows if r["topic"] == t) for t in topics},
        "latency": latency_summary(seconds),
        "items": rows,
    }


def _other_topic(items: Sequence[PrefItem], i: int) -> int | None:
    """The item at the same position in the next topic (wrapping), if any."""
    topics = list(dict.fromkeys(x.topic for x in items))
    if len(topics) < 2:
        return None
    nxt = topics[(topics.index(items[i].topic) + 1) % len(topics)]
    same = [j for j, x in enumerate(items) if x.topic == nxt]
    return same[items[i].index % len(same)]


def _run_set(
    name: str, items: Sequence[PrefItem], pipeline: Pipeline, say: Progress
) -> tuple[list[list[Memory]], list[float]]:
    per_item: list[list[Memory]] = []
    seconds: list[float] = []
    for n, item in enumerate(items, 1):
        namespace = ("prefeval", name, item.item_id)
        pipeline.require_empty(namespace)
        start = time.perf_counter()
        pipeline.ingest(item_messages(item), namespace=namespace)
        seconds.append(time.perf_counter() - start)
        per_item.append(pipeline.memories(namespace))
        if n % 100 == 0:
            say(f"prefeval {name}: {n}/{len(items)}")
    return per_item, seconds


def run_prefeval(
    sets: dict[str, Sequence[PrefItem]],
    *,
    config: EvalConfig | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Extract memories from each item of each set (own namespace per item) and score."""
    config = config or EvalConfig()
    say = progress or (lambda _msg: None)
    embeddings = make_embeddings(config)
    results: dict[str, Any] = {}
    with open_eval_store(config, embeddings) as (store, _path):
        pipeline = Pipeline(config, store, embeddings)
        for name, items in sets.items():
            say(f"prefeval {name}: {len(items)} items")
            per_item, seconds = _run_set(name, items, pipeline, say)
            matcher = _Matcher(
                embeddings,
                [i.preference for i in items],
                [m.content for ms in per_item for m in ms],
            )
            results[name] = _score(name, items, per_item, seconds, matcher)
    return {
        "benchmark": "prefeval",
        "config": config.describe(),
        "rule": {
            "cosine": MATCH_COSINE,
            "token_f1": MATCH_F1,
            "types": sorted(t.value for t in PREFERENCE_LIKE_TYPES),
        },
        "sets": results,
    }
