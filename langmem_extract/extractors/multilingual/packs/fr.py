"""French: "J'habite à Lyon", "Je travaille chez Renault", "Réponds-moi toujours en français"."""

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
    possessive,
    rule,
)
from langmem_extract.schema import Attribute, Category, MemoryType

F, P, INS, R = (
    MemoryType.FACT,
    MemoryType.PREFERENCE,
    MemoryType.INSTRUCTION,
    MemoryType.RELATIONSHIP,
)

_LANGS = {"français": "fr", "anglais": "en", "allemand": "de", "espagnol": "es",
          "portugais": "pt", "italien": "it", "chinois": "zh", "japonais": "ja"}  # fmt: skip
_FAMILY = (
    r"femme|mari|épouse|époux|mère|maman|père|papa|parents|sœur|soeur|frère|frères|sœurs|fille|"
    r"fils|filles|enfants|enfant|grand-mère|grand-père|grands-parents|tante|oncle|cousine|cousin|"
    r"petite-fille|petit-fils|petits-enfants|belle-mère|beau-père|nièce|neveu"
)
_FRIENDS = r"copine|copain|petite amie|petit ami|compagne|compagnon|amie|ami|meilleure amie|meilleur ami|patronne|patron|cheffe|chef|collègue|voisine|voisin|fiancée|fiancé"  # fmt: skip
_PETS = r"chiens?|chiennes?|chats?|chattes?|hamsters?|lapins?|chevaux|cheval|perroquets?|oiseaux?|poissons?|tortues?"
_AT = r"(?:\s+\S+){0,4}?"
_JE = r"(?:je\s+|j['’])"
_NOT_PREP = r"(?!(?:chez|à|a|en|pour|dans|de|depuis|et)\b)"
_MY = possessive({"mon": ("le", "le"), "ma": ("la", "la"), "mes": ("les", "les")}, elide=True)

