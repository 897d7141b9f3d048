"""The pattern table: the regexes the rule families match a clause against.

:data:`PATTERNS` holds one anchored regex per statement shape ("my name is …", "I live in
…", "I prefer A over B", …); the other constants are the cues the families test besides
(style words, persistence, small talk, constraints) and the stop words of generic text.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.rules.grammar import ADVERBS, PAST_IRREGULAR

_NEG = r"(?:don't|do not|dont|no longer|never|can't|cannot|can not|won't|wouldn't|didn't)"
_LIKE_VERBS = r"(?:like|love|enjoy|adore|prefer|dig|appreciate|fancy|am into|'m into|am a (?:big |huge )?fan of|'m a (?:big |huge )?fan of|am passionate about|'m passionate about|am fond of|'m fond of|am obsessed with|'m obsessed with|am crazy about|'m crazy about|am keen on|'m keen on)"
# "can't stand up/still" is about standing: not a dislike.
_DISLIKE_VERBS = r"(?:hate|dislike|avoid|detest|loathe|(?:can't|cannot) stand(?!\s+(?:up|still|by|on|in|out|back|here|there|straight)\b)|can't bear|am not (?:a )?(?:big )?fan of|'m not (?:a )?(?:big )?fan of|am not into|'m not into|am tired of|'m tired of|am allergic to|'m allergic to|stay away from|steer clear of)"

PATTERNS = {
    "name": re.compile(
        r"^(?:my name is|my name's|i am called|i'm called|people call me|i go by)\s+([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)",
        re.I,
    ),
    "call_me": re.compile(r"^(?:please\s+)?(?:call me|address me as|refer to me as)\s+(.+)", re.I),
    "name_short": re.compile(r"^[Ii](?:'m| am)\s+([A-Z][a-z]{2,})$"),
    "age": re.compile(
        r"^i(?:'m| am)\s+(?:(?:now|finally|officially|already)\s+)?(\d{1,3})(?:\s+years?\s+old|\s*(?:yo|y/o)\b|$)|^i\s+(?:just\s+)?turned\s+(\d{1,3})\b",
        re.I,
    ),
    "timezone": re.compile(
        r"^(?:my\s+time\s*zone\s+is|i(?:'m| am)\s+in\s+(?:the\s+)?)([A-Za-z0-9_/+:\- ]{2,40}?)(?:\s+time\s*zone)?$",
        re.I,
    ),
    "live": re.compile(
        r"^i\s+(?:currently\s+|now\s+|still\s+)?(?:live|reside|stay)\s+(?:in|at|near(?!\s+(?:my|our|his|her|their|the|a|an)\b))\s+(.+)|^i(?:'m| am)\s+(?:now\s+|currently\s+)?(?:based|living|located)\s+(?:in|at|out of)\s+(.+)|^i(?:'ve| have)?\s*(?:just\s+|recently\s+)?(?:moved|relocated)\s+(?:back\s+)?to\s+(.+)|^my\s+(?:home|city|location)\s+is\s+(?:now\s+)?(?:in\s+)?(.+)",
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
    "my_x_is": re.compile(r"^my\s+([\w\s-]{2,30}?)\s+(?:is|(?P<are>are))\s+(?:now\s+)?(.+)", re.I),
    "speak": re.compile(
        r"^i\s+(?:speak|am fluent in|'m fluent in)\s+(.+)|^i(?:'m| am)\s+(?:a\s+)?(?:native|fluent)\s+(\w+)\s+speaker",
        re.I,
    ),
    "study": re.compile(
        r"^i(?:'m| am)\s+(?:currently\s+)?(?:studying|learning(?!\s+(?:to|how|about|that|from|more|so|a lot|lots)\b)|majoring in|doing a (?:degree|masters?|phd|bachelor'?s?) in)\s+(.+)|^i\s+(?:study|major in)\s+(.+)",
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
        r"^i\s+(?:generally\s+|usually\s+|much\s+|really\s+|definitely\s+|strongly\s+|always\s+|would\s+)?prefer\s+((?:(?!\b(?:since|because|as|so|but|while|though|although|due)\b).)+?)(?<!\bclose)(?<!\bnext)(?<!\bcloser)\s+(?:over|to(?!\s+(?:avoid|keep|help|make|get|save|stay|be|reduce|relax|unwind|decompress|prevent|ensure|minimi[sz]e|maximi[sz]e|protect|stop|start|focus|clear)\b)|rather than|instead of|more than|than)\s+(.+)",
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
        rf"^(?:i|we)\s+(?:{ADVERBS}\s+)*(?:(?!(?:need|feed|seed|speed|bleed|breed|proceed|succeed|exceed|shed)\b)(?:[a-z]+ed)|{'|'.join(sorted(PAST_IRREGULAR))})\b(.*)",
        re.I,
    ),
    "perfect": re.compile(
        r"^(?:i|we)(?:'ve| have)\s+(?:just\s+|finally\s+|recently\s+|already\s+|also\s+|never\s+|always\s+)?(?:been|started|finished|begun|done|made|joined|signed|learned|learnt|taken|had|got|gotten|completed|tried|visited|adopted|bought|found|decided|moved|worked|lived|known|met|read|seen|won|lost|built|created|painted|written|gone)\b(.*)",
        re.I,
    ),
    "pref_cue": re.compile(
        r"\b(?:prefer\w*|preference|aversion|averse|dislike|avoid\w*|refuse|despise|detest|"
        r"can't handle|cannot handle|can't stand(?!\s+(?:up|still|by|straight)\b)|(?:not |un)(?:really |at all )?interested in|no interest in|"
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

STYLE_WORDS = re.compile(
    r"\b(?:repl(?:y|ies)|respon(?:se|ses|d)|answers?|tone|emojis?|bullet|markdown|format|"
    r"concise|brief|short|shorter|longer|detail|detailed|verbose|formal|casual|language|"
    r"spanish|english|french|german|chinese|japanese|code|examples?|sources?|citations?|"
    r"metric|imperial|celsius|fahrenheit|units?|name|jargon|simple|plain|summary|summaries|"
    r"me|my)\b",
    re.I,
)
PERSISTENT = re.compile(
    r"\b(?:always|never|from now on|going forward|in (?:the )?future|by default|every time|"
    r"whenever|all (?:your|the) (?:answers|replies|responses)|in all)\b",
    re.I,
)
TRIVIAL = re.compile(
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
CONTENT_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


FAVORITE_IS = re.compile(
    r"^(?P<thing>.+?)\s+(?:is|are|was|were|has always been)\s+(?P<one>one of\s+)?my\s+"
    r"(?:all[- ]time\s+|absolute\s+|main\s+|biggest\s+)?"
    r"(?P<kind>fav(?:ou?rite)?s?|hobb(?:y|ies)|passions?)\b\s*(?P<what>.*)$",
    re.I,
)
# Requests to the other speaker and photo captions say nothing lasting about the speaker.
IMPERATIVE = re.compile(
    r"^(?:tell|look|check|let|take|show|keep|have|enjoy|come|send|make sure|go|try|don't|do not|"
    r"please|remember|imagine|guess|wish|see)\b",
    re.I,
)
EMBEDDED_LIKE = re.compile(
    r"\bI (?:really |absolutely |just |also )?(love|like|enjoy|adore|hate|dislike) "
    r"(\w+ing\b[^,.;!?]*)"
)
MENTIONS_SELF = re.compile(r"\b(?:I|my|me|myself|mine)\b")


CONSTRAINT = re.compile(
    r"\b(?:avoid\w*|can't|cannot|can not|never|refuse|stay away|steer clear)\b", re.I
)
NEED = re.compile(
    r"^i(?:'m| am)?\s+(?:really\s+|still\s+)?(?:need|want|looking for|searching for|shopping for)\s+"
    r"(?:a|an|some|new)\s+(.+)",
    re.I,
)


GENERIC_STOP = frozenset(
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


def content_words(text: str) -> list[str]:
    """The words of ``text`` that carry content: four letters or more, not generic."""
    return [w for w in CONTENT_WORD.findall(text) if w.lower() not in GENERIC_STOP]


# Tone of a clause, and questions (which state nothing).
CORRECTION_INLINE = re.compile(
    r"\b(?:actually|now|anymore|no longer|these days|instead|not any more|recently moved)\b",
    re.I,
)
HEDGE = re.compile(
    r"\b(?:maybe|perhaps|probably|i think|i guess|might|possibly|sort of|kind of|kinda)\b", re.I
)
EMPHASIS = re.compile(
    r"\b(?:always|never|really|absolutely|definitely|strongly|seriously|extremely|must|"
    r"important|crucial|please make sure)\b|!",
    re.I,
)
QUESTION = re.compile(
    r"\?\s*$|^(?:do|does|did|can|could|would|will|should|is|are|was|were|what|why|how|where|"
    r"when|who|which|have|has)\b",
    re.I,
)
