"""SQL for ``DuckDBStore``. Every value is a bound parameter or a registered staging scan.

Namespaces are stored as their labels joined with ``.`` (labels may not contain ``.``).
Timestamps are UTC ``TIMESTAMP`` values written from epoch microseconds. Vectors are
``FLOAT[]`` lists (the HNSW side table in ``_vss`` holds a fixed ``FLOAT[d]`` copy).

Writes go through registered numpy relations, never per-row Python parameters: DuckDB
1.5.5's Python client converts a Python list or object per value at 1-60 ms each here,
while a registered numpy column is scanned natively (about 0.1 ms per 384-d row).
Strings are staged as fixed-width unicode arrays (read back as ENUM, hence the
``::VARCHAR`` casts) and vectors as one flat float32 column regrouped with ``list()``.
"""

from __future__ import annotations

#: Names of the relations registered for bulk writes (object-dtype numpy columns).
STAGE_ITEMS = "lm_stage_items"
STAGE_VECTORS = "lm_stage_vectors"
STAGE_FLOATS = "lm_stage_floats"
STAGE_KEYS = "lm_stage_keys"
STAGE_MESSAGES = "lm_stage_messages"

CREATE_MIGRATIONS = """
CREATE TABLE IF NOT EXISTS store_migrations (
    v INTEGER PRIMARY KEY
)
"""

SELECT_MIGRATION_VERSIONS = "SELECT v FROM store_migrations ORDER BY v"
INSERT_MIGRATION_VERSION = "INSERT INTO store_migrations (v) VALUES (?)"

