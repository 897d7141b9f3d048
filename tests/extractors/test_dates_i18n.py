"""German, Spanish, French and Portuguese time expressions, grounded in the language's
own date style; idempotent, and the past stays in the past."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langmem_extract.extractors.dates import LANGUAGES, find_time_expression, ground_text

REF = datetime(2023, 5, 8, 14, 30, tzinfo=UTC)  # a Monday

CASES = {
    "de": [
        ("Nächsten Freitag heiratet meine Schwester.",
         "Am Freitag, 12. Mai 2023 heiratet meine Schwester.", (2023, 5, 12)),
        ("In drei Tagen fange ich meinen neuen Job an.",
         "Am 11. Mai 2023 fange ich meinen neuen Job an.", (2023, 5, 11)),
        ("Ich war gestern im Kino.", "Ich war am 7. Mai 2023 im Kino.", (2023, 5, 7)),
        ("Übermorgen fliege ich nach Lissabon.", "Am 10. Mai 2023 fliege ich nach Lissabon.",
         (2023, 5, 10)),
        ("Vor zwei Wochen habe ich eine Katze adoptiert.",
         "In der Woche vom 24. April 2023 habe ich eine Katze adoptiert.", (2023, 4, 24)),
        ("Letzten Monat bin ich umgezogen.", "Im April 2023 bin ich umgezogen.", (2023, 4, 1)),
    ],
    "es": [
        ("El próximo viernes es la boda de mi hermana.",
         "El viernes 12 de mayo de 2023 es la boda de mi hermana.", (2023, 5, 12)),
        ("En tres días empiezo mi nuevo trabajo.",
         "El 11 de mayo de 2023 empiezo mi nuevo trabajo.", (2023, 5, 11)),
        ("Hace dos semanas adopté un gato.", "La semana del 24 de abril de 2023 adopté un gato.",
         (2023, 4, 24)),
        ("Pasado mañana vuelo a Lisboa.", "El 10 de mayo de 2023 vuelo a Lisboa.", (2023, 5, 10)),
        ("El año que viene me mudo.", "En 2024 me mudo.", (2024, 1, 1)),
    ],
    "fr": [
        ("Vendredi prochain, c'est le mariage de ma sœur.",
         "Le vendredi 12 mai 2023, c'est le mariage de ma sœur.", (2023, 5, 12)),
        ("Dans trois jours je commence mon nouveau travail.",
         "Le 11 mai 2023 je commence mon nouveau travail.", (2023, 5, 11)),
        ("Hier je suis allé au cinéma.", "Le 7 mai 2023 je suis allé au cinéma.", (2023, 5, 7)),
        ("Il y a deux semaines j'ai adopté un chat.",
         "La semaine du 24 avril 2023 j'ai adopté un chat.", (2023, 4, 24)),
        ("Le mois prochain je déménage.", "En juin 2023 je déménage.", (2023, 6, 1)),
    ],
    "pt": [
        ("Na próxima sexta é o casamento da minha irmã.",
         "Na sexta-feira, 12 de maio de 2023 é o casamento da minha irmã.", (2023, 5, 12)),
        ("Daqui a três dias começo meu novo emprego.",
         "Em 11 de maio de 2023 começo meu novo emprego.", (2023, 5, 11)),
        ("Ontem fui ao cinema.", "Em 7 de maio de 2023 fui ao cinema.", (2023, 5, 7)),
        ("Há duas semanas adotei um gato.", "Na semana de 24 de abril de 2023 adotei um gato.",
         (2023, 4, 24)),
        ("Sábado que vem vou à praia.", "No sábado, 13 de maio de 2023 vou à praia.",
         (2023, 5, 13)),
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("language", "text", "grounded", "day"),
    [(lang, *case) for lang, cases in CASES.items() for case in cases],
)
def test_grounded_in_the_language(
    language: str, text: str, grounded: str, day: tuple[int, int, int]
) -> None:
    assert ground_text(text, REF, language=language) == (grounded, datetime(*day, tzinfo=UTC))
    assert ground_text(grounded, REF, language=language) == (
        grounded,
        datetime(*day, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("language", "text"),
    [("de", "Ich gehe am Morgen joggen."), ("es", "Corro por la mañana."),
     ("fr", "J'aime les croissants."), ("pt", "Gosto de café."),
     # "Morgen" mid-sentence is the morning; "desde hace" and "toco … há" are durations.
     ("de", "Den ganzen Morgen habe ich gearbeitet."),
     ("es", "Toco el chelo desde hace diez años."), ("pt", "Toco violoncelo há dez anos.")],
)  # fmt: skip
def test_no_date_no_change(language: str, text: str) -> None:
    assert ground_text(text, REF, language=language) == (text, None)


def test_languages_and_unknown_ones() -> None:
    assert set(LANGUAGES) == {"en", "de", "es", "fr", "pt"}
    assert find_time_expression("明日は東京に行きます", REF, language="ja") is None
    unresolved = find_time_expression("Ich war gestern im Kino.", None, language="de")
    assert unresolved is not None and unresolved.when is None and unresolved.phrase == "gestern"


_PAST = {
    "de": ["gestern", "vorgestern", "vor {n} Tagen", "vor {n} Wochen", "vor {n} Monaten",
           "letzten Freitag", "letzte Woche", "letzten Monat", "letztes Jahr"],
    "es": ["ayer", "anteayer", "hace {n} días", "hace {n} semanas", "hace {n} meses",
           "el viernes pasado", "la semana pasada", "el mes pasado", "el año pasado"],
    "fr": ["hier", "avant-hier", "il y a {n} jours", "il y a {n} semaines",
           "il y a {n} mois", "vendredi dernier", "la semaine dernière", "le mois dernier",
           "l'année dernière"],
    "pt": ["ontem", "anteontem", "há {n} dias", "há {n} semanas", "há {n} meses",
           "na sexta passada", "na semana passada", "no mês passado", "no ano passado"],
}  # fmt: skip
_FUTURE = {
    "de": ["morgen", "übermorgen", "in {n} Tagen", "in {n} Wochen", "nächsten Montag",
           "nächste Woche", "nächsten Monat", "nächstes Jahr"],
    "es": ["mañana", "pasado mañana", "en {n} días", "dentro de {n} semanas",
           "el próximo lunes", "la próxima semana", "el mes que viene", "el año que viene"],
    "fr": ["demain", "après-demain", "dans {n} jours", "dans {n} semaines", "lundi prochain",
           "la semaine prochaine", "le mois prochain", "l'année prochaine"],
    "pt": ["amanhã", "depois de amanhã", "daqui a {n} dias", "em {n} semanas",
           "na próxima segunda", "na próxima semana", "no mês que vem", "no ano que vem"],
}  # fmt: skip
refs = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@st.composite
def foreign(draw: st.DrawFn, table: dict[str, list[str]]) -> tuple[str, str]:
    language = draw(st.sampled_from(sorted(table)))
    expr = draw(st.sampled_from(table[language])).format(n=draw(st.integers(2, 9)))
    return language, f"X {expr} Y."


@settings(max_examples=200, deadline=None)
@given(foreign({k: _PAST[k] + _FUTURE[k] for k in _PAST}), refs)
def test_idempotent(case: tuple[str, str], ref: datetime) -> None:
    language, text = case
    once, when = ground_text(text, ref, language=language)
    assert when is not None, text
    assert ground_text(once, ref, language=language) == (once, when)


@settings(max_examples=200, deadline=None)
@given(foreign(_PAST), refs)
def test_the_past_stays_past(case: tuple[str, str], ref: datetime) -> None:
    language, text = case
    found = find_time_expression(text, ref, language=language)
    assert found is not None and found.when is not None and found.when <= ref, text
    assert not found.future


@settings(max_examples=200, deadline=None)
@given(foreign(_FUTURE), refs)
def test_the_future_stays_ahead(case: tuple[str, str], ref: datetime) -> None:
    language, text = case
    found = find_time_expression(text, ref, language=language)
    assert found is not None and found.when is not None and found.when > ref, text
    assert found.future
