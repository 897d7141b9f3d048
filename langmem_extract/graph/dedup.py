"""dedup node: decide add / merge / supersede for each candidate, within the batch and
against the store.

* exact duplicate: same :func:`~langmem_extract.schema.fingerprint` → merge;
* conflict: same subject + attribute, different value, active → supersede; attributes
  are first mapped to their family key, and a preference replaces the opposite one about
  a member of its category or a switched-from object (the conflict model,
  :mod:`langmem_extract.graph.conflicts`);
* semantic near-duplicate: cosine ≥ ``similarity_threshold`` → merge (unless the two
  carry different values for the same attribute, which is a conflict, not a duplicate).

A candidate whose evidence (source message ids) is already recorded on a superseded
memory with the same text is a re-run of old evidence: it merges into that memory
rather than resurrecting it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.embeddings import Embeddings
from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore, SearchItem, SearchOp

from langmem_extract.graph.conflicts import ConflictModel, same_value
from langmem_extract.graph.lookups import find_conflict, find_duplicate, same_namespace
from langmem_extract.graph.state import GraphOptions, MemoryGraphState, StoreResolver
from langmem_extract.schema import Action, Candidate, MemoryStatus, fingerprint, normalize_text


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)


def _values_differ(cand: Candidate, value: dict[str, Any]) -> bool:
    """Same attribute, different values: a conflict, never a duplicate."""
    if not cand.attribute or value.get("attribute") != cand.attribute:
        return False
    return normalize_text(cand.value or "") != normalize_text(value.get("value") or "")


_NEGATION = re.compile(r"\b(?:not|no|never|without|no longer)\b|n't\b", re.I)


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


_DETAIL = re.compile(
    r"\b(?:\d+(?:[.,:]\d+)?|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|"
    r"july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)


def _details_differ(a: str, b: str) -> bool:
    """Different numbers or dates ("went hiking on 7 May" vs "on 2 June"): two memories."""
    da = {t.lower() for t in _DETAIL.findall(a)}
    db = {t.lower() for t in _DETAIL.findall(b)}
    return bool(da and db and da != db)


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

    # -- similarity in the store (exact and conflict lookups: graph/lookups.py)

    def prefetch_similar(self, candidates: Sequence[Candidate]) -> None:
        """Run every candidate's similarity search in one ``store.batch``, so a store that
        embeds a batch of queries together pays for one embedding call, not one each."""
        if not self.options.semantic_dedup or not candidates:
            return
        active = self.store.search(self.ns, filter={"status": MemoryStatus.ACTIVE.value}, limit=1)
        if not active:
            self.semantic_off = True  # nothing stored to be similar to: skip the embeddings
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
        results = self.store.batch(ops)
        self.similar = {c.id: list(r) for c, r in zip(candidates, results, strict=True)}

    def _similar_in_store(self, cand: Candidate) -> tuple[SearchItem, float] | None:
        if not self.options.semantic_dedup or self.semantic_off:
            return None
        items = self.similar.get(cand.id)
        if items is None:
            items = self.store.search(
                self.ns,
                query=cand.content,
                filter={"status": MemoryStatus.ACTIVE.value},
                limit=self.options.search_limit,
            )
        best: tuple[SearchItem, float] | None = None
        for item in items:
            if not same_namespace(item, self.ns) or item.score is None:
                continue
            if normalize_text(item.value.get("subject", "")) != normalize_text(cand.subject):
                continue
            if _values_differ(cand, item.value):
                continue
            other = item.value.get("content", "")
            if _negated(cand.content) != _negated(other) or _details_differ(cand.content, other):
                continue
            if item.score >= self.options.similarity_threshold and (
                best is None or item.score > best[1]
            ):
                best = (item, float(item.score))
        return best

    # -- in-batch

    def _similar_in_batch(self, cand: Candidate) -> tuple[Candidate, float] | None:
        if not self.options.semantic_dedup or self.embeddings is None:
            return None
        # Scored like store search: the candidate as a query, earlier ones as passages.
        vector = self.embeddings.embed_query(cand.content)
        best: tuple[Candidate, float] | None = None
        for other, other_vec in self.batch_vectors:
            if normalize_text(other.subject) != normalize_text(cand.subject):
                continue
            if (
                other.attribute == cand.attribute
                and cand.attribute
                and (normalize_text(other.value or "") != normalize_text(cand.value or ""))
            ):
                continue
            if _negated(other.content) != _negated(cand.content) or _details_differ(
                other.content, cand.content
            ):
                continue
            score = _cosine(vector, other_vec)
            if score >= self.options.similarity_threshold and (best is None or score > best[1]):
                best = (other, score)
        if best is None:
            self.batch_vectors.append((cand, self.embeddings.embed_documents([cand.content])[0]))
        return best

    # -- decision

    def decide(self, cand: Candidate) -> Candidate:
        fp = fingerprint(cand.content)
        if fp in self.batch_fps:
            return _merge(cand, self.batch_fps[fp], 1.0, "duplicate within the batch")
        key = _conflict_key(cand)
        if key and key in self.batch_keys:
            earlier = self.batch_keys[key]
            if normalize_text(earlier.value or "") == normalize_text(cand.value or ""):
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
        # In-batch semantic dedup costs two embeddings per candidate: only when asked for.
        deduper = _Deduper(store, request.namespace, options, embeddings)
        # Attribute families (graph/conflicts.py): "boss" and "manager" are one key.
        candidates = [
            c if c.action == Action.SKIP else deduper.conflicts.canonical(c)
            for c in state.get("candidates", [])
        ]
        deduper.prefetch_similar([c for c in candidates if c.action != Action.SKIP])
        out = [c if c.action == Action.SKIP else deduper.decide(c) for c in candidates]
        return {"candidates": out}

    return dedup
