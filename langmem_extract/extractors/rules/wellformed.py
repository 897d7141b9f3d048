"""The last check on a memory's text: a clause with a subject and a verb, or nothing.

Chat is full of fragments ("Proud of you!", "Just part of the journey"), subjectless
remarks ("Reminds me how awesome life is") and vocatives ("… means a lot, Maria"). A
memory is read on its own, so :func:`well_formed` drops a trailing vocative and returns
None for text that is not a clause about someone: no finite verb, no subject, a leading
"they" with nobody named, or nothing left but the subject and a pronoun ("John got it.").
"""

from __future__ import annotations

import re

from langmem_extract.extractors.rules.grammar import PAST_IRREGULAR
from langmem_extract.extractors.rules.patterns import GENERIC_STOP
from langmem_extract.extractors.rules.verbs import BASE_VERBS

_CAPTION = re.compile(r"\s*\[[^\]]*\]")
# "made this for Ana": the name after a preposition is its object, no vocative
_PREPOSITIONS = r"(?:for|to|with|at|from|of|by|about|on|in|into|like|than)"
_DATED = re.compile(
    r"\b(?:on|in|around|before|after|the)\b[^.]*?\b(?:\d{4}|January|February|March|April|May|"
    r"June|July|August|September|October|November|December)\b(?:\s+\d{4})?"
)
_AUX = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "am",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "does",
        "do",
        "did",
        "isn't",
        "aren't",
        "wasn't",
        "weren't",
        "hasn't",
        "haven't",
        "hadn't",
        "won't",
        "wouldn't",
        "can't",
        "cannot",
        "couldn't",
        "shouldn't",
        "doesn't",
        "don't",
        "didn't",
        "it's",
        "that's",
        "there's",
        "here's",
        "what's",
        "who's",
        "he's",
        "she's",
        "they're",
        "they've",
        "they'll",
        "gotta",
        "gonna",
    ]
)
# Openers that leave the subject out: "Reminds me …", "Really made me think", "Proud of you".
_SUBJECTLESS = frozenset(
    [
        "hoping",
        "wishing",
        "glad",
        "proud",
        "sorry",
        "thanks",
        "thank",
        "bet",
        "love",
        "loving",
        "appreciate",
        "must",
        "gotta",
        "gonna",
        "wanna",
        "hope",
        "wish",
        "need",
        "needs",
        "wanted",
        "reminds",
        "feels",
        "looks",
        "sounds",
        "seems",
        "makes",
        "made",
        "gives",
        "keeps",
        "means",
        "helps",
        "lets",
        "really",
        "just",
        "definitely",
        "totally",
        "so",
        "also",
        "super",
        "let's",
        "don't",
        "do",
    ]
)
_OBJECT_START = frozenset(
    [
        "the",
        "a",
        "an",
        "my",
        "your",
        "their",
        "his",
        "her",
        "its",
        "it",
        "this",
        "that",
        "these",
        "those",
        "out",
        "up",
        "in",
        "on",
        "off",
        "me",
        "him",
        "them",
        "us",
        "some",
        "any",
        "what",
        "how",
        "to",
        "going",
        "back",
        "down",
        "over",
        "around",
        "about",
        "for",
        "with",
    ]
)
SUBORDINATE = frozenset(
    [
        "whenever",
        "when",
        "if",
        "because",
        "although",
        "though",
        "since",
        "while",
        "unless",
        "whereas",
        "once",
        "especially",
    ]
)
_OTHERS = frozenset({"others", "themselves", "their", "theirs", "them", "they"})
_SMALL_WORDS = frozenset(
    [
        "got",
        "get",
        "did",
        "was",
        "has",
        "had",
        "are",
        "the",
        "and",
        "for",
        "not",
        "but",
        "all",
        "too",
        "out",
        "off",
        "now",
        "yet",
        "one",
        "any",
        "own",
        "who",
        "why",
        "how",
        "its",
        "it's",
        "can",
        "may",
        "way",
        "big",
        "new",
        "put",
        "try",
        "saw",
        "see",
    ]
)


