"""Statements whose point is their date, which no other rule family matches.

Once :func:`~langmem_extract.extractors.dates.find_time_expression` has taken the time
expression out, what is left can be too bare for the families:

* the time was the subject: "Next Friday is my sister's wedding" → "is my sister's
  wedding" → an event, "User's sister's wedding is on Friday, 12 May 2023";
* the time was the complement: "My exam is tomorrow" → "My exam is" → an event;
* a short first-person statement: "In 3 days I start my new job" → "I start my new job"
  → a plan when the date is ahead ("User starts their new job on 11 May 2023"), an event
  when it is past (the extractor types a dated fact by its direction).

Tried only after every family failed, and only on clauses that had a time expression.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.dates import TimeRef
from langmem_extract.extractors.rules.families import Hit
from langmem_extract.schema import MemoryKind, MemoryType

_TIME_IS = re.compile(r"^(?:is|was|will be|'s)\s+(?P<what>(?:my|our|the|a|an)\s.+?)[.!]*$", re.I)
_WHAT_IS = re.compile(
    r"^(?P<what>(?:my|our|the)\s+\S.*?)\s+(?P<verb>is|was|will be|are|were)[.!]*$", re.I
)
_FIRST_PERSON = re.compile(
    r"^(?:i|we)(?:'m|'re|'ll|'ve| am| are| will| have| had| was| were)?\s+[a-z]\w+(?:\s+\S+)+$",
    re.I,
)


def time_as_subject(body: str, time_ref: TimeRef) -> Hit | None:
    """ "is my sister's wedding" (the time expression was the subject): an event. Tried
    before the families, which would read the bare copula as a statement of the user's."""
    m = _TIME_IS.match(body.strip())
    if m is None:
        return None
    verb = "is" if time_ref.future or time_ref.when is None else "was"
    what = m["what"].rstrip(" .!")
    return Hit(
        MemoryType.EVENT, f"{what} {verb}", signals=["dated-statement"], kind=MemoryKind.EPISODIC
    )


def dated_statement(body: str, time_ref: TimeRef) -> Hit | None:
    """A :class:`Hit` for ``body`` (the clause without its time expression) that no
    family matched, or None."""
    body = body.strip()
    hit = time_as_subject(body, time_ref)
    if hit is not None:
        return hit
    if _WHAT_IS.match(body):
        return Hit(MemoryType.EVENT, body, signals=["dated-statement"], kind=MemoryKind.EPISODIC)
    if _FIRST_PERSON.match(body.rstrip(" .!")):
        return Hit(MemoryType.FACT, body, signals=["dated-statement"])
    return None
