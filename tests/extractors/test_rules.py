"""The offline rule extractor: what it finds and how it rewrites it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from langmem_extract.errors import InvalidInputError
from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.rules import RuleExtractor, third_person
from langmem_extract.messages import normalize_messages
from langmem_extract.schema import Candidate, MemoryKind, MemoryType, Provenance

SESSION = "1:56 pm on 8 May, 2023"


def extract(*texts: str, timestamp: str | None = SESSION, **ctx: object) -> list[Candidate]:
    msgs = [{"role": "user", "content": t, "timestamp": timestamp} for t in texts]
    return (
        RuleExtractor().extract(normalize_messages(msgs), context=ExtractContext(**ctx)).candidates
    )  # type: ignore[arg-type]


def one(text: str, **kw: object) -> Candidate:
    (cand,) = extract(text, **kw)
    return cand


@pytest.mark.parametrize(
    ("text", "mtype", "content", "attribute", "value"),
    [
        ("I work as a software engineer at Google.", MemoryType.FACT, "User works as a software engineer at Google.", "occupation", "software engineer"),
        ("I'm a nurse.", MemoryType.FACT, "User is a nurse.", "occupation", "nurse"),
        ("I live in Lisbon.", MemoryType.FACT, "User lives in Lisbon.", "location", "Lisbon"),
        ("my timezone is PST", MemoryType.FACT, "User's timezone is PST.", "timezone", "PST"),
        ("My name is Dana.", MemoryType.FACT, "User's name is Dana.", "name", "Dana"),
        ("I'm 34 years old.", MemoryType.FACT, "User is 34 years old.", "age", "34"),
        ("I'm allergic to peanuts.", MemoryType.PREFERENCE, "User is allergic to peanuts.", "allergy:peanuts", "yes"),
        ("I have two cats named Milo and Otis.", MemoryType.FACT, "User has two cats named Milo and Otis.", None, None),
        ("My wife is a teacher.", MemoryType.RELATIONSHIP, "User's wife is a teacher.", None, None),
        ("I prefer email over phone calls", MemoryType.PREFERENCE, "User prefers email over phone calls.", "choice:email|phone calls", "email"),
        ("I love hiking.", MemoryType.PREFERENCE, "User loves hiking.", "likes:hiking", "yes"),
        ("I can't stand cilantro.", MemoryType.PREFERENCE, "User can't stand cilantro.", "likes:cilantro", "no"),
        ("I'm not a big fan of horror movies.", MemoryType.PREFERENCE, "User is not a big fan of horror movies.", "likes:horror movies", "no"),
        ("I'd rather take the train than fly.", MemoryType.PREFERENCE, "User would rather take the train than fly.", None, None),
        ("My favourite band is Radiohead.", MemoryType.PREFERENCE, "User's favorite band is Radiohead.", "favorite:band", "Radiohead"),
        ("I'm vegetarian.", MemoryType.PREFERENCE, "User is vegetarian.", "diet", "vegetarian"),
        ("I have a strong aversion to horror movies.", MemoryType.PREFERENCE, "User has a strong aversion to horror movies.", "likes:horror movies", "no"),
        ("I want to learn Japanese.", MemoryType.GOAL, "User wants to learn Japanese.", None, None),
        ("I'll go with 7 Days Inn", MemoryType.DECISION, "User decided to go with 7 Days Inn.", None, None),
        ("I decided to quit my job.", MemoryType.DECISION, "User decided to quit their job.", None, None),
        ("Always answer in Spanish.", MemoryType.INSTRUCTION, "User wants the assistant to always answer in Spanish.", None, None),
        ("Keep replies short, please.", MemoryType.INSTRUCTION, "User wants the assistant to keep replies short.", None, None),
        ("Don't use emojis.", MemoryType.INSTRUCTION, "User does not want the assistant to use emojis.", None, None),
        ("Call me Sam.", MemoryType.INSTRUCTION, "User wants to be called Sam.", "preferred_name", "Sam"),
        ("I'm Maya.", MemoryType.FACT, "User's name is Maya.", "name", "Maya"),
        ("And remember I prefer aisle seats.", MemoryType.PREFERENCE, "User prefers aisle seats.", "likes:aisle seats", "yes"),
        ("We decided to book the hotel near Shinjuku station.", MemoryType.DECISION, "User and others decided to book the hotel near Shinjuku station.", None, None),
        ("I need to avoid anything with gluten.", MemoryType.PREFERENCE, "User needs to avoid anything with gluten.", "likes:anything with gluten", "no"),
    ],
)  # fmt: skip
def test_patterns(
    text: str, mtype: MemoryType, content: str, attribute: str | None, value: str | None
) -> None:
    cand = one(text)
    assert (cand.type, cand.content, cand.attribute, cand.value) == (
        mtype,
        content,
        attribute,
        value,
    )
    assert cand.provenance == Provenance.EXPLICIT_STATEMENT
    assert cand.subject == "User" and cand.source_message_ids and cand.title == content.rstrip(".")


def test_two_statements_in_one_message() -> None:
    got = extract("I prefer dark mode in all my apps. Also, my timezone is PST.")
    assert [(c.type, c.content) for c in got] == [
        (MemoryType.PREFERENCE, "User prefers dark mode in all their apps."),
        (MemoryType.FACT, "User's timezone is PST."),
    ]
    got = extract("I live in Paris and I work as a nurse.")
    assert [c.attribute for c in got] == ["location", "occupation"]


@pytest.mark.parametrize(
    ("text", "content", "day"),
    [
        ("I went to a LGBTQ support group yesterday and it was so powerful.",
         "User went to a LGBTQ support group on 7 May 2023 and it was so powerful.", datetime(2023, 5, 7)),
        ("Yesterday, I went to the dentist.", "User went to the dentist on 7 May 2023.", datetime(2023, 5, 7)),
        ("Two days ago I started a new job.", "User started a new job on 6 May 2023.", datetime(2023, 5, 6)),
        ("I just joined a new activist group last Tues.",
         "User just joined a new activist group on Tuesday, 2 May 2023.", datetime(2023, 5, 2)),
        ("On May 3 I adopted a puppy.", "User adopted a puppy on 3 May 2023.", datetime(2023, 5, 3)),
        ("Last week we visited my parents in Lyon.",
         "User and others visited User's parents in Lyon in the week of 1 May 2023.", datetime(2023, 5, 1)),
    ],
)  # fmt: skip
def test_dated_events_resolve_against_the_message_time(
    text: str, content: str, day: datetime
) -> None:
    cand = one(text)
    assert cand.type == MemoryType.EVENT and cand.kind == MemoryKind.EPISODIC
    assert cand.content == content
    assert cand.event_time is not None and cand.event_time.date() == day.date()
    assert "dated" in cand.signals


def test_future_dates_make_plans_and_reference_time_is_the_fallback() -> None:
    cand = one("Next Friday I'm flying to Tokyo.")
    assert cand.type == MemoryType.GOAL and cand.content.endswith("on Friday, 12 May 2023.")
    cand = one("My goal is to learn Spanish by December.")
    assert cand.content == "User's goal is to learn Spanish by December 2023."
    ref = datetime(2024, 1, 10, tzinfo=UTC)
    cand = one("I went skiing yesterday.", timestamp=None, reference_time=ref)
    assert cand.content == "User went skiing on 9 January 2024."
    # without any time the expression stays as said
    assert one("I went skiing yesterday.", timestamp=None).content == "User went skiing yesterday."


def test_corrections() -> None:
    got = extract("I live in Paris.", "Actually, it's Berlin now.")
    assert [(c.content, c.value, c.provenance) for c in got] == [
        ("User lives in Paris.", "Paris", Provenance.EXPLICIT_STATEMENT),
        ("User lives in Berlin.", "Berlin", Provenance.CORRECTED),
    ]
    assert "correction" in got[1].signals
    moved = one("No, I moved to Munich last month.")
    assert (moved.attribute, moved.value, moved.provenance) == (
        "location",
        "Munich",
        Provenance.CORRECTED,
    )
    assert moved.content == "User moved to Munich in April 2023."
    assert one("I no longer eat meat.").content == "User no longer eats meat."


def test_named_speakers_and_addressee() -> None:
    msgs = normalize_messages(
        [
            {"role": "user", "name": "Caroline", "content": "Thanks, Melanie! I love your pottery.", "timestamp": SESSION},
            {"role": "user", "name": "Melanie", "content": "Take a look at this! I painted a sunrise last year.", "timestamp": SESSION},
        ]
    )  # fmt: skip
    got = RuleExtractor().extract(msgs, context=ExtractContext()).candidates
    assert [(c.subject, c.content) for c in got] == [
        ("Caroline", "Caroline loves Melanie's pottery."),
        ("Melanie", "Melanie painted a sunrise in 2022."),
    ]  # "take a look" between two people is not an instruction


def test_only_user_turns_produce_memories_and_small_talk_is_ignored() -> None:
    msgs = normalize_messages(
        [
            {"role": "system", "content": "I am a helpful assistant. Always be polite."},
            {"role": "assistant", "content": "I love helping. I live in the cloud."},
            {
                "role": "user",
                "content": "Thanks! I think so. What do you think about Rust? I'm good.",
            },
        ]
    )
    assert RuleExtractor().extract(msgs, context=ExtractContext()).candidates == []


def test_pronoun_decision_resolves_to_the_last_named_option() -> None:
    msgs = normalize_messages(
        [
            {"role": "user", "content": "Find me a hotel in Guangzhou."},
            {
                "role": "assistant",
                "content": "Hilton Guangzhou Tianhe is 1200 yuan; 7 Days Inn Pazhou is 220 yuan.",
            },
            {"role": "user", "content": "Hmm, the 7 Days Inn Pazhou looks fine. Let's book it."},
        ]
    )
    got = RuleExtractor().extract(msgs, context=ExtractContext()).candidates
    assert [c.content for c in got if c.type == MemoryType.DECISION] == [
        "User decided to book 7 Days Inn Pazhou."
    ]


def test_redacted_secrets_yield_no_memory() -> None:
    assert (
        extract("My password is [REDACTED:password]. I live in Lisbon.")[0].content
        == "User lives in Lisbon."
    )
    assert len(extract("My password is [REDACTED:password].")) == 0


def test_third_person_rewrite() -> None:
    assert third_person("I really love my dog", "User") == "User really loves their dog."
    assert third_person("I always fly with TAP", "User") == "User always flies with TAP."
    assert third_person("Running was my escape", "Jo") == "Running was Jo's escape."
    assert third_person("I'm sure you're right", "Ana", "Bo") == "Ana is sure Bo is right."
    assert (
        third_person("We went camping with our kids", "Mel")
        == "Mel and others went camping with their kids."
    )


# -- fallback: substantive statements no rule matched


def chat(*turns: tuple[str, str], extractor: RuleExtractor | None = None) -> list[Candidate]:
    msgs = [
        {"id": f"m{i}", "role": "user", "name": who, "content": text, "timestamp": SESSION}
        for i, (who, text) in enumerate(turns)
    ]
    return (
        (extractor or RuleExtractor())
        .extract(normalize_messages(msgs), context=ExtractContext())
        .candidates
    )


def test_fallback_keeps_an_unmatched_statement_as_a_dated_episodic_memory() -> None:
    (cand,) = chat(
        ("Caroline", "How was the workshop?"),
        ("Melanie", "The kids were so excited to get their hands dirty and make bowls with clay!"),
    )
    assert cand.content == (
        "On 8 May 2023, Melanie said: The kids were so excited to get their hands dirty "
        "and make bowls with clay."
    )
    assert (cand.type, cand.kind) == (MemoryType.EVENT, MemoryKind.EPISODIC)
    assert cand.provenance == Provenance.OBSERVED
    assert "fallback" in cand.signals and "generic" in cand.signals
    assert cand.event_time == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    assert cand.source_message_ids == ["m1"]
    assert cand.subject == "Melanie"


def test_fallback_names_the_person_addressed() -> None:
    (cand,) = chat(
        ("Caroline", "I finished the lake painting last week."),
        ("Melanie", "Your paintings of the lake capture the sunset colors so beautifully."),
    )[1:]
    assert cand.content.startswith("On 8 May 2023, Melanie said: Caroline's paintings")
    assert "fallback" in cand.signals


@pytest.mark.parametrize(
    "text",
    [
        "Hey Caroline! How are you doing these days?",
        "Thanks so much, Mel!",
        "That sounds great, good luck with everything!",
        "Wow, so cool.",
        "Keep up the great work, you got this!",
        "What made you choose that school over the other one?",
        "Congrats on the new job, that is huge news!",
    ],
)
def test_fallback_skips_greetings_fillers_questions_and_short_turns(text: str) -> None:
    assert chat(("Caroline", "Hi!"), ("Melanie", text)) == []


def test_fallback_is_one_bounded_memory_per_message() -> None:
    text = (
        "The festival started early with drums from the harbor. Rain soaked the food stalls "
        "before noon. Fireworks lit the old castle walls after midnight. Crowds sang folk "
        "songs along the river banks."
    )
    (cand,) = chat(("Jon", "Tell me."), ("Gina", text))
    assert "Rain soaked the food stalls" in cand.content
    assert "Fireworks lit" in cand.content
    assert "Crowds sang" not in cand.content  # beyond the default three clauses
    (short,) = chat(
        ("Jon", "Tell me."), ("Gina", text), extractor=RuleExtractor(max_fallback_clauses=1)
    )
    assert short.content == (
        "On 8 May 2023, Gina said: The festival started early with drums from the harbor."
    )


def test_fallback_is_the_last_resort_and_can_be_turned_off() -> None:
    # A message with a matched clause keeps to its rules: no "said:" memory beside them.
    cands = chat(
        ("Jon", "Hi"), ("Gina", "I love hiking. The trail near the harbor was muddy after rain.")
    )
    assert [c.content for c in cands] == ["Gina loves hiking."]
    assert "fallback" not in cands[0].signals
    # A message nothing matched keeps its words.
    (said,) = chat(("Jon", "Hi"), ("Gina", "The trail near the harbor was muddy after rain."))
    assert (
        said.content == "On 8 May 2023, Gina said: The trail near the harbor was muddy after rain."
    )
    off = chat(
        ("Jon", "Hi"),
        ("Gina", "The trail near the harbor was muddy after rain."),
        extractor=RuleExtractor(fallback=False),
    )
    assert off == []


def test_fallback_clause_bound_must_be_positive() -> None:
    with pytest.raises(InvalidInputError):
        RuleExtractor(max_fallback_clauses=0)
