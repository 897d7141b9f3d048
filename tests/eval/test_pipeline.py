import pytest
from langchain_core.embeddings import Embeddings

from langmem_extract.errors import InvalidInputError
from langmem_extract.eval.pipeline import EvalConfig, RecordingEmbeddings, embedding_dims
from tests.conftest import HashEmbeddings


class CountingEmbeddings(HashEmbeddings):
    def __init__(self):
        super().__init__(dims=32)
        self.documents_embedded = 0
        self.queries_embedded = 0

    def embed_documents(self, texts):
        self.documents_embedded += len(texts)
        return super().embed_documents(texts)

    def embed_query(self, text):
        self.queries_embedded += 1
        return super().embed_query(text)


def test_config_rejects_unknown_choices():
    with pytest.raises(InvalidInputError, match="embedder"):
        EvalConfig(embedder="word2vec")
    with pytest.raises(InvalidInputError, match="extractor"):
        EvalConfig(extractor="magic")
    assert EvalConfig().describe() == {"embedder": "e5", "extractor": "rules"}


def test_recording_embeddings_never_answers_the_pipeline_from_its_record():
    base = CountingEmbeddings()
    rec = RecordingEmbeddings(base)
    rec.embed_documents(["a b", "c d"])
    rec.embed_documents(["a b"])
    assert base.documents_embedded == 3
    # Scoring reads the record and embeds only what it has not seen.
    assert rec.documents(["a b", "e f"]) == base.embed_documents(["a b", "e f"])
    assert base.documents_embedded == 3 + 1 + 2


def test_recording_embeddings_reuses_queries_only_when_asked():
    base = CountingEmbeddings()
    rec = RecordingEmbeddings(base)
    rec.embed_query("q")
    rec.embed_query("q")
    assert base.queries_embedded == 2
    rec.reuse_queries = True
    assert rec.embed_query("q") == base.embed_query("q")
    assert base.queries_embedded == 3  # 2 + the direct call above, none from rec


def test_embedding_dims_reads_attribute_or_probes():
    assert embedding_dims(RecordingEmbeddings(HashEmbeddings(dims=48))) == 48

    class NoDims(Embeddings):
        def embed_documents(self, texts):
            return [[0.5] * 7 for _ in texts]

        def embed_query(self, text):
            return [0.5] * 7

    assert embedding_dims(NoDims()) == 7


def test_require_empty_refuses_a_used_namespace():
    from langgraph.store.memory import InMemoryStore

    from langmem_extract.eval.pipeline import Pipeline

    store = InMemoryStore()
    pipeline = Pipeline(EvalConfig(), store, HashEmbeddings())
    pipeline.require_empty(("locomo", "conv-26"))  # empty: fine
    store.put(("locomo", "conv-26"), "k", {"content": "left over"})
    with pytest.raises(InvalidInputError, match="empty --db"):
        pipeline.require_empty(("locomo", "conv-26"))
    pipeline.require_empty(("locomo", "conv-30"))
