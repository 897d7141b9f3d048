"""The words a plural is read by: what looks plural and is not ("Sounds great", "three
times"), and what kind of plural a "they" can name, read from how the sentence uses it.

Only people (or pets) fit a "they" that speaks or is taught ("they said", "inspire them"),
and a "their" before a face or a dream ("the smiles on their faces"): given "my
experiences" or "your kind words" such a memory says what nobody meant. An organisation
is "they" in English when it acts: asked "Did something happen with the company?", "They
just sent me a rejection" is the company, not a plural said turns before.
"""

from __future__ import annotations

import re

# An organisation or a place run by people, named with a determiner.
ORGANISATION = (
    r"\b(?P<org_det>the|this|that|my|our|your|a|an|local)\s+(?P<org>(?:[a-z]+\s+)?(?:shelter|"
    r"company|school|church|club|charity|organi[sz]ation|hospital|clinic|restaurant|caf[eé]|"
    r"store|shop|bank|agency|firm|office|library|museum|cent(?:er|re)|council|government|"
    r"department|university|college|studio|gym|brand|business|foundation|startup|publisher|"
    r"airline|hotel|bakery|band|league|committee|nonprofit|non-profit))\b"
)
_ORGANISATION = re.compile(ORGANISATION)
# What an organisation does as "they": it answers, sends, hires, turns down.
_ACTS = re.compile(
    r"^\s+(?:(?:just|also|even|finally|already|never|then|actually|really|only)\s+)?"
    r"(?:(?:will|would|could|might|did|didn't|won't|wouldn't)\s+\w+|said|asked|told|sent|"
    r"emailed|called|replied|responded|wrote|offered|gave|hired|fired|paid|rejected|turned|"
    r"accepted|approved|denied|invited|contacted|got back|reached out|chose|picked|selected|"
    r"signed|published|announced|agreed|decided|loved|liked|wanted)\b"
)


def organisation(text: str) -> tuple[str, str] | None:
    """The one organisation ``text`` names, as (determiner, noun): "a production company"
    is ("the", "production company"); None when it names none or several."""
    found = {
        ({"a": "the", "an": "the", "local": "the"}.get(o["org_det"].lower(), o["org_det"].lower()),
         o["org"])
        for o in _ORGANISATION.finditer(text)
    }  # fmt: skip
    return found.pop() if len(found) == 1 else None


def acts_as_organisation(text: str, m: re.Match[str]) -> bool:
    """The pronoun at ``m`` is a subject "they" doing what an organisation does."""
    return m.group(0).lower() == "they" and bool(_ACTS.match(text[m.end() :]))


# What looks like a plural noun and is not one: "thanks", "sometimes", "three times".
NOT_PLURAL = frozenset(
    [
        "this",
        "thus",
        "cheers",
        "thanks",
        "congrats",
        "kudos",
        "props",
        "always",
        "sometimes",
        "perhaps",
        "plus",
        "bus",
        "gas",
        "yes",
        "series",
        "news",
        "process",
        "class",
        "lens",
        "ones",
        "others",
        "things",
        "times",
        "days",
        "years",
        "weeks",
        "months",
        "favorites",
        "favourites",
        "faves",
    ]
)
# A verb that opens small talk and looks like a plural noun: "Sounds great!", "Looks fun".
VERB_OPENERS = frozenset(
    ["sounds", "looks", "seems", "feels", "means", "makes", "takes", "gets", "goes", "reminds"]
)
# What follows a verb that looks like a plural noun: "Sounds great", "Brings back …".
VERB_NEXT = frozenset(
    [
        "back",
        "like",
        "great",
        "good",
        "fun",
        "amazing",
        "awesome",
        "so",
        "really",
        "me",
        "us",
        "you",
        "it",
        "perfect",
        "lovely",
        "nice",
        "cool",
        "interesting",
        "up",
        "out",
    ]
)
# What opens a question before two names: "Are Ana and Ben …?"
ASKING = frozenset(
    [
        "and",
        "Are",
        "Is",
        "Do",
        "Does",
        "Did",
        "Have",
        "Has",
        "Was",
        "Were",
        "Will",
        "Can",
        "Could",
        "Would",
        "How",
        "What",
    ]
)

