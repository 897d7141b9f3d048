"""Single-valued facts beyond the fixed keys, and stated changes of a preference.

:func:`slot_fact` runs before the other rule families and keys the statements whose new
value replaces an old one (``graph/conflicts.py`` decides what supersedes what):

* residence: "we relocated to Denver", "I moved from Boston to Austin" → ``location``;
* employer and role: "I just started a new job at Meta", "I got promoted to lead" →
  ``employer`` / ``occupation``;
* diet: "I started eating meat again", "I went vegan" → ``diet``;
* relationship status: "I got married", "we broke up" → ``relationship_status``;
* vehicle: "I drive a Honda Civic", "I sold my Civic and bought a Tesla" → ``vehicle``;
* one person per role: "my new manager is Tom", "my boss left" → ``relation:manager``;
* preference changes: "I gave up coffee" (``likes:coffee`` = ``no``), "I switched to
  coffee" (``likes:coffee`` = ``yes`` with the ``switch`` signal, and ``replaces:tea``
  when the old object is named).

It also claims the look-alikes that must *not* key a slot, so later families do not:
"I also work part-time at a café", "I moved to a new apartment", "I bought a car seat".
Only first-person statements ("I", "we", "my partner and I") match: "my sister lives in
Denver" is about someone else and never keys the user's slot.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.rules.fact_changes import changed_fact, framed
from langmem_extract.extractors.rules.families import Hit, classify_clause
from langmem_extract.extractors.rules.grammar import norm_key, object_phrase
from langmem_extract.schema import (
    Attribute,
    AttributeFamily,
    Category,
    MemoryKind,
    MemoryType,
    keyed_attribute,
)

_ADV = r"(?:just\s+|recently\s+|finally\s+|officially\s+|now\s+|also\s+|actually\s+)*"
_WE = r"(?:we|my (?:family|wife|husband|partner|boyfriend|girlfriend|fianc[eé]e?|kids|husband and kids) and i)"

# -- residence

_MOVED = re.compile(
    rf"^(?:i|{_WE})(?:'ve|\s+have)?\s+{_ADV}(?:(?:packed up|sold up|upped sticks)\s+and\s+)?"
    r"(?:moved|relocated)\s+(?:back\s+|out\s+|down\s+|up\s+|away\s+)?"
    r"(?:from\s+.+?\s+)?to\s+(.+)"
    rf"|^(?:i|{_WE})(?:'ve|\s+have)?\s+{_ADV}settled\s+(?:down\s+)?in\s+(.+)",
    re.I,
)
_WE_LIVE = re.compile(
    r"^i(?:'m| am)\s+(?:now\s+)?(?:in|living in|based in)\s+([A-Z][\w .'-]+?)\s+"
    r"(?:now|these days|nowadays)$"
    r"|^(?:i|we)(?:'ve|\s+have)?\s+(?:just\s+)?(?:bought|rented|found|got)\s+(?:a|an|our)\s+"
    r"(?:new\s+)?(?:house|home|flat|apartment|place|condo)\s+in\s+(.+?)\s+and\s+moved\s+"
    r"(?:there|in)\b.*"
    r"|^(?:we|my (?:family|partner|wife|husband) and i)\s+(?:now\s+|currently\s+)?"
    r"(?:live|are living|'re living|are based|'re based)\s+(?:in|out of)\s+(.+)"
    r"|^i(?:'ve| have)\s+been\s+living\s+in\s+(.+)",
    re.I,
)
# "moved to a new apartment": a move within the same place, not a new residence.
_NOT_A_PLACE = re.compile(
    r"^(?:a|an|my|our|another|new|bigger|smaller|the\s+(?:new\s+|other\s+)?"
    r"(?:apartment|flat|house|place|office|team|department|room|floor|desk|suburbs|"
    r"countryside|city centre|city center|night shift|day shift))\b",
    re.I,
)
_DURATION_TAIL = re.compile(r"\s+(?:for|since)\s+.*$", re.I)

# -- employer and role

_NEW_JOB = re.compile(
    rf"^i(?:'ve|\s+have)?\s+{_ADV}(?:started|began|begun|accepted|took|taken|landed|got|"
    r"gotten|started\s+working)\s+(?:a\s+|an\s+|my\s+)?(?:new\s+)?(?:full[- ]time\s+)?"
    r"(?:(?:job|position|role|gig)\s+)?(?:as\s+(?:an?\s+)?(?P<role>.+?)\s+)?(?:at|with|for)\s+"
    r"(?P<org>.+)"
    r"|^i(?:'m|\s+am)\s+now\s+(?:at|with)\s+(?P<org4>(?-i:[A-Z])[\w&.'-]*(?:\s+(?-i:[A-Z])[\w&.'-]*)*)$"
    r"|^i\s+(?:left|quit)\s+(?:my\s+job\s+at\s+)?.+?\s+(?:and|to)\s+(?:joined|join|started\s+at|"
    r"move\s+to|went\s+to)\s+(?P<org5>(?-i:[A-Z])[\w&.'-]*(?:\s+(?-i:[A-Z])[\w&.'-]*)*)"
    r"|^(?:.+\s)?(?:was|is)\s+my\s+first\s+day\s+(?:at|with)\s+(?P<org6>.+)"
    r"|^i(?:'ve|\s+have)?\s+(?:just\s+)?accepted\s+(?:an?\s+|the\s+)?(?:job\s+)?offer\s+(?:from|at)\s+(?P<org7>.+)"
    r"|^i(?:'m|\s+am)\s+(?:starting|beginning)\s+(?:a\s+new\s+job\s+)?(?:at|with)\s+(?P<org8>.+)"
    r"|^i(?:'ve|\s+have)?\s+(?:just\s+)?(?:got|been|was)\s+hired\s+(?:at|by)\s+(?P<org2>.+)"
    r"|^i(?:'ve|\s+have)?\s+(?:just\s+)?joined\s+(?P<org3>(?-i:[A-Z])[\w&.'-]*(?:\s+(?-i:[A-Z])[\w&.'-]*)*)"
    r"\s+as\s+(?:an?\s+)?(?P<role3>.+)",
    re.I,
)
# "I also work part-time at a café": a second job, not a new employer.
_SIDE_JOB = re.compile(
    r"^i\s+(?:also\s+)?(?:work|am working|'m working|have a (?:side |second |part[- ]time )?job)"
    r"\b.*\b(?:also|part[- ]time|weekends?|on the side|side job|second job|evenings|nights|"
    r"summers?|freelance|occasionally|sometimes)\b"
    r"|^i\s+also\s+(?:work|freelance|volunteer|teach)\b"
    r"|^i\s+volunteer\b",
    re.I,
)
_PROMOTED = re.compile(
    r"^i\s+(?:just\s+|finally\s+)?(?:got|was|have been|'ve been)\s+promoted\s+to\s+(?:an?\s+)?(.+)"
    r"|^i(?:\s+|(?='))(?:just\s+|recently\s+)?(?:became|have become|'ve become)\s+(?:an?\s+)(.+)"
    r"|^i(?:'ve|\s+have)?\s+(?:just\s+|recently\s+)?(?:started|began|begun)\s+working\s+as\s+"
    r"(?:an?\s+)?(.+)"
    r"|^i\s+(?:switched|changed)\s+careers?\s+(?:and\s+became|to\s+become|to)\s+(?:an?\s+)?(.+)",
    re.I,
)
_NOT_A_ROLE = re.compile(
    r"\b(?:mother|father|mom|mum|dad|parent|grandma|grandpa|grandparent|aunt|uncle|wife|"
    r"husband|member|fan|citizen|regular|vegetarian|vegan|runner|homeowner|volunteer)\b",
    re.I,
)
_RETIRED = re.compile(
    r"^i(?:'m| am|'ve| have)?\s+(?:just\s+|now\s+|finally\s+|officially\s+|recently\s+)*"
    r"retired\b",
    re.I,
)

# -- diet

_DIET_NOW = re.compile(
    r"^i(?:'ve| have)?\s+(?:just\s+|recently\s+|finally\s+)?(?:went|gone|turned|become|became)\s+"
    r"(?:fully\s+|completely\s+)?(vegetarian|vegan|pescatarian)\b",
    re.I,
)
_DIET_MEAT = re.compile(
    r"^i(?:'ve| have)?\s+(?:just\s+|recently\s+)?(?:started|began|been|am|'m)\s+eating\s+"
    r"(?:meat|chicken|beef|pork|steak|bacon|poultry|burgers)(?![- ](?:free|less|substitute))\b"
    r"|^i\s+eat\s+meat\s*(?:again|now)?$|^i\s+eat\s+(?:everything|anything)\b"
    r"|^i(?:'m| am)\s+(?:no longer|not)\s+(?:a\s+)?(?:vegetarian|vegan|pescatarian)"
    r"|^i\s+(?:stopped|quit|gave up)\s+being\s+(?:a\s+)?(?:vegetarian|vegan|pescatarian)"
    r"|^i(?:'m| am)\s+(?:a\s+)?(?:meat[- ]eater|omnivore)\b",
    re.I,
)

# "I eat fish now" after "I'm vegan": fish with a change cue is a pescatarian diet (without
# one it is a taste: "I eat fish on Fridays").
_DIET_FISH = re.compile(
    r"^i(?:'ve| have)?\s+(?:just\s+|recently\s+)?(?:started|began|been|am|'m)\s+eating\s+"
    r"(?:fish|seafood)\b(?!\s+(?:and|or|&)\s+(?:meat|chicken|beef|pork))"
    r"|^i\s+(?:now\s+)?eat\s+(?:fish|seafood)\s+(?:again|now|these days)$",
    re.I,
)
_CHANGED = re.compile(r"\b(?:again|now|no longer|not|stopped|quit|gave up|started|began)\b", re.I)

# Gluten-free or lactose intolerant goes with any diet: not the diet slot.
_RESTRICTION = re.compile(
    r"^i(?:'m| am)\s+(?:also\s+|now\s+|strictly\s+)*(gluten[- ]free|lactose[- ]intolerant|"
    r"dairy[- ]free|nut[- ]free)\b",
    re.I,
)

# -- relationship status

_STATUS = re.compile(
    r"^i(?:'m| am)\s+(?:now\s+|currently\s+|still\s+|happily\s+|newly\s+|officially\s+)*"
    r"(?:an?\s+)?(single|married|engaged|divorced|widowed|widow|widower|separated|in a relationship)\b"
    r"(?!\s+(?:in|with)\b)",
    re.I,
)
_STATUS_CHANGE = re.compile(
    rf"^(?:i|{_WE})(?:'ve|\s+have)?\s+{_ADV}(?:got|gotten|are|were|got\s+back)\s+"
    r"(married|engaged|divorced|separated|together)\b"
    rf"|^(?:i|{_WE})(?:'ve|\s+have)?\s+{_ADV}(broke up|split up|separated|divorced|tied the knot)\b"
    r"|^i\s+(?:now\s+)?have\s+a\s+(boyfriend|girlfriend|partner|husband|wife|fianc[eé]e?)\b"
    r"|^i(?:'m| am|'ve| have)\s+(?:been\s+)?(?:now\s+)?(seeing|dating|met)\s+someone\b",
    re.I,
)
_STATUS_TEXT = {
    "married": "{s} got married", "engaged": "{s} got engaged", "divorced": "{s} got divorced",
    "separated": "{s} separated from their partner", "single": "{s} broke up with their partner",
}  # fmt: skip
_STATUS_VALUE = {
    "broke up": "single", "split up": "single", "together": "in a relationship",
    "tied the knot": "married", "husband": "married", "wife": "married",
    "boyfriend": "in a relationship", "girlfriend": "in a relationship",
    "partner": "in a relationship", "fiance": "engaged", "fiancé": "engaged",
    "fiancee": "engaged", "fiancée": "engaged", "seeing": "in a relationship",
    "dating": "in a relationship", "met": "in a relationship",
}  # fmt: skip

# -- vehicle

_BRAND = (
    r"(?:toyota|honda|ford|tesla|bmw|audi|mercedes(?:[- ]benz)?|volkswagen|vw|subaru|mazda|kia|"
    r"hyundai|nissan|volvo|chevy|chevrolet|jeep|prius|civic|corolla|camry|golf|fiat|porsche|"
    r"lexus|rav4|f-150|outback|polestar|rivian|skoda|renault|peugeot|mini cooper|jetta|accord|"
    r"cr-v|miata|wrangler|mustang)"
)
_CAR_NOUN = r"(?:car|truck|suv|van|minivan|pickup|hatchback|sedan|convertible|motorcycle|motorbike)"
# A brand with its model ("Honda Civic", "Tesla Model 3"), or a phrase ending in a car noun
# ("a used pickup"); "a car seat" and "a car charger" end in another noun.
_CAR_HEAD = re.compile(rf"\b{_BRAND}\b(?:\s+[\w-]+){{0,2}}$|\b{_CAR_NOUN}$", re.I)
_DRIVE = re.compile(
    r"^i\s+(?:now\s+|currently\s+|still\s+|mostly\s+)?drive\s+(?:an?\s+|the\s+|my\s+|our\s+)?"
    r"(?:old\s+|trusty\s+|current\s+|new\s+)?(.+)"
    r"|^i\s+(?:have|own|'ve got|have got)\s+an?\s+(?:old\s+|new\s+|used\s+)?(.+)"
    r"|^my\s+(?:new\s+|current\s+)?car\s+is\s+(?:now\s+)?(?:an?\s+)(.+)",
    re.I,
)
_BOUGHT_CAR = re.compile(
    r"^i(?:'ve| have)?\s+(?:just\s+|finally\s+|recently\s+)?(?:bought|got|leased|purchased)\s+"
    r"(?:myself\s+)?(?:an?\s+)?(?:new\s+|used\s+|second-hand\s+)?(.+)",
    re.I,
)
_SOLD_CAR = re.compile(
    r"^i(?:'ve| have)?\s+(?:just\s+|finally\s+)?(?:sold|traded in|got rid of|replaced|swapped|"
    r"exchanged)\s+(?:my|the|our)\s+"
    r"(?:old\s+)?(.+?)(?:\s+(?:and|for|with)\s+(?:bought|got|leased|replaced it with)?\s*(?:an?\s+)?"
    r"(?:new\s+|used\s+)?(.+))?$",
    re.I,
)
_NO_CAR = re.compile(
    r"^i\s+(?:no longer|don't|do not)\s+(?:have|own|drive)\s+a\s+car\b|^i\s+(?:gave up|got rid of)"
    r"\s+(?:my|the)\s+car\b",
    re.I,
)
_FOR_SOMEONE = re.compile(r"\bfor\s+(?:my|our|his|her|their|a)\s+\w+", re.I)

# -- one person per role

#: A role one person holds at a time → the key its relation memory uses (``relation:<key>``):
#: "My boss is Carla" and "my new manager is Tom" both key ``relation:manager``.
ROLE_KEYS = {
    "manager": "manager", "boss": "manager", "supervisor": "manager", "line manager": "manager",
    "team lead": "manager", "husband": "partner", "wife": "partner", "spouse": "partner",
    "partner": "partner", "boyfriend": "partner", "girlfriend": "partner",
    "fiance": "partner", "fiancé": "partner", "fiancee": "partner", "fiancée": "partner",
    "landlord": "landlord", "landlady": "landlord", "therapist": "therapist",
    "doctor": "doctor", "gp": "doctor", "dentist": "dentist",
}  # fmt: skip
_ROLE = r"(?i:" + "|".join(sorted(ROLE_KEYS, key=len, reverse=True)) + r")"
_NAME = r"([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)"
_ROLE_IS = (
    re.compile(
        rf"^(?i:(?:my|our)\s+(?:new\s+|current\s+)?)(?P<role>{_ROLE})(?i:'s\s+name\s+is|\s+is)\s+"
        rf"(?i:(?:now\s+)?(?:called\s+|named\s+)?){_NAME}\s*$"
    ),
    re.compile(
        rf"(?:^|,\s+|\s+(?i:so|and)\s+){_NAME}\s+(?i:(?:is|will be)\s+(?:now\s+)?(?:my|our)\s+"
        rf"(?:new\s+)?)(?P<role>{_ROLE})\s*$"
    ),
    re.compile(
        rf"^(?i:i(?:'ve|\s+have)?\s+(?:have|got|(?:started|am|'m|been)\s+seeing)\s+a\s+new\s+)"
        rf"(?P<role>{_ROLE})"
        rf"(?:,?\s+(?i:(?:called|named)\s+)?{_NAME})?\s*$"
    ),
    re.compile(rf"(?:^|\s)(?i:i\s+(?:now\s+)?report\s+(?:directly\s+)?to)\s+{_NAME}(?P<role>)"),
    re.compile(
        rf"(?:^|,\s+|\s+(?i:so|and)\s+){_NAME}\s+(?i:(?:has\s+)?(?:took|taken|stepped in)\s+"
        rf"(?:over\s+)?as\s+(?:my|our)\s+(?:new\s+)?)(?P<role>{_ROLE})\s*$"
    ),
)
_ROLE_LEFT = re.compile(
    rf"^(?i:my\s+(?:old\s+|former\s+)?)({_ROLE})(?:,?\s+{_NAME},?)?\s+"
    r"(?i:(?:just\s+|has\s+|finally\s+)*(?P<verb>left|quit|retired|resigned|moved on)"
    r"(?:\s+(?:the\s+)?(?:company|team|firm|job|business|organi[sz]ation))?)\s*[.!]?$"
)

# -- preference changes

_GAVE_UP = re.compile(
    r"^i(?:'ve| have)?\s+(?:just\s+|recently\s+|finally\s+|completely\s+)?"
    r"(?:stopped|quit|gave up|given up|cut out|cut|deleted|ditched|dropped)"
    r"(?!\s+(?:by|at|in|off|over|to|for|around|into|through|back)\b)\s+"
    r"(?:eating\s+|drinking\s+|using\s+|all\s+(?:my\s+)?|my\s+)?(.+?)(?:\s+out)?"
    r"(?:\s+(?:completely|entirely|for good|altogether))?$"
    r"|^i(?:'m| am)\s+(?:now\s+)?off\s+(.+)"
    # a taste that faded: "I've gone off jazz", "I've lost interest in golf"
    r"|^i(?:'ve| have)?\s+(?:just\s+|kind of\s+|completely\s+|totally\s+)?"
    r"(?:gone off|went off|lost interest in|lost my taste for|fallen out of love with|"
    r"fell out of love with|grown tired of|got tired of|gotten tired of|gone cold on)"
    r"(?!\s+(?:on|to|with|at|for|and|in|the idea)\b)\s+(.+?)"
    r"(?:\s+(?:completely|entirely|for good|altogether))?$",
    re.I,
)
_SWITCHED = re.compile(
    r"^i(?:'ve| have)?\s+(?:just\s+|recently\s+|finally\s+|completely\s+)?"
    r"(?:switched|changed|moved|converted)\s+(?:over\s+)?(?:from\s+(?P<old>.+?)\s+)?to\s+(?P<new>.+)"
    r"|^(?:(?:these days|nowadays|lately|now),?\s+)?i\s+(?:now\s+)?(?:drink|eat|use|prefer|have|take|ride|play)\s+(?P<new2>.+?)\s+(?:now\s+)?"
    r"instead(?:\s+of\s+(?P<old2>.+))?$"
    r"|^i(?:'ve| have)?\s+(?:just\s+)?(?:replaced|swapped)\s+(?P<old3>.+?)\s+(?:with|for)\s+"
    r"(?P<new3>.+)",
    re.I,
)
# "I've started to love olives", "I've come to hate running": a taste that turned.
_CAME_TO = re.compile(
    r"^i(?:'ve| have)?\s+(?:really\s+|actually\s+)?(?:started|begun|began|come|grown|learned|"
    r"learnt)\s+to\s+(love|like|enjoy|appreciate|hate|dislike|loathe)\s+(.+)",
    re.I,
)
_HABIT = re.compile(
    r"^i\s+(?:usually\s+|always\s+|normally\s+|mostly\s+|only\s+|still\s+)?(drink|eat)\s+"
    r"(.+?)(?:\s+(?:every|each|in the|at|with|before|after|most)\b.*)?$",
    re.I,
)
# "I use Chrome", "I mostly use Spotify for music": a named product in use is the liked one
# a later "I switched to Safari" replaces (graph/conflicts.py KINDS); a capitalised name only.
_USE = re.compile(
    r"^(?i:i\s+(?:usually\s+|mostly\s+|mainly\s+|always\s+|only\s+|still\s+)?use)\s+"
    r"([A-Z][\w.+-]*(?:\s+[A-Z][\w.+-]*)?)(?:\s+(?i:for|to|on|at|as|every|each|daily)\b.*)?$"
)
_NOT_AN_OBJECT = re.compile(
    r"^(?:my\s+job|my\s+position|it|that|this|them|work|school|the team|the band|smoking cold)$",
    re.I,
)


# "My car is in the shop": a state of the thing, not a value of the slot.
_STATE_OF = re.compile(
    r"^my\s+(?!(?:home|city|location)\s)[\w\s-]{2,30}?\s+(?:is|are)\s+(?:still\s+|now\s+)?(?:in|at|on|with|from|being|getting|"
    r"out|back|away|broken|parked|due|almost|finally|acting|making|leaking|running)\b",
    re.I,
)


def _place(raw: str) -> str | None:
    place = _DURATION_TAIL.sub("", object_phrase(raw)).strip()
    if not place or _NOT_A_PLACE.match(place):
        return None
    return place


def _is_car(phrase: str) -> bool:
    return bool(phrase) and bool(_CAR_HEAD.search(phrase)) and not _FOR_SOMEONE.search(phrase)


def _a(noun: str) -> str:
    if re.match(r"^(?:a|an|the)\s", noun, re.I):
        return noun
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _we_to_subject(s: str) -> str:
    """ "We got married" → "{s} got married"; "my boyfriend and I broke up" → "{s} and
    their boyfriend broke up" (the user is one of "we")."""
    s = re.sub(r"^my\s+(.+?)\s+and\s+i\s+", r"{s} and their \1 ", s, count=1, flags=re.I)
    return re.sub(r"^we\s+", "{s} ", s, count=1, flags=re.I)


