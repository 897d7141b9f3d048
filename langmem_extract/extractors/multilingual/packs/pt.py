"""Portuguese: "Moro em Curitiba", "Trabalho na Embraer", "Responda sempre em português"."""

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

_LANGS = {"português": "pt", "inglês": "en", "alemão": "de", "espanhol": "es", "francês": "fr",
          "italiano": "it", "chinês": "zh", "japonês": "ja"}  # fmt: skip
_FAMILY = (
    r"esposa|esposo|mulher|marido|mãe|pai|pais|irmã|irmão|irmãos|irmãs|filha|filho|filhas|filhos|"
    r"avó|avô|avós|tia|tio|prima|primo|neta|neto|netos|sogra|sogro|sobrinha|sobrinho"
)
_FRIENDS = r"namorada|namorado|companheira|companheiro|amiga|amigo|melhor amiga|melhor amigo|chefe|colega|vizinha|vizinho|noiva|noivo"  # fmt: skip
_PETS = r"cachorros?|cadelas?|cães|cão|gatos?|gatas?|hamsters?|coelhos?|cavalos?|papagaios?|pássaros?|peixes?|tartarugas?"
_AT = r"(?:\s+\w+){0,4}?"
_EU = r"(?:eu\s+)?"
_NOT_PREP = r"(?!(?:na|no|em|numa|num|para|pra|de|desde|com|e)\b)"
_MY = possessive(
    {"meu": ("o", "o"), "minha": ("a", "a"), "meus": ("os", "os"), "minhas": ("as", "as")}
)

