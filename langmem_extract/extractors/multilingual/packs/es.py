"""Spanish: "Vivo en Madrid", "Trabajo en Telefónica", "Respóndeme siempre en español"."""

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

_LANGS = {"español": "es", "castellano": "es", "inglés": "en", "alemán": "de", "francés": "fr",
          "portugués": "pt", "italiano": "it", "chino": "zh", "japonés": "ja"}  # fmt: skip
_FAMILY = (
    r"esposa|esposo|mujer|marido|madre|mamá|padre|papá|padres|hermana|hermano|hermanos|hija|hijo|"
    r"hijas|hijos|abuela|abuelo|abuelos|tía|tío|prima|primo|nieta|nieto|nietos|suegra|suegro|"
    r"sobrina|sobrino"
)
_FRIENDS = r"novia|novio|pareja|amiga|amigo|mejor amiga|mejor amigo|jefa|jefe|compañera|compañero|vecina|vecino|prometida|prometido"  # fmt: skip
_PETS = (
    r"perros?|perras?|gatos?|gatas?|hámster|conejos?|caballos?|loros?|pájaros?|peces|pez|tortugas?"
)
_AT = r"(?:\s+\w+){0,4}?"
_NOT_PREP = r"(?!(?:en|para|de|desde|con|y)\b)"
_MY = possessive({"mi": ("el", "la"), "mis": ("los", "las")})

