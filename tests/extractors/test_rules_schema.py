"""Every category and attribute the rule extractor emits is named in schema.py, and classify
keeps it (one definition: schema.Category / Attribute / AttributeFamily)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.graph.classify import _CATEGORY_RULES, classify
from langmem_extract.graph.state import ExtractionRequest
from langmem_extract.messages import normalize_messages
from langmem_extract.schema import Action, Attribute, AttributeFamily, Candidate, Category

RULES_DIR = Path(__file__).resolve().parents[2] / "langmem_extract" / "extractors" / "rules"

# One statement per rule that sets a category or an attribute: (text, category, attribute).
CORPUS = [
    ("Please call me Mo.", "communication", "preferred_name"),
    ("My name is Maya Lopez.", "personal", "name"),
    ("I'm Maya", "personal", "name"),
    ("I am 34 years old.", "personal", "age"),
    ("My timezone is PST.", "schedule", "timezone"),
    ("I'm allergic to peanuts.", "health", "allergy:peanuts"),
    ("I'm vegetarian.", "health", "diet"),
    ("I'm diabetic.", "health", "health"),
    ("I'm married.", "relationships", "relationship_status"),
    ("My favorite color is green.", "general", "favorite:color"),
    ("I live in Lisbon.", "location", "location"),
    ("I'm originally from Porto.", "location", "hometown"),
    ("I work as a nurse.", "career", "occupation"),
    ("I work at Google.", "career", "employer"),
    ("I work in marketing.", "career", None),
    ("I speak Spanish and French.", "languages", None),
    ("I'm studying biology.", "education", "studies"),
    ("I'm a software engineer.", "career", "occupation"),
    ("I'm a proud dad.", "family", None),
    ("My sister is called Ana.", "relationships", "relation:sister:ana"),
    ("My dog is named Rex.", "pets", "relation:dog:rex"),
    ("I have two kids.", "family", None),
    ("I have a dog called Rex.", "pets", None),
    ("I don't want you to use emojis.", "communication", None),
    ("Always answer in Spanish.", "communication", None),
    ("I prefer tea over coffee.", "general", "choice:coffee|tea"),
    ("I hate cilantro.", "general", "likes:cilantro"),
    ("I love hiking.", "general", "likes:hiking"),
    ("I'm on a tight budget.", "finance", "budget"),
    ("I follow a strict keto diet.", "health", "diet"),
    # "my <thing> is <value>": the thing itself is the (free) conflict key
    ("My phone is a Pixel 8.", "general", "phone"),
    # slots.py: single-valued facts beyond the fixed keys, and preference changes
    ("My car is a red Tesla.", "general", "vehicle"),
    ("We relocated to Denver.", "location", "location"),
    ("I just started a new job at Meta.", "career", "employer"),
    ("I got promoted to team lead.", "career", "occupation"),
    ("I started eating meat again.", "health", "diet"),
    ("I got married in June.", "relationships", "relationship_status"),
    ("My new manager is Tom.", "career", "relation:manager"),
    ("I switched to coffee.", "general", "likes:coffee"),
]


def _extract(text: str) -> list[Candidate]:
    messages = normalize_messages([{"id": "m1", "role": "user", "content": text}])
    return RuleExtractor().extract(messages, context=ExtractContext()).candidates


def _named_in_rules(enum: str) -> set[str]:
    """Members of a schema enum that the rule package's source refers to."""
    source = "\n".join(p.read_text() for p in RULES_DIR.glob("*.py"))
    cls = {"Category": Category, "Attribute": Attribute, "AttributeFamily": AttributeFamily}[enum]
    return {cls[name].value for name in re.findall(rf"\b{enum}\.([A-Z_]+)\b", source)}


def _in_schema(attribute: str | None) -> bool:
    if attribute is None or attribute in set(Attribute):
        return True
    family, sep, key = attribute.partition(":")
    return bool(sep and key) and family in set(AttributeFamily)


@pytest.mark.parametrize(("text", "category", "attribute"), CORPUS)
def test_rules_emit_schema_categories_and_attributes(
    text: str, category: str, attribute: str | None
) -> None:
    (cand,) = _extract(text)
    assert (cand.category, cand.attribute) == (category, attribute)
    assert cand.category in set(Category)
    if attribute != "phone":
        assert _in_schema(cand.attribute)


def test_the_corpus_reaches_every_name_the_rules_use() -> None:
    emitted = [c for text, _, _ in CORPUS for c in _extract(text)]
    assert _named_in_rules("Category") <= {c.category for c in emitted}
    attributes = {c.attribute for c in emitted if c.attribute}
    assert _named_in_rules("Attribute") <= attributes
    assert _named_in_rules("AttributeFamily") <= {a.split(":")[0] for a in attributes}


def test_classify_keeps_every_category_the_rules_emit() -> None:
    candidates = [c for text, _, _ in CORPUS for c in _extract(text)]
    request = ExtractionRequest(messages=[], namespace=("memories",))
    out = classify({"request": request, "candidates": candidates})["candidates"]
    assert [c.attribute for c in out] == [c.attribute for c in candidates]
    for before, after in zip(candidates, out, strict=True):
        # a topic the rules set is kept; "general" is classify's to refine by keyword
        if before.category != Category.GENERAL:
            assert after.category == before.category
        assert after.category in set(Category) and after.category in after.tags
        assert after.action != Action.SKIP


def test_classify_assigns_only_schema_categories() -> None:
    assert {name for name, _ in _CATEGORY_RULES} | {Category.GENERAL} <= set(Category)
    # "languages" is the rules' own topic: classify's keywords file language talk under
    # communication, but a candidate already labelled languages keeps its label
    assert Category.LANGUAGES not in {name for name, _ in _CATEGORY_RULES}
