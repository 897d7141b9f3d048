import pytest

from langmem_extract.errors import InvalidInputError
from langmem_extract.eval.baselines import BM25Index, DenseIndex, reciprocal_rank_fusion
from tests.conftest import HashEmbeddings

IDS = ["D1:1", "D1:2", "D1:3", "D1:4"]
TEXTS = [
    "Caroline: I went to an LGBTQ support group yesterday",
    "Melanie: my kids and I painted a sunrise by the lake",
    "Caroline: I am researching adoption agencies",
    "Melanie: we ran a charity race for mental health",
]


def test_bm25_ranks_the_matching_turn_first():
    index = BM25Index(IDS, TEXTS)
    assert index.search("When did Melanie paint a sunrise?", 2)[0] == "D1:2"
    assert index.search("adoption agencies", 4)[0] == "D1:3"


def test_bm25_returns_only_turns_that_share_a_word():
    index = BM25Index(IDS, TEXTS)
    assert index.search("xylophone quartz", 3) == []
    assert set(index.search("charity race", 4)) == {"D1:4"}


def test_dense_ranks_by_cosine_and_caps_k():
    index = DenseIndex(IDS, TEXTS, HashEmbeddings(dims=256))
    top = index.search("Melanie painted a sunrise by the lake", 10)
    assert top[0] == "D1:2"
    assert sorted(top) == sorted(IDS)


@pytest.mark.parametrize("k", [0, -1])
def test_k_must_be_positive(k):
    with pytest.raises(InvalidInputError):
        BM25Index(IDS, TEXTS).search("race", k)
    with pytest.raises(InvalidInputError):
        DenseIndex(IDS, TEXTS, HashEmbeddings()).search("race", k)


def test_ids_and_texts_must_match():
    with pytest.raises(InvalidInputError):
        BM25Index(IDS[:2], TEXTS)
    with pytest.raises(InvalidInputError):
        DenseIndex([], [], HashEmbeddings())


def test_rrf_rewards_agreement_between_rankings():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["d", "b", "e"]])
    assert fused[0] == "b"  # 2nd in both beats 1st in one
    assert set(fused) == {"a", "b", "c", "d", "e"}
    assert reciprocal_rank_fusion([["x", "y"]]) == ["x", "y"]
    with pytest.raises(InvalidInputError):
        reciprocal_rank_fusion([["a"]], k=0)
