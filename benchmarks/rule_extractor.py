"""Coverage and speed of the offline RuleExtractor on real conversations.

* LoCoMo (5 conversations, 2,760 turns): the share of QA evidence turns (categories 1-4)
  from which at least one memory was extracted — an upper bound on what retrieval over
  the extracted memories can surface — plus candidates per turn and turns per second.
* PrefEval explicit preferences: the share of stated preference sentences that yield a
  preference-like memory (preference, instruction or decision).
* PrefEval persona-driven conversations: the share of conversations where at least one
  preference-like memory is extracted (the preference is said in passing).

The data is read with the eval harness's loaders from ``--data`` or ``$LANGMEM_EVAL_DATA``
(not shipped). Prints the figures and writes rule_extractor.md into ``--out`` (default
``./langmem-eval-results``; the published page is ``--out docs/benchmarks``).

    .venv/bin/python benchmarks/rule_extractor.py --data ../shared/data --out docs/benchmarks
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from langmem_extract.eval.data import (
    DATA_ENV_VAR,
    load_locomo,
    load_prefeval_explicit,
    load_prefeval_persona,
)
from langmem_extract.eval.report import DEFAULT_OUT_DIR
from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.messages import normalize_messages
from langmem_extract.schema import PREFERENCE_LIKE_TYPES

#: Persona conversations are cut to one request: at most 200 messages of 8,000 characters.
_MAX_MESSAGES = 200
_MAX_CHARS = 8000


def _locomo(extractor: RuleExtractor, data: Path | None) -> dict[str, float]:
    convs = load_locomo(data, with_captions=False)
    covered: set[tuple[str, str]] = set()
    turns = candidates = 0
    types: Counter[str] = Counter()
    elapsed = 0.0
    for conv in convs:
        for session in conv.sessions:
            msgs = normalize_messages(
                [
                    {"role": "user", "name": t.speaker, "id": t.dia_id, "content": t.text}
                    for t in session.turns
                ],
                reference_time=session.timestamp,
            )
            start = time.perf_counter()
            out = extractor.extract(msgs, context=ExtractContext())
            elapsed += time.perf_counter() - start
            turns += len(msgs)
            candidates += len(out.candidates)
            for cand in out.candidates:
                types[cand.type.value] += 1
                covered.update((conv.sample_id, i) for i in cand.source_message_ids)
    evidence = [
        (conv.sample_id, i)
        for conv in convs
        for qa in conv.qa
        if qa.category != 5
        for i in qa.evidence
    ]
    hit = sum(e in covered for e in evidence)
    return {
        "turns": turns,
        "candidates": candidates,
        "evidence": len(evidence),
        "evidence_covered": hit,
        "coverage": hit / len(evidence),
        "turns_per_s": turns / elapsed,
        **{f"type_{k}": v for k, v in types.items()},
    }


def _prefeval(extractor: RuleExtractor, data: Path | None) -> dict[str, float]:
    explicit = found = 0
    for item in load_prefeval_explicit(data):
        explicit += 1
        msgs = normalize_messages([{"role": "user", "content": item.preference}])
        cands = extractor.extract(msgs, context=ExtractContext()).candidates
        found += any(c.type in PREFERENCE_LIKE_TYPES for c in cands)
    convs = with_pref = 0
    for item in load_prefeval_persona(data):
        raw = [
            {"role": role, "content": text[:_MAX_CHARS]}
            for user, assistant in item.conversation
            for role, text in (("user", user), ("assistant", assistant))
        ][:_MAX_MESSAGES]
        cands = extractor.extract(normalize_messages(raw), context=ExtractContext()).candidates
        convs += 1
        with_pref += any(c.type in PREFERENCE_LIKE_TYPES for c in cands)
    return {
        "explicit": explicit,
        "explicit_found": found,
        "explicit_recall": found / explicit,
        "persona_convs": convs,
        "persona_with_pref": with_pref,
    }


def main(data: Path | None = None, out_dir: Path = DEFAULT_OUT_DIR) -> None:
    extractor = RuleExtractor()
    loc, pref = _locomo(extractor, data), _prefeval(extractor, data)
    types = ", ".join(f"{k[5:]} {int(v)}" for k, v in loc.items() if k.startswith("type_"))
    text = f"""# Rule extractor coverage and speed

Produced by `benchmarks/rule_extractor.py` (offline `RuleExtractor`, no model).

| measure | value |
|---|---|
| LoCoMo turns / memories extracted | {loc["turns"]} / {loc["candidates"]} ({types}) |
| LoCoMo QA evidence turns (cat. 1-4) yielding ≥1 memory | {loc["evidence_covered"]}/{loc["evidence"]} = {loc["coverage"]:.3f} |
| extraction speed | {loc["turns_per_s"]:.0f} turns/s (one process, extraction only) |
| PrefEval explicit preferences → a preference-like memory | {pref["explicit_found"]}/{pref["explicit"]} = {pref["explicit_recall"]:.3f} |
| PrefEval persona conversations with ≥1 preference-like memory | {pref["persona_with_pref"]}/{pref["persona_convs"]} |

Evidence coverage bounds what retrieval over the memories can find; it is not recall@k.
Whether the extracted preference *matches* the gold one is measured by the eval harness.
"""
    print(text)
    out = out_dir / "rule_extractor.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help=f"default ${DATA_ENV_VAR}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args()
    main(args.data, args.out)
