"""A language argument that names no known language is refused with a typed error, before
anything is read or written (extractors/language_codes.py), never silently ignored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from langmem_extract import extract_memories, open_store
from langmem_extract.errors import InvalidInputError
from langmem_extract.extractors.dates import find_time_expression, ground_text
from langmem_extract.extractors.language_codes import LANGUAGE_CODES, check_language
from langmem_extract.extractors.multilingual import (
    MultilingualExtractor,
    PrototypeClassifier,
    detect_language,
    language_runs,
)
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.schema import ChatMessage

REF = datetime(2024, 3, 5, 10, tzinfo=UTC)
BAD = ["xx", "klingon", "DE", "", "german", 7, None]


@pytest.mark.parametrize("code", BAD)
def test_dates_refuse_an_unknown_language(code: object) -> None:
    with pytest.raises(InvalidInputError, match="language must be one of"):
        ground_text("I moved here yesterday.", REF, language=code)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        find_time_expression("yesterday", REF, language=code)  # type: ignore[arg-type]


def test_known_languages_still_ground_or_find_nothing() -> None:
    assert ground_text("Gestern war ich im Kino.", REF, language="de")[0] == (
        "Am 4. März 2024 war ich im Kino."
    )
    # Chinese is a known language without date rules here: nothing found, no error.
    assert ground_text("昨天我去看了电影。", REF, language="zh") == ("昨天我去看了电影。", None)
    assert check_language("ja") == "ja"
    assert set(LANGUAGE_CODES) >= {"en", "de", "es", "fr", "pt", "zh", "ja"}


@pytest.mark.parametrize("languages", ["klingon", "de", None, 1, ["de"]])
def test_rule_extractor_refuses_a_languages_value_that_is_not_a_bool(languages: object) -> None:
    with pytest.raises(InvalidInputError, match="languages must be True or False"):
        RuleExtractor(languages=languages)  # type: ignore[arg-type]


def test_a_bad_extractor_writes_nothing() -> None:
    store = open_store(":memory:")
    with pytest.raises(InvalidInputError):
        extract_memories(
            [{"role": "user", "content": "I live in Boston."}], store=store,
            namespace=("memories", "ana"), extractor=RuleExtractor(languages="klingon"),  # type: ignore[arg-type]
        )  # fmt: skip
    assert store.search(("memories", "ana"), limit=10) == []


@pytest.mark.parametrize("prior", ["xx", "klingon", 3])
def test_detection_refuses_an_unknown_prior(prior: object) -> None:
    with pytest.raises(InvalidInputError, match="prior must be one of"):
        detect_language("Bom dia!", prior=prior)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="prior must be one of"):
        language_runs("Bom dia! Tudo bem?", prior=prior)  # type: ignore[arg-type]
    assert detect_language("Bom dia!", prior="pt") == "pt"


def test_the_multilingual_extractor_refuses_an_unknown_language() -> None:
    extractor = MultilingualExtractor(PrototypeClassifier(None))
    message = ChatMessage(role="user", content="Ich wohne in Hamburg.", id="m1")
    with pytest.raises(InvalidInputError):
        extractor.extract(message, "xx", subject="User", ref=REF, to_assistant=True)
