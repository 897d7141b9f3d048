"""The input checks both store backends share."""

from __future__ import annotations

import pytest
from langgraph.store.base import GetOp, ListNamespacesOp, MatchCondition, SearchOp
from langgraph.store.memory import InMemoryStore

from langmem_extract.errors import (
    InvalidInputError,
    InvalidNamespaceError,
    UnknownFilterOperatorError,
)
from langmem_extract.store import _validate
from langmem_extract.store._namespace_checks import NamespaceCheckedStore


def test_store_checks_are_the_one_namespace_rule() -> None:
    """Reads take the shared validator's rules and may name the reserved root, as
    LangGraph's ``BaseStore`` lets them; writes may not (see tests/test_namespaces.py)."""
    _validate.check_get_op(GetOp(("langgraph", "x"), "k"))
    assert _validate.check_search_op(SearchOp(("langgraph",))) == []
    _validate.check_list_op(ListNamespacesOp((MatchCondition("prefix", ("langgraph",)),)))
    for bad, message in [
        (("a", 1), "must be strings"),
        (("a", ""), "empty label"),
        (("a.b",), r"contains '\.'"),
        (("a\x00",), "NUL byte"),
    ]:
        with pytest.raises(InvalidNamespaceError, match=message):
            _validate.check_get_op(GetOp(bad, "k"))
        with pytest.raises(InvalidNamespaceError, match=message):
            _validate.check_search_op(SearchOp(bad))


def test_path_skips_wildcards_but_checks_labels() -> None:
    assert _validate.check_path(("users", "*", "facts")) == ("users", "facts")
    with pytest.raises(InvalidNamespaceError):
        _validate.check_path(("*", "a.b"))


def test_key() -> None:
    assert _validate.check_key("k1") == "k1"
    with pytest.raises(InvalidInputError, match="must be a string"):
        _validate.check_key(3)
    with pytest.raises(InvalidInputError, match="NUL byte"):
        _validate.check_key("k\x00")


@pytest.mark.parametrize(("limit", "offset"), [(-1, 0), (1, -1), (True, 0), (1.5, 0), (1, "0")])
def test_bad_page(limit: object, offset: object) -> None:
    with pytest.raises(InvalidInputError, match="non-negative integer"):
        _validate.check_page(limit, offset)


def test_good_page_and_query_and_ttl_pass() -> None:
    _validate.check_page(0, 0)
    _validate.check_query(None)
    _validate.check_query("coffee")
    _validate.check_ttl(None)
    _validate.check_ttl(0.5)


def test_bad_query() -> None:
    with pytest.raises(InvalidInputError, match="query must be a string"):
        _validate.check_query(["coffee"])


@pytest.mark.parametrize("ttl", [0, -1, True, "5"])
def test_bad_ttl(ttl: object) -> None:
    with pytest.raises(InvalidInputError, match="ttl must be a positive number"):
        _validate.check_ttl(ttl)


def test_get_op() -> None:
    _validate.check_get_op(GetOp(("users",), "k"))
    with pytest.raises(InvalidNamespaceError):
        _validate.check_get_op(GetOp((), "k"))
    with pytest.raises(InvalidInputError, match="key must be a string"):
        _validate.check_get_op(GetOp(("users",), 1))  # type: ignore[arg-type]


def test_search_op_returns_compiled_filter() -> None:
    leaves = _validate.check_search_op(SearchOp(("users",), filter={"type": "fact"}))
    assert [(leaf.path, leaf.op, leaf.value) for leaf in leaves] == [(("type",), "$eq", "fact")]
    assert _validate.check_search_op(SearchOp((), query="coffee")) == []
    with pytest.raises(InvalidNamespaceError):
        _validate.check_search_op(SearchOp(("a.b",)))
    with pytest.raises(InvalidInputError, match="offset"):
        _validate.check_search_op(SearchOp(("users",), offset=-1))
    with pytest.raises(UnknownFilterOperatorError):
        _validate.check_search_op(SearchOp(("users",), filter={"n": {"$bogus": 1}}))
    with pytest.raises(InvalidInputError, match="query must be a string"):
        _validate.check_search_op(SearchOp(("users",), query=3))  # type: ignore[arg-type]


def test_list_op() -> None:
    ok = ListNamespacesOp(match_conditions=(MatchCondition("prefix", ("users", "*")),), limit=5)
    _validate.check_list_op(ok)
    bad_type = ListNamespacesOp(match_conditions=(MatchCondition("infix", ("users",)),))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="unsupported match type"):
        _validate.check_list_op(bad_type)
    with pytest.raises(InvalidInputError, match="max_depth"):
        _validate.check_list_op(ListNamespacesOp(max_depth=0))
    with pytest.raises(InvalidInputError, match="limit"):
        _validate.check_list_op(ListNamespacesOp(limit=-1))
    with pytest.raises(InvalidNamespaceError):
        _validate.check_list_op(
            ListNamespacesOp(match_conditions=(MatchCondition("suffix", ("a.b",)),))
        )


class _CheckedMemoryStore(NamespaceCheckedStore, InMemoryStore):
    pass


def test_checked_store_raises_typed_errors_before_langgraph() -> None:
    store = _CheckedMemoryStore()
    # InMemoryStore alone raises LangGraph's InvalidNamespaceError (a ValueError), not ours.
    with pytest.raises(InvalidNamespaceError, match="langgraph"):
        store.put(("langgraph", "x"), "k", {"content": "v"})
    with pytest.raises(InvalidNamespaceError, match="NUL byte"):
        store.put(("a\x00",), "k", {"content": "v"})
    assert store.get(("langgraph", "x"), "k") is None  # reads may name it, as in LangGraph
    assert store.search(("langgraph",)) == []
    with pytest.raises(InvalidNamespaceError, match=r"contains '\.'"):
        store.get(("a.b",), "k")
    with pytest.raises(InvalidNamespaceError, match="cannot be empty"):
        store.delete((), "k")
    with pytest.raises(InvalidNamespaceError, match="must be a tuple"):
        store.search("users")  # type: ignore[arg-type]
    assert store.search(()) == []  # nothing was written
    store.put(("users", "u1"), "k", {"content": "v"}, ttl=None)
    item = store.get(("users", "u1"), "k")
    assert item is not None and item.value == {"content": "v"}


async def test_checked_store_async_methods() -> None:
    store = _CheckedMemoryStore()
    with pytest.raises(InvalidNamespaceError):
        await store.aput(("langgraph",), "k", {"content": "v"})
    with pytest.raises(InvalidNamespaceError):
        await store.aget(("",), "k")
    with pytest.raises(InvalidNamespaceError):
        await store.adelete(("a", 1), "k")  # type: ignore[arg-type]
    with pytest.raises(InvalidNamespaceError):
        await store.asearch(("a\x00",))
    await store.aput(("users", "u1"), "k", {"content": "v"})
    assert [i.key for i in await store.asearch(("users",))] == ["k"]
    await store.adelete(("users", "u1"), "k")
    assert await store.aget(("users", "u1"), "k") is None
