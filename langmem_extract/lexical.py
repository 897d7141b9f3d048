"""An incremental BM25 index: exact Okapi BM25 scores under insert, update and delete.

:class:`BM25Index` keeps per-term postings (document → term frequency), each document's
length and the corpus totals. Every write updates only the touched postings, and
statistics (document count, average length, document frequency) are read at query time,
so after any sequence of writes a query scores exactly as an index rebuilt from scratch
over the same documents would (``tests/test_lexical.py`` checks this with hypothesis).

Why in-process and not a library: ``benchmarks/lexical_index.py`` measured ``bm25s``
(fast queries, but a full rebuild per write), DuckDB's ``fts`` extension (159 ms per
query, also rebuilt per write) and this index (0.06 ms per write); recall writes one
memory at a time and queries often, so only the incremental index fits both.

Scoring is Lucene's BM25 (``k1 = 1.5``, ``b = 0.75``, ``idf = ln(1 + (N - df + 0.5) /
(df + 0.5))``); text is lower-cased, split on word characters, English stop words are
dropped, as are one-letter words, and each word is reduced to its Snowball (Porter 2)
English stem, so "research" meets "researching" and "painted" meets "painting" (the same
analysis for documents and queries). Stemming raised LoCoMo conv-26 hit@10 of the shipped
retriever from 0.773 to 0.800 (``docs/benchmarks/recall_hybrid.md``). "user" is
a stop word too: it is the subject placeholder of every memory ("User lives in …"), so it
tells memories apart no better than "the", yet rank fusion turns any positive score into
a full rank; kept, it ranked an unrelated English memory above the German "User wohnt in
Hamburg." for "Where does the user live?" and cross-lingual recall fell from 6/6 to 1/6
(``tests/extractors/test_languages.py``).
"""

from __future__ import annotations

import functools
import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import snowballstemmer

from langmem_extract.errors import InvalidInputError

__all__ = ["ANALYSIS_VERSION", "BM25Index", "stem", "tokenize"]

K1 = 1.5
B = 0.75
#: Bump whenever :func:`tokenize` changes what it returns: term counts saved by an older
#: analysis (``recall_index_files``) are then never reused.
ANALYSIS_VERSION = 1

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
#: A common English stop-word list (function words only).
_STOP_TEXT = """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your
    yours yourself yourselves user users"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


_STEMMER = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Snowball English stem of a lower-cased ``word`` (cached: a conversation's
    vocabulary is small, and the pure-Python stemmer costs ~10 µs a word)."""
    return _STEMMER.stemWord(word)


def tokenize(text: str) -> list[str]:
    """Stemmed, lower-cased word tokens of ``text`` without stop words (a possessive 's
    dropped)."""
    out = []
    for word in _WORD.findall(text.lower()):
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) > 1 and word not in STOP_WORDS:
            out.append(stem(word))
    return out


