"""A small chat run through the rule extractor, for tests that read what it writes."""

from __future__ import annotations

from datetime import UTC, datetime

from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.messages import normalize_messages

REF = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


def contents(*turns: tuple[str, str]) -> list[str]:
    """The memories' texts of ``turns`` (speaker, text), said in that order at ``REF``."""
    msgs = normalize_messages(
        [
            {"role": "user", "name": name, "id": str(i), "content": text}
            for i, (name, text) in enumerate(turns)
        ],
        reference_time=REF,
    )
    return [c.content for c in RuleExtractor().extract(msgs, context=ExtractContext()).candidates]
