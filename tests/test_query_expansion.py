"""Pseudo-relevance feedback for the lexical side (langmem_extract.query_expansion)."""

from __future__ import annotations

import pytest
from langgraph.store.memory import InMemoryStore

from langmem_extract import query_expansion
from langmem_extract.hybrid import fuse
from langmem_extract.lexical import BM25Index, tokenize
from langmem_extract.query_expansion import expanded_scores, feedback_terms
from langmem_extract.recall_index import NamespaceIndex
from langmem_extract.schema import Memory, MemoryType

DOCS = {
    "club": "Priya joined the harbour rowing club last spring; the coach is patient.",
    "oars": "New carbon oars arrived; the rowing coach says they cut drag.",
    "erg": "Priya logs an erg session with the coach every Tuesday.",
    "soup": "Tomato soup with basil is the easiest weeknight dinner.",
    "bus": "The number 12 bus is late again this morning.",
    "tax": "Filed the tax return two days before the deadline.",
    "plant": "The fern on the balcony needs water twice a week.",
    "film": "We watched an old noir film at the cinema downtown.",
    "move": "The removal van is booked for the first Saturday of June.",
    "code": "Refactored the parser so that errors carry line numbers.",
    "bike": "A flat tyre again, so the bike goes to the repair shop.",
    "jam": "Grandma's apricot jam recipe uses less sugar than most.",
}


def index() -> BM25Index:
    lexical = BM25Index()
    for doc_id, text in DOCS.items():
        lexical.add(doc_id, text)
    return lexical


def test_feedback_surfaces_a_document_sharing_no_query_word() -> None:
    lexical = index()
    query = "Which club did Priya join?"
    base = lexical.scores(query)
    # "oars" shares no word with the question: BM25 alone cannot find it.
    assert "oars" not in base and max(base, key=base.__getitem__) == "club"
    terms = feedback_terms(query, [DOCS["club"], DOCS["erg"]], lexical, n_terms=5)
    assert not set(terms) & set(tokenize(query))
    # The word both feedback documents share outweighs words only one of them has.
    assert max(terms, key=terms.__getitem__) == "coach" and terms["coach"] == 1.0
    expanded = expanded_scores(base, terms, lexical, weight=0.3)
    assert expanded["oars"] > 0
    # Feedback only adds: the query's own matches keep (at least) their scores and the
    # documents that share nothing with question or feedback stay at zero.
    assert all(expanded[d] >= s for d, s in base.items())
    assert max(expanded, key=expanded.__getitem__) == "club"
    assert not {"soup", "bus", "tax", "film", "jam"} & set(expanded)


def test_weighted_terms_score_as_plain_bm25_at_weight_one() -> None:
    lexical = index()
    query = "rowing coach"
    plain = lexical.scores(query)
    weighted = lexical.term_scores(dict.fromkeys(tokenize(query), 1.0))
    assert weighted == pytest.approx(plain)
    halved = lexical.term_scores(dict.fromkeys(tokenize(query), 0.5))
    assert halved == pytest.approx({d: s / 2 for d, s in plain.items()})
    assert lexical.idf("zzz") == 0.0 and lexical.idf("oar") > lexical.idf("coach") > 0


def test_no_feedback_leaves_the_scores_alone() -> None:
    lexical = index()
    base = lexical.scores("tomato soup")
    assert expanded_scores(base, {}, lexical) == base
    assert expanded_scores(base, {"coach": 1.0}, lexical, weight=0.0) == base
    assert feedback_terms("tomato soup", [], lexical) == {}


def test_fuse_fetches_a_memory_worded_like_the_first_lexical_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through the fused ranking: "oars" shares no word with the question and is not in
    the dense pool, so only the feedback from the lexically matched "club" and "erg"
    (their shared "coach") brings it in; the dense near-misses give no feedback."""
    ns = ("test", "prf")
    index = NamespaceIndex(InMemoryStore(), ns)
    for key, content in DOCS.items():
        index.memories[key] = Memory(id=key, content=content, title=content,
                                     type=MemoryType.FACT, namespace=list(ns),
                                     source_message_ids=[f"t-{key}"])  # fmt: skip
        index.lexical.add(key, content)
    dense = [(index.memories["soup"], 0.90), (index.memories["bus"], 0.89)]

    def keys() -> list[str]:
        ranked = fuse("Which club did Priya join?", dense, index, lambda m: True, None, pool=3)
        return [hit.key for hit in ranked]

    with_feedback = keys()
    assert "oars" in with_feedback and with_feedback[0] == "club"
    assert with_feedback.index("oars") > with_feedback.index("erg")
    monkeypatch.setattr(query_expansion, "FEEDBACK_WEIGHT", 0.0)
    assert "oars" not in keys()
