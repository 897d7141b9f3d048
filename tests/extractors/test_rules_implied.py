"""Implied preferences: aversions, attractions, values, diets, budgets, constraints, habits
and traits said in passing become preference memories; look-alikes do not.

Every sentence here is invented for the test.
"""

from __future__ import annotations

import pytest

from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.extractors.rules.asides import asides
from langmem_extract.extractors.rules.implied import implied_preference, refine
from langmem_extract.graph.score import confidence_of
from langmem_extract.messages import normalize_messages
from langmem_extract.schema import Candidate, MemoryType, Provenance


def extract(*turns: tuple[str, str] | str) -> list[Candidate]:
    msgs = [
        {"role": t[0], "content": t[1]} if isinstance(t, tuple) else {"role": "user", "content": t}
        for t in turns
    ]
    return RuleExtractor().extract(normalize_messages(msgs), context=ExtractContext()).candidates


def preferences(text: str) -> list[Candidate]:
    return [c for c in extract(text) if c.type == MemoryType.PREFERENCE]


# (sentence, family, content, attribute, value): one or more per family. The content is the
# clause as said; the object (the conflict key) is trimmed to the thing preferred.
FAMILIES = [
    ("I have a strong aversion to crowded tourist spots.", "aversion",
     "User has a strong aversion to crowded tourist spots.", "likes:crowded tourist spots", "no"),
    ("I have a strong aversion to loud bars, such as sports pubs, because they're noisy.",
     "aversion",
     "User has a strong aversion to loud bars, such as sports pubs, because they're noisy.",
     "likes:loud bars", "no"),
    ("I've got a real soft spot for old train stations.", "attraction",
     "User has got a real soft spot for old train stations.", "likes:old train stations", "yes"),
    ("I'm wary of anything marketed as a miracle cure.", "aversion",
     "User is wary of anything marketed as a miracle cure.",
     "likes:anything marketed as miracle cure", "no"),
    ("I just can't tolerate overly sweet desserts.", "aversion",
     "User just can't tolerate overly sweet desserts.", "likes:overly sweet desserts", "no"),
    ("I refuse to pay for checked luggage.", "aversion",
     "User refuses to pay for checked luggage.", "likes:pay checked luggage", "no"),
    ("I've always been drawn to minimalist architecture, and I visit Oslo often.",
     "attraction", "User has always been drawn to minimalist architecture.",
     "likes:minimalist architecture", "yes"),
    ("I've always been drawn to warm, earthy tones.", "attraction",
     "User has always been drawn to warm, earthy tones.", "likes:warm earthy tones", "yes"),
    ("I'm a sucker for anything with cardamom.", "attraction",
     "User is a sucker for anything with cardamom.", "likes:anything with cardamom", "yes"),
    ("I gravitate towards quiet, family-run guesthouses.", "attraction",
     "User gravitates towards quiet, family-run guesthouses.",
     "likes:quiet family run guesthouses", "yes"),
    ("Nothing beats a slow breakfast on a sunny balcony.", "attraction",
     "For User, nothing beats a slow breakfast on a sunny balcony.",
     "likes:slow breakfast on sunny balcony", "yes"),
    ("Board games with long rulebooks aren't really my thing.", "aversion",
     "Board games with long rulebooks aren't really User's thing.",
     "likes:board games with long rulebooks", "no"),
    ("I find loud open-plan offices exhausting.", "attraction",
     "User finds loud open-plan offices exhausting.", "likes:loud open plan offices", "no"),
    ("Flying makes me really anxious.", "attraction",
     "Flying makes User really anxious.", "likes:flying", "no"),
    ("I firmly believe in a plant-based diet.", "value",
     "User firmly believes in a plant-based diet.", "likes:plant based diet", "yes"),
    ("I'm a firm believer in slow travel.", "attraction",
     "User is a firm believer in slow travel.", "likes:slow travel", "yes"),
    ("Fair wages for farmers are really important to me.", "value",
     "Fair wages for farmers are really important to User.", "likes:fair wages farmers", "yes"),
    ("Loud music at dinner is a deal-breaker for me.", "value",
     "Loud music at dinner is a deal-breaker for User.", "likes:loud music at dinner", "no"),
    ("I follow a mostly Mediterranean diet.", "diet",
     "User follows a mostly Mediterranean diet.", "diet", "mediterranean"),
    ("I'm on a fairly tight budget.", "budget",
     "User is on a fairly tight budget.", "budget", "tight"),
    ("I get seasick on small boats.", "constraint",
     "User gets seasick on small boats.", "likes:seasick", "no"),
    ("I'm trying to cut down on fried food.", "constraint",
     "User is trying to cut down on fried food.", "likes:fried food", "no"),
    ("I usually cycle to the office when it's dry.", "habit",
     "User usually cycles to the office when it's dry.",
     "likes:cycle office when it s dry", "yes"),
    ("I rarely eat out on weekdays.", "habit",
     "User rarely eats out on weekdays.", "likes:eat out on weekdays", "no"),
    ("I swim at the lido every morning before work.", "habit",
     "User swims at the lido every morning before work.", "likes:swim at lido", "yes"),
    ("I'm not much of a beach person, honestly.", "trait",
     "User is not much of a beach person.", "likes:beach person", "no"),
    ("I'm a huge jazz lover.", "trait", "User is a huge jazz lover.", "likes:jazz", "yes"),
    ("Board games are something I really enjoy.", "attraction",
     "Board games are something User really enjoys.", "likes:board games", "yes"),
    ("Golf isn't something I care about.", "attraction",
     "Golf isn't something User cares about.", "likes:golf", "no"),
    ("I'm happiest outdoors.", "attraction", "User is happiest outdoors.", "likes:outdoors", "yes"),
    ("I'm always up for a good board game.", "attraction",
     "User is always up for a good board game.", "likes:good board game", "yes"),
    ("I could eat dumplings every day.", "attraction",
     "User could eat dumplings every day.", "likes:dumplings", "yes"),
    ("I've learned to avoid rush-hour trains.", "attraction",
     "User has learned to avoid rush-hour trains.", "likes:rush hour trains", "no"),
    ("I only wear natural fabrics.", "habit",
     "User only wears natural fabrics.", "likes:wear natural fabrics", "yes"),
    ("Pineapple on pizza is a hard pass for me.", "value",
     "Pineapple on pizza is a hard pass for User.", "likes:pineapple on pizza", "no"),
    ("I'm really picky when it comes to coffee.", "value",
     "User is really picky when it comes to coffee.", "likes:coffee", "yes"),
    ("I have a severe sesame allergy.", "allergy",
     "User has a severe sesame allergy.", "allergy:sesame", "yes"),
    ("I'm someone who needs a lot of quiet time.", "trait",
     "User is someone who needs a lot of quiet time.", "likes:needs lot quiet time", "yes"),
    ("I learn best through hands-on projects.", "habit",
     "User learns best through hands-on projects.", "likes:hands on projects", "yes"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "family", "content", "attribute", "value"), FAMILIES)
