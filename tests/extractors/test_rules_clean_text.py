"""Memories from the rule extractor read on their own: resolved pronouns, kept names,
agreeing verbs, named relations, no fragments, and the "said:" memory as a last resort."""

from __future__ import annotations

import pytest

from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.rules import RuleExtractor, third_person
from langmem_extract.extractors.rules.coreference import resolve_plural, resolve_pronouns
from langmem_extract.extractors.rules.relations import relation_mentions
from langmem_extract.extractors.rules.wellformed import well_formed
from langmem_extract.messages import normalize_messages
from langmem_extract.schema import Candidate, Category, MemoryType

SESSION = "1:56 pm on 8 May, 2023"


def extract(*texts: str) -> list[Candidate]:
    msgs = [{"role": "user", "content": t} for t in texts]
    return RuleExtractor().extract(normalize_messages(msgs), context=ExtractContext()).candidates


def chat(*turns: tuple[str, str]) -> list[Candidate]:
    msgs = [{"role": "user", "name": n, "content": t, "timestamp": SESSION} for n, t in turns]
    return RuleExtractor().extract(normalize_messages(msgs), context=ExtractContext()).candidates


def contents(*texts: str) -> list[str]:
    return [c.content for c in extract(*texts)]


# -- the cases users reported, each with the text it must now read as


def test_a_later_i_becomes_they_not_the_name_again() -> None:
    assert contents("I always fly with TAP when I can.") == [
        "User always flies with TAP when they can."
    ]
    # The "I think" frame is looked through (rules/implied.py), the hedge kept.
    assert contents("I think I might prefer tea.") == ["User might prefer tea."]


def test_a_possessive_inside_a_rewritten_fact_is_third_person() -> None:
    location, partner = extract("I live in Leeds with my partner Tom.")
    assert location.content == "User lives in Leeds with their partner Tom."
    assert (location.attribute, location.value) == ("location", "Leeds")
    assert partner.content == "Tom is User's partner."


def test_coordinated_verbs_agree_with_the_subject() -> None:
    assert contents("I use Neovim and write mostly Rust.") == [
        "User uses Neovim and writes mostly Rust."
    ]
    # after a modal or an infinitive the second verb stays bare
    assert contents("I'm gonna give it a shot and see how it goes with the new bike.") == [
        "User is gonna give it a shot and see how it goes with the new bike."
    ]
    assert contents("I love to cook pasta and bake bread on weekends.")[0] == (
        "User loves to cook pasta and bake bread on weekends."
    )


def test_her_names_the_person_named_in_the_same_turn() -> None:
    got = contents("Ana is my best friend. I want to visit her after the conference.")
    assert "User wants to visit Ana after the conference." in got
    assert "Ana is User's best friend." in got


def test_her_names_the_person_named_in_the_previous_turn_when_unambiguous() -> None:
    got = chat(
        ("Bo", "I met Ana at the conference in Porto."),
        ("Nate", "I want to visit her after the summer holidays."),
    )
    assert got[-1].content == "Nate wants to visit Ana after the summer holidays."
    # two women named: "her" is not guessed, the words are kept as a quote instead
    (_, quoted) = chat(
        ("Bo", "I met Ana and Lena at the conference."),
        ("Nate", "I want to visit her after the summer holidays."),
    )
    assert "Nate wants to visit" not in quoted.content
    assert quoted.content.endswith('"I want to visit her after the summer holidays."')
    assert "quote" in quoted.signals


def test_names_keep_their_capitals() -> None:
    got = contents("My daughter Lucy is five.")
    assert "User's daughter Lucy is five." in got
    assert "Lucy is User's daughter." in got
    assert all("lucy" not in c for c in got)


def test_ana_is_my_sister_is_a_keyed_relation() -> None:
    (rel,) = extract("Ana is my sister.")
    assert rel.type == MemoryType.RELATIONSHIP and rel.category == Category.FAMILY
    assert (rel.content, rel.subject) == ("Ana is User's sister.", "User")
    assert (rel.attribute, rel.value) == ("relation:sister:ana", "Ana")


def test_fragments_like_chose_here_are_not_memories() -> None:
    assert chat(("Bo", "Look what I found!"), ("Melanie", "Here it is!")) == []
    assert chat(("Bo", "hi"), ("Melanie", "Proud of you! Keep going, buddy.")) == []


def test_the_said_fallback_is_a_last_resort() -> None:
    # one clause matched a rule: the other clause no longer adds a "said:" memory
    got = chat(("Bo", "hi"), ("Gina", "I love hiking. The trail near the harbor was muddy."))
    assert [c.content for c in got] == ["Gina loves hiking."]


