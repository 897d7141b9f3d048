"""Hybrid ranking: the dense ranking of memories fused with a lexical one over memories
and the conversation turns they come from.

:func:`fuse` takes, for one query,

* the dense ranking: the store's ranking of memories (cosine; the pool
  :class:`~langmem_extract.recall.RecallPlan` fetched), in which a memory citing a turn
  ranks by that turn's cosine when it is the higher one
  (the turns' vectors are stored when they are logged, :mod:`langmem_extract.turn_vectors`;
  one dense view, so the words a memory came from count without outvoting the lexical
  ranking: counted as a ranking of its own, the turns' cosine gave conv-26 hit@5 0.760,
  hit@10 0.827, category 5 0.723, against 0.727, 0.820, 0.787 this way, and put "User
  loves hiking." above the current "User moved to Denver" in
  tests/graph/test_conflicts.py), and
* the BM25 ranking of the namespace's lexical documents
  (:class:`~langmem_extract.recall_index.NamespaceIndex`): each active memory's content
  followed by the evidence turns it cites and their neighbours, and each turn no memory
  covers (an *observation*),

and merges them by reciprocal-rank fusion (Cormack, Clarke and Büttcher, 2009):
``fused(x) = sum over rankings of 1 / (FUSION_K + rank(x))`` (equal scores share a rank)
with the customary, untuned
``FUSION_K = 60``, each ranking cut at ``pool`` entries. The lexical ranking counts
passages (:func:`passage_ranks`): memories citing the same turns share one rank. When the query names a period
or asks *when* (:mod:`langmem_extract.temporal`), a third ranking lists the candidates
dated inside that period (or dated at all), in fused order.

Last (after :mod:`~langmem_extract.recall` blends in importance and recency),
:func:`novel_first`: a memory all of whose evidence turns are already cited by
better-ranked results moves behind those that bring a turn not yet shown, so the top
results cover more of the conversation rather than restating one turn (two memories
extracted from the same sentence).

The fused value only orders results; each result's ``score`` stays the calibrated
cosine relevance (see :mod:`langmem_extract.recall`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from langmem_extract.recall_index import OBSERVATION_PREFIX, NamespaceIndex, TurnRecord
from langmem_extract.schema import Memory, MemoryKind, MemoryType, make_title

Period = tuple[datetime, datetime]
T = TypeVar("T")

__all__ = [
    "FUSION_K",
    "HYBRID_POOL",
    "OBSERVATION_CATEGORY",
    "Fused",
    "fuse",
    "novel_first",
    "observation_memory",
    "passage_ranks",
    "tied_ranks",
]

#: Category of an observation document (a raw turn no memory covers).
OBSERVATION_CATEGORY = "observation"

FUSION_K = 60
#: Smallest cut of each ranking before fusion (``max(2 * k, HYBRID_POOL)``).
HYBRID_POOL = 20


@dataclass
class Fused:
    """A fused candidate: a memory, or an observation turn no memory covers."""

    fused: float
    memory: Memory | None = None
    turn: TurnRecord | None = None
    cosine: float | None = None

    @property
    def key(self) -> str:
        if self.memory is not None:
            return self.memory.id
        return OBSERVATION_PREFIX + self.turn.key  # type: ignore[union-attr]


def fuse(
    query: str,
    dense: Sequence[tuple[Memory, float | None]],
    index: NamespaceIndex,
    keep: Callable[[Memory], bool],
    keep_turn: Callable[[TurnRecord], bool] | None,
    *,
    pool: int = HYBRID_POOL,
    period: Period | None = None,
    when: bool = False,
    turn_ranking: Sequence[tuple[str, float]] = (),
) -> list[Fused]:
    """Fused candidates for ``query``, best first (ties by key).

    ``dense`` is the store's ranking (memory, cosine), already filtered; ``keep`` filters
    memories found only lexically; ``keep_turn`` decides which uncovered turns may be
    observations (``None``: none may). ``period`` (a time the query names) or ``when``
    (the query asks for a date) add the time ranking. ``turn_ranking`` (turn key, cosine),
    best first, is the dense ranking of the evidence turns
    (:func:`~langmem_extract.turn_vectors.rank_turns`): a memory citing a turn ranks
    densely by that turn's cosine when it beats its own.
    """
    out: dict[str, Fused] = {}
    ranking = _dense(dense, _by_turn(turn_ranking, index, keep, pool), pool)
    for (hit, _), rank in zip(ranking, tied_ranks([c for _, c in ranking]), strict=True):
        out.setdefault(hit.key, hit).fused += 1.0 / (FUSION_K + rank)
    lexical = _lexical(query, index, keep, keep_turn, pool)
    for (hit, _), rank in zip(lexical, passage_ranks(lexical), strict=True):
        out.setdefault(hit.key, hit).fused += 1.0 / (FUSION_K + rank)
    ranked = sorted(out.values(), key=lambda hit: (-hit.fused, hit.key))
    if period is not None or when:
        dated = [hit for hit in ranked if _fits(_event_time(hit), period)][:pool]
        for rank, hit in enumerate(dated, 1):
            hit.fused += 1.0 / (FUSION_K + rank)
        ranked.sort(key=lambda hit: (-hit.fused, hit.key))
    return ranked


def _lexical(
    query: str,
    index: NamespaceIndex,
    keep: Callable[[Memory], bool],
    keep_turn: Callable[[TurnRecord], bool] | None,
    pool: int,
) -> list[tuple[Fused, float]]:
    """The lexical ranking, filtered, as fresh candidates with their BM25 scores (cut at
    ``pool``)."""
    out: list[tuple[Fused, float]] = []
    found = index.lexical.search(query, pool * 3)
    index.prefetch(d for d, _ in found if not d.startswith(OBSERVATION_PREFIX))
    for doc_id, score in found:
        if doc_id.startswith(OBSERVATION_PREFIX):
            turn = index.turns.get(doc_id[len(OBSERVATION_PREFIX) :])
            if turn is not None and keep_turn is not None and keep_turn(turn):
                out.append((Fused(0.0, turn=turn), score))
        elif (memory := index.memories.get(doc_id)) is not None and keep(memory):
            out.append((Fused(0.0, memory=memory), score))
        if len(out) == pool:
            break
    return out


def passage_ranks(lexical: Sequence[tuple[Fused, float]]) -> list[int]:
    """Ranks of the lexical ranking counted in passages, not documents.

    Memories extracted from the same turns have near-identical lexical documents (the same
    turns and neighbours), so they fill consecutive ranks and push the next passage down
    by their number rather than by its relevance. Here every candidate citing exactly the
    same turns takes the score of the best of them, and ranks count distinct scores
    (1, 1, 2, 3, …; an exact tie still shares a rank). Measured on LoCoMo conv-26: hit@10
    0.800 → 0.820 (``docs/benchmarks/recall_hybrid.md``).
    """
    best: dict[tuple[object, ...], float] = {}
    values = [best.setdefault(_passage(hit), score) for hit, score in lexical]
    distinct = sorted(set(values), reverse=True)
    rank_of = {value: i for i, value in enumerate(distinct, 1)}
    return [rank_of[value] for value in values]


def _passage(hit: Fused) -> tuple[object, ...]:
    """The turns a candidate stands for (its evidence session and cited message ids)."""
    if hit.memory is not None:
        memory = hit.memory
        return (tuple(memory.namespace), memory.session_id, frozenset(memory.source_message_ids))
    return ("turn", hit.turn.key)  # type: ignore[union-attr]


def _dense(
    dense: Sequence[tuple[Memory, float | None]], turned: Sequence[tuple[Fused, float]], pool: int
) -> list[tuple[Fused, float]]:
    """The dense ranking, cut at ``pool``: each candidate by the higher of its own cosine
    and that of its best turn (``turned``), so the memory is found by its paraphrase or
    by the words it came from, as one dense view beside the lexical one."""
    best: dict[str, tuple[Fused, float]] = {}
    for memory, cosine in dense[:pool]:
        best[memory.id] = (Fused(0.0, memory=memory, cosine=cosine), cosine or 0.0)
    for hit, cosine in turned:
        held = best.get(hit.key)
        if held is None or held[1] < cosine:
            best[hit.key] = (held[0] if held is not None else hit, cosine)
    return sorted(best.values(), key=lambda pair: (-pair[1], pair[0].key))[:pool]


def _by_turn(
    turn_ranking: Sequence[tuple[str, float]],
    index: NamespaceIndex,
    keep: Callable[[Memory], bool],
    pool: int,
) -> list[tuple[Fused, float]]:
    """The dense turn ranking (cut at ``pool`` turns) read as candidates with their
    turn's cosine: the memories citing each turn; a memory counts once, at its best turn.
    A turn no memory covers is not made an observation here: by meaning alone an
    assistant's "Noted, enjoy Lisbon!" came back for "what should I cook for dinner?"
    (tests/integrations/test_chat_history.py); observations still come lexically."""
    out: list[tuple[Fused, float]] = []
    seen: set[str] = set()
    index.prefetch(m for key, _ in turn_ranking[:pool] for m in index.cited_by.get(key, ()))
    for key, cosine in turn_ranking[:pool]:
        for memory_id in sorted(index.cited_by.get(key, ())):
            memory = index.memories.get(memory_id)
            if memory is not None and memory_id not in seen and keep(memory):
                seen.add(memory_id)
                out.append((Fused(0.0, memory=memory), cosine))
    return out


def tied_ranks(values: Sequence[float]) -> list[int]:
    """Ranks of ``values`` (sorted best first) where equal values share a rank (1, 2, 2, 4):
    a ranking must not split an exact tie by the order the store happened to return."""
    ranks: list[int] = []
    for i, value in enumerate(values):
        ranks.append(ranks[-1] if i and value == values[i - 1] else i + 1)
    return ranks


def novel_first(ranked: Sequence[T], sources: Callable[[T], Iterable[str]]) -> list[T]:
    """Stable: results citing a turn not cited above first, then those that only repeat
    turns (see the module docstring)."""
    seen: set[str] = set()
    novel: list[T] = []
    repeats: list[T] = []
    for hit in ranked:
        cited = set(sources(hit))
        (novel if not cited or not cited <= seen else repeats).append(hit)
        seen |= cited
    return novel + repeats


def _event_time(hit: Fused) -> datetime | None:
    if hit.memory is not None:
        return hit.memory.event_time
    return hit.turn.timestamp if hit.turn is not None else None


def _fits(stamp: datetime | None, period: Period | None) -> bool:
    if stamp is None:
        return False
    if period is None:  # a "when" question: any date helps
        return True
    stamp = stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
    return period[0] <= stamp < period[1]


def observation_memory(turn: TurnRecord, namespace: Sequence[str]) -> Memory:
    """A turn no memory covers, as an episodic memory-shaped result (not stored)."""
    stamp = turn.timestamp or datetime.fromtimestamp(0, UTC)
    return Memory(
        id=f"obs:{turn.message_id}",
        content=turn.text,
        title=make_title(turn.text),
        type=MemoryType.EVENT,
        kind=MemoryKind.EPISODIC,
        category=OBSERVATION_CATEGORY,
        source="message_log",
        source_message_ids=[turn.message_id],
        namespace=list(namespace),
        event_time=turn.timestamp,
        valid_from=stamp,
        created_at=stamp,
        updated_at=stamp,
        metadata={"observation": True, "session": turn.session},
    )
