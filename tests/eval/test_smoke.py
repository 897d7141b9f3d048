"""A tiny end-to-end run of each benchmark (CI smoke): on the synthetic fixtures always,
and on a slice of the real data when it is present (required under CI)."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from langmem_extract.eval.cli import eval_app
from langmem_extract.eval.data import DATA_ENV_VAR, load_locomo, slice_conversation
from langmem_extract.eval.report import DEFAULT_OUT_DIR
from langmem_extract.eval.speed import run_speed
from tests.conftest import SYNTHETIC_EVAL_DATA

runner = CliRunner()


@dataclass(frozen=True)
class Dataset:
    path: Path
    conversation: str  # a LoCoMo sample id
    session_1_turns: int  # turns in that conversation's first session
    topics: tuple[str, str]  # two PrefEval topics


@pytest.fixture(params=["synthetic", "real"])
def dataset(request: pytest.FixtureRequest) -> Dataset:
    if request.param == "synthetic":
        path = request.getfixturevalue("synthetic_data_dir")
        return Dataset(path, "conv-a", 10, ("food_cooking", "travel_hiking"))
    path = request.getfixturevalue("real_data_dir")
    return Dataset(path, "conv-26", 18, ("travel_restaurant", "pet_ownership"))


def test_locomo_smoke_on_one_session(tmp_path, dataset):
    args = [
        "locomo",
        "--data",
        str(dataset.path),
        "--conversations",
        dataset.conversation,
        "--sessions",
        "1",
        "--limit",
        "3",
        "--out",
        str(tmp_path),
        "--json",
    ]
    result = runner.invoke(eval_app, args)
    assert result.exit_code == 0, result.output
    headline = json.loads(result.stdout.strip().splitlines()[-1])
    r = json.loads((tmp_path / "locomo.json").read_text())
    assert r["totals"]["turns"] == dataset.session_1_turns
    assert r["totals"]["memories_active"] > 0
    assert 0.0 < r["totals"]["evidence_coverage"] <= 1.0
    for name in (
        "memories",
        "memories_similarity",
        "memories_dense",
        "memories_turns_fusion",
        "turns_fusion",
        "bm25",
        "dense",
    ):
        block = r["systems"][name]["cat_1_4"]
        assert block["n"] == 3
        assert 0.0 <= block["hit@5"] <= block["hit@10"] <= block["hit@20"] <= 1.0
        assert block["full@10"] <= block["hit@10"]
    assert headline["hit@10 cat 1-4 bm25"] == r["systems"]["bm25"]["cat_1_4"]["hit@10"]
    assert "langmem-extract eval locomo --data" in r["meta"]["command"]
    assert (tmp_path / "locomo_hit_at_k.png").exists()
    assert "## LoCoMo recall" in (tmp_path / "README.md").read_text()


def test_prefeval_smoke_on_a_few_items(tmp_path, dataset):
    args = [
        "prefeval",
        "--data",
        str(dataset.path),
        "--topics",
        ",".join(dataset.topics),
        "--limit",
        "2",
        "--out",
        str(tmp_path),
        "--json",
    ]
    result = runner.invoke(eval_app, args)
    assert result.exit_code == 0, result.output
    r = json.loads((tmp_path / "prefeval.json").read_text())
    assert set(r["sets"]) == {"explicit", "persona"}
    for s in r["sets"].values():
        assert s["n"] == 4  # two items from each of two topics
        assert set(s["per_topic"]) == set(dataset.topics)
        assert 0.0 <= s["recall"] <= s["recall_any_type"] <= 1.0
        assert s["memories_per_conversation"] >= s["preference_memories_per_conversation"]
    # An explicitly stated preference sentence is the easiest case there is.
    assert r["sets"]["explicit"]["recall"] > 0.0


def test_speed_smoke(dataset):
    [conv] = load_locomo(dataset.path, conversations=[dataset.conversation])
    conv = slice_conversation(conv, 1)
    r = run_speed(
        [conv],
        sizes=[200, 300],
        stores=["duckdb", "inmemory", "sqlite"],
        turns=3,
        n_queries=3,
        slow_queries=2,
        n_base=8,
        slow_max_size=200,
    )
    assert r["capture"]["per_turn"]["n"] == 3
    assert r["capture"]["batch"]["turns"] == dataset.session_1_turns
    assert r["capture"]["batch"]["turns_per_s"] > 0
    cells = r["search"]["results"]
    assert cells["duckdb"]["200"]["n"] == 3
    assert cells["inmemory"]["200"]["n"] == 2
    assert set(cells["duckdb"]) == {"200", "300"}
    assert set(cells["inmemory"]) == set(cells["sqlite"]) == {"200"}  # full scans capped
    assert cells["sqlite"]["200"]["disk_bytes"] > 0
    for kind in ("duckdb", "inmemory", "sqlite"):
        assert cells[kind]["200"]["recall_vs_exact"] >= 0.9
    assert r["resources"]["capture_peak_rss_mib"] > 0
    assert cells["inmemory"]["200"]["peak_rss_growth_mib"] >= 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["locomo", "--embedder", "word2vec"], "unknown embedder"),
        (["locomo"], f"no evaluation data: pass --data PATH or set {DATA_ENV_VAR}"),
        (["locomo", "--data", "/nonexistent/data"], "evaluation data not found"),
        (["prefeval", "--data", "/nonexistent/data"], "evaluation data not found"),
        (["locomo", "--data", "{data}", "--conversations", "conv-999"], "unknown LoCoMo conv"),
        (["locomo", "--limit", "0"], "--limit"),
        (["prefeval", "--sets", "implicit"], "unknown --sets"),
        (["prefeval", "--data", "{data}", "--topics", "astrology"], "unknown PrefEval topic"),
        (["speed", "--stores", "redis"], "unknown --stores"),
        (["speed", "--sizes", "ten"], "--sizes"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args, message):
    args = [str(SYNTHETIC_EVAL_DATA) if a == "{data}" else a for a in args]
    result = runner.invoke(eval_app, [*args, "--out", str(tmp_path)], env={DATA_ENV_VAR: None})
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    assert not any(tmp_path.iterdir())  # nothing written


def test_results_go_to_the_working_directory_by_default(tmp_path, monkeypatch):
    assert not DEFAULT_OUT_DIR.is_absolute() and "docs" not in DEFAULT_OUT_DIR.parts
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(DATA_ENV_VAR, str(SYNTHETIC_EVAL_DATA))
    args = ["prefeval", "--sets", "explicit", "--topics", "1", "--limit", "1", "--json"]
    result = runner.invoke(eval_app, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / DEFAULT_OUT_DIR).glob("*.json")) == ["prefeval.json"]
    meta = json.loads((tmp_path / DEFAULT_OUT_DIR / "prefeval.json").read_text())["meta"]
    assert meta["command"].startswith(f"{DATA_ENV_VAR}={SYNTHETIC_EVAL_DATA} langmem-extract")
