"""Relative time expressions in German, Spanish, French and Portuguese, grounded like
the English ones in :mod:`langmem_extract.extractors.dates`, written in the language's
own date style ("am 12. Mai 2023", "el 12 de mayo de 2023", "le 12 mai 2023",
"em 12 de maio de 2023").

Covered: today, tomorrow, the day after tomorrow, yesterday, the day before yesterday;
N days/weeks/months/years ago and from now; next/last weekday; next/last week, month
and year. The phrases written here are matched back as absolute dates, unchanged, so
grounding is idempotent. Other expressions are left as said.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from langmem_extract.extractors.dates import TimeRef, make_time_ref


@dataclass(frozen=True)
class _Lang:
    months: tuple[str, ...]
    weekdays: tuple[str, ...]  # Monday first
    numbers: dict[str, int]
    units: dict[str, str]  # word → day/week/month/year
    day: Callable[[datetime, str, str], str]  # (date, month name, weekday name or "")
    week: str  # prefix before a day phrase without its article
    month: Callable[[str, int], str]
    year: Callable[[int], str]
    days: dict[str, int]  # "morgen" → 1
    ago: str  # regex around (?P<n>…) (?P<u>…)
    ahead: str
    next_wd: str  # regex around (?P<wd>…)
    last_wd: str
    next_unit: str  # regex around (?P<u>…)
    last_unit: str
    absolute: str  # the phrases written here, read back unchanged
    not_after: tuple[str, ...] = ()  # words before a day word that make it something else
    # Day words that are a noun when capitalised mid-sentence: German "morgen" is
    # tomorrow, "Morgen" the morning ("den ganzen Morgen").
    lower_only: tuple[str, ...] = ()
    # Before "hace/há N años", words that make it a duration, not a time ago: "Toco el
    # chelo desde hace diez años", "Toco violoncelo há dez anos" (a present-tense verb).
    duration_before: str = ""


def _alt(words: object) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # type: ignore[call-overload]


_DE = _Lang(
    months=("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
            "September", "Oktober", "November", "Dezember"),
    weekdays=("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    numbers={"ein": 1, "eine": 1, "einem": 1, "einer": 1, "einen": 1, "zwei": 2, "drei": 3,
             "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
             "ein paar": 3, "einigen": 3},
    units={"tag": "day", "tagen": "day", "tage": "day", "woche": "week", "wochen": "week",
           "monat": "month", "monaten": "month", "monate": "month", "jahr": "year",
           "jahren": "year", "jahre": "year"},
    day=lambda d, m, wd: f"am {wd + ', ' if wd else ''}{d.day}. {m} {d.year}",
    week="in der Woche vom",
    month=lambda m, y: f"im {m} {y}",
    year=lambda y: f"im Jahr {y}",
    days={"heute": 0, "heute morgen": 0, "heute abend": 0, "morgen": 1, "übermorgen": 2,
          "gestern": -1, "gestern abend": -1, "vorgestern": -2},
    not_after=("am", "jeden", "den", "guten", "einen", "der", "diesen"),  # "am Morgen"
    lower_only=("morgen",),
    ago=r"vor\s+{n}\s+{u}",
    ahead=r"in\s+{n}\s+{u}",
    next_wd=r"(?:am\s+)?(?:nächsten|kommenden)\s+{wd}",
    last_wd=r"(?:am\s+)?(?:letzten|vergangenen|vorigen)\s+{wd}",
    next_unit=r"(?:nächste[nsr]?|kommende[nsr]?)\s+{u}",
    last_unit=r"(?:letzte[nsr]?|vergangene[nsr]?|vorige[nsr]?)\s+{u}",
    absolute=r"(?:am\s+(?:{wd},\s+)?|in der Woche vom\s+)?\d{{1,2}}\.\s+{m}\s+\d{{4}}"
    r"|im\s+{m}\s+\d{{4}}|im Jahr\s+\d{{4}}",
)  # fmt: skip

_ES = _Lang(
    months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
            "septiembre", "octubre", "noviembre", "diciembre"),
    weekdays=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    numbers={"un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
             "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "unos": 3, "unas": 3},
    units={"día": "day", "días": "day", "dia": "day", "dias": "day", "semana": "week",
           "semanas": "week", "mes": "month", "meses": "month", "año": "year", "años": "year"},
    day=lambda d, m, wd: f"el {wd + ' ' if wd else ''}{d.day} de {m} de {d.year}",
    week="la semana del",
    month=lambda m, y: f"en {m} de {y}",
    year=lambda y: f"en {y}",
    days={"hoy": 0, "esta mañana": 0, "esta noche": 0, "mañana": 1, "pasado mañana": 2,
          "ayer": -1, "anoche": -1, "anteayer": -2, "antes de ayer": -2},
    not_after=("la", "las", "cada", "una", "esa"),  # "por la mañana" is the morning
    duration_before=r"(?:\bdesde|\w+o)\s+$",
    ago=r"hace\s+{n}\s+{u}",
    ahead=r"(?:en|dentro de)\s+{n}\s+{u}",
    next_wd=r"(?:el\s+)?(?:próximo\s+{wd}|{wd}\s+que\s+viene)",
    last_wd=r"(?:el\s+)?(?:{wd}\s+pasado|pasado\s+{wd})",
    next_unit=r"(?:la|el)\s+(?:próxim[oa]\s+{u}|{u}\s+que\s+viene)",
    last_unit=r"(?:la|el)\s+{u}\s+pasad[oa]",
    absolute=r"(?:el\s+(?:{wd}\s+)?|la semana del\s+)?\d{{1,2}}\s+de\s+{m}\s+de\s+\d{{4}}"
    r"|en\s+{m}\s+de\s+\d{{4}}|en\s+\d{{4}}",
)  # fmt: skip

_FR = _Lang(
    months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
            "septembre", "octobre", "novembre", "décembre"),
    weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    numbers={"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
             "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "quelques": 3},
    units={"jour": "day", "jours": "day", "semaine": "week", "semaines": "week",
           "mois": "month", "an": "year", "ans": "year", "année": "year", "années": "year"},
    day=lambda d, m, wd: f"le {wd + ' ' if wd else ''}{d.day} {m} {d.year}",
    week="la semaine du",
    month=lambda m, y: f"en {m} {y}",
    year=lambda y: f"en {y}",
    days={"aujourd'hui": 0, "ce matin": 0, "ce soir": 0, "demain": 1, "après-demain": 2,
          "hier": -1, "hier soir": -1, "avant-hier": -2},
    ago=r"il y a\s+{n}\s+{u}",
    ahead=r"dans\s+{n}\s+{u}",
    next_wd=r"{wd}\s+prochain",
    last_wd=r"{wd}\s+dernier",
    next_unit=r"(?:la|le|l')\s*{u}\s+prochaine?",
    last_unit=r"(?:la|le|l')\s*{u}\s+derni(?:er|ère)",
    absolute=r"(?:le\s+(?:{wd}\s+)?|la semaine du\s+)?\d{{1,2}}\s+{m}\s+\d{{4}}"
    r"|en\s+{m}\s+\d{{4}}|en\s+\d{{4}}",
)  # fmt: skip

_PT = _Lang(
    months=("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
            "setembro", "outubro", "novembro", "dezembro"),
    weekdays=("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
              "sábado", "domingo"),
    numbers={"um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4, "cinco": 5,
             "seis": 6, "sete": 7, "oito": 8, "nove": 9, "dez": 10, "alguns": 3,
             "algumas": 3},
    units={"dia": "day", "dias": "day", "semana": "week", "semanas": "week", "mês": "month",
           "meses": "month", "ano": "year", "anos": "year"},
    day=lambda d, m, wd: (f"{'no' if wd in ('sábado', 'domingo') else 'na'} {wd}, "
                          if wd else "em ") + f"{d.day} de {m} de {d.year}",
    week="na semana de",
    month=lambda m, y: f"em {m} de {y}",
    year=lambda y: f"em {y}",
    days={"hoje": 0, "hoje de manhã": 0, "hoje à noite": 0, "amanhã": 1,
          "depois de amanhã": 2, "ontem": -1, "ontem à noite": -1, "anteontem": -2},
    ago=r"(?:há\s+{n}\s+{u}|{n}\s+{u}\s+atrás)",
    duration_before=r"\w+o\s+$",
    ahead=r"(?:daqui a|dentro de|em)\s+{n}\s+{u}",
    next_wd=r"(?:n[ao]\s+)?(?:próxim[ao]\s+{wd}|{wd}\s+que\s+vem)",
    last_wd=r"(?:n[ao]\s+)?(?:{wd}\s+passad[ao]|últim[ao]\s+{wd})",
    next_unit=r"(?:n[ao]\s+)?(?:próxim[ao]\s+{u}|{u}\s+que\s+vem)",
    last_unit=r"(?:n[ao]\s+)?(?:{u}\s+passad[ao]|últim[ao]\s+{u})",
    absolute=r"(?:(?:n[ao]\s+{wd},|em|na semana de)\s+)?\d{{1,2}}\s+de\s+{m}\s+de\s+\d{{4}}"
    r"|em\s+{m}\s+de\s+\d{{4}}|em\s+\d{{4}}",
)  # fmt: skip

_LANGS = {"de": _DE, "es": _ES, "fr": _FR, "pt": _PT}


def _weekday_forms(lang: _Lang) -> dict[str, int]:
    forms = {}
    for i, name in enumerate(lang.weekdays):
        forms[name.lower()] = i
        forms[name.split("-")[0].lower()] = i  # "sexta" for "sexta-feira"
    return forms


@dataclass(frozen=True)
class _Compiled:
    lang: _Lang
    weekday: dict[str, int]
    patterns: list[tuple[str, re.Pattern[str]]]


def _compile(lang: _Lang) -> _Compiled:
    wd = _weekday_forms(lang)
    alternatives = {"n": rf"\d+|{_alt(lang.numbers)}", "u": _alt(lang.units), "wd": _alt(wd)}

    def rx(template: str) -> re.Pattern[str]:
        # A name may stand twice ("próximo {wd}|{wd} que viene"): each gets its own group.
        count = iter(range(100))
        body = re.sub(
            r"\{(n|u|wd)\}", lambda g: f"(?P<{g[1]}{next(count)}>{alternatives[g[1]]})", template
        )
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I)

    absolute = lang.absolute.format(wd=f"(?:{_alt(lang.weekdays)})", m=f"(?:{_alt(lang.months)})")
    guard = "".join(f"(?<!{re.escape(word)} )" for word in lang.not_after)
    patterns = [
        ("absolute", re.compile(rf"(?<!\w)(?:{absolute})(?!\w)", re.I)),
        ("days", re.compile(rf"{guard}(?<!\w)(?P<w0>{_alt(lang.days)})(?!\w)", re.I)),
        ("ago", rx(lang.ago)),
        ("ahead", rx(lang.ahead)),
        ("next_wd", rx(lang.next_wd)),
        ("last_wd", rx(lang.last_wd)),
        ("next_unit", rx(lang.next_unit)),
        ("last_unit", rx(lang.last_unit)),
    ]
    return _Compiled(lang, wd, patterns)


def _group(m: re.Match[str], name: str) -> str:
    """The text of the first ``name<i>`` group that matched."""
    return next(
        v for k, v in m.groupdict().items() if v is not None and k.rstrip("0123456789") == name
    )


_COMPILED: dict[str, _Compiled] = {}


def _phrase_day(lang: _Lang, when: datetime, weekday: bool = False) -> str:
    return lang.day(
        when, lang.months[when.month - 1], lang.weekdays[when.weekday()] if weekday else ""
    )


def _resolve(c: _Compiled, kind: str, m: re.Match[str], ref: datetime) -> tuple[str, datetime, bool] | None:  # fmt: skip
    lang, today = c.lang, ref.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == "days":
        offset = lang.days[_group(m, "w").lower()]
        when = today + timedelta(days=offset)
        return _phrase_day(lang, when), when, offset > 0
    if kind in {"next_wd", "last_wd"}:
        wd = c.weekday[_group(m, "wd").lower()]
        if kind == "next_wd":
            delta = (wd - today.weekday()) % 7 or 7
        else:
            delta = -((today.weekday() - wd) % 7 or 7)
        when = today + timedelta(days=delta)
        return _phrase_day(lang, when, weekday=True), when, delta > 0
    unit = lang.units[_group(m, "u").lower()]
    if kind in {"ago", "ahead"}:
        text = _group(m, "n").lower()
        n = int(text) if text.isdigit() else lang.numbers[text]
        step = -n if kind == "ago" else n
    else:
        step = 1 if kind == "next_unit" else -1
    if unit == "day":
        when = today + timedelta(days=step)
        return _phrase_day(lang, when), when, step > 0
    if unit == "week":
        when = today + timedelta(weeks=step)
        if kind in {"next_unit", "last_unit"}:
            when -= timedelta(days=when.weekday())
        day = _phrase_day(lang, when).split(" ", 1)[1]  # without its article
        return f"{lang.week} {day}", when, step > 0
    if unit == "month":
        y, mo = divmod(today.month - 1 + step, 12)
        when = today.replace(year=today.year + y, month=mo + 1, day=1)
        return lang.month(lang.months[when.month - 1], when.year), when, step > 0
    when = today.replace(year=today.year + step, month=1, day=1)
    return lang.year(when.year), when, step > 0


def _parse_absolute(c: _Compiled, text: str, ref: datetime | None) -> datetime | None:
    months = {name.lower(): i + 1 for i, name in enumerate(c.lang.months)}
    low = text.lower()
    year = int(re.findall(r"\d{4}", low)[-1])
    month = next((months[m] for m in sorted(months, key=len, reverse=True) if m in low), None)
    day = re.search(r"(?<!\d)(\d{1,2})(?!\d)", low)
    zone = ref.tzinfo if ref else None
    try:
        if month is None:
            return datetime(year, 1, 1, tzinfo=zone)
        return datetime(year, month, int(day.group(1)) if day else 1, tzinfo=zone)
    except ValueError:
        return None


def _noun(lang: _Lang, kind: str, m: re.Match[str]) -> bool:
    """A day word written as the noun it also is (capitalised, not opening the text), or
    "N years ago" that is a duration ("desde hace diez años"): not a time to ground."""
    word = m.group(0)
    if kind == "ago" and lang.duration_before:
        return bool(re.search(lang.duration_before, m.string[: m.start()], re.I))
    return (
        kind == "days" and word.lower() in lang.lower_only and not word.islower()
        and m.start() > 0
    )  # fmt: skip


def find_foreign_expression(clause: str, ref: datetime | None, language: str) -> TimeRef | None:
    """:func:`~langmem_extract.extractors.dates.find_time_expression` for ``language``."""
    lang = _LANGS.get(language)
    if lang is None:
        return None
    compiled = _COMPILED.get(language)
    if compiled is None:
        compiled = _COMPILED[language] = _compile(lang)
    for kind, pattern in compiled.patterns:
        m = next((m for m in pattern.finditer(clause) if not _noun(lang, kind, m)), None)
        if m is None:
            continue
        if kind == "absolute":
            when = _parse_absolute(compiled, m.group(0), ref)
            if when is None:
                continue
            future = bool(ref and when > ref)
            return make_time_ref(clause, m.start(), m.end(), m.group(0), when, future, kind)
        if ref is None:
            return make_time_ref(clause, m.start(), m.end(), m.group(0), None, False, kind)
        resolved = _resolve(compiled, kind, m, ref)
        if resolved is not None:
            return make_time_ref(clause, m.start(), m.end(), *resolved, kind)
    return None
