"""Search filters: validation, compilation to leaf predicates, and vectorised evaluation.

Semantics follow LangGraph's ``InMemoryStore``: a plain value is equality (``1 == 1.0``);
a dict without ``$`` keys is nested equality on the keys it names; a dict with ``$`` keys
applies operators. A missing field reads as ``None``; when a parent on the path is not an
object, every predicate on that path is false. ``$gt``-style operators compare numbers
with numbers and strings with strings; any other pairing does not match.

Filter keys are paths: segments of word characters or ``-`` joined by ``.``. Anything else
(quotes, spaces, brackets, a leading ``$``) is rejected before any work is done.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from langmem_extract.errors import InvalidInputError, UnknownFilterOperatorError

OPERATORS = frozenset({"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"})
_RANGE_OPS = frozenset({"$gt", "$gte", "$lt", "$lte"})
_SEGMENT = re.compile(r"^[\w\-]+$")

#: Sentinel code of a row whose path crosses a non-object; no predicate matches it.
UNREACHABLE = -1
#: Deepest nesting a filter may have (keys and operand values); deeper raises, never
#: recurses without bound.
MAX_FILTER_DEPTH = 32


@dataclass(frozen=True, slots=True)
class Leaf:
    """One predicate: ``op`` applied to the value at ``path``."""

    path: tuple[str, ...]
    op: str
    value: Any


def _split_key(key: Any) -> tuple[str, ...]:
    if not isinstance(key, str) or not key:
        raise InvalidInputError(f"filter keys must be non-empty strings, got {key!r}")
    if key.startswith("$"):
        raise UnknownFilterOperatorError(
            f"unknown filter operator {key!r} at the top level; supported: {sorted(OPERATORS)}"
        )
    parts = tuple(key.split("."))
    for part in parts:
        if not _SEGMENT.match(part):
            raise InvalidInputError(
                f"Invalid filter key {key!r}: use word characters or '-' joined by '.'"
            )
    return parts


def _check_depth(value: Any, depth: int) -> None:
    """Raise when ``value`` nests deeper than :data:`MAX_FILTER_DEPTH` (iteratively)."""
    stack = [(value, depth)]
    while stack:
        node, level = stack.pop()
        if level > MAX_FILTER_DEPTH:
            raise InvalidInputError(f"filter is nested deeper than {MAX_FILTER_DEPTH} levels")
        if isinstance(node, Mapping):
            stack.extend((v, level + 1) for v in node.values())
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend((v, level + 1) for v in node)


def _check_operand(op: str, value: Any) -> None:
    if op in _RANGE_OPS:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InvalidInputError(f"{op} needs a number or a string, got {value!r}")
        if isinstance(value, float) and math.isnan(value):
            raise InvalidInputError(f"{op} cannot compare with NaN")
    elif op in ("$in", "$nin") and not isinstance(value, (list, tuple, set, frozenset)):
        raise InvalidInputError(f"{op} needs a list, got {type(value).__name__}")


def compile_filter(filter: Mapping[str, Any] | None) -> list[Leaf]:
    """Validate a filter and flatten it to leaf predicates (ANDed)."""
    if not filter:
        return []
    if not isinstance(filter, Mapping):
        raise InvalidInputError(f"filter must be a dict, got {type(filter).__name__}")
    _check_depth(filter, 0)
    leaves: list[Leaf] = []
    for key, value in filter.items():
        _flatten(_split_key(key), value, leaves)
    return leaves


def _flatten(path: tuple[str, ...], value: Any, out: list[Leaf]) -> None:
    if isinstance(value, Mapping):
        keys = list(value)
        if any(isinstance(k, str) and k.startswith("$") for k in keys):
            for op, operand in value.items():
                if op not in OPERATORS:
                    raise UnknownFilterOperatorError(
                        f"unknown filter operator {op!r}; supported: {sorted(OPERATORS)}"
                    )
                _check_operand(op, operand)
                out.append(Leaf(path, op, operand))
            return
        if not keys:
            # ``{"meta": {}}`` only asks that ``meta`` is an object.
            out.append(Leaf(path, "$isobject", None))
            return
        for k, v in value.items():
            _flatten(path + _split_key(k), v, out)
        return
    out.append(Leaf(path, "$eq", value))


# -- value canonicalisation ----------------------------------------------------------


def canon(value: Any) -> Any:
    """A hashable form where equal JSON values are equal (``1 == 1.0``; ``True != 1``)."""
    if value is None:
        return ("z",)
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", float(value))
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, Mapping):
        return ("d", tuple(sorted((str(k), canon(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("l", tuple(canon(v) for v in value))
    return ("o", repr(value))


_ABSENT = object()


def resolve(value: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at ``path``: ``None`` when the last key is missing, ``_ABSENT`` when a
    parent on the way is not an object."""
    cur: Any = value
    for i, part in enumerate(path):
        if not isinstance(cur, Mapping):
            return _ABSENT
        cur = cur.get(part)
        if cur is None and i < len(path) - 1:
            return _ABSENT
    return cur


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _range(op: str, left: Any, right: Any) -> bool:
    if _is_number(right):
        if not _is_number(left):
            return False
    elif not isinstance(left, str):
        return False
    if op == "$gt":
        return left > right
    if op == "$gte":
        return left >= right
    if op == "$lt":
        return left < right
    return left <= right


