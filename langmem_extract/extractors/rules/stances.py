"""Stances said in passing: objections, lost interest, comparisons, extraposed values.

More shapes of preference talk that :mod:`~langmem_extract.extractors.rules.implied` reads
the same way (a match is a ``preference`` hit with the speaker's clause as its content,
the object and polarity as its conflict key, and a reasoning naming the family):

* objections: "I have an ethical objection to X", "I have serious reservations about X";
* lost or absent appeal: "X has never appealed to me", "X was never my thing", "X just
  doesn't do it for me", "I don't see the appeal of X", "I've lost interest in X", "I'm
  tired of X", "I get bored quickly with X", "I can't see myself ever enjoying X";
* avoidance as a habit: "I've always avoided X", "I've stayed away from X ever since …",
  "I shy away from X", "I'm not one to X";
* comparisons: "I'd pick X over Y any day", "I'll always choose X over Y";
* values and constraints: "It's important to me that X", "I won't compromise on X",
  "I'm a stickler for X", "X is out of the question for me";
* habits: "I only adopt from shelters", "I try to buy only second-hand", "I make sure my
  X is Y", "I've always been more of a tea person".

Each pattern is anchored on the speaker in the indicative, like the families of
:mod:`~langmem_extract.extractors.rules.implied`, whose guards (hypotheticals, other
people, passing states, empty objects) apply to these too.
"""

from __future__ import annotations

from langmem_extract.extractors.rules.shapes import ADV, DEGREE, I_AM, I_HAVE, TRAIT_NOUN, Family
from langmem_extract.extractors.rules.shapes import shape as _s

_NEVER_APPEALED = (
    r"(?:appealed\s+to|interested|excited|grabbed|clicked\s+with|resonated\s+with|done\s+"
    r"(?:it|much|anything)\s+for)\s+me"
)
_NOT_MINE = r"my\s+(?:thing|cup of tea|style|scene|jam|vibe|kind of thing|idea of fun)|for me"
# Verbs that say nothing about a taste after "I only …": "I only have two days", "I only
# just arrived", "I only found out yesterday", "I only want to know …".
_NOT_ONLY_VERBS = (
    r"(?!(?:have|had|has|just|know|knew|need|needed|want|wanted|wish|hope|found|went|got|get|"
    r"started|recently|realized|realised|care|mean|meant|did|do|am|was|see|saw|heard|hear|"
    r"think|thought|ask|asked|said|say|learned|learnt|a|an|the|one|two|three|\w+ed)\b)"
)