def test_each_family_yields_a_preference_with_object_polarity_and_reasoning(
    text: str, family: str, content: str, attribute: str, value: str
) -> None:
    (cand,) = preferences(text)
    assert (cand.type, cand.content, cand.attribute, cand.value) == (
        MemoryType.PREFERENCE,
        content,
        attribute,
        value,
    )
    assert cand.preference is not None and cand.preference.explicit is False
    assert cand.preference.reasoning.startswith(f"implied {family}:")
    assert "implied" in cand.signals
    assert ("negation" in cand.signals) == (value == "no" or family in {"budget", "allergy"})


@pytest.mark.parametrize(
    "text",
    [
        "I can't stand up right now.",  # standing, not a dislike
        "I can't eat anything right now.",  # a passing state
        "Do you think I'd enjoy jazz?",  # a question
        "Do you hate crowded places?",
        "If I hated crowds, I would stay home.",  # a hypothetical
        "I wonder if I would like opera.",
        "My sister can't stand crowds.",  # someone else's taste
        "My husband has a strong aversion to cats.",
        "I'm afraid I can't make it tonight.",  # "afraid" as politeness
        "I value your help.",  # a pronoun, not an object
        "I always wanted to visit Japan as a kid.",  # a wish, not a habit
        "I ran every day last week.",  # past, not a habit
        "I'm a nurse at the city hospital.",  # an occupation, not a trait
    ],
)
def test_look_alikes_are_not_preferences(text: str) -> None:
    got = extract(text)
    assert not [c for c in got if c.type == MemoryType.PREFERENCE and "implied" in c.signals]
    if text != "I always wanted to visit Japan as a kid.":  # the older habit rule keeps it
        assert not [c for c in got if c.type == MemoryType.PREFERENCE]


def test_someone_elses_taste_stays_a_fact_about_them() -> None:
    (cand,) = extract("My sister can't stand crowds.")
    assert (cand.type, cand.content, cand.attribute) == (
        MemoryType.FACT,
        "User's sister can't stand crowds.",
        None,
    )


def test_explicit_rules_win_over_the_implied_reading() -> None:
    # "I can't stand X" is the explicit dislike rule's; "I'm vegan" the diet rule's.
    (stand,) = extract("I can't stand cilantro.")
    assert stand.preference is not None and stand.preference.explicit is True
    assert "implied" not in stand.signals and stand.attribute == "likes:cilantro"
    (vegan,) = extract("I'm vegan.")
    assert (vegan.attribute, vegan.value, vegan.preference.explicit) == ("diet", "vegan", True)
    hit = implied_preference("I'm drawn to bold colours")
    assert hit is not None
    assert refine("I love bold colours", None) is None  # nothing implied there


def test_an_allergy_is_a_health_preference_with_its_allergen_as_key() -> None:
    (cand,) = extract("I'm allergic to tree nuts.")
    assert (cand.type, cand.category, cand.attribute, cand.value) == (
        MemoryType.PREFERENCE,
        "health",
        "allergy:tree nuts",
        "yes",
    )
    assert cand.preference is not None and "tree nuts" in cand.preference.reasoning