_SOBER = re.compile(r"^i(?:'m| am)\s+(?:now\s+|completely\s+)*sober\b", re.I)


def slot_fact(s: str) -> Hit | None:
    """The slot or preference change ``s`` states, or a non-keyed look-alike, or None."""
    if framed(s):  # "These days I drink matcha instead": the fact without its frame
        return changed_fact(s, slot_fact, classify_clause)
    if _STATE_OF.match(s):
        return Hit(MemoryType.FACT, s)
    if _SOBER.match(s):
        return Hit(
            MemoryType.PREFERENCE, "{s} is sober and does not drink alcohol",
            keyed_attribute(AttributeFamily.LIKES, "alcohol"), "no", Category.HEALTH,
            ["negation", "explicit", "change"], rewritten=True,
        )  # fmt: skip
    hit = (
        _residence(s)
        or _employment(s)
        or _diet(s)
        or _relationship(s)
        or _vehicle(s)
        or _relation(s)
        or _preference_change(s)
    )
    # A change worded around the fact: "These days I live in …", "I'm a midwife now",
    # "I quit Target and took a job at Costco", "Graz is home now" (changes.py).
    return hit or changed_fact(s, slot_fact, classify_clause)


def _residence(s: str) -> Hit | None:
    m = _MOVED.match(s)
    if m:
        place = _place(next(g for g in m.groups() if g))
        if place is None:
            return Hit(MemoryType.EVENT, s, category=Category.LOCATION, kind=MemoryKind.EPISODIC)
        return Hit(
            MemoryType.FACT, f"{{s}} moved to {place}", Attribute.LOCATION, place,
            Category.LOCATION, ["change"], rewritten=True,
        )  # fmt: skip
    m = _WE_LIVE.match(s)
    if m:
        place = _place(next(g for g in m.groups() if g))
        if place is not None:
            return Hit(
                MemoryType.FACT, f"{{s}} lives in {place}", Attribute.LOCATION, place,
                Category.LOCATION, rewritten=True,
            )  # fmt: skip
    return None


