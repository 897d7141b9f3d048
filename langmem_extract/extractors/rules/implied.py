"""Implied preferences: habits, aversions, values and constraints said in passing.

People rarely say "I like X". They say "I have a strong aversion to crowds", "I firmly
believe in a plant-based diet", "nothing beats a home-cooked meal", "I'm on a tight
budget", "I usually cycle to work" or "as someone who can't stand the cold, …". Each
family below is a general shape of English preference talk; a match becomes a
``preference`` :class:`~langmem_extract.extractors.rules.families.Hit` whose content is the
speaker's own wording trimmed to the preference ("User has a strong aversion to crowds"),
whose object and polarity are the conflict key (``likes:crowds`` = ``no``), and whose
:class:`~langmem_extract.schema.PreferenceInfo` says it was implied, by which family.

* :func:`refine` runs after :func:`~langmem_extract.extractors.rules.families.classify_clause`:
  an explicit like/dislike, favourite, diet, instruction or decision stays as it is; a clause
  the families missed, or took for a generic fact, a habit or a goal, becomes the implied
  preference; an allergy becomes a (health) preference;
* :func:`asides` finds statements the clause loop never sees: lead-ins stripped as fillers
  ("As someone who hates crowds, …", "As a vegan, …", "Since I …") and the statement half
  of a question ("I'm on a tight budget, so what would you suggest?").

Families whose preference is read off a behaviour or a circumstance (habits, budgets,
health, traits) carry the ``inferred`` signal (provenance ``inferred``); all carry
``implied``, which scoring turns into a lower confidence than an explicit statement.
Hypotheticals, conditionals, questions and other people's tastes never match: every
pattern is anchored on the speaker ("I …", "… to me", "for me") in the indicative.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.rules.families import Hit, classify_clause
from langmem_extract.extractors.rules.grammar import PAST_IRREGULAR, norm_key, object_phrase
from langmem_extract.extractors.rules.shapes import (
    ADV,
    DEGREE,
    I_AM,
    I_HAVE,
    MAX_OBJECT_WORDS,
    NEG_ADJ,
    POS_ADJ,
    TRAIT_NOUN,
    Family,
    shape,
)
from langmem_extract.extractors.rules.stances import STANCE_FAMILIES
from langmem_extract.schema import (
    Attribute,
    AttributeFamily,
    Category,
    MemoryType,
    PreferenceInfo,
    keyed_attribute,
)

# fmt: off
_FAMILIES: tuple[Family, ...] = (
    # "I have a strong aversion to X", "I've got a real soft spot for X"
    shape("aversion", rf"^(?:{I_HAVE}|i've got\s+|i\s+)(?:always\s+)?(?:had|have|got|)\s*"
       r"(?:a|an|this|some|such an?)\s+(?:[\w-]+\s+){0,2}?"
       r"(?:aversion|dislike|distaste|hatred|loathing|fear|phobia|intolerance|sensitivity)\s+"
       r"(?:to|of|for|against|toward|towards|around)\s+(?P<obj>.+)", "no"),
    shape("attraction", rf"^(?:{I_HAVE}|i've got\s+|i\s+)(?:always\s+)?(?:had|have|got|)\s*"
       r"(?:a|an|this|some|such an?)\s+(?:[\w-]+\s+){0,2}?"
       r"(?:soft spot|weakness|passion|love|fondness|penchant|thing|taste|preference|"
       r"appreciation|affinity|liking|craving|enthusiasm|fascination|interest|commitment|"
       r"belief|dedication|obsession|love affair)\s+(?:for|in|with|to)\s+(?P<obj>.+)"),
    # "I'm averse to X", "I'm wary of X", "I'm uncomfortable around X", "I'm not one for X"
    shape("aversion", rf"^{I_AM}{ADV}(?:averse\s+to|wary\s+of|(?:deathly\s+|terribly\s+|really\s+)?"
       r"(?:afraid|scared|terrified|fearful)\s+of|uncomfortable\s+(?:with|around|in)|"
       r"not\s+(?:very\s+|really\s+)?comfortable\s+(?:with|around|in)|put\s+off\s+by|"
       r"turned\s+off\s+by|fed\s+up\s+with|opposed\s+to|against|intolerant\s+(?:to|of)|"
       r"sensitive\s+to|not\s+(?:big\s+on|keen\s+on|fond\s+of|one\s+for|much\s+(?:for|into)))"
       r"\s+(?P<obj>.+)", "no"),
    # "I can't stand/bear/tolerate/handle X", "I just can't do mornings"
    shape("aversion", rf"^i\s+{ADV}(?:can't|cannot|can not|could never|can never)\s+{ADV}"
       r"(?:stand|bear|tolerate|handle|stomach|abide|deal with|digest|get behind|"
       r"get used to|get into(?!\s+(?:the|my|your|his|her|our|their|a|an)\b))\s+(?P<obj>.+)",
       "no"),
    # "I don't do well with X", "I do best in X"
    shape("aversion", rf"^i\s+{ADV}(?:don't|do not)\s+(?:really\s+)?do\s+(?:well|great|too well)\s+"
       r"(?:with|in|around|on|at)\s+(?P<obj>.+)", "no", inferred=True),
    # "I learn best through hands-on practice", "I focus better in the morning"
    shape("habit", rf"^i\s+{ADV}(?:learn|work|study|focus|concentrate|sleep|think|remember things|"
       r"understand things|retain (?:information|things)|absorb (?:information|things))\s+"
       r"(?:best|better|most effectively|more easily|well)\s+(?P<obj>(?:when|with|in|by|through|"
       r"at|if|from|on|using|after|before|while)\b.+)", inferred=True),
    # "I struggle with long lectures", "I have trouble focusing in noisy rooms"
    shape("constraint", rf"^i\s+{ADV}(?:struggle|have (?:a lot of\s+|some\s+)?trouble|"
       r"have a hard time|find it (?:hard|difficult))\s+(?:with\s+|to\s+)?(?P<obj>.+)", "no",
       inferred=True),
    # "I have bad knees", "I have a weak back"
    shape("constraint", r"^i\s+have\s+(?:a\s+)?(?:bad|weak|sore|injured|dodgy|bum|arthritic|"
       r"sensitive|recovering)\s+(?P<obj>knees?|back|hips?|ankles?|shoulders?|wrists?|joints?|"
       r"stomach|skin|eyes|ears|neck|feet)\b", "no", inferred=True, whole=True),
    # "I refuse to X", "I'd never X", "you'll never catch me X"
    shape("aversion", r"^(?:i\s+(?:flat(?:ly)?\s+|absolutely\s+)?refuse\s+to|i(?:'d| would)\s+never|"
       r"you(?:'ll| will) never catch me|you won't catch me)\s+(?P<obj>.+)", "no"),
    # "I've always been drawn to X", "I've long been fascinated by X"
    shape("attraction", rf"^{I_HAVE}(?:always\s+|long\s+|also\s+|forever\s+|really\s+|"
       rf"(?P<neg2>never\s+(?:really\s+)?))*been\s+{DEGREE}"
       r"(?:drawn|attracted|fascinated|captivated|intrigued|enchanted|obsessed|hooked|"
       r"interested|passionate|fond|keen|partial|devoted|in love|(?P<neg>wary|afraid|scared|"
       r"terrified|averse|opposed|one)|an?\s+(?:big\s+|huge\s+|firm\s+|strong\s+)?"
       r"(?:fan|believer|advocate|sucker|supporter)|(?=into\b))\s*"
       r"(?:to|by|with|in|about|of|on|for|into)\s+(?P<obj>.+)"),
    # "I've recently gotten into X", "I've become obsessed with X"
    shape("attraction", rf"^{I_HAVE}(?:recently\s+|really\s+|also\s+|lately\s+)*(?:gotten|got|"
       rf"become|grown)\s+{DEGREE}(?:into|fond of|obsessed with|interested in|hooked on|"
       r"attached to)\s+(?P<obj>.+)"),
    # "I've had bad experiences with X"
    shape("aversion", rf"^{I_HAVE}had\s+(?:some\s+|a few\s+|a couple of\s+|too many\s+|a\s+)?"
       r"(?:really\s+)?(?:bad|terrible|awful|horrible|negative|unpleasant|rough)\s+"
       r"experiences?\s+with\s+(?P<obj>.+)", "no", inferred=True),
    # "I've always loved X", "I've never liked X"
    shape("attraction", rf"^{I_HAVE}(?:always|long|forever|(?P<neg>never))\s+"
       r"(?:loved|liked|enjoyed|adored|preferred|appreciated|admired|been into)\s+(?P<obj>.+)"),
    shape("aversion", rf"^{I_HAVE}(?:always|long|forever)\s+(?:hated|disliked|avoided|detested|"
       r"loathed|dreaded)\s+(?P<obj>.+)", "no"),
    # "I'm drawn to X", "I'm hooked on X", "I'm all about X", "I'm a firm believer in X"
    shape("attraction", rf"^{I_AM}{ADV}(?:{DEGREE})(?:drawn|attracted|fascinated|captivated|"
       r"intrigued|enchanted|hooked|addicted|devoted|partial|committed|dedicated|all|"
       r"an?\s+(?:big\s+|huge\s+|firm\s+|strong\s+|great\s+|true\s+|total\s+)?"
       r"(?:believer|advocate|proponent|supporter|champion|sucker))\s+"
       r"(?:to|by|with|in|on|of|for|about)\s+(?P<obj>.+)"),
    # "I'm a great lover of X", "I'm a big admirer of X"
    shape("attraction", rf"^{I_AM}{ADV}an?\s+(?:(?:big|huge|great|true|real|lifelong|avid|keen)\s+)?"
       r"(?:lover|admirer|enthusiast|devotee|connoisseur|fan)\s+of\s+(?P<obj>.+)"),
    # "I gravitate towards X", "I thrive on X", "I swear by X", "I live for X"
    shape("attraction", rf"^i\s+{ADV}(?:tend to\s+)?(?:(?:gravitate|lean)\s+(?:towards?|to)|"
       r"tend\s+towards?)\s+(?P<obj>.+)"),
    shape("attraction", rf"^i\s+{ADV}(?:live for|swear by|thrive on|thrive in|crave|relish|"
       r"can't get enough of|cannot get enough of|can't live without|couldn't live without|"
       r"never say no to|can never say no to|can't resist|cannot resist)\s+(?P<obj>.+)"),
    # "Nothing beats X", "there's nothing like X", "you can't beat X"
    shape("attraction", r"^(?:(?:for me,?\s+)?nothing\s+(?:quite\s+)?(?:beats|compares to|"
       r"tops|comes close to)|there(?:'s| is)\s+nothing\s+(?:quite\s+|better\s+|I love more\s+)?"
       r"(?:like|than)|you\s+can't\s+beat|can't beat|nothing makes me (?:happier|"
       r"more relaxed) than)\s+(?P<obj>.+)"),
    shape("aversion", r"^(?:there(?:'s| is)\s+nothing\s+i\s+(?:hate|dislike|dread)\s+more\s+than|"
       r"nothing\s+(?:bothers|annoys|irritates|frustrates|stresses)\s+me\s+(?:out\s+)?more\s+"
       r"than)\s+(?P<obj>.+)", "no"),
    # "I firmly believe in X", "I value X", "I care deeply about X", "I prioritise X"
    shape("value", rf"^i\s+{ADV}(?:believe in|value|prioriti[sz]e|care\s+(?:a lot\s+|deeply\s+|"
       r"so much\s+|a great deal\s+)?about|place\s+(?:a\s+)?(?:high|great|huge|big|lot of)\s+"
       r"(?:value|importance|emphasis)\s+on|put\s+(?:a\s+)?(?:high\s+|great\s+|huge\s+|big\s+|"
       r"lot of\s+)?(?:value|importance|emphasis|priority)\s+on|make\s+(?:it\s+)?a\s+"
       r"(?:point|priority)\s+(?:of|to)|stand for|advocate for|champion)\s+(?P<obj>.+)"),
    # "X is really important to me", "X matters a lot to me", "X is a deal-breaker for me"
    shape("value", r"^(?P<obj>.+?)\s+(?:(?:is|are|has always been|have always been)\s+(?:(?:really|"
       r"very|so|extremely|incredibly|super|deeply|hugely|always|most)\s+)*(?:important|"
       r"essential|crucial|key|a (?:top\s+|high\s+|big\s+|real\s+)?priority|non-negotiable|"
       r"a must(?:-have)?|everything|(?P<neg>a deal-?breaker|a no-go|off-limits|off the table|"
       r"a (?:big\s+|hard\s+)?(?:no|pass)))|"
       r"matters?\s+(?:a lot\s+|so much\s+|a great deal\s+)?|means\s+(?:a lot|so much|"
       r"everything|the world))\s+(?:to|for)\s+me\b", subject_first=True),
    # "X is not my thing", "X isn't for me", "X is my happy place"
    shape("aversion", r"^(?P<obj>.+?)\s+(?:is|are|was|were)(?:n't|\s+not)\s+(?:really\s+|exactly\s+|"
       r"quite\s+|just\s+)?(?:my\s+(?:thing|cup of tea|style|scene|jam|vibe|kind of thing)|"
       r"for me)\b", "no", subject_first=True),
    shape("attraction", r"^(?P<obj>.+?)\s+(?:is|are)\s+(?:totally\s+|really\s+|definitely\s+|"
       r"always\s+|more\s+)?(?:(?:one of\s+)?my\s+(?:thing|jam|happy place|go-to|comfort zone|"
       r"guilty pleasures?|weakness|cup of tea|vibe|kind of thing|style|speed|pace|scene)|"
       r"right up my alley)\b", subject_first=True),
    shape("attraction", r"^(?P<obj>.+?)\s+(?:really\s+|always\s+|just\s+)?(?:works?\s+(?:best|"
       r"better|well)\s+for\s+me|helps?\s+me\s+(?:focus|learn|relax|concentrate|remember|"
       r"unwind|sleep|recharge|stay motivated))\b", subject_first=True),
    # "Crowds stress me out", "Long drives bore me", "Gardening calms me down"
    shape("attraction", r"^(?P<obj>.+?)\s+(?:really\s+|always\s+|just\s+|totally\s+|tends? to\s+)?"
       r"(?:(?P<neg>stress(?:es)? me out|bores? me|puts? me off|freaks? me out|scares? me|"
       r"terrif(?:y|ies) me|drains? me|overwhelms? me|annoys? me|irritates? me|bothers? me|"
       r"gross(?:es)? me out|gives? me (?:a headache|headaches|anxiety|the creeps|hives|"
       r"migraines|heartburn))|relax(?:es)? me|calms? me(?: down)?|energi[sz]es? me|"
       r"inspires? me|excites? me|fascinates? me|recharges? me)\b", subject_first=True),
    # "For me, comfort is key"
    shape("value", r"^for me,?\s+(?P<obj>.+?)\s+(?:is|are)\s+(?:really\s+|always\s+|absolutely\s+)?"
       r"(?:key|essential|everything|a must|non-negotiable|important|crucial|the priority|"
       r"a priority|the most important thing)\b", subject_first=True),
    shape("attraction", r"^(?P<obj>.+?)\s+(?:really\s+|just\s+|always\s+|(?P<neg>(?:doesn't|don't|"
       r"does not|do not|never)\s+(?:really\s+)?))?(?:(?:appeals?|speaks?|resonates?|agrees?|"
       r"sits? well)\s+(?:to|with)\s+me|(?:interests?|excites?)\s+me)\b", subject_first=True),
    # "Hiking is something I really enjoy", "Golf isn't something I care about"
    shape("attraction", r"^(?P<obj>.+?)\s+(?:is|are)(?P<neg>n't|\s+not)?\s+(?:really\s+)?"
       r"(?:something|anything|a thing)\s+(?:that\s+)?I\s+(?:(?:really|truly|genuinely|"
       r"always)\s+)?(?:enjoy|like|love|value|care (?:for|about)|'m (?:into|interested in)|"
       r"am (?:into|interested in)|look forward to)\b", subject_first=True),
    # "I'm happiest outdoors", "I feel most at home in small towns"
    shape("attraction", rf"^(?:{I_AM}(?:always\s+)?|i\s+(?:always\s+)?feel\s+)(?:happiest|most "
       r"(?:relaxed|comfortable|alive|at home|at ease|at peace)|at my (?:best|happiest)|in my "
       r"element)\s+(?P<obj>(?:when|with|in|on|at|outdoors|outside|around|by)\b.*)",
       whole=True),
    # "I'm always up for X", "I'm much more into X", "I could watch X all day"
    shape("attraction", rf"^{I_AM}{ADV}(?:(?:up|game|down)\s+for|(?:much\s+|a lot\s+|far\s+)?"
       r"more\s+(?:into|drawn to|interested in|of a fan of))\s+(?P<obj>.+)"),
    shape("attraction", r"^i\s+could\s+(?:happily\s+)?(?:eat|watch|listen to|read|play|drink|"
       r"spend hours (?:on|in|with)?)\s*(?P<obj>.+?)\s+(?:all day|every day|forever|for hours|"
       r"all the time|on repeat|every single day)\b", whole=True),
    # "I've grown to love X", "I've come to appreciate X", "I've learned to avoid X"
    shape("attraction", rf"^{I_HAVE}(?:really\s+|slowly\s+|also\s+)*(?:grown|come|learned|learnt)"
       r"\s+to\s+(?:love|appreciate|enjoy|like|value|prefer|(?P<neg>hate|dislike|avoid|dread|"
       r"distrust))\s+(?P<obj>.+)"),
    # "I find X relaxing" / "I find X overwhelming"
    shape("attraction", rf"^i(?:\s+|'ve\s+|\s+have\s+)(?:always\s+|generally\s+|usually\s+)*"
       rf"(?:(?<=have )|(?<='ve )|(?<=always )|(?<=generally )|(?<=usually ))?{ADV}"
       rf"(?:find|(?<=always )found)\s+(?P<obj>.+?)\s+(?:to be\s+)?{DEGREE}(?:more\s+)?"
       rf"(?:(?P<neg>{NEG_ADJ})|{POS_ADJ})\b", whole=True),
    # "Flying makes me anxious", "Being outdoors makes me happy"
    shape("attraction", rf"^(?P<obj>.+?)\s+(?:always\s+|really\s+|just\s+|tends? to\s+)?"
       rf"(?:makes?|gets?)\s+me\s+(?:feel\s+)?{DEGREE}(?:(?P<neg>{NEG_ADJ})|{POS_ADJ})\b",
       subject_first=True),
    shape("attraction", rf"^i\s+{ADV}get\s+{DEGREE}(?:excited|enthusiastic|a (?:real\s+)?thrill|"
       r"a kick)\s+(?:about|by|from|out of|when)\s+(?P<obj>.+)"),
    # "I get seasick", "I get anxious in crowds"
    shape("constraint", rf"^i\s+{ADV}(?:get|feel|become)\s+{DEGREE}(?P<obj>(?:sea|car|air|"
       r"motion|travel)\s*sick(?:ness)?|claustrophobic|(?:anxious|nervous|overwhelmed|"
       r"uncomfortable|queasy|dizzy|stressed)\s+(?:in|around|on|when|with|about|during|"
       r"by)\s+.+)", "no", inferred=True),
    # "I suffer from migraines", "I was diagnosed with celiac disease"
    shape("constraint", r"^i\s+(?:suffer from|live with|(?:was|have been|'ve been)\s+diagnosed "
       r"with)\s+(?P<obj>.+)", "no", inferred=True),
    # "I follow a plant-based diet", "I'm on a low-carb diet", "I keep kosher"
    shape("diet", rf"^i(?:'m| am)?\s+{ADV}(?:follow(?:ing)?|eat(?:ing)?|stick(?:ing)? to|"
       r"keep(?:ing)? to|maintain(?:ing)?|on|(?:try|trying) to (?:follow|eat|stick to))\s+"
       r"(?:a|an)\s+(?:(?:strict|strictly|mostly|mainly|largely|fully|entirely|primarily|"
       r"very)\s+)?(?P<obj>[\w-]+(?:\s+[\w-]+){0,2}?)\s+(?:diet|lifestyle|eating plan)\b",
       whole=True),
    shape("diet", rf"^my\s+diet\s+is\s+{ADV}(?P<obj>[\w-]+(?:\s+[\w-]+)?)$", whole=True),
    shape("diet", rf"^i\s+{ADV}(?:keep|eat|eat only|only eat)\s+(?P<obj>kosher|halal|"
       r"plant-based|organic)\b", whole=True),
    # "I'm on a tight budget", "my budget is limited", "I can't afford X"
    shape("budget", rf"^{I_AM}{ADV}(?:on|working with|sticking to|living on|working on)\s+"
       rf"(?:a|an)\s+{DEGREE}(?P<obj>tight|limited|strict|small|fixed|modest|shoestring|low|"
       r"lean|student|restricted)\s+budget\b", "no", inferred=True, whole=True),
    shape("budget", rf"^my\s+budget\s+is\s+{DEGREE}(?P<obj>tight|limited|small|modest|low|fixed|"
       r"restricted)\b", "no", inferred=True, whole=True),
    shape("budget", r"^money(?:'s| is)\s+(?:\w+\s+)?(?P<obj>tight)\b", "no", inferred=True,
       whole=True),
    shape("budget", r"^i\s+(?:really\s+)?(?:can't|cannot|can not)\s+(?:really\s+)?afford\s+"
       r"(?!to\b)(?P<obj>.+)", "no", inferred=True),
    # "I'm particular about X", "I'm very conscious of X"
    shape("value", rf"^{I_AM}{DEGREE}(?:particular|picky|fussy|careful|conscious|mindful|"
       r"serious)\s+(?:about|of|with|when it comes to)\s+(?P<obj>.+)"),
    shape("value", rf"^{I_AM}{DEGREE}(?P<obj>(?:eco|health|budget|cost|price|environmentally|"
       r"environment|safety|privacy|style|fashion|quality)[- ]conscious)\b", whole=True),
    # "I have a severe nut allergy", "I have a gluten intolerance"
    shape("allergy", r"^i\s+have\s+(?:an?\s+)?(?:(?:severe|mild|bad|serious|slight|strong|"
       r"life-threatening|deadly)\s+)?(?P<obj>[\w-]+(?:\s+[\w-]+)?)\s+(?:allergy|allergies|"
       r"intolerance|sensitivity)\b", "no", whole=True),
    # "I'm trying to cut down on sugar", "I've given up meat", "I'm trying to eat more greens"
    shape("constraint", rf"^i\s+{ADV}(?:need|have|must)\s+(?:to\s+)?(?:avoid|stay\s+away\s+from|"
       r"steer\s+clear\s+of|limit|watch|be\s+careful\s+(?:with|about))\s+(?P<obj>.+)", "no"),
    shape("constraint", rf"^(?:{I_AM}{ADV}(?:trying|working|attempting|doing my best)\s+to\s+|"
       rf"i\s+{ADV}(?:try|want)\s+to\s+)(?:cut\s+(?:down|back)\s+on|avoid|limit|"
       r"reduce|quit|stay\s+away\s+from|give\s+up|eat\s+less|drink\s+less|stop\s+eating|"
       r"stop\s+drinking|steer\s+clear\s+of|watch)\s+(?P<obj>.+)", "no", inferred=True),
    shape("constraint", rf"^(?:{I_HAVE}|i\s+)(?:recently\s+|just\s+|also\s+|completely\s+)?"
       r"(?:cut\s+out|given\s+up|gave\s+up|quit|stopped\s+eating|stopped\s+drinking|"
       r"cut\s+back\s+on|sworn\s+off|swore\s+off)\s+(?P<obj>.+)", "no", inferred=True),
    shape("constraint", rf"^{I_AM}{ADV}(?:trying|working|attempting)\s+to\s+(?:eat|drink|get|"
       r"include|add|be|live|shop|travel|dress|stay)\s+more\s+(?P<obj>.+)", inferred=True),
    # "I only wear natural fabrics", "I mostly shop second-hand"
    shape("habit", r"^i\s+(?:(?:usually|generally|pretty much|almost|now|also)\s+)?(?:only|mostly|"
       r"mainly|exclusively|primarily|strictly)\s+(?P<obj>(?:eat|wear|buy|use|watch|drink|read|"
       r"fly|stay|shop|listen|play|cook|travel|drive|book|order|choose|go for|stick to|stick "
       r"with)\b.+)", inferred=True),
    # "I usually cycle to work", "I never eat after 8", "I'm used to early mornings"
    shape("habit", r"^i\s+(?:also\s+|just\s+|still\s+|pretty much\s+|almost\s+)?(?:usually|always|"
       r"often|normally|typically|generally|tend to|regularly|mostly|frequently|"
       r"(?P<neg>never|rarely|seldom|hardly ever|almost never))\s+(?P<obj>.+)", inferred=True),
    shape("habit", rf"^(?:{I_AM}{ADV}(?:used|accustomed)\s+to|{I_AM}in the habit of|"
       r"i\s+make\s+(?:it\s+)?a\s+(?:point|habit)\s+(?:of|to)|i\s+(?:always\s+)?make\s+sure\s+"
       r"(?:to|that i|i))\s+(?P<obj>.+)", inferred=True),
    shape("habit", r"^(?:every|each)\s+(?:single\s+)?(?:day|morning|evening|night|week|weekend|"
       r"summer|winter|year|month)\s*,?\s+i\s+(?:usually\s+|always\s+)?(?P<obj>.+)",
       inferred=True, whole=True),
    shape("habit", r"^i\s+(?!(?:was|were|had|did|went|would|could|should|will|'ll|might)\b)"
       r"(?P<obj>\w+\s.+?)\s+(?:every\s+(?:single\s+)?(?:day|morning|evening|night|week|"
       r"weekend|month|summer|winter|year)|(?:once|twice|(?:two|three|four|five|a few|several)"
       r"\s+times)\s+a\s+(?:day|week|month|year)|most\s+(?:days|mornings|evenings|weekends)|"
       r"on\s+weekends|daily|weekly)\b", inferred=True, whole=True),
    # "I'm someone who needs quiet mornings", "I'm the kind of traveller who packs light"
    shape("trait", rf"^{I_AM}(?P<neg>not\s+)?(?:(?:really|definitely|very much|just|always|"
       r"generally)\s+)?(?:someone|somebody|a person|one of those people|the (?:kind|type|sort) of [\w-]+)\s+"
       r"(?:who|that)\s+(?P<obj>.+)", inferred=True),
    # "I'm a visual learner", "I'm a picky eater", "I'm a light sleeper"
    shape("trait", rf"^{I_AM}(?P<neg>not\s+)?(?:really\s+|definitely\s+|more of\s+|kind of\s+)?"
       r"(?:a|an)\s+(?P<obj>(?:[\w-]+\s+){1,2}(?:learner|eater|sleeper|reader|traveler|"
       r"traveller|thinker|planner|shopper|spender|saver|cook|walker|riser))"
       r"(?=\s*(?:[,;]|$|\s+(?:and|but|so|because|since|who)\b))", inferred=True),
    # "I'm a morning person", "I'm a huge coffee lover", "I'm not a beach person"
    shape("trait", rf"^{I_AM}(?:just\s+|honestly\s+|simply\s+)?(?P<neg>not\s+(?:really\s+|"
       r"exactly\s+)?(?:much of\s+)?)?(?:more of\s+|"
       r"definitely\s+|really\s+|very much\s+|totally\s+|such\s+|kind of\s+|kinda\s+|"
       r"a bit of\s+|quite\s+|always been\s+)?(?:a|an)\s+(?P<obj>(?:[\w-]+\s+){0,3}?"
       rf"(?:{TRAIT_NOUN}))(?:\s+at heart)?(?=\s*(?:[,;]|$|\s+(?:and|but|so|because|since)\b))",
       inferred=True),
    shape("trait", rf"^{I_AM}{DEGREE}(?P<obj>outdoorsy|adventurous|introverted|extroverted|"
       r"frugal|thrifty|sporty|artsy|crafty|spontaneous|(?P<neg>squeamish|claustrophobic|"
       r"risk-averse))\b", inferred=True, whole=True),
)

# Objects that name nothing: "I can't stand up", "I can't do it", "I value your help".
_BAD_OBJECT = re.compile(
    r"^(?:it\b(?!\s+when)|(?:up|down|still|by|back|out|on|off|here|there|now|right now|at the moment|being|"
    r"to be|anymore|any more|much|so|too|you|your|yours|which|what|who|why|how|if|whether|"
    r"the fact)\b|(?:him|her|them|us|me|myself|it|that|this|these|those|anything|everything|"
    r"something|nothing|one|people|stuff|things)$|$)",
    re.I,
)
_PRONOUN_SUBJECT = re.compile(
    r"^(?:it|that|this|these|those|they|he|she|which|what|who|there|here|you|if|when|whether|"
    r"unless|what if|even if|so|and|but)\b|\b(?:he|she|they|you|your|yours|his|her|their|we|"
    r"our|I|I'm|I've|I'd|I'll)\b|,",
    re.I,
)
_SOFTENER = re.compile(
    r",?\s+(?:honestly|to be honest|really|though|tbh|lol|haha|either|too|anyway|actually|"
    r"for sure|i guess|i think|i suppose)$",
    re.I,
)
# Conditionals and hypotheticals state no preference of the speaker.
_HYPOTHETICAL = re.compile(
    r"^(?:if|when|whenever|whether|unless|suppose|supposing|imagine|what if|in case|even if|"
    r"assuming|should|were)\b",
    re.I,
)
_OBJECT_CUT = re.compile(
    r"\s+(?:like when|unless|if|whenever|while|even though|"
    r"although|as well as|and i|and that|and so|so i|which|because|since|but)\b.*$",
    re.I,
)
# Discourse frames around a statement: "I must say", "I've realised that", "I think I …".
_EPISTEMIC = re.compile(
    r"^(?:i\s+(?:have to|must|gotta|should|need to)\s+(?:say|admit|confess|mention|tell you|"
    r"be honest)|i(?:'ll| will)\s+(?:admit|confess|be honest|say)|i(?:'d| would)\s+say|"
    r"i(?:'ve| have)\s+(?:always\s+|recently\s+|also\s+)*(?:realized|realised|noticed|found|"
    r"discovered|learned|learnt|come to realize|come to realise)|i\s+(?:realized|realised|"
    r"noticed|discovered|(?:do\s+)?(?:think|feel(?:\s+like)?|guess|believe|know|suppose|"
    r"find))|(?:it|this|that)\s+reminds\s+me\s+(?:of\s+)?(?:how|that))(?:\s*,?\s*(?:that\s+)?(?=(?:i|i'm|i've|my|nothing|there's)\b)|$)",
    re.I,
)
_TRANSIENT = re.compile(
    r"\b(?:right now|at the moment|just now|today(?!'s)|tonight|this (?:morning|afternoon|evening)|"
    r"(?:can't|cannot|can not) stand\s+(?:up|still|by|straight))\b",
    re.I,
)
# A clause whose subject is someone else: "my sister …", "our kids …".
_OTHERS = re.compile(
    r"^(?!.*\band (?:i|me)\b)(?:my|our)\s+(?!(?:own|favou?rite|fav|go-to|preference|preferences|top|biggest|main|"
    r"number one|all-time|absolute|diet|budget|ideal|dream|perfect|choice|pick|taste|"
    r"weakness|guilty)\b)(?:[\w-]+\s+){0,2}?(?:is|are|was|were|has|have|had|can't|cannot|"
    r"doesn't|don't|does|do|loves?|likes?|hates?|enjoys?|prefers?|avoids?|refuses?|won't|"
    r"always|never|really|only|just|also|can)\b",
    re.I,
)
_NEGATIVE_STATE = re.compile(
    r"\b(?:bored|anxious|stressed|overwhelmed|sick|uncomfortable|nervous|queasy)\b", re.I
)
_NEGATED_VP = re.compile(
    r"^(?:\w+ly\s+)?(?:doesn't|does not|don't|do not|can't|cannot|never|rarely|hates?|"
    r"dislikes?|avoids?|refuses?|is not|isn't|am not|won't)\b",
    re.I,
)
_HYPOTHETICAL_INSIDE = re.compile(
    r"^(?:i wonder|i'm wondering|i am wondering|i'm not sure|i am not sure|not sure)\b|"
    r"\b(?:wonder(?:ing)? (?:if|whether)|would i|what if)\b",
    re.I,
)
# Verbs of thinking and saying: "I always think …" is no habit worth keeping.
_NOT_HABITS = frozenset(
    ["feel", "feels", "think", "wonder", "wish", "hope", "want", "say", "forget", "mean",
     "know", "remember", "believe", "seem", "guess", "imagine", "tell", "ask"]
)  # fmt: skip
_ADVERB_WORD = re.compile(r"^(?:also|just|really|still|often|usually|[a-z]+ly)$", re.I)
_PAST = re.compile(r"^\w+ed$", re.I)
_REFINABLE_TYPES = frozenset({MemoryType.FACT, MemoryType.EVENT, MemoryType.GOAL})


def implied_preference(clause: str) -> Hit | None:
    """The implied preference a first-person clause states, if any (first family wins)."""
    text = _SOFTENER.sub("", clause.strip().rstrip(".!"))
    if _HYPOTHETICAL.match(text) or _HYPOTHETICAL_INSIDE.search(text):
        return None
    for family in (*_FAMILIES, *STANCE_FAMILIES):
        m = family.pattern.match(text)
        if m is None:
            continue
        hit = _hit(family, m, text)
        if hit is not None:
            return hit
    return None


def refine(clause: str, hit: Hit | None) -> Hit | None:
    """The families' hit, or the implied preference where the families missed one."""
    if _EPISTEMIC.fullmatch(clause.rstrip(".!")):
        return None  # "I have to say" alone (its statement is the next clause)
    inner = _unwrap(clause)
    if inner is not None:
        # "I have to say, I can't stand crowds": the statement inside is what is said.
        found = refine(inner, classify_clause(inner, False))
        if found is not None:
            return found
    if hit is not None and hit.attribute and hit.attribute.startswith(AttributeFamily.ALLERGY):
        what = hit.attribute.split(":", 1)[1]
        hit.type = MemoryType.PREFERENCE
        hit.signals = [*hit.signals, "implied", "negation"]
        hit.preference = PreferenceInfo(
            explicit=False, reasoning=f'constraint: allergic to "{what}", so avoids it'
        )
        return hit
    if _TRANSIENT.search(clause):
        # "I can't eat anything right now": a passing state, not a standing preference.
        likes = hit is not None and (hit.attribute or "likes:").startswith(AttributeFamily.LIKES)
        return None if likes and hit.type == MemoryType.PREFERENCE else hit
    if hit is not None and hit.type == MemoryType.PREFERENCE and _HYPOTHETICAL_INSIDE.search(
        clause
    ):
        return None  # "I wonder if I would like opera" states no preference yet
    if hit is not None and hit.type == MemoryType.PREFERENCE and _OTHERS.match(clause):
        # "My sister can't stand crowds": a fact about the sister, not the speaker's taste.
        hit.type, hit.attribute, hit.value, hit.preference = MemoryType.FACT, None, None, None
        hit.signals = [x for x in hit.signals if x not in {"explicit", "negation"}]
        return hit
    if (hit is not None and not (
        hit.type in _REFINABLE_TYPES
        or (hit.type == MemoryType.PREFERENCE and not hit.attribute)
    )) or (hit is not None and hit.attribute and "change" in hit.signals):
        return hit  # explicit likes, diets, favourites, instructions, decisions, changes stay
    found = implied_preference(clause)
    return found if found is not None else hit


