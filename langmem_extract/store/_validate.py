"""Input checks shared by the store backends.

Both stores reject the same bad input with the same typed errors before any work is done,
so a caller sees one behaviour whichever backend sits underneath. Namespaces go through
:func:`langmem_extract.namespaces.validate_namespace`; as in LangGraph's ``BaseStore``,
reads may name the reserved ``langgraph`` root and writes may not. The checks read plain
fields (a LangGraph op's, or the arguments of a ``DuckDBEngine`` read), so this module
imports nothing of LangGraph; the stores' ``BaseStore`` methods are checked by
``_namespace_checks.NamespaceCheckedStore``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from langmem_extract.errors import InvalidInputError
from langmem_extract.messages import check_text, json_text
from langmem_extract.namespaces import validate_namespace
from langmem_extract.store._filters import Leaf, compile_filter

#: A namespace match condition: ``("prefix" | "suffix", path)``.
Condition = tuple[str, Iterable[Any]]


def check_path(path: Iterable[Any]) -> tuple[str, ...]:
    """A prefix/suffix match path; ``*`` wildcards are allowed and skipped."""
    return validate_namespace(
        tuple(p for p in path if p != "*"), allow_empty=True, allow_reserved=True
    )


#: Longest ttl accepted, in minutes (100 years); a longer one overflows date arithmetic.
MAX_TTL_MINUTES = 100 * 366 * 24 * 60
#: One index path segment: a field name or ``{a,b}``, then any ``[*]`` / ``[n]`` selectors.
_INDEX_SEGMENT = r"(?:[\w\-]+|\{[\w\-]+(?:,[\w\-]+)*\})(?:\[(?:\*|-?\d+)\])*"
_INDEX_PATH = re.compile(rf"^(?:\$|{_INDEX_SEGMENT}(?:\.{_INDEX_SEGMENT})*)$")


def _encodable(text: str) -> bool:
    """False for text that cannot be stored as UTF-8 (a lone surrogate such as ``\\ud800``)."""
    try:
        check_text(text, "text")
    except InvalidInputError:
        return False
    return True


def check_key(key: Any) -> str:
    if not isinstance(key, str):
        raise InvalidInputError(f"key must be a string, got {type(key).__name__}")
    if "\x00" in key:
        raise InvalidInputError(f"key {key!r} contains a NUL byte")
    if not _encodable(key):
        raise InvalidInputError(f"key {key!r} is not valid Unicode (a lone surrogate)")
    return key


def check_value(value: Any) -> str:
    """A put value as JSON text: a dict of JSON values, finite numbers, valid Unicode."""
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"value must be a dict, got {type(value).__name__}")
    return json_text(dict(value), "value")


def check_index(index: Any) -> list[str] | Literal[False] | None:
    """A put's ``index``: ``False``, ``None`` or a list of field paths such as ``a.b[*]``."""
    if index is None or index is False:
        return index
    if not isinstance(index, list) or not all(isinstance(p, str) for p in index):
        raise InvalidInputError(f"index must be False, None or a list of paths: {index!r}")
    for path in index:
        if not _INDEX_PATH.match(path):
            raise InvalidInputError(
                f"invalid index path {path!r}: use field names joined by '.', "
                "with optional [*] or [n] selectors"
            )
    return index


def check_page(limit: Any, offset: Any) -> None:
    for name, v in (("limit", limit), ("offset", offset)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InvalidInputError(f"{name} must be a non-negative integer, got {v!r}")


def check_query(query: Any) -> None:
    if query is not None and not isinstance(query, str):
        raise InvalidInputError(f"query must be a string, got {query!r}")
    if query is not None and not _encodable(query):
        raise InvalidInputError("query is not valid Unicode (a lone surrogate)")


def check_ttl(ttl: Any) -> None:
    # bool is an int subclass; True minutes is almost certainly a mistake.
    if ttl is not None and (
        isinstance(ttl, bool)
        or not isinstance(ttl, int | float)
        or not math.isfinite(ttl)
        or not 0 < ttl <= MAX_TTL_MINUTES
    ):
        raise InvalidInputError(
            f"ttl must be a positive number of minutes up to {MAX_TTL_MINUTES}, got {ttl!r}"
        )


def check_put_op(op: Any) -> None:
    """Namespace, key, ttl, value and index of a ``PutOp`` (``value=None`` deletes)."""
    validate_namespace(op.namespace)
    check_key(op.key)
    check_ttl(op.ttl)
    if op.value is not None:
        check_value(op.value)
        check_index(op.index)


def check_session_id(session_id: Any) -> str:
    """A message-log session id: a string with something other than whitespace."""
    if not isinstance(session_id, str) or not session_id.strip():
        raise InvalidInputError(f"session_id must be a non-empty string, got {session_id!r}")
    if not _encodable(session_id):
        raise InvalidInputError(f"session_id {session_id!r} is not valid Unicode")
    return session_id


def check_item(namespace: Any, key: Any) -> None:
    """The namespace and key of an item read (a get)."""
    validate_namespace(namespace, allow_reserved=True)
    check_key(key)


def check_get_op(op: Any) -> None:
    """A LangGraph ``GetOp`` (:func:`check_item`)."""
    check_item(op.namespace, op.key)


def check_search(
    namespace_prefix: Any, filter: Any, limit: Any, offset: Any, query: Any
) -> list[Leaf]:
    """Prefix, paging, filter and query of a search; returns the compiled filter."""
    validate_namespace(namespace_prefix, allow_empty=True, allow_reserved=True)
    check_page(limit, offset)
    leaves = compile_filter(filter)  # bounds the depth, so dumping it cannot recurse
    if filter and not _encodable(json.dumps(filter, ensure_ascii=False, default=repr)):
        raise InvalidInputError("filter holds text that is not valid Unicode (a lone surrogate)")
    check_query(query)
    return leaves


def check_search_op(op: Any) -> list[Leaf]:
    """A LangGraph ``SearchOp`` (:func:`check_search`); returns the compiled filter."""
    return check_search(op.namespace_prefix, op.filter, op.limit, op.offset, op.query)


def check_list(conditions: Iterable[Condition], max_depth: Any, limit: Any, offset: Any) -> None:
    """Match conditions, depth and paging of a namespace listing."""
    for match_type, path in conditions:
        if match_type not in ("prefix", "suffix"):
            raise InvalidInputError(f"unsupported match type {match_type!r}")
        check_path(path)
    if max_depth is not None and (not isinstance(max_depth, int) or max_depth < 1):
        raise InvalidInputError(f"max_depth must be >= 1, got {max_depth!r}")
    check_page(limit, offset)


def check_list_op(op: Any) -> None:
    """A LangGraph ``ListNamespacesOp`` (:func:`check_list`)."""
    conditions = [(cond.match_type, cond.path) for cond in op.match_conditions or ()]
    check_list(conditions, op.max_depth, op.limit, op.offset)