#: Versioned migrations; index i is version i. Append only, never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS store (
        prefix TEXT NOT NULL,
        key TEXT NOT NULL,
        value JSON NOT NULL,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP,
        ttl_minutes DOUBLE,
        PRIMARY KEY (prefix, key)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS store_vectors (
        prefix TEXT NOT NULL,
        key TEXT NOT NULL,
        field_name TEXT NOT NULL,
        embedding FLOAT[] NOT NULL,
        PRIMARY KEY (prefix, key, field_name)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS store_meta (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    # v3: store_vectors without its primary key. In DuckDB 1.5.5 any ART index on a
    # table with a FLOAT[] column makes every insert log megabytes to the WAL (2.6 MB
    # per one-row insert at 100k rows), so each commit costs a forced checkpoint every
    # few writes. Uniqueness per (prefix, key, field_name) holds without it: a batch
    # deletes an item's vectors before inserting its new ones, in one transaction.
    """
    CREATE TABLE store_vectors_v3 (
        prefix TEXT NOT NULL,
        key TEXT NOT NULL,
        field_name TEXT NOT NULL,
        embedding FLOAT[] NOT NULL
    );
    INSERT INTO store_vectors_v3 SELECT prefix, key, field_name, embedding FROM store_vectors;
    DROP TABLE store_vectors;
    ALTER TABLE store_vectors_v3 RENAME TO store_vectors;
    """,
    # v4: the per-session message log (``message_log.py``). Files written before v4 may
    # already hold this table, created on first use by the earlier transcript module
    # with these same columns; ``IF NOT EXISTS`` keeps it and its rows.
    """
    CREATE TABLE IF NOT EXISTS lme_messages (
        session_id VARCHAR NOT NULL,
        message_id VARCHAR NOT NULL,
        seq BIGINT NOT NULL,
        role VARCHAR NOT NULL,
        content VARCHAR NOT NULL,
        payload JSON NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
        PRIMARY KEY (session_id, message_id)
    )
    """,
)

SELECT_META = "SELECT value FROM store_meta WHERE name = ?"
UPSERT_META = """
INSERT INTO store_meta (name, value) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET value = excluded.value
"""

# -- writes (inside one transaction per batch) ---------------------------------------

# Every committed write batch bumps this, inside its own transaction: the mirror files
# name the generation they match (see ``_mirror_files``). Parameters: ``VECTORS_GEN`` and
# ``"1"``. (Before mirror format 3 only writes that added or removed vectors bumped it.)
VECTORS_GEN = "vectors_gen"
BUMP_VECTORS_GEN = """
INSERT INTO store_meta (name, value) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET value = (CAST(store_meta.value AS BIGINT) + 1)::VARCHAR
"""

UPSERT_ITEMS_FROM_STAGE = f"""
INSERT INTO store (prefix, key, value, created_at, updated_at, expires_at, ttl_minutes)
SELECT prefix::VARCHAR, key::VARCHAR, json(value::VARCHAR),
       make_timestamp(created_us), make_timestamp(updated_us),
       CASE WHEN expires_us < 0 THEN NULL ELSE make_timestamp(expires_us) END,
       CASE WHEN isnan(ttl_minutes) THEN NULL ELSE ttl_minutes END
FROM {STAGE_ITEMS}
ON CONFLICT (prefix, key) DO UPDATE SET
    value = excluded.value,
    updated_at = excluded.updated_at,
    expires_at = excluded.expires_at,
    ttl_minutes = excluded.ttl_minutes
"""

DELETE_ITEMS_FROM_STAGE = f"""
DELETE FROM store USING {STAGE_KEYS} s
WHERE store.prefix = s.prefix::VARCHAR AND store.key = s.key::VARCHAR
"""

DELETE_VECTORS_FROM_STAGE = f"""
DELETE FROM store_vectors USING {STAGE_KEYS} s
WHERE store_vectors.prefix = s.prefix::VARCHAR AND store_vectors.key = s.key::VARCHAR
"""

# ``row`` links a vector to its floats; ``j`` keeps each vector's components in order.
INSERT_VECTORS_FROM_STAGE = f"""
INSERT INTO store_vectors (prefix, key, field_name, embedding)
SELECT v.prefix::VARCHAR, v.key::VARCHAR, v.field_name::VARCHAR, f.e
FROM {STAGE_VECTORS} v
JOIN (SELECT row, list(x ORDER BY j) AS e FROM {STAGE_FLOATS} GROUP BY row) f
  ON f.row = v.row
"""

REFRESH_TTL_FROM_STAGE = f"""
UPDATE store SET expires_at = make_timestamp(s.expires_us)
FROM {STAGE_ITEMS} s
WHERE store.prefix = s.prefix::VARCHAR AND store.key = s.key::VARCHAR
"""

SELECT_EXPIRED = """
SELECT prefix, key FROM store
WHERE expires_at IS NOT NULL AND expires_at < make_timestamp(?)
"""

# -- loading the in-process cache ----------------------------------------------------

SELECT_ALL_ITEMS = """
SELECT prefix, key, value::VARCHAR AS value, epoch_us(created_at) AS created_us,
       epoch_us(updated_at) AS updated_us, epoch_us(expires_at) AS expires_us, ttl_minutes
FROM store
"""

# Read in bulk as two numpy columns sets in the table's stored order: the item of each
# vector row, then every float of every vector as one flat column (unnest keeps order).
# (Asking for ``len(embedding)`` with the keys would read every list a second time:
# 1.5 s at 100k here; the float count is checked against rows x dims instead.)
SELECT_VECTOR_KEYS = "SELECT prefix, key FROM store_vectors"
SELECT_VECTOR_FLOATS = "SELECT unnest(embedding) AS x FROM store_vectors"
SELECT_ITEM_KEYS = "SELECT prefix, key FROM store"

# Items without their values (read only for what a read returns: ``_duckdb_values``).
SELECT_ITEM_COLUMNS = """
SELECT rowid AS row_id, prefix, key, epoch_us(created_at) AS created_us,
       epoch_us(updated_at) AS updated_us, epoch_us(expires_at) AS expires_us, ttl_minutes
FROM store
"""
SELECT_ITEM_ROWIDS = "SELECT rowid AS row_id, prefix, key FROM store"
# The items at a bound list of row ids (bound as one JSON text, cast to a list: see
# ``_duckdb_values``), in one query: a join on the unnested list reads
# only the row groups holding them. First query of a fresh process, 20 rows, CPU ms here
# (load 3-4): 26-37 at 100k and 31-52 at 10k, against 28-38 and 67-95 for one
# ``rowid = ?`` per row joined by UNION ALL, and 134-182 and 54-90 for every value.
SELECT_VALUES_AT_ROWIDS = """
SELECT s.rowid, s.prefix, s.key, s.value::VARCHAR
FROM store AS s JOIN (SELECT unnest(?::BIGINT[]) AS row_id) AS wanted ON s.rowid = wanted.row_id
"""
SELECT_ALL_VALUES = "SELECT prefix, key, value::VARCHAR AS value FROM store"
# A filter column: each item's value at one key (a JSON pointer) as JSON text, or NULL.
SELECT_JSON_AT = "SELECT prefix, key, json_extract(value, ?)::VARCHAR AS part FROM store"
COUNT_ITEMS_AND_VECTORS = (
    "SELECT (SELECT count(*) FROM store), (SELECT count(*) FROM store_vectors)"
)
CHECKPOINT = "CHECKPOINT"

# After a bulk load: lower the buffer pool's limit for a moment so DuckDB drops the
# blocks it cached while reading (about 140 MB at 100k vectors), then put it back.
SELECT_SETTING = "SELECT current_setting(?)"
SET_MEMORY_LIMIT = "SET memory_limit = ?"
EVICT_MEMORY_LIMIT = "32MB"
COUNT_VECTORS = "SELECT count(*) FROM store_vectors"


# -- the message log (``lme_messages``) ------------------------------------------------

# RETURNING lists only the rows inserted, so the caller learns which ids were new.
INSERT_MESSAGES_FROM_STAGE = f"""
INSERT INTO lme_messages (session_id, message_id, seq, role, content, payload)
SELECT ?, message_id::VARCHAR, seq, role::VARCHAR, content::VARCHAR, json(payload::VARCHAR)
FROM {STAGE_MESSAGES}
ON CONFLICT (session_id, message_id) DO NOTHING
RETURNING message_id
"""
SELECT_MESSAGES = "SELECT payload FROM lme_messages WHERE session_id = ? ORDER BY seq"
SELECT_MESSAGE_TURNS = "SELECT content, payload FROM lme_messages WHERE session_id = ? ORDER BY seq"
SELECT_LAST_MESSAGES = """
SELECT payload FROM (
    SELECT payload, seq FROM lme_messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?
) ORDER BY seq
"""
DELETE_MESSAGES = "DELETE FROM lme_messages WHERE session_id = ?"
