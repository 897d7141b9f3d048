"""Backfill turn vectors: embed the cited turns that have none of the store's embedder.

Capture embeds a turn when it is logged (:mod:`langmem_extract.turn_vectors`). A turn
logged before turn vectors existed, with the graph option ``turn_vectors=False``, with
another embedder, or whose vector was lost, has none, and recall ranks it lexically only.
:func:`backfill_turn_vectors` finds those turns under a namespace prefix and embeds them:

* **scope**: the turns cited by the memories under the prefix (any status but
  ``forgotten``), in their evidence sessions (:func:`~langmem_extract.evidence.memory_session`),
  exactly the turns recall reaches from that prefix: a user's backfill reads and writes
  only the turns that user's memories cite (the namespace rule of
  :mod:`langmem_extract.namespaces`). The empty prefix is every namespace (an
  administrator's run).
* **text**: the logged turn as capture embeds it (:func:`~langmem_extract.turn_vectors.turn_text`,
  speaker first) after :func:`~langmem_extract.redact.redact_secrets`: the log is
  redacted when written by default, and a log kept raw (``redact=False``) still sends no
  secret to the embedder. The vectors equal those capture would have stored.
* **writes**: through :func:`~langmem_extract.turn_vectors.save_turn_vectors` and a change
  notice (the path capture takes), one store batch per embedder batch of ``batch_size``
  turns. A batch that reached the store stays: a run killed midway loses at most the
  batch in flight, and a rerun skips every turn that already has a vector of the current
  embedder (idempotent), so it finishes the work. A vector of another model is replaced.
* **memory**: one session's cited turns and one batch of vectors at a time, plus the set
  of cited message ids per session.

``dry_run=True`` counts what a run would embed without calling the embedder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from langgraph.store.base import BaseStore

from langmem_extract.changes import Change, notify
from langmem_extract.errors import InvalidInputError
from langmem_extract.evidence import memory_session
from langmem_extract.memories import iter_memories
from langmem_extract.message_log import message_log_for
from langmem_extract.namespaces import NamespaceLike, format_namespace, parse_namespace
from langmem_extract.schema import MemoryStatus
from langmem_extract.turn_vectors import (
    embedder_key,
    existing,
    save_turn_vectors,
    store_embedder,
    turn_text,
)

__all__ = ["DEFAULT_BATCH_SIZE", "MAX_BATCH_SIZE", "BackfillReport", "backfill_turn_vectors"]

#: Turns per embedder call and per store write: the bundled E5 embedder's own batch.
DEFAULT_BATCH_SIZE = 64
MAX_BATCH_SIZE = 4096


@dataclass
class BackfillReport:
    """What a backfill run found and did."""

    namespace: str
    """The prefix, as ``a/b`` (empty: every namespace)."""
    embedder: str
    dry_run: bool = False
    sessions: int = 0
    """Evidence sessions the prefix's memories cite."""
    scanned: int = 0
    """Cited turns found in the message log."""
    embedded: int = 0
    """Turns given a vector by this run (with ``dry_run``: that would be)."""
    skipped: int = 0
    """Cited turns that already had a vector of the current embedder."""
    not_logged: int = 0
    """Cited message ids with no turn in the log (never logged, or cleared): nothing to embed."""
    batches: int = 0
    """Embedder calls (each one store write)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[BackfillReport], Any]


def backfill_turn_vectors(
    store: BaseStore,
    namespace_prefix: NamespaceLike | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> BackfillReport:
    """Embed the turns cited under ``namespace_prefix`` that have no vector of the store's
    embedder (see the module docstring); returns the counts.

    ``namespace_prefix`` takes ``"a/b"`` text or a tuple; ``None`` or ``""`` is every
    namespace. For one user pass ``namespaces.default_namespace(user_id)``. ``progress``
    is called with the report after each batch is written.

    Raises:
        InvalidInputError: a bad prefix or ``batch_size`` (not an integer in
            1-:data:`MAX_BATCH_SIZE`), or a store whose embedder cannot take part in turn
            ranking (it does not reuse query vectors; wrap it in
            ``embeddings.ReusingEmbeddings``). Nothing is written then.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise InvalidInputError(f"batch_size must be an integer, got {batch_size!r}")
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise InvalidInputError(f"batch_size must be within 1-{MAX_BATCH_SIZE}, got {batch_size}")
    if not isinstance(dry_run, bool):
        raise InvalidInputError(f"dry_run must be True or False, got {dry_run!r}")
    prefix = parse_namespace(namespace_prefix or None, allow_empty=True)
    embeddings = store_embedder(store)
    if embeddings is None:
        name = type(getattr(store, "embeddings", None)).__name__
        raise InvalidInputError(
            f"the store's embedder ({name}) does not reuse query vectors, so recall never "
            "ranks turns densely; wrap it in langmem_extract.embeddings.ReusingEmbeddings"
        )
    report = BackfillReport(
        namespace=format_namespace(prefix), embedder=str(embedder_key(embeddings)),
        dry_run=dry_run,
    )  # fmt: skip
    cited = _cited_by_session(store, prefix)
    report.sessions = len(cited)
    log = message_log_for(store)
    for session in sorted(cited):
        turns = _cited_turns(log, session, cited[session])
        report.scanned += len(turns)
        report.not_logged += len(cited[session]) - len(turns)
        have = existing(store, session, list(turns))
        report.skipped += len(have)
        todo = [(mid, text) for mid, text in turns.items() if mid not in have]
        if dry_run:
            report.embedded += len(todo)
            continue
        for batch in _batches(todo, batch_size):
            texts = list(dict.fromkeys(text for _, text in batch))
            by_text = dict(zip(texts, embeddings.embed_documents(texts), strict=True))
            vectors = {mid: by_text[text] for mid, text in batch}
            save_turn_vectors(store, session, vectors)
            notify(store, Change(session=session, vectors=vectors))
            report.embedded += len(vectors)
            report.batches += 1
            if progress is not None:
                progress(report)
    return report


def _cited_by_session(store: BaseStore, prefix: tuple[str, ...]) -> dict[str, set[str]]:
    """Evidence session → message ids cited by the memories under ``prefix`` (a forgotten
    memory cites nothing: its turns must not come back as vectors)."""
    cited: dict[str, set[str]] = {}
    for memory in iter_memories(store, prefix):
        if memory.status == MemoryStatus.FORGOTTEN or not memory.source_message_ids:
            continue
        cited.setdefault(memory_session(memory), set()).update(
            str(m) for m in memory.source_message_ids
        )
    return cited


def _cited_turns(log: Any, session: str, wanted: set[str]) -> dict[str, str]:
    """Message id → the text capture embeds, for the logged turns of ``session`` in
    ``wanted`` (conversation order); the session's other messages are dropped at once."""
    from langmem_extract.redact import redact_secrets

    out: dict[str, str] = {}
    for message in log.load(session):
        mid = str(message.id)
        if message.id is None or mid not in wanted or mid in out:
            continue
        content = str(message.text)
        if content:
            out[mid] = turn_text(message.name or None, redact_secrets(content)[0])
    return out


def _batches(items: Sequence[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
