"""English for the rule extractor: verb agreement, first to third person, phrase trimming.

:func:`third_person` rewrites a first-person clause so it stands alone ("I love my dog" →
"User loves their dog"); :func:`agree` and :func:`finish` tidy the result;
:func:`object_phrase` trims a captured object at the first clause boundary.
"""

from __future__ import annotations

import re

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
    r"seriously|certainly|mainly|rarely|occasionally|already|personally|"
    r"(?!(?:apply|reply|supply|rely|imply|comply|multiply|ally)\b)[a-z]{3,}ly)"
)


def clean_text(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return text.replace("\u201d", '"').strip()


def _conjugate(verb: str) -> str:
    """Third-person singular of a present-tense verb; past tenses and modals pass through."""
    low = verb.lower()
    special = {"have": "has", "do": "does", "go": "goes", "am": "is", "'m": "is", "be": "is",
               "don't": "doesn't", "haven't": "hasn't", "do not": "does not"}  # fmt: skip
    if low in special:
        return special[low]
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


_I_CONTRACTIONS = [
    (re.compile(r"\bI'm\b|\bI am\b|\bIm\b(?=\s)", re.I), "{s} is"),
    (re.compile(r"\bI've\b", re.I), "{s} has"),
    (
        re.compile(r"\bI'd(?=\s+(?:been|had|gone|done|seen|never|already|just|\w+ed)\b)", re.I),
        "{s} had",
    ),
    (re.compile(r"\bI'd\b", re.I), "{s} would"),
    (re.compile(r"\bI'll\b", re.I), "{s} will"),
    (re.compile(r"\bwe're\b", re.I), "{s} and others are"),
    (re.compile(r"\bwe've\b", re.I), "{s} and others have"),
    (re.compile(r"\bwe'll\b", re.I), "{s} and others will"),
    (re.compile(r"\bwe'd\b", re.I), "{s} and others would"),
]
_I_VERB = re.compile(rf"\bI\s+((?:(?i:{ADVERBS})\s+)*)(do not|don't|[A-Za-z']+)\b")
_WE_VERB = re.compile(r"\b[Ww]e\b")
_COORD_VERB = re.compile(
    r"\b(and(?: (?:also|strongly|really|usually|always|often|generally|only|still|strictly|rarely|never))?|but|or)\s+"
    r"(prefer|avoid|dislike|like|love|enjoy|hate|find|want|need|use|refuse|try|tend|feel|get|go|"
    r"make|take|watch|play|eat|drink|read|listen|spend|work|live|plan|hope|wish|struggle|"
    r"appreciate|value|look|care|believe|think|know|own|have|do)\b"
)


def third_person(text: str, subject: str, addressee: str | None = None) -> str:
    """Rewrite a first-person clause so it stands alone: "I love my dog" → "User loves their dog".

    ``addressee`` replaces "you"/"your" (the other speaker, or "the assistant").
    """
    out = text
    starts_with_self = bool(re.match(r"^\s*(?:I\b|I'|[Mm]y\b|[Ww]e\b|[Ww]e')|\{s\}", text))
    if addressee:
        for short, verb in (("re", "is"), ("ve", "has"), ("ll", "will"), ("d", "would")):
            out = re.sub(rf"\byou'{short}\b", f"{addressee} {verb}", out, flags=re.I)
        out = re.sub(r"\byours\b", f"{addressee}'s", out, flags=re.I)
        out = re.sub(r"\byour\b", f"{addressee}'s", out, flags=re.I)
        out = re.sub(r"\byourself\b", addressee, out, flags=re.I)
        out = re.sub(r"\byou\b", addressee, out, flags=re.I)
    for pattern, repl in _I_CONTRACTIONS:
        out = pattern.sub(repl.format(s=subject), out)

    def _verb(match: re.Match[str]) -> str:
        adverbs, verb = match.group(1), match.group(2)
        if adverbs.strip().lower().endswith("do") and verb.lower() not in _MODALS:
            # "I do like" → "User does like"
            return (
                f"{subject} {adverbs[:-3].strip() + ' ' if adverbs[:-3].strip() else ''}does {verb}"
            )
        if re.search(r"\btend to\b", adverbs, re.I):  # "I tend to avoid" → "tends to avoid"
            return f"{subject} {re.sub(r'(?i)tend to', 'tends to', adverbs)}{verb}"
        if adverbs:
            return f"{subject} {adverbs}{_conjugate(verb)}"
        return f"{subject} {_conjugate(verb)}"

    out = _I_VERB.sub(_verb, out)
    out = re.sub(r"\bI\b", subject, out)
    # "their" reads well once the subject has been named; otherwise name the owner.
    owner = "their" if starts_with_self else f"{subject}'s"
    out = re.sub(r"^\s*[Mm]y\b", f"{subject}'s", out)
    out = re.sub(r"\b[Mm]y\b", owner, out)
    out = re.sub(r"\b(?:me|Me)\b", subject, out)
    out = re.sub(r"\bmyself\b", "themselves", out, flags=re.I)
    out = re.sub(r"\bmine\b", "theirs", out, flags=re.I)
    out = re.sub(r"\b[Oo]ur\b", "their", out)
    out = re.sub(r"\bours\b", "theirs", out)
    out = re.sub(r"\b[Uu]s\b", "them", out)
    out = _WE_VERB.sub(f"{subject} and others", out)
    return finish(out)


_INFINITIVE_LEAD = re.compile(
    r"\b(?:decide[ds]?|want(?:s|ed)?|going|plan(?:s|ned)?|tr(?:y|ies|ied)|need(?:s|ed)?|"
    r"hope[ds]?|like[ds]?|love[ds]?|able|trying|wanting|planning|hoping|used|wish(?:es)?|"
    r"the assistant)\s+to\b",
    re.I,
)


def agree(text: str, subject: str) -> str:
    """Coordinated verbs share the subject: "User has X and prefer Y" → "… and prefers Y"."""
    if not text.startswith(subject):
        return text

    def _fix(m: re.Match[str]) -> str:
        if _INFINITIVE_LEAD.search(text[: m.start()]):  # "decided to go and make": infinitive
            return m.group(0)
        return f"{m.group(1)} {_conjugate(m.group(2))}"

    return _COORD_VERB.sub(_fix, text)


def finish(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:-")
    text = re.sub(r"[.!?…]+$", "", text).strip()
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
