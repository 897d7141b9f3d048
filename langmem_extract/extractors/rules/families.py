"""The rule families: one clause in, at most one :class:`Hit` out.

:func:`classify_clause` tries the families in order, specific facts first and generic
statements last: personal facts (name, age, home, work, health, family, pets), choices and
instructions (decisions, likes and dislikes, requests to the assistant), plans, habits and
events, then generic first-person statements. :func:`correction_of_previous` rewrites the
latest conflictable fact for "actually, it's Berlin now".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langmem_extract.extractors.rules.grammar import (
    norm_key,
    object_phrase,
    third_person,
    with_article,
    you_to_assistant,
)
from langmem_extract.extractors.rules.patterns import (
    CONSTRAINT,
    EMBEDDED_LIKE,
    FAVORITE_IS,
    IMPERATIVE,
    MENTIONS_SELF,
    NEED,
    PATTERNS,
    PERSISTENT,
    STYLE_WORDS,
    TRIVIAL,
    content_words,
)
from langmem_extract.schema import (
    Attribute,
    AttributeFamily,
    Candidate,
    Category,
    MemoryKind,
    MemoryType,
    PreferenceInfo,
    keyed_attribute,
)


@dataclass
class Hit:
    """What a rule family found in a clause; the extractor turns it into a candidate."""

    type: MemoryType
    content: str  # first-person clause or already third-person text (see ``rewritten``)
    attribute: str | None = None
    value: str | None = None
    category: str | None = None
    signals: list[str] = field(default_factory=list)
    rewritten: bool = False
    preference: PreferenceInfo | None = None
    kind: MemoryKind | None = None


def classify_clause(
    clause: str, allow_instructions: bool = True, min_generic_words: int = 4
) -> Hit | None:
    """Match one clause (already stripped of fillers) against the rule families, in order:
    specific facts first, generic statements last."""
    if TRIVIAL.match(clause):
        return None
    low = clause.lower()
    return (
        _personal_fact(clause, low)
        or _choice_or_instruction(clause, low, allow_instructions)
        or _plan_habit_or_event(clause)
        or _generic_statement(clause, min_generic_words)
    )


_NOT_A_NAME = frozenset(
    {"sorry", "fine", "good", "great", "okay", "back", "home", "here", "done", "ready", "sure",
     "glad", "happy", "tired", "excited", "curious", "new", "single", "married", "hungry",
     "busy", "free", "late", "early"}
)  # fmt: skip


def _personal_fact(s: str, low: str) -> Hit | None:
    """Name, age, timezone, health, diet, favourites, home, work, studies, family, pets."""
    m = PATTERNS["call_me"].match(s)
    if m:
        name = object_phrase(m.group(1))
        return Hit(
            MemoryType.INSTRUCTION,
            f"{{s}} wants to be called {name}",
            Attribute.PREFERRED_NAME,
            name,
            Category.COMMUNICATION,
            rewritten=True,
        )
    m = PATTERNS["name"].match(s)
    if m:
        return Hit(
            MemoryType.FACT,
            f"{{s}}'s name is {m.group(1)}",
            Attribute.NAME,
            m.group(1),
            Category.PERSONAL,
            rewritten=True,
        )
    m = PATTERNS["name_short"].match(s)
    if m and m.group(1).lower() not in _NOT_A_NAME:
        return Hit(
            MemoryType.FACT, f"{{s}}'s name is {m.group(1)}", Attribute.NAME, m.group(1),
            Category.PERSONAL, rewritten=True,
        )  # fmt: skip
    m = PATTERNS["age"].match(s)
    if m:
        age = m.group(1) or m.group(2)
        return Hit(
            MemoryType.FACT,
            f"{{s}} is {age} years old",
            Attribute.AGE,
            age,
            Category.PERSONAL,
            rewritten=True,
        )
    m = PATTERNS["timezone"].match(s)
    if m and (
        low.startswith("my")
        or "zone" in low
        or re.fullmatch(r"[A-Z]{2,5}|UTC[+-]?\d*|GMT[+-]?\d*", m.group(1).strip())
    ):
        tz = m.group(1).strip()
        return Hit(
            MemoryType.FACT,
            f"{{s}}'s timezone is {tz}",
            Attribute.TIMEZONE,
            tz,
            Category.SCHEDULE,
            rewritten=True,
        )
    m = PATTERNS["allergy"].match(s)
    if m:
        what = object_phrase(next(g for g in m.groups() if g))
        return Hit(
            MemoryType.FACT,
            f"{{s}} is allergic to {what}",
            keyed_attribute(AttributeFamily.ALLERGY, norm_key(what)),
            "yes",
            Category.HEALTH,
            rewritten=True,
        )
    m = PATTERNS["status"].match(s)
    if m:
        status = m.group(1).lower()
        diet = status in {
            "vegetarian",
            "vegan",
            "pescatarian",
            "gluten-free",
            "gluten free",
            "lactose intolerant",
        }
        if diet:
            return Hit(
                MemoryType.PREFERENCE, s, Attribute.DIET, status, Category.HEALTH, ["explicit"]
            )
        health = status in {"diabetic", "pregnant", "sober"}
        return Hit(
            MemoryType.FACT,
            s,
            Attribute.HEALTH if health else None,
            status,
            Category.HEALTH if health else Category.RELATIONSHIPS,
        )
    m = PATTERNS["favorite"].match(s)
    if m:
        what, val = m.group(1).strip(), object_phrase(m.group(2))
        return Hit(
            MemoryType.PREFERENCE,
            f"{{s}}'s favorite {what} is {val}",
            keyed_attribute(AttributeFamily.FAVORITE, norm_key(what)),
            val,
            signals=["explicit"],
            rewritten=True,
        )
    m = PATTERNS["live"].match(s)
    if m:
        said = object_phrase(next(g for g in m.groups() if g))
        place = re.split(r"\s+(?:with|for|since)\s+", said)[0]  # "Leeds with my partner"
        moved = bool(re.search(r"\b(?:moved|relocated)\b", low))
        sig = ["change"] if moved else []
        return Hit(
            MemoryType.FACT,
            f"{{s}} moved to {said}" if moved else f"{{s}} lives in {said}",
            Attribute.LOCATION,
            place,
            Category.LOCATION,
            sig,
            rewritten=True,
        )
    m = PATTERNS["from"].match(s)
    if m:
        place = object_phrase(next(g for g in m.groups() if g))
        return Hit(
            MemoryType.FACT,
            f"{{s}} is from {place}",
            Attribute.HOMETOWN,
            place,
            Category.LOCATION,
            rewritten=True,
        )
    m = PATTERNS["work_as"].match(s)
    if m:
        job = object_phrase(next(g for g in m.groups() if g))
        where = ""
        if at := re.search(r"\s+(?:at|for|in)\s+", job):
            job, where = job[: at.start()], job[at.start() :]
        return Hit(
            MemoryType.FACT,
            f"{{s}} works as {with_article(job)}{where}",
            Attribute.OCCUPATION,
            job,
            Category.CAREER,
            rewritten=True,
        )
    m = PATTERNS["work_at"].match(s)
    if m:
        org = object_phrase(next(g for g in m.groups() if g))
        return Hit(
            MemoryType.FACT,
            f"{{s}} works at {org}",
            Attribute.EMPLOYER,
            org,
            Category.CAREER,
            rewritten=True,
        )
    m = PATTERNS["work_in"].match(s)
    if m:
        return Hit(MemoryType.FACT, s, None, None, Category.CAREER)
    m = PATTERNS["speak"].match(s)
    if m:
        return Hit(MemoryType.FACT, s, None, None, Category.LANGUAGES)
    m = PATTERNS["study"].match(s)
    if m:
        subj = object_phrase(next(g for g in m.groups() if g))
        return Hit(MemoryType.FACT, s, Attribute.STUDIES, subj, Category.EDUCATION)
    m = PATTERNS["occupation"].match(s)
    if m and not re.match(
        r"^i(?:'m| am)\s+an?\s+(?:big|huge|bit|little|lot|fan|mess|wreck)\b", low
    ):
        job = m.group(1).strip()
        cat = (
            Category.FAMILY
            if re.search(r"\b(?:parent|mom|dad|mother|father)\b", job, re.I)
            else Category.CAREER
        )
        return Hit(
            MemoryType.FACT,
            s,
            Attribute.OCCUPATION if cat == Category.CAREER else None,
            job if cat == Category.CAREER else None,
            cat,
        )
    m = PATTERNS["relation_is"].match(s)
    if m:
        rel = m.group(1).lower()
        return Hit(
            MemoryType.RELATIONSHIP,
            s,
            None,
            None,
            Category.PETS
            if rel in {"dog", "cat", "pet", "puppy", "kitten"}
            else Category.RELATIONSHIPS,
        )
    m = PATTERNS["family"].match(s)
    if m:
        pets = re.search(
            r"\b(?:dogs?|cats?|pets?|pupp|kitten|guinea|hamster|rabbit|bird|parrot|horse|fish|turtle|snake)",
            m.group(1),
            re.I,
        )
        return Hit(
            MemoryType.RELATIONSHIP if not pets else MemoryType.FACT,
            s,
            None,
            None,
            Category.PETS if pets else Category.FAMILY,
        )
    return None


def _choice_or_instruction(s: str, low: str, allow_instructions: bool) -> Hit | None:
    """Instructions to the assistant, decisions, and stated likes and dislikes."""
    m = PATTERNS["dont_want"].match(s) if allow_instructions else None
    if m:
        what = (m.group(1) or m.group(2)).strip()
        neg = bool(m.group(1))
        text = (
            f"{{s}} does not want the assistant to {you_to_assistant(what)}"
            if neg
            else f"{{s}} wants the assistant to {you_to_assistant(what)}"
        )
        return Hit(MemoryType.INSTRUCTION, text, None, None, Category.COMMUNICATION, rewritten=True)
    m = PATTERNS["decision"].match(s)
    if m:
        what = object_phrase(next(g for g in m.groups() if g))
        if re.fullmatch(
            r"(?:it|that|this|that one|this one|the first one|the second one)", what, re.I
        ):
            what = "{ref}"  # resolved against the conversation by the extractor
        if what and not re.fullmatch(
            r"(?:a look|care|a break|a nap|a walk|here|there)", what, re.I
        ):
            verb = re.match(
                r"^(?:i(?:'ll| will)|i'm going to|i am going to|we'll|we will|let's|let us)\s+(?:just\s+)?(\w+(?:\s+with|\s+on|\s+for)?)",
                s,
                re.I,
            )
            if verb:
                act = verb.group(1).lower()
                text = f"{{s}} decided to {act} {what}"
            elif low.endswith("it is"):
                text = f"{{s}} chose {what}"
            else:
                text = third_person(s, "{s}").rstrip(".")
            return Hit(MemoryType.DECISION, text, None, None, rewritten=True)
    m = PATTERNS["prefer_over"].match(s)
    if m:
        a, b = object_phrase(m.group(1)), object_phrase(m.group(2))
        key = "|".join(sorted([norm_key(a), norm_key(b)]))
        return Hit(
            MemoryType.PREFERENCE,
            f"{{s}} prefers {a} over {b}",
            keyed_attribute(AttributeFamily.CHOICE, key),
            norm_key(a),
            signals=["explicit"],
            rewritten=True,
        )
    m = PATTERNS["rather"].match(s)
    if m:
        a = object_phrase(m.group(1))
        text = f"{{s}} would rather {a}" + (
            f" than {object_phrase(m.group(2))}" if m.group(2) else ""
        )
        return Hit(MemoryType.PREFERENCE, text, None, None, signals=["explicit"], rewritten=True)
    m = PATTERNS["dislike"].match(s)
    if m:
        obj = object_phrase(next(g for g in m.groups() if g))
        if obj and not re.fullmatch(r"it|that|this|them|when.*", obj, re.I):
            cat = Category.HEALTH if "allergic" in low else None
            return Hit(
                MemoryType.PREFERENCE,
                s,
                keyed_attribute(AttributeFamily.LIKES, norm_key(obj)),
                "no",
                cat,
                ["negation", "explicit"],
            )
    m = PATTERNS["neg_like"].match(s)
    if m:
        obj = object_phrase(m.group(2))
        if obj and not re.fullmatch(r"it|that|this|them|so|much|to|anything", obj, re.I):
            return Hit(
                MemoryType.PREFERENCE,
                s,
                keyed_attribute(AttributeFamily.LIKES, norm_key(obj)),
                "no",
                None,
                ["negation", "explicit"],
            )
    m = PATTERNS["like"].match(s)
    if m:
        obj = object_phrase(next(g for g in m.groups() if g))
        if obj and not re.fullmatch(
            r"(?:it|that|this|them|you|him|her|to|so much|the idea|how .*|what .*|your .*)",
            obj,
            re.I,
        ):
            return Hit(
                MemoryType.PREFERENCE,
                s,
                keyed_attribute(AttributeFamily.LIKES, norm_key(obj)),
                "yes",
                None,
                ["explicit"],
            )
    m = PATTERNS["instruction"].match(s) if allow_instructions else None
    if m and (m.group(1) or PERSISTENT.search(s) or STYLE_WORDS.search(m.group(2))):
        return _instruction(m.group(1), m.group(2))
    return None


def _plan_habit_or_event(s: str) -> Hit | None:
    """Goals and plans, habits, preference cues, and things that happened."""
    m = PATTERNS["goal"].match(s) or NEED.match(s)
    if m and CONSTRAINT.search(s):
        # "I need to avoid heights" is a standing constraint, not a goal.
        return Hit(MemoryType.PREFERENCE, s, None, None, None, ["explicit", "negation"])
    if m:
        return Hit(MemoryType.GOAL, s, None, None)
    m = PATTERNS["habit"].match(s)
    if m:
        neg = m.group(1).lower() in {"never", "rarely"}
        return Hit(
            MemoryType.PREFERENCE,
            s,
            None,
            None,
            None,
            ["habit", *(["negation"] if neg else [])],
            preference=PreferenceInfo(explicit=False, reasoning="inferred from a stated habit"),
        )
    if PATTERNS["first_person"].match(s) and PATTERNS["pref_cue"].search(s):
        neg = bool(
            re.search(
                r"\b(?:aversion|averse|dislike|avoid\w*|refuse|despise|can't|cannot|not|don't|won't|no interest|uninterested|uncomfortable|hate|against|opposed|fear|phobia|afraid|scared)\b",
                s,
                re.I,
            )
        )
        return Hit(
            MemoryType.PREFERENCE, s, None, None, None, ["explicit", *(["negation"] if neg else [])]
        )
    m = PATTERNS["perfect"].match(s)
    if m:
        return Hit(MemoryType.FACT, s)
    m = PATTERNS["event_past"].match(s)
    if m:
        return Hit(MemoryType.EVENT, s, kind=MemoryKind.EPISODIC)
    m = PATTERNS["have"].match(s)
    if m:
        return Hit(MemoryType.FACT, s)
    return None


def _generic_statement(s: str, min_generic_words: int) -> Hit | None:
    """'My X is Y', 'X is my favourite Y', and any substantial statement about the speaker."""
    m = PATTERNS["my_x_is"].match(s)
    if m and len(m.group(1).split()) <= 3 and not re.search(r"\s[A-Z]", m.group(1)):
        what = m.group(1).strip().lower()  # "my sister Ana is …" is no attribute
        val = object_phrase(m.group(3))
        if val and not re.match(
            r"^(?:so|very|really|too|pretty|kinda|a bit|great|good|fine|ok|okay|awesome|amazing|nice|the best)\b",
            val,
            re.I,
        ):
            return Hit(
                MemoryType.FACT,
                f"{{s}}'s {what} {'are' if m.group('are') else 'is'} {val}",
                norm_key(what) or None,
                val,
                rewritten=True,
            )
    m = FAVORITE_IS.match(s)
    if m:
        thing, what = object_phrase(m.group("thing")), object_phrase(m.group("what") or "")
        # "one of my favorites too": an adverb closing the sentence names no kind of thing
        what = re.sub(r"^(?:too|also|as well|now|though|ever|of all time)\b.*$", "", what or "")
        if thing and not re.fullmatch(r"(?:it|that|this|they|those|these)", thing, re.I):
            thing = thing[0].lower() + thing[1:] if thing.split()[0].endswith("ing") else thing
            if m.group("kind").lower().startswith(("hobb", "passion")):
                text = f"{{s}}'s {m.group('kind').lower()} include {thing}"
            elif m.group("one"):
                text = f"{thing} is one of {{s}}'s favorite {what or 'things'}"
            else:
                text = f"{{s}}'s favorite {what or 'thing'} is {thing}"
            return Hit(
                MemoryType.PREFERENCE, text, None, None, signals=["explicit"], rewritten=True
            )
    m = EMBEDDED_LIKE.search(s)
    if m and not PATTERNS["first_person"].match(s):
        # "That's why I love traveling": the preference inside a longer remark.
        return Hit(
            MemoryType.PREFERENCE, f"I {m.group(1)} {m.group(2)}", None, None, None,
            ["explicit", *(["negation"] if m.group(1).lower() in {"hate", "dislike"} else [])],
        )  # fmt: skip
    m = PATTERNS["first_person"].match(s)
    if m and substantive(s, min_generic_words):
        return Hit(MemoryType.FACT, s, signals=["generic"])
    if (
        MENTIONS_SELF.search(s)
        and not IMPERATIVE.match(s)
        and substantive(s, min_generic_words + 1)
    ):
        # "This necklace is a gift from my grandma in Sweden": about the speaker all the same.
        return Hit(MemoryType.FACT, s, signals=["generic"])
    return None


def _instruction(persist: str | None, body: str) -> Hit:
    body = you_to_assistant(_object_keep(body))
    body = re.sub(r"\bme\b", "{s}", body)
    body = re.sub(r"\bmy\b", "{s}'s", body)
    neg = re.match(r"^(?:don't|do not|stop|never)\s+(.+)", body, re.I)
    if re.match(r"^stop\s+", body, re.I):
        return Hit(
            MemoryType.INSTRUCTION,
            f"{{s}} wants the assistant to {body[0].lower() + body[1:]}",
            None,
            None,
            Category.COMMUNICATION,
            ["negation"],
            rewritten=True,
        )
    if neg or (persist and persist.lower() == "never"):
        rest = neg.group(1) if neg else body
        text = f"{{s}} does not want the assistant to {rest}"
        sig = ["negation"]
    else:
        lead = f"{persist.lower()} " if persist and persist.lower() in {"always"} else ""
        text = f"{{s}} wants the assistant to {lead}{body[0].lower() + body[1:]}"
        sig = []
        if persist and persist.lower() not in {"always"}:
            text += f" {persist.lower().rstrip(',')}"
    return Hit(
        MemoryType.INSTRUCTION, text, None, None, Category.COMMUNICATION, sig, rewritten=True
    )


def _object_keep(text: str) -> str:
    return re.split(r"[.!?;]", text)[0].strip()


def substantive(clause: str, min_words: int = 4) -> bool:
    """A generic first-person clause worth keeping: not small talk, has content words."""
    if TRIVIAL.match(clause):
        return False
    words = clause.split()
    if len(words) < min_words:
        return False
    return len(content_words(clause)) >= 2


_CORRECTION_VALUE = re.compile(
    r"^(?:it'?s|it is|it was|that'?s|make (?:it|that)|i mean|i meant|rather)\s+(.+?)(?:\s+now)?$|^(.+?)\s+now$|^not\s+.+?,?\s+but\s+(.+)$",
    re.I,
)


def correction_of_previous(clause: str, earlier: list[Candidate]) -> Hit | None:
    """ "Actually, it's Berlin now" → the latest conflictable fact, with the new value."""
    m = _CORRECTION_VALUE.match(clause.strip())
    if not m:
        return None
    value = object_phrase(next(g for g in m.groups() if g))
    for prev in reversed(earlier):
        if prev.attribute and prev.value and prev.value.lower() in prev.content.lower():
            idx = prev.content.lower().rfind(prev.value.lower())
            content = prev.content[:idx] + value + prev.content[idx + len(prev.value) :]
            content = content.replace(prev.subject, "{s}", 1)
            return Hit(
                prev.type,
                content,
                prev.attribute,
                value,
                prev.category,
                ["correction"],
                rewritten=True,
            )
    return None