def _employment(s: str) -> Hit | None:
    if _SIDE_JOB.match(s):
        return Hit(MemoryType.FACT, s, None, None, Category.CAREER)
    m = _NEW_JOB.match(s)
    if m:
        org = object_phrase(next((g for k, g in m.groupdict().items() if g and "org" in k), ""))
        if org and not re.match(r"(?:home|work|night|the moment|weekends?)\b", org, re.I):
            role = m.group("role") or m.group("role3")
            text = f"{{s}} works at {org}" + (f" as {object_phrase(role)}" if role else "")
            return Hit(
                MemoryType.FACT, text, Attribute.EMPLOYER, org, Category.CAREER, ["change"],
                rewritten=True,
            )  # fmt: skip
    m = _PROMOTED.match(s)
    if m and not _NOT_A_ROLE.search(s):
        role = object_phrase(next(g for g in m.groups() if g))
        if role and len(role.split()) <= 4:
            return Hit(
                MemoryType.FACT, f"{{s}} works as {role}", Attribute.OCCUPATION, role,
                Category.CAREER, ["change"], rewritten=True,
            )  # fmt: skip
    if _RETIRED.match(s):
        return Hit(
            MemoryType.FACT, "{s} is retired", Attribute.OCCUPATION, "retired", Category.CAREER,
            ["change"], rewritten=True,
        )  # fmt: skip
    return None


