"""Bounded embedder input: texts are cut to what e5 reads, and a long batch lets other
callers in between its chunks. Correctness only; the timings are in
benchmarks/resource_bounds.py."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np
import pytest

from langmem_extract import e5_encoder as emb_mod
from langmem_extract.embeddings import E5_MAX_TOKENS, E5Embeddings
from langmem_extract.errors import InvalidInputError

LONG = " ".join(f"my sister moved to Lisbon in spring number {i}." for i in range(600))


class Recording:
    """Wraps the real model and records every chunk of texts sent into it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent: list[list[str]] = []

    def token_count(self, text: str, is_query: bool = False) -> int:
        return self.inner.token_count(text, is_query)

    def query(self, texts: list[str]) -> Any:
        self.sent.append(list(texts))
        return self.inner.query(texts)

    def passage(self, texts: list[str]) -> Any:
        self.sent.append(list(texts))
        return self.inner.passage(texts)


@pytest.fixture
def recording(e5_embeddings: E5Embeddings) -> tuple[E5Embeddings, Recording]:
    emb = E5Embeddings()
    rec = Recording(e5_embeddings._get_model())
    emb._model = rec
    return emb, rec


def test_long_text_is_cut_to_one_pass(recording: tuple[E5Embeddings, Recording]) -> None:
    emb, rec = recording
    assert rec.token_count(LONG, True) > 4 * E5_MAX_TOKENS  # several passes uncut
    vec = emb.embed_query(LONG)
    [[sent]] = rec.sent
    assert LONG.startswith(sent) and len(sent) <= emb.max_chars
    assert E5_MAX_TOKENS - 16 < rec.token_count(sent, True) <= E5_MAX_TOKENS
    # What lies beyond the cut cannot change the vector.
    other_tail = emb.embed_query(LONG[: emb.max_chars] + " and my brother lives in Oslo." * 50)
    assert np.allclose(vec, other_tail, atol=1e-6)


def test_short_texts_reach_the_model_unchanged(recording: tuple[E5Embeddings, Recording]) -> None:
    emb, rec = recording
    texts = ["I live in Rome.", "Prefers green tea", "  spaces kept  "]
    emb.embed_documents(texts)
    assert rec.sent == [texts]


def test_chunks_are_bounded_by_tokens(recording: tuple[E5Embeddings, Recording]) -> None:
    emb, rec = recording
    emb.chunk_tokens = 2 * E5_MAX_TOKENS
    vecs = emb.embed_documents([LONG] * 5 + ["short one"])
    assert len(vecs) == 6
    for chunk in rec.sent:
        assert sum(rec.token_count(t, False) for t in chunk) <= emb.chunk_tokens
    assert [len(c) for c in rec.sent] == [2, 2, 2]


@pytest.mark.parametrize("arg", ["max_chars", "chunk_tokens", "batch_size"])
def test_bounds_are_checked(arg: str) -> None:
    for bad in (0, -1, True, 1.5):
        with pytest.raises(InvalidInputError):
            E5Embeddings(**{arg: bad})


class Gate:
    """A fake model: one token a word; the first call blocks until released."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    def token_count(self, text: str, is_query: bool = False) -> int:
        return len(text.split()) + 2

    def _run(self, texts: list[str]) -> np.ndarray:
        self.calls.append(texts[0].split()[0])
        if len(self.calls) == 1:
            self.entered.set()
            assert self.release.wait(30)
        return np.zeros((len(texts), 4), np.float32)

    query = passage = _run


def test_a_long_batch_lets_a_waiting_caller_in_between_chunks() -> None:
    gate = Gate()
    emb = E5Embeddings(chunk_tokens=40)
    emb._model = gate
    docs = [f"doc{i} " + "word " * 30 for i in range(3)]  # one chunk each
    worker = threading.Thread(target=emb.embed_documents, args=(docs,))
    worker.start()
    assert gate.entered.wait(30)  # the batch's first chunk holds the model
    asker = threading.Thread(target=emb.embed_query, args=("query please",))
    taken = emb_mod._MODEL_LOCK._next
    asker.start()
    deadline = time.monotonic() + 30
    while emb_mod._MODEL_LOCK._next == taken and time.monotonic() < deadline:
        time.sleep(0.001)  # wait until the query is queued for the model
    gate.release.set()
    worker.join(30)
    asker.join(30)
    assert gate.calls == ["doc0", "query", "doc1", "doc2"]


class Counting(Recording):
    """Also records every text the tokenizer counts."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.counted: list[str] = []

    def token_count(self, text: str, is_query: bool = False) -> int:
        self.counted.append(text)
        return self.inner.token_count(text, is_query)


def test_a_short_single_text_skips_the_token_count(e5_embeddings: E5Embeddings) -> None:
    """A question of at most SHORT_CHARS characters fits one pass whatever it tokenises
    to, so it reaches the model without a tokenizer pass first; its vector is the one the
    counted path gives."""
    model = e5_embeddings._get_model()
    question = "Wann ist meine Schwester nach Lissabon gezogen, und mit wem? 🙂"
    assert emb_mod.SHORT_CHARS * 2 + 8 <= E5_MAX_TOKENS
    # The bound holds on text that tokenises worst (one token a character).
    worst = "\u0301" * emb_mod.SHORT_CHARS
    assert model.token_count(worst, True) <= E5_MAX_TOKENS
    emb, rec = E5Embeddings(), Counting(model)
    emb._model = rec
    fast = emb.embed_query(question)
    assert rec.counted == [] and rec.sent == [[question]]
    counted = emb.embed_queries([question, question])  # a batch: each text counted
    assert rec.counted == [question, question]
    assert np.allclose(fast, counted[0], atol=1e-5)
    # One character past the bound is counted (and cut if it must be).
    long = "word " * (emb_mod.SHORT_CHARS // 5 + 1)
    emb.embed_query(long)
    assert rec.counted[-1] == long
