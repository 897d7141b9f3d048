"""Hybrid ranking: the dense ranking of memories fused with a lexical one over memories
and the conversation turns they come from.

:func:`fuse` takes, for one query, three sources of candidates:

* the dense ranking: the store's ranking of memories (cosine; the pool
  :class:`~langmem_extract.recall.RecallPlan` fetched);
* the dense ranking of the evidence turns (the turns' vectors are stored when they are
  logged, :mod:`langmem_extract.turn_vectors`): the memories citing the best turns;
* the BM25 ranking of the namespace's lexical documents
  (:class:`~langmem_extract.recall_index.NamespaceIndex`): each active memory's content
  followed by the evidence turns it cites and their neighbours, and each turn no memory
  covers (an *observation*),

each cut at ``pool`` entries, and orders their union by one score,
:func:`~langmem_extract.fusion.fused_score`: the candidate's cosine gap to the query's
best memory, its best evidence turn's gap to the best turn, and ``ln(1 + BM25)``,
weighted as fitted on one LoCoMo conversation, plus a bonus for what the question asks
for (:mod:`langmem_extract.query_intent`: a candidate dated in the period it names, dated
at all when it asks *when*, a preference when it asks what someone likes). It replaced reciprocal-rank fusion (``docs/benchmarks/recall_hybrid.md``). Then one
round of lexical pseudo-relevance feedback (:mod:`langmem_extract.query_expansion`): the
words of the best lexically matched candidates expand the query, BM25 is scored again,
the lexical documents it now ranks first join, and the candidates whose BM25 changed are
scored again.

Last (after :mod:`~langmem_extract.recall` blends in importance and recency),
:func:`novel_first`: a memory all of whose evidence turns are already cited by
better-ranked results moves behind those that bring a turn not yet shown, so the top
results cover more of the conversation rather than restating one turn (two memories
extracted from the same sentence).

The fused value only orders results; each result's ``score`` stays the calibrated
cosine relevance (see :mod:`langmem_extract.recall`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from langmem_extract import query_expansion as feedback
from langmem_extract.evidence import memory_session
from langmem_extract.fusion import DenseContext, fused_score
from langmem_extract.query_intent import QueryIntent
from langmem_extract.recall_index import OBSERVATION_PREFIX, NamespaceIndex, TurnRecord, turn_key
from langmem_extract.schema import Memory, MemoryKind, MemoryType, make_title

T = TypeVar("T")

__all__ = [
    "HYBRID_POOL",
    "OBSERVATION_CATEGORY",
    "Fused",
    "fuse",
    "novel_first",
    "observation_memory",
    "tied_ranks",
]

#: Category of an observation document (a raw turn no memory covers).
OBSERVATION_CATEGORY = "observation"

#: Smallest cut of each ranking before fusion (``max(2 * k, HYBRID_POOL)``).
HYBRID_POOL = 20


@dataclass
class Fused:
    """A fused candidate: a memory, or an observation turn no memory covers."""

    fused: float
    memory: Memory | None = None
    turn: TurnRecord | None = None
    cosine: float | None = None
    #: The memory's id, or the observation's lexical document id (set once: a ranking
    #: reads it ~500 times a query).
    key: str = field(init=False)
    #: The turns it cites (:func:`_turn_keys`, computed on first use).
    turn_keys: list[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.memory is not None:
            self.key = self.memory.id
        else:
            self.key = OBSERVATION_PREFIX + self.turn.key  # type: ignore[union-attr]


def fuse(
    query: str,
    dense: Sequence[tuple[Memory, float | None]],
    index: NamespaceIndex,
    keep: Callable[[Memory], bool],
    keep_turn: Callable[[TurnRecord], bool] | None,
    *,
    pool: int = HYBRID_POOL,
    turn_cosines: Mapping[str, float] | None = None,
    calibration: Any = None,
    intent: QueryIntent | None = None,
) -> list[Fused]:
    """Fused candidates for ``query``, best first (ties by key); ``fused`` holds each
    one's :func:`~langmem_extract.fusion.fused_score`.

    ``dense`` is the store's ranking (memory, cosine), already filtered; ``keep`` filters
    memories found otherwise; ``keep_turn`` decides which uncovered turns may be
    observations (``None``: none may). ``intent`` (:class:`~langmem_extract.query_intent.QueryIntent`,
    none by default) adds its bonus to each candidate. ``turn_cosines`` (turn key → cosine,
    :func:`~langmem_extract.turn_vectors.turn_cosines`) are the evidence turns' cosines;
    ``calibration``, the embedder's relevance calibration, puts the cosine gaps on the
    scale the weights were fitted on (:func:`~langmem_extract.fusion.gap_scale`).
    The candidates are the first ``pool`` of the dense ranking, the memories citing the
    ``pool`` best turns and the first ``pool`` of the lexical ranking, before and after
    the lexical feedback (:mod:`~langmem_extract.query_expansion`, whose expanded BM25
    is the score fused).
    """
    cosines = {memory.id: cosine for memory, cosine in dense if cosine is not None}
    context = DenseContext.of(cosines, turn_cosines or {}, calibration)
    out: dict[str, Fused] = {}
    for memory, cosine in dense[:pool]:
        out.setdefault(memory.id, Fused(0.0, memory=memory, cosine=cosine))
    for hit in _by_turn(context.turn_cosines, index, keep, pool):
        out.setdefault(hit.key, hit)
    bm25 = index.lexical.scores(query)
    for hit in _lexical(bm25, index, keep, keep_turn, pool):
        out.setdefault(hit.key, hit)
    if intent is None:
        intent = QueryIntent()
    _score(out.values(), context, bm25, cosines, intent)
    ranked = sorted(out.values(), key=lambda hit: (-hit.fused, hit.key))
    if feedback.FEEDBACK_WEIGHT <= 0 or not ranked:
        return ranked
    # Pseudo-relevance feedback (query_expansion): the best candidates' words, added to
    # the query with a lower weight, fetch and lift lexical documents worded like them.
    matched = [hit for hit in ranked if bm25.get(hit.key, 0.0) > 0.0]
    texts = [_feedback_text(hit, index) for hit in matched[: feedback.FEEDBACK_DOCS]]
    terms = feedback.feedback_terms(query, texts, index.lexical)
    if not terms:
        return ranked
    expanded = feedback.expanded_scores(bm25, terms, index.lexical)
    fresh = [hit for hit in _lexical(expanded, index, keep, keep_turn, pool) if hit.key not in out]
    out.update((hit.key, hit) for hit in fresh)
    changed = [hit for hit in out.values() if expanded.get(hit.key, 0.0) != bm25.get(hit.key, 0.0)]
    _score({id(h): h for h in fresh + changed}.values(), context, expanded, cosines, intent)
    return sorted(out.values(), key=lambda hit: (-hit.fused, hit.key))


def _score(
    hits: Iterable[Fused],
    context: DenseContext,
    bm25: Mapping[str, float],
    cosines: Mapping[str, float],
    intent: QueryIntent,
) -> None:
    for hit in hits:
        if hit.memory is not None and hit.cosine is None:
            hit.cosine = cosines.get(hit.key)
        hit.fused = fused_score(
            context,
            hit.memory.id if hit.memory is not None else None,
            _turn_keys(hit),
            bm25.get(hit.key, 0.0),
            bonus=intent.bonus(hit.memory, _event_time(hit)),
        )


def _feedback_text(hit: Fused, index: NamespaceIndex) -> str:
    """A candidate's words for feedback: its content and the turns it cites."""
    turns = [index.turns[key].text for key in _turn_keys(hit) if key in index.turns]
    own = [hit.memory.content] if hit.memory is not None else []
    return " ".join(own + turns)


