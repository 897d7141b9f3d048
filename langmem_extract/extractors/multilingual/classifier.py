"""Nearest-prototype classification of a clause's memory type and category.

Each label has prototype sentences (:mod:`~langmem_extract.extractors.multilingual.prototypes`)
in several languages; the multilingual embedder (bundled multilingual-e5-small by default)
puts a clause in any language near the prototypes of its label. A label's score is the mean
cosine of its two nearest prototypes; the winner must lead the runner-up by a margin, or
the clause stays unlabelled (the extractor then falls back to an observed event).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from langmem_extract.extractors.multilingual.prototypes import (
    CATEGORY_PROTOTYPES,
    TYPE_PROTOTYPES,
)

#: The winning type must lead the runner-up by this much cosine, or the clause is not typed.
TYPE_MARGIN = 0.005
#: The same for a category; below it the category is left to the ``classify`` node.
CATEGORY_MARGIN = 0.005
#: Prototypes averaged per label.
NEAREST = 2


@dataclass(frozen=True)
class Label:
    """The classifier's answer for one clause."""

    type: str | None  # a MemoryType value, "none" (nothing to remember), or None (unsure)
    type_margin: float
    category: str | None
    category_margin: float


class _Table:
    """One label set's prototype vectors, stacked."""

    def __init__(self, embed: Embeddings, table: dict[str, tuple[str, ...]]) -> None:
        self.labels = list(table)
        texts = [t for label in self.labels for t in table[label]]
        self.owner = np.array([i for i, label in enumerate(self.labels) for _ in table[label]])
        self.vectors = _unit(_embed(embed, texts))

    def best(self, vectors: np.ndarray) -> list[tuple[str, float]]:
        sims = vectors @ self.vectors.T
        out = []
        for row in sims:
            scores = np.array(
                [np.sort(row[self.owner == i])[-NEAREST:].mean() for i in range(len(self.labels))]
            )
            order = np.argsort(scores)[::-1]
            out.append((self.labels[order[0]], float(scores[order[0]] - scores[order[1]])))
        return out


def _embed(embed: Embeddings, texts: Sequence[str]) -> np.ndarray:
    # e5 reads a symmetric task best with the "query: " prefix on both sides.
    many = getattr(embed, "embed_queries", None)
    vectors = many(list(texts)) if many else [embed.embed_query(t) for t in texts]
    return np.asarray(vectors, dtype=np.float32)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


class PrototypeClassifier:
    """Types and categorises clauses by their nearest prototypes.

    ``embeddings`` defaults to the bundled :class:`~langmem_extract.embeddings.E5Embeddings`,
    loaded on first use; the prototypes are embedded once per classifier.
    """

    def __init__(self, embeddings: Embeddings | None = None) -> None:
        self._embeddings = embeddings
        self._tables: tuple[_Table, _Table] | None = None
        self._lock = threading.Lock()

    def _ready(self) -> tuple[Embeddings, _Table, _Table]:
        with self._lock:
            if self._embeddings is None:
                from langmem_extract.embeddings import E5Embeddings

                self._embeddings = E5Embeddings()
            if self._tables is None:
                self._tables = (
                    _Table(self._embeddings, TYPE_PROTOTYPES),
                    _Table(self._embeddings, CATEGORY_PROTOTYPES),
                )
            return self._embeddings, *self._tables

    def classify(self, clauses: Sequence[str]) -> list[Label]:
        """One :class:`Label` per clause (one embedding call for all of them)."""
        if not clauses:
            return []
        embed, types, categories = self._ready()
        vectors = _unit(_embed(embed, clauses))
        out = []
        for (mtype, tm), (cat, cm) in zip(
            types.best(vectors), categories.best(vectors), strict=True
        ):
            out.append(
                Label(
                    type=mtype if tm >= TYPE_MARGIN else None,
                    type_margin=tm,
                    category=cat if cm >= CATEGORY_MARGIN and cat != "general" else None,
                    category_margin=cm,
                )
            )
        return out
