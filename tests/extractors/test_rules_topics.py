"""An "it" the turn does not name, written as the one thing the exchange named a few turns
back and kept calling "it" (topics.py); left alone when two things, a plural beside it, a
person, a name or words no phrase shows stand between; and the words set beside an "it" to
name it: not a sentence naming no single thing when one before does. All sentences are
invented."""

from __future__ import annotations

import pytest

from langmem_extract.extractors.rules.selfcheck import in_context, names_thing
from langmem_extract.extractors.rules.topics import chain_thing, names_no_thing, things_named
from tests.extractors.chats import contents


@pytest.mark.parametrize(
    ("content", "before", "earlier", "expected"),
    [
        # the question names it; the reply only says "it"
        (
            "Lea has done a lot of research for it.",
            "",
            ("So, what about your novel now? Any plans for the next chapters?",),
            "Lea has done a lot of research for the novel.",
        ),
        # named two turns back, then "How did you make it?", "that looks great": still it
        (
            "Lea just threw it together on the spot.",
            "Thanks, ",
            (
                "Wow, that looks great! How did you make it? Do you have a recipe?",
                "I tried something new. Baked this pie last night - it was so good!",
            ),
            "Lea just threw the pie together on the spot.",
        ),
        # the turn itself: named first, then "It's …", "into it and …"
        (
            "Lea hopes to show it at the fair.",
            "I am painting another mural! It's a seascape with lots of boats. "
            "I've put weeks into it and ",
            (),
            "Lea hopes to show the mural at the fair.",
        ),
        (
            "Lea hopes Tom enjoys it.",
            "",
            ('"The Long Road" sounds great.',),
            'Lea hopes Tom enjoys "The Long Road".',
        ),
        (
            "Lea hopes Tom enjoys it.",
            "",
            ('I just started "The Long Road". I\'ll add it to my list.',),
            'Lea hopes Tom enjoys "The Long Road".',
        ),  # "my list" is said of the title, not another thing
        # thanks, and what is given about the thing, pass the topic on
        (
            "Lea will keep working on it.",
            "Thanks, Tom! Your support means a lot. ",
            ("So, how is your novel going?",),
            "Lea will keep working on the novel.",
        ),
        (
            "Lea will try it.",
            "Thanks for the advice! ",
            ("Maybe get a new desk lamp.",),
            "Lea will try the new desk lamp.",
        ),
        (
            "Lea will read it soon.",
            "Heard of that novel! Thanks for the recommendation, Tom. ",
            (),
            "Lea will read the novel soon.",
        ),
        # a particle goes before the thing written
        (
            "Lea will check it out soon.",
            "Wow, that series looks great! ",
            (),
            "Lea will check out the series soon.",
        ),
        # "my X" in the turn itself is the speaker's
        (
            "Lea is selling it next week.",
            "I finally fixed my old van. ",
            ("Any news?",),
            "Lea is selling Lea's old van next week.",
        ),
    ],
)
def test_the_thing_the_exchange_named_is_written(
    content: str, before: str, earlier: tuple[str, ...], expected: str | None
) -> None:
    assert chain_thing(content, before, earlier, "Lea", "Tom") == expected


@pytest.mark.parametrize(
    ("content", "before", "earlier"),
    [
        # two things named
        ("Lea has done a lot of research for it.", "", ("Is your novel done, or the play?",)),
        ("Lea loved it so much.", "We went to a concert at the park. ", ()),
        ("Lea loves it.", "", ("I love the colour and texture.",)),
        # a plural, a person, someone else's thing
        ("Lea has done a lot of research for it.", "", ("How are your paintings coming along?",)),
        ("Lea has done a lot of research for it.", "", ("How is your sister doing?",)),
        ("Lea has done a lot of research for it.", "", ("So, what about his novel now?",)),
        # what a photo shows, the words do not say
        ("Lea signed it for Tom.", "", ("Check out this photo of my new ball.",)),
        # words no phrase shows stand between: "chess", "bread"
        ("Lea loves it.", "", ("I play chess every evening.", "What about your novel?")),
        ("Lea baked bread and shared it with Tom.", "", ("So, what about your novel now?",)),
        # thanks pass the topic on, to a sentence naming two things
        ("Lea will try it.", "Thanks for the advice! ", ("Get a new desk and a lamp.",)),
        # "a recipe for banana bread" names what it is for, with no phrase to show it
        ("Lea will try it.", "", ("Here's a recipe for banana bread.", "I got a new oven.")),
        # an "it" opening a clause, or what is done: the whole event, as often as a thing
        ("It was so much fun.", "", ("How was your trip?",)),
        ("Lea thinks it was worth it.", "", ("How was your trip?",)),
        ("Lea needed to do it for work.", "", ("So, what about your novel now?",)),
        # an abstract thing given or said, a predicate of "it", a name
        ("Lea will keep it in mind.", "", ("Thanks for the advice.",)),
        ("Lea would love to visit it.", "", ("We went to Lisbon and saw the old tower.",)),
    ],
)
def test_an_it_with_no_single_thing_named_stays(
    content: str, before: str, earlier: tuple[str, ...]
) -> None:
    assert chain_thing(content, before, earlier, "Lea", "Tom") is None


