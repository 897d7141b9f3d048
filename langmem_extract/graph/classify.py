"""classify node: type, kind, category, tags, preference info; the extraction_types filter."""

from __future__ import annotations

import re
from typing import Any

from langmem_extract.graph.extract import redact_candidate
from langmem_extract.graph.state import MemoryGraphState
from langmem_extract.schema import (
    EXTRACT_TAG,
    Action,
    Candidate,
    Category,
    MemoryKind,
    MemoryType,
    PreferenceInfo,
)

# First matching category wins; more specific topics come first.
_CATEGORY_RULES: list[tuple[Category, re.Pattern[str]]] = [
    (name, re.compile(pattern, re.I))
    for name, pattern in [
        (Category.HEALTH, r"\b(?:allerg\w*|doctor|hospital|medic\w*|diet|vegan|vegetarian|pescatarian|gluten|lactose|sick|illness|therap\w*|mental health|anxiety|depress\w*|pregnan\w*|diabet\w*|surgery|injur\w*|sober|symptom\w*)\b"),
        (Category.COMMUNICATION, r"\b(?:e-?mail|phone calls?|repl(?:y|ies)|respon(?:se|ses|d)|answers?|tone|emojis?|bullet points?|markdown|concise|verbose|formal|casual|called|text messages?|spanish|english|french|german|japanese|chinese|language)\b"),
        (Category.SCHEDULE, r"\b(?:time ?zone|pst|est|cet|utc|gmt|schedule|calendar|meetings?|mornings?|evenings?|deadline)\b"),
        (Category.CAREER, r"\b(?:work\w*|job|career|compan(?:y|ies)|office|boss|colleagues?|coworkers?|promot\w*|salary|hired|interview\w*|business|clients?|employ\w*|occupation|nurse|teacher|engineer|developer|manager|designer|lawyer|doctor|consultant|startup)\b"),
        (Category.EDUCATION, r"\b(?:school|college|universit\w*|degree|stud(?:y|ies|ying)|class(?:es)?|courses?|exams?|learn\w*|major\w*|students?|masters?|phd|tutor\w*)\b"),
        (Category.PETS, r"\b(?:dogs?|cats?|pets?|pupp(?:y|ies)|kittens?|guinea pigs?|hamsters?|rabbits?|parrots?|horses?)\b"),
        (Category.FAMILY, r"\b(?:wife|husband|kids?|children|sons?|daughters?|mom|mum|dad|mother|father|brothers?|sisters?|family|parents?|grand\w+|adopt\w*|twins|baby)\b"),
        (Category.RELATIONSHIPS, r"\b(?:friends?|partner|boyfriend|girlfriend|married|dating|relationship|fianc\w*|spouse|divorc\w*|single|engaged)\b"),
        (Category.FITNESS, r"\b(?:running|run|ran|gym|workouts?|yoga|exercis\w*|marathon|hik\w*|swim\w*|cycling|biking|fitness|sports?|soccer|football|tennis|basketball)\b"),
        (Category.FOOD, r"\b(?:food|eat\w*|cook\w*|recipes?|restaurants?|coffee|tea|pizza|sushi|cilantro|cuisine|drinks?|wine|beer|dinner|lunch|breakfast|spicy|dessert|meat|vegetables?|bak\w*)\b"),
        (Category.TRAVEL, r"\b(?:travel\w*|trips?|flights?|fly|flying|airlines?|aisle|window seats?|seats?|hotels?|inn|hostel|vacation|holiday|visit\w*|beach|abroad|airport|tours?|road ?trip|camping|itinerar\w*|passport)\b"),
        (Category.LOCATION, r"\b(?:lives? in|living in|moved|relocat\w*|city|country|based in|is from|hometown|neighbou?rhood|apartment|house)\b"),
        (Category.TECHNOLOGY, r"\b(?:apps?|software|computers?|laptop|phone|dark mode|light mode|python|java\w*|code|coding|programming|linux|windows|mac|editor|ide|github|ai|tech\w*)\b"),
        (Category.FINANCE, r"\b(?:money|budget|sav(?:e|ing)|invest\w*|bank\w*|price|cheap|expensive|costs?|afford\w*|loan|mortgage|debt)\b"),
        (Category.SHOPPING, r"\b(?:buy\w*|bought|shop\w*|brands?|clothes|fashion|shoes|outfit|dress)\b"),
        (Category.COMMUNITY, r"\b(?:volunteer\w*|charit\w*|activis\w*|support group|lgbtq\+?|church|communit\w*|advoca\w*|protest|mentor\w*)\b"),
        (Category.INTERESTS, r"\b(?:hobb(?:y|ies)|music|songs?|movies?|films?|books?|read\w*|paint\w*|art|artist|games?|gaming|guitar|piano|violin|pottery|photograph\w*|concerts?|shows?|series|anime|draw\w*|sing\w*|danc\w*|garden\w*|knit\w*|writ\w*|poetry)\b"),
        (Category.PERSONAL, r"\b(?:name|years old|age|birthday|born|identity|transgender|personality)\b"),
    ]
]  # fmt: skip


def category_of(content: str) -> str:
    for name, pattern in _CATEGORY_RULES:
        if pattern.search(content):
            return name.value
    return Category.GENERAL.value


def _preference_info(cand: Candidate) -> PreferenceInfo | None:
    if cand.preference is not None:
        return cand.preference
    if cand.type in {MemoryType.PREFERENCE, MemoryType.DECISION}:
        implicit = "habit" in cand.signals or cand.provenance.value in {"inferred", "observed"}
        reason = "inferred from behaviour" if implicit else "stated directly by the speaker"
        return PreferenceInfo(explicit=not implicit, reasoning=reason)
    return None


def _classify(cand: Candidate, allowed: frozenset[MemoryType] | None) -> tuple[Candidate, int]:
    update: dict[str, Any] = {}
    kind = MemoryKind.EPISODIC if cand.type == MemoryType.EVENT else cand.kind
    update["kind"] = kind
    if not cand.category or cand.category == Category.GENERAL:
        update["category"] = category_of(cand.content)
    category = update.get("category", cand.category)
    update["tags"] = list(dict.fromkeys([EXTRACT_TAG, *cand.tags, cand.type.value, category]))
    update["preference"] = _preference_info(cand)
    if allowed is not None and cand.type not in allowed:
        update.update(action=Action.SKIP, reason=f"type {cand.type.value} not in extraction_types")
    # The extractor saw redacted text, but a model may still write a secret (or a marker)
    # into any field: every text field is checked, the secret replaced, the candidate skipped.
    return redact_candidate(cand.model_copy(update=update))


def classify(state: MemoryGraphState) -> dict[str, Any]:
    """Classify every candidate; skip secrets and types outside ``extraction_types``.

    Secrets found in what the extractor returned are added to ``secrets_redacted``.
    """
    allowed = state["request"].extraction_types
    pairs = [_classify(c, allowed) for c in state.get("candidates", [])]
    return {
        "candidates": [c for c, _ in pairs],
        "secrets_redacted": state.get("secrets_redacted", 0) + sum(n for _, n in pairs),
    }
