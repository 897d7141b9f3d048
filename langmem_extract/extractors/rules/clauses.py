"""Clause splitting: a message becomes clauses stripped of fillers and greetings.

Sentences split on punctuation and dashes, then on a conjunction that starts a new
first-person clause; a short lead-in ("Yesterday,") stays with its clause, a leading
correction marker ("Actually, …") is noted, and a dropped subject ("Started a new job") is
put back.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.rules.grammar import PAST_IRREGULAR
from langmem_extract.extractors.rules.verbs import is_base_verb

# Pictographs ("💪", "🎉", "🧘‍♀️"): chat punctuation, not words of a sentence.
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+")
_SENTENCE_SPLIT = re.compile(
    r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n+|;\s+|:\s+(?=I\b)|"
    # An emoji ends a sentence as "!" does: "Inspiring 💪 I emailed …" is two.
    rf"\s*{_EMOJI.pattern}\s*(?=[A-Z])|"
    # A dash starts a new statement, not an appositive ("a new project - a thriller …").
    r"\s*[-—–]+\s+(?=(?:I|I'm|I've|I'll|I'd|[Mm]y|[Ww]e|[Ii]t|[Tt]hat|[Bb]ut|[Aa]nd|[Ss]o|[A-Z][a-z]*[A-Z]?)\b)"
)
# New first-person clause after a conjunction: "I live in Paris and I work as a nurse".
_CLAUSE_SPLIT = re.compile(
    r"(?:,?\s+(?:and|but|so|plus|also|because|although|though|while)\s+|,\s+)"
    r"(?![Mm]y\s+(?:[\w-]+\s+){0,2}[\w-]+,)"  # "Ana, my sister, is …": an appositive
    r"(?=(?:also\s+|really\s+|just\s+)?(?:I|I'm|I've|I'll|I'd|[Mm]y|[Ww]e|[Ww]e're|[Ww]e've)\b)",
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:please\s+)?(?:remember|note|keep in mind|bear in mind|don't forget|do not forget)"
    r"(?:\s+that)?(?=\s+(?:i|i'm|i've|my|we)\b)\s*|"
    r"(?:thanks|thank you)(?: so much)? for (?:asking|sharing|(?:the|your|all the|all your)"
    r"(?:\s+\w+){1,3})(?:[,!.]+\s*|$)|"
    r"(?:oh|well|so(?!\s+(?:much|many|far|long|little|few)\b)|also|and|but|hey|hi|hello|yeah|yep|yup|yes|ok|okay|btw|by the way|"
    r"anyway|anyways|honestly|haha|lol|wow|um|uh|hmm|plus|fyi|guess what|you know what|"
    r"just so you know|for (?:the )?record|for context|fun fact|also worth noting|"
    r"to be honest|tbh|good news|great news|sure|thanks|thank you|omg|woohoo|ah|aw|aww)"
    r"\b[,!.:]*\s*|"
    r"(?!actually\b)[a-z]+ly,\s*|(?:due to|because of|given|as (?:a|an)|for (?:ethical|health|religious|medical|environmental) reasons)\b[^,]{0,80},\s*)+",
    re.I,
)
_CORRECTION_LEAD = re.compile(
    r"^(?:actually|correction|sorry|oops|wait|no|nope|update|scratch that|i meant|"
    r"to clarify|let me correct (?:that|myself)|my bad|not anymore|that'?s (?:wrong|outdated)|"
    r"that'?s not right|change of plans?)\b[,:!.\-]*\s*",
    re.I,
)


_TRAILING = re.compile(r"(?:,?\s+please)?[\s.!…]*$", re.I)
_VOCATIVE = re.compile(
    r"^(?:(?:hey|hi|hello|thanks|thank you|congrats|wow|yeah|oh|aw+|ok|okay|sure|yes|yep|haha|lol|omg)"
    r"(?:,?\s+(?:so much|a lot|again))?(?:,?\s+[A-Z][a-z]+)?[,!.]+\s*|[A-Z][a-z]+,\s+(?=[a-zI])(?![Mm]y\s+[\w ]+,)"
    # "Books, movies, and walks …" is a list, its first item no one spoken to
    r"(?![a-z]+(?:\s+[a-z]+)?,?\s+(?:and|or)\s+[a-z]))"
)
# A feeling said without "I'm": "Not surprised at all", "Not sure it'll work".
_NOT_FEELING = re.compile(
    r"^not\s+(?:(?:at all|really|too|that|so|very)\s+)?(?:surprised|sure|certain|convinced|"
    r"interested|impressed|worried|bothered|scared|afraid|ready|kidding|shocked|thrilled)\b",
    re.I,
)
_GERUND_SUBJECT = re.compile(
    r"^\w+ing(?:'s\b|\b[^,]*?\b(?:is|was|are|were|isn't|wasn't|can|could|will|would|has|had|sounds|"
    r"seems|makes|helps|gives|takes|feels|keeps|brings|means|needs|lets|reminds|shows|"
    r"requires|allows|teaches|got|made|gave)\b)",
    re.I,
)
_SUBJECTLESS = re.compile(
    r"^(been|gonna|going|started|finished|had|got|went|made|took|just|tried|joined|bought|"
    r"visited|trying|planning|hoping|thinking|working|looking|getting|starting|researching|"
    r"heading|learning|reading|painting|writing|taking|doing|spending|considering|saving|"
    r"training|practicing|practising|volunteering|studying|preparing|organizing|organising|"
    r"signed|decided|picked|adopted|met|finally|recently|still|even|won't|can't|couldn't|"
    r"haven't|didn't|"
    r"[a-z]+ed(?=\s+(?:my|a|an|the|some|our|this|these|those)\b))\b",
    re.I,
)


def split_clauses(text: str) -> list[tuple[str, bool]]:
    """Split a message into clauses, stripping fillers; flag correction markers."""
    out: list[tuple[str, bool]] = []
    for sentence in _SENTENCE_SPLIT.split(text):
        for raw in _lead_ins_joined(_clause_parts(sentence)):
            clause = re.sub(r"\s*" + _EMOJI.pattern + r"\s*", " ", raw).strip()
            clause, correction = _strip_lead(clause.strip(" \t\"'()*-"))
            clause = _TAG_QUESTION.sub("", _TRAILING.sub("", clause)).strip()
            clause = _ASK_BACK.sub("", clause).strip()
            clause = _SPEAKING_OF.sub(" ", clause).strip()
            clause = _restore_subject(clause)
            if clause.startswith("I "):  # "I haven't called in days, wanted to say hi"
                clause = _DROPPED_AFTER_COMMA.sub(r" and \1", clause)
            if clause:
                out.append((clause[0].upper() + clause[1:], correction))
    return out


# A second verb of the same subject after a comma: "…, wanted to let you know …".
_DROPPED_AFTER_COMMA = re.compile(
    r",\s+((?:just\s+|also\s+)?(?:wanted|decided|thought|figured|needed|hoped)\s+(?:to|I'd)\b)"
)
# "…, speaking of." ends on a preposition with nothing said after it.
_SPEAKING_OF = re.compile(r",?\s+speaking of(?:\s+(?:which|that|it))?[\s.!…]*(?=\[|$)", re.I)
# "…, shouldn't I" / "…, isn't it": a tag question asks nothing new.
_TAG_QUESTION = re.compile(
    r",?\s+(?:isn't|aren't|wasn't|weren't|don't|doesn't|didn't|haven't|hasn't|hadn't|"
    r"shouldn't|wouldn't|couldn't|can't|won't)\s+(?:I|you|we|it|they|he|she|there)\s*[?!.]*$"
)
# ", let me know what you think": a request to the listener, nothing about the speaker.
_ASK_BACK = re.compile(
    r"(?:,|\s+[-—–])\s+(?:just\s+)?(?:let me know|lmk|tell me)\b.*$|"
    # "… - hang in there!": a cheer to the listener, nothing about either
    r"(?:,|\s+[-—–])\s+(?:hang in there|stay strong|you got this|you've got this|keep it up|"
    r"keep going|good luck)\s*[!.…]*$|"
    # "…, can't wait!" / "… - so excited": a closing cheer with no subject and no object
    r"(?:,|\s+[-—–])\s+(?:(?:so|really|just)\s+)?(?:can't wait|cannot wait|so excited|so pumped|"
    r"so stoked)\s*[!.…]*$",
    re.I,
)
# A verb of a clause's own: a finite form, so "My teammates believing in me and my love …
# keep me going" is one subject, not two clauses.
_FINITE = re.compile(
    r"\b(?:am|is|are|was|were|has|have|had|do|does|did|will|would|can|could|should|may|"
    r"might|must|I'm|I've|I'll|I'd|it's|that's|[a-z]+n't|[a-z]{3,}ed)\b|"
    r"\b(?:I|we|you|they|he|she)\s+[a-z]+",
)
# A prepositional phrase closing the left part of a comma split belongs to the clause
# after it: "so with hard work, we can make it" → "with hard work, we can make it".
_PREP_TAIL = re.compile(
    r"(?:,?\s+(?:so|and|but)\s+|\s+)(?P<tail>(?:with|through|after|by|despite|without)\s+"
    r"[^,]{3,60})$"
)
# A subordinate clause closing the left part of a comma split is a clause of its own, as
# when it leads the sentence: "It's hard, but when I rest, I'm better" → "It's hard" |
# "when I rest" | "I'm better", not "It's hard, but when I rest" | "I'm better".
_SUBORDINATE_TAIL = re.compile(
    r"(?:,?\s+(?:so|and|but)\s+|,\s+)(?P<tail>(?:when|whenever|once|if|as long as|because|"
    r"since|until|unless)\s+(?:I|we)\b[^,]{3,80})$"
)

# A lead whose clause goes on past the comma: "I'm sure if I keep pushing, I'll make it".
_COMPLEMENT_LEAD = re.compile(
    r"^(?:I'm|I am|I was)\s+(?:so\s+|really\s+|pretty\s+)?(?:sure|certain|confident|positive|"
    r"convinced)\b.*\b(?:if|when|once|with|as long as|because)\b|"
    r"^I\s+(?:just\s+|really\s+)?(?:think|know|bet|guess|hope|believe|feel|knew|thought|figured)"
    r"\s+(?:that\s+)?(?:if|when|once|as long as)\b",
    re.I,
)


def _verbless_subject(left: str) -> bool:
    """ "My teammates believing in me": a noun phrase with no finite verb ("Sarah left" has one)."""
    words = left.split()
    return (
        len(words) > 1
        and bool(re.match(r"(?:[Mm]y|[Oo]ur|[Tt]he)\b", left.strip()))
        and not _FINITE.search(left)
        and not any(w.lower().strip(",.") in PAST_IRREGULAR for w in words)
    )


def _clause_parts(sentence: str) -> list[str]:
    """The clauses of one sentence: split before a new first-person subject, except
    after a subject that has no verb yet ("My sister and my mom live here") or where the
    left part ends in a phrase leading into the next clause."""
    parts: list[str] = []
    last = 0
    for m in _CLAUSE_SPLIT.finditer(sentence):
        left = sentence[last : m.start()]
        if not left.strip():
            continue
        joiner = m.group(0).strip(" ,").lower()
        if (joiner in {"and", "or"} and _verbless_subject(left)) or (
            re.search(r"\b(?:and|,)\s+me$", left)  # ", and me and my team had a blast"
        ):
            continue  # a coordinated subject: "my teammates … and my love for … keep me"
        if not joiner and _COMPLEMENT_LEAD.match(left.strip()):
            continue  # "I'm sure if I keep pushing, I'll get there": one statement
        sub = _SUBORDINATE_TAIL.search(left) if not joiner else None
        lead = sub.group(0)[: sub.start("tail") - sub.start()] if sub else ""
        if sub and sub.group("tail").startswith(("because", "since")) and lead.strip() == ",":
            sub = None  # "I quit sugar, since I want to …": the reason of the clause before
        if sub:  # "I love it, but when I get home, I'm tired": split as a leading "when" is
            parts += [left[: sub.start()], sub.group("tail")]
            last = m.end()
            continue
        tail = _PREP_TAIL.search(left) if not joiner else None
        if tail and not _FINITE.search(tail.group("tail")) and not _particle(left, tail):
            parts.append(left[: tail.start()])
            last += tail.start("tail")  # the phrase opens the next clause
            continue
        parts.append(re.sub(r"(?:\s*[-—–,]\s*|\s+)even$", "", left))  # "… again - even though"
        last = m.end()
    parts.append(sentence[last:])
    return [p for p in parts if p.strip()]


def _particle(left: str, tail: re.Match[str]) -> bool:
    """The preposition belongs to the verb before it ("when I look after myself, I'm …",
    "she takes after her dad, I think"): the phrase is that verb's object, not a lead-in
    of the next clause."""
    before = left[: tail.start("tail")].split()
    word = before[-1].lower() if before else ""
    if word in PAST_IRREGULAR or is_base_verb(word):
        return True
    stems = (word[:-1], word[:-2], word[:-3], word[:-3] + "e", word[:-2] + "e")
    return word.endswith(("s", "ed", "ing")) and any(is_base_verb(x) for x in stems)


_LEAD_IN = re.compile(
    r"^(?:(?:oh|and|but|so|well|also)\s+)?(?:yesterday|today|tonight|tomorrow|recently|lately|earlier|later|"
    r"now|then|finally|anyway|honestly|actually|meanwhile|afterwards|(?:this|last|next|past) \w+|"
    r"(?:this|last) \w+ \w+|on \w+(?: \d+)?|in \w+(?: \d{4})?|the other day|over the weekend|"
    r"(?:a|one|two|three|four|five|a few|a couple of|several|\d+) \w+ ago|\w+ly)$",
    re.I,
)


def _lead_ins_joined(parts: list[str]) -> list[str]:
    """Keep a short lead-in ("Yesterday, I went …") with the clause it introduces."""
    out: list[str] = []
    carry = ""
    for part in parts:
        if len(part.split()) <= 4 and _LEAD_IN.match(part.strip()):
            carry = f"{carry} {part},".strip()
            continue
        out.append(f"{carry} {part}".strip() if carry else part)
        carry = ""
    if carry:
        out.append(carry.rstrip(","))
    return out


def _strip_lead(clause: str) -> tuple[str, bool]:
    """Drop greetings, vocatives and fillers; note a leading correction marker."""
    correction = False
    for _ in range(4):
        before = clause
        clause = _LEADING_FILLER.sub("", clause).strip()
        m = _CORRECTION_LEAD.match(clause)
        # "no"/"wait"/"sorry" only count as corrections when punctuated ("No, I moved …").
        if m and (
            not m.group(0).lower().startswith(("no", "wait", "sorry"))
            or any(p in m.group(0) for p in ",.!")
        ):
            correction = True
            clause = clause[m.end() :].strip()
        elif not _LEAD_IN.match(clause.split(",")[0]):
            clause = _VOCATIVE.sub("", clause).strip()
        if clause == before:
            break
    clause = re.sub(r"^(?:i\s+)?(?:actually|honestly)\s+", _keep_i, clause, flags=re.I)
    return clause, correction


def _keep_i(match: re.Match[str]) -> str:
    return "I " if match.group(0).lower().startswith("i") else ""


def _restore_subject(clause: str) -> str:
    """Chat drops the subject ("Been reading a lot", "Started a new job"): put "I" back."""
    if _NOT_FEELING.match(clause):
        return "I'm " + clause[0].lower() + clause[1:]  # "Not surprised at all that …"
    m = _SUBJECTLESS.match(clause)
    if not m:
        return clause
    word = m.group(1).lower()
    if word in {"just", "finally", "recently", "still", "even"}:
        nxt = clause.split()[1].lower() if len(clause.split()) > 1 else ""
        if nxt == "been" or nxt.endswith("ing"):
            # "Still working on it", "Just been helping friends"
            return ("I've " if nxt == "been" else "I'm ") + clause[0].lower() + clause[1:]
        if not (nxt.endswith("ed") or nxt in PAST_IRREGULAR):
            return clause  # "Just the act of serving meals …" has no dropped subject
    if word.endswith("ing") and (
        _GERUND_SUBJECT.match(clause) or re.search(r"\b[a-z]+s\s+(?:me|us|my|our)\b", clause)
    ):
        return clause  # "Spending time with family is so important": not about the speaker
    clause = clause[0].lower() + clause[1:]
    if re.search(r"\btogether\b", clause) and not word.endswith("ing") and word != "been":
        return "We " + clause  # "Made some dinner together"
    if word == "been":
        # "Been ages since we talked" is about the time, not the speaker.
        time = re.match(
            # "Been hectic for me lately": the time was hectic, "for me" names the speaker
            r"been (?:(?:so |really |pretty |super |quite |a bit |kinda )?[a-z]+ for (?:me|us)\b|"
            r"ages|forever|a while|so long|too long|a long time|"
            r"(?:a|quite a|such a) (?:\w+ )?(?:week|day|month|year|ride|road|journey|trip|time|"
            r"process|struggle|battle|climb|rollercoaster|roller coaster|adventure|season))\b",
            clause,
        )
        return ("It's " if time else "I've ") + clause
    if word in {"gonna", "going"}:
        # "Gonna be a great night" is about the night.
        it = re.match(
            r"(?:gonna|going to) be (?:a|an|the|so|such|really|super|fun|great|epic)\b", clause
        )
        return ("It's " if it else "I'm ") + clause
    if word.endswith("ing"):
        return "I'm " + clause
    return "I " + clause
