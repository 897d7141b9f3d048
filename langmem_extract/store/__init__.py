"""Storage backends: DuckDB (+ vss) embedded, PostgreSQL (+ pgvector) for scale-out."""
