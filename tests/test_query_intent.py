"""What a recall question asks for: a period named without a year, a date, a preference."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore, PutOp
from langgraph.store.memory import InMemoryStore

from langmem_extract.fusion import PERIOD_BONUS, PREFERENCE_BONUS, TIME_BONUS
from langmem_extract.integrations.retriever import MemoryRetriever
from langmem_extract.query_intent import QueryIntent, asks_preference
from langmem_extract.schema import MEMORY_INDEX_FIELDS
from langmem_extract.temporal import in_period, names_no_year
from tests.integrations.helpers import make_memory

NS = ("memories", "u1")
NOW = datetime(2026, 3, 10, tzinfo=UTC)


def test_a_month_named_without_a_year_matches_it_in_any_year() -> None:
    assert names_no_year("When did I go camping in July?")
    assert names_no_year("What did we cook on 3 June?")
    assert not names_no_year("What did I do in July 2021?")
    assert not names_no_year("Where was I last July?")  # anchored to now
    assert not names_no_year("What is my dog called?")
    intent = QueryIntent.of("When did I go camping in July?", NOW)
    assert intent.every_year and intent.period is not None
    assert intent.bonus(None, datetime(2021, 7, 10, tzinfo=UTC)) == PERIOD_BONUS
    assert intent.bonus(None, datetime(2021, 3, 14, tzinfo=UTC)) == 0.0
    assert intent.bonus(None, None) == 0.0
    # With a year the period stays that year's.
    dated = QueryIntent.of("When did I go camping in July 2021?", NOW)
    assert not dated.every_year
    assert dated.bonus(None, datetime(2021, 7, 10)) == PERIOD_BONUS  # naive means UTC
    assert dated.bonus(None, datetime(2019, 7, 10, tzinfo=UTC)) == 0.0


def test_in_period_every_year_handles_a_week_across_new_year() -> None:
    week = (datetime(2025, 12, 29, tzinfo=UTC), datetime(2026, 1, 5, tzinfo=UTC))
    assert in_period(datetime(2019, 1, 2, tzinfo=UTC), week, every_year=True)
    assert in_period(datetime(2019, 12, 30, tzinfo=UTC), week, every_year=True)
    assert not in_period(datetime(2019, 1, 6, tzinfo=UTC), week, every_year=True)
    assert not in_period(datetime(2019, 1, 2, tzinfo=UTC), week)
    assert not in_period(datetime(2020, 2, 29, tzinfo=UTC), week, every_year=True)


def test_question_types() -> None:
    for question in ("Does the user enjoy hiking?", "What is her favourite film?",
                     "Which bands is Tom a fan of?", "What do the kids like?",
                     "What are his hobbies?"):  # fmt: skip
        assert asks_preference(question), question
    for question in ("What was the trip like?", "What does the logo look like?",
                     "Where does the user work?", "What is she interested in pursuing?"):  # fmt: skip
        assert not asks_preference(question), question
    when = QueryIntent.of("When did Ana start the new job?", NOW)
    assert when.when and when.period is None
    assert when.bonus(None, datetime(2024, 5, 1, tzinfo=UTC)) == TIME_BONUS
    assert when.bonus(None, None) == 0.0
    likes = QueryIntent.of("Does the user enjoy hiking?", NOW)
    preference = make_memory(NS, "User is fond of hill walks.", type="preference")
    event = make_memory(NS, "User went hiking in the hills last Sunday.", type="event")
    assert likes.bonus(preference, None) == PREFERENCE_BONUS
    assert likes.bonus(event, None) == 0.0
    assert QueryIntent.of("What hiking has the user done?", NOW).bonus(preference, None) == 0.0


@pytest.fixture
def store(e5_embeddings: Embeddings) -> Iterator[BaseStore]:
    index = {"dims": 384, "embed": e5_embeddings, "fields": MEMORY_INDEX_FIELDS}
    store = InMemoryStore(index=index)  # type: ignore[arg-type]
    memories = [
        make_memory(NS, "User went camping in the mountains with friends.", type="event",
                    event_time=datetime(2021, 3, 14, tzinfo=UTC)),
        make_memory(NS, "User camped beside a lake with their cousins.", type="event",
                    event_time=datetime(2021, 7, 10, tzinfo=UTC)),
        make_memory(NS, "User went hiking in the hills last Sunday.", type="event"),
        make_memory(NS, "User is fond of hill walks.", type="preference"),
        make_memory(NS, "User works as a nurse.", type="fact"),
    ]  # fmt: skip
    store.batch([PutOp(NS, m.id, m.to_value()) for m in memories])
    yield store


def test_recall_ranks_by_what_the_question_asks(store: BaseStore) -> None:
    retriever = MemoryRetriever(store=store, namespace=NS, k=3)
    first = lambda q: retriever.invoke(q)[0].page_content  # noqa: E731
    # Without a month the mountains trip is the nearer memory; "in July" (no year, asked
    # years later) must still find July's trip, not look for a July of the current year.
    assert first("When did I go camping?") == "User went camping in the mountains with friends."
    assert (
        first("When did I go camping in July?") == "User camped beside a lake with their cousins."
    )
    # Asked what the user did, the outing comes first; asked what the user enjoys, the
    # preference does.
    assert first("What hiking has the user done?") == "User went hiking in the hills last Sunday."
    assert first("Does the user enjoy hiking?") == "User is fond of hill walks."
