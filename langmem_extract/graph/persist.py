"""persist node: apply the planned actions in one batched store write.

Under the namespace write lock it re-checks each plan against the store (another
writer may have stored the same memory meanwhile), then writes every new and changed
memory with a single ``store.batch`` of ``PutOp``s. ``dry_run`` writes nothing and
returns each candidate's planned action with status ``"planned"``.

:func:`write_memories` is the one way memories reach a store: the persist node, the
import and forget operations and the ``forget`` tool all write through it.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore, PutOp

from langmem_extract.changes import Change, notify
from langmem_extract.errors import InvalidInputError, LangmemError, StoreError
from langmem_extract.evidence import log_evidence
from langmem_extract.graph.lookups import find_conflict, find_duplicate
from langmem_extract.graph.state import ExtractionRequest, MemoryGraphState, StoreResolver
from langmem_extract.redact import SECRET_SKIP_REASON, has_secret
from langmem_extract.schema import (
    Action,
    Candidate,
    ExtractionResult,
    HistoryEntry,
    ItemResult,
    Memory,
    MemoryStatus,
    normalize_text,
    utcnow,
)
from langmem_extract.store.locking import namespace_lock
from langmem_extract.store_guard import guarded
from langmem_extract.vector_cache import reuse_vectors

#: Share of the remaining doubt a reinforcing duplicate removes, scaled by its confidence.
REINFORCE_RATE = 0.5
MAX_CONFIDENCE = 0.99

_MEMORY_FIELDS = set(Memory.model_fields) & set(Candidate.model_fields) - {"id"}
#: Store operations per ``store.batch`` call in :func:`write_memories`.
WRITE_BATCH = 256


def reinforced_confidence(old: float, new: float) -> float:
    """c' = c + (1 - c) * REINFORCE_RATE * c_new, capped at MAX_CONFIDENCE."""
    return round(min(MAX_CONFIDENCE, old + (1.0 - old) * REINFORCE_RATE * new), 3)


def store_default_ttl(store: BaseStore) -> float | None:
    """The ``default_ttl`` (minutes) of ``store``'s ``TTLConfig``, or None.

    ``BaseStore.put`` applies it when no ``ttl`` is given, but a ``PutOp`` handed to
    ``store.batch`` carries its own ``ttl`` (None: never expires), so the one write path
    applies it here. Stores without TTL support (``supports_ttl`` false) get None.
    """
    if not getattr(store, "supports_ttl", False):
        return None
    config = getattr(store, "ttl_config", None) or {}
    return config.get("default_ttl")


