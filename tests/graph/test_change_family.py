"""Changes no rule keys, caught by their attribute family (graph/change_family.py), the
preference objects said in other words (graph/conflicts.py), and the look-alikes of each
that must not supersede: someone else, an addition, a hypothetical or plan, a question, a
past story, a negation, the same value, a change that names no new value."""

from __future__ import annotations

import pytest
from langgraph.store.base import BaseStore

from langmem_extract.graph import change_family as F
from langmem_extract.graph.conflicts import ConflictModel, cosine
from langmem_extract.schema import Attribute
from tests.graph.helpers import say, supersedes

# -- step 1: the wording checks, no embedder


@pytest.mark.parametrize(
    "content",
    [
        "User's brother has moved over to Leipzig now.",  # someone else
        "User's friend Tom is on the payroll at Adidas now.",
        "User might sign on with Capgemini next year.",  # hypothetical, plan
        "User is planning to be on the payroll at Adidas.",
        "User will be on the payroll at Adidas soon.",
        "Is User now on the payroll at Adidas?",  # question
        "User used to be on the payroll at Adidas.",  # past story
        "User was on the payroll at Adidas as a student.",
        "User also signed on with Capgemini for weekend shifts.",  # addition
        "User is still on the payroll at Adidas.",  # the same value
        "User has been on the payroll at Adidas for ten years.",
        "User is not on the payroll at Adidas now.",  # a negation, no change
        "User is on the payroll at Adidas.",  # no change cue
        'User said: "Ich bin jetzt bei Adidas."',  # a verbatim fallback
    ],
)
def test_wordings_that_are_not_the_users_present_change(content: str) -> None:
    assert F.change_shape(content, "User") is None


def test_a_change_keeps_its_names_and_masks_them() -> None:
    shape = F.change_shape("User is now on the payroll at Adidas since March.", "User")
    assert shape is not None
    assert shape.names == ("Adidas",)  # a month is not a value
    assert shape.masked == "User is now on the payroll at X since March."
    ours = F.change_shape("User and others have finally settled down in Leipzig.", "User")
    assert ours is not None and ours.names == ("Leipzig",)
    mine = F.change_shape("User's new address is in Leipzig.", "User")
    assert mine is not None and mine.names == ("Leipzig",)
    # the extractor's change mark stands for a cue it dropped
    assert F.change_shape("User is on the payroll at Adidas.", "User", changed=True)


def test_a_new_value_must_be_named_and_differ() -> None:
    shape = F.change_shape("User has just settled in Leipzig.", "User")
    assert shape is not None
    assert F.new_value(Attribute.LOCATION.value, shape, "Dresden") == "Leipzig"
    assert F.new_value(Attribute.LOCATION.value, shape, "Leipzig") is None
    unnamed = F.change_shape("User has just moved to a bigger flat.", "User")
    assert unnamed is not None and F.new_value(Attribute.LOCATION.value, unnamed, "Dresden") is None
    age = F.change_shape("User celebrated their 51st birthday yesterday.", "User")
    assert age is not None
    assert F.new_value(Attribute.AGE.value, age, "50") == "51"
    assert F.new_value(Attribute.AGE.value, age, "51") is None
    diet = F.change_shape("User has been vegan again since May.", "User")
    assert diet is not None and F.new_value(Attribute.DIET.value, diet, "vegan") is None


# -- step 2: the family by embedding


@pytest.mark.parametrize(
    ("content", "family"),
    [
        ("User has settled down in Leipzig now.", Attribute.LOCATION.value),
        ("User is on the payroll at Adidas now.", Attribute.EMPLOYER.value),
        ("User hung up their apron and retired last month.", Attribute.OCCUPATION.value),
        ("User is eating steak again.", Attribute.DIET.value),
        ("User is behind the wheel of a Kia Niro now.", Attribute.VEHICLE.value),
        ("User celebrated their 51st birthday yesterday.", Attribute.AGE.value),
    ],
)
def test_the_family_of_a_change(memory_store: BaseStore, content: str, family: str) -> None:
    model = ConflictModel(memory_store, ("f",), None)
    shape = F.change_shape(content, "User")
    assert shape is not None
    assert F.statement_family(shape, model._embed, cosine) == family


