"""The redaction engine: run every detector, merge overlapping finds, replace by markers.

Detectors return candidate spans with a priority (0 = a format that names its provider,
higher = more generic). Overlapping spans are merged into one secret whose kind comes from
the most specific span, so a value caught both as ``api_key: …`` and as an ``sk-proj-…``
key is replaced once, by ``[REDACTED:openai_api_key]``. A span that touches an existing
marker is dropped, which makes redaction idempotent.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from langmem_extract.redact import credentials, identifiers, labelled, tokens

REDACTION_PREFIX = "[REDACTED:"
# A marker, or one cut short at the end of a text by later processing (a title limit).
_MARKER = re.compile(r"\[REDACTED:[a-z0-9_]+\]|\[REDACTED:[a-z0-9_]*\Z")

Found = tuple[int, int, str, int]  # start, end, kind, priority
Detector = Callable[[str, str], Iterable[Found]]

_DETECTORS: tuple[Detector, ...] = (
    tokens.detect,
    identifiers.detect,
    labelled.detect,
    credentials.detect,
)


class SecretSpan(NamedTuple):
    """One secret found in a text: its kind and its ``text[start:end]`` extent."""

    kind: str
    start: int
    end: int


def marker(kind: str) -> str:
    """The replacement written for a secret of ``kind``."""
    return f"{REDACTION_PREFIX}{kind}]"


def find_secrets(text: str) -> list[SecretSpan]:
    """Every secret in ``text``, in order, without overlaps; markers are never reported."""
    if not text:
        return []
    lower = text.lower()
    if len(lower) != len(text):  # e.g. "İ" lowers to two characters: keep offsets aligned
        lower = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    found: list[Found] = []
    for detect in _DETECTORS:
        found.extend(detect(text, lower))
    if not found:
        return []
    if REDACTION_PREFIX in text:
        starts, ends = [], []
        for m in _MARKER.finditer(text):
            starts.append(m.start())
            ends.append(m.end())

        def clear(f: Found) -> bool:  # markers are disjoint and sorted: one bisect each
            i = bisect.bisect_right(ends, f[0])
            return i == len(starts) or starts[i] >= f[1]

        found = [f for f in found if clear(f)]
        if not found:
            return []
    found.sort()
    spans: list[SecretSpan] = []
    start, end, kind, rank = found[0]
    for f_start, f_end, f_kind, f_rank in found[1:]:
        if f_start < end:  # overlaps the current secret: extend it
            end = max(end, f_end)
            if f_rank < rank:
                kind, rank = f_kind, f_rank
            continue
        spans.append(SecretSpan(kind, start, end))
        start, end, kind, rank = f_start, f_end, f_kind, f_rank
    spans.append(SecretSpan(kind, start, end))
    return spans


def redact_secrets(text: str) -> tuple[str, int]:
    """Replace each secret in ``text`` with a ``[REDACTED:<kind>]`` marker.

    Returns the redacted text and the number of secrets replaced. Text that is already
    redacted comes back unchanged with a count of 0.
    """
    spans = find_secrets(text)
    if not spans:
        return text, 0
    parts: list[str] = []
    last = 0
    for span in spans:
        parts.append(text[last : span.start])
        parts.append(marker(span.kind))
        last = span.end
    parts.append(text[last:])
    return "".join(parts), len(spans)


def contains_redaction(text: str) -> bool:
    """True if ``text`` carries a redaction marker (the secret was removed upstream)."""
    # The prefix alone counts: a marker cut short by later text processing is still a marker.
    return REDACTION_PREFIX in text


#: Why a candidate holding a secret was skipped.
SECRET_SKIP_REASON = "contains a secret (redacted)"


def has_secret(*texts: str | None) -> bool:
    """True if any text holds a secret or a redaction marker (a secret removed upstream).

    The one test of "never store this": classify skips such candidates before dedup and
    scoring, and persist applies it again to whatever reaches the write.
    """
    return any(contains_redaction(t) or find_secrets(t) for t in texts if t)
