""" "One" standing for a thing said with "a": "Have you thought about being an entrepreneur?"
"I've been one" is "… been an entrepreneur".

Read alone months later, "Gina has been one" says one of what it does not. A "one" right
after a verb, closing its phrase, takes the one thing the turn or the turn it answers
named with "a"/"an"; when the clause names one itself ("make a family for kids who need
one") it reads as said.
"""

from __future__ import annotations

import re

# "been one 'cause", "try making one or …", "haven't had one in ages": "one" as the object
# or predicate, not "one of", "one day", "one more" (nor an age: "when I was one").
_BARE_ONE = re.compile(
    r"\b(?:been|be|being|become|became|want|wanted|get|got|getting|have|"
    r"had|need|needed|buy|bought|adopt|adopted|make|made|making|try|tried|find|found|pick|"
    r"picked)\s+(?P<one>one)\b(?=\s*(?:[.,!?;:)]|-|$)|\s+(?:'cause|because|too|now|yet|soon|"
    r"someday|for|and|or|but|as|at|in|when|since|after|before|from|with|already|again|ever|"
    r"myself|yourself|today|yesterday|lately|either|anymore|though)\b)"
)
_NOT_THING = r"(?:lot|bit|while|few|little|couple|time|way|chance|day|week|month|year)\b"
_WORD = (
    r"(?!(?:with|on|in|at|for|to|from|of|and|or|but|that|which|who|the|my|your|today|"
    r"yesterday|tonight|too|so|very|really|is|was|are|were|be|been)\b)[a-z][a-z-]*"
)
# "an entrepreneur", "a dairy-free chocolate cake": up to three words after "a"/"an" (not
# what a thing was as: "got this as a treat").
_A_THING = re.compile(
    rf"(?<!\bas\s)\b[Aa]n?\s+(?!{_NOT_THING})(?P<np>{_WORD}(?:\s+{_WORD}){{0,2}})"
)


def name_one(clause: str, here: str, before: str) -> str | None:
    """``clause`` with its bare "one" replaced by the one thing ``here`` (the turn before
    the clause), else ``before`` (the turn it answers), names with "a"/"an"; the clause
    as said when it has no such "one" or names the thing itself; None when no single
    thing is named."""
    m = _BARE_ONE.search(clause)
    if m is None or _A_THING.search(clause[: m.start("one")]):
        return clause
    for source in (here, before):
        said = re.sub(r"\s*\[[^\]]*\]", "", source)
        things = {t.group(0).lower() for t in _A_THING.finditer(said)}
        if len(things) == 1:
            return f"{clause[: m.start('one')]}{things.pop()}{clause[m.end('one') :]}"
        if things:
            return None
    return None
