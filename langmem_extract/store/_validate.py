"""Input checks shared by the store backends.

Both stores reject the same bad input with the same typed errors before any work is done,
so a caller sees one behaviour whichever backend sits underneath.
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

from langmem_extract.errors import InvalidInputError, InvalidNamespaceError
from langmem_extract.store._filters import Leaf, compile_filter


def check_namespace(namespace: Any, *, allow_empty: bool) -> tuple[str, ...]:
    """Return ``namespace`` as a tuple of labels, or raise ``InvalidNamespaceError``."""
    if not isinstance(namespace, tuple | list):
        raise InvalidNamespaceError(f"namespace must be a tuple of strings, got {namespace!r}")
    if not namespace and not allow_empty:
        raise InvalidNamespaceError("namespace cannot be empty")
    for label in namespace:
        if not isinstance(label, str):
            raise InvalidNamespaceError(
                f"namespace labels must be strings, got {type(label).__name__} in {namespace!r}"
            )
        if not label:
            raise InvalidNamespaceError(f"namespace labels cannot be empty: {namespace!r}")
        if "." in label:
            raise InvalidNamespaceError(
                f"namespace label {label!r} contains '.', which separates stored labels"
            )
        if "\x00" in label:
            raise InvalidNamespaceError(f"namespace label {label!r} contains a NUL byte")
    return tuple(namespace)


def check_put_namespace(namespace: Any) -> tuple[str, ...]:
    """A namespace that may be written to: non-empty and not under the reserved root."""
    ns = check_namespace(namespace, allow_empty=False)
    if ns[0] == "langgraph":
        raise InvalidNamespaceError(f'root namespace label cannot be "langgraph": {ns!r}')
    return ns


def check_path(path: Iterable[Any]) -> tuple[str, ...]:
    """A prefix/suffix match path; ``*`` wildcards are allowed and skipped."""
    return check_namespace(tuple(p for p in path if p != "*"), allow_empty=True)


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
    check_namespace(op.namespace, allow_empty=False)
    check_key(op.key)


def check_search_op(op: SearchOp) -> list[Leaf]:
    """Prefix, paging, filter and query of a ``SearchOp``; returns the compiled filter."""
    check_namespace(op.namespace_prefix, allow_empty=True)
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

    LangGraph's own checks raise plain ``ValueError``; running ours first gives callers
    the typed ``InvalidNamespaceError``. List it before the concrete store base.
    """

    def get(
        self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None
    ) -> Item | None:
        check_namespace(namespace, allow_empty=False)
        return super().get(namespace, key, refresh_ttl=refresh_ttl)

    async def aget(
        self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None
    ) -> Item | None:
        check_namespace(namespace, allow_empty=False)
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
        check_put_namespace(namespace)
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
        check_put_namespace(namespace)
        await super().aput(namespace, key, value, index, ttl=ttl)

    def delete(self, namespace: tuple[str, ...], key: str) -> None:
        check_namespace(namespace, allow_empty=False)
        super().delete(namespace, key)

    async def adelete(self, namespace: tuple[str, ...], key: str) -> None:
        check_namespace(namespace, allow_empty=False)
        await super().adelete(namespace, key)

    def search(self, namespace_prefix: tuple[str, ...], /, **kwargs: Any) -> list[SearchItem]:
        check_namespace(namespace_prefix, allow_empty=True)
        return super().search(namespace_prefix, **kwargs)

    async def asearch(
        self, namespace_prefix: tuple[str, ...], /, **kwargs: Any
    ) -> list[SearchItem]:
        check_namespace(namespace_prefix, allow_empty=True)
        return await super().asearch(namespace_prefix, **kwargs)