def test_the_question_names_what_the_answer_did_to_it() -> None:
    out = contents(("Ben", "Did you finish the puzzle?"), ("Lea", "Yes, I finished it at last."))
    assert out == ["Lea finished the puzzle at last."]
    asked = "Wow, you got a new planner! How have you been using it?"
    out = contents(("Gina", asked), ("Jon", "I am using it to stay organized and motivated."))
    assert out == ["Jon is using the new planner to stay organized and motivated."]


def test_a_phrase_ends_where_a_clause_of_its_own_begins() -> None:
    assert [t.text for t in things_named("I love the lamp I've got.", "Lea", "Tom") or []] == [
        "the lamp"
    ]
    # "the support I've got": given, not a thing; with nothing else named, no thing at all
    assert names_no_thing("I'm grateful for all the support I've got from friends.")


def test_a_predicate_of_it_is_no_other_thing() -> None:
    assert things_named("It's a love story with lots of twists.", "Lea", "Tom") == []
    assert things_named("You're a true artist!", "Lea", "Tom") == []
    assert [t.text for t in things_named("Here's my new lamp!", "Lea", "Tom") or []] == [
        "Lea's new lamp"
    ]
    # "Is your …?" asks; it does not say what something is
    assert [t.text for t in things_named("Is your lamp new?", "Lea", "Tom") or []] == ["Tom's lamp"]


def test_whose_thing_an_earlier_turn_names_is_not_guessed() -> None:
    # an earlier turn may be anyone's: "my van" there is "the van"
    assert (
        chain_thing("Lea is selling it.", "", ("I finally fixed my old van.",), "Lea", "Tom")
        == "Lea is selling the old van."
    )
    # with no one addressed, only the turn itself is read
    assert chain_thing("Lea is selling it.", "", ("I fixed my old van.",), "Lea", None) is None


def test_the_extractor_writes_the_thing_of_the_exchange() -> None:
    out = contents(
        ("Tom", "So, what about your novel now? Any plans for the next chapters?"),
        ("Lea", "I've been doing lots of research for it. It's slow, but I'm determined."),
    )
    assert "Lea has been doing lots of research for the novel." in out
    out = contents(
        ("Tom", "Anything new?"),
        (
            "Lea",
            "I am painting another mural! It's a seascape. I hope to get it on a gallery wall.",
        ),
    )
    assert "Lea hopes to get the mural on a gallery wall." in out


@pytest.mark.parametrize(
    "sentence",
    [
        "I find it helps me relax.",  # an "it" of its own
        "Then I have no doubt they'll love the cake!",
        "Yeah, a mentor can do wonders.",  # a person
        "Stories and friends can truly make a difference.",  # plurals, nothing else
        "Enjoying the ride is key.",  # an activity
    ],
)
def test_words_that_name_no_thing_are_not_what_names_it(sentence: str) -> None:
    assert names_no_thing(sentence)
    assert not names_thing(sentence, clearly=True)


@pytest.mark.parametrize(
    "sentence",
    [
        "I bought a paper planner last week.",
        'I recently read "The Long Road" - it was moving.',  # named before its "it"
        "We drove out to Lisbon.",  # a name: it may be the place
    ],
)
def test_words_that_may_name_the_thing_are_kept(sentence: str) -> None:
    assert not names_no_thing(sentence)


