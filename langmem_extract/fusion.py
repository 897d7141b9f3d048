"""The fused score of a recall candidate: one linear score over its dense, turn and
lexical evidence, in place of reciprocal-rank fusion.

:func:`~langmem_extract.hybrid.fuse` gathers the candidates of one query (the dense
pool, the memories citing the best-matching turns, the best lexical documents) and
orders them by :func:`fused_score`::

    gap   = cosine - best cosine
    fused = W_MEMORY  * gap
          + W_TURN    * max(gap, turn cosine - best turn cosine)
          + W_VIEW    * (max(cosine, turn cosine) - max(best cosine, best turn cosine))
          + W_LEXICAL * ln(1 + BM25)
          + bonus        (what the question asks for: a named period, a date, a
                          preference; :mod:`langmem_extract.query_intent`)

* ``cosine``: the memory's own cosine from the store's dense search; a candidate the
  search did not fetch gets the pool's lowest (a bound on its own). ``best cosine`` is
  the pool's highest.
* ``turn cosine``: the best cosine among the evidence turns the memory cites (each
  turn's vector plus half of each neighbour's, :mod:`langmem_extract.turn_vectors`);
  ``best turn cosine`` that of the namespace's best turn. A memory with no turn vector
  (an embedder that does not reuse vectors, a memory written without evidence) has its
  own gap in place of the turn's and its own cosine as its view; an observation (a turn
  no memory covers, found lexically) has the pool's lowest cosine throughout.
* ``BM25``: the score of the candidate's lexical document (its content with the turns it
  cites and their neighbours, :mod:`langmem_extract.recall_index`).

Why scores, not ranks: reciprocal-rank fusion gave the dense and the lexical rankings a
full rank each whatever the gap behind it, and it ranked a memory densely by the higher
of its raw cosine and its turn's, although turn cosines sit in a lower band (LoCoMo's
median best turn 0.868, best memory 0.876): a memory whose evidence turn was the
conversation's best or fifth-best match still fused at rank 13–20 behind memories that
merely paraphrase the question (conv-26). The gaps to the query's best keep each signal
on its own scale. The turn's gap counts only where it beats the memory's own: a turn
lifts a memory, never sinks it (with the turn's gap alone, a three-fact turn "I love
hiking. I prefer aisle seats. Keep answers short." matched "Which city does the user
live in now?" better than "We relocated to Denver", and "User loves hiking." outranked
the current "User moved to Denver", tests/graph/test_conflicts.py; and English turns
outranked the memory "User's birthday is on 3 June." for a Portuguese question,
tests/extractors/test_languages.py). The raw view (``W_VIEW``) lets a turn far nearer
than every memory win ("When do the removals happen?" finds the memory of "The movers
come on Saturday" though it says "got the keys to a new house",
tests/test_turn_vectors.py).

Per embedder: the gaps are in cosine units, and an embedder's cosines sit in a band of
its own (the bundled E5: 0.755 unrelated to 0.946 exact, a band of
:data:`REFERENCE_BAND`; others spread over most of 0-1). With a fitted
:class:`~langmem_extract.recall.RelevanceCalibration`, every gap is multiplied by
``REFERENCE_BAND / (exact - unrelated)`` (:func:`gap_scale`), so the weights see each
embedder's cosines on E5's scale and the dense terms keep the weight they were fitted with
against ``ln(1 + BM25)``, which does not depend on the embedder: an embedder whose cosines
are E5's stretched to a wider band ranks exactly as E5 does (tests/test_hybrid.py). Without
a fitted calibration (the clamped identity) the band is unknown and the gaps are used as
they are.

The weights are a logistic regression of "the candidate cites an evidence turn" on the
four terms over each question's candidates, fitted on one LoCoMo dev conversation
(conv-26, its 197 questions with evidence, L2 0.01) and checked on the four others
(``docs/benchmarks/recall_hybrid.md``). Only their ratios matter (the order is all that
is used).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "PERIOD_BONUS",
    "PREFERENCE_BONUS",
    "REFERENCE_BAND",
    "TIME_BONUS",
    "W_LEXICAL",
    "W_MEMORY",
    "W_TURN",
    "W_VIEW",
    "DenseContext",
    "fused_score",
    "gap_scale",
]

#: Weights (fitted, see above) of the memory's own cosine gap to the query's best memory,
#: of the better of that and its best evidence turn's gap to the query's best turn (the
#: largest: the words a memory came from carry what its paraphrase drops), of the raw
#: dense view's gap, and of ``ln(1 + BM25)`` of the candidate's lexical document.
W_MEMORY = 5.463
W_TURN = 29.35
W_VIEW = 17.24
W_LEXICAL = 1.099
#: Added for a dated candidate when the query asks *when* and names no period. Not
#: fitted: on conv-26 the regression gave such a term a weight near 0 (+0.17 for *when*;
#: LoCoMo's dated questions are often answered by memories that carry no event time), so
#: it only breaks near-ties between candidates equally close to the question.
TIME_BONUS = 0.5
#: Added for a candidate dated inside the period the query names (in place of
#: :data:`TIME_BONUS`): a date the question states is stronger evidence than a date at
#: all. Chosen on conv-26 (0.5, 1.0, 1.5, 2.0, 3.0: hit@10 0.847, 0.847, 0.853, 0.853,
#: 0.847 with yearless months matched in any year), the middle of the best values.
PERIOD_BONUS = 1.5
#: Added for a ``preference`` memory when the query asks what someone likes
#: (:func:`~langmem_extract.query_intent.asks_preference`). Chosen on conv-26 (0, 0.5,
#: 1.0, 1.5, 2.0: hit@10 0.853, 0.853, 0.860, 0.860, 0.860): the smallest of the best, as
#: a larger bonus pushed category 5's evidence further down (mean rank 5.68 without,
#: 5.72 at 1.0, 5.77 at 1.5).
PREFERENCE_BONUS = 1.0
#: ``exact - unrelated`` of the calibration of the embedder the weights were fitted for
#: (``E5Embeddings:original`` in :data:`~langmem_extract.recall.CALIBRATIONS`).
REFERENCE_BAND = 0.946 - 0.755


def gap_scale(calibration: Any = None) -> float:
    """The factor that puts an embedder's cosine gaps on the fitted embedder's scale:
    ``REFERENCE_BAND / (exact - unrelated)`` of ``calibration`` (a
    :class:`~langmem_extract.recall.RelevanceCalibration`), 1 without one or for the
    identity (unknown embedders: the band is not known)."""
    unrelated = getattr(calibration, "unrelated", None)
    exact = getattr(calibration, "exact", None)
    if not isinstance(unrelated, float | int) or not isinstance(exact, float | int):
        return 1.0
    if (unrelated, exact) == (0.0, 1.0) or exact <= unrelated:
        return 1.0
    return REFERENCE_BAND / (exact - unrelated)


@dataclass(frozen=True)
class DenseContext:
    """One query's dense references, shared by all its candidates."""

    cosines: Mapping[str, float]
    """Memory id → cosine, for the store's fetched pool."""
    turn_cosines: Mapping[str, float]
    """Turn key → cosine, for every turn with a vector."""
    best: float
    floor: float
    best_turn: float | None
    best_view: float
    scale: float = 1.0
    """Multiplies every cosine gap (:func:`gap_scale`)."""

    @classmethod
    def of(
        cls,
        cosines: Mapping[str, float],
        turn_cosines: Mapping[str, float],
        calibration: Any = None,
    ) -> DenseContext:
        """The references of one query; ``calibration`` the embedder's (:func:`gap_scale`)."""
        best = max(cosines.values(), default=0.0)
        best_turn = max(turn_cosines.values(), default=None)
        return cls(
            cosines=cosines,
            turn_cosines=turn_cosines,
            best=best,
            floor=min(cosines.values(), default=0.0),
            best_turn=best_turn,
            best_view=best if best_turn is None else max(best, best_turn),
            scale=gap_scale(calibration),
        )


def fused_score(
    dense: DenseContext,
    memory_id: str | None,
    turn_keys: Iterable[str],
    bm25: float,
    *,
    bonus: float = 0.0,
) -> float:
    """The fused score of one candidate (see the module docstring): ``memory_id`` is
    None for an observation; ``turn_keys`` are the turns a memory cites; ``bm25`` its
    lexical document's score; ``bonus`` is added as it is
    (:meth:`~langmem_extract.query_intent.QueryIntent.bonus`)."""
    own = dense.cosines.get(memory_id, dense.floor) if memory_id is not None else dense.floor
    gap = own - dense.best
    turn_gap, view = gap, own
    if memory_id is not None and dense.best_turn is not None:
        turns = [dense.turn_cosines[key] for key in turn_keys if key in dense.turn_cosines]
        if turns:
            turn_gap = max(gap, max(turns) - dense.best_turn)
            view = max(own, max(turns))
    dense_terms = W_MEMORY * gap + W_TURN * turn_gap + W_VIEW * (view - dense.best_view)
    score = dense.scale * dense_terms + W_LEXICAL * math.log1p(max(bm25, 0.0))
    return score + bonus
