"""The LangChain embedders: the default E5 model's face, a hashing stand-in, and a
wrapper that lets any LangChain embedder reuse a capture's vectors.

:class:`E5Embeddings` is LangChain ``Embeddings`` over the bundled multilingual-e5-small:
the model itself, its input bounds and its thread policy are
:class:`~langmem_extract.e5_encoder.E5Encoder`'s, which this class only puts under
LangChain's ``Embeddings`` base (a process reading a DuckDB file embeds with the encoder
alone and never imports ``langchain_core``).

``HashingEmbeddings`` is an offline, deterministic stand-in for tests and store benchmarks:
it needs no model, so figures measured with it are the store's own.

:class:`ReusingEmbeddings` makes any LangChain embedder take part in per-capture vector
reuse (:mod:`langmem_extract.vector_cache`).
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from langchain_core.embeddings import Embeddings

from langmem_extract.e5_encoder import E5_DIMS, E5_MAX_TOKENS, E5Encoder
from langmem_extract.vector_cache import cached

__all__ = ["E5_DIMS", "E5_MAX_TOKENS", "E5Embeddings", "HashingEmbeddings", "ReusingEmbeddings"]


class E5Embeddings(E5Encoder, Embeddings):
    """LangChain ``Embeddings`` over the bundled multilingual-e5-small (384-d, L2-normalised).

    The engine is multithreaded with OpenMP. By default (``threads=None``) each call runs
    one thread per core the rest of the machine leaves idle, judged from the cores' recent
    busy CPU time, else the load average (:mod:`langmem_extract.embedder_threads`): all
    cores on a quiet machine, one thread, which never spins, on a busy one. The
    environment is left alone: ``OMP_NUM_THREADS`` set by you replaces the policy, and
    ``GOMP_SPINCOUNT`` or ``OMP_WAIT_POLICY`` still apply (docs/store.md).

    Its arguments (``batch_size``, ``variant``, ``max_chars``, ``chunk_tokens``,
    ``threads``) and every method are :class:`~langmem_extract.e5_encoder.E5Encoder`'s.
    """


class HashingEmbeddings(Embeddings):
    """Deterministic signed feature hashing of lower-cased words, L2-normalised.

    Offline and cheap, and texts sharing words score high, which is enough to exercise a
    vector index in tests and store benchmarks. Not a semantic model.

    Args:
        dims: output dimensions.
    """

    #: Consults the capture's vector cache (langmem_extract.vector_cache).
    reuses_vectors = True

    def __init__(self, dims: int = 64) -> None:
        self.dims = dims

    def _one(self, text: str) -> list[float]:
        vec = [0.0] * self.dims
        for token in text.lower().split():
            h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")
            # Bit 32 picks the sign, so colliding words tend to cancel rather than pile up.
            vec[h % self.dims] += 1.0 if (h >> 32) & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def _many(self, texts: list[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return cached(self, "passage", texts, self._many)

    def embed_query(self, text: str) -> list[float]:
        return cached(self, "query", [text], self._many)[0]

    def __repr__(self) -> str:
        return f"HashingEmbeddings(dims={self.dims})"


class ReusingEmbeddings(Embeddings):
    """Any LangChain ``Embeddings``, taking part in per-capture vector reuse.

    ``open_store(path, embeddings=ReusingEmbeddings(OpenAIEmbeddings()))`` makes a
    capture embed each new memory once. Attributes not defined here (``dims``,
    ``relevance_calibration``, …) are read from the wrapped embedder.
    """

    reuses_vectors = True

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.inner, name)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return cached(self, "passage", texts, self.inner.embed_documents)

    def embed_query(self, text: str) -> list[float]:
        return cached(self, "query", [text], lambda t: [self.inner.embed_query(t[0])])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        many = getattr(self.inner, "embed_queries", None)
        compute = many if callable(many) else (lambda t: [self.inner.embed_query(x) for x in t])
        return cached(self, "query", texts, compute)

    def __repr__(self) -> str:
        return f"ReusingEmbeddings({self.inner!r})"
