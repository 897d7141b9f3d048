"""Resolving "it", "this" and "that" to the thing or activity the turn named before them.

Read on its own, "Joanna finds it really rewarding" does not say what "it" is. When the
memory's text keeps a referring "it"/"this"/"that" (not an expletive: "it's raining", "it
is important to …", "it feels like …"; not an idiom: "make it work", "keep it up", "go for
it") and nothing before it in the memory names a thing, the sentence of the turn before it
is searched for antecedents: an activity ("I love writing") or a singular noun phrase ("a
new job", "my old guitar"). Exactly one gives the rewrite ("Joanna finds writing really
rewarding"; "Dancing has been Jon's stress-buster since childhood"). It never picks between
two.
What a memory becomes when no single thing is named: :mod:`.referents`.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.rules.thing_words import (
    GERUND_STOP,
    NOT_ACTIVITY,
    NOT_NOUN,
    NOT_OBJECT_VERB,
    NOT_THING,
)

_SPEAKER = re.compile(r"\b(?:I|I'm|I've|I'd|[Mm]y|me)\b")
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]')
_BE_SUBJECT = r"(?:'s|'ll|'d| is| was| has| had| will| would| can| could| really| must| might| may| should| always| also| just| still| never| definitely| truly| probably| certainly| actually| totally| usually| often| sometimes| [a-z]+s| [a-z]+ed| took| made| gave| kept| felt| got| brought| taught| became)"
_SUBJECT = re.compile(
    r"(?:^|(?<=[.!?;,] )|(?<=\band )|(?<=\bbut )|(?<=\bso )|(?<=\bbecause )|(?<=\bhow )|"
    r"(?<=\bthat )|(?<=\bwhy )|(?<=\bif )|(?<=\bsure )|(?<=\bbets )|(?<=\bglad )|"
    r"(?<=\bthinks )|(?<=\bhopes )|(?<=\bbet )|(?<=\bwhen )|(?<=\bheard )|(?<=\bknows )|(?<=\bthought )|"
    r"(?<=\bfeels )|(?<=\bguesses )|(?<=\bbelieves )|(?<=\bsays )|(?<=\bsaid )|(?<=\bknew )|"
    r"(?<=\bimagine )|(?<=\bimagines )|(?<=\b[Mm]aybe )|(?<=\b[Pp]erhaps ))"
    r"(?P<p>[Ii]t|[Tt]his|[Tt]hat)(?=" + _BE_SUBJECT + r"\b)"
)
# An expletive "it": the subject is the clause or "to …" after it, the weather, the time.
_EXPLETIVE = re.compile(
    r"^(?:'s|'ll be| is| was| will be| would be| can be| could be|'s been| has been| had been)"
    r"(?: (?:so|really|very|too|pretty|quite|super|also|just|not|always|kinda|kind of|still|truly|incredibly|absolutely|totally|definitely|extremely|especially|"
    r"never|a bit|such))* (?!a\b|an\b|the\b|my\b|our\b|his\b|her\b|their\b|[A-Z]|"
    # "was truly rewarding", "was like restarting", "'s less overwhelming": no expletive
    r"like\b|less\b|more\b|been\b|[a-z]+ly\b)[a-z]+ "
    r"(?:to|that|when|how|if|for|[a-z]+ing)\b|"
    r"^(?:'s|'ll be| is| was|'s been| has been| had been) (?:(?:a|an|the) )?(?:[a-z]+ ){0,2}"
    r"(?:feeling|thing|blast|pleasure|honou?r|relief|shame|pity|treat|privilege|wonder|"
    r"ride|journey|challenge|struggle) (?:to|that|when|[a-z]+ing)\b|"
    r"^(?:'s|'s been| is| was) (?:all|not) about\b|"
    r"^(?:'s|'s been| is| was) (?:special |such )?moments? like (?:these|this|that)\b|"
    r"^(?:'s|'ll be| is| was|'s been| has been| had been) (?:a while|ages|years|months|weeks|"
    r"days|time|raining|snowing|sunny|cold|hot|warm|late|early|\w+ (?:years|months|weeks|"
    r"days) since)\b|"
    r"^ (?:will|might|may|could) (?:rain|snow|be (?:sunny|cold|hot|warm|late))\b|"
    r"^ (?:rains|rained|snows|snowed|pours|poured)\b|"
    r"^(?:'s| is| was) (?:dry|wet|windy|dark|cloudy|freezing|pouring)\b|"
    r"^ (?:goes|went|turns out|turned out|works out|worked out|comes to|came to|matters to|"
    r"mattered to)\b|"
    r"^ (?:seems|seemed|appears|appeared|turns out|turned out|happens|happened|feels as if|"
    r"felt as if|takes time|took time|takes a lot|took a lot|kills|killed|means a lot to)\b|"
    # "it feels like Ana could fly" (a clause), not "it sounds like a great way to …"
    r"^ (?:feels|felt|looks|looked|sounds|sounded) like (?!(?:a|an|the|something|such|my|"
    r"your|his|her|their|one|so|fun|home)\b)|"
    r"^(?:'s|'s been| is| was) (?:moments?|times?|days?|people|things?|been a while) \w+ "
    r"(?:like|that|when)\b"
)
_IDIOM_BEFORE = re.compile(
    r"\b(?:keep|keeps|kept|go for|goes for|went for|worth|"
    r"nail|nailed|hit|take|took|pull|pulled|believe|stick with|sticking with|"
    r"stuck with|mean|meant|lose|lost|wing|call|is|was|"
    r"of all|for all|need|needs|needed|than|said|through)\s+$",
    re.I,
)
_IDIOM_AFTER = re.compile(
    r"^\s*(?:happen|work|done|big|through|back|out|off|up to\b|easy|slow|all|a try|a shot|a go|"
    r"their best|his best|her best|when|to (?:the|a|their|his|her)\b)",
    re.I,
)
# "give it a try", "gave it my all": an idiom; "gives it a nice kick" names a thing
_GIVE_IT = re.compile(
    r"\s+(?:a |an |some |my |your |his |her |their |our |[A-Z][a-z]+'s |one more )?"
    r"(?:try|shot|go|rest|break|time|chance|whirl|thought|second|all|best|everything|100%|"
    r"a lot)\b"
)
_GOT_IT = re.compile(r"\s*(?:[.!?,;]|$|\s(?:now|right|too|though|totally)\b)")
_OBJECT = re.compile(
    r"\b(?P<v>[a-z]+) (?P<p>it|this|that)(?!\s+[a-z]+\s+to\b)(?=\s*(?:[.!?,;]|$)|\s+(?:and|but|so|because|for|"
    r"with|at|in|on|too|again|anymore|daily|weekly|often|now|today|[a-z]+ly|later|a lot|so much|every|more|to|into|sometime|soon|"
    r"yet|before|first|back|a while|as well|last|yesterday|tonight|tomorrow|when|out|up|happen|off|"
    r"down|over|through)\b|"
    r"(?<=it)\s+(?:so |really |very |pretty |quite |super )*(?:rewarding|relaxing|calming|fun|"
    r"empowering|therapeutic|helpful|useful|special|important|amazing|great|hard|easy|"
    r"interesting|exciting|meaningful|fulfilling|peaceful|soothing|inspiring|freeing)\b(?! to\b))"
)
# Any other "it" after a word: an object ("submit it to", "made it up"), idioms aside.
# ("thinks it will rain": a subject, read by _SUBJECT or not at all)
_ANY_IT = re.compile(
    r"\b(?P<v>[A-Za-z]+) (?P<p>it)\b(?!'|\s+(?:is|was|will|would|can|could|has|had|might|may|"
    r"must|should|does|did|[a-z]+n't|[a-z]+s|[a-z]+ed)\b)"
)
_LOVE_WHEN = r"\b(?:love|loves|loved|like|likes|liked|hate|hates|hated|enjoy|enjoys|enjoyed)\s+$"
_PLACE = re.compile(
    r"\b(?P<v>(?!get\b|gets\b|got\b|getting\b)[a-z]+) (?P<p>here|there)\b"
    # "there is …", "there for Ana" / "here to help" (being at hand), "out there"
    r"(?!\s+(?:is|are|was|were|will|has|have|had|for|to)\b|')"
    r"(?<!\bover there)(?<!\bout there)(?<!\bup there)(?<!\bin there)"
)
# "see where it takes Ana", "where this leads": what goes somewhere, the words do not say
_WHERE = re.compile(
    r"\bwhere (?P<p>it|this) (?:(?:will|might|may|could|would) )?(?:takes?|took|leads?|led|goes|go|"
    r"went)\b"
)
_THEM = re.compile(r"\b(?P<v>[a-z]+) (?P<p>them)\b")
# "any" or "the ones" standing for things before a clause about them ("find any that can
# help", "a list of the ones that suit Ana"): which things, an earlier plural must say.
_ONES = re.compile(
    r"\b(?P<v>[a-z]+) (?P<p>any|the ones)(?=\s+(?:that|which|who|whose)\b|\s+[A-Z][a-z]+ "
    r"(?:likes?|loves?|wants?|needs?|prefers?|recommends?|mentioned)\b)"
)
_DETERMINED = re.compile(
    r"\b(?:a|an|the|my|your|his|her|our|their|every|each|one|another)\s+(?:[a-z-]+\s+)?$", re.I
)
#: What a plural "them" settles like: a plural named before it, or nothing.
PLURAL_WORDS = frozenset(["them", "any", "the ones"])
PLURAL = re.compile(
    r"\b(?:the|these|those|my|our|his|her|their|[A-Z][a-z]+'s|some|many|both|two|three|"
    r"four|five|several|few|\d+)\s+(?:[a-z-]+\s+){0,2}[a-z]+s\b"
    # "Ana's skills and knowledge …": not a plural of its own ("photos and showed them" is)
    r"(?!\s+(?:and|&)\s+(?![a-z]+ed\b|[a-z]+s\b)[a-z]+\b)|"
    r"\b[A-Z][a-z]+ (?:and|&) (?:[A-Z][a-z]+|others)\b|\bthey\b|"
    # a bare plural after a liking or a preposition: "prefers vans", "with old friends"
    r"\b(?:prefers?|preferred|likes?|liked|loves?|loved|hates?|hated|dislikes?|disliked|"
    r"enjoys?|enjoyed|with|about|of|for|on|in|from)\s+(?:[a-z]+\s+)?"
    r"(?!(?:always|this|his|its|has|was|does|is|us|yes|less|across|perhaps|news)\b)[a-z]{2,}[^s\W]s\b"
)
_LIKE = re.compile(
    r"\b(?P<v>like) (?P<p>this|that|these|those)(?=\s*(?:[.!?]|$)|\s+(?:that|when|where)\b)"
)
# "Both are important", "Its presence in …": what, the sentence does not say
_OPENING = re.compile(
    r"(?:^|(?<=[.!?;:] ))(?P<v>)(?P<p>Both|Its)\b(?! of\b)(?=\s+(?:are|were|have|had|seem|[a-z]+))"
)
_USED = re.compile(r"\b(?P<v>use|uses|used|using) (?P<p>it) to\b")  # "uses it to speak up"
_BEFORE_IN_MEMORY = re.compile(
    r"\b(?:a|an|the|this|that|their|his|her|its|"
    r"(?!(?:It|That|There|Here|What|Let|He|She|Who|This|Life|Everything)'s)[A-Z][a-z]+'s)"
    r"\s+[a-z]{3,}|"
    r"\b[A-Z][a-z]+ [A-Z][a-z]+\b"
)
# A clause ends between a thing named and a later "it" ("Ana bought a lamp and loves it");
# with none, the phrase is part of the same clause ("over the moon about it", "spread the
# word about it", "made a tattoo to remind Ana about it") and names nothing "it" can be.
_CLAUSE_BREAK = re.compile(r",|;| - | – |\b(?:and|but|so|because|which|since|as)\b")


def _named_before(head: str, *, singular: bool = False) -> bool:
    """Whether ``head`` names a thing in a clause of its own; with ``singular`` (an "it",
    "this", "that"), not a plural: "The colours and trims give it a kick" names none."""
    text = plain(head)
    return any(
        _CLAUSE_BREAK.search(head[m.end() :])
        and not (singular and _plural_head(m.group(0), text[m.end() :]))
        for m in _BEFORE_IN_MEMORY.finditer(text)
    )


# A plural noun ending a phrase where its clause ends: "the yellow| leaves, and it …"
_PHRASE_REST = re.compile(r"^\s+[a-z-]+s(?=\s*[,;.!?]|\s*$|\s+(?:and|but|because)\b)")


def _plural_head(phrase: str, after: str = "") -> bool:
    """A plural after a determiner other than "a"/"an": "the colours", "Ana's shoes", "the
    yellow leaves" (``after``: the words after ``phrase``)."""
    rest = _PHRASE_REST.match(after)
    first, last = phrase.split()[0], (rest.group(0) if rest else phrase).split()[-1]
    return (
        first.lower() not in {"a", "an"}
        and last.islower()
        and last.endswith("s")
        and not last.endswith(("ss", "us", "is", "ics", "ous"))
    )


