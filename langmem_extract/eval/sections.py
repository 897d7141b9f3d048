"""The markdown section and the PNG plots of each benchmark's results (one function pair per
benchmark), and the table helpers they share with the README in :mod:`.report`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SYSTEM_LABELS = {
    "memories": "memories (retriever as shipped: hybrid)",
    "memories_dense": "memories (dense only, default weights: the retriever before hybrid)",
    "memories_similarity": "memories (dense only, similarity)",
    "memories_turns_fusion": "memories + raw turns (RRF of memories, BM25, dense; turns)",
    "turns_fusion": "raw turns only (RRF of BM25, dense)",
    "bm25": "BM25 over raw turns",
    "dense": "dense over raw turns (same embedder)",
}
STORE_LABELS = {"duckdb": "DuckDBStore", "inmemory": "InMemoryStore", "sqlite": "SqliteStore"}


def fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def mib(n: int | None) -> str:
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
        md_table([*header, "p50 ms (all q.)", "p95 ms (all q.)"], rows("cat_1_4", True)),
        "",
        "turns@10: distinct turns the top 10 results point to (a memory may cite several).",
        "",
    ]
    out += [
        f"### Category 5, adversarial ({n5} questions)",
        "",
        md_table(header, rows("cat_5", False)),
        "",
    ]
    cats = sorted(systems["memories"]["per_category"], key=int)
    out += ["### hit@10 per category", ""]
    out += [
        md_table(
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
        md_table(
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
        f"turns/s. Store file {mib(t.get('db_bytes'))}.",
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
    for name in ("memories", "memories_dense", "memories_similarity", "memories_turns_fusion"):
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
        md_table(
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
        md_table(
            ["topic", *r["sets"]],
            [[t, *(s["per_topic"].get(t) for s in r["sets"].values())] for t in topics],
        ),
        "",
        "Cosine alone at other thresholds (recall / chance):",
        "",
        md_table(
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
    meta = r.get("meta", {})
    if meta.get("load_average"):
        end = meta.get("load_average_end") or [None]
        out += [
            f"Machine: {meta.get('cpus', '?')} CPUs, load average {fmt(meta['load_average'][0], 2)} "
            f"at the start and {fmt(end[0], 2) if end[0] is not None else '–'} at the end "
            "(the machine is shared: latencies depend on it, recall does not).",
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
        f"{fmt(r['meta']['load_average'][0], 2) if r['meta'].get('load_average') else '–'} "
        "(the machine is shared, so absolute times are pessimistic; ratios compare stores "
        "measured in the same run).",
        "",
        "### Capture (default pipeline: rule extractor, E5, DuckDB file)",
        "",
        md_table(
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
                ["DuckDB file", mib(cap.get("db_bytes"))],
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
        out += [md_table(header, rows), "", search.get("note", ""), ""]
        out += [
            md_table(
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
                        mib(c.get("disk_bytes")),
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
        md_table(
            ["measure", "value"],
            [[k.replace("_", " "), mib(v) if k.endswith("bytes") else v] for k, v in res.items()],
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


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


MARKDOWN = {"locomo": locomo_markdown, "prefeval": prefeval_markdown, "speed": speed_markdown}
PLOTS = {"locomo": locomo_plots, "prefeval": prefeval_plots, "speed": speed_plots}
