"""A referring "it"/"this"/"that" (things.py, referents.py): written as the one activity
or thing the turn named before it, else joined to the memory that names it, followed by the
words that name it, or quoted; left alone when it is an expletive, an idiom or already named
in the memory. All sentences are invented."""

from __future__ import annotations

import pytest

from langmem_extract.extractors.rules.referents import joined, settle_things
from langmem_extract.extractors.rules.selfcheck import quoted
from langmem_extract.extractors.rules.things import (
    antecedents,
    referring,
    resolve_things,
    with_referent,
)
from tests.extractors.chats import REF, contents


@pytest.mark.parametrize(
    ("content", "before", "expected"),
    [
        (
            "Lea finds it really rewarding.",
            "I took up knitting.",
            "Lea finds knitting really rewarding.",
        ),
        (
            "It's been Tom's escape since childhood.",
            "I have always loved swimming.",
            "Swimming has been Tom's escape since childhood.",
        ),
        ("It pays well.", "I got a new job in March.", "The new job pays well."),
        (
            "It's made Tom calmer.",
            "I started a night class.",
            "The night class has made Tom calmer.",
        ),
        ("Lea is pretty proud of it.", "I carved a spoon.", "Lea is pretty proud of the spoon."),
        (
            "It's Tom's pride and joy.",
            "My old bike still runs.",
            "Tom's old bike is Tom's pride and joy.",
        ),
        # the referent is in the same sentence, an earlier clause
        ("Lea finds it calming.", "I enjoy gardening and ", "Lea finds gardening calming."),
    ],
)
def test_one_named_thing_takes_the_place_of_it(content: str, before: str, expected: str) -> None:
    subject = content.split()[0].split("'")[0] if content[0] != "I" else "Lea"
    subject = "Tom" if "Tom" in content else "Lea"
    assert resolve_things(content, before, subject) == expected


@pytest.mark.parametrize(
    "content",
    [
        "It's raining in Oslo.",
        "It is important to Lea to rest on Sundays.",
        "It's been a while since Lea went sailing.",
        "It feels like Lea could run forever.",
        "It seems Lea will move in June.",
        "It was nice seeing Lea's cousins again.",
        "Lea is determined to make it work.",
        "Lea will keep it up.",
        "Lea decided to go for it.",
        "Lea thinks it will rain tomorrow.",
        "Lea found the long trip worth it.",
        "Lea thinks that it is important to rest.",
        "Lea got it done on time.",
        "Lea thinks that Tom is right.",
        "Lea hopes to make it to the final.",
        "Lea usually cycles to work when it's dry.",
        "Lea is picky when it comes to coffee.",
        "Escape rooms just don't do it for Lea.",
        "It matters to Lea that the hotel is quiet.",
        "Lea will give it a shot and see how it goes.",
    ],
)
def test_expletives_and_idioms_are_not_referents(content: str) -> None:
    assert referring(content) == []
    assert resolve_things(content, "I love knitting.", "Lea") == content


@pytest.mark.parametrize(
    "content",
    [
        "Lea opened a bakery and it has been great.",
        "Tom's new bike is fast and Tom loves it.",
        'Lea said: "I love it."',
        "Lea made this for Tom. [shares a photo: a clay mug].",  # the photo shows it
    ],
)
def test_a_thing_the_memory_names_or_quotes_stays(content: str) -> None:
    assert resolve_things(content, "I took up knitting.", "Lea") == content


@pytest.mark.parametrize(
    ("content", "before"),
    [
        ("Lea loves it.", "We went to a concert at the park."),  # two things: which?
        ("Lea finds it rewarding.", "I love writing and painting."),  # two activities
        ("Lea is proud of it.", "Thanks for asking!"),  # nothing named
        ("That was awesome.", "I went to the lake."),  # an event, not a thing
        ("It sounds like a great way to unwind.", "Wow!"),  # "like" + a thing: not expletive
        ("It looks like something from a film.", "Look!"),
        ("Lea loves it and it keeps Lea calm.", "I took up knitting."),  # two of them
        # an object or a clause's subject, with nothing named before it
        ("Lea will send it to Tom later.", "Sure!"),
        ("Lea loves how it shows the river at dawn.", "Wow."),
        ("Lea is glad it had the same effect on Tom.", "Thanks."),
        ("Lea will definitely check it out.", "Thanks for the tip!"),
        ("Lea can't wait to see it happen.", "Fingers crossed."),
        ("A friend made it for Lea's birthday.", "Thanks!"),
        ("Lea also uses it to plan trips.", "Yes."),
        ("Lea needed to do it for the shop.", "It was hard."),
    ],
)
def test_no_single_referent_gives_none(content: str, before: str) -> None:
    assert resolve_things(content, before, "Lea") is None


