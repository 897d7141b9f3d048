"""Asides: preferences said where the clause splitter does not look.

A lead-in the splitter strips as a filler still says something about the speaker ("As
someone who hates crowds, …", "As a vegan, …", "Given my aversion to heights, …",
"Since I'm on a budget, …"), and a question often carries a statement half ("I'm on a
tight budget, so what would you suggest?"). :func:`asides` turns each into a first-person
clause of its own; the extractor keeps the ones the rules read as a preference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Lead-ins the clause splitter strips as fillers: each names something about the speaker.
_WHO_LEAD = re.compile(
    r"(?:^|[,;]\s*)(?:as|being)\s+(?:someone|somebody|a person|one|a guy|a girl|a woman|a man)"
    r"\s+who(?P<be>'s)?\s+(?P<vp>[^,;.!?]+)",
    re.I,
)
_WITH_LEAD = re.compile(
    r"(?:^|[,;]\s*)(?:as|being)\s+(?:someone|somebody|a person|one)\s+with\s+"
    r"(?P<np>[^,;.!?]+)",
    re.I,
)
# "Given my aversion to crowds, …", "With my tight budget, …", "…, due to my gluten allergy"
_MY_LEAD = re.compile(
    # "with my" leads only a sentence or a comma's clause: "… crammed with my records" is no aside
    r"(?:(?:^|[,;]?\s+)(?:given|because of|due to|considering|owing to)|(?:^|[,;]\s*)with)"
    r"\s+my\s+"
    r"(?P<np>[^,;.!?]{3,80})",
    re.I,
)
#: Separates a topic frame from its statement: "When it comes to music|I prefer vinyl".
TOPIC_MARK = "\x1f"
# "When it comes to music, I prefer vinyl": the topic belongs with the preference.
_TOPIC_LEAD = re.compile(
    r"^(?P<lead>(?:when it comes to|as for|as far as|in terms of|regarding|with regard to|"
    r"(?:for|with)(?!\s+(?:example|instance|now|me|sure|once|the record|one|starters|context|"
    r"real|a while|years|months|weeks|days|ages|my|this|that|some|a|an)\b))\s+[^,;.!?]{2,40}?"
    r"(?:\s+(?:goes|is concerned|are concerned))?)\s*,\s*(?P<st>(?:i|i'm|i've|i'd)\b[^;.!?]+)",
    re.I,
)
_AS_A_LEAD = re.compile(r"^(?:as|being)\s+(?P<np>an?\s+[^,;.!?]{2,60}?)\s*,", re.I)
_SINCE_LEAD = re.compile(
    r"(?:^|,\s*)(?:since|because|given that|considering|seeing as|now that|as)\s+"
    r"(?P<st>i(?:'m|'ve|\s)[^,;.!?]+)",
    re.I,
)
# "I usually prefer board games since I tend to avoid loud ones": the reason is a
# preference of its own, said mid-sentence without a comma.
_REASON_INSIDE = re.compile(
    r"(?:\s|^)(?:since|because|as|given that|seeing as|(?:just\s+)?like\s+how)\s+"
    r"(?P<st>(?:i(?:'m|'ve|\s)|(?=[^,;.!?]*\bme\b))[^,;.!?]+)",
    re.I,
)
# "I prefer X - can't stand Y", "I love hiking and can't stand crowds": the speaker
# stays the subject of a verb phrase that drops it.
_ELIDED_SUBJECT = re.compile(
    r"^i(?:'m|'ve|\s)[^?]*?(?:\s[-\u2013\u2014]+\s*|,?\s+(?:and|but)\s+)(?P<vp>(?:really\s+|just\s+|"
    r"absolutely\s+|totally\s+)?(?:can't|cannot|can never|could never|don't|do not|never|"
    r"refuse to|tend to avoid|always avoid|usually avoid)\s+[^,;.!?]+)",
    re.I,
)
# A reason or a dropped-subject phrase whose object is a bare pronoun names nothing the
# memory could keep on its own ("since they're too loud", "… and dislike driving them").
_BARE_PRONOUN = re.compile(
    r"\b(?:it|them|they|they're|one|he|she|him|her)\b(?!\s+(?:of|who|that)\b)|"
    r"\b(?:that|this|those|these)\s*$",
    re.I,
)
_QUESTION_PARTS = re.compile(r"\s*(?:[,;]|\s-\s)\s*|\s+(?:and|but|so)\s+(?=i\b|i')", re.I)
_FIRST_PERSON_STATEMENT = re.compile(
    r"^(?:i|i'm|i've)\b(?!\s*(?:'d|would|could|might|should|wonder|was wondering|want to know|"
    r"need|'d like|would like)\b)",
    re.I,
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
_THIRD_TO_FIRST = {"has": "have", "is": "am", "does": "do", "doesn't": "don't",
                   "hasn't": "haven't", "isn't": "am not", "was": "was", "wasn't": "wasn't"}  # fmt: skip
_ADVERB_WORD = re.compile(r"^(?:also|always|never|really|just|still|often|usually|[a-z]+ly)$", re.I)


def asides(text: str) -> Iterator[tuple[str, str]]:
    """First-person statements inside lead-ins and questions, as clauses of their own:
    ``(where it was said, the statement)``. A statement under a topic ("When it comes to
    music, I prefer vinyl") comes as ``TOPIC_MARK + topic + TOPIC_MARK + statement``."""
    for sentence in _SENTENCES.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        for m in _WHO_LEAD.finditer(sentence):
            origin = m.group(0).strip(" ,;")
            yield origin, _first_person(m.group("vp"), bool(m.group("be")))
            # No family matched the statement itself: the self-description still says it.
            yield origin, f"I'm someone who{m.group('be') or ''} {m.group('vp').strip()}"
        for m in _WITH_LEAD.finditer(sentence):
            yield m.group(0).strip(" ,;"), f"I have {m.group('np').strip()}"
        for m in _MY_LEAD.finditer(sentence):
            origin, np = m.group(0).strip(" ,;"), m.group("np").strip()
            if re.search(r"\bbudget\b", np, re.I):
                yield origin, f"I'm on {_a(np)}"
            elif re.search(r"\b(?:diet|lifestyle)\b", np, re.I):
                yield origin, f"I follow {_a(np)}"
            else:  # "my aversion to crowds" → "I have an aversion to crowds"
                yield origin, f"I have {_a(np)}"
        m = _TOPIC_LEAD.match(sentence)
        if m:
            yield m.group(0), f"{TOPIC_MARK}{m.group('lead')}{TOPIC_MARK}{m.group('st').strip()}"
        m = _AS_A_LEAD.match(sentence)
        if m:
            yield m.group(0).strip(" ,"), f"I'm {m.group('np').strip()}"
        for m in _SINCE_LEAD.finditer(sentence):
            yield m.group(0).strip(" ,"), m.group("st").strip()
        for m in _REASON_INSIDE.finditer(sentence):
            if not _SINCE_LEAD.search(m.group(0)) and not _BARE_PRONOUN.search(m.group("st")):
                yield m.group(0).strip(), m.group("st").strip()  # "…, since I …" is read above
        m = _ELIDED_SUBJECT.match(sentence)
        if m and not _BARE_PRONOUN.search(m.group("vp")):
            yield m.group("vp").strip(), f"I {m.group('vp').strip()}"
        if sentence.endswith("?"):
            for part in _QUESTION_PARTS.split(sentence.rstrip("?")):
                part = part.strip()
                if _FIRST_PERSON_STATEMENT.match(part) and len(part.split()) >= 3:
                    yield part, part


def _a(noun_phrase: str) -> str:
    return ("an " if noun_phrase[:1].lower() in "aeiou" else "a ") + noun_phrase


def _first_person(vp: str, contracted_be: bool) -> str:
    """ "has a strong aversion to crowds" → "I have a strong aversion to crowds"."""
    words = vp.strip().split()
    if contracted_be:  # "someone who's always been …" / "someone who's allergic to …"
        been = any(w.lower() == "been" for w in words[:3])
        return f"I've {vp.strip()}" if been else f"I'm {vp.strip()}"
    for i, word in enumerate(words):
        if _ADVERB_WORD.match(word) and i + 1 < len(words):
            continue
        words[i] = _base_form(word)
        break
    return "I " + " ".join(words)


def _base_form(verb: str) -> str:
    low = verb.lower()
    if low in _THIRD_TO_FIRST:
        return _THIRD_TO_FIRST[low]
    if low.endswith("ies") and len(low) > 4:
        return verb[:-3] + "y"
    if low.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return verb[:-2]
    if low.endswith("s") and not low.endswith("ss"):
        return verb[:-1]
    return verb
