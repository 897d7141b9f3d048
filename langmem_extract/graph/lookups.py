"""Store lookups shared by dedup (planning) and persist (the re-check under the write lock).

Both ask the store the same two questions about a candidate, with the same query and the
same limit, so the re-check can only disagree with the plan when the store changed:

* :func:`find_duplicate`: the stored memory with the same fingerprint (an active one, or a
  superseded one that already records the candidate's evidence);
* :func:`find_conflict`: the active memory with the same subject and attribute.

Both match the exact namespace being written, never a child of it: with the default
scopes (``namespaces.default_namespace``) no scope is a prefix of another anyway, and
with explicit nested namespaces (``("team",)`` and ``("team", "alice")``) a write to the
parent still never merges into or supersedes a child's memory.
"""

from __future__ import annotations

from typing import Any

from langgraph.store.base import BaseStore, SearchItem

from langmem_extract.schema import Candidate, MemoryStatus, fingerprint, normalize_text

#: Items read per lookup. A search on a namespace also returns the memories of its child
#: namespaces (dropped afterwards), and DuckDB and PostgreSQL list the newest first, so the
#: match in the namespace itself can sit behind them: with 5, a memory stored before five
#: same-text memories of child namespaces was missed (tests/graph/test_lookups.py).
LOOKUP_LIMIT = 20


def same_namespace(item: Any, namespace: tuple[str, ...]) -> bool:
    """The item lives in ``namespace`` itself, not in a child namespace."""
    return tuple(item.namespace) == namespace


def find_duplicate(
    store: BaseStore, namespace: tuple[str, ...], cand: Candidate
) -> SearchItem | None:
    """The memory ``cand`` exactly duplicates: the active one with its fingerprint, else a
    superseded one whose evidence already covers the candidate's (a re-run of old evidence)."""
    items = store.search(
        namespace, filter={"fingerprint": fingerprint(cand.content)}, limit=LOOKUP_LIMIT
    )
    items = [i for i in items if same_namespace(i, namespace)]
    for item in items:
        if item.value.get("status") == MemoryStatus.ACTIVE.value:
            return item
    evidence = set(cand.source_message_ids)
    for item in items:
        if evidence and evidence <= set(item.value.get("source_message_ids", [])):
            return item
    return None


def find_conflict(
    store: BaseStore, namespace: tuple[str, ...], cand: Candidate
) -> SearchItem | None:
    """The active memory with the candidate's subject and attribute (None without one)."""
    if not cand.attribute:
        return None
    items = store.search(
        namespace,
        filter={"attribute": cand.attribute, "status": MemoryStatus.ACTIVE.value},
        limit=LOOKUP_LIMIT,
    )
    subject = normalize_text(cand.subject)
    for item in items:
        if (
            same_namespace(item, namespace)
            and normalize_text(item.value.get("subject", "")) == subject
        ):
            return item
    return None