def _finite(word: str) -> bool:
    low = word.lower()
    if low in _AUX or low in PAST_IRREGULAR or low in _PAST_MORE or low.endswith("n't"):
        return True
    if low in {"sounds", "seems", "looks", "feels"}:
        return True
    if len(low) > 4 and low.endswith("ed"):
        return True
    if low.endswith("ies") and low[:-3] + "y" in BASE_VERBS:
        return True
    return low.endswith("s") and (low[:-1] in BASE_VERBS or low[:-2] in BASE_VERBS)


def _plural_verb(words: list[str], i: int, plural: re.Pattern[str]) -> bool:
    """ "Flowers bring joy", "paintings of the lake capture the colors": a base verb after
    a plural subject, or between a noun and its object."""
    before = words[i - 1].lower()
    after = words[i + 1].lower() if i + 1 < len(words) else ""
    if plural.match(before):
        return words[i].lower() != "like"  # "ones like charades": a preposition
    return before not in _NOT_BEFORE_VERB and after in _OBJECT_START


_PAST_MORE = frozenset(
    [
        "lit",
        "shot",
        "hit",
        "put",
        "cut",
        "set",
        "let",
        "quit",
        "hurt",
        "read",
        "spread",
        "fed",
        "fled",
        "dug",
        "hung",
        "meant",
        "bent",
        "lent",
        "sped",
        "spun",
        "stuck",
        "swung",
        "bit",
        "hid",
        "shut",
        "split",
        "burnt",
        "learnt",
        "dreamt",
    ]
)
_NOT_BEFORE_VERB = frozenset(
    [
        "to",
        "a",
        "an",
        "the",
        "my",
        "your",
        "their",
        "his",
        "her",
        "our",
        "its",
        "this",
        "that",
        "some",
        "any",
        "no",
        "every",
    ]
)


# A subject, a verb and nothing but a pronoun or "one" for an object: what it is stays in
# the turn before.
_ONLY_PRONOUN_OBJECT = re.compile(
    r"^\S+\s+(?:(?:\w+n't|not|never|will|would|can|could|just|really|totally|"
    r"definitely|also|still|has|have|had|is|was)\s+){0,3}\w+\s+(?:it|that|this|them|one|"
    r"those|these)(?:\s+(?:in ages|in years|in a while|again|yet|before|too|either|"
    r"anymore|for a while|for sure|at all))?$",
    re.I,
)
# "any"/"some" as the whole object: of what, the turn before said.
_BARE_QUANTITY = re.compile(
    r"\b(?:\w+\s+)(?:any|some)(?:\s+(?:more|anymore|either|yet|now|again|too|at all))?$", re.I
)
# A comparison with no main clause: "Almost as funny as when …", "Just as good as …".
_AS_AS = re.compile(r"^(?:(?:almost|nearly|just|about|not quite|not)\s+)?as\s+\w+\s+as\b", re.I)
# A coordinated part whose only "subject" is a time or place: ", but in July 2023 at that
# event was one of …" (the spoken "last month at that event was …" grounded).
_PLACE_AS_SUBJECT = re.compile(
    r",\s+(?:but|and|so)\s+(?:(?:in|on|at|during)\s+(?:[\w']+\s+){1,3}?)+(?:was|is|were|are)\b.*$"
)
# … unless a subject is there: "and in 2020 it was hard", "and in May the office was shut".
_OWN_SUBJECT = re.compile(
    r"\b(?:I|he|she|it|we|they|there|who|which)\b|(?<!\bin )(?<!\bon )(?<!\bat )(?<!during )"
    r"\b(?:the|a|an|my|his|her|our|their|your|this|that)\b"
)
# A verbless exclamation about someone: "Good for Ana to get a break", "So cool that Ben
# gets to travel", "Way to turn a hobby into a job": praise, with no clause of its own.
_EXCLAIMED = re.compile(
    r"^(?:(?:so|really|very|super|pretty|just|how)\s+)?(?:good|great|cool|nice|awesome|amazing|"
    r"wonderful|lovely|sweet|fantastic|neat|brilliant|impressive|incredible|exciting|fun|"
    r"sad|crazy|wild|funny|glad|happy)\s+(?:for|that|to|how|when|seeing|hearing|you|we|they|he|she)\b"
    r"|^way\s+to\b",
    re.I,
)
# "let's" has no third person: "…, so let's make it happen" is the speaker's call to the
# other, not a fact about either. A trailing one is cut; anywhere else the text is dropped.
_LETS_TAIL = re.compile(
    r"(?:\s*[,;:–—-]\s*|\s+)(?:(?:so|and|but|then|now)\s+)?let(?:'|’)s\b.*$", re.I
)
_LETS = re.compile(r"\blet(?:'|’)s\b", re.I)
# A call to the listener tacked on after a comma or dash: "…, take a look", "… - check out
# this pic", "…, see for yourself": the fact before it stands alone.
_IMPERATIVE_TAIL = re.compile(
    r"(?:,|\s[-–—])\s+(?:just\s+|so\s+)?(?:take a look|have a look|check (?:it |this |that |"
    r"these |them )?out|look at this|see for yourself|guess what|wish \w+ luck|stay tuned)\b.*$",
    re.I,
)
# A gerund subject split from its verb by a comma.
_GERUND_COMMA = re.compile(r"^([A-Z][a-z]+ing\b[^,]{3,80}),\s+(sounds|seems|looks|feels|is|was)\b")


