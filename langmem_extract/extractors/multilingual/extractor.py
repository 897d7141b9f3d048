"""Memories from a message in a language other than English.

Clause by clause: a rule of the language's pack (home, work, name, family, likes, diet,
instructions to the assistant) writes a typed memory from a template in that language with
a language-independent attribute key; a clause no rule matched is typed by the pack's cues
(past tense → event, "I want to" → goal, …) or, failing those, by the nearest prototypes of
the multilingual embedder, and kept in the speaker's own words ("User: Ich spiele Geige.").
Small talk and questions yield nothing. Only clauses nothing could type become the
observed "X said: …" event, in the language ("Am 07.05.2023 sagte User: …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from langmem_extract.extractors.dates import LANGUAGES, find_time_expression, ground_text
from langmem_extract.extractors.language_codes import check_language
from langmem_extract.extractors.multilingual.classifier import Label, PrototypeClassifier
from langmem_extract.extractors.multilingual.packs import pack_for
from langmem_extract.extractors.multilingual.packs.base import Pack, apply_rule
from langmem_extract.extractors.multilingual.split import split_clauses
from langmem_extract.extractors.rules.families import Hit
from langmem_extract.redact import contains_redaction
from langmem_extract.schema import (
    Candidate,
    Category,
    ChatMessage,
    MemoryKind,
    MemoryType,
    PreferenceInfo,
    Provenance,
    make_title,
    normalize_text,
)

#: The order a clause's cues are read in: the first that matches types it.
_CUE_ORDER = (MemoryType.DECISION, MemoryType.GOAL, MemoryType.EVENT, MemoryType.PREFERENCE)
#: A single-valued fact said with one of these changes the old value ("Ich wohne jetzt in
#: Hamburg", "Ahora vivo en Lima", "今は大阪に住んでいます"), as "now" does in English.
_NOW = re.compile(
    r"\b(?:jetzt|inzwischen|mittlerweile|nicht mehr|ahora|ya no|maintenant|désormais|agora|"
    r"não \w+ mais)\b|ne \w+ plus|现在|已经不|今は|もう"
)
#: Languages whose relative dates extractors/dates_i18n.py grounds (the others: pack days).
DATE_LANGUAGES = frozenset(LANGUAGES) - {"en"}
#: A clause kept without a rule needs this many words (Latin) or characters (CJK).
MIN_WORDS = 3
MIN_CJK_CHARS = 5


@dataclass
class _Pending:
    """A clause no rule matched, waiting for the classifier."""

    index: int
    clause: str
    correction: bool


class MultilingualExtractor:
    """The non-English half of :class:`~langmem_extract.extractors.rules.RuleExtractor`."""

    def __init__(self, classifier: PrototypeClassifier, max_fallback_clauses: int = 3) -> None:
        self.classifier = classifier
        self.max_fallback_clauses = max_fallback_clauses

    def extract(
        self,
        message: ChatMessage,
        lang: str,
        *,
        subject: str,
        ref: datetime | None,
        to_assistant: bool,
        fallback: bool = True,
    ) -> list[Candidate]:
        """Candidates from one user message written in ``lang`` (a code of
        :data:`~langmem_extract.extractors.language_codes.LANGUAGE_CODES`; another raises
        :class:`~langmem_extract.errors.InvalidInputError`)."""
        pack = pack_for(check_language(lang))
        hits: list[tuple[str, bool, Hit] | None] = []
        pending: list[_Pending] = []
        for clause, correction in split_clauses(message.content, pack):
            if contains_redaction(clause):
                continue
            hit = _rule_hit(clause, pack, to_assistant)
            if hit is None and (pack.question.search(clause) or pack.small_talk.match(clause)):
                continue
            if hit is None:
                pending.append(_Pending(len(hits), clause, correction))
            hits.append((clause, correction, hit) if hit else None)
        unmatched: list[str] = []
        labels = self.classifier.classify([p.clause for p in pending])
        for p, label in zip(pending, labels, strict=True):
            hit = _typed(p.clause, label, pack)
            if hit is None:
                if _substantive(p.clause, pack) and label.type != "none":
                    unmatched.append(p.clause)
                continue
            hits[p.index] = (p.clause, p.correction, hit)
        out: list[Candidate] = []
        seen: set[str] = set()
        for item in hits:
            if item is None:
                continue
            cand = _candidate(
                *item, subject=subject, ref=ref, message=message, lang=lang, pack=pack
            )
            key = normalize_text(cand.content)
            if key not in seen:
                seen.add(key)
                out.append(cand)
        if fallback and unmatched:
            cand = _said(unmatched[: self.max_fallback_clauses], subject, ref, message, lang, pack)
            if normalize_text(cand.content) not in seen:
                out.append(cand)
        return out


def _rule_hit(clause: str, pack: Pack, to_assistant: bool) -> Hit | None:
    """The first rule of the pack that matches (the clause, then the clause past its
    leading adverbial); instructions only when addressed to us, and only they in a
    question ("Kannst du mir auf Deutsch antworten?" asks for one; "¿Vives en Madrid?"
    states nothing)."""
    question = bool(pack.question.search(clause))
    for text, cut in _readings(clause, pack):
        for r in pack.rules:
            if r.instruction and not to_assistant:
                continue
            if (cut and not r.attribute) or (question and not r.instruction):
                continue
            hit = apply_rule(r, text, pack)
            if hit is not None:
                return hit
    chatter = pack.small_talk.match(clause) or clause.rstrip().endswith(("?", "？"))
    if to_assistant and pack.imperative.search(clause) and not chatter:
        return Hit(MemoryType.INSTRUCTION, pack.instruction.replace("{c}", clause), None, None,
                   Category.COMMUNICATION, rewritten=True)  # fmt: skip
    return None


#: Leading words a rule may read past ("El año pasado nos mudamos a …"), at most, and
#: characters before a Chinese or Japanese comma ("去年、札幌に…").
MAX_LEAD_WORDS = 4
LEAD_CJK_CHARS = 6
_COMMA = re.compile(",")
_CJK_COMMA = re.compile("[，、]")
# Never read past a negation or a condition: "No vivo en Madrid", "Si vivo en Madrid …".
_KEEP_LEAD = re.compile(
    r"^(?:no|nicht|kein\w*|nie|ne|n['’]|pas|jamais|não|nunca|si|wenn|falls|se|quand|cuando|"
    r"ob|als|dass|que|qu['’]|weil|porque|parce)$",
    re.I,
)


def _readings(clause: str, pack: Pack) -> list[tuple[str, bool]]:
    """The clause, then the clause past a leading adverbial: after a short head and a
    comma ("Depuis mars, je vis …"), after the pack's ``lead`` ("去年开始我…"), and (Latin
    script) after each of the first few words ("El año pasado nos mudamos …"), German
    verb-second put back in order ("Letztes Jahr sind wir …" → "wir sind …"). Each comes
    with whether words were cut off blind: such a reading only feeds the rules that key an
    attribute (a verb-led statement), not "my sister …" found mid-sentence."""
    out = [clause]
    comma = _CJK_COMMA.search(clause) if pack.cjk else _COMMA.search(clause)
    if comma and clause[comma.end() :].strip():
        head = clause[: comma.start()]
        if len(head) <= LEAD_CJK_CHARS if pack.cjk else len(head.split()) <= MAX_LEAD_WORDS:
            out.append(clause[comma.end() :].strip())
    if pack.lead is not None and (m := pack.lead.match(clause)) and m.end() < len(clause):
        out.append(clause[m.end() :].strip())
    cuts = []
    if not pack.cjk:
        words = clause.split()
        for k in range(1, min(MAX_LEAD_WORDS, len(words) - 2) + 1):
            if (pack.keep_lead or _KEEP_LEAD).match(words[k - 1].strip(",")):
                break
            cuts.append(" ".join(words[k:]))
    readings = [(text, False) for text in out] + [(text, True) for text in cuts]
    if pack.inverted is not None:
        readings = [(_uninverted(text, pack.inverted), cut) for text, cut in readings]
    return list(dict.fromkeys(readings))


def _uninverted(text: str, inverted: re.Pattern[str]) -> str:
    m = inverted.match(text)
    return f"{m.group('pron')} {m.group('verb')}{text[m.end() :]}" if m else text


def _typed(clause: str, label: Label, pack: Pack) -> Hit | None:
    """A clause no rule matched, typed by a cue, else by the classifier, else (a
    first-person statement) as a generic fact; None when nothing vouches for it."""
    if pack.habit is not None and pack.habit.search(clause):
        mtype: MemoryType | None = MemoryType.PREFERENCE  # "every morning I …": a habit
    else:
        mtype = next(
            (t for t in _CUE_ORDER if pack.cues.get(t) and pack.cues[t].search(clause)), None
        )
    signals = ["cue"] if mtype else []
    if mtype is None and label.type == "none":
        return None
    if mtype is None and label.type is not None:
        mtype, signals = MemoryType(label.type), ["classified"]
        # An instruction needs the pack's imperative too (rules already took those): the
        # classifier alone read "仕事はデザイナーです" ("my job is designer") as one.
        if mtype == MemoryType.INSTRUCTION:
            mtype = None
    if mtype is None and pack.first_person.search(clause) and _substantive(clause, pack):
        mtype, signals = MemoryType.FACT, ["generic"]
    if mtype is None:
        return None
    template = pack.instruction if mtype == MemoryType.INSTRUCTION else pack.generic
    return Hit(mtype, template.replace("{c}", clause), None, None, label.category, signals,
               rewritten=True)  # fmt: skip


def _substantive(clause: str, pack: Pack) -> bool:
    if pack.cjk:
        return len([c for c in clause if c.isalnum()]) >= MIN_CJK_CHARS
    return len(clause.split()) >= MIN_WORDS


def _finish(text: str, pack: Pack) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    end = "。" if pack.cjk else "."
    return text if text[-1:] in ".!?。！？" else text + end


def _candidate(
    clause: str,
    correction: bool,
    hit: Hit,
    *,
    subject: str,
    ref: datetime | None,
    message: ChatMessage,
    lang: str,
    pack: Pack,
) -> Candidate:
    content = _finish(hit.content.replace("{s}", subject), pack)
    mtype = hit.type
    event = mtype == MemoryType.EVENT
    changed = correction or "change" in hit.signals
    changed = changed or (
        bool(hit.attribute) and ":" not in hit.attribute and bool(_NOW.search(clause))
    )
    signals = [*hit.signals, *(["correction"] if changed else [])]
    event_time = None
    when, future = _when(clause, lang, pack, ref)
    if when is not None and mtype == MemoryType.FACT and not hit.attribute:
        mtype = MemoryType.GOAL if future else MemoryType.EVENT  # a dated plan or event
        event = mtype == MemoryType.EVENT
    grounded = _grounded(content, clause, lang, ref) if when is not None else content
    in_place = grounded != content
    if in_place:
        # "Gestern war ich im Kino" → "Am 4. März 2024 war ich im Kino": the expression is
        # replaced where it stands, in the language (extractors/dates_i18n.py).
        content = _finish(grounded, pack)
    elif when is not None and mtype in _DATED:
        # A template without the expression, or a language without date rules (zh, ja):
        # "… （2024年3月6日）" — the day stays right when read later.
        date = pack.date_format.format(y=when.year, m=when.month, d=when.day)
        content = _finish(
            f"{content.rstrip('.。')}（{date}）" if pack.cjk else f"{content.rstrip('.')} ({date})",
            pack,
        )
    if when is not None and (in_place or mtype in _DATED):
        event_time = when
        signals.append("dated")
    elif event and ref is not None:
        event_time = ref
        signals.append("approximate-time")
    preference = None
    if mtype == MemoryType.PREFERENCE:
        preference = PreferenceInfo(explicit=True, reasoning=f'stated directly: "{clause[:120]}"')
    return Candidate(
        content=content,
        title=make_title(content),
        type=mtype,
        kind=MemoryKind.EPISODIC if event else MemoryKind.SEMANTIC,
        category=hit.category or Category.GENERAL,
        tags=[f"lang:{lang}"],
        provenance=Provenance.CORRECTED
        if "correction" in signals
        else Provenance.EXPLICIT_STATEMENT,
        source_message_ids=[message.id],
        subject=subject,
        attribute=hit.attribute,
        value=hit.value,
        event_time=event_time,
        preference=preference,
        signals=list(dict.fromkeys(["multilingual", *signals])),
        source="conversation",
    )


_DATED = frozenset({MemoryType.EVENT, MemoryType.GOAL, MemoryType.DECISION})


def _when(clause: str, lang: str, pack: Pack, ref: datetime | None) -> tuple[datetime | None, bool]:
    """The time a clause names relative to the message, and whether it is ahead of it.

    German, Spanish, French and Portuguese are read by :mod:`~langmem_extract.extractors.
    dates_i18n` (the one home of relative dates: "vor drei Tagen", "el próximo viernes",
    "la semaine dernière"); Chinese and Japanese, which it has no rules for, by the pack's
    own day words ("明天", "昨日")."""
    if ref is None:
        return None, False
    if lang in DATE_LANGUAGES:
        found = find_time_expression(clause, ref, language=lang)
        return (found.when, found.future) if found is not None else (None, False)
    for pattern, offset in pack.days:
        if pattern.search(clause):
            when = ref + timedelta(days=offset)
            return when, when > ref
    return None, False


def _grounded(content: str, clause: str, lang: str, ref: datetime | None) -> str:
    """``content`` with its relative expressions replaced by absolute ones in ``lang``;
    the clause is grounded on its own first when the content quotes it, so an expression
    that opens the clause opens the grounded one ("User: Am 4. März 2024 war ich …")."""
    if lang not in DATE_LANGUAGES or ref is None:
        return content
    if clause and clause in content:
        return content.replace(clause, ground_text(clause, ref, language=lang)[0], 1)
    return ground_text(content, ref, language=lang)[0]


def _said(
    clauses: list[str],
    subject: str,
    ref: datetime | None,
    message: ChatMessage,
    lang: str,
    pack: Pack,
) -> Candidate:
    """The last resort: one observed, low-importance event from clauses nothing typed."""
    joiner = "" if pack.cjk else " "
    said = joiner.join(_finish(c, pack) for c in clauses)
    template = pack.said if ref is not None else pack.said_undated
    date = pack.date_format.format(y=ref.year, m=ref.month, d=ref.day) if ref else ""
    content = template.replace("{s}", subject).replace("{d}", date).replace("{c}", said)
    return Candidate(
        content=content,
        title=make_title(content),
        type=MemoryType.EVENT,
        kind=MemoryKind.EPISODIC,
        category=Category.GENERAL,
        tags=[f"lang:{lang}"],
        provenance=Provenance.OBSERVED,
        source_message_ids=[message.id],
        subject=subject,
        event_time=ref,
        signals=["multilingual", "generic", "fallback"],
        source="conversation",
    )
