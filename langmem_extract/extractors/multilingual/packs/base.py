"""The shape of a language's rule pack and the one way a rule turns a match into a hit.

A pack holds its rules (specific statements: home, work, name, family, likes, diet,
instructions to the assistant), the cues that type a clause no rule matched (past tense →
event, "I want to" → goal, …), and the templates its memories are written in. Attribute
keys are the language-independent ones of :mod:`langmem_extract.schema` (``location``,
``employer``, ``likes:<object>``, …), so a German and an English fact about the same thing
share a conflict key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from langmem_extract.extractors.rules.families import Hit
from langmem_extract.extractors.rules.grammar import norm_key
from langmem_extract.schema import Attribute, Category, MemoryType

#: The conflict key of "answer me in <language>" (value: the language's two-letter code).
REPLY_LANGUAGE = Attribute.REPLY_LANGUAGE.value
#: The conflict key of "I'm married / single / engaged" (value in English: ``married``, …).
RELATIONSHIP_STATUS = Attribute.RELATIONSHIP_STATUS.value


@dataclass(frozen=True)
class Rule:
    """One statement shape: ``pattern`` (with a named group ``v`` for the value, when it
    has one) → a memory written with ``template`` (``{s}`` subject, ``{v}`` value)."""

    pattern: re.Pattern[str]
    type: MemoryType
    template: str
    attribute: str | None = None  # may hold "{key}": the value's normalised form
    category: Category | None = None
    value: str | None = None  # a fixed value ("yes", "vegetarian"); else the captured one
    signals: tuple[str, ...] = ()
    values: Callable[[str], str | None] | None = None  # captured word → stored value
    instruction: bool = False  # only when the message is addressed to the assistant
    keep: Callable[[str], bool] | None = None  # a filter on the captured value
    #: Writes the content from the match instead of ``template`` ("Mi hermana vive en
    #: Londres" → "La hermana de User vive en Londres": the article needs the noun).
    build: Callable[[re.Match[str]], str] | None = None


def days(table: dict[str, int], flags: int = re.I) -> tuple[tuple[re.Pattern[str], int], ...]:
    """A pack's ``days`` from ``{regex: offset}``, tried in the order given."""
    return tuple((re.compile(regex, flags), offset) for regex, offset in table.items())