_BE_BEFORE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being|'m|'re|'s)\s+(?:\w+ly\s+|just\s+|still\s+|really\s+|also\s+)?$",
    re.I,
)
_GERUND_AFTER = re.compile(
    r"\b(?:love|loves|loved|enjoy|enjoys|enjoyed|like|likes|liked|took up|take up|picked up|"
    r"pick up|got into|get into|into|tried|try|prefer|miss|quit|practice|practise|started|"
    r"start|began|begin|stopped)\s+(?:(?:really|also|always|just|still)\s+)?$",
    re.I,
)
_DET = re.compile(r"\b(?P<det>[Mm]y|[Aa]n?|[Tt]he)\s+(?P<np>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)")
# What may follow a whole noun phrase ("a pottery class yesterday", "my cork board is …").
_NP_END = re.compile(
    r"^\s*(?:[.!?,;:)]|-|$)|^\s+(?:that|which|who|is|was|has|had|last|yesterday|today|"
    r"recently|lately|now|ago|I|we|still|just|really|always|never|also|finally|ever|here|"
    r"there|because|but|so|with|at|in|on|for|from|to)\b"
)
# After a noun phrase, a second thing or a part of one: "it" could be either.
_NP_MORE = re.compile(r"^\s+(?:and|or|of|&)\b")
_OBJECT_WORD = re.compile(r"^\s+(?P<w>[a-z][a-z-]+)(?:\s+(?P<w2>[a-z][a-z-]+))?")