def test_antecedents_skip_progressives_plurals_and_amounts() -> None:
    assert antecedents("I'm writing a lot these days", "Lea") == []
    assert antecedents("I bought some new boots", "Lea") == []
    assert antecedents("I love baking", "Lea") == ["baking"]
    # "my brother" is not followed by a phrase boundary: not sure it is whole, so "?"
    assert antecedents("My brother fixed my old radio", "Lea") == ["?", "Lea's old radio"]


def test_the_quote_takes_the_sentence_that_names_the_thing() -> None:
    message = "We went to a concert at the park. I loved it so much."
    assert with_referent(message, "I loved it so much.") == [
        "We went to a concert at the park.",
        "I loved it so much.",
    ]
    assert with_referent(message, "We went to a concert at the park.") == [
        "We went to a concert at the park."
    ]


def test_the_extractor_writes_the_activity() -> None:
    out = contents(
        ("Ben", "What do you do to unwind?"),
        ("Tom", "I have always loved swimming. It has been my escape since childhood."),
    )
    assert "Swimming has been Tom's escape since childhood." in out
    assert not any(c.startswith("It ") for c in out)


def test_two_things_named_join_the_memory_that_names_them() -> None:
    out = contents(("Ben", "Hi!"), ("Lea", "We went to a concert at the park. I loved it so much."))
    assert any(c.startswith("Lea and others went to a concert at the park, and ") for c in out)
    assert not any(c.startswith("Lea loved it") for c in out)


def test_an_it_only_the_question_names_is_followed_by_the_question() -> None:
    # an "it" opening its clause may be the whole event: not written as the puzzle
    out = contents(("Ben", "Did you finish the puzzle?"), ("Lea", "Yes, it took me a week."))
    assert out == ['It took Lea a week, replying to Ben\'s "Did you finish the puzzle?".']


def test_joined_reads_as_one_sentence() -> None:
    assert joined("Lea carved a spoon.", "Lea is proud of it.") == (
        "Lea carved a spoon, and Lea is proud of it."
    )
    assert joined("Lea joined a choir.", "It's like therapy for Lea.") == (
        "Lea joined a choir, and it's like therapy for Lea."
    )
    assert joined("Lea painted a barn. [shares a photo: a red barn].", "It took Lea a week.") == (
        "Lea painted a barn, and it took Lea a week. [shares a photo: a red barn]."
    )
    assert joined("Lea bought a lamp.", "Its glow calms Lea.") == (
        "Lea bought a lamp, and its glow calms Lea."
    )
    assert joined("Lea met Ana.", "Ana is kind.") == "Lea met Ana, and Ana is kind."  # a name


def test_an_it_nobody_names_joins_the_memory_that_names_it() -> None:
    # two things in the sentence before: no rewrite, but the memory before names them
    out = contents(
        ("Ben", "How was your weekend?"),
        ("Lea", "I bought a lamp at the flea market. I'm pretty proud of it."),
    )
    assert any(c.endswith(", and Lea is pretty proud of it.") and "lamp" in c for c in out)
    assert "Lea is pretty proud of it." not in out


def test_a_clause_without_memory_that_goes_on_about_it_keeps_the_thing() -> None:
    out = contents(
        ("Ben", "Nice!"),
        ("Lea", "I built a shed in my garden. It took some work, but I'm pretty proud of it."),
    )
    joined_ones = [c for c in out if c.endswith("Lea is pretty proud of it.")]
    assert joined_ones and "shed" in joined_ones[0]


def test_an_unnamed_it_is_dropped_when_the_message_says_more() -> None:
    out = contents(
        ("Ben", "What do you think of it?"),
        ("Lea", "I love the colours. Honestly, I can't stop looking at it. I'm moving in June."),
    )
    # "the colours" is no "it": nothing is joined to it, and the message says more
    assert not any("looking at it" in c for c in out)
    assert "Lea loves the colours." in out


