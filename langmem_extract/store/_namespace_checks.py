"""The namespace checks of a LangGraph-facing store's single-item methods.

``DuckDBStore`` and ``PostgresStore`` list :class:`NamespaceCheckedStore` before their
``BaseStore`` base, so a bad namespace raises this package's
:class:`~langmem_extract.namespaces.InvalidNamespaceError` (also LangGraph's) before
LangGraph's own check raises its plain one. The checks themselves are in ``_validate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from langgraph.store.base import NOT_PROVIDED, BaseStore, Item, NotProvided, SearchItem

from langmem_extract.namespaces import validate_namespace


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
