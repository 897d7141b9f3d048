"""The words English time expressions are made of, and the quick test that a text may
hold one (:func:`may_name_time`), without compiling the expressions themselves.

:mod:`langmem_extract.extractors.dates` builds its patterns from these tables and skips
any clause :func:`may_name_time` rejects. Recall (:mod:`langmem_extract.temporal`) asks
the same question of every query first, so a query naming no time never imports
``dates`` (importing it cost 15-25 ms of CPU at load 3 here, half of it compiling
its 22 patterns).
"""

from __future__ import annotations

import calendar
import re

__all__ = ["may_name_time"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_WEEKDAY_ABBR = {d.lower(): i for i, d in enumerate(calendar.day_abbr)}
_WEEKDAY_ABBR.update({"tues": 1, "thur": 3, "thurs": 3, "weds": 2})
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def _alternation(words: object) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # type: ignore[call-overload]


#: A word every pattern of ``dates`` needs: most clauses have none and are skipped in one
#: pass (the patterns themselves cost 4x the rest of the rule extractor on LoCoMo turns).
_HINT = re.compile(
    r"\d|\b(?:"
    + _alternation(
        {*_MONTHS, *_WEEKDAYS, *_WEEKDAY_ABBR, *_SEASONS, "yesterday", "today", "tonight",
         "tomorrow", "ago", "night", "morning", "afternoon", "evening", "recently", "lately",
         "just now", "day", "week", "weekend", "fortnight", "month", "year", "hour", "minute"}
    )
    + r")s?\b",
    re.I,
)  # fmt: skip


def may_name_time(text: str) -> bool:
    """Whether ``text`` holds a word every English time expression needs (a digit, a
    month, a weekday, a season, "yesterday", "week", …): False means it names none."""
    return _HINT.search(text) is not None
