"""Paraphrase merge: do two memories say the same thing in other words?

Embeddings alone cannot tell: as passages, multilingual-e5-small scores "prefers email
over phone calls" against "prefers phone calls over email" 0.999 and "lives in Berlin"
against "works in Berlin" 0.970, above most true paraphrases (0.94-0.99; measured in
docs/benchmarks/paraphrase.md). So a semantic merge needs three things to agree:

1. **Attribute keys.** Two memories with the same canonical attribute (spelling
   variants folded: ``favorite:colour`` is ``favorite:color``) are the same memory only
   with the same value; a different value is a conflict (supersede), never a merge.
   Keys known to mean the same (``diet=vegetarian`` and ``likes:meat=no``) merge.
2. **Words.** Both texts are reduced to canonical content words: British spellings
   folded to American, contractions expanded, known phrasings mapped to one form
   ("does not eat meat" → vegetarian, "can't stand" → hate), synonyms grouped (brief →
   short, replies → answer), light suffixes stemmed and filler words dropped. They must
   then agree in negation, numbers and dates, and have the same content words; in
   another order only where order carries no meaning ("timezone is PST" / "in the PST
   timezone" merge, "email over phone" / "phone over email" do not).
3. **Embeddings.** The passage-to-passage cosine must reach the graph's
   ``similarity_threshold`` (a floor that keeps a word-level accident from merging two
   unrelated memories; the words decide above it).

A merge reinforces the stored memory and keeps its content; the new wording is kept in
the memory's history entry (``graph/persist.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from langmem_extract.schema import normalize_text

# British → American spellings (whole words; plural and -ed/-ing forms follow by stemming).
_SPELLING = {
    "favourite": "favorite", "favourites": "favorites", "colour": "color", "colours": "colors",
    "flavour": "flavor", "flavours": "flavors", "humour": "humor", "honour": "honor",
    "neighbour": "neighbor", "neighbours": "neighbors", "behaviour": "behavior",
    "organise": "organize", "organised": "organized", "organising": "organizing",
    "realise": "realize", "realised": "realized", "apologise": "apologize",
    "recognise": "recognize", "prioritise": "prioritize", "summarise": "summarize",
    "summarised": "summarized", "personalise": "personalize", "customise": "customize",
    "theatre": "theater", "centre": "center", "metre": "meter", "metres": "meters",
    "kilometre": "kilometer", "kilometres": "kilometers", "litre": "liter",
    "travelling": "traveling", "travelled": "traveled", "traveller": "traveler",
    "cancelled": "canceled", "cancelling": "canceling", "grey": "gray",
    "programme": "program", "catalogue": "catalog", "dialogue": "dialog",
    "analyse": "analyze", "defence": "defense", "licence": "license",
    "practise": "practice", "practising": "practicing", "mum": "mom", "mummy": "mommy",
    "aeroplane": "airplane", "aeroplanes": "airplanes", "tyre": "tire", "tyres": "tires",
    "jewellery": "jewelry", "pyjamas": "pajamas", "yoghurt": "yogurt",
    "aluminium": "aluminum", "moustache": "mustache", "cheque": "check",
    "coeliac": "celiac", "paediatrician": "pediatrician", "oestrogen": "estrogen",
    "fibre": "fiber", "mould": "mold", "plough": "plow", "sceptical": "skeptical",
    "judgement": "judgment", "enrol": "enroll", "storey": "story", "draught": "draft",
    "e-mail": "email", "e-mails": "emails",
}  # fmt: skip

_CONTRACTIONS = (
    (re.compile(r"\bcan't\b|\bcannot\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(\w+)'re\b"), r"\1 are"),
    (re.compile(r"\b(\w+)'ve\b"), r"\1 have"),
    (re.compile(r"\b(\w+)'ll\b"), r"\1 will"),
    (re.compile(r"\b(\w+)'d\b"), r"\1 would"),
    (re.compile(r"\b(\w+)'s\b"), r"\1"),  # possessive (user's) or "is" (it's): both fillers
)

# Phrasings of one meaning, mapped to one word (after spelling and contractions). Each
# is a whole fixed phrase, so "does not eat meat" never swallows "does not eat fish".
_PHRASES = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), word)
    for pattern, word in (
        (r"(?:do|does|did) not eat (?:any )?meat|(?:eat|eats) no meat|never (?:eat|eats) meat"
         r"|(?:follow|follows|on) an? (?:vegetarian|meat free|meatless) diet|meat free", "vegetarian"),
        (r"(?:do|does) not eat (?:any )?animal products|(?:follow|follows|on) an? vegan diet"
         r"|plant based diet", "vegan"),
        (r"(?:do|does) not drink (?:any )?alcohol|never (?:drink|drinks) alcohol"
         r"|(?:is|am) teetotal|(?:is|am) a teetotaler", "nondrinker"),
        (r"(?:do|does) not eat (?:any )?gluten|(?:follow|follows|on) an? gluten free diet"
         r"|gluten free", "glutenfree"),
        (r"can not stand|can not bear|(?:do|does) not (?:like|enjoy) .{0,0}at all", "hate"),
        (r"(?:is|am) (?:really |very )?(?:fond|keen) of|(?:is|am) (?:a )?big fan of"
         r"|(?:is|am) (?:really )?into", "like"),
        (r"(?:is|am) (?:based|located) in|(?:make|makes) (?:his|her|their|my) home in", "live in"),
        (r"(?:work|works|worked) as an?|(?:is|am) employed as an?", "is a"),
        (r"(?:has|have) an? (\w+) allergy", r"allergic to \1"),
        (r"(?:is|am) (?:learning|studying)", "learn"),
        (r"(?:would rather|would prefer)", "prefer"),
        (r"(?:cell|mobile) phone", "cellphone"),
        (r"(?:e mail)", "email"),
    )
)  # fmt: skip

# Groups of synonyms, each mapped to its first word (keys are stemmed when loaded).
_SYNONYM_GROUPS = (
    ("short", "brief", "concise", "succinct", "terse"),
    ("answer", "reply", "replies", "response", "respond"),
    ("like", "enjoy", "love", "adore"),
    ("hate", "detest", "loathe", "despise", "dislike"),
    ("live", "reside"),
    ("learn", "study", "studying"),
    ("buy", "purchase"),
    ("movie", "film", "movies"),
    ("child", "kid", "children"),
    ("mother", "mom"),
    ("father", "dad"),
    ("car", "automobile"),
    ("tv", "television"),
    ("start", "begin", "began", "started"),
    ("big", "large", "huge"),
    ("fast", "quick"),
    ("phone", "telephone"),
    ("doctor", "physician"),
    ("vacation", "holiday"),
    ("apartment", "flat"),
    ("pants", "trousers"),
    ("trash", "rubbish", "garbage"),
    ("cookie", "biscuit", "cookies"),
    ("photo", "picture", "photograph"),
    ("happy", "glad"),
    ("use", "using", "utilize"),
    ("job", "occupation", "profession"),
    ("have", "has", "own"),
)


def _stem(word: str) -> str:
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


_SYNONYMS = {_stem(w): _stem(group[0]) for group in _SYNONYM_GROUPS for w in group}

# Words that carry no meaning of their own in a memory's text.
# fmt: off
_FILLERS = frozenset((
    "a", "an", "the", "to", "of", "for", "in", "on", "at", "with", "and", "user", "i",
    "me", "my", "mine", "myself", "you", "your", "yours", "its", "it", "his", "her",
    "their", "our", "is", "am", "are", "be", "been", "being", "please", "assistant",
    "kindly", "really", "very", "truly", "so", "just", "actually", "definitely",
    "absolutely", "quite", "also", "always", "all", "every", "everything", "whenever",
    "mostly", "generally", "usually", "genuinely", "totally", "super", "that", "this",
    "those", "these", "keep", "make", "sure", "when", "do", "doe", "named", "called",
))
# fmt: on

_NEGATION = re.compile(r"\b(?:not|no|never|without|nothing|nobody|neither|nor)\b")

_DETAIL = re.compile(
    r"\b(?:\d+(?:[.,:]\d+)?|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|"
    r"july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)

#: Attribute keys (canonical attribute, canonical value) that state the same thing.
_SAME_KEYS = {
    ("likes:meat", "no"): ("diet", "vegetarian"),
    ("likes:animal products", "no"): ("diet", "vegan"),
    ("likes:alcohol", "no"): ("diet", "nondrinker"),
}


def _spell(text: str) -> str:
    return " ".join(_SPELLING.get(w, w) for w in text.split())


def canonical_text(text: str) -> str:
    """Lower-cased, apostrophes unified, contractions expanded, spellings folded, known
    phrasings mapped to one word."""
    out = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    out = re.sub(r"[^\w\s'-]", " ", out)
    out = _spell(" ".join(out.split()))
    for pattern, repl in _CONTRACTIONS:
        out = pattern.sub(repl, out)
    out = out.replace("-", " ")
    out = " ".join(out.split())
    for pattern, repl in _PHRASES:
        out = pattern.sub(repl, out)
    return out


def content_words(text: str) -> list[str]:
    """The canonical content words of ``text``, in order (negations and fillers left out)."""
    words = []
    for word in canonical_text(text).split():
        word = word.strip("'")
        if not word or word in _FILLERS or _NEGATION.fullmatch(word):
            continue
        stem = _stem(word)
        if stem in _FILLERS:
            continue
        words.append(_SYNONYMS.get(stem, stem))
    return words


def canonical_attribute(attribute: str | None) -> str | None:
    """An attribute key with British spellings folded (``favorite:colour`` → ``favorite:color``)."""
    if not attribute:
        return None
    head, sep, rest = attribute.lower().partition(":")
    return _spell(head) + sep + _spell(rest) if sep else _spell(head)


def canonical_value(value: str | None) -> str:
    """An attribute value in canonical words ("a flat" and "an apartment" are one)."""
    text = normalize_text(value or "")
    return " ".join(content_words(text)) or text


# What may follow a value and leave it the same value: "Google's Zurich office", "Glasgow
# with my partner".
_PART_OF = re.compile(r"^ (?:s|with|near|for|since|in|at|on|and)\b")


def same_value(a: str | None, b: str | None) -> bool:
    """Two values of one attribute that say the same thing: equal in canonical words
    (spelling, synonyms, articles: "a flat" and "an apartment"), or one the other with a
    qualifier ("Google" and "Google's Zurich office")."""
    if canonical_value(a) == canonical_value(b):
        return True
    x, y = normalize_text(a or ""), normalize_text(b or "")
    short, long = sorted((x, y), key=len)
    return bool(short) and long.startswith(short) and bool(_PART_OF.match(long[len(short) :]))


def _negations(text: str) -> int:
    return len(_NEGATION.findall(canonical_text(text))) % 2


def details_differ(a: str, b: str) -> bool:
    """Different numbers or dates ("went hiking on 7 May" vs "on 2 June"): two memories."""
    da = {t.lower() for t in _DETAIL.findall(a)}
    db = {t.lower() for t in _DETAIL.findall(b)}
    return bool((da or db) and da != db)


@dataclass(frozen=True)
class Statement:
    """What paraphrase merging compares: a memory's text, subject and attribute key."""

    content: str
    subject: str = "User"
    attribute: str | None = None
    value: str | None = None

    @classmethod
    def of(cls, memory: Any) -> Statement:
        """From a ``Candidate`` or a stored value dict."""
        get = memory.get if isinstance(memory, dict) else (lambda k: getattr(memory, k, None))
        return cls(
            content=get("content") or "",
            subject=get("subject") or "User",
            attribute=get("attribute"),
            value=get("value"),
        )

    def key(self) -> tuple[str, str] | None:
        attribute = canonical_attribute(self.attribute)
        if attribute is None:
            return None
        key = (attribute, canonical_value(self.value))
        return _SAME_KEYS.get(key, key)