def test_settle_things_drops_an_unnamed_it_only_when_the_message_keeps_more() -> None:
    from langmem_extract.schema import Candidate, MemoryType

    alone = Candidate(content="Lea is proud of it.", title="Proud", type=MemoryType.FACT)
    steps = [("I'm proud of it.", "Thanks! ", alone)]
    out = settle_things(steps, "Thanks! I'm proud of it.", "Lea", "Ben", REF, ("Hi!",))
    # nothing names it, not even "Hi!" (too short to be what it answers): quoted
    assert [c.content for c in out] == [
        'On 8 May 2023, Lea said to Ben: "Thanks. I\'m proud of it."'
    ]
    assert "fallback" in out[0].signals and "referent" in out[0].signals
    other = Candidate(content="Lea lives in Oslo.", title="Oslo", type=MemoryType.FACT)
    steps = [("I live in Oslo", "", other), ("I'm proud of it.", "I live in Oslo. ", alone)]
    # "Oslo" is no thing "it" is written as, and nothing names one: dropped, Oslo kept
    out = settle_things(steps, "I live in Oslo. I'm proud of it.", "Lea", "Ben", REF, ("Hi!",))
    assert out == [other]


def test_what_the_words_answer_reaches_back_to_the_thing_named() -> None:
    asked = "Wow, you got a new planner! How have you been using it?"
    out = contents(("Gina", asked), ("Jon", "It keeps me organized and motivated."))
    assert out == [f'It keeps Jon organized and motivated, replying to Gina\'s "{asked}".']
    # named only in the speaker's own turn before: what the words are about
    out = contents(
        ("Jon", "I bought a paper planner last week."),
        ("Gina", "How have you been using it?"),
        ("Jon", "It keeps me on track."),
    )
    assert out[-1] == (
        'It keeps Jon on track, about "I bought a paper planner last week.", replying to '
        'Gina\'s "How have you been using it?".'
    )
    # named nowhere: the speaker's words, quoted with what they answer
    out = contents(("Gina", "How have you been using it?"), ("Jon", "I am using it daily."))
    assert out == [
        'On 8 May 2023, Jon said to Gina, replying to "How have you been using it?": '
        '"I am using it daily."'
    ]


def test_a_quote_names_what_its_words_are_about() -> None:
    said = quoted(
        ["I am using it daily."], "Jon", "Gina", REF,
        ("How have you been using it?", "I bought a paper planner last week."),
    )  # fmt: skip
    assert said == (
        'On 8 May 2023, Jon said to Gina about "I bought a paper planner last week.", '
        'replying to "How have you been using it?": "I am using it daily."'
    )


@pytest.mark.parametrize(
    "content",
    [
        "Lea is over the moon about it.",  # "the moon" is part of the phrase, not the thing
        "Lea will spread the word about it.",
        "Lea made a tattoo to remind herself about it.",
        "Sometimes Lea even uses it when Lea plays chess.",  # "uses it when": not "love it when"
        "Lea was there and it's been giving Lea ideas.",  # "there" is no thing
        "Lea has made good friends there.",  # a place nobody named
        "Lea should get a set-up like that.",
    ],
)
def test_an_it_the_memory_does_not_name_is_found(content: str) -> None:
    assert referring(content)
    assert resolve_things(content, "Thanks!", "Lea") is None


@pytest.mark.parametrize(
    "content",
    [
        "Lea bought a lamp and loves it.",
        "Lea also enjoys yoga, it's calming.",
        "Lea's friends have been there for Lea every step of the way.",  # being at hand
        "Lea is here to help.",
        "Lea is getting there.",
        "There is a lake near Lea's house.",
    ],
)
def test_a_thing_named_before_or_an_idiom_stays(content: str) -> None:
    assert resolve_things(content, "Thanks!", "Lea") == content


@pytest.mark.parametrize(
    ("content", "found"),
    [
        ("Lea hopes to get it on a gallery wall.", ["it"]),  # not "I get it": understood
        ("Lea got it for half price.", ["it"]),
        ("Lea got it done on time.", []),
        ("Lea just made it up on the spot.", ["it"]),  # made up: the thing, invented
        ("Lea totally gets it.", []),
        ("Lea got it, thanks.", []),
        ("Lea will make it up to Ben.", []),  # making amends
    ],
)
def test_get_it_and_make_it_up_refer_unless_they_are_idioms(content: str, found: list[str]) -> None:
    assert [m.group("p") for m in referring(content)] == found


