"""The BM25 analysis stems with PyStemmer's C build of the Snowball English stemmer
(snowballstemmer's package picks it when installed), whose stems equal the pure-Python
stemmer's: lexical files written by either read the same."""

from __future__ import annotations

import Stemmer
from snowballstemmer.english_stemmer import EnglishStemmer

from langmem_extract import lexical

# Invented words of varied shape: plurals, tenses, suffix chains, possessives, names,
# numbers, non-ASCII, hyphen pieces and Porter's classic edge cases.
_TEXT = """
running runs ran runner runners easily fairly generously generalization generalizations
hopping hoped hoping hopeful hopefulness relational conditional rational valenci
digitizer conformabli radicalli differentli vileli analogousli vietnamization
predication operator feudalism decisiveness hopefulness callousness formaliti
sensitiviti sensibiliti triplicate formative formalize electriciti electrical hopeful
goodness revival allowance inference airliner gyroscopic adjustable defensible
irritant replacement adjustment dependent adoption homologou communism activate
angulariti homologous effective bowdlerize probate rate cease controlling rolling
sisters sister's neighbours neighbour colleague colleagues dentist's landlord
lisbon valencia curitiba toronto hiking hikes hiked pottery potteries violinist
sushi jazz records recorded recording skiing skis skied news species series
dying lying tying cried cries crying flies flying skies sky's ugly early only
generously gently atlantic succeeding proceeding exceeded canning inning outing
consign consigned consigning consignment consist consisted consistency consistent
knack knackeries knave knaves knavish kneaded kneading knee kneel kneeled kneeling
café naïve façade über résumé 2024 3rd 10k co-worker re-entry e-mail
"""
WORDS = _TEXT.split()


def test_the_stemmer_in_use_is_the_c_build() -> None:
    assert isinstance(lexical._STEMMER, Stemmer.Stemmer)


def test_stems_equal_the_pure_python_snowball_stemmer() -> None:
    pure = EnglishStemmer()
    assert [lexical._STEMMER.stemWord(w) for w in WORDS] == [pure.stemWord(w) for w in WORDS]
    lexical.stem.cache_clear()
    assert [lexical.stem(w) for w in WORDS] == [pure.stemWord(w) for w in WORDS]
