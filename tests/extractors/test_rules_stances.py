"""Stances said in passing (rules/stances.py): objections, lost appeal, avoidance,
comparisons, extraposed values, compromises and "only" habits become implied preference
memories with their reasoning; look-alikes do not.

Every sentence here is invented for the test.
"""

from __future__ import annotations

import pytest

from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.messages import normalize_messages
from langmem_extract.schema import Candidate, MemoryType


def extract(text: str) -> list[Candidate]:
    msgs = normalize_messages([{"role": "user", "content": text}])
    return RuleExtractor().extract(msgs, context=ExtractContext()).candidates


def implied(text: str) -> list[Candidate]:
    return [c for c in extract(text) if c.type == MemoryType.PREFERENCE and "implied" in c.signals]


# (sentence, family, content, attribute, value): one or more per pattern family.
STANCES = [
    # objections
    ("I have a moral objection to trophy hunting.", "aversion",
     "User has a moral objection to trophy hunting.", "likes:trophy hunting", "no"),
    ("I have serious reservations about timeshare deals.", "aversion",
     "User has serious reservations about timeshare deals.", "likes:timeshare deals", "no"),
    ("I have an ethical issue with fast fashion brands.", "aversion",
     "User has an ethical issue with fast fashion brands.", "likes:fast fashion brands", "no"),
    # lost or absent appeal
    ("Cruise holidays have never appealed to me.", "aversion",
     "Cruise holidays have never appealed to User.", "likes:cruise holidays", "no"),
    ("Opera was never really my thing.", "aversion",
     "Opera was never really User's thing.", "likes:opera", "no"),
    ("Escape rooms just don't do it for me.", "aversion",
     "Escape rooms just don't do it for User.", "likes:escape rooms", "no"),
    ("I don't see the appeal of smart fridges.", "aversion",
     "User doesn't see the appeal of smart fridges.", "likes:smart fridges", "no"),
    ("I've lost all interest in fantasy sagas.", "aversion",
     "User has lost all interest in fantasy sagas.", "likes:fantasy sagas", "no"),
    ("I've grown weary of endless sequels.", "aversion",
     "User has grown weary of endless sequels.", "likes:endless sequels", "no"),
    ("I get bored quickly with slow-paced documentaries.", "aversion",
     "User gets bored quickly with slow-paced documentaries.",
     "likes:slow paced documentaries", "no"),
    ("I can't see myself ever owning a convertible.", "aversion",
     "User can't see themselves ever owning a convertible.", "likes:owning convertible", "no"),
    # avoidance kept up
    ("I've stayed away from roller coasters.", "aversion",
     "User has stayed away from roller coasters.", "likes:roller coasters", "no"),
    ("I shy away from crowded night markets.", "aversion",
     "User shies away from crowded night markets.", "likes:crowded night markets", "no"),
    ("I'm not one to splurge on designer labels.", "aversion",
     "User is not one to splurge on designer labels.", "likes:splurge on designer labels", "no"),
    # comparisons
    ("I'd pick a paper map over a phone app any day.", "attraction",
     "User would pick a paper map over a phone app any day.", "likes:paper map", "yes"),
    # values and constraints
    ("It's really important to me that my furniture is locally made.", "value",
     "It's really important to User that User's furniture is locally made.",
     "likes:furniture is locally made", "yes"),
    ("It matters to me that the hotel has step-free access.", "value",
     "It matters to User that the hotel has step-free access.",
     "likes:hotel has step free access", "yes"),
    ("I won't compromise on mattress quality.", "value",
     "User won't compromise on mattress quality.", "likes:mattress quality", "yes"),
    ("I'm a real stickler for punctuality.", "value",
     "User is a real stickler for punctuality.", "likes:punctuality", "yes"),
    ("Carpeted bathrooms are out of the question for me.", "value",
     "Carpeted bathrooms are out of the question for User.", "likes:carpeted bathrooms", "no"),
    # habits and traits
    ("I only buy refurbished laptops.", "habit",
     "User only buys refurbished laptops.", "likes:buy refurbished laptops", "yes"),
    ("I try to shop at farmers' markets.", "habit",
     "User tries to shop at farmers' markets.", "likes:shop at farmers markets", "yes"),
    ("I make sure my sunscreen is reef-safe.", "habit",
     "User makes sure their sunscreen is reef-safe.",
     "likes:sunscreen is reef safe", "yes"),
    ("I've always been more of a cat person.", "trait",
     "User has always been more of a cat person.", "likes:cat person", "yes"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "family", "content", "attribute", "value"), STANCES)
def test_each_stance_yields_an_implied_preference_with_its_reasoning(
    text: str, family: str, content: str, attribute: str, value: str
) -> None:
    (cand,) = implied(text)
    assert (cand.content, cand.attribute, cand.value) == (content, attribute, value)
    assert cand.preference is not None and cand.preference.explicit is False
    assert cand.preference.reasoning.startswith(f"implied {family}:")
    assert ("negation" in cand.signals) == (value == "no")