RULES = (
    rule(
        r"(?:respóndeme|responde|respondas|responder(?:me)?|contéstame|contesta|contestes|contestar(?:me)?|háblame|habla|hables|hablar(?:me)?|escríbeme|escribe|escribas|escribir(?:me)?)\b.*?\ben\s+(?P<v>\w+)",
        INS,
        "{s} quiere respuestas en {v}",
        REPLY_LANGUAGE,
        Category.COMMUNICATION,
        values=mapped(_LANGS),
        instruction=True,
    ),
    rule(
        rf"^(?:(?:yo\s+)?me llamo|mi nombre es)\s+{NAME}",
        F,
        "{s} se llama {v}",
        Attribute.NAME,
        Category.PERSONAL,
    ),
    rule(
        rf"^(?:por favor,?\s+)?(?:llámame|puedes llamarme)\s+{NAME}",
        INS,
        "{s} quiere que le llamen {v}",
        Attribute.PREFERRED_NAME,
        Category.COMMUNICATION,
    ),
    rule(
        r"^(?:yo\s+)?tengo\s+(?P<v>\d{1,3})\s+años$",
        F,
        "{s} tiene {v} años",
        Attribute.AGE,
        Category.PERSONAL,
    ),
    rule(
        r"^(?:yo\s+)?(?:soy|como)\s+(?:\w+\s+)?(?P<v>vegetarian[oa]s?|vegan[oa]s?|pescetarian[oa]s?)",
        P,
        "{s} es {v}",
        Attribute.DIET,
        Category.HEALTH,
        values=diet,
    ),
    rule(
        r"^(?:yo\s+)?(?:soy|estoy)\s+alérgic[oa]\s+(?:a(?:l)?|a la)\s+(?P<v>.+)|^(?:yo\s+)?tengo\s+alergia\s+(?:a(?:l)?|a la)\s+(?P<w>.+)",
        F,
        "{s} es alérgico a {v}",
        "allergy:{key}",
        Category.HEALTH,
        value="yes",
    ),
    rule(
        r"^(?:yo\s+)?estoy\s+(?:\w+\s+){0,2}?(?P<v>casad[oa]|solter[oa]|divorciad[oa]|comprometid[oa]|viud[oa])\b",
        F,
        "{s} está {v}",
        RELATIONSHIP_STATUS,
        Category.RELATIONSHIPS,
        values=lambda w: {
            "casad": "married",
            "solter": "single",
            "divorciad": "divorced",
            "comprometid": "engaged",
            "viud": "widowed",
        }.get(w.casefold()[:-1]),
    ),
    rule(
        rf"^(?:yo\s+)?(?:vivo|resido){_AT}\s+en\s+{PROPER}",
        F,
        "{s} vive en {v}",
        Attribute.LOCATION,
        Category.LOCATION,
    ),
    rule(
        rf"^(?:yo\s+)?(?:me\s+mudé|me\s+he\s+mudado|nos\s+mudamos|me\s+fui\s+a\s+vivir){_AT}\s+a\s+{PROPER}",
        F,
        "{s} se mudó a {v}",
        Attribute.LOCATION,
        Category.LOCATION,
        signals=("change",),
    ),
    rule(
        rf"^(?:yo\s+)?soy\s+(?:originari[oa]\s+)?de\s+{PROPER}|^(?:yo\s+)?nací\s+en\s+{PROPER.replace('?P<v>', '?P<w>')}",
        F,
        "{s} es de {v}",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(
        rf"^(?:yo\s+)?trabajo\s+(?:\w+\s+)?(?:como|de)\s+(?P<v>[\w-]+(?:\s+{_NOT_PREP}[\w-]+)?)",
        F,
        "{s} trabaja como {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        rf"^(?:yo\s+)?trabajo{_AT}\s+(?:en|para)\s+{PROPER}",
        F,
        "{s} trabaja en {v}",
        Attribute.EMPLOYER,
        Category.CAREER,
    ),
    rule(
        rf"^(?:yo\s+)?soy\s+(?P<v>(?:profesor|profesora|médic[oa]|enfermer[oa]|fisioterapeuta|consultor[a]?|empresari[oa]|funcionari[oa]|traductor[a]?|abogad[oa]|ingenier[oa]|arquitect[oa]|programador[a]?|diseñador[a]?|periodista|contador[a]?|estudiante|cociner[oa]|camarer[oa]|dentista|psicólog[oa]|maestr[oa]|científic[oa]|músic[oa]|fotógraf[oa]|escritor[a]?|veterinari[oa]|farmacéutic[oa]|policía|bomber[oa]|electricista|desarrollador[a]?)(?:\s+de\s+\w+|\s+{_NOT_PREP}\w+)?)(?:\s+(?:en|de|para)\s+.+)?$",
        F,
        "{s} es {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^(?:mi profesión es|me dedico a)\s+(?:la\s+|el\s+)?(?P<v>\w+(?:\s+\w+)?)$",
        F,
        "{s} se dedica a {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^(?:yo\s+)?estudio\s+(?P<v>\w+(?:\s+\w+)?)",
        F,
        "{s} estudia {v}",
        Attribute.STUDIES,
        Category.EDUCATION,
    ),
    rule(r"^(?:yo\s+)?hablo\s+(?P<v>.+)", F, "{s} habla {v}", None, Category.LANGUAGES),
    rule(r"^mi\s+(?P<what>\w+)\s+favorit[oa]\s+es\s+(?P<v>.+)", P, "{s}: {c}", "favorite:{what}"),
    rule(
        r"^(?:a mí\s+)?no\s+me\s+(?:gusta|gustan|encanta|encantan)\s+(?:nada\s+)?(?P<v>.+)",
        P,
        "A {s} no le gusta {v}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        r"^(?:yo\s+)?(?:odio|detesto|no soporto|no aguanto)\s+(?P<v>.+)",
        P,
        "{s} odia {v}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        r"^(?:a mí\s+)?me\s+(?:encanta|encantan|fascina|fascinan)\s+(?P<v>.+)",
        P,
        "A {s} le encanta {v}",
        "likes:{key}",
        value="yes",
    ),
    rule(
        r"^(?:a mí\s+)?me\s+(?:gusta|gustan)\s+(?:mucho\s+)?(?P<v>.+)",
        P,
        "A {s} le gusta {v}",
        "likes:{key}",
        value="yes",
    ),
    rule(r"^(?:yo\s+)?(?:amo|adoro)\s+(?P<v>.+)", P, "{s} adora {v}", "likes:{key}", value="yes"),
    rule(
        rf"^(?:yo\s+)?(?:tengo|tenemos)\s+(?P<v>(?:un|una|dos|tres|cuatro|\d+)\s+(?:{_PETS})\b.*)",
        F,
        "{s}: {c}",
        None,
        Category.PETS,
    ),
    rule(
        rf"^(?:yo\s+)?tengo\s+(?P<v>(?:un|una|dos|tres|cuatro|cinco|\d+)\s+(?:{_FAMILY})\b.*)",
        R,
        "{s} tiene {v}",
        None,
        Category.FAMILY,
    ),
    rule(
        rf"^(?P<poss>mis?)\s+(?P<noun>{_FAMILY})\b(?P<rest>.+)",
        R,
        "",
        None,
        Category.FAMILY,
        build=_MY,
    ),
    rule(
        rf"^(?P<poss>mis?)\s+(?P<noun>{_FRIENDS})\b(?P<rest>.+)",
        R,
        "",
        None,
        Category.RELATIONSHIPS,
        build=_MY,
    ),
    rule(
        rf"^(?P<poss>mis?)\s+(?P<noun>{_PETS})\b(?P<rest>.+)", F, "", None, Category.PETS, build=_MY
    ),
    rule(
        rf"^(?:yo\s+)?(?:me\s+crié|crecí)\s+en\s+(?:\w+\s+){{0,3}}?{PROPER}",
        F,
        "{s} se crió en {v}",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(r"^(?:yo\s+)?(?:me\s+crié|crecí)\b", F, "{s}: {c}", None, Category.LOCATION),
    rule(
        r"^(?:yo\s+)?(?:doy\s+clases?\s+de|enseño)\s+(?P<v>.+)",
        F,
        "{s} da clases de {v}",
        None,
        Category.CAREER,
    ),
    rule(
        r"^(?:yo\s+)?no\s+(?:como|bebo|tomo)\s+(?P<v>.+)",
        P,
        "{s}: {c}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
)

PACK = Pack(
    code="es",
    rules=RULES,
    cues={
        MemoryType.DECISION: re.compile(r"\b(?:he decidido|decidí|decidimos|hemos decidido|me quedo con|nos quedamos con|elegí|elegimos|voy a comprar)\b", re.I),
        MemoryType.GOAL: re.compile(r"^(?:yo\s+)?(?:quiero|quisiera|me gustaría|espero|pienso|planeo|voy a)\b|\b(?:mi (?:objetivo|meta|sueño) es|el año que viene|el próximo (?:año|mes|verano))\b", re.I),
        MemoryType.EVENT: re.compile(r"\b(?:ayer|anteayer|anoche|la semana pasada|el (?:mes|año|fin de semana|lunes|martes|miércoles|jueves|viernes|sábado|domingo) pasado|(?!allí|aquí|así|ahí)\w{3,}[^aeiouáéíóú\s](?:é|í)|fui|estuve|tuve|hice|vi|visité|conocí|compré|terminé|empecé|he (?:ido|estado|visto|terminado|empezado|comprado))\b", re.I),
        MemoryType.PREFERENCE: re.compile(r"\b(?:prefiero|me gusta|me encanta|odio|no soporto|suelo|siempre|nunca|normalmente|solo|sólo|tolero|aguanto|soporto)\b", re.I),
    },
    small_talk=re.compile(r"^(?:(?:hoy\s+)?hace\s+(?:un\s+)?(?:buen|mal|tiempo|frío|calor)|qué\s+(?:frío|calor)|está\s+lloviendo|gracias|muchas gracias|hola|buenos días|buenas (?:tardes|noches)|adiós|hasta (?:luego|pronto|mañana)|qué (?:bien|guay|bueno|genial|interesante|divertido)|genial|perfecto|vale|ok|okay|de acuerdo|claro|(?:sí|no)$|jaja\w*|guau|suena (?:bien|genial)|me alegro|felicidades|enhorabuena|buena suerte|de nada|no pasa nada|eso es (?:genial|increíble|bueno))\b", re.I),
    question=re.compile(r"\?\s*$|^¿|^(?:qué|cómo|dónde|cuándo|por qué|quién|cuál|puedes|podrías|sabes)\b", re.I),
    first_person=re.compile(r"\b(?:yo|mi|mis|me|mí|conmigo|nosotr[oa]s|nuestr[oa]s?)\b|^(?:vivo|trabajo|tengo|soy|estoy|estudio|hablo|juego|toco|voy|fui|quiero|hago|como|bebo|leo|corro)\b", re.I),
    clause_split=re.compile(r"(?:,\s*|\s+)(?:y|pero|aunque|porque)\s+(?=(?:yo|mi|mis|me|vivo|trabajo|tengo|soy|estoy|estudio|hablo|odio|adoro)\b)|,\s+(?=(?:yo|mi|mis)\b)", re.I),
    generic="{s}: {c}.",
    instruction="{s} al asistente: {c}.",
    said="El {d}, {s} dijo: {c}",
    said_undated="{s} dijo: {c}",
    date_format="{d:02d}/{m:02d}/{y}",
    value_tail=re.compile(r",|\s+(?:y|pero|porque|aunque|cuando)(?:\s+|$)", re.I),
    lead=re.compile(r"^(?:desde|hace|ahora|actualmente|este año|el año pasado|al final|hoy en día|profesionalmente)\b[^,]{0,30}?(?=\s+(?:vivo|trabajo|soy|estoy|tengo|tenemos|estudio|me|no)\b)", re.I),
    days=days({r"\b(?:anteayer|antes de ayer)\b": -2, r"\bayer\b": -1, r"\bpasado mañana\b": 2,
               r"\bhoy\b": 0, r"(?<!la )(?<!las )\bmañana\b": 1}),
    habit=re.compile(r"\b(?:todos los (?:días|lunes|domingos|fines de semana)|cada (?:día|mañana|noche|semana)|por las (?:mañanas|noches|tardes)|siempre|nunca|normalmente|suelo)\b", re.I),
    imperative=re.compile(r"^(?:por favor,?\s+)?no\s+me\s+(?:hagas|pongas|des|escribas|mandes|llames|hables)\b|^sin\s+\w+.*,?\s*por favor$|^(?:por favor,?\s+)?(?:respóndeme|responde|contéstame|contesta|escríbeme|escribe|háblame|habla|sé|usa|utiliza|explícame|explica|dame|no uses|no me|evita|tutéame|corrige|traduce|recuérdame|sigue)\b|\bquiero que (?:me )?(?:respondas|hables|escribas|uses|expliques|contestes)\b|^no\s+(?:uses|utilices|escribas|pongas|me hables)\b", re.I),
)  # fmt: skip