def _has_verb(words: list[str]) -> bool:
    """Whether ``words`` hold a finite verb the lexicon knows."""
    plural = re.compile(r"(?i:we|you|they|people|\w+[^'\Ws]s)$")
    return any(
        # "their dreams" is a noun: an -s word after a determiner is no verb
        (_finite(w) and (w.lower() in _AUX or not (i and words[i - 1].lower() in _NOT_BEFORE_VERB)))
        or (i and w.lower() in BASE_VERBS and _plural_verb(words, i, plural))
        for i, w in enumerate(words)
    )


def well_formed(text: str, names: tuple[str, ...] = ()) -> str | None:
    """``text`` tidied (a trailing vocative naming one of ``names`` dropped), or None when it
    is not a clause with a subject and a verb, or says nothing beyond a pronoun."""
    caption = "".join(_CAPTION.findall(text))
    said = _CAPTION.sub("", text).strip()
    body = said.rstrip(".!?… ")
    # a speaker's short name ("Mel" for Melanie) is a vocative as well
    short = {
        w
        for w in re.findall(r"\b[A-Z][a-z]{2,}\b", body)
        for n in names
        if n != w and n.startswith(w)
    }
    for name in (*names, *sorted(short)):
        # "Woah, Caroline, it sounds …" speaks to her
        # ("For User, nothing beats …" is no vocative: a preposition leads it)
        body = re.sub(
            rf"^(?:(?!(?:For|To|With|From|By|At|Like)\b)[A-Z][a-z]+,?\s+)?{re.escape(name)},\s+(?=[a-z])",
            "",
            body,
        )
        body = body[:1].upper() + body[1:]
        # "…, Maria." / "…, Jon <3" speaks to them
        body = re.sub(rf",\s+{re.escape(name)}(?:\W|<3)*$", "", body)
        # "… love the thought Nate!": a name after a noun phrase, no comma
        body = re.sub(
            rf"(\b(?:the|a|an|this|that)\s+(?!{_PREPOSITIONS}\b)[a-z]+)\s+{re.escape(name)}(?:\W|<3)*$",
            r"\1",
            body,
        )
    body = _IMPERATIVE_TAIL.sub("", body)
    if _EXCLAIMED.match(body):
        return None  # "Good for Ana to get a break": no clause
    body = _LETS_TAIL.sub("", body) if _LETS_TAIL.search(body[1:]) else body
    if _LETS.search(body):
        return None
    lost = _PLACE_AS_SUBJECT.search(body)
    if lost and not _OWN_SUBJECT.search(lost.group(0).split(" was ")[0].split(" is ")[0]):
        body = body[: lost.start()]  # ", but in July 2023 at that event was …": no subject
    words = re.findall(r"[A-Za-z][\w'-]*", body)
    if len(words) < 3:
        return None
    first = words[0].lower()
    second = words[1].lower()
    if first in _SUBJECTLESS or (first in BASE_VERBS and second in _OBJECT_START):
        return None  # "Dance floors help" has a subject; "Check out my painting" has none
    if (first in SUBORDINATE or (first == "even" and second in {"though", "if", "when"})) and (
        "," not in body
    ):
        return None  # "Whenever Caroline hears this jam": no main clause
    if first in {"they", "they're", "they've", "them"} or (
        first in {"these", "those"} and not caption
    ):
        return None  # nobody named for "they"
    led = bool(names) and re.match(rf"(?:{'|'.join(map(re.escape, names))})\s+\w", body)
    # Short remarks are where fragments live; a long one without a known verb has one the
    # small lexicon does not know ("paintings of the lake capture the colors").
    if len(words) <= 8 and not led and not _has_verb(words):
        return None  # no finite verb: "Proud of Joanna", "Just part of the journey"
    own = {n.lower() for n in names}
    content = [
        w
        for w in re.findall(r"\b[A-Za-z]{3,}\b", _DATED.sub("", body))
        if w.lower() not in GENERIC_STOP | _SMALL_WORDS | _OTHERS | own
    ]
    if not content and re.search(r"\b(?:it|that|this|them|some|one|those|these)\b", body, re.I):
        return None  # "John got it.", "Tim hasn't read that yet"
    if names and _ONLY_PRONOUN_OBJECT.match(body) and body.split()[0] in names:
        return None  # "Maria won't forget that.", "John hasn't had one in ages"
    if _BARE_QUANTITY.search(body) or _AS_AS.match(body):
        return None  # "… doesn't want to get any", "Almost as silly as when …"
    body = _GERUND_COMMA.sub(r"\1 \2", body)  # "Adding NYC to the list, sounds great"
    if said.startswith(body) and not said[len(body) :].strip(".!?… "):
        return text  # nothing dropped
    return f"{body}.{caption}." if caption else f"{body}."


