"""Find a time expression in a clause and resolve it against a reference time.

"I went to a support group yesterday" said on 8 May 2023 becomes the clause without
"yesterday", the phrase "on 7 May 2023" and the datetime 2023-05-07. Relative
expressions need a reference time; without one the clause is left as it is.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_WEEKDAYS.update({d.lower(): i for i, d in enumerate(calendar.day_abbr)})
_WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3, "weds": 2})
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a couple": 2,
            "couple of": 2, "a few": 3, "few": 3, "several": 3}  # fmt: skip

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_NUM_RE = r"\d+|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "abs_dmy",
        re.compile(
            rf"\b(?:on\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?,?(?:\s+(\d{{4}}))?\b",
            re.I,
        ),
    ),
    (
        "abs_mdy",
        re.compile(
            rf"\b(?:on\s+)?({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b",
            re.I,
        ),
    ),
    (
        "abs_my",
        re.compile(
            rf"\b(in|during|since|back in|by|until|till|before|after|last|next|this)\s+"
            rf"({_MONTH_RE})(?:\s+(?:of\s+)?(\d{{4}}))?\b",
            re.I,
        ),
    ),
    ("abs_y", re.compile(r"\b(?:in|during|since|back in)\s+((?:19|20)\d{2})\b", re.I)),
    ("ago", re.compile(rf"\b({_NUM_RE})\s+(day|week|month|year)s?\s+ago\b", re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|last night)\b", re.I)),
    (
        "today",
        re.compile(
            r"\b(?:earlier\s+)?(?:today|this morning|this afternoon|this evening|tonight)\b", re.I
        ),
    ),
    ("tomorrow", re.compile(r"\btomorrow\b", re.I)),
    (
        "rel_weekday",
        re.compile(rf"\b(last|this past|past|this|next|on)\s+({_WEEKDAY_RE})\.?\b", re.I),
    ),
    (
        "rel_unit",
        re.compile(
            r"\b(last|this past|past|this|next|the other)\s+(day|week|weekend|month|year|summer|winter|spring|fall|autumn)\b",
            re.I,
        ),
    ),
    ("rel_in", re.compile(rf"\bin\s+({_NUM_RE})\s+(day|week|month|year)s?\b", re.I)),
    ("recently", re.compile(r"\b(?:recently|lately|the other day|just now)\b", re.I)),
]


@dataclass(frozen=True)
class TimeRef:
    stripped: str  # the clause without the time expression
    phrase: str  # absolute wording to append, e.g. "on 7 May 2023"
    when: datetime | None
    future: bool = False
    replaced: str = ""  # the clause with the expression replaced by ``phrase``


def _day(d: datetime) -> str:
    return f"{d.day} {d:%B %Y}"


def _month(d: datetime) -> str:
    return f"{d:%B %Y}"


def _shift_months(d: datetime, months: int) -> datetime:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


def _num(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else _NUMBERS.get(text, 1)


def _resolve(
    kind: str, m: re.Match[str], ref: datetime | None
) -> tuple[str, datetime | None, bool] | None:
    """(phrase, datetime, is_future) for one match, or None when it cannot be resolved."""
    if kind == "abs_dmy" or kind == "abs_mdy":
        day, mon, year = (
            (m.group(1), m.group(2), m.group(3))
            if kind == "abs_dmy"
            else (m.group(2), m.group(1), m.group(3))
        )
        month = _MONTHS[mon.lower().rstrip(".")]
        yr = int(year) if year else (ref.year if ref else None)
        if yr is None or not 1 <= int(day) <= calendar.monthrange(yr, month)[1]:
            return None
        when = datetime(yr, month, int(day), tzinfo=ref.tzinfo if ref else None)
        return f"on {_day(when)}", when, bool(ref and when > ref)
    if kind == "abs_my":
        prep, month = m.group(1).lower(), _MONTHS[m.group(2).lower()]
        if m.group(3):
            yr = int(m.group(3))
        elif ref is None:
            return None
        elif prep in {"by", "until", "till", "next", "after"} and month < ref.month:
            yr = ref.year + 1  # "by March" said in May means next March
        elif prep in {"last", "back in", "since"} and month >= ref.month:
            yr = ref.year - 1
        else:
            yr = ref.year
        when = datetime(yr, month, 1, tzinfo=ref.tzinfo if ref else None)
        word = prep if prep in {"by", "until", "till", "before", "after", "since"} else "in"
        return f"{word} {_month(when)}", when, bool(ref and when > ref)
    if kind == "abs_y":
        when = datetime(int(m.group(1)), 1, 1, tzinfo=ref.tzinfo if ref else None)
        return f"in {m.group(1)}", when, bool(ref and when.year > ref.year)
    if ref is None:
        return None
    if kind == "ago":
        n, unit = _num(m.group(1)), m.group(2).lower()
        if unit == "day":
            when = ref - timedelta(days=n)
            return f"on {_day(when)}", when, False
        if unit == "week":
            when = ref - timedelta(weeks=n)
            return f"around the week of {_day(when)}", when, False
        if unit == "month":
            when = _shift_months(ref, -n)
            return f"in {_month(when)}", when, False
        when = ref.replace(year=ref.year - n, day=min(ref.day, 28))
        return f"in {when.year}", when, False
    if kind == "yesterday":
        when = ref - timedelta(days=1)
        return f"on {_day(when)}", when, False
    if kind == "today":
        return f"on {_day(ref)}", ref, False
    if kind == "tomorrow":
        when = ref + timedelta(days=1)
        return f"on {_day(when)}", when, True
    if kind == "rel_weekday":
        which, wd = m.group(1).lower(), _WEEKDAYS[m.group(2).lower().rstrip(".")]
        name = calendar.day_name[wd]
        if which == "next":
            delta = (wd - ref.weekday()) % 7 or 7
            when = ref + timedelta(days=delta)
            return f"on {name}, {_day(when)}", when, True
        delta = (ref.weekday() - wd) % 7 or 7
        when = ref - timedelta(days=delta)
        return f"on {name}, {_day(when)}", when, False
    if kind == "rel_unit":
        which, unit = m.group(1).lower(), m.group(2).lower()
        sign = 1 if which == "next" else (0 if which == "this" else -1)
        if which == "the other":
            if unit != "day":
                return None
            sign = -1
        if unit == "day":
            when = ref - timedelta(days=2)
            return f"a few days before {_day(ref)}", when, False
        if unit in {"week", "weekend"}:
            when = ref + timedelta(weeks=sign)
            rel = {1: "after", 0: "of", -1: "before"}[sign]
            return f"the {unit} {rel} {_day(ref)}", when, sign > 0
        if unit == "month":
            when = _shift_months(ref, sign)
            return f"in {_month(when)}", when, sign > 0
        if unit == "year":
            when = ref.replace(year=ref.year + sign, day=min(ref.day, 28))
            return f"in {when.year}", when, sign > 0
        season = "autumn" if unit == "fall" else unit
        year = ref.year + sign
        return f"in {season} {year}", ref.replace(year=year, day=min(ref.day, 28)), sign > 0
    if kind == "rel_in":
        n, unit = _num(m.group(1)), m.group(2).lower()
        days = {"day": 1, "week": 7}.get(unit)
        when = (
            ref + timedelta(days=n * days)
            if days
            else (_shift_months(ref, n if unit == "month" else 12 * n))
        )
        return (f"on {_day(when)}" if unit == "day" else f"around {_month(when)}"), when, True
    if kind == "recently":
        return f"shortly before {_day(ref)}", ref, False
    return None


def find_time_expression(clause: str, ref: datetime | None) -> TimeRef | None:
    """The first time expression in ``clause``, resolved when possible, or None.

    Without a reference time a relative expression ("last week") is still found, so it
    stays out of the facts it qualifies, but its ``when`` is None and its ``phrase`` is
    the expression as written.
    """
    unresolved: TimeRef | None = None
    for kind, pattern in _PATTERNS:
        m = pattern.search(clause)
        if not m:
            continue
        resolved = _resolve(kind, m, ref)
        if resolved is None:
            if unresolved is None and ref is None and kind not in _ABSOLUTE:
                unresolved = _time_ref(clause, m, m.group(0), None, False)
            continue
        return _time_ref(clause, m, *resolved)
    return unresolved


_ABSOLUTE = frozenset({"abs_dmy", "abs_mdy", "abs_my", "abs_y"})


def _time_ref(
    clause: str, m: re.Match[str], phrase: str, when: datetime | None, future: bool
) -> TimeRef:
    stripped = (clause[: m.start()] + clause[m.end() :]).strip()
    stripped = re.sub(r"\s+([,.!?])", r"\1", re.sub(r"\s{2,}", " ", stripped)).strip(" ,")
    if clause[: m.start()].strip(" ,"):
        replaced = f"{clause[: m.start()].rstrip()} {phrase} {clause[m.end() :].lstrip()}"
    else:  # a leading expression reads better at the end: "User went … on 7 May 2023"
        replaced = f"{stripped} {phrase}"
    replaced = re.sub(r"\s+([,.!?])", r"\1", replaced.strip()).strip(" ,")
    return TimeRef(stripped, phrase, when, future, replaced)
