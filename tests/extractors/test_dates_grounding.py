"""Every relative time expression is grounded against a fixed reference time, past and
future alike, in the text (an absolute phrase) and in ``when``; grounding twice changes
nothing and never moves a past expression into the future."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.dates import find_time_expression, ground_text, is_past
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.schema import ChatMessage, MemoryType

REF = datetime(2023, 5, 8, 14, 30, tzinfo=UTC)  # a Monday


def _check(clause: str, phrase: str, day: tuple[int, int, int], future: bool) -> None:
    found = find_time_expression(clause, REF)
    assert found is not None, clause
    assert found.phrase == phrase
    assert found.when == datetime(*day, tzinfo=UTC)
    assert found.future is future


@pytest.mark.parametrize(
    ("clause", "phrase", "day", "future"),
    [
        ("I went out yesterday", "on 7 May 2023", (2023, 5, 7), False),
        ("I slept badly last night", "on 7 May 2023", (2023, 5, 7), False),
        ("the day before yesterday I broke my phone", "on 6 May 2023", (2023, 5, 6), False),
        ("I feel great today", "on 8 May 2023", (2023, 5, 8), False),
        ("we eat out tonight", "on 8 May 2023", (2023, 5, 8), False),
        ("tomorrow I see the dentist", "on 9 May 2023", (2023, 5, 9), True),
        ("the day after tomorrow I fly to Lisbon", "on 10 May 2023", (2023, 5, 10), True),
    ],
)
def test_days_around_today(
    clause: str, phrase: str, day: tuple[int, int, int], future: bool
) -> None:
    _check(clause, phrase, day, future)


@pytest.mark.parametrize(
    ("clause", "phrase", "day", "future"),
    [
        ("two weeks ago I adopted a cat", "around the week of 24 April 2023", (2023, 4, 24), False),
        ("I moved 3 days ago", "on 5 May 2023", (2023, 5, 5), False),
        ("a month ago I quit", "in April 2023", (2023, 4, 1), False),
        ("a year ago we married", "in 2022", (2022, 1, 1), False),
        ("a few hours ago I ate", "on 8 May 2023", (2023, 5, 8), False),
        ("In 3 days I start my new job", "on 11 May 2023", (2023, 5, 11), True),
        ("I leave in a week", "on 15 May 2023", (2023, 5, 15), True),
        ("I move in two weeks", "around the week of 22 May 2023", (2023, 5, 22), True),
        ("in a couple of months I retire", "around July 2023", (2023, 7, 1), True),
        ("we marry in 2 years", "in 2025", (2025, 1, 1), True),
        ("a week from today I have my test", "on 15 May 2023", (2023, 5, 15), True),
        ("3 days from now I fly", "on 11 May 2023", (2023, 5, 11), True),
        ("a week from tomorrow is the party", "on 16 May 2023", (2023, 5, 16), True),
        ("in a fortnight I start", "around the week of 22 May 2023", (2023, 5, 22), True),
    ],
)
def test_counted_offsets(clause: str, phrase: str, day: tuple[int, int, int], future: bool) -> None:
    _check(clause, phrase, day, future)


@pytest.mark.parametrize(
    ("clause", "phrase", "day", "future"),
    [
        ("Next Friday is my sister's wedding", "on Friday, 12 May 2023", (2023, 5, 12), True),
        ("This coming Monday I start", "on Monday, 15 May 2023", (2023, 5, 15), True),
        ("next Monday I start", "on Monday, 15 May 2023", (2023, 5, 15), True),
        ("this Friday we fly", "on Friday, 12 May 2023", (2023, 5, 12), True),
        ("I joined last Tues", "on Tuesday, 2 May 2023", (2023, 5, 2), False),
        ("this past Sunday I ran", "on Sunday, 7 May 2023", (2023, 5, 7), False),
        # An open day name follows the tense of the clause.
        ("I have a job interview on Friday", "on Friday, 12 May 2023", (2023, 5, 12), True),
        ("I had a job interview on Friday", "on Friday, 5 May 2023", (2023, 5, 5), False),
        ("I booked a table for Saturday", "on Saturday, 13 May 2023", (2023, 5, 13), True),
        ("Friday is my sister's wedding", "on Friday, 12 May 2023", (2023, 5, 12), True),
        ("my exam is Thursday", "on Thursday, 11 May 2023", (2023, 5, 11), True),
    ],
)
def test_weekdays(clause: str, phrase: str, day: tuple[int, int, int], future: bool) -> None:
    _check(clause, phrase, day, future)


def test_habits_and_plain_words_are_not_dates() -> None:
    for clause in ("I swim every Friday", "I swim on Fridays", "Sunday roast is the best",
                   "this may take a while", "we may 3D print it"):  # fmt: skip
        assert find_time_expression(clause, REF) is None, clause


@pytest.mark.parametrize(
    ("clause", "phrase", "day", "future"),
    [
        ("last weekend I went hiking", "on the weekend of 6 May 2023", (2023, 5, 6), False),
        ("this weekend we camp", "on the weekend of 13 May 2023", (2023, 5, 13), True),
        ("next weekend we camp", "on the weekend of 13 May 2023", (2023, 5, 13), True),
        ("last week we visited Lyon", "in the week of 1 May 2023", (2023, 5, 1), False),
        ("next week I'm going to Paris", "in the week of 15 May 2023", (2023, 5, 15), True),
        ("I started last month", "in April 2023", (2023, 4, 1), False),
        ("next month I move", "in June 2023", (2023, 6, 1), True),
        ("I graduated last year", "in 2022", (2022, 1, 1), False),
        ("next year I retire", "in 2024", (2024, 1, 1), True),
    ],
)
def test_weeks_weekends_months_years(
    clause: str, phrase: str, day: tuple[int, int, int], future: bool
) -> None:
    _check(clause, phrase, day, future)


@pytest.mark.parametrize(
    ("clause", "phrase", "day", "future"),
    [
        ("next spring I run a marathon", "in spring 2024", (2024, 3, 1), True),
        ("this summer we sail", "in summer 2023", (2023, 6, 1), True),
        ("last summer we sailed", "in summer 2022", (2022, 6, 1), False),
        ("last winter I skied", "in the winter of 2022–23", (2022, 12, 1), False),
        ("this spring I planted roses", "in spring 2023", (2023, 3, 1), False),
        ("next fall I study", "in autumn 2023", (2023, 9, 1), True),
    ],
)
def test_seasons(clause: str, phrase: str, day: tuple[int, int, int], future: bool) -> None:
    _check(clause, phrase, day, future)


def test_next_spring_said_in_winter_is_this_years() -> None:
    found = find_time_expression("next spring I run a marathon", datetime(2024, 1, 10, tzinfo=UTC))
    assert found is not None and found.phrase == "in spring 2024"


@pytest.mark.parametrize(
    ("clause", "phrase", "day", "future"),
    [
        # A month without a year: the nearest one in the direction of the tense.
        ("In May I'm visiting my parents", "in May 2023", (2023, 5, 1), False),
        ("in March I'm going skiing", "in March 2024", (2024, 3, 1), True),
        ("in March I went skiing", "in March 2023", (2023, 3, 1), False),
        ("in June I went to Rome", "in June 2022", (2022, 6, 1), False),
        ("we are getting married next June", "in June 2023", (2023, 6, 1), True),
        ("I quit last December", "in December 2022", (2022, 12, 1), False),
        ("I'll finish by March", "by March 2024", (2024, 3, 1), True),
        # A day without a year, likewise.
        ("my birthday party is on 3 June", "on 3 June 2023", (2023, 6, 3), True),
        ("the exam is on 3 March", "on 3 March 2024", (2024, 3, 3), True),
        ("I arrived on 3 June", "on 3 June 2022", (2022, 6, 3), False),
        ("I'm away from 3 June to 5 June", "from 3 June 2023", (2023, 6, 3), True),
    ],
)
def test_months_and_days_without_a_year(
    clause: str, phrase: str, day: tuple[int, int, int], future: bool
) -> None:
    _check(clause, phrase, day, future)


def test_tense() -> None:
    assert is_past("I went skiing") and is_past("we moved to Lyon") and is_past("I had a cold")
    assert not is_past("I'm excited about it") and not is_past("I'm getting married")
    assert not is_past("I will have finished") and not is_past("I need a break")


def test_ground_text_replaces_every_expression_in_place() -> None:
    text, when = ground_text("I fly out next Friday and come back the day after tomorrow.", REF)
    assert text == "I fly out on Friday, 12 May 2023 and come back on 10 May 2023."
    assert when == datetime(2023, 5, 12, tzinfo=UTC)  # the first in reading order
    assert ground_text("I love hiking.", REF) == ("I love hiking.", None)
    assert ground_text("I went out yesterday.", None) == ("I went out yesterday.", None)


# -- the rule extractor stores the grounded text and the event time


def _extract(text: str) -> list:
    out = RuleExtractor().extract(
        [ChatMessage(role="user", content=text, id="m1")],
        context=ExtractContext(reference_time=REF),
    )
    return out.candidates


@pytest.mark.parametrize(
    ("text", "mtype", "content", "day"),
    [
        ("Next Friday is my sister's wedding.", MemoryType.EVENT,
         "User's sister's wedding is on Friday, 12 May 2023.", (2023, 5, 12)),
        ("In 3 days I start my new job.", MemoryType.GOAL,
         "User starts their new job on 11 May 2023.", (2023, 5, 11)),
        ("The day after tomorrow I fly to Lisbon.", MemoryType.GOAL,
         "User flies to Lisbon on 10 May 2023.", (2023, 5, 10)),
        ("This coming Monday I start at the new office.", MemoryType.GOAL,
         "User starts at the new office on Monday, 15 May 2023.", (2023, 5, 15)),
        ("Next spring I'm going to run a marathon.", MemoryType.GOAL,
         "User is going to run a marathon in spring 2024.", (2024, 3, 1)),
        ("Last weekend I went hiking with my dog.", MemoryType.EVENT,
         "User went hiking with their dog on the weekend of 6 May 2023.", (2023, 5, 6)),
        ("Two weeks ago I adopted a cat.", MemoryType.EVENT,
         "User adopted a cat around the week of 24 April 2023.", (2023, 4, 24)),
        ("Tomorrow I have a dentist appointment.", MemoryType.GOAL,
         "User has a dentist appointment on 9 May 2023.", (2023, 5, 9)),
        ("My exam is tomorrow.", MemoryType.EVENT, "User's exam is on 9 May 2023.", (2023, 5, 9)),
        ("Yesterday was my last day at the bakery.", MemoryType.EVENT,
         "User's last day at the bakery was on 7 May 2023.", (2023, 5, 7)),
    ],
)  # fmt: skip
def test_dated_statements_become_dated_memories(
    text: str, mtype: MemoryType, content: str, day: tuple[int, int, int]
) -> None:
    (cand,) = _extract(text)
    assert (cand.type, cand.content) == (mtype, content)
    assert cand.event_time == datetime(*day, tzinfo=UTC)
    assert "dated" in cand.signals


def test_a_second_expression_in_a_clause_is_grounded_too() -> None:
    (cand,) = _extract("I started saving last month for a trip to Japan next spring.")
    assert cand.content == "User started saving in April 2023 for a trip to Japan in spring 2024."
    assert cand.event_time == datetime(2023, 4, 1, tzinfo=UTC)  # the first one dates it


def test_the_fallback_grounds_its_dates_too() -> None:
    (cand,) = _extract("Honestly the whole family gathers at the lake house next weekend.")
    assert "next weekend" not in cand.content and "13 May 2023" in cand.content
    assert cand.event_time == datetime(2023, 5, 13, tzinfo=UTC)


# -- properties

_PAST = ["yesterday", "last night", "the day before yesterday", "{n} days ago",
         "{n} weeks ago", "{n} months ago", "{n} years ago", "last week", "last weekend",
         "this past weekend", "last month", "last year", "last {wd}", "this past {wd}",
         "last summer", "last winter", "last spring", "recently", "the other day",
         "last {month}"]  # fmt: skip
_FUTURE = ["tomorrow", "the day after tomorrow", "in {n} days", "in {n} weeks",
           "in {n} months", "in {n} years", "{n} days from now", "a week from today",
           "next week", "next weekend", "next month", "next year", "next {wd}",
           "this coming {wd}", "next spring", "next winter", "next summer",
           "next {month}"]  # fmt: skip
_OPEN = ["on {wd}", "in {month}", "on {d} {month}", "this weekend", "this {wd}",
         "this summer", "today"]  # fmt: skip
_WDS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip
_FRAMES = {"past": "I went to the lake with Ana {e}.", "future": "I will go to the lake {e}.",
           "plain": "{e} I see the dentist."}  # fmt: skip

refs = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


def _expression(template: str, n: int, wd: str, month: str, d: int) -> str:
    return template.format(n=n, wd=wd, month=month, d=d)


@st.composite
def sentences(draw: st.DrawFn, family: list[str], frames: list[str]) -> str:
    expr = _expression(
        draw(st.sampled_from(family)), draw(st.integers(2, 9)), draw(st.sampled_from(_WDS)),
        draw(st.sampled_from(_MONTHS)), draw(st.integers(1, 28)),
    )  # fmt: skip
    return _FRAMES[draw(st.sampled_from(frames))].format(e=expr)


@settings(max_examples=300, deadline=None)
@given(sentences(_PAST + _FUTURE + _OPEN, list(_FRAMES)), refs)
def test_grounding_is_idempotent(sentence: str, ref: datetime) -> None:
    once, when = ground_text(sentence, ref)
    assert when is not None, sentence
    assert ground_text(once, ref) == (once, when)


@settings(max_examples=300, deadline=None)
@given(sentences(_PAST, ["past", "plain"]), refs)
def test_a_past_expression_never_lands_in_the_future(sentence: str, ref: datetime) -> None:
    found = find_time_expression(sentence, ref)
    assert found is not None and found.when is not None, sentence
    assert found.when <= ref and not found.future


@settings(max_examples=300, deadline=None)
@given(sentences(_OPEN, ["past"]), refs)
def test_an_open_expression_in_a_past_clause_stays_in_the_past(
    sentence: str, ref: datetime
) -> None:
    found = find_time_expression(sentence, ref)
    assert found is not None and found.when is not None, sentence
    assert found.when <= ref


@settings(max_examples=300, deadline=None)
@given(sentences(_FUTURE, ["future", "plain"]), refs)
def test_a_future_expression_lands_after_today(sentence: str, ref: datetime) -> None:
    found = find_time_expression(sentence, ref)
    assert found is not None and found.when is not None, sentence
    today = ref.replace(hour=0, minute=0, second=0, microsecond=0)
    assert found.when > today and found.future
    assert found.when - today < timedelta(days=366 * 10)
