"""The store search benchmark runs end to end on the synthetic LoCoMo fixture (tiny sizes)."""

from langmem_extract.eval.data import load_locomo
from langmem_extract.eval.search_bench import corpus_texts, render_markdown, run_search_bench
from tests.conftest import SYNTHETIC_EVAL_DATA, HashEmbeddings


def test_corpus_texts_are_distinct_turns_and_questions_in_data_order():
    turns, questions = corpus_texts(load_locomo(SYNTHETIC_EVAL_DATA, with_captions=False))
    assert len(turns) == 20 and len(set(turns)) == 20
    assert turns[0].startswith("Hi Tomas!") and "[shares a photo" not in " ".join(turns)
    assert questions[0] == "What class did Nora take for the first time?"
    assert len(questions) == 10


def test_search_bench_reports_each_size_and_store(tmp_path):
    report = run_search_bench(
        [60],
        3,
        inmemory_queries=2,
        hnsw_max=0,
        data_dir=SYNTHETIC_EVAL_DATA,
        n_base=12,
        embeddings=HashEmbeddings(dims=64),
        workdir=tmp_path,
        log=lambda _msg: None,
    )
    cell = report["sizes"]["60"]
    assert cell["duckdb"]["unfiltered"]["n_queries"] == 3
    assert cell["inmemory"]["unfiltered"]["n_queries"] == 2
    assert cell["duckdb"]["unfiltered"]["recall_at_10"] == 1.0  # exact search
    assert "| 60 | unfiltered |" in render_markdown(report)
