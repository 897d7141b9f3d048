"""The ranking's shortcuts give exactly what the straightforward code gives.

BM25 with each document's length norm kept per index state (:mod:`langmem_extract.lexical`)
equals the formula recomputed per posting, bit for bit, under writes between queries; the
threshold cuts of :mod:`langmem_extract.hybrid` equal the keyed heaps they replace,
ties included.
"""

from __future__ import annotations

import heapq
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from langmem_extract.hybrid import _best_first, _first, _largest
from langmem_extract.lexical import K1, B, BM25Index, tokenize
from tests.bm25_writes import apply_writes

WORDS = ["cat", "dog", "paris", "porto", "hiking", "pottery", "violin", "sushi", "the", "run"]
texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=10).map(" ".join)
ids = st.sampled_from([f"d{i}" for i in range(8)])
writes = st.lists(st.tuples(st.sampled_from(["add", "remove"]), ids, texts), max_size=12)
weighted = st.dictionaries(
    st.sampled_from(WORDS).map(lambda w: (tokenize(w) or ["the"])[0]),
    st.floats(min_value=0.0, max_value=2.0, allow_nan=False),
    min_size=1,
    max_size=5,
)


def straightforward(docs: dict[str, str], terms: dict[str, float]) -> dict[str, float]:
    """Okapi BM25 as written in the module docstring, each norm computed where used."""
    counts = {
        d: {t: tokenize(text).count(t) for t in set(tokenize(text))} for d, text in docs.items()
    }
    n = len(docs)
    if not n:
        return {}
    avg = sum(sum(c.values()) for c in counts.values()) / n or 1.0
    out: dict[str, float] = {}
    for term, weight in terms.items():
        df = sum(1 for c in counts.values() if term in c)
        if not df:
            continue
        idf = weight * math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        for d, c in counts.items():
            if term in c:
                tf = c[term]
                norm = K1 * (1.0 - B + B * sum(c.values()) / avg)
                out[d] = out.get(d, 0.0) + idf * tf * (K1 + 1.0) / (tf + norm)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(writes, weighted), min_size=1, max_size=4))
def test_bm25_with_kept_norms_equals_the_formula_exactly(rounds) -> None:
    """Queries between writes: a norm kept from before a write would change the scores."""
    index, docs = BM25Index(), {}
    for operations, terms in rounds:
        apply_writes(index, docs, operations)
        got, want = index.term_scores(terms), straightforward(docs, terms)
        assert got == want  # exact floats, same documents
        assert {d: repr(s) for d, s in got.items()} == {d: repr(s) for d, s in want.items()}


scores = st.dictionaries(
    st.text("abcdef", min_size=1, max_size=3),
    st.sampled_from([0.0, 0.5, 1.0, 1.25, 2.0, 7.5]),  # few values: many ties
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(scores, st.integers(min_value=0, max_value=35))
def test_first_equals_the_keyed_heap(values, m) -> None:
    assert _first(values, m) == heapq.nsmallest(m, values.items(), key=_best_first)


@settings(max_examples=300, deadline=None)
@given(scores, st.integers(min_value=0, max_value=35))
def test_largest_equals_the_keyed_heap_ties_in_order(values, n) -> None:
    assert _largest(values, n) == heapq.nlargest(n, values, key=values.__getitem__)