def test_the_words_before_are_preferred_when_the_reply_names_no_thing() -> None:
    # the turn answered names only a person; the turn before names the planner
    earlier = ("Yeah, a mentor can do wonders.", "I bought a paper planner last week.")
    assert in_context("It keeps Jon on track.", "Gina", earlier) == (
        'It keeps Jon on track, about "I bought a paper planner last week.", replying to '
        'Gina\'s "Yeah, a mentor can do wonders.".'
    )
    # nothing before names one clearly: the reply stays what the words answer
    earlier = ("Yeah, a mentor can do wonders.", "Thanks!")
    assert in_context("It keeps Jon on track.", "Gina", earlier) == (
        'It keeps Jon on track, replying to Gina\'s "Yeah, a mentor can do wonders.".'
    )


@pytest.mark.parametrize(
    ("content", "before", "earlier", "expected"),
    [
        # what a thing has, does, or is: the thing named just before
        (
            "It has dragons, ships and a great villain.",
            "I adore this saga. ",
            (),
            "The saga has dragons, ships and a great villain.",
        ),
        (
            "It really helps Lea unwind after work.",
            "Yeah, that hammock is really something. ",
            (),
            "The hammock really helps Lea unwind after work.",
        ),
        (
            "It's a must-read.",
            "Thanks! ",
            ("You should try that spy novel.",),
            "The spy novel is a must-read.",
        ),
        (
            "It made Lea want to learn the cello.",
            "Absolutely! ",
            ("That concerto was stunning.",),
            "The concerto made Lea want to learn the cello.",
        ),
        # "it" said again passes the topic on; a demonstrative points to what is just before
        (
            "That was from a flea market upstate.",
            "",
            ("I love that lamp.",),
            "The lamp was from a flea market upstate.",
        ),
        (
            "It's got a secret drawer too.",
            "I built this desk. Yes, I sanded it myself. ",
            (),
            "The desk has got a secret drawer too.",
        ),
    ],
)
def test_a_subject_saying_what_a_thing_does_takes_the_thing(
    content: str, before: str, earlier: tuple[str, ...], expected: str
) -> None:
    assert chain_thing(content, before, earlier, "Lea", "Tom") == expected


@pytest.mark.parametrize(
    ("content", "before", "earlier"),
    [
        # how it went or felt, or what it means: the whole event or situation as often
        ("It was so amazing.", "I saw the new stadium. ", ()),
        ("That was hard.", "I moved the old piano. ", ()),
        ("It was one of those moments Lea will never forget.", "We saw the comet. ", ()),
        ("This is Lea's true calling.", "I joined the choir. ", ()),
        # a question or a sentence naming only plurals stands between: what it points to
        ("It really helps Lea reset.", "Absolutely! ", ("Nice trip! Nature heals, huh?",)),
        ("It made Lea want to train harder.", "Watching the top runners was so inspiring - ", ()),
        # a demonstrative is not carried past a sentence saying "it"
        ("This is Lea's go-to spot.", "I got the new lamp. It was cheap. ", ()),
        # two things, a person, a plural
        ("It has a great plot.", "I read the novel and the play. ", ()),
        ("It helps Lea relax.", "I love my new neighbour. ", ()),
        ("It helps Lea relax.", "I love these candles. ", ()),
        # something after it no phrase names
        ("It has a pool, and this makes Lea happy.", "I rented the villa. ", ()),
    ],
)
def test_a_subject_with_no_single_thing_just_named_stays(
    content: str, before: str, earlier: tuple[str, ...]
) -> None:
    assert chain_thing(content, before, earlier, "Lea", "Tom") is None


def test_a_reaction_before_the_thing_named_does_not_send_the_reply_further_back() -> None:
    earlier = ("That sounds so sweet, Lea! I started a garden journal.", "I bought a red hat.")
    assert in_context("Ben really should start doing that as well.", "Lea", earlier) == (
        "Ben really should start doing that as well, replying to Lea's \"That sounds so sweet, "
        'Lea! I started a garden journal.".'
    )
    # look-alike: a reaction and nothing named: what, the turn before says
    earlier = ("That sounds so sweet, Lea!", "I started a garden journal.")
    assert in_context("Ben really should start doing that as well.", "Lea", earlier) == (
        'Ben really should start doing that as well, about "I started a garden journal.", '
        'replying to Lea\'s "That sounds so sweet, Lea!".'
    )