def test_lead_ins_and_questions_keep_the_preference_they_carry() -> None:
    got = preferences(
        "As someone who's always been fascinated by volcanoes, what should I see in Iceland?"
    )
    assert [c.content for c in got] == ["User has always been fascinated by volcanoes."]
    got = preferences("As someone who values quiet mornings, what routine would suit me?")
    assert [(c.content, c.attribute) for c in got] == [
        ("User values quiet mornings.", "likes:quiet mornings")
    ]
    got = preferences("Since I'm lactose intolerant, which cheeses are safe?")
    # An intolerance is no diet key: it must not supersede "vegetarian" (rules/slots.py).
    assert [(c.content, c.attribute) for c in got] == [("User is lactose intolerant.", None)]
    got = preferences("I'm on a shoestring budget, so what would you suggest for Rome?")
    assert [(c.content, c.value) for c in got] == [
        ("User is on a shoestring budget.", "shoestring")
    ]
    got = preferences("As a vegan, I'm looking for bakeries in Ghent.")
    assert ("User is a vegan.", "diet") in [(c.content, c.attribute) for c in got]


def test_a_lead_in_turned_preference_is_not_repeated_as_a_said_event() -> None:
    got = extract("As someone who values quiet mornings, I'm wondering what routine would work.")
    assert not [c for c in got if "fallback" in c.signals]
    assert [c.content for c in got if c.type == MemoryType.PREFERENCE] == [
        "User values quiet mornings."
    ]


def test_asides_find_statements_only_in_lead_ins_and_questions() -> None:
    found = list(asides("As someone who hates queues, I book early. Any tips?"))
    # The statement itself first; the self-description for when no rule reads it.
    assert found == [
        ("As someone who hates queues", "I hate queues"),
        ("As someone who hates queues", "I'm someone who hates queues"),
    ]
    found = [s for _, s in asides("I'm on a budget, so what do you suggest? Thanks!")]
    assert found == ["I'm on a budget"]
    # A question with no statement half, and a conditional inside one, give nothing.
    assert not list(asides("What would you suggest if I don't like crowds?"))
    assert not list(asides("Would I like opera?"))


def test_assistant_turns_and_other_speakers_yield_nothing() -> None:
    got = extract(("assistant", "I've always been drawn to minimalist design."), "Thanks!")
    assert got == []


def test_implied_preferences_score_lower_confidence_than_explicit_ones() -> None:
    (explicit,) = extract("I don't like crowded tourist spots.")
    (stated,) = extract("I have a strong aversion to crowded tourist spots.")
    (inferred,) = extract("I'm on a tight budget.")
    assert stated.provenance == Provenance.EXPLICIT_STATEMENT
    assert inferred.provenance == Provenance.INFERRED
    assert confidence_of(explicit) > confidence_of(stated) > confidence_of(inferred)
    assert confidence_of(stated) == pytest.approx(0.80)
    assert confidence_of(inferred) == pytest.approx(0.50)


def test_one_turn_with_several_preferences_in_passing() -> None:
    turn = (
        "I'm planning a week in Portugal. I'm not much of a beach person, and I tend to get "
        "bored lying around. I've always been drawn to old towns with steep streets."
    )
    got = preferences(turn)
    assert [(c.attribute, c.value) for c in got] == [
        ("likes:beach person", "no"),
        ("likes:get bored lying around", "no"),
        ("likes:old towns with steep streets", "yes"),
    ]


def test_a_statement_inside_a_discourse_frame_is_read_for_itself() -> None:
    got = extract("I have to say, I can't stand crowded beaches.")
    assert [(c.type, c.content) for c in got] == [
        (MemoryType.PREFERENCE, "User can't stand crowded beaches.")
    ]
    (felt,) = extract("I feel like I've always been drawn to jazz.")
    assert (felt.content, felt.attribute) == ("User has always been drawn to jazz.", "likes:jazz")
    (known,) = extract("I know my sister loves opera.")
    assert (known.type, known.content) == (MemoryType.FACT, "User's sister loves opera.")
    assert extract("I'm not sure I like opera.") == []  # doubt states no preference


def test_a_topic_lead_in_stays_with_its_preference() -> None:
    got = extract("When it comes to music, I prefer vinyl records.")
    assert [(c.content, c.attribute) for c in got] == [
        ("When it comes to music, User prefers vinyl records.", "likes:vinyl records")
    ]
    got = extract("As for hotels, I've always been drawn to small boutique places.")
    assert [c.content for c in got] == [
        "As for hotels, User has always been drawn to small boutique places."
    ]
    # "For example" is no topic, and a topic with an event is no preference.
    assert [c.content for c in extract("For example, I love hiking.")] == ["User loves hiking."]
    assert [c.type for c in extract("When it comes to travel, I went to Rome in 2019.")] == [
        MemoryType.EVENT
    ]
