"""Input checks shared by the store backends.

Both stores reject the same bad input with the same typed errors before any work is done,
so a caller sees one behaviour whichever backend sits underneath. Namespaces go through
:func:`langmem_extract.namespaces.validate_namespace`; as in LangGraph's ``BaseStore``,
reads may name the reserved ``langgraph`` root and writes may not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from langgraph.store.base import (
    NOT_PROVIDED,
    BaseStore,
    GetOp,
    Item,
    ListNamespacesOp,
    NotProvided,
    SearchItem,
    SearchOp,
)

from langmem_extract.errors import InvalidInputError
from langmem_extract.namespaces import validate_namespace
from langmem_extract.store._filters import Leaf, compile_filter


def check_path(path: Iterable[Any]) -> tuple[str, ...]:
    """A prefix/suffix match path; ``*`` wildcards are allowed and skipped."""
    return validate_namespace(
        tuple(p for p in path if p != "*"), allow_empty=True, allow_reserved=True
    )


def check_key(key: Any) -> str:
    if not isinstance(key, str):
        raise InvalidInputError(f"key must be a string, got {type(key).__name__}")
    if "\x00" in key:
        raise InvalidInputError(f"key {key!r} contains a NUL byte")
    return key


def check_page(limit: Any, offset: Any) -> None:
    for name, v in (("limit", limit), ("offset", offset)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InvalidInputError(f"{name} must be a non-negative integer, got {v!r}")


def check_query(query: Any) -> None:
    if query is not None and not isinstance(query, str):
        raise InvalidInputError(f"query must be a string, got {query!r}")


def check_ttl(ttl: Any) -> None:
    # bool is an int subclass; True minutes is almost certainly a mistake.
    if ttl is not None and (
        isinstance(ttl, bool) or not isinstance(ttl, int | float) or not ttl > 0
    ):
        raise InvalidInputError(f"ttl must be a positive number of minutes, got {ttl!r}")


def check_session_id(session_id: Any) -> str:
    """A message-log session id: a string with something other than whitespace."""
    if not isinstance(session_id, str) or not session_id.strip():
        raise InvalidInputError(f"session_id must be a non-empty string, got {session_id!r}")
    return session_id


def check_get_op(op: GetOp) -> None:
    validate_namespace(op.namespace, allow_reserved=True)
    check_key(op.key)


def check_search_op(op: SearchOp) -> list[Leaf]:
    """Prefix, paging, filter and query of a ``SearchOp``; returns the compiled filter."""
    validate_namespace(op.namespace_prefix, allow_empty=True, allow_reserved=True)
    check_page(op.limit, op.offset)
    leaves = compile_filter(op.filter)
    check_query(op.query)
    return leaves


def check_list_op(op: ListNamespacesOp) -> None:
    """Match conditions, depth and paging of a ``ListNamespacesOp``."""
    for cond in op.match_conditions or ():
        if cond.match_type not in ("prefix", "suffix"):
            raise InvalidInputError(f"unsupported match type {cond.match_type!r}")
        check_path(cond.path)
    if op.max_depth is not None and (not isinstance(op.max_depth, int) or op.max_depth < 1):
        raise InvalidInputError(f"max_depth must be >= 1, got {op.max_depth!r}")
    check_page(op.limit, op.offset)


class NamespaceCheckedStore(BaseStore):
    """Checks namespaces in the public single-item methods before ``BaseStore`` does.

    LangGraph's own checks raise its plain ``InvalidNamespaceError``; running ours first
    gives callers our subclass of it. List it before the concrete store base.
    """

    def get(
        self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None
    ) -> Item | None:
        validate_namespace(namespace, allow_reserved=True)
        return super().get(namespace, key, refresh_ttl=refresh_ttl)

    async def aget(
        self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None
    ) -> Item | None:
        validate_namespace(namespace, allow_reserved=True)
        return await super().aget(namespace, key, refresh_ttl=refresh_ttl)

    def put(
        self,
        namespace: tuple[str, ...],
        key: str,
        value: Mapping[str, Any],
        index: Literal[False] | list[str] | None = None,
        *,
        ttl: float | NotProvided | None = NOT_PROVIDED,
    ) -> None:
        validate_namespace(namespace)
        super().put(namespace, key, value, index, ttl=ttl)

    async def aput(
        self,
        namespace: tuple[str, ...],
        key: str,
        value: Mapping[str, Any],
        index: Literal[False] | list[str] | None = None,
        *,
        ttl: float | NotProvided | None = NOT_PROVIDED,
    ) -> None:
        validate_namespace(namespace)
        await super().aput(namespace, key, value, index, ttl=ttl)

    def delete(self, namespace: tuple[str, ...], key: str) -> None:
        validate_namespace(namespace, allow_reserved=True)
        super().delete(namespace, key)

    async def adelete(self, namespace: tuple[str, ...], key: str) -> None:
        validate_namespace(namespace, allow_reserved=True)
        await super().adelete(namespace, key)

    def search(self, namespace_prefix: tuple[str, ...], /, **kwargs: Any) -> list[SearchItem]:
        validate_namespace(namespace_prefix, allow_empty=True, allow_reserved=True)
        return super().search(namespace_prefix, **kwargs)

    async def asearch(
        self, namespace_prefix: tuple[str, ...], /, **kwargs: Any
    ) -> list[SearchItem]:
        validate_namespace(namespace_prefix, allow_empty=True, allow_reserved=True)
        return await super().asearch(namespace_prefix, **kwargs)