def _diet(s: str) -> Hit | None:
    if _RESTRICTION.match(s):
        return Hit(MemoryType.PREFERENCE, s, None, None, Category.HEALTH, ["explicit"])
    m = _DIET_NOW.match(s)
    if m:
        diet = m.group(1).lower()
        return Hit(
            MemoryType.PREFERENCE, f"{{s}} is {diet}", Attribute.DIET, diet, Category.HEALTH,
            ["explicit", "change"], rewritten=True,
        )  # fmt: skip
    if _DIET_FISH.match(s) and not _DIET_MEAT.match(s):
        return Hit(
            MemoryType.PREFERENCE, s, Attribute.DIET, "pescatarian", Category.HEALTH,
            ["explicit", "change"],
        )  # fmt: skip
    if _DIET_MEAT.match(s):
        return Hit(
            MemoryType.PREFERENCE, s, Attribute.DIET, "omnivore", Category.HEALTH,
            ["explicit", *(["change"] if _CHANGED.search(s) else [])],
        )  # fmt: skip
    return None


def _relationship(s: str) -> Hit | None:
    m = _STATUS.match(s)
    if m:
        status = m.group(1).lower().replace("widower", "widowed").replace("widow", "widowed")
        status = status.replace("widoweded", "widowed")
        return Hit(
            MemoryType.FACT, f"{{s}} is {status}", Attribute.RELATIONSHIP_STATUS, status,
            Category.RELATIONSHIPS, rewritten=True,
        )  # fmt: skip
    m = _STATUS_CHANGE.match(s)
    if m:
        word = next(g for g in m.groups() if g).lower()
        status = _STATUS_VALUE.get(word, word)
        text = _STATUS_TEXT.get(status, f"{{s}} is {status}")
        if word in {"boyfriend", "girlfriend", "partner", "husband", "wife"}:
            text = f"{{s}} has a {word}"
        return Hit(
            MemoryType.FACT, text, Attribute.RELATIONSHIP_STATUS, status, Category.RELATIONSHIPS,
            ["change"], rewritten=True,
        )  # fmt: skip
    return None