def is_paraphrase(a: Statement, b: Statement, cosine: float, threshold: float) -> bool:
    """``a`` and ``b`` say the same thing (see the module docstring); ``cosine`` is their
    passage-to-passage similarity, ``threshold`` the floor it must reach."""
    if normalize_text(a.subject) != normalize_text(b.subject):
        return False
    ka, kb = a.key(), b.key()
    if ka and kb and ka[0] == kb[0]:
        return ka[1] == kb[1]  # same attribute: same value merges, another conflicts
    if cosine < threshold:
        return False
    if ka and kb and ka == kb:
        return True
    if _negations(a.content) != _negations(b.content):
        return False
    if details_differ(a.content, b.content):
        return False
    if _relations_differ(a.content, b.content):
        return False
    wa, wb = content_words(a.content), content_words(b.content)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    # The same words in another order say the same ("timezone is PST" / "in the PST
    # timezone") unless the order carries meaning ("email over phone" / "phone over email").
    return Counter(wa) == Counter(wb) and not (_ordered(a.content) or _ordered(b.content))


# Prepositions say how a thing relates to the rest: "lives with her parents" is not
# "lives near her parents", "works for" not "works with". When both texts state a
# relation, the same ones must be stated; a text with none ("timezone is PST" against
# "in the PST timezone") leaves the words to decide.
_RELATION_WORDS = re.compile(
    r"\b(?:with|near|in|at|on|from|to|for|by|into|onto|under|over|above|below|behind|beside|"
    r"besides|next|around|about|against|between|across|toward|towards|off|out|up|down|"
    r"before|after|since|until|during|through|within|outside|inside|per|as|of)\b"
)


def _relations(text: str) -> Counter[str]:
    return Counter(_RELATION_WORDS.findall(canonical_text(text)))


def _relations_differ(a: str, b: str) -> bool:
    ra, rb = _relations(a), _relations(b)
    return bool(ra and rb and ra != rb)


_ORDER_WORDS = re.compile(
    r"\b(?:over|than|rather|instead|before|after|versus|vs|from|to|into|prefer\w*|"
    r"better|worse|more|less|not)\b"
)


def _ordered(text: str) -> bool:
    return bool(_ORDER_WORDS.search(canonical_text(text)))