# -- relations


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Ana is my sister.", "Ana", "sister"),
        ("My sister Ana lives in Denver.", "Ana", "sister"),
        ("Ana, my sister, is a nurse.", "Ana", "sister"),
        ("My best friend, Tom, moved to Oslo.", "Tom", "best friend"),
        ("My daughter's name is Lucy.", "Lucy", "daughter"),
        ("My dog is named Rex.", "Rex", "dog"),
        ("Yesterday Carla was my boss for the last time.", None, None),
    ],
)
def test_relation_mentions(text: str, name: str | None, role: str | None) -> None:
    found = [(r.name, r.role) for r in relation_mentions(text)]
    assert found == ([(name, role)] if name else [])


def test_a_role_held_once_is_keyed_by_role_and_one_held_by_many_by_name() -> None:
    got = {c.content: c.attribute for c in extract("My boss is Carla. Bea is my sister too.")}
    assert got["Bea is User's sister."] == "relation:sister:bea"
    # One role held once: slots.py keys "boss" with "manager" (one person per role).
    assert got == {
        "User's boss is Carla.": "relation:manager",
        "Bea is User's sister.": "relation:sister:bea",
    }
    assert [c.type for c in extract("Ana, my sister, is a nurse.")] == [
        MemoryType.FACT,
        MemoryType.RELATIONSHIP,
    ]
    assert contents("Ana, my sister, is a nurse.")[0] == "Ana, User's sister, is a nurse."


# -- coreference, third person and the well-formedness check


def test_they_takes_the_plural_the_other_speaker_named() -> None:
    (cand,) = chat(
        ("Bo", "What do your turtles eat?"),
        ("Nate", "They eat a mix of vegetables, fruit and insects."),
    )
    assert cand.content == "Nate's turtles eat a mix of vegetables, fruit and insects."
    assert resolve_plural("I love my kids and spend time with them", "", "") == (
        "I love my kids and spend time with them"
    )
    assert resolve_plural("They represent growth", "Flowers bring joy. ", "") == (
        "Flowers represent growth"
    )
    assert resolve_plural("They were great", "", "") is None


def test_resolve_pronouns_uses_gender_from_the_relation() -> None:
    here = "My brother Sam and my sister Ana came over."
    assert resolve_pronouns("User cooked for her.", "User", None, here) == "User cooked for Ana."
    assert resolve_pronouns("User met his wife.", "User", None, here) == "User met Sam's wife."
    assert resolve_pronouns("User met her.", "User", None, "I met Ana and Lena.") is None
    assert resolve_pronouns("User met nobody.", "User", None, "") == "User met nobody."


@pytest.mark.parametrize(
    ("text", "subject", "addressee", "expected"),
    [
        ("I'm sure I'll manage", "Jo", None, "Jo is sure they will manage."),
        ("I told you I was busy", "Jo", "Bo", "Jo told Bo Jo was busy."),
        ("Cool that you get to immerse yourself", "Jo", "Bo", "Cool that Bo gets to immerse themselves."),
        ("I saw your photo of you two", "Jo", "Bo", "Jo saw Bo's photo of Bo and others."),
        ("I gotta tell you about my week", "Jo", "Bo", "Jo has to tell Bo about Jo's week."),
        ("I read it a while back", "Jo", None, "Jo read it a while back."),
        ("I tend to just stick with tea", "Jo", None, "Jo tends to just stick with tea."),
        ("I believe in us", "Jo", None, "Jo believes in Jo and others."),
    ],
)  # fmt: skip
def test_third_person(text: str, subject: str, addressee: str | None, expected: str) -> None:
    assert third_person(text, subject, addressee) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maria's support really means a lot, Maria.", "Maria's support really means a lot."),
        ("Gina is so happy to see Jon motivated, Jon <3", "Gina is so happy to see Jon motivated."),
        ("Jo went hiking with her sister.", "Jo went hiking with her sister."),
        ("Proud of Jo!", None),
        ("Just part of the journey to success.", None),
        ("Reminds Jo how awesome life is.", None),
        ("They've become like family to Jo.", None),
        ("Jo got it.", None),
        ("Whenever Jo hears this song.", None),
        ("Dance floors help avoid injuries.", "Dance floors help avoid injuries."),
    ],
)
def test_well_formed(text: str, expected: str | None) -> None:
    assert well_formed(text, ("Jo", "Maria", "Jon")) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Carla is my boss.", "relation:manager"),
        ("My boss Carla is strict.", "relation:manager"),
        ("Ana is my wife.", "relation:partner"),
        ("Tom is my husband.", "relation:partner"),
        ("Bea is my sister.", "relation:sister:bea"),
    ],
)
def test_a_named_relation_uses_the_same_role_key_as_a_role_change(text: str, key: str) -> None:
    # One key per role (slots.ROLE_KEYS): "Carla is my boss" and "my new manager is Tom"
    # name one relation, and so do "Ana is my wife" and "Tom is my husband".
    assert [r.attribute for r in relation_mentions(text)] == [key]