def rule(
    regex: str,
    mtype: MemoryType,
    template: str,
    attribute: str | None = None,
    category: Category | None = None,
    **kw: object,
) -> Rule:
    """A :class:`Rule` from a case-insensitive regex."""
    return Rule(re.compile(regex, re.I), mtype, template, attribute, category, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Pack:
    """A language's rules, cues and templates."""

    code: str
    rules: tuple[Rule, ...]
    #: Memory type → regex: the type of a clause no rule matched, when one of these says so.
    cues: dict[MemoryType, re.Pattern[str]]
    small_talk: re.Pattern[str]
    question: re.Pattern[str]
    #: The speaker talks about themself ("ich", "mein", "我", …).
    first_person: re.Pattern[str]
    #: Where a sentence splits into clauses (a conjunction before a new first-person clause).
    clause_split: re.Pattern[str]
    #: Clauses no rule matched, typed by cue or classifier: "{s}: {c}" in the language.
    generic: str
    #: An instruction no rule matched: "{s} to the assistant: {c}".
    instruction: str
    #: The last resort: "{s} said: {c}" with the date ``{d}`` (or ``said_undated``).
    said: str
    said_undated: str
    date_format: str
    #: A value's trailing words that are not part of it ("seit drei Jahren", "com a família").
    value_tail: re.Pattern[str] | None = None
    cjk: bool = False
    #: Words the pack reads off to know a clause is an instruction to the assistant.
    imperative: re.Pattern[str] = field(default=re.compile(r"$^"))
    #: A leading adverbial the rules read past ("Seit letztem Sommer lebe ich …",
    #: "Desde enero vivo …", "去年开始我…"): the match is cut off, and ``inverted`` (German
    #: verb-second "lebe ich") is put back in the order the rules expect ("ich lebe").
    lead: re.Pattern[str] | None = None
    inverted: re.Pattern[str] | None = None
    #: Words naming a day relative to the message ("gestern" → -1, "明天" → +1), longest
    #: first: a dated event or plan gets the day in ``event_time`` and in its text.
    days: tuple[tuple[re.Pattern[str], int], ...] = ()
    #: A habit ("jeden Tag", "todos los días", "每天"): the clause is a preference, before
    #: any other cue ("je prends toujours deux cafés" is no decision).
    habit: re.Pattern[str] | None = None
    #: Words a rule never reads past (a negation, a condition); Portuguese "no" is "in
    #: the", not "not", so a pack may say otherwise.
    keep_lead: re.Pattern[str] | None = None


def apply_rule(r: Rule, clause: str, pack: Pack) -> Hit | None:
    """The hit of ``r`` on ``clause``, or None."""
    m = r.pattern.search(clause)
    if not m:
        return None
    groups = {k: clean_value(g or "", pack) for k, g in m.groupdict().items()}
    # ``w`` is ``v`` in a second alternative of the same rule.
    captured = groups.pop("v", "") or groups.pop("w", "")
    groups.pop("w", None)
    if ("v" in m.groupdict() or "w" in m.groupdict()) and not captured:
        return None
    if r.keep is not None and not r.keep(captured):
        return None
    value = r.value
    if r.values is not None:
        value = r.values(captured)
        if value is None:
            return None
    elif value is None and captured:
        value = captured
    if r.build is not None:
        content = r.build(m)
    else:
        content = r.template.replace("{c}", clause.rstrip(" .。!！")).replace("{v}", captured)
    for name, text in groups.items():
        content = content.replace(f"{{{name}}}", text)
    attribute = (
        r.attribute.replace("{key}", norm_key(captured) or captured.casefold())
        if r.attribute
        else None
    )
    for name, text in groups.items():
        if attribute:
            attribute = attribute.replace(f"{{{name}}}", norm_key(text) or text.casefold())
    return Hit(
        r.type,
        content,
        attribute,
        value if attribute else None,
        r.category,
        [*r.signals, "explicit"] if r.type == MemoryType.PREFERENCE else list(r.signals),
        rewritten=True,
    )


# A capitalised place or organisation name, with its joining words ("São Paulo", "Rio de
# Janeiro", "Frankfurt am Main"); case-sensitive inside case-insensitive rules.
_CAP = r"[A-ZÄÖÜÁÉÍÓÚÀÂÇÈÊÎÔÛŒÑ0-9]"
PROPER = (
    rf"(?P<v>(?-i:{_CAP}[\w'’&.-]*(?:\s+(?:(?:de|del|do|da|dos|das|la|le|les|am|an der|sur|"
    rf"di)\s+)?{_CAP}[\w'’&.-]*)*))"
)
#: A person's name: one or two capitalised words.
NAME = rf"(?P<v>(?-i:{_CAP}[\w'’-]+(?:\s+{_CAP}[\w'’-]+)?))"


def diet(word: str) -> str | None:
    """The diet a word names, in English (``Vegetarierin``, ``vegano``, ``素食`` …)."""
    low = word.casefold()
    if any(s in low for s in ("vegan", "végan", "ヴィーガン", "ビーガン", "纯素", "純素")):
        return "vegan"
    if any(s in low for s in ("vegetar", "végétar", "ベジタリアン", "素食", "吃素", "菜食")):
        return "vegetarian"
    if any(s in low for s in ("pesc", "pesce", "pescet")):
        return "pescatarian"
    return None


_CJK_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
               "八": 8, "九": 9}  # fmt: skip


def cjk_number(text: str) -> str | None:
    """``"35"`` for ``35``, ``三十五`` or ``三五``; None for anything else (up to 999)."""
    if text.isdigit():
        return str(int(text))
    total, current = 0, 0
    for ch in text:
        if ch in _CJK_DIGITS:
            current = current * 10 + _CJK_DIGITS[ch] if current and not total else _CJK_DIGITS[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return None
    return str(total + current)


def mapped(table: dict[str, str]) -> Callable[[str], str | None]:
    """A ``values`` function: the captured word (any case) looked up in ``table``."""
    folded = {k.casefold(): v for k, v in table.items()}
    return lambda word: folded.get(word.casefold())


_FEMININE = frozenset({"madre", "mujer", "mãe", "mulher", "nieves"})


def possessive(
    articles: dict[str, tuple[str, str]], elide: bool = False
) -> Callable[[re.Match[str]], str]:
    """A ``build`` for "my <relative> …" in Spanish, French, Portuguese: the possessive
    (group ``poss``) becomes the article its noun (group ``noun``) takes, then "de {s}".

    ``articles`` maps a possessive to its (masculine, feminine) article: where the
    possessive has no gender (Spanish ``mi``), a noun ending in ``a`` (or ``madre``,
    ``mujer``) takes the feminine one; with ``elide`` (French) ``le``/``la`` elide before a
    vowel.
    """

    def build(m: re.Match[str]) -> str:
        poss, noun, rest = m.group("poss").casefold(), m.group("noun"), m.group("rest")
        masc, fem = articles[poss]
        low = noun.casefold()
        article = fem if low.endswith(("a", "as", "á")) or low in _FEMININE else masc
        if elide and article in ("le", "la") and low[:1] in "aeiouéèêh":
            article = "l'"
        head = "L'" if article == "l'" else f"{article.capitalize()} "
        return f"{head}{noun} de {{s}}{rest}".rstrip(" .")

    return build


def clean_value(value: str, pack: Pack) -> str:
    """A captured value without trailing punctuation and the words that trail it."""
    if pack.value_tail is not None:
        value = pack.value_tail.split(value, maxsplit=1)[0]
    return value.strip(" ,.;:!?、，。！？「」\"'“”„")
