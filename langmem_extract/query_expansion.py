"""Pseudo-relevance feedback for the lexical side of recall.

After a first fused ranking (:func:`~langmem_extract.hybrid.fuse`), the words of the
best ``FEEDBACK_DOCS`` candidates that the query lacks are added to it with a lower
weight (``FEEDBACK_WEIGHT``) and BM25 is scored again: a turn that answers the question
in other words than the question's, but in the words of the answers found first, can
then be fetched and ranked lexically (RM3-style expansion, without a second dense pass).

* Feedback documents are the best candidates *that match the query lexically* (BM25 > 0):
  taking the fused top as it is, a dense near-miss with no word of the query fed its own
  words back and so outranked the lexical match it had lost to ("pottery class" in
  tests/test_hybrid.py), and in a three-turn log the assistant's reply beside an uncovered
  turn came back in its place (the observation test there).
* Terms are weighted ``sum over feedback documents of (tf / length) * idf`` over each
  document's content and the turns it cites, analysed as the lexical index analyses text
  (:func:`~langmem_extract.lexical.tokenize`); the best ``FEEDBACK_TERMS`` are kept, the
  best at weight 1.

Measured (``docs/benchmarks/recall_hybrid.md``): parameters chosen on LoCoMo conv-26
(3 documents, 10 terms, weight 0.3; 0.1 to 1.0 gave the same figures there), checked on
the four other dev conversations: hit@10 (categories 1–4) 0.831 → 0.839, hit@5 0.767 →
0.769, category 5 unchanged; about 1.5–2 ms more CPU per query in ``fuse`` (about
1.1 ms after the ranking's per-query trims, ``docs/benchmarks/ranking_cpu.md``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from langmem_extract.lexical import BM25Index, tokenize

__all__ = [
    "FEEDBACK_DOCS",
    "FEEDBACK_TERMS",
    "FEEDBACK_WEIGHT",
    "expanded_scores",
    "feedback_terms",
]

FEEDBACK_DOCS = 3
FEEDBACK_TERMS = 10
FEEDBACK_WEIGHT = 0.3


def feedback_terms(
    query: str,
    texts: Iterable[str],
    index: BM25Index,
    n_terms: int = FEEDBACK_TERMS,
) -> dict[str, float]:
    """The ``n_terms`` best expansion terms (analysed) for ``query`` from ``texts`` (the
    feedback documents), each with a weight in (0, 1] (the best 1)."""
    own = set(tokenize(query))
    weights: Counter[str] = Counter()
    for text in texts:
        terms = Counter(tokenize(text))
        length = sum(terms.values())
        for term, tf in terms.items():
            if term not in own:
                weights[term] += tf / length * index.idf(term)
    best = sorted(weights.items(), key=lambda pair: (-pair[1], pair[0]))[:n_terms]
    if not best or best[0][1] <= 0:
        return {}
    top = best[0][1]
    return {term: w / top for term, w in best if w > 0}


def expanded_scores(
    base: Mapping[str, float],
    terms: Mapping[str, float],
    index: BM25Index,
    weight: float = FEEDBACK_WEIGHT,
) -> dict[str, float]:
    """``base`` (the query's BM25 scores) plus ``weight`` times the weighted BM25 score
    of the expansion ``terms``."""
    if not terms or weight <= 0:
        return dict(base)
    out = dict(base)
    for doc_id, score in index.term_scores(terms).items():
        out[doc_id] = out.get(doc_id, 0.0) + weight * score
    return out