# What only people do: "they said", "they asked me", "they invited us".
_SPEECH_AFTER = re.compile(
    r"\s+(?:\w+ly\s+|also\s+|just\s+)?(?:said|asked|told|invited|texted|called|replied|"
    r"thanked|promised|suggested|agreed|offered|apologi[sz]ed|saying|talked|talking|explained|"
    r"mentioned)\b"
)
# "them" after what one does to people: "inspired them to …", "offer them support".
_PEOPLE_VERB = re.compile(
    r"\b(?:inspir|encourag|motivat|taught|teach|thank|invit|hug|told|tell|remind)\w*\s+$"
)
_DATIVE_VERB = re.compile(r"\b(?:offer|give|gave|giving|show|send|sent|lend|lent)\w*\s+$")
_NOT_DATIVE = re.compile(
    r"\s+(?:to|in|into|on|back|away|out|up|off|for|at|with|around|over)\b|\W*$"
)
# "them there to cheer me on", "they rooted for me": what only people (or pets) do.
_CHEER_AFTER = re.compile(r"\s+(?:\w+\s+){0,2}?(?:to\s+)?(?:cheer|root|rooting|rooted|hug)\b")
# "how excited they get", "they were so scared": what only people (or pets) feel.
_FEELING = r"(?:excited|happy|sad|scared|proud|thrilled|grateful|thankful|nervous|afraid|stoked)"
_FEELS_BEFORE = re.compile(rf"\b(?:how|so|very|really)\s+{_FEELING}\s+$")
_FEELS_AFTER = re.compile(
    rf"^(?:'re|\s+(?:are|were|get|got|feel|felt|seem|seemed))\s+(?:(?:so|very|really|super)\s+)?"
    rf"{_FEELING}\b"
)
# "the smiles on their faces", "chase their dreams": what only people (or pets) have.
_THEIR_OWN = re.compile(
    r"\s+(?:own\s+)?(?:faces?|smiles?|eyes|hands|hearts?|minds?|voices?|dreams|feelings|"
    r"careers?|jobs?)\b"
)
PLURAL_PRONOUN = re.compile(r"\b(?:[Tt]hey(?:'re|'ve|'ll|'d)?|[Tt]hem|[Tt]heir|[Tt]heirs)\b")

PEOPLE = re.compile(
    r"\b(?:people|children|kids|folks|family|team|parents|guys|friends|girls|boys|men|women|"
    r"sisters|brothers|sons|daughters|cousins|neighbou?rs|colleagues|fans|members|athletes|"
    r"guests|clients|participants|adults|teens|youths|locals|individuals|humans|babies|"
    r"ladies|peers|pals|buddies|siblings|relatives|grandkids|veterans|loved ones|students|"
    r"residents|patients|opponents|attendees|employees|refugees|mentees|everyone|everybody|"
    r"group|class|crew|community|grandparents|grandchildren|nieces|nephews|aunts|uncles|moms|"
    r"dads|mothers|fathers|wives|husbands|twins|pupils|coaches|nurses|staff|crowd|audience|"
    # "dancers", "visitors", "artists": doers, but not "flowers", "colors" or "lists"
    r"(?!(?:flowers|stickers|posters|papers|letters|numbers|computers|burgers|waters|"
    r"markers|layers|corners|covers|chapters|centers|matters|answers|sweaters|sneakers|"
    r"colou?rs|floors|doors|mirrors|errors|lists)$)\w+(?:ers|ors|ists|ians|mates))$"
)
# A "they" with a face or a heart may be pets, too.
_PETS = re.compile(
    r"\b(?:pets|dogs|cats|puppies|pups|kittens|turtles|hamsters|rabbits|bunnies|birds|"
    r"horses|fish|animals|creatures)$"
)


def _people_object(clause: str, m: re.Match[str]) -> bool:
    """The pronoun is "them" where only people fit: the object of "inspire", "teach", …
    or the receiver of "offer"/"give"/"show" before the thing given ("offer them support",
    not "showed them to my mom")."""
    if m.group(0).lower() != "them":
        return False
    before, after = clause[: m.start()], clause[m.end() :]
    return bool(
        _PEOPLE_VERB.search(before)
        or (_DATIVE_VERB.search(before) and not _NOT_DATIVE.match(after))
    )


def _people_only(text: str, m: re.Match[str]) -> bool:
    """The pronoun at ``m`` speaks, cheers or is taught: people."""
    after = text[m.end() :]
    return bool(_SPEECH_AFTER.match(after) or _CHEER_AFTER.match(after) or _people_object(text, m))


def fits(noun: str, text: str) -> bool:
    """A plural ``noun`` can be what every "they"/"them"/"their" of ``text`` names: people
    or an organisation for one that speaks or is taught, people or pets for "their faces"
    or one that feels ("how excited they get")."""
    speaks = bool(PEOPLE.search(noun) or _ORGANISATION.fullmatch(f"the {noun}"))
    for m in PLURAL_PRONOUN.finditer(text):
        if _people_only(text, m) and not speaks:
            return False
        after = f"{m.group(0)[4:]}{text[m.end() :]}" if "'" in m.group(0) else text[m.end() :]
        animate = (
            (m.group(0).lower() == "their" and _THEIR_OWN.match(after))
            or _FEELS_AFTER.match(after)
            or _FEELS_BEFORE.search(text[: m.start()])
        )
        if animate and not (PEOPLE.search(noun) or _PETS.search(noun)):
            return False
    return True
