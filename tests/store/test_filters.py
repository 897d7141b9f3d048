"""The filter helper: validation, flattening, and the vectorised column path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langmem_extract.errors import InvalidInputError, UnknownFilterOperatorError
from langmem_extract.store._filters import Column, Leaf, canon, compile_filter, matches, resolve


def test_compile_flattens_nested_equality_and_operators() -> None:
    leaves = compile_filter({"a": 1, "m": {"x": {"$gt": 2}, "y": "z"}, "p.q": {"$in": [1, 2]}})
    assert leaves == [
        Leaf(("a",), "$eq", 1),
        Leaf(("m", "x"), "$gt", 2),
        Leaf(("m", "y"), "$eq", "z"),
        Leaf(("p", "q"), "$in", [1, 2]),
    ]
    assert compile_filter(None) == [] and compile_filter({}) == []
    assert compile_filter({"m": {}}) == [Leaf(("m",), "$isobject", None)]


@pytest.mark.parametrize("key", ["a b", "a'", "a;--", "a..b", "", "a[0]", "(a)", 'a"'])
def test_bad_keys(key: str) -> None:
    with pytest.raises(InvalidInputError):
        compile_filter({key: 1})


@pytest.mark.parametrize("flt", [{"$or": []}, {"a": {"$regex": "x"}}, {"a": {"b": {"$exists": 1}}}])
def test_unknown_operators(flt: dict) -> None:
    with pytest.raises(UnknownFilterOperatorError):
        compile_filter(flt)


def test_unicode_keys_are_allowed() -> None:
    assert compile_filter({"città.straße": 1}) == [Leaf(("città", "straße"), "$eq", 1)]


def test_canon_matches_json_equality() -> None:
    assert canon(1) == canon(1.0)
    assert canon(True) != canon(1)
    assert canon({"a": [1, "x"]}) == canon({"a": [1.0, "x"]})
    assert canon({"a": 1, "b": 2}) == canon({"b": 2, "a": 1})
    assert canon(None) != canon(0)


def test_resolve_missing_and_unreachable() -> None:
    v = {"a": {"b": 1}, "s": "str"}
    assert resolve(v, ("a", "b")) == 1
    assert resolve(v, ("a", "c")) is None
    assert resolve(v, ("missing",)) is None
    assert not matches(v, [Leaf(("s", "x"), "$ne", 1)])  # parent is not an object
    assert matches(v, [Leaf(("a", "c"), "$ne", 1)])  # missing reads as None


def test_range_compares_like_types_only() -> None:
    assert matches({"n": 3}, [Leaf(("n",), "$gt", 2)])
    assert not matches({"n": "3"}, [Leaf(("n",), "$gt", 2)])
    assert matches({"d": "2024-05-01"}, [Leaf(("d",), "$gte", "2024-01-01")])
    assert not matches({"d": 5}, [Leaf(("d",), "$gte", "2024-01-01")])
    assert not matches({"n": True}, [Leaf(("n",), "$gt", 0)])


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, 1.0, 2.5]),
    st.sampled_from(["a", "b", "c", ""]),
)
json_values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=2) | st.dictionaries(st.sampled_from(["x", "y"]), c, max_size=2),
    max_leaves=4,
)
docs = st.dictionaries(st.sampled_from(["a", "b"]), json_values, max_size=2)
leaves = st.one_of(
    st.builds(
        Leaf,
        st.sampled_from([("a",), ("a", "x"), ("b",)]),
        st.sampled_from(["$eq", "$ne"]),
        json_values,
    ),
    st.builds(
        Leaf,
        st.sampled_from([("a",), ("a", "x")]),
        st.sampled_from(["$gt", "$gte", "$lt", "$lte"]),
        st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b"])),
    ),
    st.builds(
        Leaf,
        st.sampled_from([("a",), ("b",)]),
        st.sampled_from(["$in", "$nin"]),
        st.lists(scalars, max_size=3),
    ),
    st.builds(Leaf, st.sampled_from([("a",)]), st.just("$isobject"), st.none()),
)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(docs, min_size=1, max_size=12), leaf=leaves)
def test_column_mask_equals_row_at_a_time(rows: list[dict], leaf: Leaf) -> None:
    col = Column(leaf.path, 4)
    col.grow(len(rows))
    for slot, row in enumerate(rows):
        col.set(slot, row)
    expected = np.array([matches(r, [leaf]) for r in rows])
    assert np.array_equal(col.mask(leaf, len(rows)), expected)


def test_column_forgets_deleted_rows() -> None:
    col = Column(("a",), 2)
    col.set(0, {"a": 1})
    col.set(1, {"a": 1})
    col.set(1, None)
    assert col.mask(Leaf(("a",), "$ne", 5), 2).tolist() == [True, False]