def _unwrap(clause: str) -> str | None:
    """The first-person statement inside "I have to say (that) …", "I've realised …"."""
    m = _EPISTEMIC.match(clause)
    if m is None:
        return None
    inner = clause[m.end() :].strip(" ,")
    return inner[0].upper() + inner[1:] if inner else None


def _hit(family: Family, m: re.Match[str], text: str) -> Hit | None:
    raw = m.group("obj")
    if family.subject_first:
        obj = raw.strip(" ,")
        if _PRONOUN_SUBJECT.search(obj) or len(obj.split()) > MAX_OBJECT_WORDS:
            return None
    else:
        obj = _object(raw, family.name == "habit")
        if _BAD_OBJECT.match(obj):
            return None
        words = obj.split()
        first = next((w.lower() for w in words if not _ADVERB_WORD.match(w)), words[0].lower())
        if family.name == "habit" and (
            _PAST.match(first) or first in PAST_IRREGULAR or first in _NOT_HABITS
        ):
            return None  # "I always wanted to …" is a wish, "I always feel like …" a mood
        obj = " ".join(words[:MAX_OBJECT_WORDS])
    if not obj:
        return None
    # The content is the clause as said (the splitter has cut it from its neighbours);
    # the trimmed object is the conflict key.
    span = text
    negative = family.polarity == "no" or any(
        v for k, v in m.groupdict().items() if k.startswith("neg")
    )
    if family.name in {"habit", "trait"} and (_NEGATIVE_STATE.search(obj) or _NEGATED_VP.match(obj)):
        negative = True  # "I tend to get bored lying around"
    polarity = "no" if negative else "yes"
    key = norm_key(_key_phrase(family, obj))
    attribute, value, category = keyed_attribute(AttributeFamily.LIKES, key), polarity, None
    if family.name == "diet":
        attribute, value, category = Attribute.DIET, obj.lower(), Category.HEALTH
    elif family.name == "allergy":
        attribute = keyed_attribute(AttributeFamily.ALLERGY, key)
        value, category = "yes", Category.HEALTH
    elif family.name == "budget":
        value = obj.lower() if len(obj.split()) == 1 else "limited"  # "can't afford X"
        attribute, category = Attribute.BUDGET, Category.FINANCE
    if not key and attribute.startswith(AttributeFamily.LIKES):
        return None
    signals = ["implied", *(["inferred"] if family.inferred else []), *(
        ["negation"] if negative else []
    )]
    rewritten = not _mentions_self(span)  # "Nothing beats X" → "For User, nothing beats X"
    content = f"For {{s}}, {span[0].lower()}{span[1:]}" if rewritten else span
    said = f'"{obj}"'
    if attribute.startswith(AttributeFamily.LIKES):
        said = f"{'averse to' if negative else 'drawn to'} {said}"
    reasoning = f'implied {family.name}: {said} (from "{text[:120]}")'
    return Hit(
        MemoryType.PREFERENCE,
        content,
        attribute,
        value,
        category,
        signals,
        rewritten=rewritten,
        preference=PreferenceInfo(explicit=False, reasoning=reasoning),
    )


