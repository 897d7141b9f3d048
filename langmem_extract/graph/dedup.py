"""dedup node: decide add / merge / supersede for each candidate, within the batch and
against the store.

* exact duplicate: same :func:`~langmem_extract.schema.fingerprint` → merge;
* conflict: same subject + attribute, different value, active → supersede; attributes
  are first mapped to their family key, and a preference replaces the opposite one about
  a member of its category or a switched-from object (the conflict model,
  :mod:`langmem_extract.graph.conflicts`);
* paraphrase: a stored memory (or earlier candidate) whose passage cosine reaches
  ``similarity_threshold`` and that :func:`~langmem_extract.graph.paraphrase.is_paraphrase`
  accepts (attribute keys, canonical words, negation, details) → merge.

Every candidate is embedded once, as a passage, in one batched call through the store's
embedder; the similarity searches and the write reuse those vectors
(:mod:`langmem_extract.vector_cache`), and the vectors go to persist in the state. The
turns persist will log that have no vector yet join that call
(:mod:`langmem_extract.turn_vectors`).

A candidate whose evidence (source message ids) is already recorded on a superseded
memory with the same text is a re-run of old evidence: it merges into that memory
rather than resurrecting it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from typing import Any

from langchain_core.embeddings import Embeddings
from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore, SearchItem, SearchOp

from langmem_extract.evidence import embed_turns, turns_to_log
from langmem_extract.graph.conflicts import ConflictModel, cosine
from langmem_extract.graph.lookups import find_conflict, find_duplicate, same_namespace
from langmem_extract.graph.paraphrase import Statement, is_paraphrase, same_value
from langmem_extract.graph.state import GraphOptions, MemoryGraphState, StoreResolver
from langmem_extract.schema import Action, Candidate, MemoryStatus, fingerprint, normalize_text
from langmem_extract.vector_cache import VectorCache, store_embeddings, vector_scope


def _conflict_key(cand: Candidate) -> tuple[str, str] | None:
    if not cand.attribute:
        return None
    return (normalize_text(cand.subject), cand.attribute)


class _Deduper:
    def __init__(
        self,
        store: BaseStore,
        namespace: tuple[str, ...],
        options: GraphOptions,
        embeddings: Embeddings | None,
    ) -> None:
        self.store = store
        self.ns = namespace
        self.options = options
        self.embeddings = embeddings
        self.batch_fps: dict[str, str] = {}
        self.batch_keys: dict[tuple[str, str], Candidate] = {}
        self.batch_vectors: list[tuple[Candidate, list[float]]] = []
        self.similar: dict[str, list[SearchItem]] = {}
        self.semantic_off = False
        self.conflicts = ConflictModel(store, namespace, embeddings)
        # The store's embedder, when it reuses vectors: candidates are embedded once.
        owner = store_embeddings(store)
        self.cache = VectorCache(owner) if owner is not None else None
        self.vectors: dict[str, list[float]] = {}  # candidate text → passage vector

    def check_store(self) -> None:
        """Nothing active stored to be similar to: no similarity search."""
        active = self.store.search(self.ns, filter={"status": MemoryStatus.ACTIVE.value}, limit=1)
        self.semantic_off = not active

    # -- one embedding per candidate

    def embed_candidates(
        self, candidates: Sequence[Candidate], writes: bool, turns: Mapping[str, str]
    ) -> dict[str, list[float]]:
        """Embed every candidate as a passage in one call: through the store's embedder
        when it reuses vectors (the searches and the write then use these), else through
        the graph's ``embeddings`` for the in-batch comparison only. The ``turns`` to be
        logged without a vector yet (message id → text) join the store embedder's call
        (:mod:`langmem_extract.turn_vectors`); returns their vectors by message id."""
        texts = list(dict.fromkeys(c.content for c in candidates))
        turn_texts = [t for t in dict.fromkeys(turns.values()) if t not in texts] if writes else []
        searches = self.options.semantic_dedup and not self.semantic_off
        if self.cache is not None and (writes or searches) and (texts or turn_texts):
            with vector_scope(self.cache):
                vectors = self.cache.owner.embed_documents(texts + turn_texts)
            self.vectors = dict(zip(texts, vectors[: len(texts)], strict=True))
            self.cache.search_as_passages(texts)
            return {mid: self.cache.passages[text] for mid, text in turns.items() if writes}
        if texts and searches and self.embeddings is not None:
            self.vectors = dict(zip(texts, self.embeddings.embed_documents(texts), strict=True))
        return embed_turns(self.store, turns) if writes else {}

    # -- similarity in the store (exact and conflict lookups: graph/lookups.py)

    def prefetch_similar(self, candidates: Sequence[Candidate]) -> None:
        """Run every candidate's similarity search in one ``store.batch``, so a store that
        embeds a batch of queries together pays for one embedding call, not one each
        (none when the candidates' vectors are already in the cache)."""
        if not self.options.semantic_dedup or not candidates or self.semantic_off:
            return
        ops = [
            SearchOp(
                self.ns,
                filter={"status": MemoryStatus.ACTIVE.value},
                limit=self.options.search_limit,
                query=c.content,
            )
            for c in candidates
        ]
        with vector_scope(self.cache) if self.cache is not None else nullcontext():
            results = self.store.batch(ops)
        self.similar = {c.id: list(r) for c, r in zip(candidates, results, strict=True)}

    def _similar_in_store(self, cand: Candidate) -> tuple[SearchItem, float] | None:
        if not self.options.semantic_dedup or self.semantic_off:
            return None
        items = self.similar.get(cand.id)
        if items is None:
            with vector_scope(self.cache) if self.cache is not None else nullcontext():
                items = self.store.search(
                    self.ns,
                    query=cand.content,
                    filter={"status": MemoryStatus.ACTIVE.value},
                    limit=self.options.search_limit,
                )
        best: tuple[SearchItem, float] | None = None
        mine = Statement.of(cand)
        for item in items:
            if not same_namespace(item, self.ns) or item.score is None:
                continue
            score = float(item.score)
            if (best is None or score > best[1]) and is_paraphrase(
                mine, Statement.of(item.value), score, self.options.similarity_threshold
            ):
                best = (item, score)
        return best

    # -- in-batch

    def _similar_in_batch(self, cand: Candidate) -> tuple[Candidate, float] | None:
        vector = self.vectors.get(cand.content)
        if not self.options.semantic_dedup or vector is None:
            return None
        best: tuple[Candidate, float] | None = None
        mine = Statement.of(cand)
        for other, other_vec in self.batch_vectors:
            score = cosine(vector, other_vec)
            if (best is None or score > best[1]) and is_paraphrase(
                mine, Statement.of(other), score, self.options.similarity_threshold
            ):
                best = (other, score)
        if best is None:
            self.batch_vectors.append((cand, vector))
        return best

    # -- decision

    def decide(self, cand: Candidate) -> Candidate:
        fp = fingerprint(cand.content)
        if fp in self.batch_fps:
            return _merge(cand, self.batch_fps[fp], 1.0, "duplicate within the batch")
        key = _conflict_key(cand)
        if key and key in self.batch_keys:
            earlier = self.batch_keys[key]
            if same_value(earlier.value, cand.value):
                return _merge(cand, earlier.id, None, "same value stated again in the batch")
        exact = find_duplicate(self.store, self.ns, cand)
        if exact is not None:
            self.batch_fps[fp] = exact.key
            return _merge(cand, exact.key, 1.0, "exact duplicate of a stored memory")
        if key and key in self.batch_keys:
            earlier = self.batch_keys[key]
            self._remember(cand, fp, key)
            return _supersede(cand, earlier.id, f"{cand.attribute} changed within the batch")
        conflict = find_conflict(self.store, self.ns, cand)
        if conflict is not None:
            if same_value(conflict.value.get("value"), cand.value):
                return _merge(cand, conflict.key, None, f"same {cand.attribute} as stored")
            self._remember(cand, fp, key)
            return _supersede(
                cand, conflict.key, f"{cand.attribute} changed from {conflict.value.get('value')!r}"
            )
        related = self.conflicts.preference_conflict(cand)
        if related is not None:
            self._remember(cand, fp, key)
            return _supersede(cand, related[0].key, related[1])
        changed = self.conflicts.family_conflict(cand)
        if changed is not None:
            item, keyed, reason = changed
            self._remember(keyed, fp, _conflict_key(keyed))
            return _supersede(keyed, item.key, reason)
        similar = self._similar_in_store(cand)
        if similar is not None:
            return _merge(cand, similar[0].key, similar[1], "near-duplicate of a stored memory")
        in_batch = self._similar_in_batch(cand)
        if in_batch is not None:
            return _merge(cand, in_batch[0].id, in_batch[1], "near-duplicate within the batch")
        self._remember(cand, fp, key)
        return cand.model_copy(update={"action": Action.ADD, "target_id": None})

    def _remember(self, cand: Candidate, fp: str, key: tuple[str, str] | None) -> None:
        self.batch_fps[fp] = cand.id
        if key:
            self.batch_keys[key] = cand


def _merge(cand: Candidate, target: str, similarity: float | None, reason: str) -> Candidate:
    return cand.model_copy(
        update={"action": Action.MERGE, "target_id": target, "similarity": similarity,
                "reason": reason}
    )  # fmt: skip


def _supersede(cand: Candidate, target: str, reason: str) -> Candidate:
    return cand.model_copy(
        update={"action": Action.SUPERSEDE, "target_id": target, "reason": reason}
    )


def make_dedup_node(
    resolve_store: StoreResolver, options: GraphOptions, embeddings: Embeddings | None
) -> Callable[..., dict[str, Any]]:
    def dedup(state: MemoryGraphState, runtime: Runtime) -> dict[str, Any]:
        """Plan add / merge / supersede for every candidate not already skipped."""
        store = resolve_store(runtime.store)
        request = state["request"]
        deduper = _Deduper(store, request.namespace, options, embeddings)
        # Attribute families (graph/conflicts.py): "boss" and "manager" are one key.
        candidates = [
            c if c.action == Action.SKIP else deduper.conflicts.canonical(c)
            for c in state.get("candidates", [])
        ]
        live = [c for c in candidates if c.action != Action.SKIP]
        if live and options.semantic_dedup:
            deduper.check_store()
        off = request.dry_run or not options.turn_vectors
        turns = {} if off else turns_to_log(store, request, live)
        turn_vectors = deduper.embed_candidates(live, not request.dry_run, turns)
        deduper.prefetch_similar(live)
        out = [c if c.action == Action.SKIP else deduper.decide(c) for c in candidates]
        # persist writes with the same vectors (graph/persist.py): one embedding each.
        return {
            "candidates": out,
            "passage_vectors": deduper.cache.passages if deduper.cache else {},
            "turn_vectors": turn_vectors,
        }

    return dedup