def _lexical(
    scores: Mapping[str, float],
    index: NamespaceIndex,
    keep: Callable[[Memory], bool],
    keep_turn: Callable[[TurnRecord], bool] | None,
    pool: int,
) -> list[Fused]:
    """The first ``pool`` lexical documents (by BM25 ``scores``, ties by id) that pass
    the filters, as fresh candidates. The best ``3 * pool`` are sorted first (filters
    rarely drop more); all of them only when too few of those pass."""
    order = _first(scores, 3 * pool)
    index.prefetch(d for d, _ in order if not d.startswith(OBSERVATION_PREFIX))
    out = _passing(order, index, keep, keep_turn, pool)
    if len(out) < pool and len(order) < len(scores):
        out = _passing(sorted(scores.items(), key=_best_first), index, keep, keep_turn, pool)
    return out


def _best_first(pair: tuple[str, float]) -> tuple[float, str]:
    return (-pair[1], pair[0])


def _first(scores: Mapping[str, float], m: int) -> list[tuple[str, float]]:
    """``sorted(scores.items(), key=_best_first)[:m]``: only the items scoring at least
    the ``m``-th best score are sorted by key (a keyed heap over all ~700 BM25 matches of
    a LoCoMo query cost ~1 ms of its ranking; a plain sort of the scores, a few µs)."""
    if m <= 0:
        return []
    if len(scores) > m:
        cut = sorted(scores.values(), reverse=True)[m - 1]
        return sorted([p for p in scores.items() if p[1] >= cut], key=_best_first)[:m]
    return sorted(scores.items(), key=_best_first)


