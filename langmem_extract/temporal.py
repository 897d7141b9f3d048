"""Time in a recall query: the period it names and whether it asks *when*.

``"what did I do in May 2023?"`` names May 2023, ``"where was I last week?"`` the week
before now; ``"when did I move to Porto?"`` names no period but asks for a date, which
memories carrying an ``event_time`` can give. Recall adds a bonus to the fused score of
such queries' candidates (:mod:`langmem_extract.query_intent`): those whose
``event_time`` (a turn's timestamp for an observation) lies in the period, or, for a
*when* question, those that have one. The period is found with the extractor's own time
expressions (:func:`~langmem_extract.extractors.dates.find_time_expression`), resolved
against the query time.

A month or a day named without a year ("camping in July", "on 3 June") is not resolved to
the current year: :func:`names_no_year` tells recall (:mod:`langmem_extract.query_intent`)
to match those dates in any year (:func:`in_period`), so a question asked today about a
July two years back still finds July's memories. Resolved to the query year, the period
held no memory of an older store: on LoCoMo conv-26 the three questions naming a month
alone ("When did … go camping in June?") then gave the time bonus to nothing, and
matching any year moved two of them into the top 5 (``docs/benchmarks/recall_hybrid.md``).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from langmem_extract.extractors.date_words import may_name_time

__all__ = ["asks_when", "in_period", "names_no_year", "query_period"]

_WHEN = re.compile(
    r"^\s*when\b|\bwhat (?:date|day|year|month|time)\b|\bhow long ago\b|\bwhich (?:year|month|day)\b",
    re.I,
)
_DAY = re.compile(r"\b(\d{1,2}) ([A-Z][a-z]+) (\d{4})\b")
_MONTH = re.compile(r"\b([A-Z][a-z]+) (\d{4})\b")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m}
_MONTH_NAME = re.compile(r"\b(?:" + "|".join(_MONTHS) + r")\b")
#: Words that anchor a named month to the query time ("last July", "next June").
_RELATIVE = re.compile(r"\b(?:last|next|this|coming|past|previous|ago)\b", re.I)


def asks_when(query: str) -> bool:
    """Whether ``query`` asks for a date or time ("when…", "what year…")."""
    return bool(_WHEN.search(query))


def query_period(query: str, now: datetime | None = None) -> tuple[datetime, datetime] | None:
    """The ``[start, end)`` period ``query`` names (a day, a month or a year), or None."""
    if not may_name_time(query):
        return None  # names no time: ``dates`` and its patterns stay unloaded
    from langmem_extract.extractors.dates import find_time_expression

    ref = find_time_expression(query, now or datetime.now(UTC))
    if ref is None or ref.when is None:
        return None
    phrase = ref.phrase
    when = ref.when if ref.when.tzinfo else ref.when.replace(tzinfo=UTC)
    if (m := _DAY.search(phrase)) and m.group(2) in _MONTHS:
        start = when.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + timedelta(days=7 if "week" in phrase else 1)
    if (m := _MONTH.search(phrase)) and m.group(1) in _MONTHS:
        start = when.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        days = calendar.monthrange(start.year, start.month)[1]
        return start, start + timedelta(days=days)
    if _YEAR.search(phrase):
        start = when.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return start, start.replace(year=start.year + 1)
    return None


def names_no_year(query: str) -> bool:
    """Whether ``query`` names a month (or a day of one) without a year and without
    anchoring it to now ("in July", "on 3 June"; not "in July 2023", "last July")."""
    return bool(
        _MONTH_NAME.search(query) and not _YEAR.search(query) and not _RELATIVE.search(query)
    )


def in_period(
    stamp: datetime | None, period: tuple[datetime, datetime], every_year: bool = False
) -> bool:
    """Whether ``stamp`` (naive means UTC) lies in ``period`` ``[start, end)``; with
    ``every_year``, in the same dates of any year (a period of at most a year)."""
    if stamp is None:
        return False
    stamp = stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
    start, end = period
    if not every_year:
        return start <= stamp < end
    for year in (start.year, start.year + 1):  # a week may run into the next year
        try:
            moved = stamp.replace(year=year)
        except ValueError:  # 29 February
            continue
        if start <= moved < end:
            return True
    return False