def plain(text: str) -> str:
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def referring(content: str) -> list[re.Match[str]]:
    """The "it"/"this"/"that" of ``content`` (outside quotes and captions) that name a thing,
    in order: expletives and idioms left out."""
    text = plain(content)
    found: list[re.Match[str]] = []
    for m in _SUBJECT.finditer(text):
        rest = text[m.end() :]
        if (
            m.group("p").lower() == "that"
            and m.start() > 0
            and text[m.start() - 2] not in ".!?"
            and not re.search(r"\b(?:[Mm]aybe|[Pp]erhaps) $", text[: m.start()])
        ):  # "so that", "and that …": a conjunction ("Nice! that …", "Maybe that's …" are not)
            continue
        if m.group("p").lower() == "it" and _EXPLETIVE.search(rest):
            continue
        found.append(m)
    for m in [*_OBJECT.finditer(text), *_USED.finditer(text), *_ANY_IT.finditer(text)]:
        if m.group("v").lower() in NOT_OBJECT_VERB and m.group("p") == "that":
            continue
        if m.group("p") == "that" and _DETERMINED.search(text[: m.start("v")]):
            continue  # "read a book that really moved Ana": a relative "that", not a thing
        before, after = text[: m.start("p")], text[m.end("p") :]
        if re.search(r"\b(?:don't|doesn't|didn't|not|never) (?:do|does|did) $", before):
            continue  # "escape rooms don't do it for me"
        made = re.search(r"\b(?:make|makes|made|making|get|gets|got)\s+$", before, re.I)
        if m.group("p") == "it" and (
            _IDIOM_BEFORE.search(before)
            # "I get it", "got it!": understood; not "get it on the big screen"
            or (re.search(r"\b(?:get|gets|got)\s+$", before, re.I) and _GOT_IT.match(after))
            or (made and _IDIOM_AFTER.match(after))
            or (
                re.search(r"\b(?:give|gives|gave|giving)\s+$", before, re.I)
                and _GIVE_IT.match(after)
            )
            or (re.match(r"\s+all\b", after))
            or (re.match(r"\s+when\b", after) and re.search(_LOVE_WHEN, before))
        ):
            continue  # "keep it up", "go for it", "make it work", "love it when …"
        if m.group("v").lower() in {"like", "than", "is", "was", "as"}:
            continue  # "moments like this", "more than that": comparisons, not a referent
        if any(f.start("p") == m.start("p") for f in found):
            continue
        found.append(m)
    found += [m for m in _WHERE.finditer(text) if all(f.start("p") != m.start("p") for f in found)]
    # a place or a likeness shown or said before: "people there", "a set-up like that"
    if "[shares" not in content:
        found += [*_PLACE.finditer(text), *_LIKE.finditer(text), *_OPENING.finditer(text)]
        # people or things "them", with no plural named before it in the memory
        found += [m for m in _THEM.finditer(text) if not PLURAL.search(text[: m.start("p")])]
        # "Ana will see if they can find any that …": that "they" is Ana, no plural
        found += [
            m
            for m in _ONES.finditer(text)
            if not PLURAL.search(re.sub(r"\bthey\b", "", text[: m.start("p")]))
        ]
    return sorted(found, key=lambda m: m.start("p"))


