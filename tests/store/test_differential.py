"""Random op sequences against DuckDBStore and LangGraph's InMemoryStore must agree.

Where the two differ by design the strategy stays out of the way: non-query search
order (we return newest first, InMemoryStore insertion order) is compared as sets when
everything fits in one page; filters avoid bool-vs-number and None comparisons.

Two InMemoryStore quirks are worked around on the reference side only: it fails a batch
that puts the same text twice (its embedding bookkeeping is keyed by text), so its puts
are applied one per call after the batch's reads (the same reads-before-writes order);
and it keeps listing a namespace whose items were all deleted, so empty namespaces are
pruned from it before comparing.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langgraph.store.base import GetOp, ListNamespacesOp, MatchCondition, PutOp, SearchOp
from langgraph.store.memory import InMemoryStore

from langmem_extract.store.duckdb import DuckDBStore
from tests.conftest import HashEmbeddings

LABELS = ["a", "b", "ü", "x y"]
namespaces = st.lists(st.sampled_from(LABELS), min_size=1, max_size=3).map(tuple)
keys = st.sampled_from(["k1", "k2", "k3", "ключ", "k'5"])
words = st.sampled_from(["tea", "coffee", "green", "black", "morning", "night", "café"])
values = st.fixed_dictionaries(
    {
        "content": st.lists(words, min_size=1, max_size=4).map(" ".join),
        "n": st.integers(-3, 3),
        "color": st.sampled_from(["red", "blue", "green"]),
        "meta": st.fixed_dictionaries({"lang": st.sampled_from(["en", "de"])}),
    }
)
filters = st.one_of(
    st.none(),
    st.builds(lambda c: {"color": c}, st.sampled_from(["red", "blue", "pink"])),
    st.builds(
        lambda o, v: {"n": {o: v}},
        st.sampled_from(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"]),
        st.integers(-3, 3),
    ),
    st.builds(lambda lang: {"meta": {"lang": lang}}, st.sampled_from(["en", "de"])),
    st.builds(
        lambda c, v: {"color": {"$ne": c}, "n": {"$gte": v}},
        st.sampled_from(["red", "blue"]),
        st.integers(-3, 3),
    ),
)

put_ops = st.builds(lambda ns, k, v: PutOp(ns, k, v), namespaces, keys, values)
delete_ops = st.builds(lambda ns, k: PutOp(ns, k, None), namespaces, keys)
get_ops = st.builds(lambda ns, k: GetOp(ns, k), namespaces, keys)
search_ops = st.builds(
    lambda ns, f, q: SearchOp(ns, f, 50, 0, q),
    st.lists(st.sampled_from(LABELS), min_size=0, max_size=2).map(tuple),
    filters,
    st.one_of(st.none(), words),
)
list_ops = st.builds(
    lambda pre, suf, depth: ListNamespacesOp(
        tuple(
            c
            for c in (
                MatchCondition("prefix", pre) if pre else None,
                MatchCondition("suffix", suf) if suf else None,
            )
            if c
        ),
        depth,
        100,
        0,
    ),
    st.lists(st.sampled_from([*LABELS, "*"]), max_size=2).map(tuple),
    st.lists(st.sampled_from(LABELS), max_size=1).map(tuple),
    st.one_of(st.none(), st.integers(1, 3)),
)
op_lists = st.lists(
    st.lists(
        st.one_of(put_ops, put_ops, delete_ops, get_ops, search_ops, list_ops),
        min_size=1,
        max_size=4,
    ),
    min_size=1,
    max_size=12,
)


def _item(it: Any) -> Any:
    return (tuple(it.namespace), it.key, it.value)


def _compare(op: Any, ours: Any, theirs: Any) -> None:
    if isinstance(op, GetOp):
        assert (ours and _item(ours)) == (theirs and _item(theirs))
    elif isinstance(op, ListNamespacesOp):
        assert ours == theirs
    elif isinstance(op, SearchOp):
        assert len(ours) == len(theirs)
        if op.query is None:
            assert sorted(map(_item, ours), key=repr) == sorted(map(_item, theirs), key=repr)
        else:
            # Same items with the same cosine scores; ties may come in any order.
            ours_scored = sorted(((round(r.score, 5), repr(_item(r))) for r in ours), reverse=True)
            theirs_scored = sorted(
                ((round(r.score, 5), repr(_item(r))) for r in theirs), reverse=True
            )
            assert ours_scored == theirs_scored
    else:
        assert ours is None and theirs is None


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batches=op_lists)
def test_duckdb_store_agrees_with_in_memory_store(batches: list[list[Any]]) -> None:
    emb = HashEmbeddings(32)
    index = {"dims": 32, "embed": emb, "fields": ["content"]}
    reference = InMemoryStore(index=index)  # type: ignore[arg-type]
    with DuckDBStore.from_conn_string(":memory:", index=index) as store:  # type: ignore[arg-type]
        store.setup()
        for ops in batches:
            ours = store.batch(ops)
            theirs = _reference_batch(reference, ops)
            for op, a, b in zip(ops, ours, theirs, strict=True):
                _compare(op, a, b)


def _reference_batch(reference: InMemoryStore, ops: list[Any]) -> list[Any]:
    results: list[Any] = []
    for op in ops:  # reads first, each on a pruned reference (a GetOp creates namespaces)
        if isinstance(op, PutOp):
            results.append(None)
            continue
        for ns in [ns for ns, items in reference._data.items() if not items]:
            del reference._data[ns]
        results.append(reference.batch([op])[0])
    for op in ops:
        if isinstance(op, PutOp):
            reference.batch([op])
    return results


@pytest.mark.parametrize("seed_ops", [[PutOp(("a",), "k", {"content": "tea", "n": 1})]])
def test_differential_harness_detects_a_difference(seed_ops: list[Any]) -> None:
    # The comparison is not vacuous: a changed value is caught.
    emb = HashEmbeddings(32)
    reference = InMemoryStore(index={"dims": 32, "embed": emb, "fields": ["content"]})  # type: ignore[arg-type]
    reference.batch(seed_ops)
    reference.put(("a",), "k", {"content": "tea", "n": 2})
    with DuckDBStore.from_conn_string(
        ":memory:", index={"dims": 32, "embed": emb, "fields": ["content"]}
    ) as s:  # type: ignore[arg-type]
        s.batch(seed_ops)
        op = GetOp(("a",), "k")
        with pytest.raises(AssertionError):
            _compare(op, s.batch([op])[0], reference.batch([op])[0])