def match_value(leaf: Leaf, raw: Any) -> bool:
    """Evaluate one leaf against the resolved value (``resolve``'s result)."""
    if raw is _ABSENT:
        return False
    op = leaf.op
    if op == "$isobject":
        return isinstance(raw, Mapping)
    if op == "$eq":
        return canon(raw) == canon(leaf.value)
    if op == "$ne":
        return canon(raw) != canon(leaf.value)
    if op == "$in":
        return canon(raw) in {canon(v) for v in leaf.value}
    if op == "$nin":
        return canon(raw) not in {canon(v) for v in leaf.value}
    return _range(op, raw, leaf.value)


def matches(value: Mapping[str, Any], leaves: list[Leaf]) -> bool:
    """Whether a stored value passes every leaf (the row-at-a-time reference path)."""
    return all(match_value(leaf, resolve(value, leaf.path)) for leaf in leaves)


# -- columns: the vectorised path ----------------------------------------------------


class Column:
    """The values at one path for every cache slot, dictionary-encoded.

    ``codes[slot]`` indexes ``distinct``; ``num[slot]`` holds the value when it is a
    number (NaN otherwise) so range filters run as one numpy comparison.
    """

    def __init__(self, path: tuple[str, ...], capacity: int) -> None:
        self.path = path
        self.codes = np.full(capacity, UNREACHABLE, dtype=np.int32)
        self.num = np.full(capacity, np.nan, dtype=np.float64)
        self.distinct: list[Any] = []
        self._code_of: dict[Any, int] = {}

    def grow(self, capacity: int) -> None:
        n = len(self.codes)
        if capacity <= n:
            return
        codes = np.full(capacity, UNREACHABLE, dtype=np.int32)
        codes[:n] = self.codes
        num = np.full(capacity, np.nan, dtype=np.float64)
        num[:n] = self.num
        self.codes, self.num = codes, num

    def set(self, slot: int, value: Mapping[str, Any] | None) -> None:
        raw = _ABSENT if value is None else resolve(value, self.path)
        if raw is _ABSENT:
            self.codes[slot] = UNREACHABLE
            self.num[slot] = np.nan
            return
        key = canon(raw)
        code = self._code_of.get(key)
        if code is None:
            code = len(self.distinct)
            self._code_of[key] = code
            self.distinct.append(raw)
        self.codes[slot] = code
        self.num[slot] = float(raw) if _is_number(raw) else np.nan

    def fill(self, rows: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
        """Set many slots at once (a first build over a whole store): the same result as
        ``set`` per slot, with the common cases (strings, a missing key) inlined."""
        codes, num, code_of, distinct = self.codes, self.num, self._code_of, self.distinct
        single = self.path[0] if len(self.path) == 1 else None
        for slot, value in rows:
            raw = value.get(single, None) if single is not None else resolve(value, self.path)
            if raw is _ABSENT:
                continue  # codes/num already say unreachable
            key = ("s", raw) if type(raw) is str else canon(raw)
            code = code_of.get(key)
            if code is None:
                code = len(distinct)
                code_of[key] = code
                distinct.append(raw)
            codes[slot] = code
            if _is_number(raw):
                num[slot] = float(raw)

    def adopt(self, codes: np.ndarray, distinct: list[Any]) -> bool:
        """Take the first ``len(codes)`` slots' codes (``-1``: unreachable) and their
        distinct values, as ``fill`` would have built them (a saved column,
        ``_column_files``); ``False``, leaving the column as it was, when the values are
        not distinct."""
        code_of = {canon(raw): code for code, raw in enumerate(distinct)}
        if len(code_of) != len(distinct):
            return False
        n = len(codes)
        self.codes[:n] = codes
        nums = [float(raw) if _is_number(raw) else np.nan for raw in distinct]
        # The extra last entry (NaN) is what code -1 indexes.
        self.num[:n] = np.asarray([*nums, np.nan], dtype=np.float64)[codes]
        self.distinct, self._code_of = list(distinct), code_of
        return True

    def mask(self, leaf: Leaf, n: int) -> np.ndarray:
        """Boolean mask over the first ``n`` slots for one leaf."""
        return self._eval(leaf, self.codes[:n], self.num[:n])

    def mask_at(self, leaf: Leaf, slots: np.ndarray) -> np.ndarray:
        """Boolean mask over the given slots (in their order) for one leaf."""
        return self._eval(leaf, self.codes[slots], self.num[slots])

    def _eval(self, leaf: Leaf, codes: np.ndarray, num: np.ndarray) -> np.ndarray:
        op = leaf.op
        if op in _RANGE_OPS and _is_number(leaf.value):
            with np.errstate(invalid="ignore"):
                if op == "$gt":
                    return num > leaf.value
                if op == "$gte":
                    return num >= leaf.value
                if op == "$lt":
                    return num < leaf.value
                return num <= leaf.value
        if op in ("$eq", "$ne", "$in", "$nin"):
            operands = [leaf.value] if op in ("$eq", "$ne") else list(leaf.value)
            hit = [self._code_of[k] for k in map(canon, operands) if k in self._code_of]
            lut = np.zeros(len(self.distinct) + 1, dtype=bool)
            lut[hit] = True
            if op in ("$ne", "$nin"):
                lut[: len(self.distinct)] = ~lut[: len(self.distinct)]
            # The extra last entry stays False: code -1 (unreachable) indexes it.
            return lut[codes]
        lut = np.zeros(len(self.distinct) + 1, dtype=bool)
        for code, raw in enumerate(self.distinct):
            lut[code] = match_value(leaf, raw)
        return lut[codes]
