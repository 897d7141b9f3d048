"""Secret redaction, applied by code before text reaches an LLM and before anything is stored.

Each secret is replaced by a ``[REDACTED:<kind>]`` marker. Patterns are deliberately
specific (known key prefixes, Luhn-checked card numbers, "password is …" phrasing) so
ordinary prose is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

REDACTION_PREFIX = "[REDACTED:"
# The prefix alone counts: a marker cut short by later text processing is still a marker.
_MARKER = re.compile(r"\[REDACTED:")


def _marker(kind: str) -> str:
    return f"{REDACTION_PREFIX}{kind}]"


# Whole-match secrets: (kind, pattern). Order matters: blocks and tokens before cards.
_WHOLE: list[tuple[str, re.Pattern[str]]] = [
    (
        "private_key",
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----.*?"
            r"(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\Z)",
            re.S,
        ),
    ),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")),
    ("bearer_token", re.compile(r"\b[Bb]earer\s+[A-Za-z0-9\-._~+/]{8,}=*")),
    ("api_key", re.compile(r"\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_\-]{16,}")),
    ("api_key", re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}")),
    ("aws_key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("github_token", re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}")),
    ("github_token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}")),
    ("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("api_key", re.compile(r"\bAIza[0-9A-Za-z\-_]{35}")),
    ("api_key", re.compile(r"\bglpat-[A-Za-z0-9\-_]{20,}")),
]

# "<label> is/: <value>" — only the value is replaced, so the sentence stays readable.
_LABELLED = re.compile(
    r"(?P<label>\b(?:password|passwd|pwd|passcode|passphrase|pin(?:\s+code)?|"
    r"api[\s_-]?key|secret(?:[\s_-]?key)?|access[\s_-]?key|auth[\s_-]?token|"
    r"access[\s_-]?token|token|aws_secret_access_key|client[\s_-]?secret)\b)"
    r"(?P<sep>\s*(?:is|was|=|:|->)\s*|\s+(?:is|was)\s+(?:now\s+)?)"
    r"(?P<quote>[\"'`]?)(?P<value>[^\s\"'`]{4,})",
    re.I,
)
_URL_CREDENTIALS = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)(?P<value>[^\s@/]+)(?=@)")
_CARD_CANDIDATE = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
# Words that follow "password is" in prose but are not the password itself.
_NOT_A_SECRET = frozenset(
    {"correct", "wrong", "incorrect", "expired", "required", "needed", "missing", "weak",
     "strong", "invalid", "changed", "reset", "stored", "saved", "secure", "insecure",
     "the", "a", "an", "my", "not", "too", "very", "still", "also", "easy", "hard"}
)  # fmt: skip


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _sub(
    pattern: re.Pattern[str], text: str, repl: Callable[[re.Match[str]], str]
) -> tuple[str, int]:
    count = 0

    def _counting(match: re.Match[str]) -> str:
        nonlocal count
        out = repl(match)
        if out != match.group(0):
            count += 1
        return out

    return pattern.sub(_counting, text), count


def _label_kind(label: str) -> str:
    label = label.lower()
    return "password" if any(w in label for w in ("pass", "pwd", "pin")) else "secret"


def _labelled(match: re.Match[str]) -> str:
    value = match.group("value")
    if value.lower().strip(".,;!?") in _NOT_A_SECRET or value.startswith(REDACTION_PREFIX):
        return match.group(0)
    trail = value[len(value.rstrip(".,;!?")) :]
    marker = _marker(_label_kind(match.group("label")))
    return f"{match.group('label')}{match.group('sep')}{match.group('quote')}{marker}{trail}"


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if 13 <= len(digits) <= 19 and _luhn_ok(digits) and len(set(digits)) > 1:
        return _marker("card_number")
    return match.group(0)


def redact_secrets(text: str) -> tuple[str, int]:
    """Replace secrets in ``text`` with ``[REDACTED:<kind>]`` markers.

    Returns the redacted text and the number of secrets replaced.
    """
    total = 0
    for kind, pattern in _WHOLE:
        text, n = _sub(pattern, text, lambda _m, k=kind: _marker(k))
        total += n
    text, n = _sub(_URL_CREDENTIALS, text, lambda m: f"{m.group('head')}{_marker('password')}")
    total += n
    text, n = _sub(_LABELLED, text, _labelled)
    total += n
    text, n = _sub(_CARD_CANDIDATE, text, _card)
    total += n
    return text, total


def contains_redaction(text: str) -> bool:
    """True if ``text`` carries a redaction marker (the secret was removed upstream)."""
    return bool(_MARKER.search(text))


#: Why a candidate holding a secret was skipped.
SECRET_SKIP_REASON = "contains a secret (redacted)"


def has_secret(*texts: str | None) -> bool:
    """True if any text holds a secret or a redaction marker (a secret removed upstream).

    The one test of "never store this": classify skips such candidates before dedup and
    scoring, and persist applies it again to whatever reaches the write.
    """
    return any(contains_redaction(t) or redact_secrets(t)[1] > 0 for t in texts if t)
