"""What a recall question asks for beyond its words: a period, a date, a preference.

:meth:`QueryIntent.of` reads one query; recall (:func:`~langmem_extract.hybrid.fuse`)
adds :meth:`QueryIntent.bonus` to each candidate's fused score
(:func:`~langmem_extract.fusion.fused_score`):

* the query names a period ("in May 2023", "on 13 October 2023", "last week";
  :func:`~langmem_extract.temporal.query_period`; a month or a day named without a
  year matches it in any year, :func:`~langmem_extract.temporal.names_no_year`): a
  candidate dated within it (its ``event_time``; an observation, its turn's time) gets
  :data:`~langmem_extract.fusion.PERIOD_BONUS`;
* otherwise the query asks *when* ("When did …", "what year …"): a dated candidate gets
  :data:`~langmem_extract.fusion.TIME_BONUS`;
* the query asks what someone likes ("What does … enjoy?", "favourite", "a fan of"; not
  "interested in pursuing", which asks for a goal): a ``preference`` memory gets
  :data:`~langmem_extract.fusion.PREFERENCE_BONUS`.

The bonuses only reorder candidates the question already reached (the dense, turn and
lexical pools); they fetch nothing. Values chosen on LoCoMo conv-26 and checked on four
other conversations (``docs/benchmarks/recall_hybrid.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from langmem_extract.fusion import PERIOD_BONUS, PREFERENCE_BONUS, TIME_BONUS
from langmem_extract.schema import Memory, MemoryType
from langmem_extract.temporal import asks_when, in_period, names_no_year, query_period

__all__ = ["QueryIntent", "asks_preference"]

_PREFERENCE = re.compile(
    r"\b(?:likes?|loves?|enjoys?|favou?rites?|prefers?|preferences?|fans? of|hobby|hobbies)\b",
    re.I,
)
#: "like" that compares rather than prefers ("looks like", "what was the trip like?").
_NOT_PREFERENCE = re.compile(
    r"\b(?:looks?|looked|feels?|felt|sounds?|seems?|seemed|was|is|were|be|it|something"
    r"|anything)\s+like\b|\b(?:was|is|were|are)\b[^?.!]*\blike\s*[?.!]?\s*$",
    re.I,
)


def asks_preference(query: str) -> bool:
    """Whether ``query`` asks what someone likes, enjoys or prefers."""
    return bool(_PREFERENCE.search(_NOT_PREFERENCE.sub(" ", query)))


@dataclass(frozen=True)
class QueryIntent:
    """What one query asks for (see the module docstring)."""

    period: tuple[datetime, datetime] | None = None
    """The ``[start, end)`` period the query names, if any."""
    every_year: bool = False
    """The period was named without a year: its dates match in any year."""
    when: bool = False
    """The query asks for a date or time."""
    preference: bool = False
    """The query asks what someone likes."""

    @classmethod
    def of(cls, query: str, now: datetime | None = None) -> QueryIntent:
        """The intent of ``query``; relative times resolve against ``now``."""
        period = query_period(query, now)
        return cls(
            period=period,
            every_year=period is not None and names_no_year(query),
            when=asks_when(query),
            preference=asks_preference(query),
        )

    def bonus(self, memory: Memory | None, stamp: datetime | None) -> float:
        """The bonus of a candidate: ``memory`` (None for an observation) dated
        ``stamp`` (its event time; an observation's turn time)."""
        out = 0.0
        if self.period is not None:
            out += PERIOD_BONUS if in_period(stamp, self.period, self.every_year) else 0.0
        elif self.when and stamp is not None:
            out += TIME_BONUS
        if self.preference and memory is not None and memory.type == MemoryType.PREFERENCE:
            out += PREFERENCE_BONUS
        return out
