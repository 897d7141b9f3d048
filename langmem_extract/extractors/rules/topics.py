"""The thing an exchange keeps calling "it", named a few turns back.

"So, what about your script now?" — "I've been doing research for it": the reply's "it" is
the script the question named, though the reply names nothing. When the turn itself does
not name the thing (:func:`.things.resolve_things`), the sentences before the "it" are read
back, newest first, through the turn and up to three earlier turns: a sentence that names
nothing ("Thanks!", "How did you make it?", "Wow, that looks great!") passes the topic on;
the first that names something ends the search, and it names the thing only when it names
one singular thing and nothing else ("this series", "your script", "a new board game", a
title). Two things, a plural beside it, a person, or a phrase that may not be whole: what
"it" is, nobody can say, and the memory is left as it was. A subject "It"/"This"/"That"
takes the thing only when its clause says what a thing does or is ("It has great battles"),
and only from what was just said.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

from langmem_extract.extractors.rules.relations import ROLE_WORD
from langmem_extract.extractors.rules.thing_words import NOT_ACTIVITY, NOT_NOUN
from langmem_extract.extractors.rules.things import plain, referring

_TITLE = re.compile(r'"(?P<t>[A-Z][^"]{1,60}?)"')
_NP = re.compile(
    r"\b(?P<det>this|that|your|my|his|her|our|their|the|an?|another)\s+"
    r"(?=(?P<np>[a-z][a-z-]+(?:\s+[a-z][a-z-]+){0,3}))",  # "a concert at the park": two
    re.I,
)
# Words no noun phrase is made of: what ends one ("that series looks …", "your script now").
# fmt: off
_GLUE = frozenset([
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "our",
    "their", "its", "it", "they", "them", "we", "you", "i", "he", "she", "him", "us", "me",
    "and", "or", "but", "so", "because", "if", "when", "while", "as", "than", "then", "to",
    "for", "with", "at", "in", "on", "of", "from", "by", "about", "into", "onto", "over",
    "under", "after", "before", "during", "through", "up", "down", "out", "off", "again", "too",
    "very", "really", "just", "also", "still", "even", "ever", "never", "always", "now",
    "today", "tonight", "yesterday", "tomorrow", "soon", "later", "recently", "lately", "here",
    "there", "is", "was", "are", "were", "be", "been", "being", "am", "has", "have", "had",
    "do", "does", "did", "will", "would", "can", "could", "should", "must", "may", "might",
    "shall", "looks", "look", "looked", "sounds", "sound", "sounded", "seems", "seem", "seemed",
    "feels", "feel", "felt", "makes", "made", "make", "gets", "got", "get", "goes", "went",
    "go", "keeps", "kept", "gives", "gave", "takes", "took", "brings", "brought", "means",
    "meant", "helps", "helped", "rocks", "rock", "rules", "works", "worked", "turned", "turns",
    "came", "comes", "paid", "pays", "which", "who", "what", "where", "how", "why", "whose",
    "not", "no", "yes", "all", "some", "any", "every", "each", "much", "many", "more", "most",
    "less", "few", "lot", "such", "own", "one", "ones", "other", "another", "last", "next",
    "done", "same"
])
# fmt: on
# What is given or said about a thing, not the thing: "Thanks for the advice", "your support
# means a lot", "need the recipe". A sentence naming only these speaks of the thing still.
# fmt: off
_GIVEN = frozenset([
    "support", "help", "encouragement", "advice", "word", "words", "kindness", "feedback",
    "opinion", "recommendation", "recipe",
])
# fmt: on
# What is felt, measured or judged rather than a thing an "it" goes on to speak of.
# fmt: off
_NOT_TOPIC = NOT_NOUN | _GIVEN | frozenset([
    "luck", "work", "effort", "share", "best", "pleasure", "honor", "honour", "point", "sense",
    "idea", "ideas", "thought", "thoughts", "feeling", "chance", "part", "piece", "ton",
    "bunch", "shot", "favorite", "favourite", "difference", "impact", "priority", "good",
    "great", "nice", "amazing", "awesome", "cool", "fun", "bad", "tough", "hard", "must-see",
    "must-read", "must-have"
])
# fmt: on
_THANKS = re.compile(
    r"\b(?:thanks?|thank you|appreciate[ds]?|grateful|" + "|".join(sorted(_GIVEN)) + r")\b", re.I
)
# "a recipe for banana bread", "advice on my resume": what it is for may be the thing
_GIVEN_FOR = re.compile(r"\b(?:" + "|".join(sorted(_GIVEN)) + r")\s+(?:for|of|on|about)\b", re.I)
# Someone, not a thing: "a little girl", "the coach".
# fmt: off
_PEOPLE = frozenset([
    "girl", "boy", "man", "woman", "guy", "lady", "person", "kid", "child", "baby", "player",
    "coach", "teacher", "student", "fan", "team", "crowd", "family", "everyone", "someone",
    "somebody"
])
# fmt: on
# "Italy was great", "basketball is my passion": a thing no determiner shows.
_BARE_SUBJECT = re.compile(
    r"(?:^|[,;:]\s+|\b(?:and|but|so|yeah|yes)\s+)(?!(?:it|this|that|there|here|what|who|which|"
    r"how|why|where|when|he|she|they|we|you|i|everything|nothing|something|anything|everyone|someone|all|life|"
    r"today|now|then|mine|yours)\b)[A-Za-z][a-z-]+(?:'s| is| was| are| were| has| had)\b",
    re.I,
)
# A name inside a sentence: someone, or a place or a work an "it" may be.
_NAME = re.compile(
    r"(?<![.!?]\s)(?<!^)\b(?!I\b|I'\w+|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b)[A-Z][a-z]+"
)
# What opens a clause: an "it" after it is its subject ("… but it paid off").
_OPENS_CLAUSE = re.compile(
    r"(?:[,;:.!?-]|\b(?:and|but|so|because|that|if|when|how|why|though|since|as|until|"
    r"while|where|what|think|thinks|thought|hope|hopes|guess|guesses|bet|bets|know|knows|knew|"
    r"heard|imagine|imagines|sure|glad)|\b(?:do|does|did|doing|done))\s+$",
    re.I,
)
_PHOTO = frozenset(["pic", "pics", "photo", "photos", "picture", "pictures", "snap", "selfie"])
# What a sentence may end on, said of the thing before it: "Is your lamp new?"
# fmt: off
_SAID_OF = frozenset([
    "new", "old", "good", "great", "ready", "finished", "okay", "fine", "nice", "fun", "cool",
    "amazing", "awesome", "big", "small", "hard", "easy", "open", "closed", "free", "better",
    "worse", "right"
])
# fmt: on
# "On another note", "on the other hand": no thing named.
_IDIOM = re.compile(r"(?:another|the other|the one) (?:note|hand)\b", re.I)
_AROUND = re.compile(r"\b(?:around|across|over|throughout|through|from)\s+$", re.I)
# A memory that says something before its "it" ("Ana made soup and shared it"): what it
# made may be a word no phrase shows ("soup"), so nothing further back is its thing.
_MEMORY_CLAUSES = re.compile(
    r"[,;]|\s[-–]\s|\b(?:but|so|because|which|then)\b|\band (?:then )?(?:[a-z]+ed|took|made|"
    r"gave|got|brought|put|sent|showed|had|bought|found|wrote|sold|built|drew|ate)\b"
)
_CLAUSE_BREAK = re.compile(r"(?:,|;| - | – |\b(?:and|but|so|because|which)\b)")
_PREDICATE = re.compile(
    r"(?:\b(?:it|this|that)(?:'s| is| was|'s been| has been| will be)|"
    # "I'm a big fan", "you're a star" (not "Is your novel …?", "how is your novel …?",
    # "here's my pie")
    r"\w(?<!\bhere)(?<!\bthere)(?<!\bhow)(?<!\bwhat)(?<!\bwhere)(?<!\bwho)(?<!\bwhy)(?<!\bwhen)"
    r"(?:'m|'re|'s| am| is| are| was| were| be| been| become| became)|"
    r"\b(?:sounds?|looks?|seems?|feels?|sounded|looked|seemed|felt) like)"
    r"(?:\s+(?:such|really|just|definitely|truly|also|still|kind of|like))*\s+$",
    re.I,
)

# What a thing does or is, said by a subject "It"/"This"/"That" opening a memory: "It has
# magic and great battles", "It really helps me relax", "It made me want to train harder",
# "That was from a game", "It's such a good one", "It's a must-read", "This is my go-to
# place". Only these take the one thing the exchange named: how something went, felt or
# mattered ("It was fun", "That was hard", "It was so amazing", "this is my true calling",
# "It was one of those moments") is as often said of a whole event or a situation, which no
# phrase before it names.
_THING_SAYS = re.compile(
    r"(?P<p>It|This|That)(?P<adv> (?:really|also|just|definitely|always|even|totally))?"
    r"(?P<v> has(?! been| had| to\b)|'s got| (?:helps|helped|tastes|tasted|smells|features|"
    r"includes|contains|comes with|came with)\b| (?:makes|made) (?:me|us|him|her|them|"
    r"[A-Z][a-z]+) (?:want|wanna)\b|(?: is| was|'s) (?:originally )?from\b|"
    r"(?: is| was|'s) (?:such |definitely |really )?(?:a (?:good|great) one\b|a must-[a-z]+|"
    r"(?:my|[A-Z][a-z]+'s) go-to\b))"
)


class Thing(NamedTuple):
    key: str  # the head noun, or the title: what two mentions of one thing share
    text: str  # as a memory writes it: "the tasty soup", "Ana's script", '"Dune"'
    one: bool  # singular, and not a person: what an "it" can be


def _sentences(text: str) -> list[str]:
    text = re.sub(r"\s*\[[^\]]*\]", "", text)
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]


def _phrase(words: list[str], rest: str) -> list[str] | None:
    """The words of a noun phrase: those up to the first word no noun phrase is made of;
    None when the phrase may go on past the words read."""
    for n in range(1, len(words)):
        if words[n].lower() in _GLUE or words[n].endswith(("ly", "ing")):
            return words[:n]
    # ends at a stop, or where a clause of its own begins: "the lamp I got from Ben"
    if not re.match(r"\s*(?:[.!?,;:)]|-|–|$)|\s+(?:I|I'[a-z]+|we|you|he|she|they)\b", rest):
        return None
    return words[:-1] if len(words) > 1 and words[-1].lower() in _SAID_OF else words


def things_named(
    text: str, speaker: str | None, listener: str | None, names: Collection[str] = ()
) -> list[Thing] | None:
    """The things ``text`` (said by ``speaker`` to ``listener``) names, in order; None when it
    names one it is unclear about (a phrase that may not be whole, a name other than
    ``names``, someone else's "his X", a bare noun standing as a subject: "Italy was
    great"). "My X" and "your X" are written as the speaker's or the listener's when known,
    else as "the X"."""
    question = text.rstrip().endswith("?")
    found: list[tuple[int, int, Thing]] = []
    for m in _TITLE.finditer(text):
        found.append((m.start(), m.end(), Thing(m.group("t").lower(), f'"{m.group("t")}"', True)))
    said = plain(text)
    if _BARE_SUBJECT.search(said) or any(n.group(0) not in names for n in _NAME.finditer(said)):
        return None
    for m in _NP.finditer(said):
        det, words = m.group("det").lower(), m.group("np").split()
        if words[0].lower() in _GLUE or _PREDICATE.search(said[: m.start()]):
            continue  # "that should …"; "It's a love story": what "it" is, not another thing
        phrase = _phrase(words, said[m.start("np") + len(m.group("np")) :])
        if phrase is None or words[0].endswith(("ing", "ed")):
            return None  # "a ton of …", "the building …": not a whole phrase, or a verb's
        head = phrase[-1].lower()
        if head in _PHOTO:
            return None  # "Check out this photo": what it shows, the words do not say
        if any(w.lower() in _NOT_TOPIC for w in phrase) or _IDIOM.match(said, m.start()):
            continue
        after = said[m.start("np") + len(" ".join(phrase)) :]
        if re.match(r"\s+(?:and|or|of|&)\b", after) or _AROUND.search(said[: m.start()]):
            return None  # "the colour and texture", "around the world": which, or is it all?
        if det in ("a", "an") and question:
            continue  # "Do you have a recipe?": asked after, not named
        if det in ("his", "her", "our", "their"):
            return None  # whose, the words before may not say
        owner = {"my": speaker, "your": listener}.get(det)
        plural = det not in ("this", "that", "a", "an", "another") and (
            head.endswith("s") and not head.endswith(("ss", "us", "is"))
        )
        person = bool(ROLE_WORD.fullmatch(head)) or head in _PEOPLE
        body = " ".join(phrase)
        written = f"{owner}'s {body}" if owner else f"the {body}"
        end = m.start("np") + len(body)
        found.append((m.start(), end, Thing(head, written, not plural and not person)))
    for m in re.finditer(r"\b[A-Za-z][a-z]{2,}ing\b", said):
        if m.group(0).lower() in NOT_ACTIVITY or re.search(
            r"\b(?:am|is|are|was|were|be|been|'m|'re|'s)\s+(?:\w+\s+)?$", said[: m.start()], re.I
        ):
            continue  # "I'm writing …": a verb, not an activity
        if not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), Thing(m.group(0).lower(), m.group(0), False)))
    return [t for _, _, t in sorted(found)]


def _span(sentence: str) -> str:
    """The part of ``sentence`` that may name what a later "it" is: all of it when it says
    no "it", else the clauses before its first "it" ("Made this soup - it was good": "Made
    this soup"; "I did research for it": nothing, "research" is not what "it" is)."""
    m = re.search(r"\bit\b", sentence, re.I)
    if m is None:
        return sentence
    head = sentence[: m.start()]
    breaks = list(_CLAUSE_BREAK.finditer(head))
    return head[: breaks[-1].start()] if breaks else ""


def topic(
    before: str,
    earlier: tuple[str, ...],
    subject: str,
    addressee: str | None,
    *,
    near: str | None = None,
) -> str | None:
    """The one thing an "it" said by ``subject`` after ``before`` (the turn's words up to it)
    speaks of, as a memory writes it; None when the words before name none or more than one.
    ``earlier`` are the turns before, newest first, read when the exchange is between two
    (``addressee`` known); whoever said them, "my X" and "your X" there are "the X".

    A sentence that names nothing passes the topic on when it speaks of it again ("How did
    you make it?", "Wow, that looks great!"), asks, names only plurals, thanks or names only
    what is given or said about it ("Your support means a lot", "I'll need the recipe"), or
    is a few words ("Great!"); any other may name something no phrase shows ("I play chess
    daily"), and ends the search.

    ``near`` is the subject pronoun ("it", "this", "that") the thing is sought for: a subject
    speaks of what was just said, so only a word of thanks or assent ("Absolutely!") passes
    the topic on, or, for "it", a sentence that says "it" again; a question, a sentence
    naming only plurals ("Seeing the top players was so motivating") or a demonstrative's
    sentence before may each be what it points to."""
    # Whose "my X" an earlier turn speaks of, only its speaker tells: turns need not alternate
    said = [(s, subject) for s in reversed(_sentences(before))]
    if addressee:
        said += [(s, None) for turn in earlier[:3] for s in reversed(_sentences(turn))]
    names = (subject, addressee or subject)
    for sentence, who in said:
        found = things_named(_span(sentence), who, addressee if who else None, names)
        if found is None:
            return None
        if found and not all(t.key.endswith("s") and not t.one for t in found):
            keys = {t.key for t in found}
            if len(keys) != 1 or not all(t.one for t in found):
                return None
            return max((t.text for t in found), key=lambda t: ("'s " in t, len(t)))
        if near is not None:
            if found or not (
                len(re.findall(r"[\w']+", sentence)) <= 2
                or (near == "it" and re.search(r"\bit\b", sentence, re.I))
            ):
                return None
            continue
        if not (
            found
            or sentence.rstrip().endswith("?")
            or (_THANKS.search(sentence) and not _GIVEN_FOR.search(sentence))
            or re.search(r"\b(?:it|this|that)\b", sentence, re.I)
            or len(re.findall(r"[\w']+", sentence)) <= 4
        ):
            return None
    return None


def names_no_thing(sentence: str) -> bool:
    """Whether ``sentence``, beside an "it" it is to name, does not name one thing it may be:
    it says an "it"/"they"/"them" of its own before naming anything ("I find it helps me
    relax"), or what it names clearly is not one singular thing ("A mentor can do wonders",
    "Stories and friends make a difference", "Enjoying the ride is key")."""
    said = sentence
    if m := re.search(r"\b(?:it|they|them)\b", plain(sentence), re.I):
        breaks = list(_CLAUSE_BREAK.finditer(plain(sentence)[: m.start()]))
        said = sentence[: breaks[-1].start()] if breaks else ""  # "I read a book - it was …"
    if not said.strip() or referring(said):
        return True
    found = things_named(said, None, None)
    if found is None:
        return False  # a name, a photo, a phrase not read whole: it may well name it
    return len({t.key for t in found}) != 1 or not all(t.one for t in found)


def chain_thing(
    content: str, before: str, earlier: tuple[str, ...], subject: str, addressee: str | None
) -> str | None:
    """``content`` with its first "it" (an object: "made it up", "research for it") written as
    the thing the exchange named before (:func:`topic`); None when it is not such an "it" or
    nothing names one thing. An "it" that opens a clause is left: "It was fun" speaks as often
    of the whole event as of a thing; one saying what a thing does or is ("It has great
    battles", "It helps me relax") takes the thing just named (:func:`_subject_thing`)."""
    if said := _THING_SAYS.match(content):
        return _subject_thing(content, said, before, earlier, subject, addressee)
    found = referring(content)
    if not found or any(m.group("p") != "it" for m in found) or "[shares" in content:
        return None
    first = found[0]
    head, rest = content[: first.start("p")], content[first.end("p") :]
    if (
        not re.search(r"[a-z]\s+$", head)
        or _OPENS_CLAUSE.search(head)
        or _MEMORY_CLAUSES.search(head)
        or re.match(r"'|\s+(?:[a-z]+s|[a-z]+ed|was|will|would|can|could|might|may|must)\b", rest)
    ):
        return None
    thing = topic(before, earlier, subject, addressee)
    if thing is None:
        return None
    if m := re.match(r" (up|out)\b", rest):  # "check out the series", not "check the series out"
        return f"{head}{m.group(1)} {thing}{rest[m.end() :]}"
    return head + thing + rest


def _subject_thing(
    content: str,
    said: re.Match[str],
    before: str,
    earlier: tuple[str, ...],
    subject: str,
    addressee: str | None,
) -> str | None:
    """``content``, opening on a subject "It"/"This"/"That" that says what a thing does or
    is (``said``), with the thing the exchange named in its place: "It has magic and great
    battles" after "I love this series" reads "The series has magic and great battles";
    None when anything but "it" is left unnamed after it, or nothing names one thing."""
    if any(m.group("p") != "it" for m in referring(content[said.end() :])):
        return None  # "It has a pool and that …": what "that" is, the thing may not say
    thing = topic(before, earlier, subject, addressee, near=said.group("p").lower())
    if thing is None:
        return None
    verb = said.group("v")
    if verb.startswith("'s"):
        verb = " has" + verb[2:] if verb.startswith("'s got") else " is" + verb[2:]
    return thing[0].upper() + thing[1:] + (said.group("adv") or "") + verb + content[said.end() :]
