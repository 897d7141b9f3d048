"""One rule pack per language (:class:`~.base.Pack`); :func:`pack_for` picks one.

A language without a pack (Korean, Russian, …) still gets the classifier and the generic
templates of :data:`OTHER`, so its statements are typed and kept in the speaker's words.
"""

from __future__ import annotations

import re

from langmem_extract.extractors.multilingual.packs import de, es, fr, ja, pt, zh
from langmem_extract.extractors.multilingual.packs.base import Pack

PACKS: dict[str, Pack] = {p.code: p for p in (de.PACK, es.PACK, fr.PACK, pt.PACK, zh.PACK, ja.PACK)}

_NEVER = re.compile(r"$^")
#: Any other language: no rules or cues, the classifier alone, English templates.
OTHER = Pack(
    code="other",
    rules=(),
    cues={},
    small_talk=_NEVER,
    question=re.compile(r"[?？]\s*$"),
    first_person=_NEVER,
    clause_split=_NEVER,
    generic="{s}: {c}.",
    instruction="{s} to the assistant: {c}.",
    said="On {d}, {s} said: {c}",
    said_undated="{s} said: {c}",
    date_format="{y}-{m:02d}-{d:02d}",
)


def pack_for(lang: str) -> Pack:
    """The pack of ``lang`` (a two-letter code), or :data:`OTHER`."""
    return PACKS.get(lang, OTHER)
