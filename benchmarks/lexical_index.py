"""Compare lexical (BM25) indexes for hybrid recall: bm25s, DuckDB ``fts``, in-process.

Recall fused with a lexical ranking needs an index that stays correct while memories are
written, superseded and deleted. This measures, over the raw turns of LoCoMo
conversations (the texts only; the questions serve as queries, their answers are used
for nothing but the hit@10 agreement check):

* build time for the conversation;
* query latency p50/p95 over its questions;
* the cost of keeping the index correct after one write: ``bm25s`` has no update (a full
  rebuild), DuckDB ``fts`` is a snapshot that ``PRAGMA create_fts_index(..., overwrite=1)``
  rebuilds, the in-process index below adds and removes one document's postings;
* hit@10 over raw turns on categories 1-4, to check the three agree as rankers.

DuckDB ``fts`` is loaded by path from the ``duckdb-extension-fts`` wheel
(``--fts-extension``), as ``store/_vss.py`` loads vss. Run::

    .venv/bin/python benchmarks/lexical_index.py --data ../shared/data \\
        --fts-extension /path/to/fts.duckdb_extension
"""

from __future__ import annotations

import argparse
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import bm25s
import duckdb
import numpy as np

from langmem_extract.eval.data import load_locomo
from langmem_extract.eval.locomo import baseline_text

_WORD = re.compile(r"\w+")
_STOP = frozenset(bm25s.stopwords.STOPWORDS_EN)


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]


class IncrementalBM25:
    """BM25 (Lucene idf, k1 1.5, b 0.75) whose postings change one document at a time."""

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.postings: dict[str, dict[str, int]] = defaultdict(dict)
        self.doc_words: dict[str, list[str]] = {}
        self.lengths: dict[str, int] = {}
        self.total = 0

    def add(self, doc_id: str, text: str) -> None:
        self.remove(doc_id)
        counts = Counter(words(text))
        for word, tf in counts.items():
            self.postings[word][doc_id] = tf
        self.doc_words[doc_id] = list(counts)
        self.lengths[doc_id] = sum(counts.values())
        self.total += self.lengths[doc_id]

    def remove(self, doc_id: str) -> None:
        if doc_id not in self.lengths:
            return
        for word in self.doc_words.pop(doc_id):
            del self.postings[word][doc_id]
        self.total -= self.lengths.pop(doc_id)

    def search(self, query: str, k: int) -> list[str]:
        n = len(self.lengths)
        if not n:
            return []
        avg = self.total / n
        scores: dict[str, float] = defaultdict(float)
        for word in set(words(query)):
            docs = self.postings.get(word)
            if not docs:
                continue
            idf = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            for doc_id, tf in docs.items():
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[doc_id] / avg)
                scores[doc_id] += idf * tf * (self.k1 + 1) / norm
        return [d for d, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]]


class Bm25sIndex:
    def __init__(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self.ids = list(ids)
        tokens = bm25s.tokenize(list(texts), stopwords="en", show_progress=False)
        self.vocab = tokens.vocab
        self.retriever = bm25s.BM25()
        self.retriever.index(tokens, show_progress=False)

    def search(self, query: str, k: int) -> list[str]:
        got = bm25s.tokenize([query], stopwords="en", return_ids=False, show_progress=False)[0]
        known = [self.vocab[w] for w in got if w in self.vocab]
        if not known:
            return []
        docs, scores = self.retriever.retrieve(
            [known], k=min(k, len(self.ids)), show_progress=False
        )
        return [self.ids[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


CREATE = "CREATE OR REPLACE TABLE docs (id VARCHAR PRIMARY KEY, body VARCHAR)"
INSERT = "INSERT INTO docs VALUES (?, ?)"
BUILD = "PRAGMA create_fts_index('docs', 'id', 'body', stopwords='english', overwrite=1)"
MATCH = (
    "SELECT id FROM (SELECT id, fts_main_docs.match_bm25(id, ?) AS s FROM docs) "
    "WHERE s IS NOT NULL ORDER BY s DESC, id LIMIT ?"
)


class DuckFtsIndex:
    def __init__(self, ids: Sequence[str], texts: Sequence[str], extension: str) -> None:
        self.conn = duckdb.connect(":memory:")
        self.conn.execute(f"LOAD '{extension}'")
        self.conn.execute(CREATE)
        self.conn.executemany(INSERT, list(zip(ids, texts, strict=True)))
        self.conn.execute(BUILD)

    def rebuild(self) -> None:
        self.conn.execute(BUILD)

    def search(self, query: str, k: int) -> list[str]:
        return [r[0] for r in self.conn.execute(MATCH, [query, k]).fetchall()]


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _one_write(name: str, index: Any, ids: Sequence[str], texts: Sequence[str]) -> float:
    """Milliseconds to make the index correct again after one document changed."""
    if name == "bm25s":  # no update: a full rebuild
        return _ms(lambda: Bm25sIndex(ids, [*texts[:-1], "changed text"]))
    if name == "in-process":
        return _ms(lambda: index.add(ids[-1], "changed text"))
    index.conn.execute("UPDATE docs SET body = 'changed text' WHERE id = ?", [ids[-1]])
    return _ms(index.rebuild)  # fts is a snapshot: rebuilt after a change


def _incremental(ids: Sequence[str], texts: Sequence[str]) -> IncrementalBM25:
    index = IncrementalBM25()
    for doc_id, text in zip(ids, texts, strict=True):
        index.add(doc_id, text)
    return index


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=None)
    parser.add_argument("--fts-extension", default=None)
    args = parser.parse_args()
    builders: dict[str, Callable[[Sequence[str], Sequence[str]], Any]] = {
        "bm25s": Bm25sIndex,
        "in-process": _incremental,
    }
    if args.fts_extension:
        builders["duckdb fts"] = lambda ids, texts: DuckFtsIndex(ids, texts, args.fts_extension)
    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for conv in load_locomo(args.data):
        ids = [t.dia_id for t in conv.turns]
        texts = [baseline_text(t) for t in conv.turns]
        questions = [q for q in conv.qa if q.category in (1, 2, 3, 4)]
        for name, build in builders.items():
            start = time.perf_counter()
            index = build(ids, texts)
            rows[name]["build ms"].append((time.perf_counter() - start) * 1000)
            for q in questions:
                start = time.perf_counter()
                got = index.search(q.question, 10)
                rows[name]["query ms"].append((time.perf_counter() - start) * 1000)
                rows[name]["hit@10"].append(float(any(e in got for e in q.evidence)))
            rows[name]["update ms"].append(_one_write(name, index, ids, texts))
    print("| index | build ms / conv. | query p50 ms | query p95 ms | one write ms | hit@10 |")
    print("|---|---|---|---|---|---|")
    for name, r in rows.items():
        q = np.asarray(r["query ms"])
        print(
            f"| {name} | {np.mean(r['build ms']):.1f} | {np.percentile(q, 50):.3f} | "
            f"{np.percentile(q, 95):.3f} | {np.mean(r['update ms']):.2f} | "
            f"{np.mean(r['hit@10']):.3f} |"
        )


if __name__ == "__main__":
    main()