# fmt: off
STANCE_FAMILIES: tuple[Family, ...] = (
    # "I have an ethical objection to X", "I have serious reservations about X"
    _s("aversion", rf"^(?:{I_HAVE}|i\s+)(?:always\s+)?(?:had\s+|have\s+|got\s+)?(?:an?\s+|some\s+|"
       r"real\s+|serious\s+|strong\s+|deep\s+|big\s+|no\s+small\s+)?(?:[\w-]+\s+){0,2}?"
       r"(?:objections?|reservations|qualms|bias|prejudice|(?:ethical|moral|philosophical)\s+"
       r"(?:issues?|problems?|concerns?))\s+(?:to|with|against|about|toward|towards|around)\s+"
       r"(?P<obj>.+)", "no"),
    # "X has never appealed to me", "X never really interested me"
    _s("aversion", rf"^(?P<obj>.+?)\s+(?:has|have)?\s*(?:just\s+|simply\s+)?never\s+(?:really\s+|"
       rf"quite\s+)?{_NEVER_APPEALED}\b", "no", subject_first=True),
    # "X was never my thing", "X has never been my cup of tea"
    _s("aversion", rf"^(?P<obj>.+?)\s+(?:was|were|has|have|is|are)\s+(?:just\s+)?never\s+"
       rf"(?:really\s+|quite\s+)?(?:been\s+)?(?:{_NOT_MINE})\b", "no", subject_first=True),
    # "X just doesn't do it for me", "X does nothing for me"
    _s("aversion", r"^(?P<obj>.+?)\s+(?:just\s+|really\s+|simply\s+)?(?:(?:doesn't|don't|does not|"
       r"do not|never)\s+(?:really\s+)?do\s+(?:it|much|anything)|(?:does|do)\s+nothing)\s+"
       r"for\s+me\b", "no", subject_first=True),
    # "X is out of the question for me"
    _s("value", r"^(?P<obj>.+?)\s+(?:is|are)\s+(?:simply\s+|just\s+|completely\s+|totally\s+)?"
       r"(?P<neg>out of the question|not an option|not negotiable)\s+(?:to|for)\s+me\b",
       subject_first=True),
    # "I don't see the appeal of X", "I've never understood the hype around X"
    _s("aversion", rf"^(?:i\s+{ADV}(?:don't|do not|never|can't|cannot)\s+(?:really\s+)?"
       rf"(?:see|get|understand)|{I_HAVE}never\s+(?:really\s+)?(?:seen|got|gotten|understood))"
       r"\s+the\s+(?:appeal|point|hype|fuss|fascination)\s+(?:of|in|with|around|about|behind)\s+"
       r"(?P<obj>.+)", "no"),
    # "I've lost interest in X", "I'm tired of X", "I've grown tired of X", "I've had enough of X"
    _s("aversion", rf"^(?:{I_HAVE}{ADV}(?:lost\s+(?:all\s+|any\s+|my\s+)?interest\s+in|grown\s+"
       rf"(?:tired|weary|sick)\s+of|had\s+(?:more than\s+)?enough\s+of)|i\s+{ADV}(?:lost\s+"
       r"(?:all\s+|any\s+|my\s+)?interest\s+in|(?:quickly\s+|easily\s+)?lose\s+interest\s+in)|"
       rf"{I_AM}{ADV}{DEGREE}(?:(?:sick\s+and\s+)?tired|sick|weary)\s+of)\s+(?P<obj>.+)", "no"),
    # "I get bored quickly with X", "I get restless during X"
    _s("aversion", rf"^i\s+{ADV}(?:get|feel|grow|become)\s+(?:easily\s+|quickly\s+)?{DEGREE}"
       r"(?:bored|restless|impatient|fidgety|frustrated|irritated|turned off)\s+(?:quickly\s+|"
       r"easily\s+|fast\s+|very quickly\s+)?(?:with|by|of|in|during|at|around)\s+(?P<obj>.+)",
       "no", inferred=True),
    # "I can't see myself ever enjoying X", "I could never imagine myself owning X"
    _s("aversion", rf"^i\s+{ADV}(?:can't|cannot|can not|could never|can never)\s+(?:really\s+|"
       r"honestly\s+)?(?:see|imagine|picture)\s+myself\s+(?:ever\s+)?(?P<obj>\w+ing\b.+)", "no"),
    # "I've always avoided X", "I've stayed away from X ever since …", "I shy away from X"
    _s("aversion", rf"^(?:{I_HAVE}(?:always\s+|long\s+|mostly\s+|largely\s+|pretty much\s+|"
       r"completely\s+|generally\s+|since\s+then\s+|also\s+)*(?:avoided|stayed\s+away\s+from|"
       r"steered\s+clear\s+of|kept\s+(?:away|clear)\s+from|shied\s+away\s+from|been\s+avoiding|"
       r"been\s+staying\s+away\s+from|stopped\s+(?:buying|using|going to|watching|playing|"
       rf"wearing))|i\s+{ADV}(?:shy|keep|stay)\s+(?:well\s+)?(?:away|clear)\s+(?:from|of))\s+"
       r"(?P<obj>.+)", "no"),
    # "I'm not one to X", "I'm not the type to X"
    _s("aversion", rf"^{I_AM}(?:just\s+|really\s+|honestly\s+)?not\s+(?:really\s+)?(?:one|the\s+"
       r"(?:kind|type|sort)(?:\s+of\s+(?:person|guy|girl))?)\s+(?:to|for)\s+(?P<obj>.+)", "no",
       inferred=True),
    # "I'm not really into X", "I'm not all that into X"
    _s("aversion", rf"^{I_AM}(?:just\s+|honestly\s+)?not\s+(?:really\s+|all\s+that\s+|that\s+|too\s+|"
       r"very\s+|particularly\s+|super\s+)into\s+(?P<obj>.+)", "no"),
    # "I'd pick X over Y any day", "I'll always choose X over Y"
    _s("attraction", r"^i(?:'d|\s+would|'ll|\s+will)?\s+(?:always\s+|usually\s+|happily\s+|"
       r"definitely\s+|much\s+rather\s+)?(?:choose|pick|take|go\s+for|opt\s+for|prefer|"
       r"favou?r)\s+(?P<obj>.+?)\s+over\s+\S.+"),
    # "It's important to me that X", "It matters to me that X", "It means a lot to me to X"
    _s("value", r"^it(?:'s|\s+is|\s+has\s+always\s+been)\s+(?:really\s+|very\s+|so\s+|extremely\s+|"
       r"incredibly\s+|super\s+|always\s+)*(?:important|essential|crucial|vital|key|a\s+"
       r"(?:top\s+|high\s+|real\s+)?priority|a\s+must|non-negotiable)\s+(?:to|for)\s+me\s+"
       r"(?:that\s+|to\s+)?(?P<obj>.+)"),
    _s("value", r"^it\s+(?:really\s+)?(?:matters|means\s+(?:a lot|so much|everything))\s+(?:to|for)"
       r"\s+me\s+(?:that\s+|to\s+)(?P<obj>.+)"),
    # "I won't compromise on X", "I'm not willing to skimp on X"
    _s("value", rf"^(?:{I_AM}{ADV}(?:not\s+(?:willing|prepared|going)|unwilling)\s+to|"
       r"i\s+(?:won't|will not|never|refuse to|don't|do not|can't|cannot)|i(?:'d|\s+would)\s+"
       r"never)\s+(?:compromise|skimp|cut\s+corners|settle)\s+(?:on|for\s+less\s+(?:on|than))"
       r"\s+(?P<obj>.+)"),
    # "I'm a stickler for X", "I'm big on X"
    _s("value", rf"^{I_AM}{ADV}(?:(?:an?\s+)?(?:real\s+|total\s+|bit\s+of\s+a\s+|huge\s+)?"
       r"stickler\s+for|(?:really\s+|very\s+|pretty\s+|quite\s+|super\s+|huge\s+)?big\s+on)\s+"
       r"(?P<obj>.+)"),
    # "I only adopt from shelters", "I only ever buy second-hand"
    _s("habit", rf"^i\s+(?:(?:usually|generally|now|also)\s+)?only\s+(?:ever\s+)?{_NOT_ONLY_VERBS}"
       r"(?P<obj>[a-z]+\b.+)", inferred=True),
    # "I try to buy only second-hand", "I do my best to shop locally"
    _s("habit", rf"^i\s+{ADV}(?:try|strive|aim|make\s+an\s+effort|do\s+my\s+best)\s+to\s+"
       r"(?P<obj>(?:only|always|mostly|exclusively|stick\s+(?:to|with)|buy|choose|use|support|"
       r"shop|eat|wear|go\s+for|opt\s+for|keep|stay)\b.+)", inferred=True),
    # "I make sure my shampoo is sulfate-free"
    _s("habit", r"^i\s+(?:always\s+|usually\s+|really\s+)?make\s+sure\s+(?:that\s+)?"
       r"(?P<obj>(?:my|all\s+my|everything|anything|whatever|whichever|any)\b.+)", inferred=True),
    # "I've always been more of a tea person"
    _s("trait", rf"^{I_HAVE}(?:always\s+|long\s+|(?P<neg>never\s+(?:really\s+)?))been\s+(?:more\s+"
       r"of\s+|much\s+of\s+|a\s+bit\s+of\s+|quite\s+|such\s+)?(?:a|an)\s+(?P<obj>(?:[\w-]+\s+){0,3}?"
       rf"(?:{TRAIT_NOUN}))(?=\s*(?:[,;]|$|\s+(?:and|but|so|because|since)\b))", inferred=True),
)
# fmt: on
