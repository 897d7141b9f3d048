"""Sentences and clauses of a message in any language.

Latin-script text splits after ``.!?`` followed by a space; Chinese and Japanese after
``。！？`` (they put no space between words or sentences, so nothing here splits on
whitespace). Each language's pack then splits a sentence at a conjunction that starts a new
first-person clause ("…, und ich arbeite …", "…，我…"). Leading fillers ("Übrigens,",
"Bueno,", "Alors,") are dropped; a leading correction marker ("Eigentlich", "En realidad",
"En fait", "Na verdade", "其实", "実は") is dropped and noted.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.multilingual.packs.base import Pack

_LATIN_SENTENCES = re.compile(r"(?<=[.!?…])\s+|\n+|;\s+")
_CJK_SENTENCES = re.compile(r"(?<=[。！？!?])|\n+")
_FILLER = re.compile(
    r"^(?:übrigens|also|na ja|naja|ach|oh|hey|hallo|hi|ok|okay|ja|nun|bueno|pues|oye|mira|vale|"
    r"sí|si|por cierto|bon|alors|eh bien|enfin|oui|au fait|d'accord|então|olha|bem|sim|aliás|"
    r"a propósito|enfim|tipo|嗯|哦|对了|那个|えっと|あの|そういえば|ところで)[,，、!！.。:：]+\s*",
    re.I,
)
_CORRECTION = re.compile(
    r"^(?:eigentlich|korrektur|nein|en realidad|corrección|perdón|no|en fait|correction|pardon|non|"
    r"na verdade|correção|desculpa|não|其实|更正|不对|実は|訂正|いや)[,，、!！.。:：]*\s*",
    re.I,
)

_BARE = frozenset({"no", "nein", "non", "não", "いや", "perdón", "pardon", "desculpa"})


def split_clauses(text: str, pack: Pack) -> list[tuple[str, bool]]:
    """``(clause, correction)`` pairs of ``text``, fillers stripped."""
    sentences = (_CJK_SENTENCES if pack.cjk else _LATIN_SENTENCES).split(text)
    out: list[tuple[str, bool]] = []
    for sentence in sentences:
        for raw in _joined(pack.clause_split.split(sentence or ""), pack.cjk, pack.first_person):
            clause, correction = _strip(raw)
            if clause:
                out.append((clause, correction))
    return out


#: A piece this short before a clause split is its lead-in ("Hier, j'ai couru …", "今日、").
LEAD_IN_WORDS = 3
LEAD_IN_CJK_CHARS = 4


def _joined(parts: list[str], cjk: bool, first_person: re.Pattern[str]) -> list[str]:
    """Clause pieces with a short lead-in kept on the clause it introduces (a short piece
    about the speaker, "Soy diseñadora", is a clause of its own)."""
    out: list[str] = []
    carry = ""
    comma = "、" if cjk else ", "
    for part in filter(None, parts):
        short = len(part) <= LEAD_IN_CJK_CHARS if cjk else len(part.split()) <= LEAD_IN_WORDS
        if short and not _FILLER.match(part + ",") and not first_person.search(part):
            carry = f"{carry}{part.strip()}{comma}"
            continue
        out.append(carry + part.strip())
        carry = ""
    if carry:
        out.append(carry.rstrip(comma))
    return out


def _strip(clause: str) -> tuple[str, bool]:
    correction = False
    clause = clause.strip(" \t\"'()*-–—「」“”„¡")
    for _ in range(3):
        before = clause
        clause = _FILLER.sub("", clause).strip()
        m = _CORRECTION.match(clause)
        # "No"/"Nein"/"Não" alone only count when punctuated ("Nein, ich wohne …").
        if m and (
            m.group(0).strip().casefold() not in _BARE or any(p in m.group(0) for p in ",，、.!！")
        ):
            correction = True
            clause = clause[m.end() :].strip()
        if clause == before:
            break
    clause = clause.rstrip(" .!！。…")
    return (clause[:1].upper() + clause[1:], correction) if clause else ("", correction)