_DEGREE = frozenset(["so", "very", "too", "really", "pretty", "quite", "super", "extremely"])
_THING_SUBJECT = re.compile(
    r"(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat|[Mm]y|[A-Z][a-z]+'s) (?:[a-z-]+ )?[a-z-]+ "
    r"(?:is|was|'s|has been|had been|looks|looked|seems|seemed|feels|felt)\b"
)
_PLURAL_CLAUSE = re.compile(r"\b(?:are|were|these|those)\b")
_CLAUSES = re.compile(r"[,;]|\b(?:and|but|because)\b")


def _says_what(head: str, subject: str) -> bool:
    """Whether the clause before an "it" ends on a thing it can be: "Ana also enjoys yoga,
    it's …", "Ana opened a shop and it's …"; not "Ana was there and it's …", "… to Ana, and
    it's …", "Ana got it because it …", "Rest assured, it …", nor a plural ("all the yellow
    leaves, it looks …")."""
    clause = re.sub(r"(?:[,;]|\b(?:and|but|so|plus|because))\s*$", "", head.strip())
    words = re.findall(r"[A-Za-z'-]+", clause)
    if not words:
        return False
    last, own = words[-1], _CLAUSES.split(clause.rstrip(",; "))[-1].strip()
    return not (
        len(last) < 3
        # "the colours are so bold, and it …": what is so, a plural, is no "it"
        or bool(_PLURAL_CLAUSE.search(own))
        # "made everyone so comfortable, and it …": a likeness, a thing only as the subject
        # it is said of ("the energy was so motivating, it …")
        or (len(words) > 1 and words[-2].lower() in _DEGREE and not _THING_SUBJECT.match(own))
        or last.lower() in NOT_THING
        or last in subject.split()
        or last.endswith(("ed", "ly", "'s"))
        or (last.endswith("s") and not last.endswith("ss"))
    )


