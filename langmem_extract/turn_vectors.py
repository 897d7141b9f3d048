"""Turn vectors: the evidence turns embedded once, when they are logged, for dense recall.

Recall ranks the logged turns densely as well as lexically (:mod:`langmem_extract.hybrid`):
a question often shares meaning, not words, with the sentence that answers it, and the
memory extracted from that sentence may paraphrase it away. The turn vectors are never
computed at query time:

* the memory graph's dedup node adds the texts of the turns its candidates cite that
  have no vector yet to the one batched embedder call it already makes for the candidates
  (:func:`turns_to_embed`), and
* the persist node stores the vectors of the turns that reached the message log
  (:func:`save_turn_vectors`), after :func:`~langmem_extract.evidence.log_evidence`.

Only an embedder that reuses vectors (:mod:`langmem_extract.vector_cache`: ``E5Embeddings``,
``HashingEmbeddings``, any embedder wrapped in ``ReusingEmbeddings``) takes part: recall
embeds the query once and the store's search reuses that vector; with another embedder
turns are ranked lexically only, as before.

They live as store items under ``("turn_vectors", <session digest>)`` keyed by message
id, with no index of their own, in any LangGraph store (DuckDB, PostgreSQL, in-memory):
the value holds the float32 vector (base64) and the embedder it came from
(:func:`embedder_key`), so vectors of another model are never compared with a query.
The session id is hashed into the namespace label (a session id may hold ``.``, which
namespace labels may not).

Clearing a session (the log's ``clear``, ``forget``, ``purge``) drops its vectors with
its turns (:func:`drop_turn_vectors`): a forgotten fact never comes back as a raw turn,
nor as the vector of one. :class:`~langmem_extract.recall_index.NamespaceIndex` loads the
vectors of its sessions with the turns and :func:`turn_cosines` scores them against a
query.

The switch: the graph option ``turn_vectors=False`` (``GraphOptions``) makes capture embed
and store none, and the recall option ``turn_vectors=False`` (``RecallPlan``,
``MemoryRetriever``) ignores those stored. A turn logged without a vector of the current
embedder (before they existed, with the switch off, with another model) is embedded later
by :func:`~langmem_extract.turn_backfill.backfill_turn_vectors`; the first recall over a
namespace logs once how many of its cited turns lack one (:func:`embed_query`).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import weakref
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

import numpy as np

from langmem_extract.errors import InvalidInputError
from langmem_extract.item_reads import get_items
from langmem_extract.query_vectors import recent_query_vector
from langmem_extract.vector_cache import VectorCache, reuses_vectors, vector_scope

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

__all__ = [
    "TURN_VECTOR_ROOT",
    "check_switch",
    "drop_turn_vectors",
    "embed_query",
    "embedder_key",
    "embedder_name",
    "load_turn_vectors",
    "save_turn_vectors",
    "turn_cosines",
    "turn_text",
    "turns_to_embed",
    "vector_namespace",
]

#: Namespace root of the turn-vector items.
TURN_VECTOR_ROOT = "turn_vectors"
_PAGE = 1000

logger = logging.getLogger(__name__)


def check_switch(name: str, value: Any) -> bool:
    """An on/off option (``turn_vectors``): ``True`` or ``False``, else a typed error."""
    if not isinstance(value, bool):
        raise InvalidInputError(f"{name} must be True or False, got {value!r}")
    return value


def vector_namespace(session: str) -> tuple[str, str]:
    """The namespace holding ``session``'s turn vectors."""
    return (TURN_VECTOR_ROOT, hashlib.sha256(session.encode("utf-8")).hexdigest()[:32])


def turn_text(speaker: str | None, content: str) -> str:
    """The text a turn is embedded (and lexically indexed) as: the speaker leads."""
    return f"{speaker}: {content}" if speaker else content


def embedder_name(embeddings: Any) -> str:
    """The name a model is known by: its class's ``embedder_name`` when it declares one
    (``E5Encoder`` and its LangChain face ``E5Embeddings`` share theirs: they make the
    same vectors), else its class name."""
    name = getattr(type(embeddings), "embedder_name", None)
    return name if isinstance(name, str) else type(embeddings).__name__


def embedder_key(embeddings: Any) -> str | None:
    """Which model made a vector: the embedder's class, with its model or variant name,
    seen through wrappers (``ReusingEmbeddings``, the eval's recording wrapper)."""
    if embeddings is None:
        return None
    for _ in range(4):
        inner = getattr(embeddings, "inner", None) or getattr(embeddings, "base", None)
        if inner is None or isinstance(inner, str):
            break
        embeddings = inner
    name = embedder_name(embeddings)
    for attr in ("variant", "model", "model_name"):
        value = getattr(embeddings, attr, None)
        if isinstance(value, str):
            return f"{name}:{value}"
    return name


def store_embedder(store: BaseStore) -> Any:
    """The embedder behind ``store``'s index when it reuses a query's vector (consults
    :mod:`langmem_extract.vector_cache`), else None: with any other embedder, ranking
    turns would embed every query twice, so turns are neither embedded nor ranked.
    ``ReusingEmbeddings`` makes any LangChain embedder take part."""
    embeddings = getattr(store, "embeddings", None)
    if reuses_vectors(embeddings) or getattr(embeddings, "reuses_query_vectors", False) is True:
        return embeddings
    return None


def _encode(vector: Sequence[float]) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


