"""Precision and recall of supersede, through the real graph, on the labelled conflict set.

Each pair of ``benchmarks/conflict_pairs.py`` runs in its own namespace of one DuckDB
store (the bundled E5 embedder, the default rule extractor): the first statement, then
the second, each one ``extract_memories`` call. A pair is predicted a conflict when the
second call supersedes a memory the first call stored. Prints precision, recall, the
figures per family and every miss, and writes conflicts.md into ``--out`` (default
``./langmem-eval-results``; the published page is ``--out docs/benchmarks``). It also
scores the attribute-label matching of ``graph/conflicts.py`` on :data:`LABELS`.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/conflicts.py --out docs/benchmarks
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conflict_pairs import (
    BLIND2_CONFLICTS,
    BLIND2_LOOK_ALIKES,
    BLIND3_CONFLICTS,
    BLIND3_LOOK_ALIKES,
    BLIND4_CONFLICTS,
    BLIND4_LOOK_ALIKES,
    BLIND_CONFLICTS,
    BLIND_LOOK_ALIKES,
    CONFLICTS,
    HELD_OUT_CONFLICTS,
    HELD_OUT_LOOK_ALIKES,
    LOOK_ALIKES,
)
from conflict_pairs_blind5 import BLIND5_CONFLICTS, BLIND5_LOOK_ALIKES

from langmem_extract import extract_memories, open_store
from langmem_extract.eval.report import DEFAULT_OUT_DIR
from langmem_extract.graph.conflicts import ConflictModel, canonical_attribute

#: Attribute labels a model might write, with the family they belong to (None: none).
LABELS: list[tuple[str, str | None]] = [
    ("home city", "location"), ("current city", "location"), ("city of residence", "location"),
    ("where the user lives", "location"), ("hometown", "hometown"),
    ("company", "employer"), ("workplace", "employer"), ("place of work", "employer"),
    ("current company", "employer"), ("job title", "occupation"), ("profession", "occupation"),
    ("line of work", "occupation"), ("marital status", "relationship_status"),
    ("relationship situation", "relationship_status"), ("dietary preference", "diet"),
    ("eating style", "diet"), ("car model", "vehicle"), ("vehicle owned", "vehicle"),
    ("new manager", "relation:manager"), ("direct supervisor", "relation:manager"),
    ("current boss", "relation:manager"), ("wife's name", None), ("spouse name", "relation:partner"),
    ("date of birth", "birthday"), ("birth date", "birthday"), ("birthday party", None),
    ("favorite color", None), ("phone model", None), ("dog's name", None),
    ("coffee order", None), ("gym schedule", None), ("shoe size", None),
    ("commute", None), ("laptop", None), ("native language", None), ("hair colour", None),
    ("anniversary", None), ("team name", None), ("blood type", None), ("sister's city", None),
]  # fmt: skip


def _run_pair(store, index: str, first: str, second: str) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    ns = ("memories", f"pair{index}")
    one = extract_memories([{"role": "user", "content": first}], store=store, namespace=ns)
    stored = {i.memory_id for i in one.items if i.status == "stored"}
    two = extract_memories([{"role": "user", "content": second}], store=store, namespace=ns)
    hits = [i for i in two.items if i.action.value == "supersede" and i.target_id in stored]
    said = (
        "; ".join(f"{c.content} [{c.attribute}={c.value}]" for c in two.candidates)
        or "(nothing extracted)"
    )
    first_said = "; ".join(f"[{c.attribute}={c.value}]" for c in one.candidates)
    return bool(hits), f"{first_said} → {said}"


def _label_accuracy(model: ConflictModel) -> tuple[int, list[str]]:
    right, wrong = 0, []
    for label, want in LABELS:
        got = canonical_attribute(label, model._similar_family)
        got_family = got if got != label else None
        if got_family == want or (want == "hometown" and got == "hometown"):
            right += 1
        else:
            wrong.append(f"`{label}` → `{got_family}` (want `{want}`)")
    return right, wrong


Row = tuple[str, bool, bool, str, str, str]
#: Each set's figures the first time it ran, before the rule changes its misses prompted.
#: The fourth ran once after the wording rules of extractors/rules/fact_changes.py (written
#: for the third set's misses); the rules were widened for its misses after that run.
FIRST_RUNS = [
    ("held-out (80 pairs)", "0.951 (39 of 41)", "0.975 (39 of 40)"),
    ("blind (60 pairs)", "1.000 (11 of 11)", "0.367 (11 of 30)"),
    ("second blind (60 pairs)", "1.000 (13 of 13)", "0.433 (13 of 30)"),
    ("third blind (60 pairs)", "1.000 (20 of 20)", "0.667 (20 of 30)"),
    ("fourth blind (90 pairs)", "0.923 (24 of 26)", "0.533 (24 of 45)"),
    ("fifth blind (138 pairs)", "1.000 (31 of 31)", "0.463 (31 of 67)"),
]


def _run_set(store, name: str, conflicts, look_alikes) -> list[Row]:  # type: ignore[no-untyped-def]
    rows: list[Row] = []
    pairs = [(f, a, b, True) for f, a, b in conflicts] + [
        (f, a, b, False) for f, a, b in look_alikes
    ]
    for index, (family, first, second, label) in enumerate(pairs):
        predicted, detail = _run_pair(store, f"{name}{index}", first, second)
        rows.append((family, label, predicted, first, second, detail))
    return rows


def _figures(rows: list[Row]) -> tuple[float, float, int, int, int]:
    tp = sum(1 for r in rows if r[1] and r[2])
    fp = sum(1 for r in rows if not r[1] and r[2])
    fn = sum(1 for r in rows if r[1] and not r[2])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


def _section(title: str, rows: list[Row]) -> list[str]:
    precision, recall, tp, fp, fn = _figures(rows)
    negatives = sum(1 for r in rows if not r[1])
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for family, label, predicted, *_ in rows:
        by_family[family][0] += int(predicted == label)
        by_family[family][1] += 1
    return [
        f"## {title}",
        "",
        "| | figure |",
        "|---|---|",
        f"| pairs | {len(rows) - negatives} conflicting, {negatives} look-alike |",
        f"| precision of supersede | **{precision:.3f}** ({tp} of {tp + fp}) |",
        f"| recall of supersede | **{recall:.3f}** ({tp} of {tp + fn}) |",
        f"| false supersedes (look-alikes superseded) | {fp} of {negatives} |",
        "",
        "| family | decided right | pairs |",
        "|---|---|---|",
        *(f"| {f} | {r} | {n} |" for f, (r, n) in sorted(by_family.items())),
        "",
        "Conflicts missed (not superseded):",
        "",
        *(
            [f'* {r[0]}: "{r[3]}" → "{r[4]}" — {r[5]}' for r in rows if r[1] and not r[2]]
            or ["* none"]
        ),
        "",
        "Look-alikes superseded (false conflicts):",
        "",
        *(
            [f'* {r[0]}: "{r[3]}" → "{r[4]}" — {r[5]}' for r in rows if not r[1] and r[2]]
            or ["* none"]
        ),
        "",
    ]


def main(out_dir: Path = DEFAULT_OUT_DIR) -> None:
    store = open_store(":memory:")
    started = time.perf_counter()
    dev = _run_set(store, "dev", CONFLICTS, LOOK_ALIKES)
    held = _run_set(store, "held", HELD_OUT_CONFLICTS, HELD_OUT_LOOK_ALIKES)
    blind = _run_set(store, "blind", BLIND_CONFLICTS, BLIND_LOOK_ALIKES)
    blind2 = _run_set(store, "blindtwo", BLIND2_CONFLICTS, BLIND2_LOOK_ALIKES)
    blind3 = _run_set(store, "blindthree", BLIND3_CONFLICTS, BLIND3_LOOK_ALIKES)
    blind4 = _run_set(store, "blindfour", BLIND4_CONFLICTS, BLIND4_LOOK_ALIKES)
    blind5 = _run_set(store, "blindfive", BLIND5_CONFLICTS, BLIND5_LOOK_ALIKES)
    seconds = time.perf_counter() - started
    model = ConflictModel(store, ("memories", "labels"), None)
    right, wrong = _label_accuracy(model)
    load = os.getloadavg()[0]
    every = dev + held + blind + blind2 + blind3 + blind4 + blind5
    p_all, r_all, *_ = _figures(every)
    lines = [
        "# Conflicts: precision and recall of supersede",
        "",
        "Produced by `benchmarks/conflicts.py` (`--out docs/benchmarks`). Labelled pairs of "
        "statements (`benchmarks/conflict_pairs.py`, invented by hand): in a *conflicting* "
        "pair the second statement changes the first one's fact; a *look-alike* must not "
        "supersede it (a statement about someone else, a compatible addition, the same "
        "family with a compatible value, the same value again). Each pair runs through the "
        "real graph: `extract_memories` with the default rule extractor on a DuckDB store "
        "with the bundled E5 embedder, the first statement and then the second in one "
        "namespace; it counts as superseded when the second call supersedes a memory the "
        "first call stored. How the conflict model works: "
        "[concepts.md](../concepts.md#conflicts-what-supersedes-what).",
        "",
        "The sets were written in turns, and the figures below are those of the final "
        "rules on every set. *Dev* was written together with the rules, so its figures are "
        "optimistic. Each later set was written before the rules saw it and run once; "
        "the rules were then widened for the phrasings it missed (in general form, never "
        "one sentence), and the next set was written. The first runs, the honest estimate "
        "for statements nobody tuned for, were:",
        "",
        "| set | first run: precision | first run: recall |",
        "|---|---|---|",
        *(f"| {name} | {p} | {r} |" for name, p, r in FIRST_RUNS),
        "",
        "Precision held on the first runs of the first three blind sets and the fifth; the fourth blind set's two false "
        'conflicts were an inferred preference ("I\'m trying to eat less meat" replacing '
        '"I love salami" through the meat category) and the same car said with "my old" '
        '("I still drive my old Prius"); both are fixed, as are most of its misses, so '
        "its figures below are no longer blind. Recall on fresh phrasings is what a rule "
        "extractor gets: each set's misses were phrasings no rule knew yet.",
        "",
        "The fifth blind set (`conflict_pairs_blind5.py`, 67 conflicting and 71 look-alike "
        "pairs with third parties, additions, hypotheticals and plans, questions, past "
        "stories, negations, the same value and a few pairs in German, Spanish, French and "
        "Portuguese) was committed before its first run, on the rules of the fourth. Its "
        "misses then led to the attribute family of `graph/change_family.py` (a change no "
        "rule keys, by its wording checks, E5 prototypes of each family with names and "
        "numbers masked, the kind of the name it gives and a word of its family), the same "
        "preference object in other words (E5 cosine of the objects at least "
        "`OBJECT_SIMILARITY`), a negative taste about a head noun covering its modified "
        'form ("chocolate" and "milk chocolate"), a break-up ending the stored partner, '
        'a taste that faded ("gone off", "lost interest in") and an age with an adverb '
        '("I\'m finally 18"), none written for one sentence; its figures below are after '
        "those changes, so they are no longer blind either.",
        "",
        f"All {len(every)} pairs: precision **{p_all:.3f}**, recall **{r_all:.3f}**. "
        f"Run time {seconds:.0f} s for {2 * len(every)} calls "
        f"(load average {load:.2f} on 2 cores).",
        "",
        *_section("Dev set", dev),
        *_section("Held-out set", held),
        *_section("Blind set", blind),
        *_section("Second blind set", blind2),
        *_section("Third blind set", blind3),
        *_section("Fourth blind set", blind4),
        *_section("Fifth blind set", blind5),
        "## Attribute labels",
        "",
        "Labels the rules do not key are mapped to a family by `graph/conflicts.py`: the "
        "alias table first, then E5 similarity to each family's prototype labels "
        "(`ATTRIBUTE_SIMILARITY`, chosen on this list, and `ATTRIBUTE_MARGIN`). "
        f"{right} of {len(LABELS)} labels land in the right family (or, for labels of no "
        "family, in none). Wrong:",
        "",
        *([f"* {w}" for w in wrong] or ["* none"]),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = out_dir / "conflicts.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR)
    main(parser.parse_args().out)
