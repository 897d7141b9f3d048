"""Which tense a verb spelled alike in the present and the past is told in.

"I put it in the freezer" is a past or a habit; conjugated as a present ("User puts it
in the freezer and froze it") it reads badly beside a past told with it. What the
sentence says decides (a past time word, a past verb coordinated with it), or the question
it answers ("Have you read them?" – "I read a few").
"""

from __future__ import annotations

import re
from collections.abc import Collection

#: Verbs whose past is spelled as their present: "put", "read", "cut".
SAME_PAST = frozenset(
    [
        "read",
        "set",
        "put",
        "cut",
        "hit",
        "let",
        "quit",
        "shut",
        "spread",
        "hurt",
        "cost",
        "bet",
        "upset",
    ]
)
_PAST_CUE = re.compile(
    r"\b(?:ago|back then|a while back|yesterday|last|just|already|earlier|once|when I was|"
    r"used to|in \d{4}|on \w+day)\b"
    r"|\band\s+(?:then\s+|really\s+|totally\s+)?[a-z]{3,}ed\b",  # "I read it and loved it"
    re.I,
)
# "… in the mixer and froze it", "… and then drove home": an irregular past after "and"
_AND_VERB = re.compile(r"\band\s+(?:then\s+|really\s+|totally\s+)?([a-z]+)\b", re.I)


def told_in_past(text: str, past_forms: Collection[str]) -> bool:
    """Whether ``text`` tells of the past: a past time word ("last night", "a while back")
    or a past verb after "and" ("… and loved it"; ``past_forms`` are the irregular ones,
    "… and froze it")."""
    if _PAST_CUE.search(text):
        return True
    return any(m.group(1).lower() in past_forms for m in _AND_VERB.finditer(text))


# "Have you read any of them?", "Did you cut it yourself?": a question about the past
_ASKED_PAST = re.compile(
    r"\b(?:[Hh]ave|[Dd]id|[Hh]ad)\s+you\s+(?:(?:ever|already|actually|finally)\s+)?"
    r"(?P<verb>[a-z]+)\b[^.!?]*\?"
)


def answered_in_past(content: str, subject: str, clause: str, asked: str) -> str:
    """ "Have you read any of them?" – "I read a few": the answer tells the past it was asked
    about, so its verb stays a past ("Ana read a few", not "Ana reads a few")."""
    said = re.match(r"I\s+(?P<verb>[a-z]+)\b", clause)
    if not said or said.group("verb") not in SAME_PAST:
        return content
    verb = said.group("verb")
    if not any(q.group("verb") == verb for q in _ASKED_PAST.finditer(asked)):
        return content
    present = f"{subject} {verb}s "  # every one of them takes a plain "-s"
    return f"{subject} {verb} {content[len(present) :]}" if content.startswith(present) else content
