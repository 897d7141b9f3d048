"""Cost of secret redaction per chat turn.

Times ``redact_secrets`` on every turn of the synthetic corpora in tests/redaction/
(secret-bearing turns and benign look-alikes) and, when the evaluation data is present,
on the real LoCoMo and PrefEval turns from ../shared/data (ordinary conversation, the
input redaction runs on most often). Each turn is timed several times and its fastest
run kept, so the figures show the redactor's cost rather than scheduler noise. For the
real turns it also prints how many the redactor altered.

    .venv/bin/python benchmarks/redaction.py
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

from langmem_extract.redact import redact_secrets

ROOT = Path(__file__).resolve().parents[1]

DATA = Path(os.environ.get("LANGMEM_DATA", ROOT.parent / "shared" / "data"))
CORPUS = ROOT / "tests" / "redaction"
REPEATS = 5


def _jsonl(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def _locomo() -> Iterator[str]:
    path = DATA / "locomo" / "locomo_dev.json"
    if not path.exists():
        return
    for sample in json.loads(path.read_text(encoding="utf-8")):
        for key, session in sample["conversation"].items():
            if key.startswith("session_") and isinstance(session, list):
                yield from (turn["text"] for turn in session)


def _prefeval() -> Iterator[str]:
    for path in sorted((DATA / "prefeval").glob("**/*.json")):
        items = json.loads(path.read_text(encoding="utf-8"))
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("preference"), str):
                yield item["preference"]
            conversation = item.get("conversation")
            for turn in conversation.values() if isinstance(conversation, dict) else []:
                if isinstance(turn, dict):
                    yield from (
                        turn[r] for r in ("user", "assistant") if isinstance(turn.get(r), str)
                    )


def _time(text: str) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        redact_secrets(text)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _report(name: str, texts: list[str]) -> None:
    if not texts:
        print(f"{name:<28} (no data)")
        return
    ms = sorted(_time(t) for t in texts)
    chars = statistics.median(len(t) for t in texts)
    altered = sum(1 for t in texts if redact_secrets(t)[1])
    print(
        f"{name:<28} {len(texts):>6} turns  median {chars:>5.0f} chars  "
        f"median {statistics.median(ms):.3f} ms  p90 {ms[int(len(ms) * 0.9)]:.3f} ms  "
        f"p99 {ms[int(len(ms) * 0.99)]:.3f} ms  max {ms[-1]:.2f} ms  altered {altered}"
    )


def main() -> None:
    redact_secrets("warm up: password is hunter2")
    _report("corpus: secret turns", _jsonl(CORPUS / "secrets.jsonl"))
    _report("corpus: benign look-alikes", _jsonl(CORPUS / "benign.jsonl"))
    real = list(_locomo())
    _report("LoCoMo turns", real)
    prefeval = list(_prefeval())
    short = [t for t in prefeval if len(t) <= 1000]
    _report("PrefEval turns <= 1k chars", short)
    _report("PrefEval turns > 1k chars", [t for t in prefeval if len(t) > 1000])


if __name__ == "__main__":
    main()
