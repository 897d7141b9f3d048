"""Embed each text once per capture: a scoped cache of vectors the embedder consults.

One graph run embeds the same candidate texts twice without it: the dedup lookup asks
the store for memories similar to each candidate (the store embeds the candidate), and
the write asks the store to index the new memory (the store embeds it again). The dedup
node instead embeds every candidate once, as a passage, in one batched call through the
store's own embedder, inside a :class:`VectorCache` scope; the similarity searches and
the write then find those vectors in the cache and the model is not called again
(tests/graph/test_embed_once.py counts the calls).

The lookup compares passage with passage: a candidate's search text is answered with
its passage vector, because a candidate is compared with what was stored as a passage
(the thresholds are measured that way, docs/benchmarks/dedup_threshold.md).

An embedder takes part by routing its calls through :func:`cached` and declaring
``reuses_vectors = True`` (``E5Embeddings`` and ``HashingEmbeddings`` do); any other
LangChain ``Embeddings`` can be wrapped in
:class:`~langmem_extract.embeddings.ReusingEmbeddings` (kept with the LangChain
embedders; ``vector_cache.ReusingEmbeddings`` still names it). An embedder that
does not take part is called as before, so nothing is embedded ahead of time for it.
A cache only answers for the embedder it was made for (vectors of another model are
never reused), only while its scope lasts, and holds the texts of one graph run. The
scope is a ``contextvars`` variable; a thread with no context of its own (a store's
worker thread) sees the owner's cache only while exactly one is in scope. A vector is
a function of the model and the text alone, so a cache never answers with anything
but that model's vector for that text, whoever asks; the one exception is the dedup
lookup's query-as-passage entry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from typing import Any, Literal

Kind = Literal["passage", "query"]

_ACTIVE: ContextVar[VectorCache | None] = ContextVar("langmem_vector_cache", default=None)


class VectorCache:
    """Vectors by ``(kind, text)`` for one embedder (``owner``), filled as it embeds."""

    def __init__(self, owner: Any, passages: dict[str, list[float]] | None = None) -> None:
        self.owner = owner
        self.passages: dict[str, list[float]] = dict(passages or {})
        self.queries: dict[str, list[float]] = {}

    def table(self, kind: Kind) -> dict[str, list[float]]:
        return self.passages if kind == "passage" else self.queries

    def search_as_passages(self, texts: Sequence[str]) -> None:
        """Answer ``texts`` sent as search queries with their passage vectors."""
        for text in texts:
            if text in self.passages:
                self.queries[text] = self.passages[text]


def reuses_vectors(embeddings: Any) -> bool:
    """``embeddings`` consults the active :class:`VectorCache`."""
    return getattr(embeddings, "reuses_vectors", False) is True


#: Caches in scope, by owner id, for threads the scope's context does not reach: a store
#: may embed search queries in worker threads it starts itself (LangGraph's
#: ``InMemoryStore`` does), which start with an empty context.
_LIVE: dict[int, list[VectorCache]] = {}
_LIVE_LOCK = threading.Lock()


@contextmanager
def vector_scope(cache: VectorCache | None) -> Iterator[VectorCache | None]:
    """Make ``cache`` the one its owner consults in this context (None: no cache)."""
    token = _ACTIVE.set(cache)
    if cache is not None:
        with _LIVE_LOCK:
            _LIVE.setdefault(id(cache.owner), []).append(cache)
    try:
        yield cache
    finally:
        _ACTIVE.reset(token)
        if cache is not None:
            with _LIVE_LOCK:
                live = _LIVE[id(cache.owner)]
                live.remove(cache)
                if not live:
                    del _LIVE[id(cache.owner)]


def _cache_for(owner: Any) -> VectorCache | None:
    cache = _ACTIVE.get()
    if cache is not None:
        return cache if cache.owner is owner else None
    with _LIVE_LOCK:
        live = _LIVE.get(id(owner), [])
        # Only a thread without a context of its own: one cache in scope, for this owner.
        return live[0] if len(live) == 1 and live[0].owner is owner else None


def cache_in_scope(owner: Any) -> bool:
    """Whether a cache for ``owner`` answers its calls here (a capture's scope)."""
    return _cache_for(owner) is not None


def cached(
    owner: Any,
    kind: Kind,
    texts: Sequence[str],
    compute: Callable[[list[str]], list[list[float]]],
) -> list[list[float]]:
    """The vectors of ``texts``: from the active cache when it belongs to ``owner``, the
    rest from one ``compute`` call over the distinct missing texts (then cached)."""
    cache = _cache_for(owner)
    if cache is None:
        return compute(list(texts))
    table = cache.table(kind)
    missing = list(dict.fromkeys(t for t in texts if t not in table))
    if missing:
        vectors = compute(missing)
        if len(vectors) != len(missing):
            return vectors  # the store reports the wrong count as it would without a cache
        table.update(zip(missing, vectors, strict=True))
    return [table[t] for t in texts]


def store_embeddings(store: Any) -> Any:
    """The embedder behind ``store``'s index, when it takes part in reuse (else None)."""
    embeddings = getattr(store, "embeddings", None)
    return embeddings if reuses_vectors(embeddings) else None


def reuse_vectors(store: Any, passages: dict[str, list[float]] | None) -> Any:
    """A scope in which ``store``'s embedder finds ``passages`` (text → passage vector)
    already embedded; a no-op when there are none or the embedder does not reuse."""
    owner = store_embeddings(store)
    if owner is None or not passages:
        return nullcontext()
    return vector_scope(VectorCache(owner, passages))


def __getattr__(name: str) -> Any:
    # ReusingEmbeddings lives with the LangChain embedders; its first home still names it.
    if name == "ReusingEmbeddings":
        from langmem_extract.embeddings import ReusingEmbeddings

        return ReusingEmbeddings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
