import json

from langmem_extract.eval.report import run_metadata, write_readme, write_results


def _locomo_result():
    block = {"n": 2, **{f"{m}@{k}": 0.5 for k in (5, 10, 20) for m in ("hit", "full", "turns")}}
    system = {
        "cat_1_4": block,
        "cat_5": {**block, "n": 1},
        "per_category": {"1": block, "5": block},
        "per_conversation": {"conv-x": block},
        "latency": {"n": 3, "p50_ms": 1.0, "p95_ms": 2.0, "mean_ms": 1.2},
    }
    names = ("memories", "memories_dense", "memories_similarity", "bm25", "dense")
    systems = {name: json.loads(json.dumps(system)) for name in names}
    systems["memories"]["cat_1_4"]["hit@10"] = 0.8125
    conv = {
        "sample_id": "conv-x",
        "turns": 3,
        "memories_active": 2,
        "memory_tokens": 9,
        "turn_tokens": 20,
        "ingest_s": 1.5,
        "turns_per_s": 2.0,
        "turns_with_memory": 2,
        "evidence_ids": 4,
        "evidence_covered": 3,
    }
    return {
        "ks": [5, 10, 20],
        "categories": {"1": "multi-hop", "5": "adversarial"},
        "systems": systems,
        "conversations": [conv],
        "totals": {
            "turns": 3,
            "memories_active": 2,
            "memory_tokens": 9,
            "turn_tokens": 20,
            "ingest_s": 1.5,
            "turns_per_s": 2.0,
            "turns_with_memory": 2,
            "evidence_ids": 4,
            "evidence_covered": 3,
            "evidence_coverage": 0.75,
            "qa_scored": 2,
            "qa_any_evidence_covered": 2,
            "qa_all_evidence_covered": 1,
            "db_bytes": 2**20,
        },
        "observations": {
            "n": 4,
            "cosine_threshold": 0.85,
            "recall_by_dia_id": 0.5,
            "recall_by_similarity": {"0.85": 0.25},
            "best_cosine_median": 0.8,
        },
        "meta": run_metadata(["langmem-extract", "eval", "locomo"]),
    }


def test_write_results_writes_json_markdown_plot_and_readme(tmp_path):
    result = _locomo_result()
    paths = write_results("locomo", result, tmp_path)
    names = {p.name for p in paths}
    assert names == {"locomo.json", "locomo.md", "locomo_hit_at_k.png", "README.md"}
    assert json.loads((tmp_path / "locomo.json").read_text())["totals"]["evidence_coverage"] == 0.75
    md = (tmp_path / "locomo.md").read_text()
    assert "| memories (retriever as shipped: hybrid) | 0.500 | 0.500 | 0.812 |" in md
    assert "3/4 = 0.750" in md
    assert "Produced by `langmem-extract eval locomo`" in md
    assert (tmp_path / "locomo_hit_at_k.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    readme = (tmp_path / "README.md").read_text()
    assert readme.startswith("# Benchmarks")
    assert "memories with the retriever as shipped (hybrid) 0.812" in readme
    assert "3/4 = 0.750" not in readme.split("## LoCoMo recall")[0]  # headline stays short
    assert md.strip() in readme


def test_readme_includes_findings_and_sections_in_order(tmp_path):
    (tmp_path / "speed.md").write_text("## Speed\n")
    (tmp_path / "locomo.md").write_text("## LoCoMo recall\n")
    (tmp_path / "findings.md").write_text("## Findings\n")
    (tmp_path / "reproduce.md").write_text("## Reproduce these pages\n")
    (tmp_path / "store_search.md").write_text("# Store search benchmark\n")
    text = write_readme(tmp_path).read_text()
    order = ["## Reproduce", "## Headline", "## Findings", "## LoCoMo", "## Speed"]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    assert "- [Store search benchmark](store_search.md)" in text
    assert "findings.md)" not in text and "reproduce.md)" not in text


def test_speed_and_prefeval_sections_render(tmp_path):
    speed = {
        "capture": {
            "per_turn": {"n": 3, "p50_ms": 10.0, "p95_ms": 20.0},
            "batch": {"turns": 10, "sessions": 2, "turns_per_s": 5.0, "memories": 4},
            "db_bytes": 1000,
        },
        "search": {
            "sizes": [1000],
            "stores": ["duckdb", "inmemory"],
            "k": 10,
            "note": "n",
            "results": {
                "duckdb": {"1000": {"p50_ms": 1.0, "p95_ms": 2.0}},
                "inmemory": {"1000": {"p50_ms": 50.0, "p95_ms": 100.0}},
            },
        },
        "resources": {"peak_rss_mib": 300.0},
        "meta": run_metadata(None),
    }
    write_results("speed", speed, tmp_path)
    md = (tmp_path / "speed.md").read_text()
    readme = (tmp_path / "README.md").read_text()
    assert "DuckDBStore p95 2.0 ms; InMemoryStore 100.0 ms (50× slower)" in readme
    assert "| 1000 | 1.000 | 50.000 | 2.000 | 100.000 | 50× |" in md
    assert (tmp_path / "speed_search.png").exists()
    pref = {
        "rule": {"cosine": 0.85, "token_f1": 0.5, "types": ["preference"]},
        "sets": {
            "explicit": {
                "n": 2,
                "recall": 0.5,
                "recall_by_cosine": 0.5,
                "recall_by_f1": 0.0,
                "recall_any_type": 1.0,
                "null_match_rate": 0.0,
                "no_memory_rate": 0.0,
                "memories_per_conversation": 1.5,
                "preference_memories_per_conversation": 1.0,
                "per_topic": {"a": 0.5},
                "latency": {"p50_ms": 3.0, "p95_ms": 4.0},
            }
        },
        "meta": run_metadata(None),
    }
    write_results("prefeval", pref, tmp_path)
    assert "| explicit | 2 | 0.500 |" in (tmp_path / "prefeval.md").read_text()
