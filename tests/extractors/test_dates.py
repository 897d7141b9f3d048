from __future__ import annotations

from datetime import UTC, datetime

import pytest

from langmem_extract.extractors.dates import find_time_expression

REF = datetime(2023, 1, 4, 15, 0, tzinfo=UTC)  # a Wednesday in early January


@pytest.mark.parametrize(
    ("clause", "phrase", "day", "future"),
    [
        ("I went out yesterday", "on 3 January 2023", (2023, 1, 3), False),
        ("I ran a 5K last night", "on 3 January 2023", (2023, 1, 3), False),
        ("I moved 3 weeks ago", "around the week of 14 December 2022", (2022, 12, 14), False),
        ("we met two months ago", "in November 2022", (2022, 11, 1), False),
        ("I started last month", "in December 2022", (2022, 12, 1), False),
        ("I graduated last year", "in 2022", (2022, 1, 1), False),
        ("I joined last Tues", "on Tuesday, 3 January 2023", (2023, 1, 3), False),
        ("I visited on Friday", "on Friday, 30 December 2022", (2022, 12, 30), False),
        ("I fly next Monday", "on Monday, 9 January 2023", (2023, 1, 9), True),
        ("it happened on 7 May 2021", "on 7 May 2021", (2021, 5, 7), False),
        ("I'll finish by March", "by March 2023", (2023, 3, 1), True),
        ("it was back in December", "in December 2022", (2022, 12, 1), False),
        ("I start tomorrow", "on 5 January 2023", (2023, 1, 5), True),
    ],
)
def test_relative_and_absolute_expressions(
    clause: str, phrase: str, day: tuple[int, int, int], future: bool
) -> None:
    ref = find_time_expression(clause, REF)
    assert ref is not None
    assert ref.phrase == phrase
    assert ref.when is not None and ref.when.date() == datetime(*day).date()
    assert ref.future is future
    assert phrase in ref.replaced


def test_nothing_to_resolve() -> None:
    assert find_time_expression("I love hiking", REF) is None
    # without a reference time the expression is found but left unresolved
    unresolved = find_time_expression("I moved to Porto last week", None)
    assert unresolved is not None and unresolved.when is None
    assert (unresolved.stripped, unresolved.phrase) == ("I moved to Porto", "last week")
    assert find_time_expression("on 7 May 2021", None) is not None  # absolute needs none
