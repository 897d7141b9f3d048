"""Raw-turn baselines: BM25 (bm25s) and dense retrieval with the same embedder as the store.

Each returns, for a query, the ids of the top-k turns; a turn's only source id is its own
id, so the recall metrics treat both baselines and memories the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from langmem_extract.errors import InvalidInputError
from langmem_extract.store._vectors import normalize_rows


def _check(ids: Sequence[str], texts: Sequence[str]) -> None:
    if len(ids) != len(texts):
        raise InvalidInputError(f"{len(ids)} ids for {len(texts)} texts")
    if not ids:
        raise InvalidInputError("a baseline index needs at least one text")


def _check_k(k: int) -> None:
    if k < 1:
        raise InvalidInputError(f"k must be at least 1, got {k}")


class BM25Index:
    """BM25 (Lucene variant, English stop words, no stemming) over raw texts."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        import bm25s

        _check(ids, texts)
        self.ids = list(ids)
        self._bm25s = bm25s
        tokens = bm25s.tokenize(list(texts), stopwords="en", show_progress=False)
        self._vocab = tokens.vocab
        self._retriever = bm25s.BM25()
        self._retriever.index(tokens, show_progress=False)

    def search(self, query: str, k: int) -> list[str]:
        _check_k(k)
        # Tokenise the query with the corpus vocabulary; unknown words cannot score.
        words = self._bm25s.tokenize(
            [query], stopwords="en", return_ids=False, show_progress=False
        )[0]
        known = [self._vocab[w] for w in words if w in self._vocab]
        if not known:
            return []
        docs, scores = self._retriever.retrieve(
            [known], k=min(k, len(self.ids)), show_progress=False
        )
        return [self.ids[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


class DenseIndex:
    """Exact cosine search over raw texts embedded with ``embeddings``."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str], embeddings: Embeddings) -> None:
        _check(ids, texts)
        self.ids = list(ids)
        self._embeddings = embeddings
        self._matrix = normalize_rows(
            np.asarray(embeddings.embed_documents(list(texts)), "float32")
        )

    def search(self, query: str, k: int) -> list[str]:
        _check_k(k)
        q = normalize_rows(np.asarray([self._embeddings.embed_query(query)], "float32"))[0]
        scores = self._matrix @ q
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self.ids[int(i)] for i in top]


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], *, k: int = 60) -> list[str]:
    """Fuse rankings by summing ``1 / (k + rank)`` (rank from 1); the standard k = 60."""
    if k < 1:
        raise InvalidInputError(f"k must be at least 1, got {k}")
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    # Ties keep first-seen order, so the first ranking breaks them.
    return sorted(scores, key=lambda item: -scores[item])