def _vehicle(s: str) -> Hit | None:
    if _NO_CAR.match(s):
        return Hit(
            MemoryType.FACT, "{s} no longer has a car", Attribute.VEHICLE, "none", None,
            ["change"], rewritten=True,
        )  # fmt: skip
    m = _SOLD_CAR.match(s)
    if m and (_is_car(m.group(1)) or _is_car(m.group(2) or "")):
        new = object_phrase(m.group(2) or "")
        if new and _is_car(new):
            text = f"{{s}} sold their {object_phrase(m.group(1))} and now drives {_a(new)}"
            return Hit(
                MemoryType.FACT, text, Attribute.VEHICLE, new, None, ["change"],
                rewritten=True,
            )  # fmt: skip
        return Hit(
            MemoryType.FACT, f"{{s}} sold their {object_phrase(m.group(1))}", Attribute.VEHICLE,
            "none", None, ["change"], rewritten=True,
        )  # fmt: skip
    m = _DRIVE.match(s) or _BOUGHT_CAR.match(s)
    if m:
        car = object_phrase(next(g for g in m.groups() if g))
        if _is_car(car):
            return Hit(
                MemoryType.FACT, f"{{s}} drives {_a(car)}", Attribute.VEHICLE, car,
                None, rewritten=True,
            )  # fmt: skip
    return None


