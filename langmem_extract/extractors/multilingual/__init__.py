"""Extraction from messages in languages other than English.

* :mod:`~.detect`: a message's language (script, then stop words);
* :mod:`~.split`: sentences and clauses, Chinese and Japanese included;
* :mod:`~.packs`: one rule pack per language (de, es, fr, pt, zh, ja);
* :mod:`~.prototypes` and :mod:`~.classifier`: type and category by nearest prototypes of
  the multilingual embedder;
* :mod:`~.extractor`: :class:`MultilingualExtractor`, which the
  :class:`~langmem_extract.extractors.rules.RuleExtractor` hands every non-English message.
"""

from langmem_extract.extractors.multilingual.classifier import PrototypeClassifier
from langmem_extract.extractors.multilingual.detect import (
    RULE_LANGUAGES,
    detect_language,
    language_runs,
)
from langmem_extract.extractors.multilingual.extractor import MultilingualExtractor

__all__ = [
    "RULE_LANGUAGES",
    "MultilingualExtractor",
    "PrototypeClassifier",
    "detect_language",
    "language_runs",
]
