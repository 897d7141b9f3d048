"""The configuration under evaluation: embedder, extractor, store, ingest and recall.

Everything the benchmarks do with the product goes through here, so evaluating another
configuration (a different embedder, the LLM extractor, a PostgreSQL store) is a matter
of building a different :class:`EvalConfig`.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore

from langmem_extract.errors import InvalidInputError
from langmem_extract.schema import MAX_MESSAGES, Memory, MemoryStatus
from langmem_extract.vector_cache import cached

EMBEDDERS = ("e5", "openai")
EXTRACTORS = ("rules", "llm")

# A namespace is listed in pages of this size when reading back every memory.
_PAGE = 1000


@dataclass(frozen=True)
class EvalConfig:
    """What is evaluated. Defaults are the product defaults (offline, no key)."""

    embedder: str = "e5"
    embedding_model: str | None = None
    extractor: str = "rules"
    model: str | None = None
    base_url: str | None = None
    # None: a temporary DuckDB file, removed afterwards; ":inmemory:": LangGraph's
    # InMemoryStore; else a path or URL for open_store.
    db: str | None = None
    retriever_weights: tuple[float, float, float] | None = None  # None: retriever default

    def __post_init__(self) -> None:
        if self.embedder not in EMBEDDERS:
            raise InvalidInputError(
                f"unknown embedder {self.embedder!r}; choose one of {', '.join(EMBEDDERS)}"
            )
        if self.extractor not in EXTRACTORS:
            raise InvalidInputError(
                f"unknown extractor {self.extractor!r}; choose one of {', '.join(EXTRACTORS)}"
            )

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def make_embeddings(config: EvalConfig) -> RecordingEmbeddings:
    if config.embedder == "openai":
        from langchain_openai import OpenAIEmbeddings

        kwargs: dict[str, Any] = {"model": config.embedding_model or "text-embedding-3-small"}
        if config.base_url:
            kwargs["base_url"] = config.base_url
        return RecordingEmbeddings(OpenAIEmbeddings(**kwargs))
    from langmem_extract.embeddings import E5Embeddings

    return RecordingEmbeddings(E5Embeddings())


class RecordingEmbeddings(Embeddings):
    """Forwards to ``base`` and remembers every passage vector it computed.

    The store embeds each memory as it is written; scoring later needs the same vectors.
    Only :meth:`documents` reads the record, so the timed pipeline never gets a cached
    answer and its figures stay those of the wrapped embedder.
    """

    #: Consults the vector cache for queries (see embed_query): recall ranks turns.
    reuses_query_vectors = True

    def __init__(self, base: Embeddings) -> None:
        self.base = base
        self.dims = getattr(base, "dims", None)
        self._seen: dict[str, list[float]] = {}
        self._queries: dict[str, list[float]] = {}
        #: When True, a query seen before is answered from the record (used only for
        #: ranking variants whose latency is not reported).
        self.reuse_queries = False

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self.base.embed_documents(texts)
        self._seen.update(zip(texts, vectors, strict=True))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        if self.reuse_queries and text in self._queries:
            return self._queries[text]
        # Recall embeds the query once and its store search finds that vector in scope
        # (langmem_extract.turn_vectors.embed_query), as with the product's embedder;
        # reuses_query_vectors below says so. Passages are not reused (reuses_vectors is
        # unset), so ingest embeds as it always did here, turns in a call of their own.
        vector = cached(self, "query", [text], lambda t: [self.base.embed_query(t[0])])[0]
        self._queries[text] = vector
        return vector

    def documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Passage vectors for ``texts``, computing only those not seen before."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if missing:
            self.embed_documents(missing)
        return [self._seen[t] for t in texts]


def embedding_dims(embeddings: Embeddings) -> int:
    dims = getattr(embeddings, "dims", None)
    if isinstance(dims, int):
        return dims
    return len(embeddings.embed_query("dimension probe"))


def make_extractor(config: EvalConfig) -> Any:
    if config.extractor == "llm":
        from langmem_extract.extractors.llm import LLMExtractor

        return LLMExtractor(model_name=config.model, base_url=config.base_url)
    from langmem_extract.extractors.rules import RuleExtractor

    return RuleExtractor()


@contextlib.contextmanager
def open_eval_store(
    config: EvalConfig, embeddings: Embeddings
) -> Iterator[tuple[BaseStore, Path | None]]:
    """Open the store under test; yields it with its file path when it is a local file."""
    from langmem_extract.schema import MEMORY_INDEX_FIELDS

    index = {"dims": embedding_dims(embeddings), "embed": embeddings, "fields": MEMORY_INDEX_FIELDS}
    if config.db == ":inmemory:":
        from langgraph.store.memory import InMemoryStore

        yield InMemoryStore(index=index), None  # type: ignore[arg-type]
        return
    from langmem_extract.store.factory import open_store

    with contextlib.ExitStack() as stack:
        if config.db is None:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lme-eval-")))
            target: str | Path = tmp / "eval.duckdb"
        else:
            target = config.db
        store = open_store(target, embeddings=embeddings, index=index)
        stack.callback(_close, store)
        path = Path(target) if not str(target).startswith(("postgres", ":memory:")) else None
        yield store, path


def _close(store: Any) -> None:
    close = getattr(store, "close", None)
    if callable(close):
        close()


def file_size(path: Path | None) -> int | None:
    """Bytes of a store file plus its write-ahead log, when the store is a local file."""
    if path is None or not path.exists():
        return None
    wal = path.with_name(path.name + ".wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


class Pipeline:
    """The memory graph and retriever of one configuration, bound to one store."""

    def __init__(self, config: EvalConfig, store: BaseStore, embeddings: Embeddings) -> None:
        self.config = config
        self.store = store
        self.embeddings = embeddings
        self.extractor = make_extractor(config)
        self._graph: Any = None

    def ingest(
        self,
        messages: Sequence[dict[str, Any]],
        *,
        namespace: tuple[str, ...],
        reference_time: str | None = None,
    ) -> tuple[list[Any], float]:
        """Run the memory graph over ``messages`` in requests of at most 200; returns results
        and the wall time in seconds."""
        from langmem_extract.graph.builder import extract_memories

        results = []
        start = time.perf_counter()
        for chunk_start in range(0, len(messages), MAX_MESSAGES):
            chunk = list(messages[chunk_start : chunk_start + MAX_MESSAGES])
            metadata = {"reference_time": reference_time} if reference_time else None
            results.append(
                extract_memories(
                    chunk,
                    store=self.store,
                    namespace=namespace,
                    metadata=metadata,
                    extractor=self.extractor,
                )
            )
        return results, time.perf_counter() - start

    def retriever(
        self,
        namespace: tuple[str, ...],
        k: int,
        *,
        weights: tuple[float, float, float] | None = None,
        hybrid: bool = True,
    ) -> Any:
        """A :class:`MemoryRetriever`; ``weights`` default to the configuration's, else the
        retriever's own default; ``hybrid=False`` ranks by the store's dense search alone."""
        from langmem_extract.integrations.retriever import MemoryRetriever

        kwargs: dict[str, Any] = {
            "store": self.store,
            "namespace": namespace,
            "k": k,
            "hybrid": hybrid,
        }
        chosen = weights or self.config.retriever_weights
        if chosen is not None:
            kwargs["weights"] = chosen
        return MemoryRetriever(**kwargs)

    def recall(self, retriever: Any, query: str) -> list[list[str]]:
        """Source message ids of each recalled memory, best first."""
        docs = retriever.invoke(query)
        return [list(d.metadata.get("source_message_ids") or []) for d in docs]

    def require_empty(self, namespace: tuple[str, ...]) -> None:
        """Refuse to score over memories left by an earlier run in the same store."""
        if self.store.search(namespace, limit=1):
            raise InvalidInputError(
                f"the store already holds items under {'/'.join(namespace)}; "
                "evaluate on an empty --db"
            )

    def memories(self, namespace: tuple[str, ...], *, active_only: bool = True) -> list[Memory]:
        """Every memory stored in ``namespace`` (listed page by page, no query)."""
        out: list[Memory] = []
        offset = 0
        flt = {"status": MemoryStatus.ACTIVE.value} if active_only else None
        while True:
            page = self.store.search(namespace, filter=flt, limit=_PAGE, offset=offset)
            out.extend(Memory.from_item(item) for item in page)
            if len(page) < _PAGE:
                return out
            offset += _PAGE
