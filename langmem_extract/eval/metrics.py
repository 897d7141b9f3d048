"""Offline metrics: evidence hit@k / full@k, token F1, token counts, percentiles."""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence

#: LoCoMo dialog ids; a few evidence strings pack several ids ("D8:6; D9:17").
EVIDENCE_ID = re.compile(r"D\d+:\d+")

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT_TABLE = str.maketrans("", "", string.punctuation)


def parse_evidence(raw: Iterable[str]) -> list[str]:
    """Every dialog id in ``raw``, in first-seen order, without duplicates."""
    ids: list[str] = []
    for item in raw:
        for found in EVIDENCE_ID.findall(str(item)):
            if found not in ids:
                ids.append(found)
    return ids


def surfaced_ids(ranked_sources: Sequence[Iterable[str]], k: int) -> set[str]:
    """The union of source ids of the top-``k`` results."""
    if k < 1:
        raise ValueError("k must be at least 1")
    out: set[str] = set()
    for sources in ranked_sources[:k]:
        out.update(sources)
    return out


def hit_at_k(ranked_sources: Sequence[Iterable[str]], evidence: Iterable[str], k: int) -> bool:
    """Any gold evidence id among the source ids of the top-``k`` results."""
    gold = set(evidence)
    return bool(gold & surfaced_ids(ranked_sources, k))


def full_at_k(ranked_sources: Sequence[Iterable[str]], evidence: Iterable[str], k: int) -> bool:
    """Every gold evidence id among the source ids of the top-``k`` results."""
    gold = set(evidence)
    return bool(gold) and gold <= surfaced_ids(ranked_sources, k)


def normalize_answer(text: str) -> str:
    """SQuAD-style normalisation: lower case, no punctuation, no articles, single spaces."""
    text = str(text).lower().translate(_PUNCT_TABLE)
    return " ".join(_ARTICLES.sub(" ", text).split())


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD token F1 between two strings (0.0 when either is empty)."""
    pred = normalize_answer(prediction).split()
    ref = normalize_answer(gold).split()
    if not pred or not ref:
        return 0.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision = common / len(pred)
    recall = common / len(ref)
    return 2 * precision * recall / (precision + recall)


def count_tokens(text: str) -> int:
    """Whitespace tokens: model-independent, so figures compare across embedders and LLMs."""
    return len(str(text).split())


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (numpy's default method); NaN for no values."""
    if not 0 <= pct <= 100:
        raise ValueError("pct must be within 0-100")
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * pct / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/mean in milliseconds plus the count."""
    ms = [s * 1000.0 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "mean_ms": (sum(ms) / len(ms)) if ms else math.nan,
    }


def mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else math.nan
