"""Recent query vectors, per embedder: a question recalled again is not embedded again.

An agent recalls before every model call (``MemoryMiddleware.wrap_model_call``), and
every call of one turn asks with the same user text: a tool-calling turn of three model
calls embedded that text three times. Embedding the question is most of a recall (on
LoCoMo conv-41, 28.5 ms of a 38 ms recall on a quiet machine, one engine thread;
docs/benchmarks/recall_latency.md), so recall keeps the last :data:`RECENT_QUERIES`
question vectors of each embedder and reuses them.

A vector is a function of the model and the text alone, so nothing a store holds can make
one stale: writes, forgets and new turn vectors change what a recall ranks, never the
question's vector, and a vector says nothing about any namespace (recall scopes its
results as before). The cache is keyed by the embedder object, so two models never
share a vector. It is bypassed while a capture's vector scope is visible to the caller
(:mod:`langmem_extract.vector_cache`), since such a scope may answer a text with its
passage vector on purpose.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Any

from langmem_extract.vector_cache import cache_in_scope

__all__ = ["RECENT_QUERIES", "forget_query_vectors", "recent_query_vector"]

#: Question vectors kept per embedder (a 384-d vector as a list of floats is about 12 KB).
RECENT_QUERIES = 128

_lock = threading.Lock()
# id(embedder) -> (weak reference to it, text -> vector, least recently used first).
_recent: dict[int, tuple[weakref.ref[Any], OrderedDict[str, list[float]]]] = {}


def _table(embeddings: Any) -> OrderedDict[str, list[float]] | None:
    """The embedder's table (callers hold the lock); None when it cannot be referenced
    weakly (then nothing is kept for it)."""
    entry = _recent.get(id(embeddings))
    if entry is not None and entry[0]() is embeddings:
        return entry[1]
    key = id(embeddings)
    try:
        ref = weakref.ref(embeddings, lambda gone: _drop(key, gone))
    except TypeError:
        return None
    table: OrderedDict[str, list[float]] = OrderedDict()
    _recent[key] = (ref, table)
    return table


def _drop(key: int, ref: weakref.ref[Any]) -> None:
    with _lock:
        entry = _recent.get(key)
        if entry is not None and entry[0] is ref:
            del _recent[key]


def recent_query_vector(embeddings: Any, text: str) -> list[float]:
    """``embeddings.embed_query(text)``, answered from the recent questions when asked
    before. The caller gets its own list."""
    if cache_in_scope(embeddings):
        return list(embeddings.embed_query(text))
    with _lock:
        table = _table(embeddings)
        if table is not None and text in table:
            table.move_to_end(text)
            return list(table[text])
    vector = [float(x) for x in embeddings.embed_query(text)]
    if table is not None:
        with _lock:
            table[text] = vector
            table.move_to_end(text)
            while len(table) > RECENT_QUERIES:
                table.popitem(last=False)
    return list(vector)


def forget_query_vectors(embeddings: Any | None = None) -> None:
    """Drop the recent question vectors of ``embeddings`` (of every embedder: ``None``);
    benchmarks use it to time a question's first recall again."""
    with _lock:
        if embeddings is None:
            _recent.clear()
        else:
            _recent.pop(id(embeddings), None)