def test_a_them_with_no_plural_named_is_settled_like_it() -> None:
    assert [m.group("p") for m in referring("Lea loves sharing her knowledge with them.")] == [
        "them"
    ]
    assert referring("Lea has two cats and loves them.") == []
    assert referring("Lea and others were lucky to have everyone with them.") == []
    out = contents(
        ("Ben", "How was the trip?"),
        ("Lea", "We drove to the coast with my cousins. I loved sharing my music with them."),
    )
    # the memory before names the plural: joined, or "them" written as it; never alone
    assert not any(c.startswith("Lea loved sharing") and c.endswith("with them.") for c in out)
    assert any("cousins" in c and "sharing" in c for c in out)


@pytest.mark.parametrize(
    ("content", "pronoun"),
    [
        ("Lea will see if Lea can find any that take dogs.", "any"),
        ("Lea will see if they can find any that take dogs.", "any"),  # Lea's "they"
        ("Lea will list the ones that suit Lea best.", "the ones"),
        ("Lea wants to try the ones Ben recommends.", "the ones"),
    ],
)
def test_any_or_the_ones_with_no_plural_named_is_found(content: str, pronoun: str) -> None:
    assert [m.group("p") for m in referring(content)] == [pronoun]
    assert resolve_things(content, "I'm looking for a flat.", "Lea") is None


@pytest.mark.parametrize(
    "content",
    [
        "Lea reads lots of novels and loves the ones that have dragons.",  # plural named
        "Lea loves stamps and will keep any that look old.",
        "Lea doesn't have any.",  # no clause about them: not this form
        "Lea can't find any coffee that Lea likes.",  # "any" is a determiner here
        "Lea read a book that really moved Lea.",  # a relative "that"
        "Lea found the one that fits.",
    ],
)
def test_named_plurals_determiners_and_relative_that_are_not_referents(content: str) -> None:
    assert referring(content) == []


def test_any_with_no_plural_is_settled_like_them() -> None:
    out = contents(
        ("Ben", "There are shelters nearby that need volunteers."),
        ("Lea", "I'll see if I can find any that take weekend helpers."),
    )
    # no bare "find any that …" with nothing naming what: a named plural, or quoted context
    assert all("shelters" in c or "find any" not in c for c in out)


@pytest.mark.parametrize(
    ("content", "pronoun"),
    [
        ("Both are really important for Lea.", "Both"),
        ("Its presence in Lea's room is a good reminder.", "Its"),
        ("It'd be a great chance for Lea to catch up.", "It"),
        ("It's moments like these that give Lea hope.", "these"),
    ],
)
def test_openings_that_name_nothing_are_found(content: str, pronoun: str) -> None:
    assert [m.group("p") for m in referring(content)] == [pronoun]
    assert resolve_things(content, "", "Lea") is None


def test_weather_and_both_of_stay() -> None:
    assert referring("Lea loves it when it rains.") == []
    assert [m.group("p") for m in referring("Both of them are great.")] == ["them"]


@pytest.mark.parametrize(
    "content",
    [
        "It's easy to get lost and forget that.",  # "It's" is no possessive
        "It must add so much cheer to Lea's house.",
        "Lea bets it tastes great.",
        "Lea got it because it reminded Lea of home.",  # "because" names nothing
        "Rest assured, it will be something Lea cherishes.",
    ],
)
def test_clauses_that_name_nothing_leave_it_unnamed(content: str) -> None:
    assert resolve_things(content, "", "Lea") is None


def test_a_this_standing_for_what_happened_is_no_thing() -> None:
    from langmem_extract.schema import Candidate, MemoryType

    def memory(text: str) -> Candidate:
        return Candidate(content=text, title=text[:20], type=MemoryType.FACT)

    other = memory("Lea lives in Oslo.")
    for said in (
        "Lea won't let this bring Lea down.",
        "Lea never wants to go through this again.",
        "This is Lea's true calling.",
        "That's a memory Lea will never forget.",
    ):
        alone = memory(said)
        steps = [("I live in Oslo", "", other), ("x", "I live in Oslo. ", alone)]
        # no thing is what it means: dropped beside a memory that stays
        assert settle_things(steps, "I live in Oslo. x", "Lea", "Ben", REF, ("Hi!",)) == [other]
        # the message's only memory stays as it reads
        out = settle_things([("x", "Thanks! ", alone)], "Thanks! x", "Lea", "Ben", REF, ("Hi!",))
        assert [c.content for c in out] == [said]
    # after the memory telling what happened, it reads joined to it
    told = memory("Lea saw how the flood ruined the old bridge.")
    again = memory("Lea doesn't want anyone to go through that.")
    steps = [
        ("I saw how the flood ruined the old bridge", "", told),
        ("I don't want anyone to go through that", "the old bridge. ", again),
    ]
    out = settle_things(steps, "…", "Lea", "Ben", REF, ("Hi!",))
    assert [c.content for c in out] == [
        "Lea saw how the flood ruined the old bridge.",
        "Lea saw how the flood ruined the old bridge, and Lea doesn't want anyone to go "
        "through that.",
    ]


