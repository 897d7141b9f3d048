"""German: "Ich wohne in Hamburg", "Ich arbeite bei Siemens", "Bitte antworte auf Deutsch"."""

from __future__ import annotations

import re

from langmem_extract.extractors.multilingual.packs.base import (
    NAME,
    PROPER,
    RELATIONSHIP_STATUS,
    REPLY_LANGUAGE,
    Pack,
    days,
    diet,
    mapped,
    rule,
)
from langmem_extract.schema import Attribute, Category, MemoryType

F, P, INS, R = (
    MemoryType.FACT,
    MemoryType.PREFERENCE,
    MemoryType.INSTRUCTION,
    MemoryType.RELATIONSHIP,
)

_LANGS = {"deutsch": "de", "englisch": "en", "spanisch": "es", "französisch": "fr",
          "portugiesisch": "pt", "italienisch": "it", "chinesisch": "zh", "japanisch": "ja"}  # fmt: skip
_FAMILY = (
    r"frau|mann|ehemann|ehefrau|mutter|mama|vater|papa|eltern|schwester|bruder|geschwister|sohn|"
    r"tochter|kinder|kind|oma|opa|großmutter|großvater|tante|onkel|cousine|cousin|enkel\w*|"
    r"schwiegermutter|schwiegervater|nichte|neffe"
)
_FRIENDS = r"freund|freundin|beste[rn]? freund(?:in)?|partner|partnerin|verlobte[r]?|chef|chefin|kollege|kollegin|nachbar|nachbarin"  # fmt: skip
_PETS = r"hund|hunde|hündin|katze|katzen|kater|hamster|kaninchen|pferd|papagei|vogel|wellensittich|meerschweinchen|fisch\w*|schildkröte"  # fmt: skip
_JOB = r"(?-i:[A-ZÄÖÜ]\w*(?:in|er|eur|ist|ent|ant|loge|arzt|walt|meister|wirt|helfer))"
_AT = r"(?:\s+\w+){0,4}?"
_ART = r"(?:(?:der|die|dem|den|das)\s+)?"
_NOT_PREP = r"(?!(?:bei|in|im|für|an|am|seit|und)\b)"
_BREEDS = r"labrador|dackel|pudel|schäferhund|golden retriever|beagle|chihuahua|terrier|husky|mops"