def _passing(
    order: Iterable[tuple[str, float]],
    index: NamespaceIndex,
    keep: Callable[[Memory], bool],
    keep_turn: Callable[[TurnRecord], bool] | None,
    pool: int,
) -> list[Fused]:
    out: list[Fused] = []
    for doc_id, _ in order:
        if doc_id.startswith(OBSERVATION_PREFIX):
            turn = index.turns.get(doc_id[len(OBSERVATION_PREFIX) :])
            if turn is not None and keep_turn is not None and keep_turn(turn):
                out.append(Fused(0.0, turn=turn))
        elif (memory := index.memories.get(doc_id)) is not None and keep(memory):
            out.append(Fused(0.0, memory=memory))
        if len(out) == pool:
            break
    return out


def _turn_keys(hit: Fused) -> list[str]:
    """The turns a candidate cites (an observation: its own)."""
    if hit.turn_keys is None:
        if hit.memory is None:
            hit.turn_keys = [hit.turn.key]  # type: ignore[union-attr]
        else:
            session = memory_session(hit.memory)
            hit.turn_keys = [turn_key(session, m) for m in hit.memory.source_message_ids]
    return hit.turn_keys


def _by_turn(
    turn_cosines: Mapping[str, float],
    index: NamespaceIndex,
    keep: Callable[[Memory], bool],
    pool: int,
) -> list[Fused]:
    """The memories citing the ``pool`` turns of highest cosine, best turn first. A
    turn no memory covers is not made an observation here: by meaning alone an
    assistant's "Noted, enjoy Lisbon!" came back for "what should I cook for dinner?"
    (tests/integrations/test_chat_history.py); observations still come lexically."""
    out: list[Fused] = []
    seen: set[str] = set()
    best = _largest(turn_cosines, pool)
    index.prefetch(m for key in best for m in index.cited_by.get(key, ()))
    for key in best:
        for memory_id in sorted(index.cited_by.get(key, ())):
            memory = index.memories.get(memory_id)
            if memory is not None and memory_id not in seen and keep(memory):
                seen.add(memory_id)
                out.append(Fused(0.0, memory=memory))
    return out


def _largest(values: Mapping[str, float], n: int) -> list[str]:
    """``heapq.nlargest(n, values, key=values.__getitem__)`` (ties in mapping order), with
    a keyed sort of only the keys valued at least the ``n``-th largest value (a keyed heap
    over a LoCoMo conversation's ~600 turn cosines cost ~0.3 ms a query)."""
    if n <= 0:
        return []
    if len(values) > n:
        cut = sorted(values.values(), reverse=True)[n - 1]
        keys: Iterable[str] = [key for key, value in values.items() if value >= cut]
    else:
        keys = values
    return sorted(keys, key=values.__getitem__, reverse=True)[:n]


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
