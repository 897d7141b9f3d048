"""Find a time expression in a clause and ground it in a reference time.

"I went to a support group yesterday" said on 8 May 2023 becomes the clause without
"yesterday", the phrase "on 7 May 2023" and the datetime 2023-05-07. Relative
expressions need a reference time; without one the clause is left as it is.

Future expressions are grounded the same way: "next Friday" → "on Friday, 12 May 2023",
"in 3 days" → "on 11 May 2023", "next spring" → "in spring 2024". Where the words leave
the direction open ("on Friday", "in March", "on 3 March"), the tense of the clause picks
it: a past-tense clause means the last one, any other the next one (:func:`is_past`).

Grounded phrases are absolute and are read back as the same phrase, so grounding text
twice changes nothing (:func:`ground_text`). ``when`` is the start of the period named,
at midnight in the reference time's zone: the day, the Monday of a week, the Saturday of
a weekend, the 1st of a month, 1 January of a year, the first day of a season
(meteorological, northern hemisphere: March, June, September, December).

Languages other than English: :mod:`langmem_extract.extractors.dates_i18n` (German,
Spanish, French, Portuguese), chosen with ``language=``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from langmem_extract.extractors.date_words import (
    _HINT,
    _MONTHS,
    _SEASONS,
    _WEEKDAY_ABBR,
    _WEEKDAYS,
    _alternation,
)
from langmem_extract.extractors.language_codes import check_language

_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
            "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3,
            "several": 3}  # fmt: skip

_ANY_WEEKDAY = {**_WEEKDAYS, **_WEEKDAY_ABBR}
_MONTH_RE = _alternation(_MONTHS)
_WEEKDAY_RE = _alternation(_WEEKDAYS)
_ANY_WEEKDAY_RE = _alternation({**_WEEKDAYS, **_WEEKDAY_ABBR})
_NUM_RE = r"\d+|" + _alternation(_NUMBERS)
_SEASON_RE = _alternation(_SEASONS)
#: Words before a date that say how it relates to the event; kept in the phrase.
_DATE_PREPS = (
    "around the week of|in the week of|on the weekend of|a few days before|shortly before|"
    "on|by|until|till|before|after|since|around|from|to|through|between"
)
_UNIT = r"(?P<u>day|week|fortnight|month|year|hour|minute)s?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "abs_dmy",
        re.compile(
            rf"\b(?:(?P<prep>{_DATE_PREPS})\s+)?(?:(?P<wd>{_WEEKDAY_RE}),?\s+)?(?:the\s+)?"
            rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH_RE})\.?,?"
            rf"(?:\s+(?P<y>\d{{4}}))?\b",
            re.I,
        ),
    ),
    (
        "abs_mdy",
        re.compile(
            rf"\b(?:(?P<prep>{_DATE_PREPS})\s+)?(?:(?P<wd>{_WEEKDAY_RE}),?\s+)?"
            rf"(?P<m>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?\b",
            re.I,
        ),
    ),
    (
        "abs_season",
        re.compile(
            rf"\b(?P<prep>in|during|by|until|since)\s+(?:the\s+)?(?P<s>{_SEASON_RE})\s+(?:of\s+)?"
            r"(?P<y>\d{4})(?:[–/-](?P<y2>\d{2}))?\b",
            re.I,
        ),
    ),
    (
        "abs_my",
        re.compile(
            r"\b(?P<prep>in|during|since|back in|by|until|till|before|after|around|last|next|"
            rf"this|this coming|early|late|mid)\s+(?P<m>{_MONTH_RE})(?:\s+(?:of\s+)?(?P<y>\d{{4}}))?\b",
            re.I,
        ),
    ),
    (
        "abs_y",
        re.compile(r"\b(?P<prep>in|during|since|back in|by|until)\s+(?P<y>(?:19|20)\d{2})\b", re.I),
    ),
    ("day_after_tomorrow", re.compile(r"\b(?:the\s+)?day after tomorrow\b", re.I)),
    ("day_before_yesterday", re.compile(r"\b(?:the\s+)?day before yesterday\b", re.I)),
    (
        "from_now",
        re.compile(rf"\b(?P<n>{_NUM_RE})\s+{_UNIT}\s+from\s+(?P<base>now|today|tomorrow)\b", re.I),
    ),
    ("ago", re.compile(rf"\b(?P<n>{_NUM_RE})\s+{_UNIT}\s+ago\b", re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|last night)\b", re.I)),
    (
        "today",
        re.compile(
            r"\b(?:earlier\s+|later\s+)?(?:today|this morning|this afternoon|this evening|tonight)\b",
            re.I,
        ),
    ),
    ("tomorrow", re.compile(r"\btomorrow\b", re.I)),
    (
        "rel_weekday",
        re.compile(
            r"(?<!every )(?<!each )\b(?:(?P<w>last|this past|past|this coming|the coming|coming|"
            rf"upcoming|this|next|on|for|by|until|till)\s+(?P<wd>{_ANY_WEEKDAY_RE})\.?"
            # A bare day name only as a subject ("Friday is …") or at the clause's end.
            rf"|(?P<bare>{_WEEKDAY_RE})(?=\s+(?:is|was|will be)\b|\s*[.!]?\s*$))\b",
            re.I,
        ),
    ),
    (
        "rel_unit",
        re.compile(
            # "in the past week": the preposition and "the" go with it, or "in the in the …"
            r"\b(?:(?:in|over|during|for|throughout)\s+the\s+(?=(?:last|past)\s))?"
            r"(?P<w>last|this past|past|this coming|the coming|coming|this|next|the other)\s+"
            rf"(?P<u>day|week|weekend|month|year|{_SEASON_RE})\b",
            re.I,
        ),
    ),
    (
        "rel_in",
        re.compile(
            rf"\bin\s+(?:about\s+|around\s+|another\s+|just\s+)?(?P<n>{_NUM_RE})\s+"
            rf"(?P<u>day|week|fortnight|month|year)(?:s|'s|s')?(?:\s+time)?\b",
            re.I,
        ),
    ),
    ("recently", re.compile(r"\b(?:recently|lately|the other day|just now)\b", re.I)),
]

_ABSOLUTE = frozenset({"abs_dmy", "abs_mdy", "abs_season", "abs_my", "abs_y"})

# -- tense: which way an open expression ("on Friday", "in March") points

_FUTURE_WORDS = re.compile(
    r"\b(?:will|shall|going to|gonna|plan(?:ning)? to|about to|hope to|want to|wants to|"
    r"intend to|expect to|scheduled|due)\b|'ll\b",
    re.I,
)
_COPULA_ADJECTIVE = re.compile(
    r"\b(?:am|is|are|'m|'re|be|being|get|getting|feel|feeling|so|very|really|quite|pretty)\s+"
    r"\w+ed\b",
    re.I,
)
_PAST_WORDS = re.compile(
    r"\b(?:was|were|did|had|went|got|came|saw|met|took|made|ate|drank|bought|ran|won|lost|"
    r"spent|left|told|said|felt|found|gave|began|wrote|broke|fell|flew|drove|rode|sang|swam|"
    r"threw|wore|sold|sent|built|caught|taught|thought|brought|heard|kept|slept|sat|stood|"
    r"paid|held|led|forgot|chose|grew|knew|became)\b|"
    r"(?<!-)\b(?!(?:need|feed|seed|speed|bleed|breed|proceed|succeed|exceed|indeed|embed|shed|"
    r"wed|bed|red|bled|fed|led|sled|weed|reed|greed|steed)\b)\w{2,}ed\b",
    re.I,
)


def is_past(clause: str) -> bool:
    """Whether ``clause`` reads as past tense ("I went", "we moved"), so an open time
    expression in it points back. Future markers ("will", "going to") win; "excited",
    "married" after a copula are adjectives, not past verbs."""
    if _FUTURE_WORDS.search(clause):
        return False
    return _has_past_verb(clause)


def _has_past_verb(clause: str) -> bool:
    return bool(_PAST_WORDS.search(_COPULA_ADJECTIVE.sub(" ", clause)))


# -- the result


@dataclass(frozen=True)
class TimeRef:
    """A time expression found in a clause, and its grounding (``when`` None: no
    reference time to ground it in)."""

    stripped: str  # the clause without the time expression
    phrase: str  # absolute wording to append, e.g. "on 7 May 2023"
    when: datetime | None
    future: bool = False
    replaced: str = ""  # the clause with the expression replaced by ``phrase``
    kind: str = ""  # which expression family matched, e.g. "ago", "rel_weekday"
    span: tuple[int, int] = (0, 0)  # where the expression stands in the clause


def _day(d: datetime) -> str:
    return f"{d.day} {d:%B %Y}"


def _on_day(d: datetime, weekday: bool = False) -> str:
    return f"on {calendar.day_name[d.weekday()]}, {_day(d)}" if weekday else f"on {_day(d)}"


def _month(d: datetime) -> str:
    return f"{d:%B %Y}"


def _date(year: int, month: int, day: int, zone: tzinfo | None) -> datetime:
    return datetime(year, month, day, tzinfo=zone)


def _midnight(d: datetime) -> datetime:
    return d.replace(hour=0, minute=0, second=0, microsecond=0)


def _shift_months(d: datetime, months: int) -> datetime:
    y, m = divmod(d.month - 1 + months, 12)
    return d.replace(year=d.year + y, month=m + 1, day=1)


def _num(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else _NUMBERS.get(text, 1)


def _season(name: str, year: int, zone: tzinfo | None) -> tuple[str, datetime]:
    month = _SEASONS[name]
    label = "autumn" if name == "fall" else name
    when = _date(year, month, 1, zone)
    text = f"the winter of {year}–{(year + 1) % 100:02d}" if month == 12 else f"{label} {year}"
    return text, when


def _season_occurrence(name: str, which: str, ref: datetime) -> int:
    """The year whose ``name`` season ``which`` ("next", "last", "this") names."""
    month = _SEASONS[name]
    day = _midnight(ref)
    start_this = _date(ref.year, month, 1, ref.tzinfo)
    # The occurrence in progress or most recently begun at ``ref``.
    current = ref.year if start_this <= day else ref.year - 1
    in_progress = _shift_months(_date(current, month, 1, ref.tzinfo), 3) > day
    if which == "next":
        return current + 1
    if which in {"last", "past", "this past"}:
        return current - 1 if in_progress else current
    # "this summer": the one in progress, else the one ahead.
    return current if in_progress else current + 1


Resolved = tuple[str, datetime | None, bool]


def _resolve(kind: str, m: re.Match[str], ref: datetime | None, past: bool) -> Resolved | None:
    """(phrase, when, is_future) for one match, or None when it cannot be resolved."""
    zone = ref.tzinfo if ref else None
    today = _midnight(ref) if ref else None
    if kind in {"abs_dmy", "abs_mdy"}:
        month, day = _MONTHS[m["m"].lower().rstrip(".")], int(m["d"])
        if m["m"].lower() == "may" and m["m"] != "May" and not m["y"]:
            return None  # "may 5" is more likely the verb than the month
        year = int(m["y"]) if m["y"] else (ref.year if ref else None)
        if year is None or not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        when = _date(year, month, day, zone)
        if not m["y"] and today is not None and (when < today) != past:
            # No year said: the nearest such date in the direction of the tense.
            year += 1 if when < today else -1
            if day > calendar.monthrange(year, month)[1]:
                return None
            when = _date(year, month, day, zone)
        prep = (m["prep"] or "on").lower()
        text = _on_day(when, weekday=bool(m["wd"]))[3:]
        if prep == "a few days before":
            return f"{prep} {text}", when - timedelta(days=2), False
        return f"{prep} {text}", when, bool(today and when > today)
    if kind == "abs_season":
        name, year = m["s"].lower(), int(m["y"])
        text, when = _season(name, year, zone)
        return f"{m['prep'].lower()} {text}", when, bool(today and when > today)
    if kind == "abs_my":
        prep, month = m["prep"].lower(), _MONTHS[m["m"].lower()]
        if m["m"].lower() == "may" and m["m"] != "May":
            return None  # "this may help" is the verb
        if m["y"]:
            year = int(m["y"])
        elif ref is None:
            return None
        elif prep in {"next", "this coming"}:  # "next May" said in May: a year on
            year = ref.year + 1 if month <= ref.month else ref.year
        elif prep in {"by", "until", "till", "after"}:
            year = ref.year + 1 if month < ref.month else ref.year
        elif prep in {"last", "since", "back in"}:
            year = ref.year - 1 if month >= ref.month else ref.year
        elif past:
            year = ref.year - 1 if month > ref.month else ref.year
        else:
            year = ref.year + 1 if month < ref.month else ref.year
        when = _date(year, month, 1, zone)
        word = (
            prep if prep in {"by", "until", "till", "before", "after", "since", "around"} else "in"
        )
        return f"{word} {_month(when)}", when, bool(today and when > today)
    if kind == "abs_y":
        prep = "in" if m["prep"].lower() in {"during", "back in"} else m["prep"].lower()
        when = _date(int(m["y"]), 1, 1, zone)
        return f"{prep} {m['y']}", when, bool(ref and when.year > ref.year)
    if today is None:
        return None
    return _resolve_relative(kind, m, today, past)


def _resolve_relative(kind: str, m: re.Match[str], today: datetime, past: bool) -> Resolved | None:
    if kind in {"yesterday", "today", "tomorrow", "day_after_tomorrow", "day_before_yesterday"}:
        offset = {"day_before_yesterday": -2, "yesterday": -1, "today": 0, "tomorrow": 1,
                  "day_after_tomorrow": 2}[kind]  # fmt: skip
        when = today + timedelta(days=offset)
        return _on_day(when), when, offset > 0
    if kind in {"ago", "from_now", "rel_in"}:
        sign = -1 if kind == "ago" else 1
        n, unit = _num(m["n"]) * sign, m["u"].lower()
        if kind == "from_now" and m["base"].lower() == "tomorrow":
            today += timedelta(days=1)
        if unit in {"hour", "minute"}:
            return _on_day(today), today, False
        if unit == "day":
            when = today + timedelta(days=n)
            return _on_day(when), when, n > 0
        if unit in {"week", "fortnight"}:
            when = today + timedelta(weeks=n * (2 if unit == "fortnight" else 1))
            if abs(n) == 1 and unit == "week" and kind != "ago":
                return _on_day(when), when, n > 0  # "in a week": that very day
            return f"around the week of {_day(when)}", when, n > 0
        if unit == "month":
            when = _shift_months(today, n)
            return (f"in {_month(when)}" if n < 0 else f"around {_month(when)}"), when, n > 0
        when = today.replace(year=today.year + n, month=1, day=1)
        return f"in {when.year}", when, n > 0
    if kind == "rel_weekday":
        return _weekday(m, today, past)
    if kind == "rel_unit":
        return _unit(m["w"].lower(), m["u"].lower(), today, past)
    if kind == "recently":
        if m.group(0).lower() == "the other day":
            return f"a few days before {_day(today)}", today - timedelta(days=2), False
        return f"shortly before {_day(today)}", today, False
    return None


_BACK = frozenset({"last", "this past", "past"})
_AHEAD = frozenset({"next", "this coming", "the coming", "coming", "upcoming", "for", "by",
                    "until", "till"})  # fmt: skip


def _weekday(m: re.Match[str], today: datetime, past: bool) -> Resolved:
    which = (m["w"] or "").lower()
    wd = _ANY_WEEKDAY[(m["wd"] or m["bare"]).lower().rstrip(".")]
    back = which in _BACK or (which not in _AHEAD and past)
    if back:
        delta = -((today.weekday() - wd) % 7 or 7)
    elif which == "this":  # "this Friday": today if today is Friday
        delta = (wd - today.weekday()) % 7
    else:
        delta = (wd - today.weekday()) % 7 or 7
    when = today + timedelta(days=delta)
    return _on_day(when, weekday=True), when, delta > 0


def _unit(which: str, unit: str, today: datetime, past: bool) -> Resolved | None:
    if which == "the other":
        return (
            (f"a few days before {_day(today)}", today - timedelta(days=2), False)
            if unit == "day"
            else None
        )
    step = -1 if which in _BACK else (1 if which in _AHEAD else 0)
    if unit == "day":
        return None  # "next day" needs a day it follows
    if unit == "week":
        when = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
        return f"in the week of {_day(when)}", when, step > 0
    if unit == "weekend":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)  # this or the coming one
        if today.weekday() == 6:  # Sunday: this weekend began yesterday
            saturday -= timedelta(days=7)
        if step < 0 or (step == 0 and past and saturday > today):
            # "last weekend"/"this past weekend": the one before this week's
            saturday -= timedelta(days=7)
            if which == "this past" and today.weekday() >= 5:
                saturday += timedelta(days=7)
        elif step > 0 and today.weekday() >= 5:
            saturday += timedelta(days=7)  # said at the weekend: "next weekend" is the next
        return f"on the weekend of {_day(saturday)}", saturday, saturday > today
    if unit == "month":
        when = _shift_months(today, step)
        return f"in {_month(when)}", when, step > 0
    if unit == "year":
        when = today.replace(year=today.year + step, month=1, day=1)
        return f"in {when.year}", when, step > 0
    year = _season_occurrence(unit, which if step else "this", today)
    if step == 0 and past and _date(year, _SEASONS[unit], 1, today.tzinfo) > today:
        year -= 1  # "this summer I went …" said in January: the summer gone
    text, when = _season(unit, year, today.tzinfo)
    return f"in {text}", when, when > today


# -- finding


def find_time_expression(
    clause: str, ref: datetime | None, *, language: str = "en", spans: bool = True
) -> TimeRef | None:
    """The first time expression in ``clause``, grounded when possible, or None.

    Without a reference time a relative expression ("last week") is still found, so it
    stays out of the facts it qualifies, but its ``when`` is None and its ``phrase`` is
    the expression as written. ``language`` is a two-letter code of
    :data:`~langmem_extract.extractors.language_codes.LANGUAGE_CODES` (any other raises
    :class:`~langmem_extract.errors.InvalidInputError`); a language without date rules
    (not in :data:`LANGUAGES`: Chinese, Japanese, …) finds nothing. "lately" or
    "recently" in a clause with no past verb is a span up to now and keeps its word as the
    phrase ("I'm trying new routines lately"); ``spans=False`` grounds it as the moment
    "shortly before <date>" all the same, for the past events of later sentences.
    """
    if language != "en":
        check_language(language)
        from langmem_extract.extractors.dates_i18n import find_foreign_expression

        return find_foreign_expression(clause, ref, language)
    if not _HINT.search(clause):
        return None
    past: bool | None = None
    unresolved: TimeRef | None = None
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(clause):
            if past is None:
                past = is_past(clause)
            span_word = m.group(0).lower() in {"lately", "recently"}
            if (kind == "rel_in" or span_word) and _DURATION_LEAD.search(clause[: m.start()]):
                continue  # "haven't slept in 3 days", "haven't run much lately": how long
            resolved = _resolve(kind, m, ref, past)
            if resolved and span_word and spans and not _has_past_verb(_PERFECT.sub(" ", clause)):
                resolved = (m.group(0).lower(), resolved[1], False)  # "is trying … lately"
            if resolved is None:
                if unresolved is None and ref is None and kind not in _ABSOLUTE:
                    unresolved = make_time_ref(
                        clause, m.start(), m.end(), m.group(0), None, False, kind
                    )
                continue
            return make_time_ref(clause, m.start(), m.end(), *resolved, kind)
    return unresolved


# "in N days", "lately" after a negated perfect or a "first/best … in" is a span of time
# up to now, not a date ("hasn't run much shortly before 5 May" reads as a past moment);
# so is "lately"/"recently" in a present or present perfect clause, which keeps the word:
# "is trying … shortly before 5 May" puts an ongoing habit at a moment.
# "have recently started": a perfect's participle is no past verb of the clause.
_PERFECT = re.compile(r"(?:\b(?:has|have)|'s|'ve)\s+(?:(?:just|already|\w+ly)\s+)*\w+", re.I)
_DURATION_LEAD = re.compile(
    r"\b(?:haven't|hasn't|hadn't|have not|has not|had not|(?:first|best|worst|longest|"
    r"most)\s+\w+)\b(?:(?!\b(?:will|'ll|going to|gonna|but|and)\b)[^,.;!?])*$",
    re.I,
)


#: Languages :func:`find_time_expression` grounds.
LANGUAGES = ("en", "de", "es", "fr", "pt")
_MASK = "\x00{}\x00"


def ground_text(
    text: str, ref: datetime | None, *, language: str = "en", max_expressions: int = 4
) -> tuple[str, datetime | None]:
    """``text`` with every time expression (up to ``max_expressions``) replaced in place
    by its absolute phrase, and the ``when`` of the first one in reading order.

    Idempotent: grounded text grounds to itself, with the same ``when``. ``language`` as
    in :func:`find_time_expression`: an unknown code raises
    :class:`~langmem_extract.errors.InvalidInputError`.
    """
    check_language(language)
    phrases: list[str] = []
    firsts: list[tuple[int, datetime]] = []
    masked = text
    for _ in range(max_expressions):
        found = find_time_expression(masked, ref, language=language)
        if found is None or found.when is None:
            break
        start, end = found.span
        firsts.append((start, found.when))
        phrase = _after_preposition(masked[:start], found.phrase, ref, language)
        if start == 0 and masked[:1].isupper():  # the first word of a sentence
            phrase = phrase[:1].upper() + phrase[1:]
        masked = f"{masked[:start]}{_MASK.format(len(phrases))}{masked[end:]}"
        phrases.append(phrase)
    for i, phrase in enumerate(phrases):
        masked = masked.replace(_MASK.format(i), phrase)
    # Reading order: masks shift later offsets, but never the order of earlier ones.
    return _tidy(masked) if phrases else text, min(firsts)[1] if firsts else None


def make_time_ref(
    clause: str, start: int, end: int, phrase: str, when: datetime | None, future: bool,
    kind: str = "",
) -> TimeRef:  # fmt: skip
    """The :class:`TimeRef` for the expression at ``clause[start:end]``."""
    stripped = _tidy(clause[:start] + " " + clause[end:])
    if clause[:start].strip(" ,"):
        replaced = _tidy(
            f"{clause[:start]}{_after_preposition(clause[:start], phrase, when, 'en')}{clause[end:]}"
        )
    else:  # a leading expression reads better at the end: "User went … on 7 May 2023"
        tail = stripped.rstrip(".!")
        replaced = _tidy(f"{tail} {phrase}{stripped[len(tail) :]}") if tail else phrase
    return TimeRef(stripped, phrase, when, future, replaced, kind, (start, end))


# A preposition the speaker put before the expression: "from yesterday", "wait for
# tomorrow's show" take the date without its own "on"/"in" ("from 13 May 2023", not "from
# on 13 May 2023"). Not "to": in "the parade I went to last week" it belongs to the verb.
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:about|around|roughly|for|from|since|until|till|by|of|before|after)\s+$", re.I
)


def _after_preposition(before: str, phrase: str, ref: datetime | None, language: str) -> str:
    if not _PREPOSITION_BEFORE.search(before):
        return phrase
    bare = re.sub(r"^(?:on|in|during)\s+(?=\S)", "", phrase)
    if bare == phrase:
        return phrase
    again = find_time_expression(bare, ref, language=language)
    found = find_time_expression(phrase, ref, language=language)
    if again is None or found is None or again.when != found.when:
        return phrase  # "about in 2022" stays: a bare "2022" would not ground again
    return bare


def _tidy(text: str) -> str:
    return re.sub(r"\s+([,.!?])", r"\1", re.sub(r"\s{2,}", " ", text.strip())).strip(" ,")