RULES = (
    rule(
        r"(?:réponds|répondez|répondre|parle|parlez|écris|écrivez|communique)\b.*?\ben\s+(?P<v>\w+)",
        INS,
        "{s} veut des réponses en {v}",
        REPLY_LANGUAGE,
        Category.COMMUNICATION,
        values=mapped(_LANGS),
        instruction=True,
    ),
    rule(
        rf"^(?:je\s+m['’]appelle|mon\s+(?:pré)?nom\s+est|moi\s+c['’]est)\s+{NAME}",
        F,
        "{s} s'appelle {v}",
        Attribute.NAME,
        Category.PERSONAL,
    ),
    rule(
        rf"^(?:s['’]il te plaît,?\s+)?(?:appelle-moi|appelez-moi|tu peux m['’]appeler)\s+{NAME}",
        INS,
        "{s} veut qu'on l'appelle {v}",
        Attribute.PREFERRED_NAME,
        Category.COMMUNICATION,
    ),
    rule(r"^j['’]ai\s+(?P<v>\d{1,3})\s+ans$", F, "{s} a {v} ans", Attribute.AGE, Category.PERSONAL),
    rule(
        r"^(?:je\s+suis|je\s+mange)\s+(?:\w+\s+)?(?P<v>végétarien(?:ne)?|végane?|vegan|pescétarien(?:ne)?|végétalien(?:ne)?)",
        P,
        "{s} est {v}",
        Attribute.DIET,
        Category.HEALTH,
        values=lambda w: (
            "vegan" if w.casefold().startswith(("végan", "vegan", "végétal")) else diet(w)
        ),
    ),
    rule(
        r"^(?:je\s+suis)\s+allergique\s+(?:à|aux|au)\s+(?P<v>.+)|^j['’]ai\s+une\s+allergie\s+(?:à|aux|au)\s+(?P<w>.+)",
        F,
        "{s} est allergique à {v}",
        "allergy:{key}",
        Category.HEALTH,
        value="yes",
    ),
    rule(
        r"^je\s+suis\s+(?:\w+\s+){0,2}?(?P<v>mariée?|célibataire|divorcée?|fiancée?|veuf|veuve|pacsée?)\b",
        F,
        "{s} est {v}",
        RELATIONSHIP_STATUS,
        Category.RELATIONSHIPS,
        values=lambda w: {
            "mari": "married",
            "céli": "single",
            "divo": "divorced",
            "fian": "engaged",
            "veuf": "widowed",
            "veuv": "widowed",
            "pacs": "married",
        }.get(w.casefold()[:4]),
    ),
    rule(
        rf"^{_JE}(?:habite|vis|réside){_AT}\s+(?:à|a|en|au|aux|dans)\s+{PROPER}",
        F,
        "{s} habite à {v}",
        Attribute.LOCATION,
        Category.LOCATION,
    ),
    rule(
        rf"^(?:{_JE}(?:ai\s+)?|on\s+a\s+|nous\s+avons\s+|nous\s+sommes\s+)(?:déménagé|emménagé|suis\s+partie?\s+vivre|partis\s+vivre){_AT}\s+(?:à|en|au|aux)\s+{PROPER}",
        F,
        "{s} a déménagé à {v}",
        Attribute.LOCATION,
        Category.LOCATION,
        signals=("change",),
    ),
    rule(
        rf"^(?:je\s+viens|je\s+suis\s+originaire)\s+(?:de|d['’]|du)\s*{PROPER}|^je\s+suis\s+née?\s+(?:à|en|au)\s+{PROPER.replace('?P<v>', '?P<w>')}",
        F,
        "{s} vient de {v}",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(
        rf"^(?:je\s+travaille|je\s+bosse)\s+(?:\w+\s+)?(?:comme|en tant que)\s+(?P<v>[\w-]+(?:\s+{_NOT_PREP}[\w-]+)?)",
        F,
        "{s} travaille comme {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        rf"^(?:je\s+travaille|je\s+bosse){_AT}\s+(?:chez|pour)\s+{PROPER}",
        F,
        "{s} travaille chez {v}",
        Attribute.EMPLOYER,
        Category.CAREER,
    ),
    rule(
        r"^je\s+suis\s+(?P<v>(?:professeure?|prof|médecin|kinésithérapeute|kiné|consultante?|traductrice|traducteur|fonctionnaire|infirmier|infirmière|avocate?|ingénieure?|architecte|développeuse|développeur|designer|journaliste|comptable|étudiante?|cuisinière?|serveuse|serveur|dentiste|psychologue|enseignante?|chercheuse|chercheur|musicienne?|photographe|écrivaine?|vétérinaire|pharmacienne?|policière?|pompière?|électricienne?|boulangère?)(?:\s+(?:de|en)\s+\w+)?)(?:\s+(?:dans|à|chez|en|au|pour)\s+.+)?$",
        F,
        "{s} est {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^(?:mon métier(?:,)? c['’]est|mon métier est|je suis de profession)\s+(?:une?\s+)?(?P<v>\w+(?:\s+\w+)?)$",
        F,
        "{s} est {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^(?:j['’]étudie|je\s+fais\s+des\s+études\s+de)\s+(?:la\s+|le\s+|l['’])?(?P<v>\w+(?:\s+\w+)?)",
        F,
        "{s} étudie {v}",
        Attribute.STUDIES,
        Category.EDUCATION,
    ),
    rule(r"^je\s+parle\s+(?P<v>.+)", F, "{s} parle {v}", None, Category.LANGUAGES),
    rule(
        r"^mon\s+(?P<what>\w+)\s+préférée?\s+(?:est|c['’]est)\s+(?P<v>.+)|^ma\s+(?P<x>\w+)\s+préférée\s+(?:est|c['’]est)\s+(?P<w>.+)",
        P,
        "{s}: {c}",
        "favorite:{what}{x}",
    ),
    rule(
        r"^je\s+n['’](?:aime|adore)\s+pas\s+(?:du\s+tout\s+|trop\s+|beaucoup\s+)?(?P<v>.+)",
        P,
        "{s} n'aime pas {v}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        r"^(?:je\s+déteste|je\s+hais|je\s+ne\s+supporte\s+pas|j['’]ai\s+horreur\s+(?:de|des|du))\s*(?P<v>.+)",
        P,
        "{s} déteste {v}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(r"^j['’]adore\s+(?P<v>.+)", P, "{s} adore {v}", "likes:{key}", value="yes"),
    rule(
        r"^j['’]aime\s+(?:bien\s+|beaucoup\s+)?(?!bien$)(?P<v>.+)",
        P,
        "{s} aime {v}",
        "likes:{key}",
        value="yes",
    ),
    rule(
        rf"^(?:j['’]ai|nous avons|on a)\s+(?P<v>(?:un|une|deux|trois|quatre|\d+)\s+(?:{_PETS})\b.*)",
        F,
        "{s} : {c}",
        None,
        Category.PETS,
    ),
    rule(
        rf"^j['’]ai\s+(?P<v>(?:un|une|deux|trois|quatre|cinq|\d+)\s+(?:{_FAMILY})\b.*)",
        R,
        "{s} a {v}",
        None,
        Category.FAMILY,
    ),
    rule(
        rf"^(?P<poss>mon|ma|mes)\s+(?P<noun>{_FAMILY})\b(?P<rest>.+)",
        R,
        "",
        None,
        Category.FAMILY,
        build=_MY,
    ),
    rule(
        rf"^(?P<poss>mon|ma|mes)\s+(?P<noun>{_FRIENDS})\b(?P<rest>.+)",
        R,
        "",
        None,
        Category.RELATIONSHIPS,
        build=_MY,
    ),
    rule(
        rf"^(?P<poss>mon|ma|mes)\s+(?P<noun>{_PETS})\b(?P<rest>.+)",
        F,
        "",
        None,
        Category.PETS,
        build=_MY,
    ),
    rule(
        rf"^j['’]ai\s+grandi\s+(?:à|a|en|au|aux|dans)\s+(?:\w+\s+){{0,3}}?{PROPER}",
        F,
        "{s} a grandi à {v}",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(r"^j['’]ai\s+grandi\b", F, "{s} : {c}", None, Category.LOCATION),
    rule(r"^j['’]enseigne\s+(?P<v>.+)", F, "{s} enseigne {v}", None, Category.CAREER),
    rule(
        r"^je\s+ne\s+(?:mange|bois)\s+(?:pas|jamais|plus)\s+(?:de\s+|d['’])?(?P<v>.+)",
        P,
        "{s} : {c}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
)

PACK = Pack(
    code="fr",
    rules=RULES,
    cues={
        MemoryType.DECISION: re.compile(r"\b(?:j['’]ai décidé|on a décidé|nous avons décidé|j['’]ai choisi|on a choisi|je prends|on prend|je vais prendre)\b", re.I),
        MemoryType.GOAL: re.compile(r"^(?:je\s+(?:veux|voudrais|souhaite|compte|rêve|aimerais|prévois|espère))\b|^je\s+vais\s+\w+(?:er|ir|re)\b|\b(?:mon (?:objectif|but|rêve) (?:est|c['’]est)|l['’]année prochaine|le mois prochain|l['’]été prochain)\b", re.I),
        MemoryType.EVENT: re.compile(r"\b(?:hier|avant-hier|la semaine dernière|le (?:mois|week-end) dernier|l['’]année dernière|je suis (?:allée?|partie?|venue?|rentrée?|sortie?|tombée?)|j['’]ai (?:\w+\s+)?(?:été|vu|fait|visité|acheté|fini|commencé|rencontré|eu|pris|mangé|couru|gagné|perdu|réussi|passé)|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) dernier)\b", re.I),
        MemoryType.PREFERENCE: re.compile(r"\b(?:je préfère|j['’]aime|j['’]adore|je déteste|je ne supporte pas|d['’]habitude|toujours|jamais|normalement|souvent)\b", re.I),
    },
    small_talk=re.compile(r"^(?:il\s+(?:fait|pleut|neige)|merci|merci beaucoup|bonjour|salut|bonsoir|au revoir|à (?:bientôt|plus|demain)|super|génial|parfait|d['’]accord|ok|okay|(?:oui|non)$|haha\w*|mdr|waouh|c['’]est (?:super|génial|top|cool|drôle|intéressant|chouette|gentil)|ça (?:marche|roule|a l['’]air (?:bien|super))|félicitations|bonne (?:chance|journée|soirée|nuit)|de rien|pas de (?:souci|problème)|tant mieux)\b", re.I),
    question=re.compile(r"\?\s*$|^(?:est-ce que|qu['’]est-ce|que|quoi|comment|où|quand|pourquoi|qui|quel\w*|peux-tu|pourrais-tu|sais-tu)\b", re.I),
    first_person=re.compile(r"\b(?:je|j|moi|me|m|mon|ma|mes|nous|notre|nos)\b", re.I),
    clause_split=re.compile(r"(?:,\s*|\s+)(?:et|mais|car|parce que)\s+(?=(?:je|j['’]|mon|ma|mes|nous)\b)|,\s+(?=(?:je|j['’]|mon|ma|mes)\b)", re.I),
    generic="{s} : {c}.",
    instruction="{s} à l'assistant : {c}.",
    said="Le {d}, {s} a dit : {c}",
    said_undated="{s} a dit : {c}",
    date_format="{d:02d}/{m:02d}/{y}",
    value_tail=re.compile(r",|\s+(?:et|mais|parce que|car|quand)(?:\s+|$)", re.I),
    days=days({r"\bavant-hier\b": -2, r"\bhier\b": -1, r"\baprès-demain\b": 2,
               r"\baujourd['’]hui\b": 0, r"\bdemain\b": 1}),
    habit=re.compile(r"\b(?:tous les (?:jours|matins|soirs|week-ends)|chaque (?:jour|matin|soir|semaine)|toujours|jamais|d['’]habitude|normalement)\b", re.I),
    imperative=re.compile(r"^pas\s+de\s+\w+.*(?:merci|s['’]il te plaît|s['’]il vous plaît)$|^(?:s['’]il te plaît,?\s+|s['’]il vous plaît,?\s+|merci de\s+)?(?:réponds|répondez|écris|écrivez|parle|parlez|sois|soyez|utilise|utilisez|explique|expliquez|donne|donnez|n['’]utilise|évite|évitez|tutoie|vouvoie|corrige|traduis|rappelle-moi|garde|fais)\b|\b(?:je veux|je voudrais|j['’]aimerais) que tu\b|^ne\s+(?:m['’]|me\s+)?\w+\s+(?:pas|jamais)\b", re.I),
)  # fmt: skip
