"""The SQL constants: migrations apply cleanly and twice, and the schema is as documented."""

from __future__ import annotations

import re

import duckdb

from langmem_extract.store import _duckdb_sql


def test_migrations_are_idempotent_and_create_the_documented_schema() -> None:
    conn = duckdb.connect(":memory:")
    for _ in range(2):
        for stmt in _duckdb_sql.MIGRATIONS:
            conn.execute(stmt)
    cols = {
        (t, c)
        for t, c in conn.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"
        ).fetchall()
    }
    assert {
        ("store", c)
        for c in ("prefix", "key", "value", "created_at", "updated_at", "expires_at", "ttl_minutes")
    } <= cols
    assert {("store_vectors", c) for c in ("prefix", "key", "field_name", "embedding")} <= cols
    assert {("store_meta", "name"), ("store_meta", "value")} <= cols
    assert {
        ("lme_messages", c)
        for c in ("session_id", "message_id", "seq", "role", "content", "payload", "created_at")
    } <= cols


def test_statements_take_values_only_as_parameters_or_staged_relations() -> None:
    statements = {
        name: value
        for name, value in vars(_duckdb_sql).items()
        if name.isupper() and isinstance(value, str) and not name.startswith("STAGE_")
    }
    assert statements
    for name, sql in statements.items():
        # No Python formatting slots and no quoted literals: values arrive as ``?`` or
        # through the registered staging relations.
        assert not re.search(r"\{[^}]*\}", sql), name
        assert "'" not in sql, name
