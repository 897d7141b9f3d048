import math

import numpy as np
import pytest

from langmem_extract.eval import pg_bench
from langmem_extract.eval.metrics import (
    count_tokens,
    full_at_k,
    hit_at_k,
    latency_summary,
    parse_evidence,
    percentile,
    surfaced_ids,
    token_f1,
)


def test_parse_evidence_splits_packed_and_drops_malformed_ids():
    assert parse_evidence(["D8:6; D9:17", "D1:3", "D", "D:11:26", "D1:3"]) == [
        "D8:6",
        "D9:17",
        "D1:3",
    ]
    assert parse_evidence([]) == []


def test_hit_and_full_use_the_union_of_sources_of_the_top_k():
    ranked = [["D1:1"], ["D2:5", "D2:6"], [], ["D3:1"]]
    assert surfaced_ids(ranked, 2) == {"D1:1", "D2:5", "D2:6"}
    assert hit_at_k(ranked, ["D2:6", "D9:9"], 2)
    assert not full_at_k(ranked, ["D2:6", "D9:9"], 2)
    assert full_at_k(ranked, ["D1:1", "D2:5"], 2)
    assert not hit_at_k(ranked, ["D3:1"], 3)
    assert hit_at_k(ranked, ["D3:1"], 4)


def test_full_at_k_is_false_without_evidence_and_k_must_be_positive():
    assert not full_at_k([["D1:1"]], [], 5)
    with pytest.raises(ValueError):
        surfaced_ids([["D1:1"]], 0)


def test_token_f1_follows_squad_normalisation():
    assert token_f1("The cat sat.", "cat sat") == 1.0
    assert token_f1("", "cat") == 0.0
    assert token_f1("dog", "cat") == 0.0
    # 1 common token: precision 1/2, recall 1/3 → F1 0.4
    assert token_f1("red car", "a blue car seat") == pytest.approx(0.4)


def test_percentile_matches_numpy_linear_interpolation():
    values = [5.0, 1.0, 9.0, 3.0, 7.0, 2.0]
    for pct in (0, 10, 50, 95, 100):
        assert percentile(values, pct) == pytest.approx(np.percentile(values, pct))
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_percentile_is_the_one_used_by_every_benchmark():
    # Nearest rank (what pg_bench once used) gives 40.0 here; linear interpolation 38.5.
    samples = [10.0, 20.0, 30.0, 40.0]
    assert percentile(samples, 95) == pytest.approx(38.5) == np.percentile(samples, 95)
    rng = np.random.default_rng(7)
    for n in (1, 2, 7, 20, 101):
        values = rng.lognormal(1.0, 1.0, n).tolist()
        for pct in (0, 5, 50, 95, 99, 100):
            assert percentile(values, pct) == pytest.approx(np.percentile(values, pct))
    seconds = [s / 1000 for s in rng.lognormal(3.0, 0.5, 50)]
    summary = pg_bench._summary_ms(seconds)
    ms = np.asarray(seconds) * 1000
    assert summary["p50_ms"] == round(float(np.percentile(ms, 50)), 2)
    assert summary["p95_ms"] == round(float(np.percentile(ms, 95)), 2)
    assert summary["n"] == 50


def test_latency_summary_reports_milliseconds():
    s = latency_summary([0.001, 0.002, 0.003])
    assert s["n"] == 3
    assert s["p50_ms"] == pytest.approx(2.0)
    assert s["mean_ms"] == pytest.approx(2.0)


def test_count_tokens_counts_whitespace_words():
    assert count_tokens("  Caroline went\tto a  support group\n") == 6
