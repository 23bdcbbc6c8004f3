"""DuckDB types → PostgreSQL type OIDs and type modifiers."""
from __future__ import annotations

import re

from redduck.protocol import types as T

_SCALAR = {
    "BOOLEAN": T.BOOL, "TINYINT": T.INT2, "SMALLINT": T.INT2, "UTINYINT": T.INT2,
    "INTEGER": T.INT4, "USMALLINT": T.INT4, "BIGINT": T.INT8,
    # PostgreSQL's oid is an unsigned 32-bit integer: the catalog's OID columns are UINTEGER
    "UINTEGER": T.OID,
    "UBIGINT": T.NUMERIC, "HUGEINT": T.NUMERIC, "UHUGEINT": T.NUMERIC, "VARINT": T.NUMERIC,
    "BIGNUM": T.NUMERIC,
    "FLOAT": T.FLOAT4, "DOUBLE": T.FLOAT8, "VARCHAR": T.TEXT, "DATE": T.DATE, "TIME": T.TIME,
    "TIME WITH TIME ZONE": 1266, "TIMESTAMP": T.TIMESTAMP, "TIMESTAMP_S": T.TIMESTAMP,
    "TIMESTAMP_MS": T.TIMESTAMP, "TIMESTAMP_NS": T.TIMESTAMP,
    "TIMESTAMP WITH TIME ZONE": T.TIMESTAMPTZ, "INTERVAL": T.INTERVAL, "UUID": T.UUID,
    "BLOB": T.BYTEA, "JSON": T.JSON, "BIT": T.TEXT, '"NULL"': T.TEXT, "NULL": T.TEXT,
}

_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def oid_of(duck_type: str) -> int:
    """The OID a PostgreSQL client should see for a DuckDB type name."""
    t = duck_type.upper()
    if t in _SCALAR:
        return _SCALAR[t]
    if t.startswith("DECIMAL"):
        return T.NUMERIC
    if t.endswith("[]"):
        inner = t[:-2]
        if inner.endswith("[]") or inner.startswith(("STRUCT", "MAP", "UNION")):
            return T.JSON
        return T.array_of(oid_of(inner))
    if re.fullmatch(r".*\[\d+\]", t):  # fixed-size ARRAY
        return T.array_of(oid_of(t[:t.rindex("[")]))
    if t.startswith(("STRUCT", "MAP", "UNION")):
        return T.JSON
    return T.TEXT  # ENUM, user types


def typmod_of(duck_type: str) -> int:
    m = _DECIMAL.fullmatch(duck_type.upper())
    if m:
        return ((int(m.group(1)) << 16) | int(m.group(2))) + 4
    return -1


def sql_name_of(oid: int) -> str:
    """The DuckDB type to CAST a parameter of this OID to (an array: its element's, as a list)."""
    if oid in T.ELEMENT_OF_ARRAY:
        return sql_name_of(T.ELEMENT_OF_ARRAY[oid]) + "[]"
    return {T.BOOL: "BOOLEAN", T.INT2: "SMALLINT", T.INT4: "INTEGER", T.INT8: "BIGINT",
            T.FLOAT4: "FLOAT", T.FLOAT8: "DOUBLE", T.NUMERIC: "DECIMAL(38,10)", T.DATE: "DATE",
            T.TIME: "TIME", T.TIMESTAMP: "TIMESTAMP", T.TIMESTAMPTZ: "TIMESTAMPTZ",
            T.INTERVAL: "INTERVAL", T.UUID: "UUID", T.BYTEA: "BLOB", T.JSON: "JSON",
            T.JSONB: "JSON", T.OID: "UBIGINT"}.get(oid, "VARCHAR")
