"""score node: confidence from provenance, importance from type and signals; the
``max_memories`` cap (lowest importance skipped first). Formulas: docs/concepts.md.
"""

from __future__ import annotations

from typing import Any

from langmem_extract.graph.state import MemoryGraphState
from langmem_extract.schema import Action, Candidate, MemoryType, Provenance

#: Confidence by how the memory was obtained.
PROVENANCE_CONFIDENCE: dict[Provenance, float] = {
    Provenance.VALIDATED: 0.95,
    Provenance.CORRECTED: 0.92,
    Provenance.EXPLICIT_STATEMENT: 0.90,
    Provenance.IMPORTED: 0.80,
    Provenance.OBSERVED: 0.70,
    Provenance.INFERRED: 0.60,
}

#: Importance by memory type.
TYPE_IMPORTANCE: dict[MemoryType, float] = {
    MemoryType.INSTRUCTION: 0.85,
    MemoryType.DECISION: 0.75,
    MemoryType.PREFERENCE: 0.70,
    MemoryType.GOAL: 0.70,
    MemoryType.RELATIONSHIP: 0.65,
    MemoryType.FACT: 0.60,
    MemoryType.EVENT: 0.50,
}

#: Additive importance adjustments by signal.
SIGNAL_IMPORTANCE: dict[str, float] = {
    "emphasis": 0.10,
    "correction": 0.05,
    "dated": 0.05,
    "hedge": -0.05,
    "generic": -0.15,
}
HEALTH_BONUS = 0.15  # allergies, diets: costly to forget
HEDGE_FACTOR = 0.8
GENERIC_PENALTY = 0.10
#: A preference read off an aversion, habit, value or constraint said in passing is less
#: certain than "I like X": 0.90 → 0.80 stated, 0.60 → 0.50 inferred from a behaviour.
IMPLIED_PENALTY = 0.10
MODEL_WEIGHT = 0.5  # share of a model's own estimate when the extractor gave one
#: How a candidate skipped for the ``max_memories`` cap is marked: its ``reason`` starts so.
OVER_CAP_REASON = "over max_memories"


def _clamp(x: float, lo: float = 0.05, hi: float = 0.99) -> float:
    return round(max(lo, min(hi, x)), 3)


def confidence_of(cand: Candidate) -> float:
    c = PROVENANCE_CONFIDENCE[cand.provenance]
    if "hedge" in cand.signals:
        c *= HEDGE_FACTOR
    if "generic" in cand.signals:
        c -= GENERIC_PENALTY
    if "implied" in cand.signals:
        c -= IMPLIED_PENALTY
    if "model-scored" in cand.signals:
        c = (1 - MODEL_WEIGHT) * c + MODEL_WEIGHT * cand.confidence
    return _clamp(c)


def importance_of(cand: Candidate) -> float:
    i = TYPE_IMPORTANCE[cand.type]
    i += sum(SIGNAL_IMPORTANCE.get(s, 0.0) for s in cand.signals)
    if cand.category == "health":
        i += HEALTH_BONUS
    if "model-scored" in cand.signals:
        i = (1 - MODEL_WEIGHT) * i + MODEL_WEIGHT * cand.importance
    return _clamp(i, hi=1.0)


def score(state: MemoryGraphState) -> dict[str, Any]:
    """Score every candidate, then skip the least important beyond ``max_memories``."""
    cap = state["request"].max_memories
    scored = [
        c.model_copy(update={"confidence": confidence_of(c), "importance": importance_of(c)})
        for c in state.get("candidates", [])
    ]
    live = [c for c in scored if c.action != Action.SKIP]
    ranked = sorted(live, key=lambda c: -c.importance)  # stable: ties keep message order
    over = {c.id for c in ranked[cap:]}
    # A supersede whose in-batch target was capped away still supersedes nothing stored.
    out = []
    for c in scored:
        if c.id in over:
            c = c.model_copy(
                update={"action": Action.SKIP, "target_id": None,
                        "reason": f"{OVER_CAP_REASON}={cap} (lowest importance)"}
            )  # fmt: skip
        out.append(c)
    return {"candidates": out}