def _relation(s: str) -> Hit | None:
    m = _ROLE_LEFT.match(s)
    if m:
        role = ROLE_KEYS[m.group(1).lower()]
        who = f" {m.group(2)}" if m.group(2) else ""
        return Hit(
            MemoryType.RELATIONSHIP, f"{{s}}'s {m.group(1).lower()}{who} {m.group('verb').lower()}",
            keyed_attribute(AttributeFamily.RELATION, role), "(left)",
            Category.CAREER if role == "manager" else Category.RELATIONSHIPS, ["change"],
            rewritten=True,
        )  # fmt: skip
    m = next((m for p in _ROLE_IS if (m := p.search(s))), None)
    if m:
        word = m.group("role") or "manager"
        name = next((g for g in m.groups() if g and g != word), None)
        role = ROLE_KEYS[word.lower()]
        value = name or "(new)"
        text = f"{{s}}'s {word.lower()} is {name}" if name else f"{{s}} has a new {word.lower()}"
        return Hit(
            MemoryType.RELATIONSHIP, text, keyed_attribute(AttributeFamily.RELATION, role), value,
            Category.CAREER if role == "manager" else Category.RELATIONSHIPS, rewritten=True,
        )  # fmt: skip
    return None


def _preference_change(s: str) -> Hit | None:
    m = _SWITCHED.match(s)
    if m:
        new = object_phrase(m.group("new") or m.group("new2") or m.group("new3") or "")
        old = object_phrase(m.group("old") or m.group("old2") or m.group("old3") or "")
        if new and not _NOT_AN_OBJECT.match(new):
            signals = ["explicit", "switch", *([f"replaces:{norm_key(old)}"] if old else [])]
            return Hit(
                MemoryType.PREFERENCE, s, keyed_attribute(AttributeFamily.LIKES, norm_key(new)),
                "yes", None, signals,
            )  # fmt: skip
    m = _CAME_TO.match(s)
    if m:
        what = object_phrase(m.group(2))
        if what and not _NOT_AN_OBJECT.match(what) and len(what.split()) <= 4:
            yes = m.group(1).lower() in {"love", "like", "enjoy", "appreciate"}
            return Hit(
                MemoryType.PREFERENCE, s, keyed_attribute(AttributeFamily.LIKES, norm_key(what)),
                "yes" if yes else "no", None, ["explicit", "change", *([] if yes else ["negation"])],
            )  # fmt: skip
    m = _GAVE_UP.match(s)
    if m:
        what = object_phrase(next(g for g in m.groups() if g))
        if what and not _NOT_AN_OBJECT.match(what) and len(what.split()) <= 4:
            return Hit(
                MemoryType.PREFERENCE, s, keyed_attribute(AttributeFamily.LIKES, norm_key(what)),
                "no", None, ["negation", "explicit", "change"],
            )  # fmt: skip
    m = _USE.match(s)
    if m:
        return Hit(
            MemoryType.PREFERENCE, s, keyed_attribute(AttributeFamily.LIKES, norm_key(m.group(1))),
            "yes", None, ["habit"],
        )  # fmt: skip
    m = _HABIT.match(s)
    if m:
        what = object_phrase(m.group(2))
        if (
            what
            and len(what.split()) <= 3
            and not re.search(r"\b(?:meat|out|lunch|dinner|breakfast)\b", what, re.I)
        ):
            return Hit(
                MemoryType.PREFERENCE, s, keyed_attribute(AttributeFamily.LIKES, norm_key(what)),
                "yes", None, ["habit"],
            )  # fmt: skip
    return None
