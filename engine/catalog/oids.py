"""Stable OIDs. DuckDB numbers its catalog entries afresh at every start, in load order (by
schema, kind and name), so a table's OID would change when the server restarts or another
object is created. The catalog shows instead an OID computed from the object's kind, schema
and name (PostgreSQL's fixed ones for public, pg_catalog and information_schema): the same in
every session and after every restart. A rename gives a new OID; two of the 2^31 values
colliding is as rare as two names sharing a 31-bit hash."""
from __future__ import annotations

# kinds: n namespace, r relation (table, view, sequence, index), c constraint, t type,
# d column default
MACRO = ("k, s, n", "CASE WHEN k = 'n' AND n = 'public' THEN 2200 WHEN k = 'n' AND n = 'pg_catalog' THEN 11 "
                    "WHEN k = 'n' AND n = 'information_schema' THEN 13180 "
                    "ELSE CAST(16384 + CAST('0x' || md5(k || ':' || coalesce(s, '') || '.' || lower(n))[1:8] "
                    "AS UBIGINT) % 2147467264 AS UINTEGER) END")


def stable(kind: str, schema: str, name: str) -> str:
    """SQL for the stable OID of an object; `schema` and `name` are SQL expressions."""
    return f"redduck_pg.stable_oid('{kind}', {schema}, {name})"


def namespace(schema_name: str) -> str:
    return f"redduck_pg.stable_oid('n', NULL, {schema_name})"


def schema_of(database: str, schema: str) -> str:
    """SQL for the schema PostgreSQL would name: a temporary object's is pg_temp."""
    return f"(CASE WHEN {database} = 'temp' THEN 'pg_temp' ELSE {schema} END)"


def relation(database: str, schema: str, name: str) -> str:
    return stable("r", schema_of(database, schema), name)
