"""The self-check of every rewritten memory (selfcheck.py) and the junk classes it and the
rules around it fix: a time standing as the subject, a quoted "them" given a thing where
only people fit, a coordinated verb left unconjugated, a dropped "you", "since I'm X I'm
Y", "we can both", a plural named as "a group of …" turns back, subjectless openers, a
present perfect with a date, a list whose first item was read as a vocative. Each case has
look-alikes that must keep reading as before. All sentences are invented."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from langmem_extract.extractors.dates import ground_text
from langmem_extract.extractors.rules.clauses import split_clauses
from langmem_extract.extractors.rules.coreference import bracket_referents
from langmem_extract.extractors.rules.grammar import clean_text
from langmem_extract.extractors.rules.quotes import quote_reads_whole
from langmem_extract.extractors.rules.selfcheck import junk_signs, quoted, repair, sentence_of
from langmem_extract.extractors.rules.wellformed import well_formed
from tests.extractors.test_rules_junk import chat

REF = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
HI = ("Ben", "Hey, how have you been lately?")


# -- the guard: signs of junk, and none on plain memories


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Lea even made this for you.", "second person"),
        ("Lea moved to Oslo with my sister.", "first person"),
        ("Has been packed with meetings for Lea in the week of 1 May 2023.", "no subject"),
        ("It was hard for Lea. Takes a lot of patience.", "no subject"),
        ("Lea took some trial and error.", "impersonal as speaker"),
        ("Lea hases been a while since the race.", "verb conjugated twice"),
        ("In the in the week of 1 May 2023 has been busy for Lea.", "time as subject"),
        ("Lea and others can both share recipes.", "others both"),
        ("Lea has been to Rome on 3 April 2023.", "dated perfect"),
        ("Movies, and long walks all fire up Lea's creativity.", "truncated list"),
        ("Lea is lactose intolerant they are trying oat milk.", "run-on"),
        ("Lea baked this for. [shares a photo: a cake].", "preposition left"),
        ("Music and long walks, can't beat it.", "verbless head"),
        ("Lea is grateful Lea gets to share it.", "subject repeated"),
        ("Lea is determined to find the spot - when they do.", "dangling clause"),
        ("Lea can't wait to see where this takes.", "dangling clause"),
        ("Let Lea know if Ben has any questions or need help.", "verb disagrees"),
        (
            "Lea loves the pool, it's way nicer when Lea swam as a kid.",
            "present beside a past when",
        ),
        (
            "Lea likes chess, it's much easier when Lea learned it young.",
            "present beside a past when",
        ),
    ],
)
def test_a_sign_of_junk_is_named(text: str, sign: str) -> None:
    assert sign in junk_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "Lea moved to Oslo with their sister.",
        "Lea has been busy, but on 3 April 2023 Lea had a setback.",
        "Lea has got a chess match in June 2023.",
        "Lea and others both helped with the painting.",
        "Lea is grateful they have friends who support Lea.",
        "Lea would adopt two cats if they could.",
        "Books, movies, and long walks all fire up Lea's creativity.",
        "Lea baked this for Ben. [shares a photo: a cake].",
        "Lea is gonna stay determined and make their own path.",
        'On 8 May 2023, Lea said to Ben: "I even made this for you."',  # quoted: the words
        "Lea has two kids who need help with maths.",
        # a present "when" beside a present comparison; a past comparison beside a past
        "Lea loves the pool, it's way nicer when Lea swims early.",
        "Lea said it was much easier when Lea took the train.",
    ],
)
def test_a_plain_memory_shows_no_sign(text: str) -> None:
    assert junk_signs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lea has been to Rome on 3 April 2023.", "Lea went to Rome on 3 April 2023."),
        ("Lea has finished the course in March 2023.", "Lea finished the course in March 2023."),
        (
            "Let Lea know if Ben has any questions or need help.",
            "Let Lea know if Ben has any questions or needs help.",
        ),
        ("Lea is not alone and have a great team.", "Lea is not alone and has a great team."),
        ("Lea started the cello about in 2021.", "Lea started the cello in about 2021."),
        ("Lea did! the view was lovely.", "Lea did! The view was lovely."),
        (
            "Lea won the final! [shares a photo: a cup] in the week of 1 May 2023.",
            "Lea won the final in the week of 1 May 2023! [shares a photo: a cup].",
        ),
        # look-alikes: the date of another clause, "has got" (owns), no date at all
        (
            "Lea has been busy, but on 3 April 2023 Lea had a setback.",
            "Lea has been busy, but on 3 April 2023 Lea had a setback.",
        ),
        ("Lea has got a match in June 2023.", "Lea has got a match in June 2023."),
        ("Lea has been to Rome twice.", "Lea has been to Rome twice."),
        ("Lea is gonna rest and make soup.", "Lea is gonna rest and make soup."),
        # "stuff like …" is a mass noun: its verb is singular
        (
            "Stuff like these old maps are really special to Lea!",
            "Stuff like these old maps is really special to Lea!",
        ),
        (
            "Lea says that something like this are rare.",
            "Lea says that something like this is rare.",
        ),
        # look-alikes: a plural head, and "like" inside the subject's own clause
        ("Things like these old maps are special.", "Things like these old maps are special."),
        ("Lea and Ben like stuff that are old.", "Lea and Ben like stuff that are old."),
    ],
)
def test_repair_mends_what_has_a_safe_rewrite(text: str, expected: str) -> None:
    assert repair(text) == expected


def test_the_quote_keeps_the_speakers_sentence_and_names_the_reply() -> None:
    said = "Yeah, since I'm vegan I'm trying oat milk. It's nice!"
    assert sentence_of(said, "I'm vegan I'm trying oat milk") == (
        "Yeah, since I'm vegan I'm trying oat milk."
    )
    # a subject the splitter put back is not in the words
    assert sentence_of("Took a while but I fixed it.", "I took a while") == (
        "Took a while but I fixed it."
    )
    out = quoted(["This week has been packed."], "Lea", "Ben", REF, ("How was your week so far?",))
    assert out == (
        'On 8 May 2023, Lea said to Ben, replying to "How was your week so far?": '
        '"This week has been packed."'
    )  # "This week" is not grounded into a subject ("In the week of … has been")
    assert quoted(["I watched her grow up."], "Lea", None, REF, ("",)) is None  # who?


# -- the classes, end to end


def test_a_time_as_subject_is_quoted_and_a_dated_clause_is_not() -> None:
    assert chat(("Lea", "This week has been packed with meetings for me.")) == [
        'On 8 May 2023, Lea said: "This week has been packed with meetings for me."'
    ]
    assert chat(("Lea", "This week I started a pottery class.")) == [
        "Lea started a pottery class in the week of 8 May 2023."
    ]


def test_a_present_perfect_with_a_date_reads_as_a_past() -> None:
    assert chat(("Lea", "I've been to Rome last month.")) == ["Lea went to Rome in April 2023."]
    assert chat(("Lea", "I've been busy with work, but last week I had a setback.")) == [
        "Lea has been busy with work, but in the week of 1 May 2023 Lea had a setback."
    ]


def test_the_past_week_grounds_once() -> None:
    assert ground_text("I ran a lot in the past week.", REF)[0] == (
        "I ran a lot in the week of 1 May 2023."
    )
    assert ground_text("I was sick for the last week.", REF)[0] == (
        "I was sick in the week of 1 May 2023."
    )
    assert ground_text("Last week I ran.", REF)[0] == "In the week of 1 May 2023 I ran."


def test_we_both_names_the_two_who_talk() -> None:
    assert chat(HI, ("Lea", "We can both share recipes from our trips.")) == [
        "Lea and Ben can both share recipes from their trips."
    ]
    assert chat(HI, ("Lea", "We're both on different paths, but that's fine.")) == [
        "Lea and Ben are both on different paths, but that's fine."
    ]
    # look-alikes: "we" with no "both" is a group; "both on and off" is no pair
    assert chat(HI, ("Lea", "We went hiking with the kids.")) == [
        "Lea and others went hiking with the kids."
    ]
    out = chat(HI, ("Lea", "The best part was the bond we built both on and off the field."))
    assert out and all("Ben" not in c for c in out)


def test_a_dropped_you_after_a_preposition_stays() -> None:
    assert chat(HI, ("Lea", "I even made this for you. [shares a photo: a drawing of a cat]")) == [
        "Lea even made this for Ben. [shares a photo: a drawing of a cat]."
    ]
    # look-alike: a name after a noun, no preposition, is still a vocative
    assert well_formed("Lea loves the thought Ben!", ("Lea", "Ben")) == "Lea loves the thought."


def test_since_i_am_x_i_am_y_is_quoted_whole() -> None:
    assert chat(HI, ("Lea", "Since I'm lactose intolerant I'm trying oat milk instead.")) == [
        'On 8 May 2023, Lea said to Ben, replying to "Hey, how have you been lately?": '
        "\"Since I'm lactose intolerant I'm trying oat milk instead.\""
    ]


def test_a_subjectless_fallback_is_quoted_and_a_full_one_is_not() -> None:
    assert chat(
        HI, ("Lea", "Busy with work but finding time to read at night - good balance.")
    ) == [
        'On 8 May 2023, Lea said to Ben, replying to "Hey, how have you been lately?": '
        '"Busy with work but finding time to read at night - good balance."'
    ]
    out = chat(HI, ("Lea", "Music and long walks, can't beat it."))
    assert out == [
        'On 8 May 2023, Lea said to Ben, replying to "Hey, how have you been lately?": '
        '"Music and long walks, can\'t beat it."'
    ]


def test_a_coordinated_verb_agrees_in_the_said_path() -> None:
    assert chat(
        HI, ("Lea", "Let me know if you have any questions or need help with the move.")
    ) == [
        "On 8 May 2023, Lea said: Let Lea know if Ben has any questions or needs help with the move."
    ]


def test_a_list_keeps_its_first_item() -> None:
    assert split_clauses(clean_text("Books, movies, and long walks fire up my creativity.")) == [
        ("Books, movies, and long walks fire up my creativity", False)
    ]
    assert split_clauses(clean_text("Cats, dogs and birds all visit my garden.")) == [
        ("Cats, dogs and birds all visit my garden", False)
    ]
    # look-alike: a name before a comma is still someone spoken to
    assert split_clauses(clean_text("Mia, that book was great and I loved it.")) == [
        ("That book was great", False),
        ("I loved it", False),
    ]


# -- quoted plurals


def test_a_quoted_them_where_only_people_fit_takes_no_thing() -> None:
    before = ("Having goals reminds you of why you started. Your goals matter.",)
    out = bracket_referents("Having them there to cheer me on is a gift.", "Lea", "Ben", before)
    assert "[" not in out
    people = ("My parents came to every single game.",)
    assert bracket_referents(
        "Having them there to cheer me on is a gift.", "Lea", "Ben", people
    ) == ("Having them [your parents] there to cheer me on is a gift.")
    # look-alike: a thing put on a shelf is still the thing
    assert bracket_referents("I put them on the shelf.", "Lea", "Ben", before) == (
        "I put them [my goals] on the shelf."
    )  # the other speaker's "your goals" are the speaker's own


def test_a_group_of_people_named_turns_back_is_the_plural() -> None:
    out = chat(
        ("Ben", "I rehearse with a small group of dancers. New projects are in the works."),
        ("Lea", "Are they yours on the poster?"),
        ("Ben", "They're the ones performing at the fair tonight."),
    )
    assert any("They're [the dancers] the ones performing" in c for c in out)
    assert not any("[the works]" in c for c in out)
    # look-alike: "a group of strawberries" in a photo names no one
    out = chat(
        (
            "Ben",
            "I love feeding them fruit! [shares a photo: a group of strawberries and a turtle]",
        ),
        ("Lea", "They look like they enjoy it."),
        ("Ben", "Watching them eat is the best part of my day."),
    )
    assert not any("[the strawberries]" in c for c in out)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maria and others gotta do something.", "Maria and others have to do something."),
        ("Lea and Tom just gotta rest.", "Lea and Tom just have to rest."),
        ("Lea gotta go.", "Lea has to go."),
        ('Lea said: "We gotta go."', 'Lea said: "We gotta go."'),  # the speaker's own words
    ],
)
def test_gotta_reads_has_to(text: str, expected: str) -> None:
    assert repair(text) == expected


# -- slips of wording: the speaker's sentence quoted, or mended where the mend is safe


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("That is the track where Lea trains and race.", "coordinated verb disagrees"),
        ("Lea often sits by the sea and think about old friends.", "coordinated verb disagrees"),
        ("For Lea Lea mostly hums along.", "name repeated"),
        ("Lea paints with a group, and the class is really been paying off.", "be been"),
        ("Lea really do likes painting birds.", "do and a conjugated verb"),
        ("Lea has a favorite old records.", "article before a plural"),
        ("The gig must have amazing.", "modal perfect without participle"),
        ("Lea cooked a lot during in the week of 1 May 2023's camp.", "date inside a phrase"),
        ("Seems like just on 7 May 2023 Lea got this bike.", "date inside a phrase"),
        ("Cool Ben found a club near home.", "exclamation before a name"),
        ("Lea saw a play, and With all the songs Lea loved it.", "capital after a conjunction"),
        ("Dinner with the Ben's cousins was fun.", "article before a name's"),
        ("Only on weekends Lea means, since Lea is busy.", "aside read as a verb"),
        ("Lea has been working on since spring.", "object dropped"),
        ("Lea did! The lake was so calm.", "bare auxiliary"),
        ("Already trying that, thanks!", "participle with no subject"),
        ("Like drifting far from every worry.", "verbless phrase"),
        ("Some easy ones like soup and a salad.", "verbless phrase"),
        ("The singing a song that got everyone up.", "verbless phrase"),
        ("Quite a day since Lea and Ben last spoke - Lea got news.", "exclaimed phrase"),
        ("Lea sang at the fair, so moving on 3 May 2023.", "date after an exclamation"),
        ("Lea has been one since Lea quit.", "one for an unnamed thing"),
        ("Ben's clips do well when Ben upload them.", "verb left bare after a name"),
    ],
)
def test_a_slip_of_wording_is_a_sign(text: str, sign: str) -> None:
    assert sign in junk_signs(text)


@pytest.mark.parametrize(
    "text",
    [
        "Lea trains and races on weekends.",
        "Lea wants to rest and read a book.",
        "Lea loves music and dance.",
        "Lea met Ben. Ben was kind.",
        "Lea's plan has really been paying off.",
        "Lea does like painting birds.",
        "What Lea does matters to Ben.",
        "Lea has a favorite class and a favorite series.",
        "Lea must have been thrilled.",
        "Lea and Ben must have fun.",
        "Lea moved in on 7 May 2023 and has felt at home since.",
        "Great Britain is lovely in May.",
        "Lea loves Dune and The Hobbit.",
        "Lea is proud that Ben's book sold well.",
        "Lea knows what Ben means.",
        "Lea has been working on a novel for a while.",
        "Lea is proud of who Lea is.",
        "Lea is already doing that.",
        "Like Ben, Lea loves bingo.",
        "Lea likes being outdoors.",
        "The painting a friend gave Lea hangs in the hall.",
        "Such a relief to have it done, Lea says.",
        "Lea sang at the fair on 3 May 2023, so moving.",
        "Lea is one of the best runners.",
        "Lea is one tough runner.",
        "Ben's clips do well when Ben uploads them.",
        "Lea smiled when Ben found it.",
    ],
)
def test_a_plain_sentence_like_a_slip_shows_no_sign(text: str) -> None:
    assert junk_signs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lea absolutleys love knitting.", "Lea absolutley loves knitting."),
        ("Lea totalys enjoy jazz.", "Lea totaly enjoys jazz."),
        # look-alikes: a plural noun before its verb is no adverb
        ("The valleys offer great views.", "The valleys offer great views."),
        ("Lea's trolleys need oil.", "Lea's trolleys need oil."),
    ],
)
def test_a_misspelt_adverb_gives_the_verb_back_its_ending(text: str, expected: str) -> None:
    assert repair(text) == expected


def test_a_slip_is_quoted_as_said() -> None:
    assert chat(HI, ("Lea", "Only on weekends I mean, since I'm busy.")) == [
        'On 8 May 2023, Lea said to Ben, replying to "Hey, how have you been lately?": '
        '"Only on weekends I mean, since I\'m busy."'
    ]
    # a date grounded inside a phrase stays as said in the quote
    assert chat(("Lea", "Seems like just yesterday I got this bike!")) == [
        'On 8 May 2023, Lea said: "Seems like just yesterday I got this bike."'
    ]
    assert chat(("Lea", "We cooked a lot during last week's camp.")) == [
        'On 8 May 2023, Lea said: "We cooked a lot during last week\'s camp."'
    ]
    # look-alike: a date standing on its own is grounded as before
    assert chat(("Lea", "We cooked a lot last week.")) == [
        "Lea and others cooked a lot in the week of 1 May 2023."
    ]


def test_an_answer_with_no_verb_gives_way_to_a_whole_sentence_of_the_turn() -> None:
    out = chat(
        ("Ben", "Which dishes did you cook?"),
        ("Lea", "Some easy ones like soup and a salad. Everyone ate well!"),
    )
    assert out == [
        'On 8 May 2023, Lea said to Ben, replying to "Which dishes did you cook?": '
        '"Everyone ate well."'
    ]  # not the fragment "Some easy ones like …", even beside the question


def test_a_subordinate_clause_is_quoted_with_its_main_clause() -> None:
    assert chat(
        ("Ben", "Anything else I can do to help?"),
        ("Lea", "Thanks! If any friend of yours wants a spot in the choir, tell me."),
    ) == [
        'On 8 May 2023, Lea said to Ben, replying to "Anything else I can do to help?": '
        '"If any friend of yours wants a spot in the choir, tell me."'
    ]


def test_a_quoted_slip_whose_it_nobody_names_goes_when_another_memory_stays() -> None:
    out = chat(
        ("Ben", "Do you use that track for cycling?"),
        ("Lea", "Yep! That's the spot where I train and race. Sometimes I ride it at night."),
    )
    assert out == [
        'Sometimes Lea rides it at night, replying to Ben\'s "Do you use that track for cycling?".'
    ]


def test_an_it_resolved_into_a_slip_is_not_kept() -> None:
    out = chat(
        (
            "Lea",
            "I train a young sprinter. We've been practising starts, and it's really been "
            "paying off!",
        )
    )
    assert not any("is really been" in c for c in out)
    assert "Lea trains a young sprinter." in out


def test_a_possessive_after_these_is_the_determiner() -> None:
    assert chat(
        ("Lea", "Are these your teammates?"),
        ("Ben", "Yeah! Training with them keeps me going and helps me focus."),
    ) == ["Training with Ben's teammates keeps Ben going and helps Ben focus."]
    # look-alike: "these" before a plain plural reads "the"
    assert chat(
        ("Lea", "Are these cousins of yours?"),
        ("Ben", "Yeah! Being with them brings me so much joy."),
    )[0].startswith("Being with the cousins")


def test_with_my_inside_a_clause_is_no_aside() -> None:
    assert chat(("Ben", "The drawer is crammed with my favorite old records.")) == [
        "The drawer is crammed with Ben's favorite old records."
    ]  # no "Ben said: "I have a favorite old records.""
    # look-alike: "with my …" leading the sentence is still an aside
    assert "Lea is on a tight budget." in chat(
        ("Lea", "With my tight budget, I cook at home most nights.")
    )


def test_joining_a_group_of_people_is_no_employer() -> None:
    assert chat(("Lea", "I joined a band of cyclists who ride as hard as me.")) == [
        "Lea joined a band of cyclists who ride as hard as Lea."
    ]
    # look-alike: a named organisation joined in a role is still the employer
    assert chat(("Lea", "I just joined Acme Labs as a designer.")) == [
        "Lea works at Acme Labs as designer."
    ]


def test_a_fallback_that_reads_badly_quotes_whole_sentences() -> None:
    assert chat(
        ("Ben", "I went to a chess club yesterday."),
        ("Lea", "Wow, that's neat, Ben! So cool you found a club near home."),
    )[-1] == (
        'On 8 May 2023, Lea said to Ben, replying to "I went to a chess club yesterday.": '
        '"So cool you found a club near home."'
    )  # not the clause "Cool you found …"
    # a clause said within the sentence before is left out, its photo kept
    assert chat(
        ("Ben", "Sailing clears my head."),
        (
            "Lea",
            "Like being far out on open water with no phone - so calm! [shares a photo: a boat]",
        ),
    ) == [
        'On 8 May 2023, Lea said to Ben, replying to "Sailing clears my head.": '
        '"Like being far out on open water with no phone - so calm! [shares a photo: a boat]."'
    ]


# -- a quote is a whole sentence too


@pytest.mark.parametrize(
    "sentence",
    [
        "Some old ones like chess and a card game.",  # no verb
        "Gotta find time to rest, that's for sure.",  # no subject
        "So cool you found a quiet cafe.",
        "Already trying that, but thanks for the tip!",
        "From the back row I mean, since I'm tall.",  # an aside, no main clause
        "The noise from the stands must have amazing.",
        "I've been working on for weeks, such a relief.",
        "I has been a while since my last race.",
        "Like being lost in a good book - so calm!",
        "Been there before.",
        "Can't wait to see the photos.",
        "Watched it twice last week.",
        "Whenever the tide is low.",
    ],
)
def test_a_broken_sentence_does_not_read_whole(sentence: str) -> None:
    assert not quote_reads_whole(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Make sure you bring a warm coat.",  # a call to the listener
        "Don't forget the map!",
        "Have you tried the new bakery?",  # questions
        "What did you cook for the party?",
        "Love is a strong word.",  # "love" as the subject
        "So I went to the lake on Sunday.",
        "Since we met I have learned a lot.",
        "When the tide is low, we walk to the island.",
        "I think I might join the choir.",  # a subject said twice is no slip when said
        "We did!",
        "Wow, Ben!",  # nothing broken, nothing said
        "Having a garden makes me calm.",
        "The trail by the river looks amazing. [shares a photo: a trail]",
        "They [the twins] love the new park.",
    ],
)
def test_a_whole_sentence_reads_whole(sentence: str) -> None:
    assert quote_reads_whole(sentence, ("Ben",))


def test_a_quote_keeps_its_whole_sentences() -> None:
    out = chat(
        ("Ben", "The crowd was so loud last night."),
        (
            "Lea",
            "The cheering from the stands must have amazing. Those are the nights that stay "
            "with you.",
        ),
    )
    assert out[-1] == (
        'On 8 May 2023, Lea said to Ben, replying to "The crowd was so loud last night.": '
        '"Those are the nights that stay with you."'
    )
    # a photo shared with the sentence left out stays with the words kept
    assert chat(
        ("Ben", "Read anything good lately?"),
        (
            "Lea",
            "It is a mystery novel set in an old harbour town. Definitely worth a read if you "
            "like slow puzzles! [shares a photo: a book on a bench]",
        ),
    ) == [
        'On 8 May 2023, Lea said to Ben, replying to "Read anything good lately?": "It is a '
        'mystery novel set in an old harbour town. [shares a photo: a book on a bench]."'
    ]


def test_a_quote_with_no_whole_sentence_goes_when_another_memory_stays() -> None:
    assert chat(
        ("Ben", "Any plans for the summer?"),
        ("Lea", "I booked a trip to Lisbon for July. Already practising my Portuguese, thanks!"),
    ) == ["Lea booked a trip to Lisbon for July."]


def test_a_quote_with_no_whole_sentence_takes_a_later_one_else_stays_as_said() -> None:
    # a call to the listener is whole; the fragment before it is not quoted
    assert chat(
        ("Ben", "Which trails did you hike?"),
        ("Lea", "Some short ones near the coast. Make sure you pack water if you go."),
    ) == [
        'On 8 May 2023, Lea said to Ben, replying to "Which trails did you hike?": '
        '"Make sure you pack water if you go."'
    ]
    # a question after it says nothing of the speaker: the turn's one memory stays as said
    assert chat(
        ("Ben", "Which trails did you hike?"),
        ("Lea", "Some short ones near the coast. Have you been there?"),
    ) == [
        'On 8 May 2023, Lea said to Ben, replying to "Which trails did you hike?": '
        '"Some short ones near the coast."'
    ]


def test_a_said_fallback_that_is_no_sentence_is_quoted() -> None:
    out = chat(
        ("Ben", "Are you nervous about the move?"),
        ("Lea", "Mixed feelings - mostly thrilled but also a bit scared."),
    )
    assert out == [
        'On 8 May 2023, Lea said to Ben, replying to "Are you nervous about the move?": '
        '"Mixed feelings - mostly thrilled but also a bit scared."'
    ]  # not "Lea said: Mixed feelings - …", kept as the turn's one memory
    # look-alike: a whole sentence stays a "said:" memory
    assert chat(("Ben", "The crowd was so loud last night.")) == [
        "On 8 May 2023, Ben said: The crowd was so loud on 7 May 2023."
    ]


def test_a_said_fallback_whose_it_a_plural_does_not_name_is_quoted_with_the_turn() -> None:
    out = chat(
        ("Ben", "I finished a quilt for my niece last week."),
        ("Lea", "The patches are so bright and it really brings the room to life."),
    )
    assert out[1] == (
        'On 8 May 2023, Lea said to Ben, replying to "I finished a quilt for my niece last '
        'week.": "The patches are so bright and it really brings the room to life."'
    )
    # look-alike: a singular thing names it, the "said:" rewrite stays
    out = chat(
        ("Ben", "I finished a quilt for my niece last week."),
        ("Lea", "The lamp is so bright and it really brings the room to life."),
    )
    assert (
        out[1]
        == "On 8 May 2023, Lea said: The lamp is so bright and it really brings the room to life."
    )


def test_a_quote_reacting_with_that_after_an_interjection_replies_to_the_turns_end() -> None:
    said = "I have been writing letters to the paper about it every week."
    rest = "It takes ages, but I am sure it will pay off."
    out = chat(
        ("Ben", f"{said} {rest}"), ("Lea", "Great idea! that should get more people to notice it.")
    )
    assert out[1] == (
        f'On 8 May 2023, Lea said to Ben, replying to "{said} {rest}": '
        '"Great idea! that should get more people to notice it."'
    )
    # look-alike: no interjection, the last sentence is what it answers
    out = chat(("Ben", f"{said} {rest}"), ("Lea", "That should get more people to notice it."))
    assert out[1] == (
        f'On 8 May 2023, Lea said to Ben, replying to "{rest}": '
        '"That should get more people to notice it."'
    )


def test_an_interjection_does_not_hide_an_unnamed_they() -> None:
    assert quoted(["Wow, they rock!"], "Lea", "Ben", REF, ("Hi!",)) is None
    assert quoted(["Great idea! they rock."], "Lea", "Ben", REF, ("Hi!",)) is None
    # look-alike: a plural named after the interjection
    assert quoted(["Wow, the kids rock!"], "Lea", "Ben", REF, ("Hi!",)) == (
        'On 8 May 2023, Lea said to Ben: "Wow, the kids rock."'
    )