@pytest.mark.parametrize(
    "content",
    [
        "User has been learning the cello since January.",  # a hobby
        "User adopted a rescue greyhound last month.",  # a pet
        "User has started cooking more lentils lately.",  # more of something: an addition
        # nearest a family's prototype, refused by the name's kind or a family word
        "User now gets groceries from Ocado.",
        "User has just renewed their Costco membership.",
        "User's new bike is a Brompton.",
        "User's new office is in Amsterdam.",
        "User went to a wedding last month.",
        "User retired their old laptop.",
        "User has been eating out again.",
        "User just got their 3rd vaccine dose.",
        "User celebrated their daughter's 5th birthday yesterday.",
    ],
)
def test_statements_of_no_single_valued_family(memory_store: BaseStore, content: str) -> None:
    model = ConflictModel(memory_store, ("f",), None)
    shape = F.change_shape(content, "User")
    assert shape is None or F.statement_family(shape, model._embed, cosine) is None


# -- through the graph: each family's change, and its look-alikes

CHANGES = [
    ("I live in Dresden.", "We've finally settled down in Leipzig."),
    ("I work at Lidl.", "I'm on the payroll at Rewe now."),
    ("I'm a carpenter.", "I hung up my tools last month and retired."),
    ("I'm vegetarian.", "I'm eating steak again."),
    ("I drive a Fiat Panda.", "I'm behind the wheel of a Kia Niro now."),
    ("I'm 50.", "I celebrated my 51st birthday yesterday."),
]
LOOK_ALIKES = [
    ("I live in Dresden.", "My brother has finally settled down in Leipzig."),
    ("I live in Dresden.", "We might settle down in Leipzig someday."),
    ("I live in Dresden.", "I've just moved to a bigger flat."),
    ("I live in Dresden.", "I lived in Leipzig during university."),
    ("I work at Lidl.", "My wife is on the payroll at Rewe now."),
    ("I work at Lidl.", "I'm also on the payroll at Rewe on weekends."),
    ("I work at Lidl.", "Would I be happier on the payroll at Rewe?"),
    ("I work at Lidl.", "I'm still on the payroll at Lidl."),
    ("I'm vegetarian.", "My son is eating steak again."),
    ("I'm vegetarian.", "I've started eating more lentils."),
    ("I drive a Fiat Panda.", "I test-drove a Kia Niro yesterday."),
    ("I'm 50.", "My sister celebrated her 51st birthday yesterday."),
]


@pytest.mark.parametrize(("first", "second"), CHANGES)
def test_a_change_no_rule_keys_supersedes_by_family(
    duck: BaseStore, first: str, second: str
) -> None:
    assert supersedes(duck, first, second)


@pytest.mark.parametrize(("first", "second"), LOOK_ALIKES)
def test_its_look_alikes_do_not_supersede(duck: BaseStore, first: str, second: str) -> None:
    assert not supersedes(duck, first, second)


def test_the_change_is_stored_under_the_family_key(duck: BaseStore) -> None:
    ns = ("memories", "keyed")
    say(duck, "I work at Lidl.", ns)
    two = say(duck, "I'm on the payroll at Rewe now.", ns)
    new = duck.get(ns, two.items[0].memory_id)
    assert new is not None
    assert (new.value["attribute"], new.value["value"]) == ("employer", "Rewe")
    # so a later keyed statement supersedes it in turn
    three = say(duck, "I work at Aldi.", ns)
    assert three.items[0].action.value == "supersede"
    assert three.items[0].target_id == new.key


# -- preferences: the same object in other words, a head noun, a taste that faded

PREFERENCE_CHANGES = [
    ("I love comedy films.", "Comedy movies don't do it for me anymore."),
    ("I love dark chocolate.", "I've given up chocolate."),
    ("I love golf.", "I've lost interest in golf."),
]
PREFERENCE_LOOK_ALIKES = [
    ("I love red wine.", "I don't like white wine anymore."),  # another object of one kind
    ("I love peanut butter.", "I've given up butter."),  # the word before makes it another
    ("I love chocolate.", "I've given up dark chocolate."),  # a member, not the whole
    ("I love golf.", "My husband has lost interest in golf."),
]


@pytest.mark.parametrize(("first", "second"), PREFERENCE_CHANGES)
def test_a_taste_changed_in_other_words_supersedes(
    duck: BaseStore, first: str, second: str
) -> None:
    assert supersedes(duck, first, second)


@pytest.mark.parametrize(("first", "second"), PREFERENCE_LOOK_ALIKES)
def test_other_tastes_do_not_supersede(duck: BaseStore, first: str, second: str) -> None:
    assert not supersedes(duck, first, second)


def test_a_break_up_ends_the_stored_partner(duck: BaseStore) -> None:
    assert supersedes(duck, "My boyfriend is Karim.", "Karim and I broke up.")
    assert not supersedes(duck, "My boyfriend is Karim.", "My sister and her boyfriend broke up.")
