"""The offline rule extractor, by concern.

* :mod:`~langmem_extract.extractors.rules.extractor`: :class:`RuleExtractor`, message by
  message: clauses → rule hits → third-person candidates with dates and tone signals;
* :mod:`~langmem_extract.extractors.rules.clauses`: a message split into clauses;
* :mod:`~langmem_extract.extractors.rules.families`: the rule families a clause is matched
  against, in order;
* :mod:`~langmem_extract.extractors.rules.dated`: statements whose point is their date,
  which no family matched ("Next Friday is my sister's wedding");
* :mod:`~langmem_extract.extractors.rules.patterns`: the regexes those families use;
* :mod:`~langmem_extract.extractors.rules.implied`: preferences said in passing (aversions,
  values, constraints, habits, traits), refining what the families found, with
  :mod:`~langmem_extract.extractors.rules.stances` (objections, lost appeal, comparisons,
  extraposed values) and :mod:`~langmem_extract.extractors.rules.shapes` (the regex pieces
  both share);
* :mod:`~langmem_extract.extractors.rules.asides`: statements inside lead-ins, questions,
  reasons said mid-sentence and verb phrases that drop the speaker;
* :mod:`~langmem_extract.extractors.rules.grammar`: English helpers (third person, verb
  agreement, phrase trimming), with :mod:`~langmem_extract.extractors.rules.verbs` (the
  verb lexicon agreement needs);
* :mod:`~langmem_extract.extractors.rules.coreference`: "her" → the person named,
  "they" → the plural named, with :mod:`~langmem_extract.extractors.rules.plural_words`
  (what looks plural and is not, what only people or an organisation can be) and
  :mod:`~langmem_extract.extractors.rules.ones` ("I've been one" → the thing said with "a")
  and :mod:`~langmem_extract.extractors.rules.name_words` (capitalised words naming nobody);
* :mod:`~langmem_extract.extractors.rules.relations`: "Ana is my sister" → a keyed
  relationship memory;
* :mod:`~langmem_extract.extractors.rules.wellformed`: the last check on a memory's text.
"""

from langmem_extract.extractors.rules.extractor import RuleExtractor
from langmem_extract.extractors.rules.grammar import third_person

__all__ = ["RuleExtractor", "third_person"]
