"""Changes worded around the fact supersede the old one, one test per wording family
(extractors/rules/fact_changes.py and the preference lists of graph/conflicts.py), and each
family's look-alikes (someone else, a hypothetical, a plan, a wish, a past visit) do not.
DuckDB with the bundled E5 embedder."""

from __future__ import annotations

import pytest
from langgraph.store.base import BaseStore

from tests.graph.helpers import supersedes

# family → (changes that must supersede, look-alikes that must not), each (first, second)
FAMILIES = {
    "time frame": (
        [("I'm based in Montreal.", "These days I live in Quebec City."),
         ("I work at Target.", "Since March I work for Lidl."),
         ("I'm married.", "I'm single again.")],
        [("I'm based in Montreal.", "My sister lives in Quebec City these days."),
         ("I work at Target.", "If I worked for Lidl these days I'd be happier.")],
    ),
    "second clause": (
        [("I work at Target.", "I quit Target and took a job at Costco."),
         ("I live in Bristol.", "I finally moved out of Bristol and into a flat in Bath."),
         ("I'm employed at Tesco.", "I handed in my notice at Tesco and joined Aldi."),
         ("I work at Oracle.", "I left Oracle last month and now I work at SAP.")],
        [("I work at Target.", "I might quit Target and take a job at Costco."),
         ("I work at Target.", "My brother quit Target and took a job at Costco.")],
    ),
    "value as subject": (
        [("I live in Vienna.", "Graz is home now."),
         ("I work at Target.", "Costco is where I work these days."),
         ("I'm based in Dublin.", "Cork has been home since the spring."),
         ("My home is in Phoenix.", "I'm a Tucson resident now.")],
        [("I live in Vienna.", "Graz was home for years."),
         ("I live in Vienna.", "Graz is home to my grandparents.")],
    ),
    "role noun": (
        [("I'm a nurse.", "I'm a midwife now."),
         ("I'm a mechanic.", "I'm a paramedic these days.")],
        [("I'm a nurse.", "My wife is a midwife now."),
         ("I'm a nurse.", "I wish I was a midwife.")],
    ),
    "going back": (
        [("I'm vegan.", "I went back to eating meat."),
         ("I'm vegetarian.", "I've been eating meat again since January.")],
        [("I'm vegan.", "My son went back to eating meat."),
         ("I'm vegan.", "I went back to the steakhouse to pick up my sister.")],
    ),
    "a taste that turned": (
        [("I hate olives.", "I've started to love olives."),
         ("I love running.", "I've come to hate running.")],
        [("I hate olives.", "My son has started to love olives."),
         ("I hate olives.", "I might learn to love olives.")],
    ),
    "diet by what is eaten": (
        [("I'm vegan.", "I eat fish now."),
         ("I'm vegetarian.", "I've started eating fish.")],
        [("I'm pescatarian.", "I've been eating fish every Friday."),
         ("I'm vegan.", "My husband eats fish now.")],
    ),
    "status, vehicle and role said another way": (
        [("I'm single.", "I'm seeing someone now."),
         ("I drive a Prius.", "I swapped my Prius for a Tesla Model Y."),
         ("I have a Jeep Wrangler.", "I got rid of the Jeep."),
         ("My boss is Kevin.", "Kevin quit and Sara took over as my boss."),
         ("We live in Perth.", "We've settled in Adelaide now.")],
        [("I'm single.", "My best friend is seeing someone now."),
         ("I drive a Prius.", "I still drive my old Prius."),
         ("My boss is Kevin.", "Sara took over as team captain."),
         ("I live in Perth.", "My daughter has settled in Adelaide now.")],
    ),
    "dish of a category": (
        [("I love pepperoni pizza.", "I don't eat pork anymore."),
         ("I love milkshakes.", "I've cut dairy out completely.")],
        [("I love peanut butter.", "I've cut dairy out completely."),
         ("I love pepperoni pizza.", "My girlfriend doesn't eat pork anymore."),
         ("I love salami.", "I'm trying to eat less meat.")],
    ),
    "switch from a product in use": (
        [("I use Chrome.", "I've switched to Safari."),
         ("I prefer Spotify.", "I switched to Apple Music."),
         ("I'm an iPhone user.", "I switched to Android.")],
        [("I use Chrome.", "My dad switched to Safari."),
         ("I use Chrome.", "I'm thinking of switching to Safari.")],
    ),
}  # fmt: skip


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_change_in_this_wording_supersedes(duck: BaseStore, family: str) -> None:
    changes, _ = FAMILIES[family]
    for first, second in changes:
        assert supersedes(duck, first, second), (first, second)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_its_look_alikes_do_not(duck: BaseStore, family: str) -> None:
    _, look_alikes = FAMILIES[family]
    for first, second in look_alikes:
        assert not supersedes(duck, first, second), (first, second)
