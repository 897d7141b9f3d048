"""Named relations: "Ana is my sister", "my sister Ana", "Ana, my sister, …".

:func:`relation_mentions` finds every person (or pet) the speaker names together with
their relation to the speaker; the extractor turns each into a relationship memory
("Ana is User's sister.") keyed by subject and attribute, and the coreference module
uses the same mentions as antecedents for "she"/"her" (a sister is female).

Attribute keys: a role one holds once at a time (wife, boss, manager, …) is keyed by the
role, ``relation:manager`` = "Ana" for a boss (one key per role, ``slots.ROLE_KEYS``),
so a new boss or manager supersedes the old one; a role held by
many (sister, friend, cousin, dog, …) is keyed by role and name,
``relation:sister:ana``, so a second sister is a second memory, not a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from langmem_extract.extractors.rules.name_words import WEEKDAYS
from langmem_extract.extractors.rules.slots import ROLE_KEYS
from langmem_extract.schema import (
    AttributeFamily,
    Candidate,
    Category,
    MemoryKind,
    MemoryType,
    Provenance,
    keyed_attribute,
    make_title,
)

_ROLES = (
    r"best friend|wife|husband|partner|spouse|boyfriend|girlfriend|fianc[eé]e?|son|daughter|"
    r"kid|child|mom|mum|mother|dad|father|brother|sister|sibling|stepson|stepdaughter|"
    r"stepmom|stepdad|grandma|grandmother|grandpa|grandfather|granddaughter|grandson|aunt|"
    r"uncle|cousin|niece|nephew|friend|boss|manager|colleague|coworker|co-worker|roommate|"
    r"flatmate|mentor|neighbou?r|therapist|dog|cat|puppy|kitten|pet"
)
# A word for someone or a pet ("mentor", "sister", "puppy"): not a thing an "it" names.
ROLE_WORD = re.compile(rf"(?:{_ROLES})")
_QUALIFIER = r"(?:(?:older|younger|little|big|baby|twin|elder|new|old|ex-|late|dear|childhood)\s*)?"
# A name: one or two capitalised words that are not sentence glue.
_NAME = r"(?!(?:I|The|A|An|And|But|So|My|We|He|She|They|It|This|That|Yes|No|Oh|Hey|Yesterday|Today|Tomorrow|Now|Then|Last|Next)\b)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"
_PATTERNS = (
    # "Ana is my sister", "Tom is also my best friend"
    re.compile(
        rf"(?:^|(?<=[.!?,;]\s)|(?<=\band\s))(?P<name>{_NAME})\s+is\s+(?:also\s+)?my\s+"
        rf"(?P<rel>{_QUALIFIER}(?:{_ROLES}))\b(?!\s*'s|\s+(?:of|from|at|in)\b)"
    ),
    # "My boss is Carla." (a name and nothing after it)
    re.compile(
        rf"\b[Mm]y\s+(?P<rel>{_QUALIFIER}(?:{_ROLES}))\s+is\s+(?P<name>{_NAME})(?=\s*(?:[.!,;]|$))"
    ),
    # "Ana, my sister, is a nurse"
    re.compile(rf"(?P<name>{_NAME}),\s+my\s+(?P<rel>{_QUALIFIER}(?:{_ROLES})),"),
    # "my sister Ana", "my best friend, Tom", "my daughter's name is Lucy", "my dog named Max"
    re.compile(
        rf"\b[Mm]y\s+(?P<rel>{_QUALIFIER}(?:{_ROLES}))(?:'s name is|\s+is\s+(?:called|named)|"
        rf"\s+(?:called|named)|,)?\s+(?P<name>{_NAME})\b"
    ),
)
_SINGLE = frozenset(
    [
        "wife",
        "husband",
        "partner",
        "spouse",
        "boyfriend",
        "girlfriend",
        "fiance",
        "fiancé",
        "fiancee",
        "fiancée",
        "boss",
        "manager",
    ]
)
_FEMALE = frozenset(
    [
        "wife",
        "girlfriend",
        "fiancee",
        "fiancée",
        "daughter",
        "mom",
        "mum",
        "mother",
        "sister",
        "stepdaughter",
        "stepmom",
        "grandma",
        "grandmother",
        "granddaughter",
        "aunt",
        "niece",
    ]
)
_MALE = frozenset(
    [
        "husband",
        "boyfriend",
        "fiance",
        "fiancé",
        "son",
        "dad",
        "father",
        "brother",
        "stepson",
        "stepdad",
        "grandpa",
        "grandfather",
        "grandson",
        "uncle",
        "nephew",
    ]
)
_KIN = frozenset(
    [
        "son",
        "daughter",
        "kid",
        "child",
        "mom",
        "mum",
        "mother",
        "dad",
        "father",
        "brother",
        "sister",
        "sibling",
        "stepson",
        "stepdaughter",
        "stepmom",
        "stepdad",
        "grandma",
        "grandmother",
        "grandpa",
        "grandfather",
        "granddaughter",
        "grandson",
        "aunt",
        "uncle",
        "cousin",
        "niece",
        "nephew",
    ]
)
_PETS = frozenset(["dog", "cat", "puppy", "kitten", "pet"])
_WORK = frozenset(["boss", "manager", "colleague", "coworker", "co-worker", "mentor"])


@dataclass(frozen=True)
class Relation:
    """A named person (or pet) and their relation to the speaker."""

    name: str
    role: str  # "sister", "best friend", "older brother"

    @property
    def head(self) -> str:
        """The role without its qualifier: "older brother" → "brother"."""
        return self.role.split()[-1].removeprefix("ex-").lower()

    @property
    def gender(self) -> str | None:
        return "f" if self.head in _FEMALE else "m" if self.head in _MALE else None

    @property
    def attribute(self) -> str:
        role = self.role.lower()
        if role in _SINGLE:  # one key per role: "boss" is "manager", "wife" is "partner"
            return keyed_attribute(AttributeFamily.RELATION, ROLE_KEYS.get(role, role))
        return keyed_attribute(AttributeFamily.RELATION, f"{role}:{self.name.lower()}")

    @property
    def category(self) -> Category:
        if self.head in _PETS:
            return Category.PETS
        if self.head in _KIN:
            return Category.FAMILY
        if self.head in _WORK:
            return Category.CAREER
        return Category.RELATIONSHIPS

    def content(self, subject: str) -> str:
        return f"{self.name} is {subject}'s {self.role}."


def relation_mentions(text: str) -> list[Relation]:
    """Every "name ↔ relation to the speaker" stated in ``text``, first mention first."""
    found: dict[str, tuple[int, Relation]] = {}
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            name = m.group("name")
            if " " in name and name.split()[1] in _NOT_SURNAME:
                name = name.split()[0]  # "my sister Ana Is …" never; "Ana Tomorrow" is not a name
            rel = Relation(name, re.sub(r"\s+", " ", m.group("rel")).lower().replace("ex- ", "ex-"))
            key = rel.name.lower()
            if key not in found or m.start() < found[key][0]:
                found[key] = (m.start(), rel)
    return [rel for _, rel in sorted(found.values(), key=lambda x: x[0])]


_NOT_SURNAME = WEEKDAYS | frozenset(
    [
        "Today",
        "Tomorrow",
        "Yesterday",
        "Last",
        "Next",
        "This",
        "And",
        "But",
        "So",
        "I",
    ]
)


def relation_candidates(text: str, subject: str, message_id: str) -> list[Candidate]:
    """One relationship memory per named relation in a message ("Ana is User's sister.")."""
    out = []
    for rel in relation_mentions(text):
        content = rel.content(subject)
        out.append(
            Candidate(
                content=content,
                title=make_title(content),
                type=MemoryType.RELATIONSHIP,
                kind=MemoryKind.SEMANTIC,
                category=rel.category,
                provenance=Provenance.EXPLICIT_STATEMENT,
                source_message_ids=[message_id],
                subject=subject,
                attribute=rel.attribute,
                value=rel.name,
                signals=["relation"],
                source="conversation",
            )
        )
    return out