RULES = (
    rule(
        r"(?:antworte|antwortet|antworten\s+sie|schreib\w*|sprich|sprechen\s+sie|rede|kommunizier\w*)\b.*?\b(?:auf|in)\s+(?P<v>\w+)"
        r"|\b(?:auf|in)\s+(?P<w>\w+)\s+(?:zu\s+)?(?:antworten|antwortest|schreiben|schreibst|sprechen|sprichst|reden)\b",
        INS,
        "{s} möchte Antworten auf {v}",
        REPLY_LANGUAGE,
        Category.COMMUNICATION,
        values=mapped(_LANGS),
        instruction=True,
    ),
    rule(
        rf"^(?:ich heiße|ich heisse|mein name ist|man nennt mich)\s+{NAME}",
        F,
        "{s} heißt {v}",
        Attribute.NAME,
        Category.PERSONAL,
    ),
    rule(
        rf"^(?:bitte\s+)?(?:nenn|nenne|nennen\s+sie)\s+mich\s+(?:bitte\s+)?{NAME}",
        INS,
        "{s} möchte {v} genannt werden",
        Attribute.PREFERRED_NAME,
        Category.COMMUNICATION,
    ),
    rule(
        r"^ich\s+bin\s+(?:schon\s+|gerade\s+)?(?P<v>\d{1,3})(?:\s+jahre(?:\s+alt)?|\s+geworden)?$",
        F,
        "{s} ist {v} Jahre alt",
        Attribute.AGE,
        Category.PERSONAL,
    ),
    rule(
        r"^(?:ich\s+)?(?:bin|lebe|esse|ernähre mich)\s+(?:\w+\s+){0,2}?(?P<v>vegetari\w*|vegan\w*|pescetari\w*)",
        P,
        "{s} ist {v}",
        Attribute.DIET,
        Category.HEALTH,
        values=diet,
    ),
    rule(
        r"^(?:ich\s+)?(?:bin|habe eine)\s+(?:\w+\s+)?allergi\w*\s+gegen\s+(?P<v>.+)",
        F,
        "{s} ist allergisch gegen {v}",
        "allergy:{key}",
        Category.HEALTH,
        value="yes",
    ),
    rule(
        r"^(?:ich\s+)?bin\s+(?:\w+\s+){0,3}?(?P<v>verheiratet|ledig|single|verlobt|geschieden|verwitwet)\b",
        F,
        "{s} ist {v}",
        RELATIONSHIP_STATUS,
        Category.RELATIONSHIPS,
        values=mapped(
            {
                "verheiratet": "married",
                "ledig": "single",
                "single": "single",
                "verlobt": "engaged",
                "geschieden": "divorced",
                "verwitwet": "widowed",
            }
        ),
    ),
    rule(
        rf"^(?:(?:ich\s+)?(?:wohne|lebe)|wir\s+(?:wohnen|leben)){_AT}\s+(?:in|im|bei)\s+{PROPER}",
        F,
        "{s} wohnt in {v}",
        Attribute.LOCATION,
        Category.LOCATION,
    ),
    rule(
        rf"^(?:(?:ich|wir)\s+)?(?:bin|sind){_AT}\s+nach\s+{PROPER}\s+(?:um)?gezogen",
        F,
        "{s} ist nach {v} gezogen",
        Attribute.LOCATION,
        Category.LOCATION,
        signals=("change",),
    ),
    rule(
        rf"^mein\s+wohnort\s+ist\s+{PROPER}",
        F,
        "{s} wohnt in {v}",
        Attribute.LOCATION,
        Category.LOCATION,
    ),
    rule(
        rf"^(?:ich\s+)?(?:komme|stamme)\s+(?:ursprünglich\s+)?aus\s+{PROPER}",
        F,
        "{s} kommt aus {v}",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(
        rf"^ich\s+bin\s+in\s+{PROPER}\s+geboren",
        F,
        "{s} ist in {v} geboren",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(
        rf"^(?:ich\s+)?arbeite\s+(?:\w+\s+)?als\s+(?P<v>[\w-]+(?:\s+{_NOT_PREP}[\w-]+)?)",
        F,
        "{s} arbeitet als {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        rf"^(?:ich\s+)?arbeite{_AT}\s+(?:bei|für)\s+{_ART}{PROPER}",
        F,
        "{s} arbeitet bei {v}",
        Attribute.EMPLOYER,
        Category.CAREER,
    ),
    rule(
        rf"^ich\s+bin\s+(?:von\s+beruf\s+)?(?:ein\s+|eine\s+)?(?P<v>{_JOB})$",
        F,
        "{s} arbeitet als {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^(?:ich bin von beruf|mein beruf ist|von beruf bin ich)\s+(?:ein\s+|eine\s+)?(?P<v>\w+(?:\s+\w+)?)$",
        F,
        "{s} arbeitet als {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^(?:ich\s+)?studiere\s+(?P<v>\w+(?:\s+\w+)?)",
        F,
        "{s} studiert {v}",
        Attribute.STUDIES,
        Category.EDUCATION,
    ),
    rule(r"^(?:ich\s+)?spreche\s+(?P<v>.+)", F, "{s} spricht {v}", None, Category.LANGUAGES),
    rule(
        r"^mein(?:e)?\s+lieblings(?P<what>\w+)\s+ist\s+(?P<v>.+)",
        P,
        "{s}s Lieblings{what} ist {v}",
        "favorite:{what}",
    ),
    rule(
        r"^(?:ich\s+)?mag\s+(?:kein|keine|keinen)\s+(?P<v>.+)",
        P,
        "{s} mag keine {v}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        r"^(?:ich\s+)?(?:mag|liebe)\s+(?P<v>.+?)\s+(?:gar\s+|überhaupt\s+)?nicht$",
        P,
        "{s} mag {v} nicht",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        r"^(?:ich\s+)?(?:hasse|verabscheue)\s+(?P<v>.+)",
        P,
        "{s} hasst {v}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        r"^(?P<v>.+?)\s+(?:kann ich nicht (?:aus)?stehen|mag ich (?:gar )?nicht|hasse ich)$",
        P,
        "{s} mag {v} nicht",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        r"^(?:ich\s+)?liebe\s+(?!dich\b|es\b|das\b|euch\b)(?P<v>.+)",
        P,
        "{s} liebt {v}",
        "likes:{key}",
        value="yes",
    ),
    rule(
        r"^(?:ich\s+)?mag\s+(?!dich\b|es\b|das\b|euch\b)(?P<v>.+)",
        P,
        "{s} mag {v}",
        "likes:{key}",
        value="yes",
    ),
    rule(
        r"^(?:ich\s+)?\w+\s+(?:sehr\s+|total\s+)?gerne?\s+(?P<v>.+)",
        P,
        "{s}: {c}",
        "likes:{key}",
        value="yes",
    ),
    rule(
        rf"^(?:ich\s+habe|habe|wir\s+haben)\s+(?P<v>(?:einen|eine|ein|zwei|drei|vier|fünf|\d+)\s+(?:\w+\s+)?(?:{_PETS}|{_BREEDS})\b.*)",
        F,
        "{s}: {c}",
        None,
        Category.PETS,
    ),
    rule(
        rf"^(?:ich\s+)?habe\s+(?P<v>(?:einen|eine|ein|zwei|drei|vier|fünf|\d+|keine)\s+(?:\w+\s+)?(?:{_FAMILY})\b.*)",
        R,
        "{s} hat {v}",
        None,
        Category.FAMILY,
    ),
    rule(
        rf"^mein(?:e|en|em)?\s+(?P<rest>(?:{_FAMILY})\b.+)", R, "{s}s {rest}", None, Category.FAMILY
    ),
    rule(
        rf"^mein(?:e|en|em)?\s+(?P<rest>(?:{_FRIENDS})\b.+)",
        R,
        "{s}s {rest}",
        None,
        Category.RELATIONSHIPS,
    ),
    rule(rf"^mein(?:e|en|em)?\s+(?P<rest>(?:{_PETS})\b.+)", F, "{s}s {rest}", None, Category.PETS),
    rule(
        rf"^ich\s+bin\s+in\s+{PROPER}\s+aufgewachsen",
        F,
        "{s} ist in {v} aufgewachsen",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(r"^(?:ich\s+)?bin\s+.+\s+aufgewachsen$", F, "{s}: {c}", None, Category.LOCATION),
    rule(r"^(?:ich\s+)?unterrichte\s+(?P<v>.+)", F, "{s} unterrichtet {v}", None, Category.CAREER),
    rule(
        r"^(?:ich\s+)?(?:esse|trinke)\s+(?:kein|keine|keinen)\s+(?P<v>.+)",
        P,
        "{s}: {c}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
)

PACK = Pack(
    code="de",
    rules=RULES,
    cues={
        MemoryType.DECISION: re.compile(r"\b(?:entschieden|entschlossen|beschlossen|entscheide mich|nehmen wir|ich nehme)\b", re.I),
        MemoryType.GOAL: re.compile(r"^(?:ich\s+)?(?:möchte|will|würde gern|plane|hoffe|träume davon)\b|\b(?:habe vor|mein ziel ist|nächste[snm]? (?:jahr|monat|sommer|woche)|irgendwann)\b", re.I),
        MemoryType.EVENT: re.compile(r"\b(?:gestern|vorgestern|letzte[nrsm]?|vorige[nrsm]?|neulich|kürzlich|war|waren|hatte|hatten)\b|^(?:ich\s+)?(?:habe|hab|haben|bin|sind)\b.*\bge\w+(?:t|en)$", re.I),
        MemoryType.PREFERENCE: re.compile(r"\b(?:lieber|am liebsten|bevorzuge|gerne?|hasse|liebe|mag|nicht ausstehen|immer|nie|niemals|nur|meistens|normalerweise|jeden (?:morgen|tag|abend)|vertrage)\b", re.I),
    },
    small_talk=re.compile(r"^(?:(?:das\s+)?wetter\b|es\s+(?:regnet|schneit)|danke|vielen dank|hallo|hi|hey|guten (?:morgen|tag|abend)|tschüss|bis (?:bald|später|dann|morgen)|super|toll|cool|klingt (?:gut|toll|super)|das klingt|das (?:ist|war) (?:ja |echt |wirklich )?(?:toll|super|schön|lustig|gut|interessant|spannend)|ok|okay|alles klar|genau|stimmt|(?:ja|nein)$|haha|wow|schön|gute nacht|viel (?:glück|spaß|erfolg)|(?:herzlichen )?glückwunsch|freut mich|gern geschehen|kein problem)\b", re.I),
    question=re.compile(r"\?\s*$|^(?:was|wie|wo|wann|warum|wieso|weshalb|wer|welche[rsmn]?|kannst du|könntest du|hast du|bist du|weißt du)\b", re.I),
    first_person=re.compile(r"\b(?:ich|mein\w*|mir|mich|wir|uns|unser\w*)\b", re.I),
    clause_split=re.compile(r"(?:,\s*|\s+)(?:und|aber|sondern|denn)\s+(?=(?:ich|mein\w*|wir|arbeite|wohne|lebe|habe|bin|mag|liebe|hasse|spiele|studiere|komme|spreche)\b)|,\s+(?=(?:ich|mein\w*|wir)\b)", re.I),
    generic="{s}: {c}.",
    instruction="{s} an den Assistenten: {c}.",
    said="Am {d} sagte {s}: {c}",
    said_undated="{s} sagte: {c}",
    date_format="{d:02d}.{m:02d}.{y}",
    value_tail=re.compile(r",|\s+(?:und|aber|weil|denn|wenn|obwohl)(?:\s+|$)", re.I),
    lead=re.compile(r"^(?:seit|vor|ab|im|am|an|letzte[nrsm]?|nächste[nrsm]?|diese[nrsm]?|heute|jetzt|inzwischen|mittlerweile|schon|beruflich|zurzeit|derzeit|momentan|eigentlich|privat)\b[^,]{0,30}?(?=\s+\w+\s+(?:ich|wir)\b)", re.I),
    inverted=re.compile(r"^(?P<verb>\w+)\s+(?P<pron>ich|wir)\b", re.I),
    days=days({r"\bvorgestern\b": -2, r"\bgestern\b": -1, r"\bübermorgen\b": 2,
               r"\bheute\b": 0, r"\b(?-i:morgen)\b|^Morgen\b": 1}),
    habit=re.compile(r"\b(?:jeden (?:tag|morgen|abend|sonntag|montag)|jede woche|täglich|morgens|abends|immer|nie|meistens|normalerweise|gewöhnlich)\b", re.I),
    imperative=re.compile(r"^(?:bitte\s+)?(?:antworte|antwortet|antworten sie|schreib|schreibe|sprich|sei|benutze|benutz|verwende|nutze|erkläre|erklär|gib|halte|fasse|fass|nenne|duze|duz|sieze|siez|vermeide|verzichte|frag|frage|korrigiere|übersetze|formuliere|denk|achte|hör auf|lass)\b|\b(?:ich möchte|ich will|ich hätte gern),? dass du\b|^du sollst\b|^(?:bitte\s+)?keine?\s+\w+(?:\s+\w+)?(?:\s+mehr)?(?:,?\s+bitte)?$", re.I),
)  # fmt: skip
