"""SQL for ``PostgresStore`` beyond LangGraph's own: locks, filters and the message log.

LangGraph creates and migrates the ``store`` and ``store_vectors`` tables. The message
log has its own table, ``lme_messages``, with its own version table ``lme_migrations``
so that its versions never collide with LangGraph's ``store_migrations``.
"""

from __future__ import annotations

# -- namespace locks ----------------------------------------------------------------

ADVISORY_LOCK = "SELECT pg_advisory_lock(%s)"
ADVISORY_UNLOCK = "SELECT pg_advisory_unlock(%s)"

# -- filters ------------------------------------------------------------------------
# Compiled from the same leaves as DuckDB's (``_filters.compile_filter``), with the same
# meaning: a missing field reads as null; a path whose parent is not an object matches
# nothing; ranges compare numbers with numbers, strings with strings (byte-wise).

COMPARE_OPS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
AT = "COALESCE(value #> %s::text[], 'null'::jsonb)"
REACHABLE = "(jsonb_typeof(value #> %s::text[]) = 'object')"
IS_OBJECT = "(jsonb_typeof(value #> %s::text[]) = 'object')"
EQ = f"({AT} = %s::jsonb)"
NE = f"({AT} <> %s::jsonb)"
IN = f"({AT} IN (SELECT jsonb_array_elements(%s::jsonb)))"
NIN = f"(NOT {AT} IN (SELECT jsonb_array_elements(%s::jsonb)))"
NUMBER_CMP = (
    "(jsonb_typeof(value #> %s::text[]) = 'number' "
    "AND (value #>> %s::text[])::float8 {op} %s::float8)"
)
STRING_CMP = (
    "(jsonb_typeof(value #> %s::text[]) = 'string' "
    'AND (value #>> %s::text[]) COLLATE "C" {op} %s COLLATE "C")'
)

# -- the message log ----------------------------------------------------------------

#: Serialises message-log migrations across processes (a transaction-scoped lock).
LOCK_MESSAGE_MIGRATIONS = "SELECT pg_advisory_xact_lock(%s)"
CREATE_MESSAGE_MIGRATIONS = "CREATE TABLE IF NOT EXISTS lme_migrations (v INTEGER PRIMARY KEY)"
SELECT_MESSAGE_MIGRATIONS = "SELECT v FROM lme_migrations"
INSERT_MESSAGE_MIGRATION = "INSERT INTO lme_migrations (v) VALUES (%s)"

#: Versioned migrations of the message log; index i is version i, each a tuple of
#: statements run in one transaction. Append only, never edit a released one.
MESSAGE_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE IF NOT EXISTS lme_messages (
            session_id text NOT NULL,
            message_id text NOT NULL,
            seq bigint NOT NULL,
            role text NOT NULL,
            content text NOT NULL,
            payload jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (session_id, message_id)
        )
        """,
        "CREATE INDEX IF NOT EXISTS lme_messages_seq_idx ON lme_messages (session_id, seq)",
    ),
    # v1: logs written before the table existed are store items under
    # ("transcripts", session_id), value {"seq", "message"}: move them into the table.
    (
        """
        INSERT INTO lme_messages (session_id, message_id, seq, role, content, payload)
        SELECT split_part(prefix, '.', 2), key, (value ->> 'seq')::bigint,
               COALESCE(value -> 'message' ->> 'type', ''),
               COALESCE(value -> 'message' -> 'data' ->> 'content', ''),
               value -> 'message'
        FROM store
        WHERE split_part(prefix, '.', 1) = 'transcripts'
          AND split_part(prefix, '.', 2) <> '' AND split_part(prefix, '.', 3) = ''
          AND value ? 'seq' AND value ? 'message'
        ON CONFLICT (session_id, message_id) DO NOTHING
        """,
        """
        DELETE FROM store
        WHERE split_part(prefix, '.', 1) = 'transcripts'
          AND split_part(prefix, '.', 2) <> '' AND split_part(prefix, '.', 3) = ''
          AND value ? 'seq' AND value ? 'message'
        """,
    ),
)

# RETURNING lists only the rows inserted, so the caller learns which ids were new.
INSERT_MESSAGES = """
INSERT INTO lme_messages (session_id, message_id, seq, role, content, payload)
SELECT %s, m.message_id, m.seq, m.role, m.content, m.payload::jsonb
FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[])
     AS m(message_id, seq, role, content, payload)
ON CONFLICT (session_id, message_id) DO NOTHING
RETURNING message_id
"""
SELECT_MESSAGES = "SELECT payload FROM lme_messages WHERE session_id = %s ORDER BY seq"
SELECT_LAST_MESSAGES = """
SELECT payload FROM (
    SELECT payload, seq FROM lme_messages WHERE session_id = %s ORDER BY seq DESC LIMIT %s
) AS last_messages ORDER BY seq
"""
DELETE_MESSAGES = "DELETE FROM lme_messages WHERE session_id = %s"
