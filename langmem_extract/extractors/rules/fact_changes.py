"""Stated changes worded the ways :mod:`.slots`'s direct patterns do not cover.

:func:`changed_fact` is the second look :func:`.slots.slot_fact` takes at a statement no
direct pattern keyed. Each family below is one general cause of a missed change, found on
blind conflict sets (docs/benchmarks/conflicts.md), not one sentence:

* **a time frame around the fact** — "These days I live in Quebec City", "Since March I
  work for Lidl", "I'm a midwife now", "I'm single again": the frame is dropped and the
  core fact read by the usual rules, marked as a change;
* **the new value in a second, subjectless clause** — "I quit Target and took a job at
  Costco", "I moved out of Bristol and into a flat in Bath": the clause is read as "I took a
  job at Costco";
* **the value as the sentence's subject** — "Graz is home now", "Costco is where I work
  these days";
* **a role noun** — "I'm a midwife", "I'm a postdoc now": :data:`ROLE_NOUNS` lists the
  occupations whose endings the ``occupation`` pattern (``-er``, ``-ist``, …) misses;
* **going back** — "I went back to eating meat", "I'm back on coffee": read as "I started
  eating meat again".

Only the speaker's own present fact is read: a sentence about someone else ("my sister
lives in Graz now"), a hypothetical or a wish ("if I", "I wish", "I'd"), a plan ("I might
quit Target and take a job at Costco") or a past visit ("Graz was home for years") matches
none of these, so it never supersedes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from langmem_extract.extractors.rules.families import Hit
from langmem_extract.extractors.rules.grammar import norm_key, object_phrase
from langmem_extract.schema import (
    Attribute,
    AttributeFamily,
    Category,
    MemoryType,
    keyed_attribute,
)

SlotReader = Callable[[str], "Hit | None"]

# -- a time frame around the fact

_LEAD = re.compile(
    r"^(?:these days|nowadays|now|currently|at the moment|right now|lately|for now|"
    r"as of (?:now|today|this \w+|last \w+|\w+ \d{4})|"
    r"since (?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december|last \w+|the \w+|\d{4}|then)|"
    r"(?:so|well|anyway|actually|yeah|oh),?\s+(?:these days|nowadays|now)|"
    r"(?:after|following|since)\s+(?:the|my|our)\s+\w+(?:\s+\w+)?)"
    r",?\s+(?=(?:i|i'm|i've|we|we're|my|home|our)\b)",
    re.I,
)
_TAIL = re.compile(
    r"^(.+?),?\s+(?:now|these days|nowadays|again|anymore|any more|at the moment|currently|as of|"
    r"for good|as of (?:now|today|this \w+|last \w+)|full[- ]time now|"
    r"since (?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december|last \w+|the \w+|\d{4}|then))$",
    re.I,
)

# -- the second clause

# A first clause that leaves the old value: "I quit Target", "I finished my PhD".
_LEAVE_THEN = re.compile(
    r"^(?:i|we|my (?:partner|wife|husband|family) and i)\s+"
    r"(?:finally\s+|just\s+|recently\s+|eventually\s+)?"
    r"(?:quit|left|resigned from|sold|finished|graduated|moved out of|moved away from|"
    r"packed up|gave up|ditched|handed in my notice at|retired from|closed|broke up with|"
    r"split from|divorced)\b[^,;]*?,?\s+"
    r"(?:and|then|so|and then|and now|;)\s+(?:now\s+|then\s+|finally\s+|i\s+)?(?P<rest>.+)$",
    re.I,
)
_INTO = re.compile(
    r"^(?:moved\s+)?into\s+(?:an?\s+|our\s+|my\s+|the\s+)?(?:new\s+|little\s+|small\s+|big\s+)?"
    r"(?:flat|house|home|apartment|place|condo|studio)\s+in\s+(?P<place>[A-Z].+)$"
    r"|^(?:moved\s+)?(?:in)?to\s+(?P<place2>[A-Z][\w .'-]*)$",
)
_JOINED = re.compile(
    r"^(?i:i\s+(?:have\s+)?(?:joined|went to|moved to))\s+(?P<org>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})$"
)
# Not the speaker's present fact: a hypothetical, a wish, a plan.
_UNREAL = re.compile(
    r"\b(?:if|would|wouldn't|could|might|i may|should|wish|wished|hope|hoping|plan|planning|"
    r"thinking of|thinking about|considering|going to|gonna|want to|wanna|'d|someday|"
    r"one day|maybe|perhaps|probably|dream of|dreaming)\b",
    re.I,
)

# -- the value as subject

_PLACE = r"(?P<place>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})"
_IS_HOME = re.compile(
    rf"^{_PLACE}\s+(?i:(?:is|has been|'s been)\s+(?:now\s+)?(?:my|our)?\s*(?:new\s+)?home"
    r"(?:\s+base)?)$"
    rf"|^{_PLACE.replace('place', 'place2')}\s+(?i:is\s+where\s+(?:i|we)\s+(?:now\s+)?"
    r"(?:live|am living|'m living|are living|'re living|'m based|am based|'re based))$"
    rf"|^(?i:(?:my|our)\s+(?:new\s+)?home\s+is\s+(?:now\s+)?(?:in\s+)?){_PLACE.replace('place', 'place3')}$"
    rf"|^(?i:home\s+is\s+(?:now\s+)?(?:in\s+)?){_PLACE.replace('place', 'place4')}$",
)
# "I'm a Tucson resident now": the place as a resident's; "I'm an iPhone user": a product.
_RESIDENT = re.compile(
    rf"^(?i:i(?:'m| am)\s+(?:now\s+)?an?\s+(?:proud\s+)?){_PLACE}\s+(?i:resident|local)$"
)
_USER = re.compile(
    r"^(?i:i(?:'m| am)\s+(?:now\s+)?an?\s+(?:loyal\s+|happy\s+|longtime\s+)?)"
    r"(?P<what>[A-Za-z][\w+.-]*(?:\s+[A-Z][\w+.-]*)?)\s+(?i:user|owner)$"
)
_ORG = r"(?P<org>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2})"
_IS_WORK = re.compile(rf"^{_ORG}\s+(?i:is\s+where\s+i\s+(?:now\s+)?work)$")

# -- role nouns

#: Occupations the suffix rule of the ``occupation`` pattern misses (it reads "-er",
#: "-or", "-ist", "-ian", …): "I'm a midwife", "I'm a postdoc".
_ROLE_TEXT = (
    "midwife,postdoc,paramedic,pilot,mechanic,chef,cook,surgeon,vet,clerk,cop,nanny,"
    "au pair,barista,cashier,janitor,caretaker,housekeeper,waitress,secretary,paralegal,"
    "receptionist,intern,trainee,apprentice,resident,physio,gp,dentist,optician,coach,"
    "tutor,ceo,cfo,cto,coo,founder,co-founder,entrepreneur,freelancer,contractor,"
    "consultant,chemist,biologist,physicist,economist,geologist,nurse,doctor,lawyer,"
    "solicitor,attorney,judge,architect,pharmacist,therapist,psychologist,psychiatrist,"
    "professor,lecturer,teacher,teaching assistant,ta,phd student,grad student,"
    "graduate student,student,undergrad,postgrad,researcher,scientist,engineer,developer,"
    "programmer,designer,analyst,accountant,editor,journalist,reporter,writer,author,"
    "translator,interpreter,librarian,curator,actor,actress,musician,photographer,"
    "artist,dancer,farmer,florist,butcher,baker,plumber,electrician,carpenter,welder,"
    "roofer,builder,painter,decorator,gardener,landscaper,firefighter,police officer,"
    "soldier,sailor,marine,officer,detective,paramedic,flight attendant,steward,"
    "stewardess,bartender,waiter,manager,director,executive,supervisor,team lead,"
    "tech lead,product manager,project manager,social worker,care worker,carer,caregiver,"
    "counsellor,counselor,dietitian,nutritionist,hygienist,radiographer,sonographer,"
    "surveyor,estate agent,realtor,broker,banker,trader,auditor,pastor,priest,vicar,"
    "rabbi,imam,nun,monk,chaplain,diplomat,civil servant,courier,driver,cab driver,"
    "taxi driver,bus driver,truck driver,delivery driver,postman,postwoman,mail carrier,"
    "lifeguard,stylist,hairdresser,barber,beautician,tattoo artist,personal trainer,"
    "yoga teacher,instructor,mentor"
)
ROLE_NOUNS = frozenset(_ROLE_TEXT.split(","))
_ROLE_IS = re.compile(
    r"^i(?:'m| am)\s+(?:now\s+|currently\s+|officially\s+|finally\s+)*(?:an?\s+)"
    r"(?P<mod>(?:(?:full|part)[- ]time|senior|junior|head|chief|lead|trainee|qualified|"
    r"certified|registered|self-employed|freelance|staff|assistant|associate)\s+)?"
    r"(?P<role>[\w-]+(?:\s+[\w-]+)?)(?:\s+(?:at|for|in|with)\s+(?P<where>.+))?$",
    re.I,
)

# -- going back

_BACK = re.compile(
    r"^i(?:'ve|\s+have)?\s+(?:just\s+|finally\s+|recently\s+)?"
    r"(?:went|gone|am|'m|got|switched|been)\s+back\s+(?:to|on)\s+"
    r"(?P<verb>eating|drinking|using|playing|riding|driving)?\s*(?P<what>.+)$",
    re.I,
)


def framed(s: str) -> bool:
    """``s`` opens with a time frame ("These days I …", "Since March, I …")."""
    return bool(_LEAD.match(s))


def changed_fact(s: str, read: SlotReader, classify: SlotReader) -> Hit | None:
    """A change ``s`` states in one of this module's wordings, or None. ``read`` is
    :func:`.slots.slot_fact` (the direct patterns), ``classify`` the other rule families."""
    if _UNREAL.search(s) or re.match(r"^(?:if|when|once|unless|whether)\b", s, re.I):
        return None
    return (
        _framed(s, read, classify)
        or _second_clause(s, read, classify)
        or _value_as_subject(s)
        or _back(s, read)
        or (_role(s) if not _keyed(classify(s)) else None)
    )


def _keyed(hit: Hit | None) -> bool:
    """A slot of one value (not a ``likes:`` preference, which has its own rules)."""
    likes = f"{AttributeFamily.LIKES.value}:"
    return bool(hit and hit.attribute and not str(hit.attribute).startswith(likes))


def _with_change(hit: Hit) -> Hit:
    if "change" not in hit.signals:
        hit.signals = [*hit.signals, "change"]
    return hit


def _framed(s: str, read: SlotReader, classify: SlotReader) -> Hit | None:
    core = s
    for _ in range(2):  # a frame at each end: "These days I'm a midwife full-time now"
        if m := _LEAD.match(core):
            core = core[m.end() :]
        if m := _TAIL.match(core):
            core = m.group(1)
    if core == s:
        return None
    core = core[0].upper() + core[1:] if core[:1] == "i" and core[1:2] in " '" else core
    inner = read(core) or _role(core) or _back(core, read) or classify(core)
    if _keyed(inner) or (inner is not None and {"change", "switch"} & set(inner.signals)):
        return _with_change(inner)  # type: ignore[arg-type]
    if inner is None:
        return None
    if _LEAD.match(s):
        # "These days I mostly read thrillers": the statement itself, without the frame
        # (a memory opening "These days User …" is refused as ill-formed). A bare "Now,"
        # opens talk as often as it dates a fact ("Now I'm going to tell you …").
        return None if re.match(r"(?i:now|right now)\b", s) else inner
    if not inner.rewritten:
        inner.content = s  # "I'm a dog owner now": the words as said, the frame kept
    return inner


def _second_clause(s: str, read: SlotReader, classify: SlotReader) -> Hit | None:
    m = _LEAVE_THEN.match(s)
    if not m:
        return None
    rest = m.group("rest").strip()
    if m2 := _INTO.match(rest):
        place = object_phrase(m2.group("place") or m2.group("place2") or "")
        if place:
            return Hit(
                MemoryType.FACT, f"{{s}} moved to {place}", Attribute.LOCATION, place,
                Category.LOCATION, ["change"], rewritten=True,
            )  # fmt: skip
        return None
    if not re.match(r"^(?:i|i'm|i've|we|my)\b", rest, re.I):
        rest = f"I {rest}"
    if m2 := _JOINED.match(rest):  # "… and joined Aldi": after leaving, a new employer
        org = m2.group("org")
        return Hit(
            MemoryType.FACT, f"{{s}} works at {org}", Attribute.EMPLOYER, org, Category.CAREER,
            ["change"], rewritten=True,
        )  # fmt: skip
    inner = read(rest) or _role(rest) or classify(rest)
    if not _keyed(inner) and (t := _TAIL.match(rest)):
        inner = read(t.group(1)) or _role(t.group(1)) or classify(t.group(1))
    return _with_change(inner) if _keyed(inner) else None  # type: ignore[arg-type]


def _value_as_subject(s: str) -> Hit | None:
    if m := _IS_HOME.match(s):
        place = next(g for g in m.groups() if g)
        if place.lower() in {"this", "that", "it", "there", "here", "my", "our"}:
            return None
        return Hit(
            MemoryType.FACT, f"{{s}} lives in {place}", Attribute.LOCATION, place,
            Category.LOCATION, ["change"], rewritten=True,
        )  # fmt: skip
    if m := _RESIDENT.match(s):
        place = m.group("place")
        return Hit(
            MemoryType.FACT, f"{{s}} lives in {place}", Attribute.LOCATION, place,
            Category.LOCATION, ["change"], rewritten=True,
        )  # fmt: skip
    if m := _USER.match(s):
        what = m.group("what")
        return Hit(
            MemoryType.PREFERENCE, s, keyed_attribute(AttributeFamily.LIKES, norm_key(what)),
            "yes", None, ["habit"],
        )  # fmt: skip
    if m := _IS_WORK.match(s):
        org = m.group("org")
        return Hit(
            MemoryType.FACT, f"{{s}} works at {org}", Attribute.EMPLOYER, org, Category.CAREER,
            ["change"], rewritten=True,
        )  # fmt: skip
    return None


def _role(s: str) -> Hit | None:
    m = _ROLE_IS.match(s)
    if not m:
        return None
    mod, role = (m.group("mod") or "").strip(), m.group("role").lower()
    if role not in ROLE_NOUNS:
        # "a full-time writer": the modifier was read as the noun's first word
        last = role.split()[-1]
        if last not in ROLE_NOUNS or (len(role.split()) > 1 and not mod):
            return None
        if len(role.split()) > 1:
            mod, role = f"{mod} {role.split()[0]}".strip(), last
    value = f"{mod} {role}".strip() if mod and mod.lower() not in _FRAME_MODS else role
    return Hit(MemoryType.FACT, s, Attribute.OCCUPATION, value, Category.CAREER)


_FRAME_MODS = frozenset({"new", "proud", "happy", "busy", "tired", "real", "proper"})


def _back(s: str, read: SlotReader) -> Hit | None:
    m = _BACK.match(s)
    if not m:
        return None
    what = object_phrase(m.group("what"))
    if not what or re.match(r"^(?:work|school|the office|bed|sleep|normal|it)\b", what, re.I):
        return None
    verb = (m.group("verb") or "").lower()
    if verb:
        return read(f"I started {verb} {what} again")
    if re.match(r"^(?:meat|eating meat)\b", what, re.I):
        return read("I started eating meat again")
    return read(f"I switched to {what}")