def write_memories(
    store: BaseStore,
    memories: Iterable[Memory] = (),
    *,
    namespace: Sequence[str] | None = None,
    delete: Iterable[tuple[Sequence[str], str]] = (),
    refuse_secrets: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Put ``memories`` and delete the ``(namespace, id)`` keys in ``delete``; returns the
    number of store operations. ``on_batch(n)`` is called after each batch of ``n``.

    Each memory goes to ``namespace`` when given, else to its own ``memory.namespace``.
    Every put carries the store's ``default_ttl`` (see :func:`store_default_ttl`), as
    ``store.put`` would give it; a bare ``PutOp`` would not.
    With ``refuse_secrets`` every memory is checked first and one that contains a secret
    raises :class:`InvalidInputError` before anything is written. Namespaces are written
    one after another, each under its write lock (:func:`namespace_lock`, re-entrant),
    in batches of :data:`WRITE_BATCH` operations.

    Raises:
        InvalidInputError: a memory contains a secret (with ``refuse_secrets``).
        StoreError: the store failed a batch.
    """
    by_ns: defaultdict[tuple[str, ...], list[PutOp]] = defaultdict(list)
    store = guarded(store)  # a store without its own lock: one operation at a time
    ttl = store_default_ttl(store)
    written: list[Memory] = []
    delete = list(delete)
    for memory in memories:
        if refuse_secrets and has_secret(memory.content, memory.title, memory.value):
            raise InvalidInputError(
                f"memory {memory.id} contains a secret; redact it before storing"
            )
        ns = tuple(namespace if namespace is not None else memory.namespace)
        written.append(memory if list(ns) == memory.namespace else
                       memory.model_copy(update={"namespace": list(ns)}))  # fmt: skip
        # A forget tombstone has no content to embed or to find by similarity.
        index = False if memory.status == MemoryStatus.FORGOTTEN else None
        by_ns[ns].append(PutOp(ns, memory.id, memory.to_value(), index=index, ttl=ttl))
    for ns, key in delete:
        by_ns[tuple(ns)].append(PutOp(tuple(ns), key, None))
    for ns in sorted(by_ns):
        ops = by_ns[ns]
        with namespace_lock(store, ns):
            for start in range(0, len(ops), WRITE_BATCH):
                chunk = ops[start : start + WRITE_BATCH]
                try:
                    store.batch(chunk)
                except LangmemError:  # already typed (StoreLockedError, …)
                    raise
                except Exception as exc:
                    raise StoreError(f"writing {len(chunk)} memories failed: {exc}") from exc
                if on_batch is not None:
                    on_batch(len(chunk))
    notify(store, Change(memories=written, deleted=[(tuple(ns), key) for ns, key in delete]))
    return sum(len(ops) for ops in by_ns.values())


def _with_secret_skipped(cand: Candidate) -> Candidate:
    """Nothing secret-looking is written, whatever the candidate's path to persist was."""
    if cand.action == Action.SKIP or not has_secret(cand.content, cand.title, cand.value):
        return cand
    return cand.model_copy(
        update={"action": Action.SKIP, "redacted": True, "reason": SECRET_SKIP_REASON}
    )


class WritePlan:
    """Applies candidates in order to an in-memory view of the touched memories."""

    def __init__(self, store: BaseStore, request: ExtractionRequest, now: datetime) -> None:
        self.store = store
        self.request = request
        self.ns = request.namespace
        self.now = now
        self.pending: dict[str, Memory] = {}  # memories to write, by id
        self.batch_ids: dict[str, str] = {}  # candidate id → memory id it became / merged into
        self.items: list[ItemResult] = []
        self.final: list[Candidate] = []

    # -- store access

    def _load(self, memory_id: str) -> Memory | None:
        if memory_id in self.pending:
            return self.pending[memory_id]
        if memory_id in self.batch_ids:
            return self.pending.get(self.batch_ids[memory_id])
        item = self.store.get(self.ns, memory_id)
        return Memory.from_item(item) if item is not None else None

    # -- re-check against the store, under the lock

    def _recheck(self, cand: Candidate) -> Candidate:
        """Ask dedup's exact and conflict lookups again: another writer may have stored
        the same memory, or superseded the target, since the plan was made."""
        if cand.action == Action.ADD:
            existing = find_duplicate(self.store, self.ns, cand)
            if existing is not None and existing.key not in self.pending:
                return cand.model_copy(
                    update={"action": Action.MERGE, "target_id": existing.key,
                            "reason": "stored meanwhile by another writer"}
                )  # fmt: skip
        if cand.action == Action.MERGE and self._load(cand.target_id or "") is None:
            return cand.model_copy(update={"action": Action.ADD, "target_id": None})
        if cand.action == Action.SUPERSEDE:
            target = self._load(cand.target_id or "")
            if target is None or target.status != MemoryStatus.ACTIVE:
                found = find_conflict(self.store, self.ns, cand)
                if found is None:
                    return cand.model_copy(update={"action": Action.ADD, "target_id": None})
                current = self.pending.get(found.key) or Memory.from_item(found)
                if normalize_text(current.value or "") == normalize_text(cand.value or ""):
                    return cand.model_copy(update={"action": Action.MERGE, "target_id": current.id})
                return cand.model_copy(update={"target_id": current.id})
        return cand

    # -- actions

    def _entry(self, **fields: Any) -> HistoryEntry:
        """A history entry stamped with who made the change and by which path."""
        req = self.request
        return HistoryEntry(
            at=self.now, user_id=req.user_id, agent_id=req.agent_id, via=req.via, **fields
        )

    def _new_memory(self, cand: Candidate) -> Memory:
        req = self.request
        fields = cand.model_dump(include=_MEMORY_FIELDS)
        return Memory(
            id=cand.id,
            **fields,
            namespace=list(self.ns),
            valid_from=self.now,
            created_at=self.now,
            updated_at=self.now,
            agent_id=req.agent_id,
            user_id=req.user_id,
            session_id=req.session_id,
            thread_id=req.thread_id,
            metadata={**req.metadata, "signals": cand.signals},
            history=[
                self._entry(
                    action="created",
                    content=cand.content,
                    confidence=cand.confidence,
                    source_message_ids=cand.source_message_ids,
                )
            ],
        )

    def _add(self, cand: Candidate) -> ItemResult:
        memory = self._new_memory(cand)
        self.pending[memory.id] = memory
        self.batch_ids[cand.id] = memory.id
        return ItemResult(
            candidate_id=cand.id, memory_id=memory.id, action=Action.ADD, status="stored"
        )

    def _merge(self, cand: Candidate) -> ItemResult:
        target = self._load(cand.target_id or "")
        assert target is not None  # _recheck turned a missing target into an add
        new_ids = [i for i in cand.source_message_ids if i not in target.source_message_ids]
        if new_ids:
            target.source_message_ids = [*target.source_message_ids, *new_ids]
            target.confidence = reinforced_confidence(target.confidence, cand.confidence)
            target.reinforcement_count += 1
            target.updated_at = self.now
            target.history.append(
                self._entry(
                    action="reinforced",
                    content=cand.content,
                    confidence=target.confidence,
                    related_id=cand.id,
                    source_message_ids=new_ids,
                    note=cand.reason,
                )
            )
            self.pending[target.id] = target
        self.batch_ids[cand.id] = target.id
        return ItemResult(
            candidate_id=cand.id, memory_id=target.id, action=Action.MERGE,
            status="merged", target_id=target.id,
        )  # fmt: skip

    def _supersede(self, cand: Candidate) -> ItemResult:
        old = self._load(cand.target_id or "")
        assert old is not None
        new = self._new_memory(cand)
        new.supersedes = old.id
        new.history.append(
            self._entry(action="supersedes", content=old.content, related_id=old.id,
                        note=cand.reason)
        )  # fmt: skip
        old.status = MemoryStatus.SUPERSEDED
        old.valid_to = self.now
        old.superseded_by = new.id
        old.updated_at = self.now
        old.history.append(
            self._entry(action="superseded", content=new.content, related_id=new.id,
                        source_message_ids=cand.source_message_ids, note=cand.reason)
        )  # fmt: skip
        self.pending[old.id] = old
        self.pending[new.id] = new
        self.batch_ids[cand.id] = new.id
        return ItemResult(
            candidate_id=cand.id, memory_id=new.id, action=Action.SUPERSEDE,
            status="superseded", target_id=old.id,
        )  # fmt: skip

    def apply(self, cand: Candidate) -> None:
        cand = _with_secret_skipped(cand)
        if cand.action in (None, Action.SKIP):
            cand = cand.model_copy(update={"action": Action.SKIP})
            self.final.append(cand)
            self.items.append(
                ItemResult(candidate_id=cand.id, action=Action.SKIP, status="skipped")
            )
            return
        cand = self._recheck(cand)
        try:
            handler = {Action.ADD: self._add, Action.MERGE: self._merge,
                       Action.SUPERSEDE: self._supersede}[cand.action]  # fmt: skip
            item = handler(cand)
        except Exception as exc:  # a bad candidate must not sink the others
            item = ItemResult(candidate_id=cand.id, action=cand.action, status="failed",
                              target_id=cand.target_id, error=f"{type(exc).__name__}: {exc}")  # fmt: skip
        self.final.append(cand)
        self.items.append(item)


def _planned_items(candidates: list[Candidate]) -> tuple[list[Candidate], list[ItemResult]]:
    final, items = [], []
    for cand in candidates:
        cand = _with_secret_skipped(cand)
        action = cand.action or Action.SKIP
        memory_id = cand.id if action in (Action.ADD, Action.SUPERSEDE) else cand.target_id
        final.append(cand)
        items.append(ItemResult(candidate_id=cand.id, memory_id=memory_id, action=action,
                                status="planned", target_id=cand.target_id))  # fmt: skip
    return final, items


def _result(
    state: MemoryGraphState, candidates: list[Candidate], items: list[ItemResult]
) -> ExtractionResult:
    request = state["request"]
    actions = Counter(c.action for c in candidates)
    failed = sum(1 for i in items if i.status == "failed")
    started = state.get("started_at")
    live = [
        c for c, i in zip(candidates, items, strict=True) if i.status not in ("skipped", "failed")
    ]
    return ExtractionResult(
        candidates=candidates,
        items=items,
        extracted=len(candidates),
        stored=sum(
            1 for i in items if i.action in (Action.ADD, Action.SUPERSEDE) and i.status != "failed"
        ),
        deduplicated=sum(1 for i in items if i.action == Action.MERGE and i.status != "failed"),
        superseded=sum(1 for i in items if i.action == Action.SUPERSEDE and i.status != "failed"),
        failed=failed,
        skipped=actions.get(Action.SKIP, 0),
        redacted=state.get("secrets_redacted", 0),
        tokens_used=state.get("tokens_used", 0),
        processing_ms=round((time.perf_counter() - started) * 1000, 3) if started else 0.0,
        categories=dict(Counter(c.category for c in live)),
        dry_run=request.dry_run,
        namespace=list(request.namespace),
        model=state.get("model"),
    )


def _cited(candidates: list[Candidate], items: list[ItemResult]) -> list[str]:
    """Message ids cited by the candidates that were written (stored, merged, superseding)."""
    return [
        sid
        for cand, item in zip(candidates, items, strict=True)
        if item.status in ("stored", "merged", "superseded")
        for sid in cand.source_message_ids
    ]


def make_persist_node(resolve_store: StoreResolver) -> Callable[..., dict[str, Any]]:
    def persist(state: MemoryGraphState, runtime: Runtime) -> dict[str, Any]:
        """Write the plan in one batch (or, in dry-run, only report it)."""
        request = state["request"]
        candidates = state.get("candidates", [])
        if request.dry_run:
            final, items = _planned_items(candidates)
            return {
                "candidates": final,
                "result": _result(state, final, items),
                "passage_vectors": {},
                "turn_vectors": {},
            }
        store = resolve_store(runtime.store)
        with namespace_lock(store, request.namespace):
            plan = WritePlan(store, request, utcnow())
            for cand in candidates:
                plan.apply(cand)
            # Candidates were checked for secrets one by one in apply(); a stored memory
            # being reinforced is written back as it is.
            # The texts dedup embedded are not embedded again (langmem_extract.vector_cache).
            with reuse_vectors(store, state.get("passage_vectors")):
                write_memories(
                    store, plan.pending.values(), namespace=request.namespace,
                    refuse_secrets=False,
                )  # fmt: skip
        # Outside the namespace lock: the log has its own; recall reaches cited turns here.
        log_evidence(store, request.namespace, request.session_id, request.messages,
                     _cited(plan.final, plan.items), state.get("turn_vectors"))  # fmt: skip
        result = _result(state, plan.final, plan.items)
        return {
            "candidates": plan.final, "result": result, "passage_vectors": {}, "turn_vectors": {},
        }  # fmt: skip

    return persist
