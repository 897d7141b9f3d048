"""Pronouns resolved to the person they name: "I want to visit her" → "… visit Ana".

A memory is read on its own, months later, so "her" must say who. The antecedents of a
clause are the people named in the same message, else in the previous turn: people with a
stated relation ("my sister Ana", "Ana is my sister", which also give a gender), unnamed
relatives ("my mom": "User's mom"), and capitalised names that do not open a sentence.
A third-person pronoun ("she", "her", "him", "his") is replaced only when exactly one
antecedent of a compatible gender is in reach; :func:`resolve_pronouns` returns None when
one stays unresolved, and the extractor then does not produce that text.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.rules.name_words import NOT_PEOPLE as _NOT_PEOPLE
from langmem_extract.extractors.rules.ones import name_one
from langmem_extract.extractors.rules.plural_words import ASKING as _ASKING
from langmem_extract.extractors.rules.plural_words import NOT_PLURAL as _NOT_PLURAL
from langmem_extract.extractors.rules.plural_words import (
    ORGANISATION,
    PEOPLE,
    acts_as_organisation,
    fits,
    organisation,
)
from langmem_extract.extractors.rules.plural_words import PLURAL_PRONOUN as _PLURAL_PRONOUN
from langmem_extract.extractors.rules.plural_words import VERB_NEXT as _VERB_NEXT
from langmem_extract.extractors.rules.plural_words import VERB_OPENERS as _VERB_OPENERS
from langmem_extract.extractors.rules.relations import Relation, relation_mentions
from langmem_extract.extractors.rules.verbs import is_base_verb

_PRONOUN = re.compile(r"\b(?:[Ss]he|[Hh]e|[Hh]ers?|[Hh]im|[Hh]is)\b")
_GENDER = {"she": "f", "her": "f", "hers": "f", "he": "m", "him": "m", "his": "m"}
# After an object "her" comes a boundary; after a possessive "her" comes a noun.
_AFTER_OBJECT = re.compile(
    r"^(?:\s*(?:[.,;:!?)\]]|$)|\s+(?:and|or|but|to|for|with|at|in|on|about|after|before|from|up|"
    r"out|back|again|too|today|yesterday|tomorrow|tonight|so|because|that|when|if|as|than|"
    r"a|an|the|some|more|much|every|last|this|how|what|feel|know|into|over|down|off|while|"
    r"around|through|all|since|until|till|yet|there|here|lately|anymore|now|later|soon)\b)"
)
# "watching her grow", "let her decide": after a verb of seeing or letting, a "her" followed
# by a bare verb is its object ("Seeing her walk …", not "Seeing Ana's walk").
_SEEN_DOING = re.compile(
    r"\b(?:watch|watches|watched|watching|seeing|hear|hears|heard|hearing|let|lets|letting|"
    r"make|makes|made|making|help|helps|helped|helping)\s+$",
    re.I,
)
_UNNAMED_KIN = re.compile(
    r"\b[Mm]y\s+(?P<rel>(?:(?:older|younger|little|big|baby|twin)\s+)?(?:wife|husband|girlfriend|"
    r"boyfriend|son|daughter|mom|mum|mother|dad|father|brother|sister|grandma|grandmother|"
    r"grandpa|grandfather|aunt|uncle|niece|nephew|dog|cat|puppy|kitten|pet|horse))\b(?!\s+[A-Z])"
)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)(?<!\n)\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)*\b")
# A capitalised word opening the sentence right before a name is the name's first word,
# unless it is a word any sentence may open on ("Yesterday Ana called").
_NAME_OPENER = re.compile(
    r"(?:^|[.!?]\s+)(?!(?:Yesterday|Today|Tonight|Tomorrow|Last|Then|When|After|Before|Once|"
    r"Now|Well|Maybe|Sometimes|Even|Plus|Like|Since|Because|If|As|While|Glad|Thank|Thanks|"
    r"Congrats|Good|Great|Nice|Awesome|Cool|Sorry|Dear|Did|Do|Does|Have|Has|Had|Was|Were|Is|"
    r"Are|Can|Could|Will|Would|Should|What|Who|Where|Why|How|Tell|Ask|Say|Met|Saw|Call)\b)"
    r"([A-Z][a-z]+)(?<!ly) $"
)
_PLACE_BEFORE = re.compile(r"\b(?:in|at|to|from|near|around|across|through|into|of)\s+$")


def antecedents(text: str, subject: str, addressee: str | None) -> list[tuple[str, str | None]]:
    """People a third-person pronoun in ``text`` can name: (how to write them, gender)."""
    found: dict[str, tuple[str, str | None]] = {}
    for rel in relation_mentions(text):
        found[rel.name] = (rel.name, rel.gender)
    for m in _UNNAMED_KIN.finditer(text):
        gender = Relation("x", m.group("rel")).gender
        found.setdefault(f"my {m.group('rel')}", (f"{subject}'s {m.group('rel').lower()}", gender))
    text = re.sub(r'"[^"]*"', "", text)  # a title is nobody
    for m in _CAPITALISED.finditer(text):
        name = m.group(0)
        opener = _NAME_OPENER.search(text[: m.start()])
        if opener and opener.group(1) not in _NOT_PEOPLE:
            name = f"{opener.group(1)} {name}"  # "Iron Man is my pick": not "Man"
        if _PLACE_BEFORE.search(text[: m.start()]):
            continue  # "at the conference in Porto": a place
        if name.split()[0] in _NOT_PEOPLE:
            continue
        if name in _NOT_PEOPLE or name in {subject, addressee} or name in found:
            continue
        if any(n and len(name) >= 3 and n.startswith(name) for n in (subject, addressee)):
            continue  # "Mel" for Melanie: a speaker's short name is nobody else
        found[name] = (name, None)
    return list(found.values())


def resolve_pronouns(
    content: str,
    subject: str,
    addressee: str | None,
    here: str,
    before: str = "",
) -> str | None:
    """``content`` with "she"/"her"/"him"/"his" replaced by the one person they can name
    (from ``here``, else ``before``); None when a pronoun stays unresolved."""
    body = re.sub(r"\[[^\]]*\]", "", content)  # a photo caption describes, it does not refer
    if not _PRONOUN.search(body):
        return content
    for source in (here, before):
        people = antecedents(source, subject, addressee)
        if people:
            break
    else:
        return None
    out: list[str] = []
    last = 0
    for m in _PRONOUN.finditer(content):
        if _in_caption(content, m.start()):
            continue
        word = m.group(0).lower()
        fits = [p for p in people if p[1] in (None, _GENDER[word])]
        if len(fits) != 1:
            return None
        name = fits[0][0]
        if word in {"her", "him"} and content[m.end() :].lstrip().startswith(name):
            continue  # "We named her Tilly": the name follows; "named Tilly Tilly" would not
        follows = re.match(r"\s+([a-z]+)", content[m.end() :])
        seen_doing = bool(
            follows and is_base_verb(follows.group(1)) and _SEEN_DOING.search(content[: m.start()])
        )
        if word in {"his", "hers"} or (
            word == "her" and not _AFTER_OBJECT.match(content[m.end() :]) and not seen_doing
        ):
            name = f"{name}'s"
        out += [content[last : m.start()], name]
        last = m.end()
    return "".join(out) + content[last:]


def _in_caption(text: str, pos: int) -> bool:
    return text.rfind("[", 0, pos) > text.rfind("]", 0, pos)


# A plural noun phrase that "they" can name: "my turtles", "the kids", "your parents".
_PLURAL_NP = re.compile(
    r"\b(?P<det>[Mm]y|[Yy]our|[Oo]ur|[Tt]he|[Tt]hese|[Tt]hose)\s+(?P<noun>"
    # "these your teammates": "your" is the determiner, no word of the noun
    r"(?:(?:favou?rite|new|old|little|own|best)\s+)?(?:(?!(?:my|your|our|their)\s)[a-z]+\s+)?"
    r"(?:[a-z]{2,}[^s\W's]s|people|children|kids|folks|family|team|parents|guys))\b"
    # a bare plural opening a sentence: "Books guide me. They're a huge part of my journey"
    r"|(?:^|(?<=[.!?]\s))(?P<det2>)(?P<bare>[A-Z][a-z]+[^s\W's]s)\s+(?!of\b)[a-z]+"
    # two names joined: "Are Harry Potter and GoT still your favorites?"
    r"|\b(?P<names>(?<![A-Z][a-z]\s)(?<![A-Z][a-z]{2}\s)(?<![A-Z][a-z]{3}\s)(?<![A-Z][a-z]{4}\s)"
    r"[A-Z][\w']+(?:\s+[A-Z][\w']+)*"
    r"\s+and\s+(?!I\b)[A-Z][\w']+(?:\s+(?:of\s+)?[A-Z][\w']+)*)"
)
_COLLECTIVE = re.compile(
    r"\b(?:[a-z]{2,}[^s\W]s|people|children|family|team|everyone|everybody|folks|group|class|"
    r"crew|community|friends?|parents|kids|guys)\b"
    # one standing for any: "It's tough to lose a pet - they're like family"
    r"|\b(?:a|an|any|every)\s+(?:[a-z]+\s+)?(?:pet|dog|cat|kid|child|friend|person|parent)\b"
    # two doings as the subject: "Dancing and running my biz need work, plus they …"
    r"|^[A-Z][a-z]+ing\s+and\s+[a-z]+ing\b"
    # An organisation is "they" in English: "I called the clinic and they said …",
    # "emailed the company to ask if they hire" (the organisation, not an earlier plural).
    r"|" + ORGANISATION
)


def resolve_plural(clause: str, here: str, before: str = "") -> str | None:
    """A first-person ``clause`` whose "they"/"them"/"their" names something earlier in the
    message (``here``, the text before the clause) or the previous turn (``before``):
    the pronoun is replaced by that phrase ("They eat insects" → "My turtles eat insects").
    The nearest plural wins: the clause's own (unchanged), the message's, the previous
    turn's; an organisation when "they" acts as one; only one that fits the pronoun
    (people for "they said", "their faces"). A bare "one" takes the thing said with "a".
    None when nothing unique can be named."""
    named = name_one(clause, here, before)  # "I've been one": one of what?
    if named is None:
        return None
    clause = named
    m = _PLURAL_PRONOUN.search(clause)
    if not m:
        return clause
    # "I love watching them play … Sometimes I bring them in": a turn that goes on saying
    # "they" goes on meaning what its first "they" meant.
    chained = _chained(here, before)
    if _own_plural(clause[: m.start()], clause):
        # "I love my kids and spend time with them"; after "They play a role." the clause's
        # own plural and the one said before both fit: which, the words do not say.
        return None if chained else clause
    for source, swap in chained or ((here, False), (before, True)):
        if _ONE_OF.search(source):
            break  # "One of the residents wrote us … The impact on their life": one of them
        phrases = _with_organisation(source, clause, m, _replied_phrases(source))
        if phrases is None:
            return None  # an organisation and a plural: which acted, the words do not say
        last = re.split(r"(?<=[.!?])\s+", source.strip())[-1]  # the sentence just before
        if not swap and _UNREAD_PLURAL.search(last) and (not phrases or _BOTH_ARE.search(last)):
            break  # "I'm lucky to have my husband and kids; they …": not an earlier plural
        if len(phrases) == 1:
            det, noun = phrases.pop()
            if not fits(noun, clause):
                return None  # "They asked for tips": people, not "your interests"
            if swap:  # the other speaker's "my turtles" are "your turtles" here
                det = {"my": "your", "your": "my", "our": "your"}.get(det, det)
            det = "the" if det in {"these", "those"} else det
            # The first pronoun names them; the later ones then read as theirs.
            said = _plural_form(m.group(0), det, noun)
            return f"{clause[: m.start()]}{said}{clause[m.end() :]}"
        if phrases:
            break
    # A lone "their" ("wildlife and their habitats") reads on its own; "they"/"them" do not,
    # nor a "Their" that opens the clause ("Their encouragement keeps me going").
    if m.start() > 0 and all(
        p.group(0).lower() in {"their", "theirs"} for p in _PLURAL_PRONOUN.finditer(clause)
    ):
        return clause
    return None


# Plurals the phrases do not read, said in the turn itself: "my husband and kids", "That
# peace and beauty are so needed", "Taking time for friends and doing what you love are …".
_BOTH_ARE = re.compile(r"\b[A-Za-z]+\s+and\s+(?:[a-z']+\s+){0,4}?(?:are|were)\b")
_UNREAD_PLURAL = re.compile(
    _BOTH_ARE.pattern + r"|\b(?<!my )(?<!your )(?<!our )(?<!the )(?:kids|children|friends|parents|"
    r"family|folks|people)\b"
)
_ONE_OF = re.compile(r"\b[Oo]ne of (?:the|my|your|our|these|those)\s+\w+")


def _with_organisation(
    source: str, text: str, m: re.Match[str], phrases: set[tuple[str, str]]
) -> set[tuple[str, str]] | None:
    """What ``source`` offers the pronoun at ``m``: the organisation it names when "they"
    acts as one ("Did something happen with the company?" "They sent me a letter"), with
    no plural beside it or named in its closing question; None when both fit."""
    org = organisation(source) if acts_as_organisation(text, m) else None
    if org is None:
        return phrases
    said = re.split(r"(?<=[.!?])\s+", re.sub(r"\s*\[[^\]]*\]", "", source).strip())
    if said[-1].endswith("?") and organisation(said[-1]) and not _plural_phrases(said[-1]):
        return {org}  # "I love your kind words. Did anything happen with the publisher?"
    return None if phrases else {org}


_DETERMINER = re.compile(
    r"(?:the|my|your|our|his|her|their|these|those|some|many|all|of|and|,|new|old|two|three|few)\s+$",
    re.I,
)


def _own_plural(text: str, said: str = "") -> bool:
    """``text`` names a plural itself: "my kids", "people", not a verb ("… reminds me"),
    nor a plural no pronoun of ``said`` can be ("the smiles on their faces")."""
    for p in _COLLECTIVE.finditer(text):
        word = p.group(0)
        if (
            word in _NOT_PLURAL
            and not _opens_on(text, p)
            and not re.search(
                r"\b(?:those|these)\s+(?:[a-z]+\s+)?(?:things|ones)$", text[: p.end()]
            )
        ) or re.match(r"\s+of\s*$", text[p.end() :]):
            continue  # "pictures of them": what they are pictures of is named elsewhere
        stem = word[:-2] if word.endswith("es") and is_base_verb(word[:-2]) else word[:-1]
        if is_base_verb(stem) and not _DETERMINER.search(text[: p.start()]):
            continue  # "that picture … reminds me of … them": a verb
        if said and not fits(word.split()[-1], said):
            continue
        return True
    return False


# "Difficult times are part of life – how we handle them": the clause's subject, not "these
# days" nor "even when times are hard, they …".
_SUBJECT_PLURAL = re.compile(
    r"(?:times|things|days|years|ones)\s+(?:are|were|can|could|will|may|might|have|make|"
    r"take|bring|come|keep|seem|feel)\b"
)


def _opens_on(text: str, p: re.Match[str]) -> bool:
    """The plural at ``p`` is the subject the clause opens on."""
    lead = text[: p.start()].split()
    return (
        len(lead) <= 2
        and not {w.lower() for w in lead} & {"when", "if", "as", "because", "while", "even"}
        and bool(_SUBJECT_PLURAL.match(text[p.start() :]))
    )


def _chained(here: str, before: str) -> tuple[tuple[str, bool], ...]:
    """Where the plural of a turn that goes on saying "they" was named: when the last
    sentence of ``here`` that speaks of a plural says "they" before naming one, the words
    before its first "they" and what they are said to be (when a plural is named there),
    else the previous turn (``before``, the other speaker's); () when it does not."""
    text = re.sub(r"\s*\[[^\]]*\]", "", here)
    first = _PLURAL_PRONOUN.search(text)
    if first is None:
        return ()
    for sentence in reversed(re.split(r"(?<=[.!?])\s+", text)):
        said = _PLURAL_PRONOUN.search(sentence)
        if said is not None:
            if _named_at(sentence, said):
                return ()
            break
        if _plural_phrases(sentence) or _own_plural(sentence) or len(sentence.split()) > 3:
            return ()  # a plural of its own, or a sentence on something else between
    if _named_at(text, first):  # "Everyone there is kind. They've opened my eyes": everyone
        what = re.match(r"(?:'re|\s+are|\s+were)\s+[^.!?]*", text[first.end() :])
        return ((f"{text[: first.start()]} {what[0] if what else ''}", False),)
    return ((before, True),)


def _named_at(text: str, m: re.Match[str]) -> bool:
    """A plural is named before the pronoun at ``m``, or right after it as what they are
    ("They're my little buddies")."""
    before, after = text[: m.start()], text[m.end() :]
    said = f"{m.group(0)}{after}".lower()
    is_what = re.match(r"they(?:'re|\s+are|\s+were)\s+(.{1,40})", said)
    return bool(
        _plural_phrases(before) or _own_plural(before) or (is_what and _plural_phrases(is_what[1]))
    )


def _plural_phrases(text: str) -> set[tuple[str, str]]:
    """The plural noun phrases of ``text``: (determiner, noun), "" for a bare plural.

    Not a verb read as a plural: "Sounds great", "your friendship means a lot"."""
    # "a group of dancers" (people: not "a group of strawberries" in a photo)
    out = {("the", g["noun"]) for g in _GROUP_OF.finditer(text) if PEOPLE.search(g["noun"])}
    for p in _PLURAL_NP.finditer(text):
        if _IDIOM_BEFORE.search(text[: p.start()]) and p.group(0).lower() == "the works":
            continue  # "projects in the works": no works
        if p.group("names"):
            words = p.group("names").split()
            while words[0] in _NOT_PEOPLE or words[0] in _ASKING:  # "Are Ana and Ben …?"
                words = words[1:]
            if "and" in words[1:-1]:
                out.add(("", " ".join(words)))
        elif p.group("bare"):
            bare, after = p.group("bare").lower(), p.group(0).split()[-1]
            if (
                bare not in _NOT_PLURAL
                and not (  # "Cheers for the tip", "Brings back …"
                    bare in _VERB_OPENERS or (is_base_verb(bare[:-1]) and after in _VERB_NEXT)
                )
            ):
                out.add(("", bare))
        elif p.group("noun").split()[-1] not in _NOT_PLURAL and not (
            " " in p.group("noun") and _OBJECT_NEXT.match(text[p.end() :])
        ):
            out.add((p.group("det").lower(), p.group("noun")))
    return out


_GROUP_OF = re.compile(
    r"\b(?:a|the|my|our|your)\s+(?:[a-z]+\s+)?(?:group|team|crew|troupe|class|band)"
    r"\s+of\s+(?P<noun>[a-z]{3,}[^s\W']s)\b"
)
_IDIOM_BEFORE = re.compile(r"\bin\s+$")


_ASKED_OF = re.compile(
    r"^(?:(?:how|what|where|when|why)\s+)?(?:are|were|do|did|have|has|will|can|could|would)\s+",
    re.I,
)
# A plural subject the phrases above do not catch: "childhood memories can be so powerful".
_UNPARSED_PLURAL = re.compile(
    r"\b[a-z]{3,}[^s\W']s\s+(?:can|could|are|were|have|make|bring|take|keep|will|would|seem|"
    r"look|feel)\b"
)
# What follows a verb, not a plural noun: "[your friendship] means a lot".
_OBJECT_NEXT = re.compile(
    r"\s+(?:a|an|the|my|your|his|her|our|their|me|him|us|them|it|so|that|to|everything|"
    r"nothing|something|lots?)\b"
)


def _replied_phrases(text: str) -> set[tuple[str, str]]:
    """The plural phrases of ``text``; of several, the subject of a closing question
    ("… my hobbies. Are Harry Potter and GoT still your favorites?")."""
    phrases = _plural_phrases(text)
    if len(phrases) > 1:
        said = [s for s in re.split(r"(?<=[.!?])\s+", re.sub(r"\s*\[[^\]]*\]", "", text)) if s]
        asked = _ASKED_OF.match(said[-1]) if said and said[-1].endswith("?") else None
        last = _plural_phrases(said[-1][asked.end() :]) if asked else set()
        if len(last) == 1 and said[-1][asked.end() :].startswith(  # type: ignore[union-attr]
            tuple(f"{d} {n}".strip() for d, n in last)
        ):
            return last
    return phrases


def _plural_form(pronoun: str, det: str, noun: str) -> str:
    low = pronoun.lower()
    phrase = f"{det} {noun}".strip()
    if low in {"their", "theirs"}:
        phrase += "'" if phrase.endswith("s") else "'s"  # "my family's love"
    elif "'" in low:
        phrase += {"'re": " are", "'ve": " have", "'ll": " will", "'d": " would"}[low[4:]]
    return phrase[0].upper() + phrase[1:] if pronoun[0].isupper() else phrase


def bracket_referents(
    quote: str, subject: str, addressee: str | None, earlier: tuple[str, ...]
) -> str:
    """A verbatim quote with its first "she"/"he"/"they" followed by the one referent the
    earlier turns (newest first) name: "She [Jean] had a tough time", "They [my turtles]
    look tired". A person is looked for in the last two turns; a plural further back
    while the turns between go on saying "they"."""
    out = quote
    m = _PRONOUN.search(out)
    if m and not _antecedents_in(quote[: m.start()], subject, addressee):
        word = m.group(0).lower()
        for source in earlier[:2]:
            people = [
                p for p in antecedents(source, subject, addressee) if p[1] in (None, _GENDER[word])
            ]
            if people:
                if len(people) == 1 and "'s " not in people[0][0]:
                    own = "'s" if word in {"his", "hers"} else ""
                    end = m.end() + len(re.match(r"[\w']*", out[m.end() :]).group(0))  # "He's"
                    out = f"{out[:end]} [{people[0][0]}{own}]{out[end:]}"
                break
    m = _PLURAL_PRONOUN.search(out)
    if m and not _COLLECTIVE.search(out[: m.start()]):
        for swap, source in enumerate(earlier):
            if swap > 1 and not _PLURAL_PRONOUN.search(earlier[swap - 1]):
                break  # further back only while each turn goes on saying "they"
            phrases = _replied_phrases(source)
            if swap == 0:  # an organisation the turn it answers names
                phrases = _with_organisation(source, out, m, phrases)
                if phrases is None:
                    break
            if not phrases and _UNPARSED_PLURAL.search(source):
                break  # they are what the turn named, in words not read here
            if phrases:
                if len(phrases) == 1:
                    det, noun = phrases.pop()
                    if not fits(noun, out):
                        break  # "Having them there to cheer me on": people, not "my goals"
                    if swap % 2 == 0:  # the other speaker's "my turtles" are "your turtles"
                        det = {"my": "your", "your": "my", "our": "your"}.get(det, det)
                    det = "the" if det in {"these", "those"} else det
                    out = f"{out[: m.end()]} [{f'{det} {noun}'.strip()}]{out[m.end() :]}"
                break
    return out


def _antecedents_in(text: str, subject: str, addressee: str | None) -> bool:
    return bool(antecedents(text, subject, addressee))


_THEY = re.compile(r"\b(?:[Tt]hey|[Tt]hem|[Tt]hey're|[Tt]hey've)\b")
# "Great idea! …", "Wow, …", "Thanks, Ana! …": an interjection before a pronoun hides it no less.
_INTERJECTION = (
    r"(?:(?!(?:I|We|You|They|She|He|It|This|That|There)\b)[A-Z][\w']*(?: [a-z][\w']*)?"
    r"(?:, [A-Z][a-z]+)?[!,.]\s+)"
)
# A pronoun the earlier turns gave no name to: no "[…]" after it.
_OPENS_UNNAMED = re.compile(
    "^"
    + _INTERJECTION
    + r"*(?:[Tt]hey|[Tt]hey're|[Tt]hey've|[Tt]hey'll|[Tt]heir|[Ss]he|[Hh]e|[Hh]er|"
    r"[Hh]is)\b(?!'?\w*\s*\[)"
)
# "Great idea! that should help": a thing said "it"/"that"/"this" after an interjection
_REACTS_ON_THING = re.compile("^" + _INTERJECTION + r"+(?:[Ii]t|[Tt]hat|[Tt]his)\b(?!'?\w*\s*\[)")


# "Those both can be therapeutic", "These are amazing": a demonstrative standing alone.
_DEMONSTRATIVE = re.compile(
    r"\b(?:[Tt]hose|[Tt]hese|[Bb]oth)\s+(?:(?:both|all|really|definitely|just|truly)\s+)*"
    r"(?:are|were|can|could|will|would|have|had|look|make|sound|seem|do|did|must|might|should)\b"
)


def plural_context(quote: str, asked: str, wider: str) -> str:
    """What a quote is shown answering: the ``wider`` end of the turn it answers when the
    quote's first "they"/"them" (or a lone "those"/"both") has no "[…]" after it and no
    plural before it, ``asked`` names none, and the sentences before ``asked`` do
    ("… how schools and parks shape towns. It's sad how they …" for "They play a role")."""
    said = re.sub(r"\s*\[shares\b[^\]]*\]", "", quote)
    found = [f for f in (_PLURAL_PRONOUN.search(said), _DEMONSTRATIVE.search(said)) if f]
    if not found:
        return asked
    m = min(found, key=lambda f: f.start())
    if (
        re.match(r"\s*\[", said[m.end() :])
        or _named_at(said, m)
        # "Those both": one plural of the question is not the two things meant
        or (_plural_phrases(asked) and not _PLURAL_PRONOUN.search(asked) and "both" not in m[0])
    ):
        return asked
    added = wider[: wider.find(asked)] if asked in wider else wider
    if _plural_phrases(added) or (_own_plural(added) and not _PLURAL_PRONOUN.search(added)):
        return wider
    return asked


def says_they(text: str) -> bool:
    """``text`` says "they"/"them" (a plural that needs a name)."""
    return bool(_THEY.search(text))


def opens_unnamed(quote: str) -> bool:
    """A quote opening with a pronoun no earlier turn named ("They always support me")."""
    return bool(_OPENS_UNNAMED.match(quote))


def reacts_on_thing(quote: str) -> bool:
    """A quote opening on an interjection, then "it", "that" or "this" ("Great idea! that
    should get more eyes on it"): a reaction to the turn before as a whole, not to its last
    sentence alone."""
    return bool(_REACTS_ON_THING.match(quote))


def unbracketed(text: str) -> str:
    """Brackets a referent added ("They [my turtles]") dropped; a photo caption kept."""
    return re.sub(r"\[(?!shares\b)([^\]]*)\]", r"\1", text)


def quote_unnamed(quote: str, subject: str, addressee: str | None, asked: str = "") -> bool:
    """A quote whose first "she"/"her"/"he"/"him" names nobody: no "[…]" after it, no person
    before it in the quote, none in the question it answers (``asked``). Read alone, "I
    watched her grow" says about whom it does not. (A quoted "they" is kept: dropping
    those lost LoCoMo evidence turns whose plural was named only in a photo or several
    turns back, 652 → 649 of 684.)"""
    said = re.sub(r"\s*\[shares\b[^\]]*\]", "", quote)  # a caption describes, it does not refer
    m = _PRONOUN.search(said)
    if m is None or re.match(r"(?:'s)?\s+\[", said[m.end() :]):
        return False
    return not (
        _antecedents_in(said[: m.start()], subject, addressee)
        or (asked and _antecedents_in(asked, subject, addressee))
    )
