"""PostgreSQL 15 type OIDs (pg_type.dat) with the length and array type of each."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PgType:
    oid: int
    name: str
    typlen: int
    array_oid: int
    category: str = "U"


_TYPES = [
    PgType(16, "bool", 1, 1000, "B"),
    PgType(17, "bytea", -1, 1001, "U"),
    PgType(18, "char", 1, 1002, "S"),
    PgType(19, "name", 64, 1003, "S"),
    PgType(20, "int8", 8, 1016, "N"),
    PgType(21, "int2", 2, 1005, "N"),
    PgType(23, "int4", 4, 1007, "N"),
    PgType(24, "regproc", 4, 1008, "N"),
    PgType(25, "text", -1, 1009, "S"),
    PgType(26, "oid", 4, 1028, "N"),
    PgType(114, "json", -1, 199, "U"),
    PgType(700, "float4", 4, 1021, "N"),
    PgType(701, "float8", 8, 1022, "N"),
    PgType(705, "unknown", -2, 0, "X"),
    PgType(1042, "bpchar", -1, 1014, "S"),
    PgType(1043, "varchar", -1, 1015, "S"),
    PgType(1082, "date", 4, 1182, "D"),
    PgType(1083, "time", 8, 1183, "D"),
    PgType(1114, "timestamp", 8, 1115, "D"),
    PgType(1184, "timestamptz", 8, 1185, "D"),
    PgType(1186, "interval", 16, 1187, "T"),
    PgType(1266, "timetz", 12, 1270, "D"),
    PgType(1700, "numeric", -1, 1231, "N"),
    PgType(2205, "regclass", 4, 2210, "N"),
    PgType(2206, "regtype", 4, 2211, "N"),
    PgType(2950, "uuid", 16, 2951, "U"),
    PgType(3802, "jsonb", -1, 3807, "U"),
    PgType(2278, "void", 4, 0, "P"),
]

BY_OID: dict[int, PgType] = {t.oid: t for t in _TYPES}
BY_NAME: dict[str, PgType] = {t.name: t for t in _TYPES}
ELEMENT_OF_ARRAY: dict[int, int] = {t.array_oid: t.oid for t in _TYPES if t.array_oid}

BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT4, TEXT, OID = 16, 17, 18, 19, 20, 21, 23, 25, 26
JSON, FLOAT4, FLOAT8, UNKNOWN, BPCHAR, VARCHAR = 114, 700, 701, 705, 1042, 1043
DATE, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL, NUMERIC, UUID, JSONB = (
    1082, 1083, 1114, 1184, 1186, 1700, 2950, 3802)
REGCLASS, REGTYPE, REGPROC, VOID = 2205, 2206, 24, 2278


def typlen(oid: int) -> int:
    t = BY_OID.get(oid)
    return t.typlen if t else -1


def type_name(oid: int) -> str:
    t = BY_OID.get(oid)
    if t:
        return t.name
    if oid in ELEMENT_OF_ARRAY:
        return "_" + BY_OID[ELEMENT_OF_ARRAY[oid]].name
    return "unknown"


def array_of(oid: int) -> int:
    t = BY_OID.get(oid)
    return t.array_oid if t and t.array_oid else 1009  # text[] for the unmapped