# Words said before a sentence or as one: "Wow, …", "Yeah! …", "Bye, Ana."
_INTERJECTION = re.compile(
    r"^(?:(?:(?:oh|ooh|wow|whoa|woah|yeah|yes|yep|yup|no|nope|ok|okay|well|hey|hi|hello|bye|haha|"
    r"hah|lol|aww|omg|sure|absolutely|totally|exactly|right|true|hmm|ah|and|but|plus)\b"
    r"|so(?=,|\s+(?:i|we|you|he|she|they|it|my|our|the|this|that|there)\b))"
    r"[,!.]*\s*)+",
    re.I,
)
# An aside that is no clause of the sentence: "From afar I mean, since …"
_ASIDE = re.compile(r"\s*\b(?:I mean|I guess|you know|I'd say)\b\s*(?=,|$)")
# A clause hung on the main one: what comes after it says nothing of the main clause's verb.
_HUNG = re.compile(rf",?\s+\b(?:{'|'.join(sorted(SUBORDINATE))})\b.*$", re.I)
_QUESTION_LEAD = frozenset(["what", "where", "when", "who", "whom", "why", "how", "which"])
# Verbs a sentence leaves its subject out of rather than telling the listener to do
# ("Miss you!", "Know what I mean?"): not read as imperatives.
_FELT = frozenset(["know", "think", "guess", "like", "miss", "wonder", "care", "mind"])
_COURTESY = frozenset(["you", "all", "guys", "thanks", "thank", "so", "much", "thing", "a", "lot"])
_SUBJECT_VERB = re.compile(r"(?i)(?:i|we|you|he|she|it|they|that|there)'(?:m|re|ve|ll|d|s)$")
# Openers of a phrase, not a subject: the sentence needs a verb after them ("From afar")
_PHRASE_LEADS = frozenset(
    ["from", "in", "on", "at", "with", "for", "by", "after", "before", "during", "about",
     "of", "to", "such", "what", "quite", "like", "without", "through", "into"]
)  # fmt: skip
_PLURAL_SUBJECTS = frozenset(["i", "we", "you", "they", "others", "people"])
_VERB_ONLY = frozenset(
    ["is", "are", "was", "were", "am", "be", "been", "has", "have", "had", "will", "would",
     "can", "could", "should", "shall", "may", "might", "must", "does", "do", "did"]
)  # fmt: skip


