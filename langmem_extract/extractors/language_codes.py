"""The language codes the library knows, and the check every public entry taking one runs.

A code is what :func:`~langmem_extract.extractors.multilingual.detect_language` returns:
English, the six languages with a rule pack, and the other scripts it names. An entry
given anything else (``ground_text(language="xx")``, ``language_runs(prior="klingon")``)
raises :class:`~langmem_extract.errors.InvalidInputError` before anything is written,
rather than silently finding nothing.
"""

from __future__ import annotations

from langmem_extract.errors import InvalidInputError

#: The languages with a rule pack, besides English.
RULE_LANGUAGES = ("de", "es", "fr", "pt", "zh", "ja")
#: Languages detected by their script alone (no rules: the classifier types them).
SCRIPT_LANGUAGES = ("ko", "ru", "ar", "el", "he", "hi", "th")
#: Every code a language argument may take.
LANGUAGE_CODES = ("en", *RULE_LANGUAGES, *SCRIPT_LANGUAGES)


def check_language(code: object, name: str = "language") -> str:
    """``code`` when it is one of :data:`LANGUAGE_CODES`, else :class:`InvalidInputError`."""
    if not isinstance(code, str) or code not in LANGUAGE_CODES:
        raise InvalidInputError(
            f"{name} must be one of {', '.join(LANGUAGE_CODES)} (a two-letter code), got {code!r}"
        )
    return code