def _object(raw: str, habit: bool) -> str:
    """The object phrase: to the first clause boundary, a comma-separated adjective list
    kept ("warm, earthy tones"); a habit keeps its "while commuting" / "when it rains"."""
    if habit:
        obj = re.split(r"[,.!?;]|\s+[-—–]+\s+|\s+(?:because|since|but|so that|which)\s+", raw)[0]
        return obj.strip(" \"'")
    head, _, rest = raw.partition(",")
    if len(head.split()) == 1 and rest.strip() and not _NOT_A_LIST.match(rest):
        return f"{head.strip()}, {_trim(rest)}"  # "warm, earthy tones"
    return _trim(raw)


def _trim(text: str) -> str:
    head = _OBJECT_CUT.sub("", object_phrase(text)).strip()
    # "crowded places, especially in summer": the specification belongs to the object.
    m = _SPECIFIED.match(text)
    if m and m.group(1).strip() == head:
        return f"{head}, {_OBJECT_CUT.sub('', object_phrase(m.group(2))).strip()}"
    return head


_SPECIFIED = re.compile(
    r"^([^,;.!?]+),\s*((?:especially|particularly|such as|including|notably|mainly|mostly|"
    r"even)\b[^,;.!?]*)",
    re.I,
)


_NOT_A_LIST = re.compile(
    r"\s*(?:and|but|so|which|who|because|since|i|i'm|it|that|especially|like|though|too|"
    r"as well|either)\b",
    re.I,
)


def _mentions_self(text: str) -> bool:
    return bool(re.search(r"\bI\b|\b(?i:me|my|myself)\b", text))


_TRAIT_HEAD = re.compile(
    r"^(?:(?:huge|big|total|real|true|massive|great|serious|die-hard|avid|keen|lifelong)\s+)*"
    r"(?P<what>.+?)(?:\s+(?:lover|enthusiast|fanatic|buff|junkie|aficionado|connoisseur|nut|"
    r"geek|nerd|addict|fiend|devotee|snob|purist|fan))?$",
    re.I,
)


def _key_phrase(family: Family, obj: str) -> str:
    """The object a conflict key names: "huge coffee lover" → "coffee"."""
    obj = re.split(r",\s*(?:especially|particularly|such as|including|notably|mainly|mostly|even)\b", obj)[0]
    obj = re.sub(
        r"^(?:(?:it\s+)?(?:when|with|in|by|through|at|if|from|on|using|after|before|while)|"
        r"don't|doesn't|do not|does not|not|never)\s+",
        "",
        obj,
        flags=re.I,
    )
    if family.name == "trait":
        m = _TRAIT_HEAD.match(obj)
        if m and m.group("what"):
            return m.group("what")
    return obj