class BM25Index:
    """Okapi BM25 over documents added, replaced and removed one at a time."""

    def __init__(self) -> None:
        self._terms: dict[str, Counter[str]] = {}  # doc id -> term counts
        self._lengths: dict[str, int] = {}
        self._postings: dict[str, dict[str, int]] = {}  # term -> doc id -> tf
        self._total = 0
        #: A restored index's document ids, term positions and saved lists (postings
        #: not built yet).
        self._saved: tuple[list[str], dict[str, int], dict[str, Any]] | None = None
        #: Each document's length norm ``K1 * (1 - B + B * length / avg)`` for the current
        #: documents (None after any write): recomputed per posting it cost ~1.1 ms a
        #: LoCoMo query, once per index state it costs one pass over the lengths.
        self._norms: dict[str, float] | None = None

    def __len__(self) -> int:
        return len(self._lengths)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._lengths

    def ids(self) -> set[str]:
        return set(self._lengths)

    def add(self, doc_id: str, text: str) -> None:
        """Index ``text`` as ``doc_id``, replacing what ``doc_id`` held before."""
        if not isinstance(doc_id, str) or not isinstance(text, str):
            raise InvalidInputError("a BM25 document needs a string id and string text")
        self.remove(doc_id)
        self._norms = None
        counts = Counter(tokenize(text))
        self._own_terms()[doc_id] = counts
        length = sum(counts.values())
        self._lengths[doc_id] = length
        self._total += length
        for term, tf in counts.items():
            self._postings.setdefault(term, {})[doc_id] = tf

    def export(self, doc_ids: list[str]) -> dict[str, Any]:
        """The index over ``doc_ids`` (every indexed document, in a chosen order), for
        :meth:`restore` in another process: each document's length, the terms, and their
        postings as flat lists (``ptr[i]:ptr[i + 1]`` of ``docs`` and ``tfs`` are term
        ``i``'s document positions and term frequencies)."""
        if set(doc_ids) != set(self._lengths) or len(doc_ids) != len(self._lengths):
            raise InvalidInputError("export needs every indexed document id once")
        self._own_terms()  # every posting built
        where = {doc_id: i for i, doc_id in enumerate(doc_ids)}
        terms, ptr, docs, tfs = list(self._postings), [0], [], []
        for posting in self._postings.values():
            docs.extend(where[d] for d in posting)
            tfs.extend(posting.values())
            ptr.append(len(docs))
        lengths = [self._lengths[d] for d in doc_ids]
        return {"lengths": lengths, "terms": terms, "ptr": ptr, "docs": docs, "tfs": tfs}

    @classmethod
    def restore(cls, doc_ids: list[str], data: dict[str, Any]) -> BM25Index:
        """The index :meth:`export` gave for ``doc_ids`` (its lists, or numpy arrays of
        them). A term's postings are built when a query first reads it, and each
        document's own counts (needed only to replace or remove it) on the first write:
        building every term's dict cost 0.03 s per 10,000 documents, a query reads a few."""
        lengths, terms, ptr = data["lengths"], data["terms"], data["ptr"]
        if len(lengths) != len(doc_ids) or len(ptr) != len(terms) + 1:
            raise InvalidInputError("saved BM25 lists do not match the document ids")
        docs = data["docs"]
        if len(docs) != len(data["tfs"]) or (len(terms) and ptr[-1] != len(docs)):
            raise InvalidInputError("saved BM25 postings are not whole")
        if len(docs):
            # numpy's own min/max for saved arrays: Python's iterate them (20 ms at 10,000).
            low, high = (docs.min(), docs.max()) if hasattr(docs, "min") else (min(docs), max(docs))
            if not 0 <= low <= high < len(doc_ids):
                raise InvalidInputError("saved BM25 postings name documents that are not there")
        index = cls()
        lengths = lengths.tolist() if hasattr(lengths, "tolist") else [int(n) for n in lengths]
        index._lengths = dict(zip(doc_ids, lengths, strict=True))
        index._total = sum(lengths)
        index._saved = (doc_ids, {term: i for i, term in enumerate(terms)}, data)
        index._terms = None  # type: ignore[assignment]
        return index

    def _posting(self, term: str) -> dict[str, int] | None:
        """``term``'s postings (after :meth:`restore`, built on first use)."""
        posting = self._postings.get(term)
        if posting is None and self._saved is not None:
            doc_ids, term_at, data = self._saved
            i = term_at.get(term)
            if i is not None:
                lo, hi = int(data["ptr"][i]), int(data["ptr"][i + 1])
                docs, tfs = _ints(data["docs"][lo:hi]), _ints(data["tfs"][lo:hi])
                posting = self._postings[term] = dict(zip(map(doc_ids.__getitem__, docs),
                                                          tfs, strict=True))  # fmt: skip
        return posting

    def _own_terms(self) -> dict[str, Counter[str]]:
        if self._saved is not None:  # restored: every posting before the first write
            for term in self._saved[1]:
                self._posting(term)
            self._saved = None
        if self._terms is None:  # restored: derive each document's counts once
            terms: dict[str, Counter[str]] = {doc_id: Counter() for doc_id in self._lengths}
            for term, posting in self._postings.items():
                for doc_id, tf in posting.items():
                    terms[doc_id][term] = tf
            self._terms = terms
        return self._terms

    def remove(self, doc_id: str) -> None:
        """Forget ``doc_id`` (nothing happens when it is not indexed)."""
        if doc_id not in self._lengths:
            return
        counts = self._own_terms().pop(doc_id, None)
        if counts is None:
            return
        self._norms = None
        self._total -= self._lengths.pop(doc_id)
        for term in counts:
            posting = self._postings[term]
            del posting[doc_id]
            if not posting:
                del self._postings[term]

    def scores(self, query: str) -> dict[str, float]:
        """BM25 score of every document sharing a term with ``query`` (others score 0)."""
        return self.term_scores(dict.fromkeys(set(tokenize(query)), 1.0))

    def term_scores(self, terms: dict[str, float]) -> dict[str, float]:
        """BM25 score of every document for already analysed ``terms``, each term's
        contribution multiplied by its weight."""
        n = len(self._lengths)
        if not n:
            return {}
        norms = self._length_norms()
        out: dict[str, float] = {}
        get, k1_plus = out.get, K1 + 1.0  # locals: this loop is most of a query's BM25 time
        for term, weight in terms.items():
            posting = self._posting(term)
            if not posting:
                continue
            idf = weight * math.log(1.0 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
            if not out and weight > 0:  # the first term: 0.0 + x is x, one dict build
                out = {d: idf * tf * k1_plus / (tf + norms[d]) for d, tf in posting.items()}
                get = out.get
                continue
            for doc_id, tf in posting.items():
                out[doc_id] = get(doc_id, 0.0) + idf * tf * k1_plus / (tf + norms[doc_id])
        return out

    def _length_norms(self) -> dict[str, float]:
        """Every document's length norm for the current documents (see ``_norms``)."""
        if self._norms is None:
            avg = self._total / len(self._lengths) or 1.0
            self._norms = {
                d: K1 * (1.0 - B + B * length / avg) for d, length in self._lengths.items()
            }
        return self._norms

    def idf(self, term: str) -> float:
        """The BM25 idf of an analysed ``term`` (0 when no document holds it)."""
        posting = self._posting(term)
        if not posting:
            return 0.0
        n = len(self._lengths)
        return math.log(1.0 + (n - len(posting) + 0.5) / (len(posting) + 0.5))

    def search(
        self, query: str, k: int, *, allowed: Iterable[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best ``(doc id, score)`` pairs with a positive score, best first
        (ties by id); ``allowed`` limits the candidates."""
        scored = self.scores(query)
        if allowed is not None:
            keep = set(allowed)
            scored = {d: s for d, s in scored.items() if d in keep}
        return heapq.nsmallest(k, scored.items(), key=lambda pair: (-pair[1], pair[0]))


def _ints(values: Any) -> list[int]:
    return values.tolist() if hasattr(values, "tolist") else [int(v) for v in values]
