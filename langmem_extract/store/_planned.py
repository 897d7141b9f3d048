"""One planned item write of a DuckDB batch (``value is None`` deletes).

Its own module so that the writer (``_duckdb_write``), which ``DuckDBEngine`` uses for
the message table and TTL refreshes, needs nothing of the LangGraph batch planner
(``_duckdb_plan``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PlannedPut:
    """One item write (``value is None`` deletes) and the texts it asks to embed."""

    prefix: str
    key: str
    value_json: str | None
    value: dict[str, Any] | None
    ttl: float | None
    texts: list[tuple[str, str]] = field(default_factory=list)  # (field_name, text)
