"""Shared shapes of implied-preference talk: the regex fragments and the family record.

:mod:`~langmem_extract.extractors.rules.implied` and
:mod:`~langmem_extract.extractors.rules.stances` build their families from these pieces:
the speaker ("I'm", "I've"), adverbs and degree words that may stand between the speaker
and the verb, the adjectives that turn "I find X …" into a liking or an aversion, and the
nouns of a self-description ("a morning person", "a coffee lover").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Longest object kept, in words: a preference names a thing, not a story.
MAX_OBJECT_WORDS = 16

ADV = (
    r"(?:(?:really|truly|just|also|generally|personally|honestly|definitely|absolutely|still|"
    r"kind of|kinda|pretty much|somewhat|secretly|genuinely|totally|completely|simply|"
    r"especially|particularly|actually|always|usually|deeply|strongly|firmly|sincerely|"
    r"wholeheartedly|passionately|(?!only\b|family\b|early\b|ugly\b|holy\b)[a-z]{3,}ly)\s+)*"
)
DEGREE = r"(?:(?:so|very|really|super|quite|pretty|incredibly|extremely|a bit|rather|kind of|kinda|too|a little|fairly)\s+)*"
I_AM = r"i(?:'m| am)\s+"
I_HAVE = r"i(?:'ve| have)\s+"
NEG_ADJ = (
    r"boring|tedious|dull|overwhelming|exhausting|draining|stressful|annoying|irritating|"
    r"off-putting|unappealing|uncomfortable|unbearable|overrated|pointless|frustrating|"
    r"distressing|disorienting|gross|disgusting|unpleasant|intimidating|nauseating|"
    r"nerve-wracking|tiresome|repetitive|depressing|stuffy|claustrophobic|anxious|nervous|"
    r"sick|queasy|dizzy|stressed|uneasy|miserable|sad|bored|tense|uncomfortable|ineffective|"
    r"distracting|disorienting|disoriented|nauseous|restrictive|strenuous|confusing|"
    r"unrealistic|far-fetched|overstimulating|demotivating|disengaging|unhelpful|impersonal|"
    r"drained|tiring|unbearable|too much"
)
POS_ADJ = (
    r"relaxing|soothing|calming|fascinating|inspiring|rewarding|energizing|energising|"
    r"therapeutic|enjoyable|fun|refreshing|satisfying|comforting|peaceful|exciting|thrilling|"
    r"captivating|delightful|invigorating|meditative|happy|calm|relaxed|alive|at peace|"
    r"grounded|motivated|excited"
)
TRAIT_NOUN = (
    r"person|type|lover|enthusiast|fanatic|buff|junkie|aficionado|connoisseur|nut|geek|nerd|"
    r"addict|fiend|purist|snob|foodie|homebody|night owl|early bird|early riser|introvert|"
    r"extrovert|minimalist|bookworm|couch potato|creature of habit|traditionalist|devotee|"
    r"advocate|believer|proponent|supporter|champion"
)


@dataclass(frozen=True)
class Family:
    """One shape of preference talk: a regex with an ``obj`` group and what it means."""

    name: str  # aversion, attraction, value, diet, budget, constraint, habit, trait
    pattern: re.Pattern[str]
    polarity: str  # "yes" or "no"; a ``neg`` group or a negative adjective flips it to "no"
    inferred: bool = False  # read off a behaviour or circumstance, not a stated feeling
    whole: bool = False  # the content runs to the end of the match, not of the object
    subject_first: bool = False  # the object comes before the verb ("X is important to me")


def shape(name: str, pattern: str, polarity: str = "yes", **kw: bool) -> Family:
    return Family(name, re.compile(pattern, re.I), polarity, **kw)
