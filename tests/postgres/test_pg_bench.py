"""The PostgreSQL-vs-DuckDB benchmark script runs end to end (tiny sizes; figures unchecked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from langmem_extract.eval import pg_bench
from tests.pg_server import database_url, truncate_all

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_benchmark_writes_both_backends(tmp_path: Path) -> None:
    url = database_url("langmem_test_bench")
    truncate_all(url)
    report = pg_bench.main(
        [
            "--memories",
            "1000",
            "--queries",
            "5",
            "--turns",
            "4",
            "--pg-url",
            url,
            "--out",
            str(tmp_path),
        ]
    )
    saved = json.loads((tmp_path / "postgres.json").read_text())
    assert saved == json.loads(json.dumps(report))
    assert set(saved["backends"]) == {"duckdb", "postgres"}
    for result in saved["backends"].values():
        # Every search found its 5 results, and every captured turn was stored or merged.
        assert result["recall"]["user_namespace"]["mean_results"] == 5
        assert result["recall"]["all_namespaces"]["mean_results"] == 5
        assert all(c["turns"] == 4 and c["memories_stored"] >= 1 for c in result["capture"])
    markdown = (tmp_path / "postgres.md").read_text()
    assert "| postgres |" in markdown and "| duckdb |" in markdown