@pytest.mark.parametrize(
    "text",
    [
        "I have a problem with my laptop.",  # a fault, not an objection
        "I have some concerns about the schedule.",  # a worry, not a stance
        "My brother has a moral objection to zoos.",  # someone else's stance
        "If cruises never appealed to me, I wouldn't ask.",  # a hypothetical
        "Does opera do it for you?",  # a question
        "I only have two days in Porto.",  # "only" with no habit
        "I only found out yesterday.",
        "I'm tired of waiting right now.",  # a passing state
        "I make sure you get the tickets.",  # nothing about the speaker's taste
        "It's important to me.",  # no object
        "Would I pick tea over coffee?",
    ],
)
def test_look_alike_stances_are_not_implied_preferences(text: str) -> None:
    assert implied(text) == []


def test_a_stance_after_a_lead_in_keeps_only_the_stance() -> None:
    got = implied("Ever since a bad fall, I've stayed away from ski slopes.")
    assert [(c.content, c.attribute) for c in got] == [
        ("User has stayed away from ski slopes.", "likes:ski slopes")
    ]


def test_a_reason_said_mid_sentence_is_a_preference_of_its_own() -> None:
    got = implied("I usually pick board games since I find video games too overstimulating.")
    assert [(c.content, c.attribute, c.value) for c in got] == [
        (
            "User usually picks board games since User finds video games too overstimulating.",
            "likes:pick board games",
            "yes",
        ),
        ("User finds video games too overstimulating.", "likes:video games", "no"),
    ]
    prefs = [c for c in extract("I prefer trams because I tend to avoid driving downtown.")]
    assert [c.content for c in prefs] == [
        "User prefers trams.",
        "User tends to avoid driving downtown.",
    ]
    # "prefer X since I …" is no choice of X over Y: the reason is not the rejected option.
    assert all(not (c.attribute or "").startswith("choice:") for c in prefs)
    assert implied("I know the way because I've been there before.") == []


def test_a_verb_phrase_that_drops_the_speaker_is_still_the_speakers() -> None:
    got = [c for c in extract("I prefer printed books - can't stand reading on screens.")]
    assert ("User can't stand reading on screens.", "likes:reading on screens", "no") in [
        (c.content, c.attribute, c.value) for c in got
    ]
    got = extract("My kids love the zoo and can't stand museums.")
    assert not [c for c in got if c.content == "User can't stand museums."]


def test_a_feeling_a_thing_causes_and_a_framed_habit_are_read() -> None:
    (cand,) = implied("Crowded ferries tend to make me feel nauseous.")
    assert (cand.attribute, cand.value) == ("likes:crowded ferries", "no")
    (cand,) = implied("I find timed quizzes more confusing than useful.")
    assert (cand.attribute, cand.value) == ("likes:timed quizzes", "no")
    (cand,) = implied("I'm not really into escape games, even with friends.")
    assert (cand.attribute, cand.value) == ("likes:escape games", "no")
    (cand,) = extract("It reminds me of how I usually avoid fizzy drinks.")
    assert (cand.type, cand.content) == (MemoryType.PREFERENCE, "User usually avoids fizzy drinks.")


def test_a_reason_about_the_speaker_in_any_subject_and_a_like_how_aside() -> None:
    got = implied("I prefer trains over flying, especially since small planes make me anxious.")
    assert [(c.content, c.attribute, c.value) for c in got] == [
        ("Small planes make User anxious.", "likes:small planes", "no")
    ]
    got = extract("I prefer wooden toys, just like how I avoid plastic ones at home.")
    assert "User avoids plastic ones at home." in [c.content for c in got]


def test_prefer_to_a_purpose_or_an_idiom_is_no_choice() -> None:
    (cand,) = extract("I usually prefer short walks to clear my head.")
    assert cand.content == "User usually prefers short walks to clear their head."
    assert not (cand.attribute or "").startswith("choice:")
    (cand,) = extract("I prefer staying close to home on weekends rather than driving far.")
    assert cand.attribute == "choice:driving far|staying close home on weekends"
    (cand,) = extract("I prefer tea to coffee.")  # the choice reading stays
    assert cand.attribute is not None and cand.attribute.startswith("choice:")


def test_a_reason_whose_object_is_a_bare_pronoun_is_not_split_off() -> None:
    got = [c.content for c in extract("I usually prefer vans since I dislike driving them.")]
    assert got == ["User usually prefers vans since User dislikes driving them."]
    got = [c.content for c in extract("I'm fine with dogs - can't stand them indoors though.")]
    assert "User can't stand them indoors though." not in got
