"""English for the rule extractor: verb agreement, first to third person, phrase trimming.

:func:`third_person` rewrites a first-person clause so it stands alone ("I love my dog" →
"User loves their dog"); :func:`agree` and :func:`finish` tidy the result;
:func:`object_phrase` trims a captured object at the first clause boundary.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.rules.tense import SAME_PAST, told_in_past
from langmem_extract.extractors.rules.verbs import is_base_verb
from langmem_extract.schema import normalize_text

_MODALS = frozenset(
    [
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "was",
        "were",
        "did",
        "had",
        "didn't",
        "wasn't",
        "weren't",
        "couldn't",
        "wouldn't",
        "shouldn't",
        "won't",
        "can't",
        "cannot",
        "gotta",
        "gonna",
        "wanna",
        "hafta",
    ]
)
PAST_IRREGULAR = frozenset(
    [
        "went",
        "got",
        "made",
        "took",
        "saw",
        "met",
        "bought",
        "brought",
        "thought",
        "felt",
        "found",
        "gave",
        "told",
        "said",
        "came",
        "ran",
        "began",
        "wrote",
        "left",
        "lost",
        "won",
        "kept",
        "spent",
        "sent",
        "built",
        "taught",
        "caught",
        "heard",
        "held",
        "knew",
        "became",
        "drove",
        "ate",
        "drank",
        "flew",
        "sang",
        "swam",
        "sat",
        "stood",
        "understood",
        "paid",
        "did",
        "had",
        "was",
        "were",
        "tried",
        "fell",
        "broke",
        "chose",
        "grew",
        "drew",
        "rode",
        "woke",
        "wore",
        "threw",
        "forgot",
        "led",
        "slept",
        "sold",
        "spoke",
        "stole",
        "struck",
        "swore",
        "tore",
        "froze",
        "adopted",
        "joined",
    ]
)
_PRESENT_ED = frozenset(
    [
        "need",
        "feed",
        "seed",
        "speed",
        "bleed",
        "breed",
        "proceed",
        "succeed",
        "exceed",
        "shed",
        "embed",
    ]
)
ADVERBS = (
    r"(?:really|also|just|usually|always|never|often|sometimes|actually|still|totally|"
    r"absolutely|definitely|generally|mostly|kinda|honestly|truly|only|even|currently|now|"
    r"recently|finally|normally|typically|tend to|do|genuinely|no longer|not|also|"
    r"still|even|sometimes|barely|hardly|almost|particularly|especially|"
    r"seriously|certainly|mainly|rarely|occasionally|already|personally|sort of|kind of|"
    # time adverbs that also look like verbs or nouns: "I first met", not "firsts met"
    r"first|last(?!\s+(?:a|an|the|for|long|longer|forever|until|through)\b)|once|later|then|soon|"
    r"ever|at first|"
    r"(?!(?:apply|reply|supply|rely|imply|comply|multiply|ally)\b)[a-z]{3,}ly)"
)


def clean_text(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').strip()
    # "Tomorrow's gonna be a blast": the day is the subject, "'s" its verb
    return _DAY_IS.sub(
        lambda m: f"{m.group(1)} {'was' if m.group(1).lower() == 'yesterday' else 'is'}", text
    )


_DAY_IS = re.compile(
    r"\b([Tt]omorrow|[Tt]oday|[Tt]onight|[Yy]esterday)'s(?=\s+(?:gonna|going|a|an|the|so|such|my|"
    r"our|really|just|been|be|gonna|definitely|totally|all|about)\b)"
)


def conjugate(verb: str) -> str:
    """Third-person singular of a present-tense verb; past tenses and modals pass through."""
    low = verb.lower()
    special = {"have": "has", "do": "does", "go": "goes", "am": "is", "'m": "is", "be": "is",
               "don't": "doesn't", "haven't": "hasn't", "do not": "does not"}  # fmt: skip
    if low in special:
        return special[low]
    if low in {"learnt", "dreamt", "burnt", "spelt", "leapt", "knelt", "dealt", "meant", "spent"}:
        return verb
    prefix = re.match(r"(?:re|over|under|mis|out|with|fore|up)(?=[a-z]{3,})", low)
    if prefix and low[prefix.end() :] in PAST_IRREGULAR:
        return verb  # "retook", "overslept", "mistook"
    if (
        low in _MODALS
        or low in PAST_IRREGULAR
        or "'" in low
        or (low.endswith("ed") and low not in _PRESENT_ED)
    ):
        return verb
    if low.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if len(low) > 2 and low.endswith("y") and low[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


_I_CONTRACTION_FORMS = (
    (r"I'm\b|I am\b|Im(?=\s)", "is", "are"),
    (r"I've\b", "has", "have"),
    (r"I'd(?=\s+(?:been|had|gone|done|seen|never|already|just|\w+ed)\b)", "had", "had"),
    (r"I'd\b", "would", "would"),
    (r"I'll\b", "will", "will"),
)
#: Every first-person subject, in text order: a contraction, "I <adverbs> <verb>", or "I".
_I_SUBJECT = re.compile(
    "|".join(f"(?P<c{i}>\\b(?i:{pat}))" for i, (pat, _, _) in enumerate(_I_CONTRACTION_FORMS))
    + rf"|\bI\s+(?P<adv>(?:(?i:{ADVERBS})\s+)*)(?P<verb>do not|don't|[A-Za-z']+)\b|\bI\b"
)
_WE_CONTRACTIONS = [
    (re.compile(r"\bwe're\b", re.I), "{s} and others are"),
    (re.compile(r"\bwe've\b", re.I), "{s} and others have"),
    (re.compile(r"\bwe'll\b", re.I), "{s} and others will"),
    (re.compile(r"\bwe'd\b", re.I), "{s} and others would"),
]
_WE_VERB = re.compile(r"\b[Ww]e\b")
_WE_BOTH = re.compile(
    r"\b[Ww]e('re|'ve|'ll|'d|)(\s+(?:(?:are|can|could|will|would|have|had|were|should|must|"
    r"do|did|really|also|just|still)\s+)?both)\b(?!\s+\w+\s+and\b)"
)
_WE_SHORT = {"'re": " are", "'ve": " have", "'ll": " will", "'d": " would", "": ""}
_YOU_VERB = re.compile(
    rf"\b(?P<you>[Yy]ou)\s+(?P<adv>(?:(?i:{ADVERBS})\s+)*)(?P<verb>do not|don't|[a-z']+)\b"
)
_YOU_BE = {"are": "is", "were": "was", "have": "has", "do": "does", "don't": "doesn't",
           "aren't": "isn't", "haven't": "hasn't", "do not": "does not"}  # fmt: skip
_COORD_VERB = re.compile(
    r"\b(and(?: (?:also|strongly|really|usually|always|often|generally|only|still|strictly|rarely|never))?|but|or)\s+"
    r"(prefer|avoid|dislike|like|love|enjoy|hate|find|want|need|use|refuse|try|tend|feel|get|go|"
    r"make|take|watch|play|eat|drink|read|listen|spend|work|live|plan|hope|wish|struggle|"
    r"appreciate|value|look|care|believe|think|know|own|have|do)\b"
)
# "… and write mostly Rust": any lexicon verb followed by more words, not the clause end.
_COORD_ANY = re.compile(r"\b(and|but|or)\s+([a-z]+)(?=\s+[\w'])")


_PREPOSITIONS = frozenset(["before", "after", "around", "about", "during", "since", "until"])


_BARE_AUX = frozenset(
    [
        "can",
        "could",
        "will",
        "would",
        "do",
        "did",
        "am",
        "was",
        "have",
        "had",
        "should",
        "must",
        "might",
        "may",
    ]
)


def _bare_aux(match: re.Match[str]) -> bool:
    """ "I" with nothing after it but an auxiliary: "… however I can." """
    verb = match.groupdict().get("verb")
    return (
        bool(verb) and verb.lower() in _BARE_AUX and not match.string[match.end() :].strip(" .!?")
    )


# "our" before what everyone around shares is "the" ("stick up for the community"); before
# a household's own, the speaker's ("cherish Melanie's family").
_SHARED = (
    r"community|neighbou?rhood|area|city|town|country|nation|state|society|world|planet|"
    r"future|environment|military|government|infrastructure|education|schools?|streets|"
    r"neighbou?rs|communities|generation|culture|democracy|economy|region"
)
_HOUSEHOLD = (
    r"family|fam|kids|children|son|daughter|home|house|apartment|parents|dog|cat|pets?|"
    r"wedding|marriage|relationship|anniversary|baby|garden|car|trip|vacation|honeymoon"
)
# Others a later "they"/"their" could name as well as the subject: a plural noun phrase,
# another person's name, people in general.
_OTHER_PEOPLE = re.compile(
    r"\b(?:others|people|everyone|everybody|folks|kids|family|team|friends|"
    r"(?:'s|the|my|your|our|these|those|some|other|all|many)\s+(?:[a-z]+\s+)?[a-z]+[^s'\W]s)\b"
)


def third_person(text: str, subject: str, addressee: str | None = None) -> str:
    """Rewrite a first-person clause so it stands alone: "I love my dog" → "User loves their dog".

    ``addressee`` replaces "you"/"your" (the other speaker, or "the assistant"). Once the
    subject is named, a later "I"/"me" becomes "they"/"them" ("User thinks they might
    prefer tea", "… when they can"), unless the addressee was named since.
    """
    out = text
    if addressee and addressee != "the assistant":  # "we're both": the two who talk
        both = lambda m: f"{subject} and {addressee}{_WE_SHORT[m.group(1)]}{m.group(2)}"  # noqa: E731
        out = _WE_BOTH.sub(both, out)
    if addressee:
        out = _you_rewritten(out, addressee)
    for pattern, repl in _WE_CONTRACTIONS:
        out = pattern.sub(repl.format(s=subject), out)

    # "they" would be ambiguous beside another "they" ("glad they could help their kids").
    plural = bool(re.search(r"\b(?:they|them|their|theirs|they're|they've)\b", text, re.I))

    def _named(pos: int, current: str) -> bool:
        before = current[:pos]
        if plural or subject not in before or f"{subject} and others" in before:
            return False
        since = before[before.index(subject) + len(subject) :]
        if _OTHER_PEOPLE.search(since):
            return False  # "John's teammates believing in John and their love": whose?
        return not addressee or addressee not in since

    def _subject(match: re.Match[str], done: str) -> str:
        # "they" right after the subject ("User thinks they might"); further on, the name
        # again ("… proud of how far Caroline has come"), which no other "they" can take.
        later = _named(len(done), done) and (
            len(done[done.index(subject) :].split()) <= 4 or _bare_aux(match)  # "… when they can."
        )
        for i, (_, third, plural) in enumerate(_I_CONTRACTION_FORMS):
            if match.group(f"c{i}"):
                return f"they {plural}" if later else f"{subject} {third}"
        verb = match.group("verb")
        if verb is None:
            return "they" if later else subject
        adverbs = match.group("adv")
        if verb.lower() in {"gotta", "wanna"}:  # "I gotta go" → "User has to go"
            base = {"gotta": "have", "wanna": "want"}[verb.lower()]
            return (
                f"they {adverbs}{base} to" if later else f"{subject} {adverbs}{conjugate(base)} to"
            )
        if later:
            plural = {"am": "are", "was": "were", "wasn't": "weren't"}.get(verb.lower(), verb)
            return f"they {adverbs}{plural}"
        tend = re.search(r"(?i)\btend to\s+", adverbs)
        if tend:  # "I tend to just stick" → "tends to just stick"
            return f"{subject} {adverbs[: tend.start()]}tends to {adverbs[tend.end() :]}{verb}"
        if adverbs.strip().lower().endswith("do") and verb.lower() not in _MODALS:
            # "I do like" → "User does like"
            lead = adverbs[:-3].strip()
            return f"{subject} {lead + ' ' if lead else ''}does {verb}"
        low = verb.lower()
        if low in _PREPOSITIONS or (
            low in SAME_PAST and told_in_past(match.string, PAST_IRREGULAR)
        ):
            return f"{subject} {adverbs}{verb}"  # "I read it a while back", "I shortly before went"
        return f"{subject} {adverbs}{conjugate(verb)}"

    parts, last = [], 0
    for match in _I_SUBJECT.finditer(out):  # in order: "named yet?" reads the output so far
        parts.append(out[last : match.start()])
        parts.append(_subject(match, "".join(parts)))
        last = match.end()
    out = "".join(parts) + out[last:]

    def _owner(match: re.Match[str]) -> str:
        if match.start() == 0 or match.string[: match.start()].strip() == "":
            return f"{subject}'s"
        # "their" reads well once the subject has been named; otherwise name the owner.
        return "their" if _named(match.start(), match.string) else f"{subject}'s"

    out = re.sub(r"\b[Mm]y\b", _owner, out)
    # "let them know" would name nobody; "me-time" is a word of its own
    out = re.sub(r"(?<!-)\b(?:me|Me)\b(?!-)", subject, out)
    out = re.sub(
        r"\bmyself\b",
        lambda m: "themselves" if subject in m.string[: m.start()] else subject,
        out,
        flags=re.I,
    )  # "There's nothing like seeing John get better"
    # "ourselves" with no group named is anyone: "so freeing to express oneself"
    out = re.sub(
        r"\b[Oo]urselves\b",
        lambda m: "themselves" if _group_before(m, subject) else "oneself",
        out,
    )
    out = re.sub(
        r"\bmine\b", lambda m: "theirs" if _named(m.start(), m.string) else f"{subject}'s", out
    )
    out = re.sub(r"^\s*Our\b", f"{subject}'s", out)  # "Our team won" → "Tim's team won"
    # "their" names a group only after "User and others"; else "our" says who it includes
    # ("Maria's kids are Maria and others' future").
    out = re.sub(r"\b[Oo]ur(?=\s+(?:\w+\s+)?(?:" + _SHARED + r")\b)", "the", out)
    out = re.sub(
        r"\b[Oo]ur(?=\s+(?:\w+\s+)?(?:" + _HOUSEHOLD + r")\b)",
        lambda m: "their" if _group_before(m, subject) else f"{subject}'s",
        out,
    )
    out = re.sub(
        r"\b[Oo]ur\b",
        lambda m: "their" if _group_before(m, subject) else f"{subject} and others'",
        out,
    )
    both = f"both {subject} and {addressee}" if addressee else f"{subject} and others"
    out = re.sub(r"\bboth of us\b", both, out)  # "… to both of us"
    out = re.sub(r"\bus (?:all|both)\b", f"{subject} and others", out)  # "push us all"
    out = re.sub(r"\b(?:all|each|some|many|most|none) of us\b", f"{subject} and others", out)
    out = re.sub(r"\bours\b", "theirs", out)
    out = re.sub(
        r"\b[Uu]s\b",
        # "them" only after "User and others" ("… with User and others' kids and them");
        # "User believes in us" keeps saying who.
        lambda m: "them" if _group_before(m, subject) else f"{subject} and others",
        out,
    )
    out = _WE_VERB.sub(f"{subject} and others", out)
    return finish(out)


def _group_before(match: re.Match[str], subject: str) -> bool:
    """A group ("we", "User and others") is named before ``match``: "our" is "their"."""
    before = match.string[: match.start()]
    return bool(re.search(rf"\b{re.escape(subject)} and (?:others|[A-Z])|\b[Ww]e\b", before))


# "having faith in yourself is key": a gerund subject's "yourself" is anyone's, not the
# listener's ("faith in Bo is key" says something else).
_ANYONES_SELF = re.compile(
    r"\b([A-Za-z]+ing (?:[\w']+ ){0,3}?)yourself(?= (?:is|was|can|helps|makes|matters|means|takes)\b)"
)


def _you_rewritten(text: str, addressee: str) -> str:
    """ "you"/"your" name the addressee, with the verb agreeing ("you get" → "Bo gets")."""
    # "keep ya posted" (not "here ya go", "see ya": set phrases)
    text = re.sub(
        r"(?<!\bhere )(?<!\bthere )(?<!\bsee )\b(?:ya|yah)\b(?!')", "you", text, flags=re.I
    )
    out = re.sub(r"\byou (?:two|guys|all|both)\b", f"{addressee} and others", text, flags=re.I)
    for short, verb in (("re", "is"), ("ve", "has"), ("ll", "will"), ("d", "would")):
        out = re.sub(rf"\byou'{short}\b", f"{addressee} {verb}", out, flags=re.I)

    def _verb(m: re.Match[str]) -> str:
        verb, adverbs = m.group("verb"), m.group("adv")
        low = verb.lower()
        if low in _YOU_BE:
            return f"{addressee} {adverbs}{_YOU_BE[low]}"
        bare = re.search(
            r"\b(?:let|lets|letting|make|makes|made|making|help|helps|helped|helping|see|saw|"
            r"seeing|watch|watching|hear|hearing|heard|have|had|bid)\s+$",
            m.string[: m.start()],
            re.I,
        )
        if is_base_verb(low) and not bare and not adverbs.strip().lower().endswith("to"):
            return f"{addressee} {adverbs}{conjugate(verb)}"
        if bare and is_base_verb(low):  # "helping you grow": named now, "yourself" after it
            return f"{addressee} {adverbs}{verb}"
        return m.group(0)

    out = re.sub(r"\b[Yy]ou (do|don't)\b(?! \w+ly\b)",
                 lambda m: f"{addressee} {_YOU_BE[m.group(1)]}", out)  # fmt: skip
    out = _YOU_VERB.sub(_verb, out)
    out = re.sub(r"\byours\b", f"{addressee}'s", out, flags=re.I)
    out = re.sub(r"\byour\b", f"{addressee}'s", out, flags=re.I)
    first = out.find(addressee)
    out = _ANYONES_SELF.sub(r"\1oneself", out)
    out = re.sub(
        r"\byourself\b",
        lambda m: "themselves" if 0 <= first < m.start() else addressee,
        out,
        flags=re.I,
    )
    return re.sub(r"\byou\b", addressee, out, flags=re.I)


_INFINITIVE_LEAD = re.compile(
    r"\b(?:decide[ds]?|want(?:s|ed)?|going|plan(?:s|ned)?|tr(?:y|ies|ied)|need(?:s|ed)?|"
    r"hope[ds]?|like[ds]?|love[ds]?|able|trying|wanting|planning|hoping|used|wish(?:es)?|"
    r"the assistant)\s+to\b",
    re.I,
)


# "… is gonna give it a shot and see": the verbs after a modal stay bare.
_MODAL_LEAD = re.compile(
    r"\b(?:gonna|wanna|gotta|will|would|can|could|should|might|must|may|shall|won't|can't|"
    r"cannot|couldn't|wouldn't|shouldn't|let|help|make|does|doesn't|did|didn't)\s+(?:\w+ly\s+)?\w+\b"
)


# A subject of another clause between the head verb and "and …": the verb after "and"
# is that clause's ("…, they're a great escape and get …", "there's so much to see and try").
_OTHER_CLAUSE = re.compile(
    r"\b(?:they|we|it|he|she|you|that|which|who|there|they're|there's|it's|that's)\b"
)
# "like" before a clause or a comparison is a preposition ("… and like they got a new life").
_LIKE_AS = re.compile(
    r"\s+(?:I|you|he|she|we|they|it|it's|they're|"
    r"[A-Z][a-z]+\s+(?:\w+ed|got|was|is|had|has|did|can|could|would|will|made|went|felt|knew))\b"
)


def agree(text: str, subject: str) -> str:
    """Coordinated verbs share the subject: "User has X and prefer Y" → "… and prefers Y"."""
    if not text.startswith(subject) or text.startswith(f"{subject} and others"):
        return text  # "User and others get creative and have a blast": plural

    def _fix(m: re.Match[str]) -> str:
        lead = text[: m.start()]
        if (
            _INFINITIVE_LEAD.search(lead)
            or _MODAL_LEAD.search(lead)
            or re.search(r"\bto\s+(?:[\w']+\s+){0,6}$", lead)  # "so much to explore and try"
            or _OTHER_CLAUSE.search(lead[len(subject) :])  # "… heard there's … and try"
        ):  # "decided to go and make": infinitive
            return m.group(0)
        if m.group(2) == "like" and _LIKE_AS.match(text[m.end() :]):
            return m.group(0)  # "felt inspired and like they got …": no verb
        ends = re.match(r"[\s.!?…]*(?:\[|$)", text[m.end() :])
        if ends and not _is_present_third((lead.split() or [""])[-1]):
            return m.group(0)  # "… bring so much joy and love": a noun ends it, no verb
        return f"{m.group(1)} {conjugate(m.group(2))}"

    text = _COORD_VERB.sub(_fix, text)
    text = re.sub(r"\b(and|but) (gonna|going to)\b", r"\1 is \2", text)  # "has been … and gonna"
    head = re.match(rf"{re.escape(subject)}\s+(?:(?i:{ADVERBS})\s+)*([a-z]+)", text)
    if not head or not _is_present_third(head.group(1)):
        return text  # only a present-tense head verb makes "and write" agree

    def _fix_any(m: re.Match[str]) -> str:
        lead = text[: m.start()]
        if re.search(r"[,;:-]", lead[head.end() :]) or _OTHER_CLAUSE.search(lead[head.end() :]):
            return m.group(0)  # "…, they're a great escape and get …": another subject
        if (
            not is_base_verb(m.group(2))
            or _INFINITIVE_LEAD.search(lead)
            or _MODAL_LEAD.search(lead)
            or re.search(r"\bto\s+(?:[\w']+\s+){0,6}$", lead)  # "to guide and mentor"
            or (m.group(2) == "like" and _LIKE_AS.match(text[m.end() :]))
        ):
            return m.group(0)
        return f"{m.group(1)} {conjugate(m.group(2))}"

    return _COORD_ANY.sub(_fix_any, text)


def _is_present_third(word: str) -> bool:
    """ "uses", "flies", "has": a third-person present verb whose base is in the lexicon."""
    low = word.lower()
    if low in {"has", "does", "is", "goes"}:
        return True
    for base in (low[:-3] + "y" if low.endswith("ies") else None, low[:-2], low[:-1]):
        if base and low.endswith("s") and is_base_verb(base) and conjugate(base) == low:
            return True
    return False


def mid_sentence(phrase: str) -> str:
    """A time phrase said first ("Last week, …") moved to the end: "… last week"."""
    return (
        phrase[:1].lower() + phrase[1:]
        if re.match(r"(?:Last|Next|This|In|On)\b", phrase)
        else phrase
    )


def finish(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:-")
    text = re.sub(r"[.!?…]+$", "", text).strip()
    text = re.sub(r"\b(and|but|so|or) It(?='s\b|\b)", r"\1 it", text)  # "… and It's made"
    if not text:
        return ""
    return text[0].upper() + text[1:] + "."


def norm_key(text: str) -> str:
    words = [w for w in normalize_text(text).split() if w not in _KEY_STOP]
    return " ".join(words)[:60]


_KEY_STOP = frozenset(
    ["a", "an", "the", "my", "your", "our", "their", "some", "any", "to", "of", "for", "and"]
)


def object_phrase(text: str) -> str:
    """Trim a captured object phrase at the first clause boundary."""
    text = re.split(
        r"[,.!?;]|\s+[-—–]+\s+|\s+(?:because|since|but|so that|which|when|as it|as I)\s+", text
    )[0]
    text = _OBJECT_TAIL.sub("", text)
    return text.strip(" \"'")


_OBJECT_TAIL = re.compile(
    r"(?:\s+(?:now|anymore|any more|these days|nowadays|though|too|as well|instead|either|"
    r"at the moment|for now|lol|haha))+\s*$",
    re.I,
)


def with_article(noun: str) -> str:
    if re.match(r"^(?:a|an|the|my)\b", noun, re.I) or noun[:1].isupper():
        return noun
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def you_to_assistant(text: str) -> str:
    text = re.sub(r"\byour\b", "its", text, flags=re.I)
    text = re.sub(r"\byou\b", "it", text, flags=re.I)
    return text