def _decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def existing(store: BaseStore, session: str, message_ids: Sequence[str]) -> set[str]:
    """The ``message_ids`` that already have a vector of the store's current embedder in
    ``session`` (a vector of another model is as good as none: it is never ranked)."""
    key = embedder_key(store_embedder(store))
    namespace = vector_namespace(session)
    ids = list(message_ids)
    have: set[str] = set()
    for start in range(0, len(ids), _PAGE):
        chunk = ids[start : start + _PAGE]
        items = get_items(store, [(namespace, mid) for mid in chunk])
        have.update(
            mid
            for mid, item in zip(chunk, items, strict=True)
            if item is not None and item.value.get("model") == key
        )
    return have


def turns_to_embed(store: BaseStore, session: str, turns: Mapping[str, str]) -> dict[str, str]:
    """Of ``turns`` (message id → text), those without a vector yet (one store read)."""
    if store_embedder(store) is None or not turns:
        return {}
    have = existing(store, session, list(turns))
    return {mid: text for mid, text in turns.items() if mid not in have}


def save_turn_vectors(
    store: BaseStore, session: str, vectors: Mapping[str, Sequence[float]]
) -> int:
    """Store ``vectors`` (message id → vector) for ``session``; returns how many."""
    key = embedder_key(store_embedder(store))
    if not vectors or key is None:
        return 0
    namespace = vector_namespace(session)
    value = {mid: {"v": _encode(vec), "model": key} for mid, vec in vectors.items()}
    from langgraph.store.base import PutOp  # a write: the store is LangGraph's

    store.batch([PutOp(namespace, mid, v, index=False) for mid, v in value.items()])
    return len(vectors)


def load_turn_vectors(store: BaseStore, session: str) -> dict[str, np.ndarray]:
    """``session``'s turn vectors (message id → unit float32 vector) made by the store's
    current embedder; vectors of another model are left out."""
    key = embedder_key(store_embedder(store))
    if key is None:
        return {}
    namespace = vector_namespace(session)
    out: dict[str, np.ndarray] = {}
    offset = 0
    while True:
        page = store.search(namespace, limit=_PAGE, offset=offset)
        for item in page:
            value = item.value
            if tuple(item.namespace) != namespace or value.get("model") != key:
                continue
            vector = _decode(value["v"])
            norm = float(np.linalg.norm(vector))
            if norm > 0:
                out[item.key] = vector / norm
        if len(page) < _PAGE:
            return out
        offset += _PAGE


def drop_turn_vectors(
    store: BaseStore, session: str, message_ids: Iterable[str] | None = None
) -> None:
    """Delete ``session``'s vectors: those of ``message_ids``, or all of them."""
    namespace = vector_namespace(session)
    if message_ids is not None:
        keys = [str(m) for m in message_ids]
    else:
        keys = []
        offset = 0
        while True:
            page = store.search(namespace, limit=_PAGE, offset=offset)
            keys.extend(item.key for item in page if tuple(item.namespace) == namespace)
            if len(page) < _PAGE:
                break
            offset += _PAGE
    if keys:
        from langgraph.store.base import PutOp  # a write: the store is LangGraph's

        store.batch([PutOp(namespace, key, None) for key in keys])


def turn_cosines(
    keys: Sequence[str], matrix: np.ndarray | None, query_vector: Sequence[float]
) -> dict[str, float]:
    """The cosine of the query with every turn (``keys``, rows of unit ``matrix``): the
    fused score (:mod:`langmem_extract.fusion`) reads the best cited turn of each
    candidate, wherever that turn ranks."""
    if matrix is None or not len(keys):
        return {}
    query = np.asarray(query_vector, dtype="float32")
    norm = float(np.linalg.norm(query))
    if norm == 0.0 or query.shape[0] != matrix.shape[1]:
        return {}
    return dict(zip(keys, (matrix @ (query / norm)).tolist(), strict=True))


def embed_query(store: BaseStore, query: str, index: Any = None) -> tuple[list[float] | None, Any]:
    """The query's vector from the store's embedder, and a scope in which the store's
    own search finds it already embedded: one model call per query, none for a question
    asked again recently (:mod:`langmem_extract.query_vectors`). With the recall ``index``
    (a :class:`~langmem_extract.recall_index.NamespaceIndex`), logs once how many of its
    cited turns lack a vector."""
    embeddings = store_embedder(store)
    if embeddings is None:
        return None, nullcontext()
    if index is not None:
        _note_missing(index, embeddings)
    try:
        vector = recent_query_vector(embeddings, query)
    except Exception:  # the store's own search reports a failing embedder
        return None, nullcontext()
    cache = VectorCache(embeddings)
    cache.queries[query] = vector
    return vector, vector_scope(cache)


_noted: weakref.WeakSet[Any] = weakref.WeakSet()


def _note_missing(index: Any, embeddings: Any) -> None:
    """Log once per index (the first query over a namespace in the process) how many of
    its cited turns have no vector of the current embedder: they are ranked lexically
    only until :func:`~langmem_extract.turn_backfill.backfill_turn_vectors` embeds them.
    One pass over the cited turn keys (set lookups)."""
    if index in _noted:
        return
    _noted.add(index)
    with index.lock:
        cited = [key for key in index.cited_by if key in index.turns]
        missing = sum(1 for key in cited if key not in index.vectors)
    if missing:
        logger.warning(
            "%d of %d cited turns under %s have no turn vector of %s and are ranked "
            "lexically only; `langmem-extract backfill-turn-vectors` embeds them "
            "(recall with turn_vectors=False skips this check)",
            missing, len(cited), "/".join(index.prefix) or "every namespace",
            embedder_key(embeddings),
        )  # fmt: skip