def _last_sentence(text: str) -> str:
    text = plain(text).strip()
    parts = [p for p in re.split(r"(?<=[.!?])\s+", text) if p.strip()]
    return parts[-1] if parts else ""


def antecedents(text: str, subject: str) -> list[str]:
    """The activities and singular noun phrases ``text`` names, as a memory writes them
    ("my old bike" → "Ana's old bike", "a concert" → "the concert", "I love playing chess"
    → "playing chess"). A phrase that may not be whole ("the pattern and colours", "a ton
    of work"), or an activity not read as one, is given as "?": it leaves "it" ambiguous."""
    found: list[tuple[int, str]] = []
    for m in _DET.finditer(text):
        words = m.group("np").split()
        if words[0] in NOT_NOUN:
            continue  # "a lot", "the time": not a thing
        for n in (2, 1):
            if len(words) < n:
                continue
            phrase, after = " ".join(words[:n]), text[m.start("np") + len(" ".join(words[:n])) :]
            if _NP_END.match(after) or _NP_MORE.match(after):
                break
        else:
            found.append((m.start(), "?"))  # no phrase boundary found: not a whole phrase
            continue
        last = phrase.split()[-1]
        if last in NOT_NOUN or any(w in NOT_NOUN for w in phrase.split()):
            continue
        if last.endswith("s") and not last.endswith("ss"):
            continue  # plural: "they", never "it"
        lead = text[: m.start()].rstrip()
        if _NP_MORE.match(after) or re.search(
            r"\b(?:and|or|of|around|across|over|from|through|throughout|about|to [a-z]+)$", lead
        ):  # "the pattern and colours", "to create a place …": the thing, or the plan?
            found.append((m.start(), "?"))
            continue
        if last.endswith(("ing", "ed", "ly")):
            found.append((m.start(), "?"))
            continue
        det = m.group("det").lower()
        found.append((m.start(), f"{subject}'s {phrase}" if det == "my" else f"the {phrase}"))
    for m in re.finditer(r"\b[A-Za-z][a-z]{2,}ing\b", text):
        word = m.group(0)
        if word[0].isupper():
            if m.start() == 0 and word.lower() not in NOT_ACTIVITY:
                found.append((m.start(), "?"))  # "Creating art was …": a subject, so "it"?
            continue
        if word in NOT_ACTIVITY:
            continue
        before = text[: m.start()]
        if _BE_BEFORE.search(before) or re.match(r"\s+to\b", text[m.end() :]):
            continue  # "I'm writing …", "going to": a verb, not an activity
        if re.search(r"\b(?:[Mm]y|[Aa]n?|[Tt]he)\s+(?:[a-z-]+\s+)?$", before):
            continue  # "a writing class": part of the noun phrase
        if not _GERUND_AFTER.search(before):
            found.append((m.start(), "?"))
            continue
        phrase = word
        if (o := _OBJECT_WORD.match(text[m.end() :])) and o.group("w") not in GERUND_STOP:
            phrase += f" {o.group('w')}"  # "playing chess", "playing acoustic guitar"
            w2 = o.group("w2")
            if w2 and w2 not in GERUND_STOP and not w2.endswith(("ly", "ing", "ed")):
                phrase += f" {w2}"
        found.append((m.start(), phrase))
    return [p for _, p in sorted(found)]