@pytest.mark.parametrize(
    "content",
    [
        "Lea won't let this puppy get away.",  # a thing named after "this"
        "Lea went through the old tunnel again.",
        "Lea will never forget that trip.",
    ],
)
def test_a_this_for_a_thing_is_not_taken_for_what_happened(content: str) -> None:
    from langmem_extract.schema import Candidate, MemoryType

    other = Candidate(content="Lea lives in Oslo.", title="Oslo", type=MemoryType.FACT)
    same = Candidate(content=content, title="Same", type=MemoryType.FACT)
    steps = [("I live in Oslo", "", other), ("x", "I live in Oslo. ", same)]
    assert settle_things(steps, "I live in Oslo. x", "Lea", "Ben", REF, ("Hi!",)) == [other, same]


@pytest.mark.parametrize(
    "content",
    [
        # a plural before "it" is no thing "it" can be
        "The stripes and buttons give it a fresh look.",
        "The petals are so bright and it really lights up the hall.",
        "Lea's boots were so muddy, and it took an hour to clean.",
        # a likeness said of a person is no thing either
        "Lea made everyone so welcome and it must have been so tiring.",
        "Lea loves all the orange tiles, it looks so warm.",
        "Lea can imagine it's incredibly tiring.",
        # nor a particle ending the clause before it
        "Lea pushed through, and it was worth it.",
        "Lea kept falling off, it taught Lea patience.",
    ],
)
def test_a_plural_or_a_likeness_before_it_does_not_name_it(content: str) -> None:
    assert referring(content)
    assert resolve_things(content, "", "Lea") is None


@pytest.mark.parametrize(
    "content",
    [
        "The lamp is so bright and it really lights up the hall.",
        "The soup was really warming, it gave Lea strength.",
        "Lea bought a kite, and it flies so high.",
        "Clay is calming, it brings Lea peace.",
        "Lea has been rowing and it has made Lea stronger.",
        "Lea went to the old pier, and it was fun.",
        "Watching the tide was so calming, it made Lea sleepy.",
        "Lea knows the stress of exams and chores, but it passes.",
    ],
)
def test_a_singular_thing_before_it_still_names_it(content: str) -> None:
    assert resolve_things(content, "", "Lea") == content


@pytest.mark.parametrize(
    ("content", "found"),
    [
        ("The new trim gives it a fresh look.", ["it"]),
        ("Lea will give it a try.", []),  # idioms
        ("Lea gave it Lea's all.", []),
        ("Lea will give it some thought.", []),
        ("Nice! that should get more people to see it.", ["that", "it"]),
        ("Lea trains hard so that she can win.", []),  # a conjunction
        ("Ben really should start doing that as well.", ["that"]),
        ("Lea is excited to see where it takes Lea! [shares a photo: a kite]", ["it"]),
        ("Lea wonders where this leads.", ["this"]),
        ("Lea will see where the trail leads.", []),
        ("Lea can imagine it's raining.", []),  # the weather
        ("Maybe that's the best part.", ["that"]),
        ("Lea can come, maybe that helps.", ["that"]),
        ("Lea saved so that Lea could travel.", []),  # a conjunction
    ],
)
def test_a_referring_it_behind_an_interjection_or_a_turn_of_phrase_is_found(
    content: str, found: list[str]
) -> None:
    assert [m.group("p") for m in referring(content)] == found


def test_joined_lowers_a_maybe_after_and() -> None:
    assert joined("Lea applied for a job.", "Maybe this is the change Lea needs.") == (
        "Lea applied for a job, and maybe this is the change Lea needs."
    )


def test_joined_keeps_an_exclamation_before_a_photo() -> None:
    assert joined(
        "Lea opened a bakery.", "Lea is excited to see where it takes Lea! [shares a photo: a cake]"
    ) == (
        "Lea opened a bakery, and Lea is excited to see where it takes Lea! "
        "[shares a photo: a cake]."
    )
