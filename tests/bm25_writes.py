"""Random writes applied to a BM25 index and to the plain mapping it should equal."""

from __future__ import annotations

from collections.abc import Iterable

from langmem_extract.lexical import BM25Index


def apply_writes(
    index: BM25Index, docs: dict[str, str], operations: Iterable[tuple[str, str, str]]
) -> None:
    """``("add", id, text)`` inserts or supersedes what ``id`` held; anything else removes it."""
    for op, doc_id, text in operations:
        if op == "add":
            index.add(doc_id, text)
            docs[doc_id] = text
        else:
            index.remove(doc_id)
            docs.pop(doc_id, None)
