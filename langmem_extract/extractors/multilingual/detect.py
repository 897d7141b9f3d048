"""Language detection for chat messages: script first, then stop words.

Cheap and dependency-free. Kana means Japanese and Han without kana Chinese; Hangul,
Cyrillic, Arabic and the other scripts are named by their script. Latin text is scored
by stop words (the short function words every sentence has) plus letters only one of the
languages uses (``ß``, ``ñ``, ``ã``); a message is English unless another language
clearly outscores English, so English text keeps the English rules (measured on the
labelled set in ``benchmarks/languages.py``: figures in docs/benchmarks/languages.md).
"""

from __future__ import annotations

import re

from langmem_extract.extractors.language_codes import RULE_LANGUAGES as RULE_LANGUAGES
from langmem_extract.extractors.language_codes import check_language

_LATIN = frozenset({"de", "es", "fr", "pt"})

_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_OTHER_SCRIPTS = (
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")

# Function words, and a few first-person verbs chat is full of. Words two languages share
# with English ("in", "die", "was", "a") are left out of the non-English lists, and "he"
# (Spanish "he decidido") out of the English one.
_STOP = {
    "en": """i the and to my is of it you that for with was have be on at this but not are am
        answer reply respond speak write english we they she do don just like love really what how can will would get got going
        about from your our or if there been had has all when one some very much today
        yesterday work live always never please thanks want im ive dont its""",
    "de": """ich du er sie wir ihr und oder aber nicht kein keine keinen ist bin bist sind habe
        hast mein meine meinen meinem meiner mit von zu auf für bei nach aus der das den dem
        des ein eine einen einem einer auch sehr immer nie heute gestern morgen ja nein danke
        bitte mir mich dich dir wohne arbeite lebe gern gerne seit schon noch wie wo warum im
        am zum zur ins über jetzt heiße mag liebe hasse möchte will wurde gibt es uns euch
        unser unsere antworte schreib sei nur viel""",
    "es": """yo el los las y pero muy por con una un es soy estoy mi mis te lo le les su sus
        del al como más también tengo tiene voy va vamos vivo trabajo hoy ayer mañana siempre
        nunca gracias qué quiero hola sí esto eso este esta para que de se me nos en la tu tus
        semana gusta gustan encanta odio llamo mío mía español respóndeme responde contesta
        porque cuando hay hace fui fue era estaba años usted ustedes he hemos han sin sobre
        hasta donde nada algo todo mucho poco bien aún todavía después ahora aquí
        dejar hacer puedo puede vez casa día año cosa ciudad no""",
    "fr": """je j tu il elle nous vous le la les un une des du et est suis mais avec pour pas
        ne mon ma mes ce c qu que de en dans sur au aux très aussi toujours jamais oui merci
        bonjour ai été moi toi habite travaille aime adore déteste appelle réponds français
        chez ans était sont cette ces leur notre votre ça alors quel quelle plus bien fait
        faire tout tous rien où depuis peu beaucoup trop encore déjà ici là ben avoir être""",
    "pt": """eu o os as e mas muito com uma um para por é sou estou meu minha meus minhas não
        também tenho tem temos moro trabalho hoje ontem amanhã sempre nunca obrigado obrigada
        quero olá isso essa esse este esta na no do da dos das em ao pelo pela pelos pelas
        numa num nas nos você sim gosto adoro odeio chamo que de se me português responda
        responde fale vem mês semana passada bom boa dia comecei porque quando anos foi
        estava era agora ele ela eles elas seu sua lá já ainda então depois mais bem aqui
        tudo nada coisa cidade ano vez gente fiz fui dou vou vai pode posso sabe sei
        está ser estar fazer ter nossa nosso""",
}
_STOP_SETS = {lang: frozenset(words.split()) for lang, words in _STOP.items()}
_FOREIGN = [stop for lang, stop in _STOP_SETS.items() if lang != "en"]
_WEIGHT = {w: 1 / sum(w in stop for stop in _FOREIGN) for stop in _FOREIGN for w in stop}
# Letters only one (or two) of the languages write, and word endings and pieces that lean
# one way: each occurrence counts one point (at most three). Read off the word list rather
# than by regex over the text: four such regexes cost 0.4 ms a LoCoMo turn.
_CUE_LETTERS = {
    "de": re.compile(r"[äöüß]", re.I),
    "es": re.compile(r"[ñ¿¡]", re.I),
    "fr": re.compile(r"[èêëàâîïôûùœ]|\b[jlcdnm]['’]", re.I),
    "pt": re.compile(r"[ãõêô]", re.I),
}
_CUE_ENDINGS = {
    "de": ("ungen", "keit", "heit", "lich"),
    "es": ("ción", "amos", "emos", "ía", "ías"),
    "fr": ("eux", "aux", "ais"),
    "pt": ("amos", "emos"),
}
_CUE_PIECES = {"de": (), "es": (), "fr": (), "pt": ("ção", "ções", "nh", "lh")}
_ACCENTED = re.compile(r"[áéíó]")


def _cues(text: str, words: list[str]) -> dict[str, int]:
    out = {}
    for lang, letters in _CUE_LETTERS.items():
        endings, pieces = _CUE_ENDINGS[lang], _CUE_PIECES[lang]
        n = len(letters.findall(text)) if not text.isascii() or lang == "fr" else 0
        n += sum(1 for w in words if w.endswith(endings) and w not in endings)
        n += sum(1 for w in words for piece in pieces if piece in w)
        if lang == "es":  # "tutéame", "llámame": an accented verb with a pronoun on it
            n += sum(1 for w in words if w.endswith(("me", "te", "nos")) and _ACCENTED.search(w))
        out[lang] = min(3, n)
    return out


# Letter pairs that lean one way, read only to break a tie between two non-English
# languages (English writes them too, so they never count against English).
_HINTS = {
    "de": re.compile(r"sch|ei|ie|au", re.I),
    "es": re.compile(r"ue|ie|ll|ci[oó]n", re.I),
    "fr": re.compile(r"ou|eu|oi|ai|qu'", re.I),
    "pt": re.compile(r"ão|õe|nh|lh|ç|ou\b|ei\b", re.I),
}
#: ASCII text with this many English stop words, a third of its words or more, is English
#: without scoring the others.
EARLY_ENGLISH = 3
#: Characters read: a message's opening says its language (and a long one costs no more).
MAX_CHARS = 600
#: The winning language needs more stop words and cues than English has stop words, and
#: this many when English has any.
MIN_POINTS = 2


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def latin_scores(text: str) -> tuple[dict[str, float], dict[str, int]]:
    """Points per Latin-script language (stop words, a shared one split between the
    languages sharing it, plus letter cues), and the letter cues alone (the tie-break)."""
    words = _words(text)
    # A word several languages share counts a share to each ("de": a third to es, fr, pt).
    scores = {
        lang: sum(1.0 if lang == "en" else _WEIGHT[w] for w in words if w in stop)
        for lang, stop in _STOP_SETS.items()
    }
    cues = _cues(text, words)
    cues["en"] = 0
    return {lang: n + cues[lang] for lang, n in scores.items()}, cues


def detect_language(text: str, prior: str | None = None) -> str:
    """The language of ``text`` as a two-letter code; ``"en"`` when nothing else is clear.

    ``ja``/``zh`` by script (kana, Han), ``de``/``es``/``fr``/``pt`` by stop words and
    letters, other scripts by name (``ko``, ``ru``, …); Latin text no language clearly
    wins is ``"en"``, so the English rules keep reading it, unless ``prior`` (the language
    of the speaker's previous message) names a Latin-script language and the text has
    fewer than two English stop words ("Bom dia!" in a Portuguese chat). A ``prior``
    that is not a known code (:data:`~langmem_extract.extractors.language_codes.LANGUAGE_CODES`)
    raises :class:`~langmem_extract.errors.InvalidInputError`.
    """
    if prior is not None:
        check_language(prior, "prior")
    text = text[:MAX_CHARS]
    if not text.isascii():
        letters = len(_LETTER.findall(text)) or 1
        kana, han = len(_KANA.findall(text)), len(_HAN.findall(text))
        if kana and (kana + han) / letters >= 0.2:
            return "ja"
        if han / letters >= 0.3:
            return "zh"
        for lang, script in _OTHER_SCRIPTS:
            if len(script.findall(text)) / letters >= 0.3:
                return lang
    if text.isascii():
        # The common case, plain English: most of its words are English stop words, and
        # the other languages need not be scored (a third of the cost of a LoCoMo turn).
        words = _words(text)
        english_words = sum(w in _STOP_SETS["en"] for w in words)
        if english_words >= EARLY_ENGLISH and english_words * 3 >= len(words):
            return "en"
    scores, cues = latin_scores(text)
    english = scores.pop("en")
    ranked = sorted(scores, key=lambda lang: (scores[lang], cues[lang]), reverse=True)
    best, second = ranked[0], ranked[1]
    points = sum(w in _STOP_SETS[best] for w in _words(text)) + cues[best]
    unclear = "en" if prior not in _LATIN or english >= MIN_POINTS else prior
    if points <= english or points < (MIN_POINTS if english else 1):
        return unclear
    if (scores[best], cues[best]) == (scores[second], cues[second]):
        if prior in (best, second):
            return prior
        if english or points < MIN_POINTS:
            return unclear  # a tie, and English words too (or one word): nothing is clear
        # Not English, but Spanish and Portuguese (say) tie: letter pairs one of them
        # writes more decide, else the first in a fixed order (the classifier and cues read
        # either language's clause alike; only the rule pack differs).
        tied = [lang for lang in ranked if (scores[lang], cues[lang]) == (scores[best], cues[best])]
        return max(tied, key=lambda lang: len(_HINTS[lang].findall(text)))
    return best


# Stop words of one language only, English none: one in an English message may start a
# sentence in another language.
_FOREIGN_ONLY = frozenset(
    w for w, share in _WEIGHT.items() if share == 1 and w not in _STOP_SETS["en"]
)
# A sentence: text up to its closing punctuation (or a line break).
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")


def language_runs(text: str, prior: str | None = None) -> list[tuple[str, str]]:
    """``text`` as runs of consecutive sentences in one language, each with its code.

    A message mostly in one language may switch for a sentence ("Ich wohne in Berlin.
    Please answer in English."; "我住在上海。Please reply in English."): each run goes to
    its own rules. In a message read as English only a sentence that is plainly another
    language splits off (another script, or two stop words of its own and no English one),
    so English text keeps the English rules as one piece (all LoCoMo turns do).
    """
    if prior is not None:
        check_language(prior, "prior")
    if text.isascii() and prior in (None, "en"):
        # Plain English (detect_language's early answer, and not one stop word of another
        # language): nothing to split off, and the words are read once.
        words = _words(text)
        head = words if len(text) <= MAX_CHARS else _words(text[:MAX_CHARS])
        english = sum(w in _STOP_SETS["en"] for w in head)
        if (
            english >= EARLY_ENGLISH
            and english * 3 >= len(head)
            and _FOREIGN_ONLY.isdisjoint(words)
        ):
            return [(text, "en")]
    lang = detect_language(text, prior)
    if lang == "en" and text.isascii() and _FOREIGN_ONLY.isdisjoint(_words(text)):
        return [(text, lang)]  # English with no stop word of another language: one piece
    spans = [m.span() for m in _SENTENCE.finditer(text) if m.group(0).strip()]
    if len(spans) < 2:
        return [(text, lang)]
    runs: list[list[object]] = []  # [start, end, language]
    for start, end in spans:
        part = text[start:end]
        found = detect_language(part, None if lang == "en" else lang)
        if lang == "en" and found != "en" and not _plainly(part, found):
            found = "en"
        if runs and runs[-1][2] == found:
            runs[-1][1] = end
        else:
            runs.append([start, end, found])
    if len(runs) == 1:
        return [(text, lang)]
    return [(text[int(s) : int(e)].strip(), str(code)) for s, e, code in runs]  # type: ignore[call-overload]


def _plainly(part: str, lang: str) -> bool:
    """``part`` is plainly ``lang``, not English: another script, or two stop words only
    ``lang`` has (shared ones count a share) and none of English."""
    if lang not in _LATIN:
        return True
    words = _words(part)
    # Weighted: a word other languages share counts a share ("me", "de" are no sign).
    return sum(_WEIGHT[w] for w in words if w in _STOP_SETS[lang]) >= MIN_POINTS and not any(
        w in _STOP_SETS["en"] for w in words
    )
