"""The offline rule extractor: regex patterns over first-person statements, no model.

Only user messages produce memories (a message ``name`` becomes the subject, so
two-person chats attribute each fact to its speaker); assistant turns are context.
Each clause is rewritten to stand alone in the third person, dated expressions are
resolved against the message timestamp (or the reference time), and conflictable
facts carry ``attribute``/``value`` so dedup can supersede them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from langmem_extract.errors import InvalidInputError
from langmem_extract.extractors.base import ExtractContext, ExtractorOutput
from langmem_extract.extractors.dates import TimeRef, find_time_expression
from langmem_extract.redact import contains_redaction
from langmem_extract.schema import (
    Candidate,
    ChatMessage,
    MemoryKind,
    MemoryType,
    PreferenceInfo,
    Provenance,
    make_title,
    normalize_text,
)

# --------------------------------------------------------------------------- text helpers

_SENTENCE_SPLIT = re.compile(
    r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n+|;\s+|:\s+(?=I\b)|"
    # A dash starts a new statement, not an appositive ("a new project - a thriller …").
    r"\s*[-—–]+\s+(?=(?:I|I'm|I've|I'll|I'd|[Mm]y|[Ww]e|[Ii]t|[Tt]hat|[Bb]ut|[Aa]nd|[Ss]o|[A-Z][a-z]*[A-Z]?)\b)"
)
# New first-person clause after a conjunction: "I live in Paris and I work as a nurse".
_CLAUSE_SPLIT = re.compile(
    r"(?:,?\s+(?:and|but|so|plus|also|because|although|though|while)\s+|,\s+)"
    r"(?=(?:also\s+|really\s+|just\s+)?(?:I|I'm|I've|I'll|I'd|[Mm]y|[Ww]e|[Ww]e're|[Ww]e've)\b)",
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:please\s+)?(?:remember|note|keep in mind|bear in mind|don't forget|do not forget)"
    r"(?:\s+that)?(?=\s+(?:i|i'm|i've|my|we)\b)\s*|"
    r"(?:oh|well|so|also|and|but|hey|hi|hello|yeah|yep|yup|yes|ok|okay|btw|by the way|"
    r"anyway|anyways|honestly|haha|lol|wow|um|uh|hmm|plus|fyi|guess what|you know what|"
    r"just so you know|for (?:the )?record|for context|fun fact|also worth noting|"
    r"to be honest|tbh|good news|great news|sure|thanks|thank you|omg|woohoo|ah|aw|aww)"
    r"\b[,!.:]*\s*|(?!actually\b)[a-z]+ly,\s*|(?:due to|because of|given|as (?:a|an)|for (?:ethical|health|religious|medical|environmental) reasons)\b[^,]{0,80},\s*)+",
    re.I,
)
_CORRECTION_LEAD = re.compile(
    r"^(?:actually|correction|sorry|oops|wait|no|nope|update|scratch that|i meant|"
    r"to clarify|let me correct (?:that|myself)|my bad|not anymore|that'?s (?:wrong|outdated)|"
    r"that'?s not right|change of plans?)\b[,:!.\-]*\s*",
    re.I,
)
_CORRECTION_INLINE = re.compile(
    r"\b(?:actually|now|anymore|no longer|these days|instead|not any more|recently moved)\b",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|probably|i think|i guess|might|possibly|sort of|kind of|kinda)\b", re.I
)
_EMPHASIS = re.compile(
    r"\b(?:always|never|really|absolutely|definitely|strongly|seriously|extremely|must|"
    r"important|crucial|please make sure)\b|!",
    re.I,
)
_QUESTION = re.compile(
    r"\?\s*$|^(?:do|does|did|can|could|would|will|should|is|are|was|were|what|why|how|where|"
    r"when|who|which|have|has)\b",
    re.I,
)

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
_PAST_IRREGULAR = frozenset(
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
_ADVERBS = (
    r"(?:really|also|just|usually|always|never|often|sometimes|actually|still|totally|"
    r"absolutely|definitely|generally|mostly|kinda|honestly|truly|only|even|currently|now|"
    r"recently|finally|normally|typically|tend to|do|genuinely|no longer|not|also|"
    r"still|even|sometimes|barely|hardly|almost|particularly|especially|"
    r"seriously|certainly|mainly|rarely|occasionally|already|personally|"
    r"(?!(?:apply|reply|supply|rely|imply|comply|multiply|ally)\b)[a-z]{3,}ly)"
)


def _clean(text: str) -> str:
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
        or low in _PAST_IRREGULAR
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
_I_VERB = re.compile(rf"\bI\s+((?:(?i:{_ADVERBS})\s+)*)(do not|don't|[A-Za-z']+)\b")
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
    return _finish(out)


_INFINITIVE_LEAD = re.compile(
    r"\b(?:decide[ds]?|want(?:s|ed)?|going|plan(?:s|ned)?|tr(?:y|ies|ied)|need(?:s|ed)?|"
    r"hope[ds]?|like[ds]?|love[ds]?|able|trying|wanting|planning|hoping|used|wish(?:es)?|"
    r"the assistant)\s+to\b",
    re.I,
)


def _agree(text: str, subject: str) -> str:
    """Coordinated verbs share the subject: "User has X and prefer Y" → "… and prefers Y"."""
    if not text.startswith(subject):
        return text

    def _fix(m: re.Match[str]) -> str:
        if _INFINITIVE_LEAD.search(text[: m.start()]):  # "decided to go and make": infinitive
            return m.group(0)
        return f"{m.group(1)} {_conjugate(m.group(2))}"

    return _COORD_VERB.sub(_fix, text)


def _finish(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;:-")
    text = re.sub(r"[.!?…]+$", "", text).strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + "."


def _norm_key(text: str) -> str:
    words = [w for w in normalize_text(text).split() if w not in _KEY_STOP]
    return " ".join(words)[:60]


_KEY_STOP = frozenset(
    ["a", "an", "the", "my", "your", "our", "their", "some", "any", "to", "of", "for", "and"]
)


def _object(text: str) -> str:
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


# ------------------------------------------------------------------------------- rules


@dataclass
class _Hit:
    type: MemoryType
    content: str  # first-person clause or already third-person text (see ``rewritten``)
    attribute: str | None = None
    value: str | None = None
    category: str | None = None
    signals: list[str] = field(default_factory=list)
    rewritten: bool = False
    preference: PreferenceInfo | None = None
    kind: MemoryKind | None = None


_NEG = r"(?:don't|do not|dont|no longer|never|can't|cannot|can not|won't|wouldn't|didn't)"
_LIKE_VERBS = r"(?:like|love|enjoy|adore|prefer|dig|appreciate|fancy|am into|'m into|am a (?:big |huge )?fan of|'m a (?:big |huge )?fan of|am passionate about|'m passionate about|am fond of|'m fond of|am obsessed with|'m obsessed with|am crazy about|'m crazy about|am keen on|'m keen on)"
_DISLIKE_VERBS = r"(?:hate|dislike|avoid|detest|loathe|can't stand|cannot stand|can't bear|am not (?:a )?(?:big )?fan of|'m not (?:a )?(?:big )?fan of|am not into|'m not into|am tired of|'m tired of|am allergic to|'m allergic to|stay away from|steer clear of)"

_RE = {
    "name": re.compile(
        r"^(?:my name is|my name's|i am called|i'm called|people call me|i go by)\s+([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)",
        re.I,
    ),
    "call_me": re.compile(r"^(?:please\s+)?(?:call me|address me as|refer to me as)\s+(.+)", re.I),
    "name_short": re.compile(r"^[Ii](?:'m| am)\s+([A-Z][a-z]{2,})$"),
    "age": re.compile(
        r"^i(?:'m| am)\s+(\d{1,3})(?:\s+years?\s+old|\s*(?:yo|y/o)\b|$)|^i\s+(?:just\s+)?turned\s+(\d{1,3})\b",
        re.I,
    ),
    "timezone": re.compile(
        r"^(?:my\s+time\s*zone\s+is|i(?:'m| am)\s+in\s+(?:the\s+)?)([A-Za-z0-9_/+:\- ]{2,40}?)(?:\s+time\s*zone)?$",
        re.I,
    ),
    "live": re.compile(
        r"^i\s+(?:currently\s+|now\s+|still\s+)?(?:live|reside|stay)\s+(?:in|at|near)\s+(.+)|^i(?:'m| am)\s+(?:now\s+|currently\s+)?(?:based|living|located)\s+(?:in|at|out of)\s+(.+)|^i(?:'ve| have)?\s*(?:just\s+|recently\s+)?(?:moved|relocated)\s+(?:back\s+)?to\s+(.+)|^my\s+(?:home|city|location)\s+is\s+(?:now\s+)?(?:in\s+)?(.+)",
        re.I,
    ),
    "from": re.compile(
        r"^i(?:'m| am)\s+(?:originally\s+)?from\s+(.+)|^i\s+(?:grew up|was born)\s+in\s+(.+)", re.I
    ),
    "work_as": re.compile(
        r"^i\s+(?:currently\s+|now\s+)?work\s+as\s+(?:an?\s+)?(.+)|^my\s+(?:job|profession|occupation|role|position)\s+is\s+(?:an?\s+)?(.+)|^i(?:'m| am)\s+(?:currently\s+|now\s+)?(?:working\s+as\s+)(?:an?\s+)?(.+)",
        re.I,
    ),
    "work_at": re.compile(
        r"^i\s+(?:currently\s+|now\s+)?work\s+(?:at|for)\s+(.+)|^i(?:'m| am)\s+(?:currently\s+|now\s+)?(?:working|employed)\s+(?:at|for|by)\s+(.+)",
        re.I,
    ),
    "work_in": re.compile(r"^i\s+(?:currently\s+)?work\s+(?:in|on|with)\s+(.+)", re.I),
    "occupation": re.compile(
        r"^i(?:'m| am)\s+(?:currently\s+|now\s+)?(?:an?\s+)((?:[\w-]+\s+){0,2}(?:\w*(?:er|or|ist|ian|ant|ent|ect|nurse|doctor|chef|cook|lawyer|student|teacher|designer|engineer|artist|writer|manager|consultant|scientist|analyst|developer|programmer|accountant|pharmacist|therapist|counselor|counsellor|veteran|retiree|freelancer|parent|mom|dad|mother|father)))\b(?:\s+(?:at|for|in)\s+(.+))?$",
        re.I,
    ),
    "status": re.compile(
        r"^i(?:'m| am)\s+(?:now\s+|currently\s+|also\s+|a\s+|an\s+|strictly\s+|fully\s+)*(married|single|divorced|engaged|widowed|separated|in a relationship|pregnant|retired|unemployed|vegetarian|vegan|pescatarian|gluten[- ]free|lactose intolerant|diabetic|sober|left-handed|right-handed|transgender|trans|gay|lesbian|bisexual|non-binary)\b",
        re.I,
    ),
    "allergy": re.compile(
        r"^i(?:'m| am)\s+(?:very\s+|severely\s+|deathly\s+)?allergic\s+to\s+(.+)|^i\s+have\s+an?\s+(?:\w+\s+)?allergy\s+to\s+(.+)|^i\s+have\s+an?\s+(\w+)\s+allergy",
        re.I,
    ),
    "favorite": re.compile(
        r"^my\s+(?:all[- ]time\s+)?fav(?:ou?rite)?\s+([\w\s-]{2,40}?)\s+(?:is|are|was|has to be|would be)\s+(.+)",
        re.I,
    ),
    "family": re.compile(
        r"^(?:i\s+have|i've got|i\s+got)\s+((?:a|an|one|two|three|four|five|six|\d+)\s+(?:\w+\s+)?(?:kids?|children|sons?|daughters?|brothers?|sisters?|siblings?|dogs?|cats?|pets?|puppy|puppies|kittens?|grandchildren|grandkids|twins|guinea pigs?|hamsters?|rabbits?|birds?|parrots?|horses?|fish|turtles?|snakes?)\b.*)",
        re.I,
    ),
    "relation_is": re.compile(
        r"^my\s+(wife|husband|partner|spouse|boyfriend|girlfriend|fianc[eé]e?|son|daughter|kids?|children|mom|mum|mother|dad|father|brother|sister|sibling|grandma|grandmother|grandpa|grandfather|aunt|uncle|cousin|niece|nephew|best friend|friend|boss|manager|colleague|coworker|roommate|dog|cat|pet|puppy|kitten)(?:'s|\s+is|\s+are)\s+(?:(?:called|named)\s+)?(.+)",
        re.I,
    ),
    "my_x_is": re.compile(r"^my\s+([\w\s-]{2,30}?)\s+(?:is|are)\s+(?:now\s+)?(.+)", re.I),
    "speak": re.compile(
        r"^i\s+(?:speak|am fluent in|'m fluent in)\s+(.+)|^i(?:'m| am)\s+(?:a\s+)?(?:native|fluent)\s+(\w+)\s+speaker",
        re.I,
    ),
    "study": re.compile(
        r"^i(?:'m| am)\s+(?:currently\s+)?(?:studying|majoring in|doing a (?:degree|masters?|phd|bachelor'?s?) in)\s+(.+)|^i\s+(?:study|major in)\s+(.+)",
        re.I,
    ),
    "decision": re.compile(
        r"^(?:i(?:'ll| will)|i'm going to|i am going to|we'll|we will|let's|let us)\s+(?:just\s+)?(?:go with|take|book|pick|choose|buy|order|reserve|stick with|opt for|rent|sign up for|enroll in|enrol in)\s+(.+)|^(?:i|we)(?:'ve| have)?\s*(?:finally\s+|just\s+)?(?:decided|chosen|picked|settled on|opted for|booked|selected|gone with|committed to)\s+(?:to\s+)?(.+)|^i(?:'m| am)\s+going\s+with\s+(.+)|^(?:i|we)\s+(?:chose|picked|selected)\s+(.+)|^(.{2,60}?)\s+it is$",
        re.I,
    ),
    "goal": re.compile(
        r"^(?:i(?:\s+|(?='))(?:really\s+)?(?:want|wanna|hope|plan|intend|aim|need|mean|would like|'d like|wish|dream|aspire|am hoping|'m hoping|am planning|'m planning|am trying|'m trying|am aiming|'m aiming|am going|'m going|am saving|'m saving|am looking forward|'m looking forward|am off|'m off|am heading|'m heading|am working|'m working|am determined|'m determined|can't wait)\s+(?:to|on|for|towards|toward)\s+(.+))|^(?:my\s+(?:\w+\s+)?(?:goal|plan|dream|aim|ambition|resolution|objective|hope)\s+(?:is|are|was)\s+(?:to\s+)?(.+))|^i(?:'m| am)\s+(?:thinking|considering)\s+(?:about\s+|of\s+)?(.+)",
        re.I,
    ),
    "prefer_over": re.compile(
        r"^i\s+(?:generally\s+|usually\s+|much\s+|really\s+|definitely\s+|strongly\s+|always\s+|would\s+)?prefer\s+(.+?)\s+(?:over|to|rather than|instead of|more than|than)\s+(.+)",
        re.I,
    ),
    "rather": re.compile(r"^i(?:'d| would)\s+(?:much\s+)?rather\s+(.+?)(?:\s+than\s+(.+))?$", re.I),
    "dislike": re.compile(
        rf"^i\s+(?:really\s+|absolutely\s+|just\s+|totally\s+|generally\s+|usually\s+|kind of\s+|kinda\s+|honestly\s+|strongly\s+|truly\s+|also\s+|tend to\s+)*{_DISLIKE_VERBS}\s+(.+)|^i(?:'m| am)\s+(?:really\s+|just\s+|so\s+)?(?:not\s+(?:a\s+)?(?:big\s+|huge\s+)?fan\s+of|not\s+into|tired\s+of|sick\s+of|over)\s+(.+)",
        re.I,
    ),
    "neg_like": re.compile(
        rf"^i\s+(?:really\s+|just\s+|honestly\s+|also\s+)?{_NEG}\s+(?:really\s+|particularly\s+|much\s+|even\s+)?(like|love|enjoy|eat|drink|want|care for|do|use|watch|play|listen to|go for|trust|fancy|wear|consume|buy|read|own)\s+(.+)",
        re.I,
    ),
    "like": re.compile(
        rf"^i\s+(?:really\s+|absolutely\s+|just\s+|totally\s+|also\s+|genuinely\s+|particularly\s+|especially\s+|honestly\s+|definitely\s+|do\s+|still\s+|truly\s+|generally\s+|usually\s+|always\s+|personally\s+|kinda\s+|kind of\s+|tend to\s+|have always\s+|'ve always\s+)*{_LIKE_VERBS}\s+(.+)|^i(?:'m| am)\s+(?:(?:really|so|super|very|also|\w+ly)\s+)*(?:into|a (?:big |huge )?fan of|passionate about|fond of|obsessed with|crazy about|keen on|interested in|big on)\s+(.+)",
        re.I,
    ),
    "habit": re.compile(
        r"^i\s+(usually|always|often|normally|typically|generally|tend to|regularly|mostly|never|rarely|every (?:day|morning|night|week|weekend))\s+(.+)",
        re.I,
    ),
    "instruction": re.compile(
        r"^(?:please\s+)?(?:(?:can|could|would) you\s+(?:please\s+)?)?(?:(always|never|from now on|going forward|in (?:the )?future|by default|whenever (?:you|I)[^,]*,?|every time[^,]*,?)\s+)?(?:please\s+)?((?:don't|do not|stop|avoid|answer|respond|reply|write|keep|use|call|address|talk|speak|explain|format|include|give|show|remind|be|make|send|add|limit|refer|mention|ask|check|provide|list|put|start|end|sign|translate|summarize|summarise|cite|default|assume|treat|avoid)\b.+)",
        re.I,
    ),
    "dont_want": re.compile(
        r"^i\s+(?:don't|do not)\s+want\s+(?:you\s+to\s+)(.+)|^i\s+(?:want|need|would like|'d like)\s+you\s+to\s+(.+)",
        re.I,
    ),
    "have": re.compile(
        r"^i\s+(?:have|own|drive|ride|got|bought|use|play|collect|volunteer|teach|run|coach|practice|practise)\s+(.+)",
        re.I,
    ),
    "event_past": re.compile(
        rf"^(?:i|we)\s+(?:{_ADVERBS}\s+)*(?:(?!(?:need|feed|seed|speed|bleed|breed|proceed|succeed|exceed|shed)\b)(?:[a-z]+ed)|{'|'.join(sorted(_PAST_IRREGULAR))})\b(.*)",
        re.I,
    ),
    "perfect": re.compile(
        r"^(?:i|we)(?:'ve| have)\s+(?:just\s+|finally\s+|recently\s+|already\s+|also\s+|never\s+|always\s+)?(?:been|started|finished|begun|done|made|joined|signed|learned|learnt|taken|had|got|gotten|completed|tried|visited|adopted|bought|found|decided|moved|worked|lived|known|met|read|seen|won|lost|built|created|painted|written|gone)\b(.*)",
        re.I,
    ),
    "pref_cue": re.compile(
        r"\b(?:prefer\w*|preference|aversion|averse|dislike|avoid\w*|refuse|despise|detest|"
        r"can't handle|cannot handle|can't stand|(?:not |un)(?:really |at all )?interested in|no interest in|"
        r"not a fan|(?:don't|doesn't) interest|only (?:\w+ ){0,2}(?:use|watch|eat|buy|wear|drink|play|read|listen|shop|stay|travel|fly|drive|dine|consider|go|book)|"
        r"exclusively|learn best|work best|(?:love|enjoy|like|hate|adore)s?|favou?rite|go-to|swear by|stick to|"
        r"find (?:it |them )?(?:\w+ )?(?:boring|tedious|ineffective|distressing|hard|difficult|overwhelming|annoying|"
        r"relaxing|helpful|useful|fun|uncomfortable|disorienting|stressful|unbearable|too \w+)|"
        r"(?:can't|cannot|can not|won't|will not|wouldn't|do not|don't|never) (?:\w+ ){0,2}(?:consume|eat|have|tolerate|be around|"
        r"participate|wear|use|drink|consider|go near|stand|handle|watch|play|buy|fly|stay)|"
        r"(?:un)?comfortable|fear of|phobia|scared of|afraid of|fascinated by|drawn to|prioriti[sz]e|"
        r"bias against|advocate for|believe in|require|looking for|strict(?:ly)?|(?:on|follow|adhere to) an? (?:[\w-]+ ){0,3}diet|"
        r"vegan|vegetarian|halal|kosher|gluten[- ]free|passionate about|obsessed with|can't get enough|big fan|huge fan|"
        r"(?:am|'m) (?:really |totally )?(?:against|opposed to|not into|into|picky about|particular about|sensitive to))\b",
        re.I,
    ),
    "first_person": re.compile(r"^(?:i|i'm|i've|i'd|i'll|my|we|we're|we've|our)\b\s*(.+)", re.I),
}

_STYLE_WORDS = re.compile(
    r"\b(?:repl(?:y|ies)|respon(?:se|ses|d)|answers?|tone|emojis?|bullet|markdown|format|"
    r"concise|brief|short|shorter|longer|detail|detailed|verbose|formal|casual|language|"
    r"spanish|english|french|german|chinese|japanese|code|examples?|sources?|citations?|"
    r"metric|imperial|celsius|fahrenheit|units?|name|jargon|simple|plain|summary|summaries|"
    r"me|my)\b",
    re.I,
)
_PERSISTENT = re.compile(
    r"\b(?:always|never|from now on|going forward|in (?:the )?future|by default|every time|"
    r"whenever|all (?:your|the) (?:answers|replies|responses)|in all)\b",
    re.I,
)
_TRIVIAL = re.compile(
    r"^(?:i|we)\s+(?:think so|know|see|agree|guess|mean|hope so|understand|feel you|get it|"
    r"am sure|'m sure|am not sure|'m not sure|don't know|do not know|can't wait|cannot wait|"
    r"appreciate (?:it|that|you)|love (?:it|that|this|you)|like (?:it|that|this)|"
    r"'m glad|am glad|'m happy (?:for|to hear)|am happy (?:for|to hear)|'m sorry|am sorry|"
    r"'m so sorry|'m good|am good|'m fine|am fine|'m doing (?:well|good|great|ok)|"
    r"'ll (?:try|do|check|see|keep that in mind|think about it)|will (?:try|do)|"
    r"totally (?:get|agree|understand)|hear you|feel the same|can imagine|bet|wonder)"
    r"(?:\s+\w+){0,3}$",
    re.I,
)
_CONTENT_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def _classify_clause(
    clause: str, allow_instructions: bool = True, min_generic_words: int = 4
) -> _Hit | None:
    """Match one clause (already stripped of fillers) against the rule families, in order:
    specific facts first, generic statements last."""
    if _TRIVIAL.match(clause):
        return None
    low = clause.lower()
    return (
        _personal_fact(clause, low)
        or _choice_or_instruction(clause, low, allow_instructions)
        or _plan_habit_or_event(clause)
        or _generic_statement(clause, min_generic_words)
    )


_NOT_A_NAME = frozenset(
    {"sorry", "fine", "good", "great", "okay", "back", "home", "here", "done", "ready", "sure",
     "glad", "happy", "tired", "excited", "curious", "new", "single", "married", "hungry",
     "busy", "free", "late", "early"}
)  # fmt: skip


def _personal_fact(s: str, low: str) -> _Hit | None:
    """Name, age, timezone, health, diet, favourites, home, work, studies, family, pets."""
    m = _RE["call_me"].match(s)
    if m:
        name = _object(m.group(1))
        return _Hit(
            MemoryType.INSTRUCTION,
            f"{{s}} wants to be called {name}",
            "preferred_name",
            name,
            "communication",
            rewritten=True,
        )
    m = _RE["name"].match(s)
    if m:
        return _Hit(
            MemoryType.FACT,
            f"{{s}}'s name is {m.group(1)}",
            "name",
            m.group(1),
            "personal",
            rewritten=True,
        )
    m = _RE["name_short"].match(s)
    if m and m.group(1).lower() not in _NOT_A_NAME:
        return _Hit(
            MemoryType.FACT, f"{{s}}'s name is {m.group(1)}", "name", m.group(1), "personal",
            rewritten=True,
        )  # fmt: skip
    m = _RE["age"].match(s)
    if m:
        age = m.group(1) or m.group(2)
        return _Hit(
            MemoryType.FACT, f"{{s}} is {age} years old", "age", age, "personal", rewritten=True
        )
    m = _RE["timezone"].match(s)
    if m and (
        low.startswith("my")
        or "zone" in low
        or re.fullmatch(r"[A-Z]{2,5}|UTC[+-]?\d*|GMT[+-]?\d*", m.group(1).strip())
    ):
        tz = m.group(1).strip()
        return _Hit(
            MemoryType.FACT, f"{{s}}'s timezone is {tz}", "timezone", tz, "schedule", rewritten=True
        )
    m = _RE["allergy"].match(s)
    if m:
        what = _object(next(g for g in m.groups() if g))
        return _Hit(
            MemoryType.FACT,
            f"{{s}} is allergic to {what}",
            f"allergy:{_norm_key(what)}",
            "yes",
            "health",
            rewritten=True,
        )
    m = _RE["status"].match(s)
    if m:
        status = m.group(1).lower()
        diet = status in {
            "vegetarian",
            "vegan",
            "pescatarian",
            "gluten-free",
            "gluten free",
            "lactose intolerant",
        }
        if diet:
            return _Hit(MemoryType.PREFERENCE, s, "diet", status, "health", ["explicit"])
        health = status in {"diabetic", "pregnant", "sober"}
        return _Hit(
            MemoryType.FACT,
            s,
            "health" if health else None,
            status,
            "health" if health else "relationships",
        )
    m = _RE["favorite"].match(s)
    if m:
        what, val = m.group(1).strip(), _object(m.group(2))
        return _Hit(
            MemoryType.PREFERENCE,
            f"{{s}}'s favorite {what} is {val}",
            f"favorite:{_norm_key(what)}",
            val,
            signals=["explicit"],
            rewritten=True,
        )
    m = _RE["live"].match(s)
    if m:
        place = _object(next(g for g in m.groups() if g))
        moved = bool(re.search(r"\b(?:moved|relocated)\b", low))
        sig = ["change"] if moved else []
        return _Hit(
            MemoryType.FACT,
            f"{{s}} moved to {place}" if moved else f"{{s}} lives in {place}",
            "location",
            place,
            "location",
            sig,
            rewritten=True,
        )
    m = _RE["from"].match(s)
    if m:
        place = _object(next(g for g in m.groups() if g))
        return _Hit(
            MemoryType.FACT, f"{{s}} is from {place}", "hometown", place, "location", rewritten=True
        )
    m = _RE["work_as"].match(s)
    if m:
        job = _object(next(g for g in m.groups() if g))
        where = ""
        if at := re.search(r"\s+(?:at|for|in)\s+", job):
            job, where = job[: at.start()], job[at.start() :]
        return _Hit(
            MemoryType.FACT,
            f"{{s}} works as {_article(job)}{where}",
            "occupation",
            job,
            "career",
            rewritten=True,
        )
    m = _RE["work_at"].match(s)
    if m:
        org = _object(next(g for g in m.groups() if g))
        return _Hit(
            MemoryType.FACT, f"{{s}} works at {org}", "employer", org, "career", rewritten=True
        )
    m = _RE["work_in"].match(s)
    if m:
        return _Hit(MemoryType.FACT, s, None, None, "career")
    m = _RE["speak"].match(s)
    if m:
        return _Hit(MemoryType.FACT, s, None, None, "languages")
    m = _RE["study"].match(s)
    if m:
        subj = _object(next(g for g in m.groups() if g))
        return _Hit(MemoryType.FACT, s, "studies", subj, "education")
    m = _RE["occupation"].match(s)
    if m and not re.match(
        r"^i(?:'m| am)\s+an?\s+(?:big|huge|bit|little|lot|fan|mess|wreck)\b", low
    ):
        job = m.group(1).strip()
        cat = (
            "family" if re.search(r"\b(?:parent|mom|dad|mother|father)\b", job, re.I) else "career"
        )
        return _Hit(
            MemoryType.FACT,
            s,
            "occupation" if cat == "career" else None,
            job if cat == "career" else None,
            cat,
        )
    m = _RE["relation_is"].match(s)
    if m:
        rel = m.group(1).lower()
        return _Hit(
            MemoryType.RELATIONSHIP,
            s,
            None,
            None,
            "pets" if rel in {"dog", "cat", "pet", "puppy", "kitten"} else "relationships",
        )
    m = _RE["family"].match(s)
    if m:
        pets = re.search(
            r"\b(?:dogs?|cats?|pets?|pupp|kitten|guinea|hamster|rabbit|bird|parrot|horse|fish|turtle|snake)",
            m.group(1),
            re.I,
        )
        return _Hit(
            MemoryType.RELATIONSHIP if not pets else MemoryType.FACT,
            s,
            None,
            None,
            "pets" if pets else "family",
        )
    return None


def _choice_or_instruction(s: str, low: str, allow_instructions: bool) -> _Hit | None:
    """Instructions to the assistant, decisions, and stated likes and dislikes."""
    m = _RE["dont_want"].match(s) if allow_instructions else None
    if m:
        what = (m.group(1) or m.group(2)).strip()
        neg = bool(m.group(1))
        text = (
            f"{{s}} does not want the assistant to {_you_to_assistant(what)}"
            if neg
            else f"{{s}} wants the assistant to {_you_to_assistant(what)}"
        )
        return _Hit(MemoryType.INSTRUCTION, text, None, None, "communication", rewritten=True)
    m = _RE["decision"].match(s)
    if m:
        what = _object(next(g for g in m.groups() if g))
        if re.fullmatch(
            r"(?:it|that|this|that one|this one|the first one|the second one)", what, re.I
        ):
            what = "{ref}"  # resolved against the conversation by the extractor
        if what and not re.fullmatch(r"(?:a look|care|a break|a nap|a walk)", what, re.I):
            verb = re.match(
                r"^(?:i(?:'ll| will)|i'm going to|i am going to|we'll|we will|let's|let us)\s+(?:just\s+)?(\w+(?:\s+with|\s+on|\s+for)?)",
                s,
                re.I,
            )
            if verb:
                act = verb.group(1).lower()
                text = f"{{s}} decided to {act} {what}"
            elif low.endswith("it is"):
                text = f"{{s}} chose {what}"
            else:
                text = third_person(s, "{s}").rstrip(".")
            return _Hit(MemoryType.DECISION, text, None, None, rewritten=True)
    m = _RE["prefer_over"].match(s)
    if m:
        a, b = _object(m.group(1)), _object(m.group(2))
        key = "|".join(sorted([_norm_key(a), _norm_key(b)]))
        return _Hit(
            MemoryType.PREFERENCE,
            f"{{s}} prefers {a} over {b}",
            f"choice:{key}",
            _norm_key(a),
            signals=["explicit"],
            rewritten=True,
        )
    m = _RE["rather"].match(s)
    if m:
        a = _object(m.group(1))
        text = f"{{s}} would rather {a}" + (f" than {_object(m.group(2))}" if m.group(2) else "")
        return _Hit(MemoryType.PREFERENCE, text, None, None, signals=["explicit"], rewritten=True)
    m = _RE["dislike"].match(s)
    if m:
        obj = _object(next(g for g in m.groups() if g))
        if obj and not re.fullmatch(r"it|that|this|them|when.*", obj, re.I):
            cat = "health" if "allergic" in low else None
            return _Hit(
                MemoryType.PREFERENCE,
                s,
                f"likes:{_norm_key(obj)}",
                "no",
                cat,
                ["negation", "explicit"],
            )
    m = _RE["neg_like"].match(s)
    if m:
        obj = _object(m.group(2))
        if obj and not re.fullmatch(r"it|that|this|them|so|much|to|anything", obj, re.I):
            return _Hit(
                MemoryType.PREFERENCE,
                s,
                f"likes:{_norm_key(obj)}",
                "no",
                None,
                ["negation", "explicit"],
            )
    m = _RE["like"].match(s)
    if m:
        obj = _object(next(g for g in m.groups() if g))
        if obj and not re.fullmatch(
            r"(?:it|that|this|them|you|him|her|to|so much|the idea|how .*|what .*|your .*)",
            obj,
            re.I,
        ):
            return _Hit(
                MemoryType.PREFERENCE, s, f"likes:{_norm_key(obj)}", "yes", None, ["explicit"]
            )
    m = _RE["instruction"].match(s) if allow_instructions else None
    if m and (m.group(1) or _PERSISTENT.search(s) or _STYLE_WORDS.search(m.group(2))):
        return _instruction(m.group(1), m.group(2))
    return None


def _plan_habit_or_event(s: str) -> _Hit | None:
    """Goals and plans, habits, preference cues, and things that happened."""
    m = _RE["goal"].match(s) or _NEED.match(s)
    if m and _CONSTRAINT.search(s):
        # "I need to avoid heights" is a standing constraint, not a goal.
        return _Hit(MemoryType.PREFERENCE, s, None, None, None, ["explicit", "negation"])
    if m:
        return _Hit(MemoryType.GOAL, s, None, None)
    m = _RE["habit"].match(s)
    if m:
        neg = m.group(1).lower() in {"never", "rarely"}
        return _Hit(
            MemoryType.PREFERENCE,
            s,
            None,
            None,
            None,
            ["habit", *(["negation"] if neg else [])],
            preference=PreferenceInfo(explicit=False, reasoning="inferred from a stated habit"),
        )
    if _RE["first_person"].match(s) and _RE["pref_cue"].search(s):
        neg = bool(
            re.search(
                r"\b(?:aversion|averse|dislike|avoid\w*|refuse|despise|can't|cannot|not|don't|won't|no interest|uninterested|uncomfortable|hate|against|opposed|fear|phobia|afraid|scared)\b",
                s,
                re.I,
            )
        )
        return _Hit(
            MemoryType.PREFERENCE, s, None, None, None, ["explicit", *(["negation"] if neg else [])]
        )
    m = _RE["perfect"].match(s)
    if m:
        return _Hit(MemoryType.FACT, s)
    m = _RE["event_past"].match(s)
    if m:
        return _Hit(MemoryType.EVENT, s, kind=MemoryKind.EPISODIC)
    m = _RE["have"].match(s)
    if m:
        return _Hit(MemoryType.FACT, s)
    return None


def _generic_statement(s: str, min_generic_words: int) -> _Hit | None:
    """'My X is Y', 'X is my favourite Y', and any substantial statement about the speaker."""
    m = _RE["my_x_is"].match(s)
    if m and len(m.group(1).split()) <= 3:
        what = m.group(1).strip().lower()
        val = _object(m.group(2))
        if val and not re.match(
            r"^(?:so|very|really|too|pretty|kinda|a bit|great|good|fine|ok|okay|awesome|amazing|nice|the best)\b",
            val,
            re.I,
        ):
            return _Hit(
                MemoryType.FACT,
                f"{{s}}'s {what} is {val}",
                _norm_key(what) or None,
                val,
                rewritten=True,
            )
    m = _FAVORITE_IS.match(s)
    if m:
        thing, what = _object(m.group("thing")), _object(m.group("what") or "")
        if thing and not re.fullmatch(r"(?:it|that|this|they|those|these)", thing, re.I):
            thing = thing[0].lower() + thing[1:] if thing.split()[0].endswith("ing") else thing
            if m.group("kind").lower().startswith(("hobb", "passion")):
                text = f"{{s}}'s {m.group('kind').lower()} include {thing}"
            elif m.group("one"):
                text = f"{thing} is one of {{s}}'s favorite {what or 'things'}"
            else:
                text = f"{{s}}'s favorite {what or 'thing'} is {thing}"
            return _Hit(
                MemoryType.PREFERENCE, text, None, None, signals=["explicit"], rewritten=True
            )
    m = _EMBEDDED_LIKE.search(s)
    if m and not _RE["first_person"].match(s):
        # "That's why I love traveling": the preference inside a longer remark.
        return _Hit(
            MemoryType.PREFERENCE, f"I {m.group(1)} {m.group(2)}", None, None, None,
            ["explicit", *(["negation"] if m.group(1).lower() in {"hate", "dislike"} else [])],
        )  # fmt: skip
    m = _RE["first_person"].match(s)
    if m and _substantive(s, min_generic_words):
        return _Hit(MemoryType.FACT, s, signals=["generic"])
    if (
        _MENTIONS_SELF.search(s)
        and not _IMPERATIVE.match(s)
        and _substantive(s, min_generic_words + 1)
    ):
        # "This necklace is a gift from my grandma in Sweden": about the speaker all the same.
        return _Hit(MemoryType.FACT, s, signals=["generic"])
    return None


_FAVORITE_IS = re.compile(
    r"^(?P<thing>.+?)\s+(?:is|are|was|were|has always been)\s+(?P<one>one of\s+)?my\s+"
    r"(?:all[- ]time\s+|absolute\s+|main\s+|biggest\s+)?"
    r"(?P<kind>fav(?:ou?rite)?s?|hobb(?:y|ies)|passions?)\b\s*(?P<what>.*)$",
    re.I,
)
# Requests to the other speaker and photo captions say nothing lasting about the speaker.
_IMPERATIVE = re.compile(
    r"^(?:tell|look|check|let|take|show|keep|have|enjoy|come|send|make sure|go|try|don't|do not|"
    r"please|remember|imagine|guess|wish|see)\b",
    re.I,
)
_EMBEDDED_LIKE = re.compile(
    r"\bI (?:really |absolutely |just |also )?(love|like|enjoy|adore|hate|dislike) "
    r"(\w+ing\b[^,.;!?]*)"
)
_MENTIONS_SELF = re.compile(r"\b(?:I|my|me|myself|mine)\b")


_PROPER = re.compile(
    r"\b(?:[A-Z0-9][\w'&.-]*)(?:\s+(?:(?:of|de|la|the|and|&)\s+)?[A-Z0-9][\w'&.-]*)*"
)
_NOT_NAMES = frozenset(
    [
        "i",
        "i'm",
        "i'll",
        "i've",
        "i'd",
        "it",
        "it's",
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "my",
        "we",
        "you",
        "he",
        "she",
        "they",
        "hmm",
        "ok",
        "okay",
        "yes",
        "no",
        "thanks",
        "hi",
        "hello",
        "hey",
        "sure",
        "great",
        "also",
        "and",
        "but",
        "so",
        "what",
        "which",
        "how",
        "option",
        "options",
    ]
)


def _antecedent(text: str) -> str | None:
    """The last proper-noun phrase before a pronoun ("the 7 Days Inn … let's book it")."""
    found = None
    for m in _PROPER.finditer(text):
        phrase = m.group(0).strip(" .")
        words = phrase.split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        if not words or (len(words) == 1 and (words[0].isdigit() or len(words[0]) < 3)):
            continue
        sentence_start = m.start() == 0 or text[: m.start()].rstrip()[-1:] in ".!?\n:"
        if len(words) == 1 and sentence_start and phrase == m.group(0).strip(" ."):
            continue  # a capitalised first word is not a name
        found = " ".join(words)
    return found


_CONSTRAINT = re.compile(
    r"\b(?:avoid\w*|can't|cannot|can not|never|refuse|stay away|steer clear)\b", re.I
)
_NEED = re.compile(
    r"^i(?:'m| am)?\s+(?:really\s+|still\s+)?(?:need|want|looking for|searching for|shopping for)\s+"
    r"(?:a|an|some|new)\s+(.+)",
    re.I,
)


def _article(noun: str) -> str:
    if re.match(r"^(?:a|an|the|my)\b", noun, re.I) or noun[:1].isupper():
        return noun
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _you_to_assistant(text: str) -> str:
    text = re.sub(r"\byour\b", "its", text, flags=re.I)
    text = re.sub(r"\byou\b", "it", text, flags=re.I)
    return text


def _instruction(persist: str | None, body: str) -> _Hit:
    body = _you_to_assistant(_object_keep(body))
    body = re.sub(r"\bme\b", "{s}", body)
    body = re.sub(r"\bmy\b", "{s}'s", body)
    neg = re.match(r"^(?:don't|do not|stop|never)\s+(.+)", body, re.I)
    if re.match(r"^stop\s+", body, re.I):
        return _Hit(
            MemoryType.INSTRUCTION,
            f"{{s}} wants the assistant to {body[0].lower() + body[1:]}",
            None,
            None,
            "communication",
            ["negation"],
            rewritten=True,
        )
    if neg or (persist and persist.lower() == "never"):
        rest = neg.group(1) if neg else body
        text = f"{{s}} does not want the assistant to {rest}"
        sig = ["negation"]
    else:
        lead = f"{persist.lower()} " if persist and persist.lower() in {"always"} else ""
        text = f"{{s}} wants the assistant to {lead}{body[0].lower() + body[1:]}"
        sig = []
        if persist and persist.lower() not in {"always"}:
            text += f" {persist.lower().rstrip(',')}"
    return _Hit(MemoryType.INSTRUCTION, text, None, None, "communication", sig, rewritten=True)


def _object_keep(text: str) -> str:
    return re.split(r"[.!?;]", text)[0].strip()


def _substantive(clause: str, min_words: int = 4) -> bool:
    """A generic first-person clause worth keeping: not small talk, has content words."""
    if _TRIVIAL.match(clause):
        return False
    words = clause.split()
    if len(words) < min_words:
        return False
    content = [w for w in _CONTENT_WORD.findall(clause) if w.lower() not in _GENERIC_STOP]
    return len(content) >= 2


_GENERIC_STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "have",
        "been",
        "from",
        "they",
        "them",
        "what",
        "when",
        "were",
        "will",
        "would",
        "your",
        "about",
        "just",
        "really",
        "very",
        "much",
        "know",
        "think",
        "feel",
        "like",
        "love",
        "good",
        "great",
        "also",
        "some",
        "there",
        "here",
        "then",
        "than",
        "thing",
        "things",
        "stuff",
        "going",
        "being",
        "does",
        "doing",
        "make",
        "made",
        "sure",
        "glad",
        "happy",
        "thanks",
        "thank",
        "awesome",
        "amazing",
        "cool",
        "nice",
        "wonderful",
        "totally",
        "right",
        "yeah",
        "hope",
        "time",
        "always",
        "still",
    ]
)


# --------------------------------------------------------------------------- extractor


#: Clauses of one message joined into its fallback memory, at most.
FALLBACK_MAX_CLAUSES = 3
#: A fallback clause needs this many more words than a generic first-person fact, and
#: this many content words: it has no rule vouching for it.
FALLBACK_EXTRA_WORDS = 2
FALLBACK_MIN_CONTENT_WORDS = 3


class RuleExtractor:
    """Offline, regex-based extractor: the default, no key and no model needed."""

    model_name = "rules"

    def __init__(
        self,
        *,
        min_generic_words: int = 4,
        fallback: bool = True,
        max_fallback_clauses: int = FALLBACK_MAX_CLAUSES,
    ) -> None:
        """``min_generic_words``: shortest first-person statement kept when no specific
        rule matched it (higher → fewer, more substantial generic facts).

        ``fallback``: a message's substantive clauses that matched no rule still yield one
        low-importance episodic memory ("On 7 May 2023, Ana said: …"), so nothing said
        about a person is lost; at most ``max_fallback_clauses`` clauses per message."""
        if max_fallback_clauses < 1:
            raise InvalidInputError("max_fallback_clauses must be >= 1")
        self.min_generic_words = min_generic_words
        self.fallback = fallback
        self.max_fallback_clauses = max_fallback_clauses

    def extract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        candidates: list[Candidate] = []
        speakers = {m.name for m in messages if m.role == "user" and m.name}
        has_assistant = any(m.role == "assistant" for m in messages)
        context_text = ""
        for message in messages:
            if message.role != "user":
                context_text = message.content  # the last other turn: antecedents for "it"
                continue
            others = speakers - {message.name}
            # Imperatives between two people ("take a look!") are not instructions to us.
            to_assistant = has_assistant or not message.name
            addressee = (
                next(iter(others)) if len(others) == 1 and not has_assistant
                else ("the assistant" if to_assistant else None)
            )  # fmt: skip
            candidates.extend(
                self._from_message(
                    message, context, candidates, addressee, to_assistant, context_text
                )
            )
            context_text = message.content
        return ExtractorOutput(candidates=candidates, tokens_used=0, model=self.model_name)

    async def aextract(
        self, messages: Sequence[ChatMessage], *, context: ExtractContext
    ) -> ExtractorOutput:
        return self.extract(messages, context=context)

    # -- per message

    def _from_message(
        self,
        message: ChatMessage,
        context: ExtractContext,
        earlier: list[Candidate],
        addressee: str | None,
        to_assistant: bool,
        context_text: str = "",
    ) -> list[Candidate]:
        subject = message.name or "User"
        ref = message.timestamp or context.reference_time
        out: list[Candidate] = []
        seen: set[str] = set()
        inherited: TimeRef | None = None
        unmatched: list[str] = []
        for clause, correction in _clauses(_clean(message.content)):
            # A clause carrying a (redacted) secret yields no memory at all.
            if _QUESTION.search(clause) or contains_redaction(clause):
                continue
            prior_text = f"{context_text}\n{message.content.split(clause[:20])[0]}"
            cand = self._candidate(
                clause, correction, subject, ref, message, [*earlier, *out], addressee,
                to_assistant, prior_text, inherited,
            )  # fmt: skip
            if cand is None:
                if _fallback_worthy(clause, self.min_generic_words):
                    unmatched.append(clause)
                continue
            if (
                "dated" in cand.signals
                and cand.event_time
                and cand.event_time <= (ref or cand.event_time)
            ):
                inherited = find_time_expression(clause, ref)  # later sentences tell the same story
            key = normalize_text(cand.content)
            if key in seen:
                continue
            seen.add(key)
            out.append(cand)
        if self.fallback and unmatched:
            cand = _fallback_candidate(
                unmatched[: self.max_fallback_clauses], subject, addressee, ref, message
            )
            if cand is not None and normalize_text(cand.content) not in seen:
                out.append(cand)
        return out

    def _candidate(
        self,
        clause: str,
        correction: bool,
        subject: str,
        ref: datetime | None,
        message: ChatMessage,
        earlier: list[Candidate],
        addressee: str | None = None,
        to_assistant: bool = True,
        prior_text: str = "",
        inherited: TimeRef | None = None,
    ) -> Candidate | None:
        time_ref = find_time_expression(clause, ref)
        body = time_ref.stripped if time_ref else clause
        hit = _classify_clause(body, to_assistant, self.min_generic_words)
        if hit is None and correction:
            hit = _correction_of_previous(body, earlier)
        if hit is None:
            return None
        if "{ref}" in hit.content:
            ref_name = _antecedent(prior_text)
            if ref_name is None:
                return None
            hit.content = hit.content.replace("{ref}", ref_name)
        content = (
            hit.content.replace("{s}", subject)
            if hit.rewritten
            else third_person(hit.content, subject, addressee)
        )
        content = _finish(_agree(content, subject))
        if not content or len(content.split()) < 3:
            return None
        signals = list(hit.signals)
        mtype = hit.type
        kind = hit.kind or (
            MemoryKind.EPISODIC if mtype == MemoryType.EVENT else MemoryKind.SEMANTIC
        )
        event_time = None
        if time_ref is not None and time_ref.when is None:
            # No reference time: the expression stays as said, outside attribute values.
            if not hit.rewritten and hit.content == body:
                content = _finish(_agree(third_person(clause, subject, addressee), subject))
            else:
                content = _finish(f"{content.rstrip('.')} {time_ref.phrase}")
        elif time_ref is not None:
            event_time = time_ref.when
            signals.append("dated")
            if not hit.rewritten and hit.content == body:
                # The date goes where the expression was: "went … on 7 May 2023 and …".
                replaced = third_person(time_ref.replaced, subject, addressee)
                content = _finish(_agree(replaced, subject))
            else:
                content = _finish(f"{content.rstrip('.')} {time_ref.phrase}")
            if mtype == MemoryType.FACT and not hit.attribute:
                if time_ref.future:
                    mtype = MemoryType.GOAL  # a dated plan
                    signals = [x for x in signals if x != "generic"] + ["plan"]
                else:
                    mtype, kind = MemoryType.EVENT, MemoryKind.EPISODIC
        elif mtype == MemoryType.EVENT and inherited is not None:
            # "Last weekend I did something new. I ran a 5K …": the run was last weekend too.
            content = _finish(f"{content.rstrip('.')} {inherited.phrase}")
            event_time = inherited.when
            signals.append("dated-by-context")
        elif mtype == MemoryType.EVENT and ref is not None:
            event_time = ref
            signals.append("approximate-time")
        signals += _tone_signals(clause, correction, hit)
        signals = list(dict.fromkeys(signals))
        provenance = (
            Provenance.CORRECTED
            if "correction" in signals
            else (Provenance.INFERRED if "habit" in signals else Provenance.EXPLICIT_STATEMENT)
        )
        preference = hit.preference
        if mtype == MemoryType.PREFERENCE and preference is None:
            preference = PreferenceInfo(
                explicit=True, reasoning=f'stated directly: "{clause[:120]}"'
            )
        return Candidate(
            content=content,
            title=make_title(content),
            type=mtype,
            kind=kind,
            category=hit.category or "general",
            provenance=provenance,
            source_message_ids=[message.id],
            subject=subject,
            attribute=hit.attribute,
            value=hit.value,
            event_time=event_time,
            preference=preference,
            signals=signals,
            source="conversation",
        )


# Praise, thanks and wishes aimed at the other person say nothing about the speaker.
_SMALL_TALK = re.compile(
    r"^(?:that(?:'s| is| was| sounds| must)|this (?:is|was|sounds)|it(?:'s| is) (?:so |really )?"
    r"(?:great|awesome|amazing|cool|nice|good|wonderful|lovely|fantastic|sweet)|sounds|"
    r"(?:good|best of) luck|congrat|thanks|thank you|glad|happy (?:for|to)|so (?:happy|glad)|"
    r"keep (?:it up|going|up the)|you(?:'re| are) (?:so |really |doing )?"
    r"(?:great|awesome|amazing|welcome|right|the best|inspiring|brave)|you got this|"
    r"have (?:fun|a (?:great|good|nice))|take care|see you|talk (?:soon|later)|bye|"
    r"can't wait|cannot wait|no (?:prob|problem|worries)|wishing you|hope you)",
    re.I,
)


def _fallback_worthy(clause: str, min_words: int) -> bool:
    """A clause no rule matched but still worth remembering: not small talk, not tiny."""
    if _SMALL_TALK.match(clause) or not _substantive(clause, min_words + FALLBACK_EXTRA_WORDS):
        return False
    content = [w for w in _CONTENT_WORD.findall(clause) if w.lower() not in _GENERIC_STOP]
    return len(content) >= FALLBACK_MIN_CONTENT_WORDS


def _fallback_candidate(
    clauses: list[str],
    subject: str,
    addressee: str | None,
    ref: datetime | None,
    message: ChatMessage,
) -> Candidate | None:
    """One observed, low-importance episodic memory from the clauses no rule matched."""
    said = " ".join(
        _finish(
            _agree(third_person(c.replace("[", "").replace("]", ""), subject, addressee), subject)
        )
        for c in clauses
    ).strip()
    if len(said.split()) < 3:
        return None
    when = f"On {ref.day} {ref:%B %Y}, " if ref is not None else ""
    if said.startswith(f"{subject} "):
        content = f"{when}{said}" if when else said
    else:
        content = f"{when}{subject} said: {said}"
    content = content[0].upper() + content[1:]
    return Candidate(
        content=content,
        title=make_title(content),
        type=MemoryType.EVENT,
        kind=MemoryKind.EPISODIC,
        category="general",
        provenance=Provenance.OBSERVED,
        source_message_ids=[message.id],
        subject=subject,
        event_time=ref,
        signals=["generic", "fallback"],
        source="conversation",
    )


def _tone_signals(clause: str, correction: bool, hit: _Hit) -> list[str]:
    """Correction, hedge and emphasis markers of a clause."""
    out = []
    # "I live in Berlin now" changes a single-valued fact just as "actually, …" does.
    single_valued = bool(hit.attribute) and ":" not in (hit.attribute or "")
    inline = (single_valued and bool(_CORRECTION_INLINE.search(clause))) or bool(
        hit.attribute and re.search(r"\b(?:anymore|any more|no longer)\b", clause, re.I)
    )
    if correction or inline or "change" in hit.signals:
        out.append("correction")
    if _HEDGE.search(clause):
        out.append("hedge")
    if _EMPHASIS.search(clause):
        out.append("emphasis")
    return out


_TRAILING = re.compile(r"(?:,?\s+please)?[\s.!…]*$", re.I)
_VOCATIVE = re.compile(
    r"^(?:(?:hey|hi|hello|thanks|thank you|congrats|wow|yeah|oh|aw+|ok|okay|sure|yes|yep|haha|lol|omg)"
    r"(?:,?\s+(?:so much|a lot|again))?(?:,?\s+[A-Z][a-z]+)?[,!.]+\s*|[A-Z][a-z]+,\s+(?=[a-zI]))"
)
_GERUND_SUBJECT = re.compile(
    r"^\w+ing\b[^,]*?\b(?:is|was|are|were|can|could|will|would|has|had|sounds|seems|makes|helps|gives|takes|feels|keeps|brings|means)\b",
    re.I,
)
_SUBJECTLESS = re.compile(
    r"^(been|gonna|going|started|finished|had|got|went|made|took|just|tried|joined|bought|"
    r"visited|trying|planning|hoping|thinking|working|looking|getting|starting|researching|"
    r"heading|learning|reading|painting|writing|taking|doing|spending|considering|saving|"
    r"training|practicing|practising|volunteering|studying|preparing|organizing|organising|"
    r"signed|decided|picked|adopted|met|finally|recently)\b",
    re.I,
)


def _clauses(text: str) -> list[tuple[str, bool]]:
    """Split a message into clauses, stripping fillers; flag correction markers."""
    out: list[tuple[str, bool]] = []
    for sentence in _SENTENCE_SPLIT.split(text):
        for raw in _lead_ins_joined(_CLAUSE_SPLIT.split(sentence)):
            clause, correction = _strip_lead(raw.strip(" \t\"'()*-"))
            clause = _TRAILING.sub("", clause).strip()
            clause = _restore_subject(clause)
            if clause:
                out.append((clause[0].upper() + clause[1:], correction))
    return out


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
    m = _SUBJECTLESS.match(clause)
    if not m:
        return clause
    word = m.group(1).lower()
    if word in {"just", "finally", "recently"}:
        nxt = clause.split()[1].lower() if len(clause.split()) > 1 else ""
        if not (nxt.endswith("ed") or nxt in _PAST_IRREGULAR):
            return clause  # "Just the act of serving meals …" has no dropped subject
    if word.endswith("ing") and _GERUND_SUBJECT.match(clause):
        return clause  # "Spending time with family is so important": not about the speaker
    clause = clause[0].lower() + clause[1:]
    if word == "been":
        return "I've " + clause
    if word in {"gonna", "going"}:
        return "I'm " + clause
    if word.endswith("ing"):
        return "I'm " + clause
    return "I " + clause


_CORRECTION_VALUE = re.compile(
    r"^(?:it'?s|it is|it was|that'?s|make (?:it|that)|i mean|i meant|rather)\s+(.+?)(?:\s+now)?$|^(.+?)\s+now$|^not\s+.+?,?\s+but\s+(.+)$",
    re.I,
)


def _correction_of_previous(clause: str, earlier: list[Candidate]) -> _Hit | None:
    """ "Actually, it's Berlin now" → the latest conflictable fact, with the new value."""
    m = _CORRECTION_VALUE.match(clause.strip())
    if not m:
        return None
    value = _object(next(g for g in m.groups() if g))
    for prev in reversed(earlier):
        if prev.attribute and prev.value and prev.value.lower() in prev.content.lower():
            idx = prev.content.lower().rfind(prev.value.lower())
            content = prev.content[:idx] + value + prev.content[idx + len(prev.value) :]
            content = content.replace(prev.subject, "{s}", 1)
            return _Hit(
                prev.type,
                content,
                prev.attribute,
                value,
                prev.category,
                ["correction"],
                rewritten=True,
            )
    return None


__all__ = ["RuleExtractor", "third_person"]
