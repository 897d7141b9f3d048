"""Planning a ``DuckDBStore`` batch: every check happens here, before anything is written.

``plan_batch`` validates each LangGraph op and collects the puts (with the texts to
embed) and the distinct search queries; the embedding helpers turn those into vectors,
and ``_duckdb_read.check_vector`` rejects a wrong size or a NaN before the batch touches
the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langgraph.store.base import (
    GetOp,
    ListNamespacesOp,
    Op,
    PutOp,
    SearchOp,
    get_text_at_path,
    tokenize_path,
)

from langmem_extract.errors import InvalidInputError
from langmem_extract.namespaces import validate_namespace
from langmem_extract.store import _duckdb_read, _validate
from langmem_extract.store._duckdb_read import ns_text
from langmem_extract.store._filters import Leaf
from langmem_extract.store._planned import PlannedPut

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

#: An index field: its path as written, and the path tokenised (``"$"`` stays as is).
IndexField = tuple[str, Any]


def index_fields(paths: Sequence[str] | str) -> list[IndexField]:
    """The index's field paths, tokenized; one path given as a string is one field."""
    if isinstance(paths, str):
        paths = [paths]
    if not all(isinstance(p, str) and p for p in paths):
        raise InvalidInputError(f"index fields must be JSON paths (strings), got {paths!r}")
    return [(p, tokenize_path(p) if p != "$" else p) for p in paths]


@dataclass
class SearchPlan:
    """A checked batch: the ops, the last put per item, compiled filters, query texts."""

    ops: list[Op]
    puts: dict[tuple[str, str], PlannedPut]
    searches: dict[int, list[Leaf]]
    queries: list[str]

    def doc_texts(self) -> list[str]:
        return [t for p in self.puts.values() for _, t in p.texts]


def plan_batch(
    ops: Iterable[Op], embeddings: Embeddings | None, fields: list[IndexField]
) -> SearchPlan:
    ops = list(ops)
    puts: dict[tuple[str, str], PlannedPut] = {}
    searches: dict[int, list[Leaf]] = {}
    queries: list[str] = []
    for i, op in enumerate(ops):
        if isinstance(op, GetOp):
            _validate.check_get_op(op)
        elif isinstance(op, SearchOp):
            searches[i] = _validate.check_search_op(op)
            if op.query and embeddings is not None and op.query not in queries:
                queries.append(op.query)
        elif isinstance(op, ListNamespacesOp):
            _validate.check_list_op(op)
        elif isinstance(op, PutOp):
            ns = validate_namespace(op.namespace)
            key = _validate.check_key(op.key)
            puts[(ns_text(ns), key)] = _plan_put(ns, key, op, embeddings, fields)
        else:
            raise InvalidInputError(f"unknown operation type: {type(op).__name__}")
    return SearchPlan(ops, puts, searches, queries)


def _plan_put(
    ns: tuple[str, ...],
    key: str,
    op: PutOp,
    embeddings: Embeddings | None,
    fields: list[IndexField],
) -> PlannedPut:
    _validate.check_ttl(op.ttl)
    if op.value is None:
        return PlannedPut(ns_text(ns), key, None, None, None)
    text, value = to_json(op.value)
    _validate.check_index(op.index)
    put = PlannedPut(ns_text(ns), key, text, value, op.ttl)
    if embeddings is None or op.index is False:
        return put
    paths = fields if op.index is None else index_fields(op.index)
    for path, tokens in paths:
        found = get_text_at_path(value, tokens)
        for j, t in enumerate(found):
            put.texts.append((f"{path}.{j}" if len(found) > 1 else path, t))
    return put


def to_json(value: Any) -> tuple[str, dict[str, Any]]:
    """Serialise a put value; the parsed copy is what the mirror keeps (same as on disk)."""
    text = _validate.check_value(value)
    return text, json.loads(text)


def embed_documents(plan: SearchPlan, embeddings: Embeddings | None) -> list[list[float]]:
    texts = plan.doc_texts()
    if not texts or embeddings is None:
        return []
    return embeddings.embed_documents(texts)


def embed_queries(plan: SearchPlan, embeddings: Embeddings | None) -> dict[str, list[float]]:
    return _duckdb_read.embed_queries(plan.queries, embeddings)
