"""How ``PostgresStore`` changes LangGraph's search SQL: DuckDB's filters, stable pages.

LangGraph builds each search query itself. The store hands it the whole compiled filter
as one entry (``compiled``), turns that entry back into SQL (``filter_condition``), and
rewrites the vector-search ORDER BY so equal scores keep one order (``stable_ties``).
"""

from __future__ import annotations

import re
from typing import Any, cast

import orjson
from langgraph.store.base import SearchOp

from langmem_extract.errors import QueryRewriteError, UnknownFilterOperatorError
from langmem_extract.store import _pg_sql as sql
from langmem_extract.store._filters import Leaf, compile_filter

# The whole compiled filter travels through LangGraph's query builder as one entry.
ALL_LEAVES = "$langmem_leaves"

_INNER_ORDER = re.compile(r"(ORDER BY sv\.embedding <[=#-]> %s::\w+) ASC")
_OUTER_ORDER = "ORDER BY score DESC"


def compiled(op: SearchOp) -> SearchOp:
    """``op`` with its filter compiled to leaves, as the one entry ``filter_condition`` reads."""
    if not op.filter:
        return op
    leaves = compile_filter(op.filter)
    return op._replace(filter={ALL_LEAVES: {ALL_LEAVES: leaves}})


def filter_condition(key: str, op: str, value: Any) -> tuple[str, list[Any]]:
    """SQL and parameters for the leaves ``compiled`` packed into one filter entry."""
    if key != ALL_LEAVES or op != ALL_LEAVES:  # only reached through compiled()
        raise UnknownFilterOperatorError(f"unknown filter operator {op!r}")
    clauses: list[str] = []
    params: list[Any] = []
    for leaf in cast(list[Leaf], value):
        clause, leaf_params = _leaf_sql(leaf)
        if len(leaf.path) > 1:
            clause = f"({sql.REACHABLE} AND {clause})"
            leaf_params = [list(leaf.path[:-1]), *leaf_params]
        clauses.append(clause)
        params.extend(leaf_params)
    return "(" + " AND ".join(clauses or ["TRUE"]) + ")", params


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def _leaf_sql(leaf: Leaf) -> tuple[str, list[Any]]:
    path = list(leaf.path)
    if leaf.op == "$isobject":
        return sql.IS_OBJECT, [path]
    if leaf.op == "$eq":
        return sql.EQ, [path, _json_text(leaf.value)]
    if leaf.op == "$ne":
        return sql.NE, [path, _json_text(leaf.value)]
    if leaf.op in ("$in", "$nin"):
        return (sql.IN if leaf.op == "$in" else sql.NIN), [path, _json_text(list(leaf.value))]
    sql_op = sql.COMPARE_OPS[leaf.op]
    if isinstance(leaf.value, str):
        return sql.STRING_CMP.format(op=sql_op), [path, path, leaf.value]
    return sql.NUMBER_CMP.format(op=sql_op), [path, path, float(leaf.value)]


def stable_ties(query: str) -> str:
    """Break score ties by namespace and key, in the candidate scan and the final sort, so
    equal scores keep one order from page to page (``offset`` never skips or repeats).

    Raises ``QueryRewriteError`` when LangGraph's query lacks either ORDER BY: a
    LangGraph release that changed its SQL would otherwise silently lose stable pages.
    """
    rewritten, n = _INNER_ORDER.subn(r"\1 ASC, sv.prefix, sv.key", query, count=1)
    if n != 1:
        raise QueryRewriteError(
            "cannot make vector-search ties stable: LangGraph's candidate scan has no "
            f"'ORDER BY sv.embedding <op> %s::<type> ASC' (query: {query!r})"
        )
    if _OUTER_ORDER not in rewritten:
        raise QueryRewriteError(
            "cannot make vector-search ties stable: LangGraph's final sort has no "
            f"{_OUTER_ORDER!r} (query: {query!r})"
        )
    return rewritten.replace(_OUTER_ORDER, f"{_OUTER_ORDER}, uniq.prefix, uniq.key", 1)