def _as_subject(phrase: str, rest: str) -> str:
    lead = phrase[0].upper() + phrase[1:]
    if m := re.match(
        r"'s (?=been\b|got\b|gotten\b|become\b|given\b|taught\b|shown\b|made\b|had\b|done\b|taken\b|kept\b|brought\b|[a-z]+ed\b)",
        rest,
    ):
        return f"{lead} has {rest[m.end() :]}"
    if rest.startswith("'s"):
        return f"{lead} is{rest[2:]}"
    if rest.startswith("'ll"):
        return f"{lead} will{rest[3:]}"
    return f"{lead}{rest}"


def resolve_things(content: str, before: str, subject: str) -> str | None:
    """``content`` with its referring "it" written as the one thing the turn named before
    it (``before``: the turn's text up to the clause); unchanged when it keeps none or the
    memory names a thing before it; None when it keeps one the turn does not name once
    ("this" and "that" often name a whole event: those are never rewritten)."""
    found = referring(content)
    if not found:
        return content
    first = found[0]
    if first.group("p") in PLURAL_WORDS:
        return None  # no plural named before it (``referring``): who or what, the turn may say
    if "[shares" in content and first.group("p").lower() != "it":
        return content  # "made this for Ben. [shares a photo: a cat]": the photo shows it
    head = plain(content[: first.start("p")])
    after_clause = re.search(r"(?:,|\band|\bbut|\bso|\bplus|\bbecause)\s*$", head)
    if first.re is _SUBJECT and after_clause and _says_what(head, subject):
        return content  # "Ana also enjoys yoga, it's …": the clause before says what
    singular = first.group("p").lower() in {"it", "this", "that", "its"}
    if _named_before(head, singular=singular) and (first.re is not _SUBJECT or after_clause):
        return content  # "Ana opened a shop and it's been great": the memory says what
    if len(found) > 1 or first.group("p").lower() != "it":
        return None
    sentence = _last_sentence(before)
    if not _SPEAKER.search(sentence) or referring(sentence.replace("I ", "Ana ")):
        return None  # a reply ("Appreciate the support.") or "it" again: who knows what
    options = list(dict.fromkeys(antecedents(sentence, subject)))
    if len(options) != 1 or options[0] == "?":
        return None
    phrase, rest = options[0], content[first.end("p") :]
    if first.re is _SUBJECT:
        said = _as_subject(phrase, rest)
        if head.strip() and not head.rstrip().endswith((".", "!", "?")):
            said = said if phrase.split()[0].endswith("'s") else said[0].lower() + said[1:]
        return content[: first.start("p")] + said
    return content[: first.start("p")] + phrase + rest


def with_referent(message: str, sentence: str) -> list[str]:
    """The sentences to quote for ``sentence``: the one before it in ``message`` too when
    ``sentence`` keeps an "it"/"this"/"that" naming a thing (that one names it)."""
    if not referring(sentence):
        return [sentence]
    parts = [p for p in re.split(r"(?<=[.!?])\s+", message.strip()) if p.strip()]
    for i, part in enumerate(parts):
        if i and sentence[:20] and sentence[:20] in part:
            # back to the sentence that names it ("Writing helps me. Plus, it's … without it")
            j = i - 1
            while j > 0 and j > i - 2 and referring(parts[j]):
                j -= 1
            return [*parts[j:i], sentence]
    return [sentence]