RULES = (
    rule(
        r"(?:responda|responde|me responda|responder|fale|fala|escreva|escreve|respondas)\b.*?\bem\s+(?P<v>\w+)",
        INS,
        "{s} quer respostas em {v}",
        REPLY_LANGUAGE,
        Category.COMMUNICATION,
        values=mapped(_LANGS),
        instruction=True,
    ),
    rule(
        rf"^(?:meu\s+nome\s+é|(?:eu\s+)?me\s+chamo|chamo-me)\s+{NAME}",
        F,
        "{s} se chama {v}",
        Attribute.NAME,
        Category.PERSONAL,
    ),
    rule(
        rf"^(?:por favor,?\s+)?(?:me\s+chame\s+de|pode\s+me\s+chamar\s+de|chame-me\s+de)\s+{NAME}",
        INS,
        "{s} quer ser chamado de {v}",
        Attribute.PREFERRED_NAME,
        Category.COMMUNICATION,
    ),
    rule(
        rf"^{_EU}tenho\s+(?P<v>\d{{1,3}})\s+anos$",
        F,
        "{s} tem {v} anos",
        Attribute.AGE,
        Category.PERSONAL,
    ),
    rule(
        rf"^{_EU}(?:sou|virei|me tornei)\s+(?:\w+\s+)?(?P<v>vegetarian[oa]s?|vegan[oa]s?|pescetarian[oa]s?)",
        P,
        "{s} é {v}",
        Attribute.DIET,
        Category.HEALTH,
        values=diet,
    ),
    rule(
        rf"^{_EU}(?:sou|estou)\s+alérgic[oa]\s+(?:a|ao|à|aos|às)\s+(?P<v>.+)|^{_EU}tenho\s+alergia\s+(?:a|ao|à|aos|às|de)\s+(?P<w>.+)",
        F,
        "{s} é alérgico a {v}",
        "allergy:{key}",
        Category.HEALTH,
        value="yes",
    ),
    rule(
        rf"^{_EU}(?:sou|estou)\s+(?:\w+\s+){{0,2}}?(?P<v>casad[oa]|solteir[oa]|divorciad[oa]|noiv[oa]|viúv[oa])\b",
        F,
        "{s} é {v}",
        RELATIONSHIP_STATUS,
        Category.RELATIONSHIPS,
        values=lambda w: {
            "casad": "married",
            "solteir": "single",
            "divorciad": "divorced",
            "noiv": "engaged",
            "viúv": "widowed",
        }.get(w.casefold()[:-1]),
    ),
    rule(
        rf"^{_EU}(?:moro|vivo|resido){_AT}\s+(?:em|no|na|nos|nas)\s+{PROPER}",
        F,
        "{s} mora em {v}",
        Attribute.LOCATION,
        Category.LOCATION,
    ),
    rule(
        rf"^{_EU}(?:me\s+mudei|mudei-me|mudei|nos\s+mudamos|fui\s+morar){_AT}\s+(?:para|pra|pro|em|no|na)\s+{PROPER}",
        F,
        "{s} se mudou para {v}",
        Attribute.LOCATION,
        Category.LOCATION,
        signals=("change",),
    ),
    rule(
        rf"^{_EU}sou\s+(?:natural\s+)?(?:de|do|da)\s+{PROPER}|^{_EU}nasci\s+(?:em|no|na)\s+{PROPER.replace('?P<v>', '?P<w>')}",
        F,
        "{s} é de {v}",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(
        rf"^{_EU}trabalho\s+(?:\w+\s+)?como\s+(?P<v>[\w-]+(?:\s+{_NOT_PREP}[\w-]+)?)",
        F,
        "{s} trabalha como {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        rf"^{_EU}trabalho{_AT}\s+(?:na|no|em|para|pra)\s+{PROPER}",
        F,
        "{s} trabalha na {v}",
        Attribute.EMPLOYER,
        Category.CAREER,
    ),
    rule(
        rf"^{_EU}sou\s+(?P<v>(?:professor|professora|médic[oa]|fisioterapeuta|consultor[a]?|empresári[oa]|funcionári[oa]|tradutor[a]?|enfermeir[oa]|advogad[oa]|engenheir[oa]|arquitet[oa]|programador[a]?|designer|jornalista|contador[a]?|estudante|cozinheir[oa]|garçom|garçonete|dentista|psicólog[oa]|cientista|músic[oa]|fotógraf[oa]|escritor[a]?|veterinári[oa]|farmacêutic[oa]|policial|bombeir[oa]|eletricista|desenvolvedor[a]?)(?:\s+de\s+\w+|\s+{_NOT_PREP}\w+)?)(?:\s+(?:numa|num|na|no|em)\s+.+)?$",
        F,
        "{s} é {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^(?:minha profissão é|trabalho de|sou \w+ de profissão)\s*(?P<v>\w+(?:\s+\w+)?)$",
        F,
        "{s} trabalha como {v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        rf"^{_EU}(?:estudo|faço faculdade de|curso)\s+(?P<v>\w+(?:\s+\w+)?)",
        F,
        "{s} estuda {v}",
        Attribute.STUDIES,
        Category.EDUCATION,
    ),
    rule(rf"^{_EU}falo\s+(?P<v>.+)", F, "{s} fala {v}", None, Category.LANGUAGES),
    rule(
        r"^(?:meu|minha)\s+(?P<what>\w+)\s+favorit[oa]\s+é\s+(?P<v>.+)",
        P,
        "{s}: {c}",
        "favorite:{what}",
    ),
    rule(
        rf"^{_EU}não\s+(?:gosto|curto)\s+(?:muito\s+|nada\s+)?(?:de|do|da|dos|das)\s+(?P<v>.+)",
        P,
        "{s} não gosta de {v}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        rf"^{_EU}(?:odeio|detesto|não suporto|não aguento)\s+(?P<v>.+)",
        P,
        "{s} odeia {v}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(rf"^{_EU}(?:amo|adoro)\s+(?P<v>.+)", P, "{s} adora {v}", "likes:{key}", value="yes"),
    rule(
        rf"^{_EU}gosto\s+(?:muito\s+|bastante\s+)?(?:de|do|da|dos|das)\s+(?P<v>.+)",
        P,
        "{s} gosta de {v}",
        "likes:{key}",
        value="yes",
    ),
    rule(
        rf"^{_EU}(?:tenho|temos)\s+(?P<v>(?:um|uma|dois|duas|três|quatro|\d+)\s+(?:{_PETS})\b.*)",
        F,
        "{s}: {c}",
        None,
        Category.PETS,
    ),
    rule(
        rf"^{_EU}tenho\s+(?P<v>(?:um|uma|dois|duas|três|quatro|cinco|\d+)\s+(?:{_FAMILY})\b.*)",
        R,
        "{s} tem {v}",
        None,
        Category.FAMILY,
    ),
    rule(
        rf"^(?:o\s+|a\s+|os\s+|as\s+)?(?P<poss>meu|minha|meus|minhas)\s+(?P<noun>{_FAMILY})\b(?P<rest>.+)",
        R,
        "",
        None,
        Category.FAMILY,
        build=_MY,
    ),
    rule(
        rf"^(?:o\s+|a\s+|os\s+|as\s+)?(?P<poss>meu|minha|meus|minhas)\s+(?P<noun>{_FRIENDS})\b(?P<rest>.+)",
        R,
        "",
        None,
        Category.RELATIONSHIPS,
        build=_MY,
    ),
    rule(
        rf"^(?:o\s+|a\s+|os\s+|as\s+)?(?P<poss>meu|minha|meus|minhas)\s+(?P<noun>{_PETS})\b(?P<rest>.+)",
        F,
        "",
        None,
        Category.PETS,
        build=_MY,
    ),
    rule(
        rf"^{_EU}cresci\s+(?:em|no|na|numa|num)\s+(?:\w+\s+){{0,3}}?{PROPER}",
        F,
        "{s} cresceu em {v}",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(rf"^{_EU}cresci\b", F, "{s}: {c}", None, Category.LOCATION),
    rule(
        rf"^{_EU}(?:dou\s+aulas?\s+de|ensino)\s+(?P<v>.+)",
        F,
        "{s} dá aulas de {v}",
        None,
        Category.CAREER,
    ),
    rule(
        rf"^{_EU}não\s+(?:como|bebo|tomo)\s+(?P<v>.+)",
        P,
        "{s}: {c}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
)

PACK = Pack(
    code="pt",
    rules=RULES,
    cues={
        MemoryType.DECISION: re.compile(r"\b(?:decidi|decidimos|resolvi|resolvemos|escolhi|escolhemos|vou ficar com|vamos ficar com)\b", re.I),
        MemoryType.GOAL: re.compile(r"^(?:eu\s+)?(?:quero|queria|gostaria|pretendo|planejo|espero|sonho)\b|^(?:eu\s+)?vou\s+\w+(?:ar|er|ir)\b|\b(?:meu (?:objetivo|sonho|plano) é|ano que vem|próximo (?:ano|mês|verão))\b", re.I),
        MemoryType.EVENT: re.compile(r"\b(?:ontem|anteontem|semana passada|(?:no )?(?:mês|ano|fim de semana) passado|fui|estive|tive|fiz|vi|visitei|conheci|comprei|terminei|comecei|passei|ganhei|perdi|corri)\b", re.I),
        MemoryType.PREFERENCE: re.compile(r"\b(?:prefiro|gosto|adoro|odeio|não suporto|costumo|sempre|nunca|normalmente|só|tolero|suporto|aguento)\b", re.I),
    },
    small_talk=re.compile(r"^(?:(?:hoje\s+)?o\s+tempo|está\s+(?:chovendo|frio|calor)|que\s+(?:frio|calor)|obrigad[oa]|muito obrigad[oa]|valeu|olá|oi|bom dia|boa (?:tarde|noite)|tchau|até (?:logo|mais|amanhã)|que (?:legal|bom|ótimo|massa|incrível|interessante|engraçado)|legal|ótimo|perfeito|beleza|ok|okay|combinado|claro|(?:sim|não)$|kkk\w*|haha\w*|uau|parabéns|boa sorte|de nada|sem problema|isso é (?:ótimo|incrível|legal))\b", re.I),
    question=re.compile(r"\?\s*$|^(?:o que|que|como|onde|quando|por que|porque|quem|qual|quais|você pode|pode|sabe)\b", re.I),
    first_person=re.compile(r"\b(?:eu|meu|minha|meus|minhas|me|mim|comigo|nós|nosso|nossa)\b|^(?:moro|trabalho|tenho|sou|estou|estudo|falo|jogo|toco|vou|fui|quero|faço|como|bebo|leio|corro)\b", re.I),
    clause_split=re.compile(r"(?:,\s*|\s+)(?:e|mas|porém|porque)\s+(?=(?:eu|meu|minha|meus|minhas|moro|trabalho|tenho|sou|estou|estudo|falo|odeio|adoro|gosto)\b)|,\s+(?=(?:eu|meu|minha)\b)", re.I),
    generic="{s}: {c}.",
    instruction="{s} ao assistente: {c}.",
    said="Em {d}, {s} disse: {c}",
    said_undated="{s} disse: {c}",
    date_format="{d:02d}/{m:02d}/{y}",
    value_tail=re.compile(r",|\s+(?:e|mas|porque|quando)(?:\s+|$)", re.I),
    lead=re.compile(r"^(?:desde|há|agora|atualmente|este ano|no ano passado|no fim|hoje em dia|profissionalmente)\b[^,]{0,30}?(?=\s+(?:eu\s+)?(?:moro|vivo|trabalho|sou|estou|tenho|temos|estudo|gosto|não)\b)", re.I),
    days=days({r"\banteontem\b": -2, r"\bontem\b": -1, r"\bdepois de amanhã\b": 2,
               r"\bhoje\b": 0, r"\bamanhã\b": 1}),
    habit=re.compile(r"\b(?:todos os dias|todo dia|toda (?:manhã|noite|semana)|de manhã|sempre|nunca|normalmente|costumo)\b", re.I),
    keep_lead=re.compile(r"^(?:não|nunca|nem|se|quando|que|porque)$", re.I),
    imperative=re.compile(r"^sem\s+\w+.*,?\s*por favor$|^(?:por favor,?\s+)?(?:pode me (?:tratar|chamar)|me trate|me chame|responda|responde|me responda|fale|escreva|seja|use|usa|explique|me explique|me dê|dê|evite|corrija|traduza|lembre-me|me lembre|continue)\b|\bquero que (?:você|tu)\s+\w+|^(?:por favor,?\s+)?não\s+(?:use|usa|escreva|coloque|me chame)\b", re.I),
)  # fmt: skip
