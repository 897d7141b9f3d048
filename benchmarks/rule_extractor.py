"""Coverage and speed of the offline RuleExtractor on real conversations.

* LoCoMo (5 conversations, 2,760 turns): the share of QA evidence turns (categories 1-4)
  from which at least one memory was extracted — an upper bound on what retrieval over
  the extracted memories can surface — plus candidates per turn and turns per second.
* PrefEval explicit preferences: the share of stated preference sentences that yield a
  preference-like memory (preference, instruction or decision).
* PrefEval persona-driven conversations: the share of conversations where at least one
  preference-like memory is extracted (the preference is said in passing).

Data is read from ../shared/data (not shipped). Prints the figures and writes
docs/benchmarks/rule_extractor.md.

    .venv/bin/python benchmarks/rule_extractor.py
"""

from __future__ import annotations

import glob
import json
import os
import re
import time
from collections import Counter
from pathlib import Path

from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.messages import normalize_messages, parse_timestamp
from langmem_extract.schema import PREFERENCE_LIKE_TYPES

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("LANGMEM_DATA", ROOT.parent / "shared" / "data"))


def _locomo(extractor: RuleExtractor) -> dict[str, float]:
    convs = json.loads((DATA / "locomo" / "locomo_dev.json").read_text(encoding="utf-8"))
    covered: set[tuple[str, str]] = set()
    turns = candidates = 0
    types: Counter[str] = Counter()
    elapsed = 0.0
    for conv in convs:
        c = conv["conversation"]
        for key in sorted(k for k in c if re.fullmatch(r"session_\d+", k)):
            msgs = normalize_messages(
                [
                    {"role": "user", "name": t["speaker"], "id": t["dia_id"], "content": t["text"]}
                    for t in c[key]
                ],
                reference_time=parse_timestamp(c[f"{key}_date_time"]),
            )
            start = time.perf_counter()
            out = extractor.extract(msgs, context=ExtractContext())
            elapsed += time.perf_counter() - start
            turns += len(msgs)
            candidates += len(out.candidates)
            for cand in out.candidates:
                types[cand.type.value] += 1
                covered.update((conv["sample_id"], i) for i in cand.source_message_ids)
    evidence = [
        (conv["sample_id"], i)
        for conv in convs
        for qa in conv["qa"]
        if qa["category"] != 5
        for i in re.findall(r"D\d+:\d+", " ".join(map(str, qa["evidence"])))
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


def _prefeval(extractor: RuleExtractor) -> dict[str, float]:
    base = DATA / "prefeval"
    explicit = found = 0
    for path in sorted(glob.glob(str(base / "explicit_preference" / "*.json"))):
        for item in json.loads(Path(path).read_text(encoding="utf-8")):
            explicit += 1
            msgs = normalize_messages([{"role": "user", "content": item["preference"]}])
            cands = extractor.extract(msgs, context=ExtractContext()).candidates
            found += any(c.type in PREFERENCE_LIKE_TYPES for c in cands)
    convs = with_pref = 0
    for path in sorted(glob.glob(str(base / "implicit_preference" / "persona-driven" / "*.json"))):
        for item in json.loads(Path(path).read_text(encoding="utf-8")):
            turns = sorted(item["conversation"].items(), key=lambda kv: int(kv[0]))
            raw = [
                {"role": role, "content": turn[role][:8000]}
                for _, turn in turns
                for role in ("user", "assistant")
            ][:200]
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


def main() -> None:
    extractor = RuleExtractor()
    loc, pref = _locomo(extractor), _prefeval(extractor)
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
    out = ROOT / "docs" / "benchmarks" / "rule_extractor.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
