"""Which tense a verb spelled alike in the present and the past is told in.

"I put it in the freezer" is a past or a habit; conjugated as a present ("User puts it
in the freezer and froze it") it reads badly beside a past told with it. Only what the
sentence itself says decides: a past time word, or a past verb coordinated with it.
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