def says_nothing(sentence: str, names: tuple[str, ...] = ()) -> bool:
    """Whether ``sentence`` is only interjections, thanks, names or a two-word exclamation
    ("Wow!", "Thanks, Ana!", "Game changer!"): nothing broken, and nothing said."""
    said = _CAPTION.sub("", sentence).strip()
    body = _INTERJECTION.sub("", said.rstrip(".!?… ")).strip(" ,-")
    words = re.findall(r"[A-Za-z][\w'-]*", body)
    return len([w for w in words if w not in names and w.lower() not in _COURTESY]) <= (
        1 if said.endswith("?") else 2
    )


def reads_whole(sentence: str, names: tuple[str, ...] = ()) -> bool:
    """Whether ``sentence``, as said, is a whole sentence: a subject and a finite verb, a
    question, or a call to the listener ("Make sure you …", "Don't forget the map").
    Interjections, thanks and names alone ("Wow!", "Thanks, Ana.") and two-word
    exclamations ("Game changer!") are nothing broken. Not whole: "Gotta make time", "So
    cool you found …", "Been there before", "Watched it twice", "From afar I mean, since
    …" (no main clause beside the aside)."""
    if says_nothing(sentence, names):
        return True  # "Wow!", "Thanks, Ana!", "Game changer!": no sentence gone wrong
    said = _CAPTION.sub("", sentence).strip()
    question = said.endswith("?")
    body = _INTERJECTION.sub("", said.rstrip(".!?… ")).strip(" ,-")
    words = re.findall(r"[A-Za-z][\w'-]*", body)
    if _EXCLAIMED.match(body) or _AS_AS.match(body):
        return False
    first, second = words[0].lower(), words[1].lower()
    if question and (first in _QUESTION_LEAD or first in _AUX or first.endswith("n't")):
        return True  # "Have you been?", "What did you play?"
    lead = re.match(
        r"(?i)(?:(?:please|just|always|never|now|then|definitely|also)\s+)*"
        r"(?:(?:don't|do not|do)\s+)?([a-z]+)\b",
        body,
    )
    verb = lead.group(1).lower() if lead else ""
    if verb in BASE_VERBS and verb not in _SUBJECTLESS | _FELT and not question:
        return True  # "Make sure you watch it", "Don't forget the map"
    # "Love is magic", "So much rain fell": the word is the subject, its verb after it
    noun = (_finite(second) and second not in {"be", "been", "have", "do", "gotta", "gonna"}) or (
        first == "so" and second in {"much", "many"}
    )
    if (first in _SUBJECTLESS and not noun) or first in _VERB_ONLY or first.endswith("n't"):
        return False  # "Gotta go", "Can't wait to see it", "Been there"
    if first in PAST_IRREGULAR or first in _PAST_MORE or (len(first) > 4 and first.endswith("ed")):
        return False  # "Watched it twice": who did
    if first in SUBORDINATE:
        # "Whenever it rains": no main clause; "Since we met I have …" has one
        return (
            sum(_finite(w) or bool(_SUBJECT_VERB.match(w)) for w in words)
            + sum(
                w.lower() in BASE_VERBS and words[i - 1].lower() in _PLURAL_SUBJECTS
                for i, w in enumerate(words[1:], 1)
            )
            >= 2
        )
    if first not in _PHRASE_LEADS:
        return True
    main = _HUNG.sub("", _ASIDE.sub("", body))
    return _has_verb(re.findall(r"[A-Za-z][\w'-]*", main))  # "From afar, since …": no verb
