"""Bad input through every CLI command: exit code 2 (docs/cli.md), one line on stderr, no
traceback, and the database exactly as before. Also: stored text cannot drive the
terminal, and a database URL's password never reaches the output."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner, Result

from langmem_extract.cli import app
from langmem_extract.schema import Memory, MemoryType

S = "\ud800"
NS = "memories/maya"
ESCAPES = "Lives in Rome \x1b[2J\x1b]0;pwned\x07 \x9b31m and \u202eevil"
_ENV = {
    "OPENAI_API_KEY": None,
    "OPENAI_BASE_URL": None,
    "LANGMEM_DB": None,
    "LANGMEM_DEBUG": None,
    "COLUMNS": "200",
}


def _memory_line(index: int, **fields: Any) -> str:
    memory = Memory(
        id=f"cli-{index:04d}",
        content=f"Imported fact number {index}.",
        title=f"Imported fact {index}",
        type=MemoryType.FACT,
        namespace=["imported"],
    )
    return json.dumps({**memory.to_value(), **fields}, allow_nan=True)


def _import_text(bad: str | dict[str, Any], at: int = 300, total: int = 310) -> str:
    lines = [
        (bad if isinstance(bad, str) else _memory_line(i, **bad)) if i == at else _memory_line(i)
        for i in range(1, total + 1)
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CliCase:
    name: str
    args: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    stdin: str | bytes | None = None
    code: int = 2


def _chat(messages: Any) -> str:
    return json.dumps({"messages": messages}, allow_nan=True)


def _stamped(stamp: Any) -> str:
    return _chat([{"role": "user", "content": "I live in Oslo.", "timestamp": stamp}])


CASES: list[CliCase] = [
    # extract
    CliCase(
        "extract-content-surrogate",
        ["extract", "{f}"],
        {"f": _chat([{"role": "user", "content": "I live in Lima " + S}])},
    ),
    CliCase("extract-not-utf8", ["extract", "{f}"], {"f": b"User: I live in \xff\xfe Rome\n"}),
    CliCase("extract-stdin-not-utf8", ["extract", "-"], stdin=b"User: caf\xe9 \xff\n"),
    CliCase("extract-timestamp-1e20", ["extract", "{f}"], {"f": _stamped(1e20)}),
    CliCase("extract-timestamp-inf", ["extract", "{f}"], {"f": _stamped(math.inf)}),
    CliCase("extract-timestamp-nan", ["extract", "{f}"], {"f": _stamped(math.nan)}),
    CliCase("extract-timestamp-neg", ["extract", "{f}"], {"f": _stamped(-1e12)}),
    CliCase("extract-timestamp-text", ["extract", "{f}"], {"f": _stamped("yesterday-ish")}),
    CliCase(
        "extract-second-conversation-bad",
        ["extract", "{f}"],
        {
            "f.jsonl": _chat([{"role": "user", "content": "I live in Oslo."}])
            + "\n"
            + _stamped(math.inf)
            + "\n"
        },
    ),
    CliCase(
        "extract-max-memories-0", ["extract", "{f}", "--max-memories", "0"], {"f": _stamped(0)}
    ),
    CliCase("extract-types-unknown", ["extract", "{f}", "--types", "bogus"], {"f": _stamped(0)}),
    CliCase("extract-namespace-empty-label", ["extract", "{f}", "-n", "a//b"], {"f": _stamped(0)}),
    CliCase(
        "extract-namespace-reserved", ["extract", "{f}", "-n", "langgraph/x"], {"f": _stamped(0)}
    ),
    CliCase("extract-namespace-surrogate", ["extract", "{f}", "-n", "m/" + S], {"f": _stamped(0)}),
    CliCase(
        "extract-user-id-surrogate", ["extract", "{f}", "--user-id", "u" + S], {"f": _stamped(0)}
    ),
    CliCase("extract-missing-file", ["extract", "{dir}/nope.txt"]),
    CliCase(
        "extract-unknown-role",
        ["extract", "{f}"],
        {"f": _chat([{"role": "wizard", "content": "I live in Oslo."}])},
    ),
    # recall
    CliCase("recall-query-surrogate", ["recall", "where" + S]),
    CliCase("recall-k-0", ["recall", "where", "-k", "0"]),
    CliCase("recall-min-confidence-2", ["recall", "where", "--min-confidence", "2"]),
    CliCase("recall-min-confidence-nan", ["recall", "where", "--min-confidence", "nan"]),
    CliCase("recall-namespace-surrogate", ["recall", "where", "-n", S]),
    CliCase("recall-type-unknown", ["recall", "where", "-t", "bogus"]),
    # list / show / forget / stats / export
    CliCase("list-namespace-surrogate", ["list", "-n", "memories/" + S]),
    CliCase("list-status-unknown", ["list", "--status", "bogus"]),
    CliCase("list-limit-0", ["list", "--limit", "0"]),
    CliCase("list-offset-negative", ["list", "--offset", "-1"]),
    CliCase("list-namespace-reserved", ["list", "-n", "langgraph"]),
    CliCase("show-id-surrogate", ["show", "abcd" + S]),
    CliCase("show-id-empty", ["show", " "]),
    CliCase("show-namespace-surrogate", ["show", "abcd", "-n", S]),
    CliCase("forget-id-surrogate", ["forget", "abcd" + S]),
    CliCase("forget-namespace-surrogate", ["forget", "abcd", "-n", "m/" + S]),
    CliCase("stats-namespace-surrogate", ["stats", "-n", S]),
    CliCase("export-namespace-surrogate", ["export", "-n", S]),
    CliCase("export-missing-directory", ["export", "--out", "{dir}/no/such/out.jsonl"]),
    # import: one bad line after the first write batch, or a bad file
    CliCase(
        "import-line-300-surrogate",
        ["import", "{f}"],
        {"f": _import_text({"content": "Imported " + S})},
    ),
    CliCase(
        "import-line-300-metadata-nan",
        ["import", "{f}"],
        {"f": _import_text({"metadata": {"x": math.nan}})},
    ),
    CliCase(
        "import-line-300-created-1e20", ["import", "{f}"], {"f": _import_text({"created_at": 1e20})}
    ),
    CliCase(
        "import-line-300-created-neg", ["import", "{f}"], {"f": _import_text({"created_at": -1e12})}
    ),
    CliCase(
        "import-line-300-created-inf",
        ["import", "{f}"],
        {"f": _import_text('{"created_at": 1e999}')},
    ),
    CliCase(
        "import-line-300-secret",
        ["import", "{f}"],
        {"f": _import_text({"content": "My key is sk-proj-4f9aJ2kLmN8pQ3rS7tV1wX5yZ0bC6dE2"})},
    ),
    CliCase("import-line-300-not-json", ["import", "{f}"], {"f": _import_text("{nope")}),
    CliCase(
        "import-line-300-duplicate", ["import", "{f}"], {"f": _import_text({"id": "cli-0001"})}
    ),
    CliCase(
        "import-line-300-namespace",
        ["import", "{f}"],
        {"f": _import_text({"namespace": ["langgraph"]})},
    ),
    CliCase("import-not-utf8", ["import", "{f}"], {"f": b'{"content": "\xff"}\n'}),
    CliCase("import-stdin-bad", ["import", "-"], stdin=_import_text({"created_at": 1e20})),
    CliCase("import-missing-file", ["import", "{dir}/nope.jsonl"]),
    CliCase("import-directory", ["import", "{dir}"]),
    # --db: a bad URL is bad input; an unreachable server is a runtime failure (exit 1)
    CliCase("db-unknown-scheme", ["list", "--db", "postgresq://u:hunter2pw@127.0.0.1/db"]),
    CliCase("db-missing-file", ["list", "--db", "{dir}/missing.duckdb"]),
    CliCase("db-unreachable", ["list", "--db", "postgresql://u:hunter2pw@127.0.0.1:1/db"], code=1),
    CliCase(
        "db-unreachable-json",
        ["stats", "--json", "--db", "postgresql://u:hunter2pw@127.0.0.1:1/db"],
        code=1,
    ),
]


def _rows(db: Path) -> tuple[Any, ...]:
    with duckdb.connect(str(db), read_only=True) as conn:
        items = conn.execute("SELECT prefix, key, value::VARCHAR FROM store ORDER BY 1, 2")
        found = items.fetchall()
        tables = {r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        log = []
        if "lme_messages" in tables:
            # As text: a TIMESTAMP column would need pytz to come back as a value.
            log = conn.execute(
                "SELECT COLUMNS(*)::VARCHAR FROM lme_messages ORDER BY 1, 2"
            ).fetchall()
    return tuple(found), tuple(map(tuple, log))


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file holding extracted memories and one whose content carries escapes."""
    path = tmp_path_factory.mktemp("cli-bad") / "seeded.duckdb"
    chat = path.parent / "chat.txt"
    chat.write_text("User: Hi, I'm Maya. I live in Lisbon and I'm vegetarian.\n", "utf-8")
    result = _invoke(["extract", str(chat), "-n", NS, "--db", str(path)])
    assert result.exit_code == 0, result.output
    memory = Memory(
        id="esc-0001",
        content=ESCAPES,
        title="escapes",
        type=MemoryType.FACT,
        namespace=["memories", "maya"],
    )
    dump = path.parent / "esc.jsonl"
    dump.write_text(json.dumps(memory.to_value()) + "\n", "utf-8")
    result = _invoke(["import", str(dump), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _invoke(args: list[str], stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(app, args, input=stdin, env=_ENV)


def _materialise(case: CliCase, tmp: Path) -> list[str]:
    names: dict[str, str] = {"dir": str(tmp)}
    for key, content in case.files.items():
        path = tmp / (key if "." in key else f"{key}.json")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8", errors="surrogatepass")
        names[key.split(".")[0]] = str(path)
    return [arg.format(**names) for arg in case.args]


def test_matrix_size() -> None:
    assert len(CASES) >= 40, len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_exits_with_one_line_and_writes_nothing(
    case: CliCase, seeded_db: Path, tmp_path: Path
) -> None:
    args = _materialise(case, tmp_path)
    if "--db" not in args:
        args += ["--db", str(seeded_db)]
    before = _rows(seeded_db)
    result = _invoke(args, case.stdin)
    assert result.exit_code == case.code, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    if "--json" in args:
        assert json.loads(lines[0])["error"]["exit_code"] == case.code
    else:
        assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.output
    assert "hunter2pw" not in result.output
    assert _rows(seeded_db) == before
    assert not (tmp_path / "missing.duckdb").exists()


Show = Callable[[Path], list[str]]
_PRINTERS: dict[str, Show] = {
    "list": lambda db: ["list", "-n", NS, "--db", str(db)],
    "show": lambda db: ["show", "esc-0001", "--db", str(db)],
    "recall": lambda db: ["recall", "Rome", "-n", NS, "-k", "10", "--db", str(db)],
    "list-json": lambda db: ["list", "-n", NS, "--json", "--db", str(db)],
    "show-json": lambda db: ["show", "esc-0001", "--json", "--db", str(db)],
}


@pytest.mark.parametrize("printer", list(_PRINTERS), ids=list(_PRINTERS))
def test_stored_text_cannot_drive_the_terminal(printer: str, seeded_db: Path) -> None:
    result = _invoke(_PRINTERS[printer](seeded_db))
    assert result.exit_code == 0, result.output
    assert "Lives in Rome" in result.stdout, result.stdout
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in result.stdout, (printer, raw)


def test_extract_table_neutralises_escapes(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("User: I live in Rome\x1b[2J\x1b]0;pwned\x07 and I'm a nurse.\n", "utf-8")
    result = _invoke(["extract", str(chat), "--dry-run", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 0, result.output
    assert "Rome" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
