"""The offline hashing embedder used by tests and store benchmarks."""

from __future__ import annotations

import math

import pytest

from langmem_extract.embeddings import HashingEmbeddings


def test_pinned_vector() -> None:
    # Pinned so stored test vectors and benchmark figures stay comparable across changes.
    v = HashingEmbeddings(8).embed_query("coffee tea Coffee")
    assert v == pytest.approx([1 / math.sqrt(5), 0, 0, 0, -2 / math.sqrt(5), 0, 0, 0])


def test_deterministic_normalised_and_sized() -> None:
    emb = HashingEmbeddings(48)
    docs = emb.embed_documents(["User likes coffee in Kyoto", "User likes coffee in Kyoto", ""])
    assert docs[0] == docs[1] == emb.embed_query("user LIKES coffee in kyoto")
    assert len(docs[0]) == 48 and math.fsum(x * x for x in docs[0]) == pytest.approx(1.0)
    assert docs[2] == [0.0] * 48  # no words: a zero vector, not a division by zero


def test_shared_words_score_higher() -> None:
    emb = HashingEmbeddings()
    q = emb.embed_query("green tea")
    near, far = emb.embed_documents(["I drink green tea daily", "The train leaves at noon"])
    dot = lambda a, b: sum(x * y for x, y in zip(a, b, strict=True))  # noqa: E731
    assert dot(q, near) > dot(q, far)
    assert emb.dims == 64
