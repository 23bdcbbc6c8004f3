"""The column catalogs (pg_attribute, pg_attrdef, information_schema.columns) as PostgreSQL shows them.

DuckDB keeps one VARCHAR for text, varchar(n), char(n) and plain varchar, and its
pg_attribute gives JSON the varchar OID and every list one made-up OID. pg_attribute here
is rebuilt from duckdb_columns(): a column's OID is the one its values travel with
(engine/types.py), and what DuckDB forgets of a declared character type is kept in
redduck_pg.declared_types, written beside the DDL in the same transaction (so a rollback
forgets it too) and trusted only while DuckDB still says VARCHAR. So is the enum type a
column was declared with: DuckDB keeps only its labels, which two enum types may share."""
from __future__ import annotations

from sqlglot import exp

from redduck.protocol import types as T

from .. import types as duck_types
from .oids import relation, stable

TABLE = "redduck_pg.declared_types"
DDL = (f"CREATE TABLE IF NOT EXISTS {TABLE} (schema_name VARCHAR NOT NULL, table_name VARCHAR NOT NULL, "
       "column_name VARCHAR NOT NULL, type_oid INTEGER NOT NULL, typmod INTEGER NOT NULL)")

_CHARACTER_TYPES = {exp.DataType.Type.VARCHAR: T.VARCHAR, exp.DataType.Type.NVARCHAR: T.VARCHAR,
                    exp.DataType.Type.CHAR: T.BPCHAR, exp.DataType.Type.NCHAR: T.BPCHAR,
                    exp.DataType.Type.BPCHAR: T.BPCHAR}


# PostgreSQL's names of the types (format_type without a typmod; information_schema's data_type)
TYPE_NAMES = {T.BOOL: "boolean", T.BYTEA: "bytea", T.INT8: "bigint", T.INT2: "smallint", T.INT4: "integer",
              T.TEXT: "text", T.OID: "oid", T.FLOAT4: "real", T.FLOAT8: "double precision", T.DATE: "date",
              T.TIME: "time without time zone", T.TIMESTAMP: "timestamp without time zone",
              T.TIMESTAMPTZ: "timestamp with time zone", T.INTERVAL: "interval", 1266: "time with time zone",
              T.UUID: "uuid", T.JSON: "json", T.JSONB: "jsonb", T.NUMERIC: "numeric",
              T.VARCHAR: "character varying", T.BPCHAR: "character"}


def declared(dtype: exp.Expression | None) -> tuple[int, int] | None:
    """(OID, typmod) of a character type DuckDB would forget; None for text and the rest."""
    if not isinstance(dtype, exp.DataType) or dtype.this not in _CHARACTER_TYPES:
        return None
    oid = _CHARACTER_TYPES[dtype.this]
    params = dtype.expressions
    if params and isinstance(params[0].this, exp.Literal) and params[0].this.is_int:
        return oid, int(params[0].this.name) + 4
    # char without a length is char(1); varchar without one has no limit
    return (oid, 5) if oid == T.BPCHAR and dtype.this != exp.DataType.Type.BPCHAR else (oid, -1)


def record(cursor, tree: exp.Expression, schema: str) -> None:
    """After CREATE/DROP/ALTER TABLE (and DROP SCHEMA) succeeded: keep declared_types in step.
    `schema` is where an unqualified name went (the first schema of the search path)."""
    kind = (tree.args.get("kind") or "").upper()
    if isinstance(tree, exp.Drop) and kind == "SCHEMA":
        for t in tree.args.get("tables") or [tree.this]:
            name = t.db or t.name if isinstance(t, exp.Table) else None
            if name:
                cursor.execute(f"DELETE FROM {TABLE} WHERE schema_name = ?", [name.lower()])
        return
    if kind != "TABLE" or (isinstance(tree, exp.Create) and tree.args.get("properties")
                           and tree.find(exp.TemporaryProperty)):
        return
    if isinstance(tree, exp.Drop):
        for t in tree.args.get("tables") or [tree.this]:
            if isinstance(t, exp.Table):
                _forget(cursor, _key(t, schema))
    elif isinstance(tree, exp.Create):
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        if not isinstance(table, exp.Table):
            return
        key = _key(table, schema)
        _forget(cursor, key)
        if isinstance(target, exp.Schema):
            for col in target.expressions:
                if isinstance(col, exp.ColumnDef):
                    _remember(cursor, key, col.name, _declared_type(cursor, col.args.get("kind"), schema))
    elif isinstance(tree, exp.Alter) and isinstance(tree.this, exp.Table):
        key = _key(tree.this, schema)
        for action in tree.args.get("actions") or []:
            _alter(cursor, key, action)


def _alter(cursor, key: tuple[str, str], action: exp.Expression) -> None:
    s, t = key
    if isinstance(action, exp.AlterRename) and isinstance(action.this, exp.Table):
        cursor.execute(f"UPDATE {TABLE} SET table_name = ? WHERE schema_name = ? AND table_name = ?",
                       [action.this.name.lower(), s, t])
    elif isinstance(action, exp.RenameColumn):
        cursor.execute(f"UPDATE {TABLE} SET column_name = ? WHERE schema_name = ? AND table_name = ? "
                       "AND column_name = ?", [action.args["to"].name.lower(), s, t, action.this.name.lower()])
    elif isinstance(action, exp.ColumnDef):
        _remember(cursor, key, action.name, _declared_type(cursor, action.args.get("kind"), s))
    elif isinstance(action, exp.AlterColumn) and action.args.get("dtype"):
        _forget(cursor, key, action.name)
        _remember(cursor, key, action.name, _declared_type(cursor, action.args["dtype"], s))
    elif isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() == "COLUMN":
        for col in action.args.get("tables") or []:
            _forget(cursor, key, col.name)


def _declared_type(cursor, dtype: exp.Expression | None, schema: str) -> tuple[int, int] | None:
    """What declared_types keeps of a column's declared type: a character type's, or an enum's."""
    return declared(dtype) or _declared_enum(cursor, dtype, schema)


def _declared_enum(cursor, dtype: exp.Expression | None, schema: str) -> tuple[int, int] | None:
    """(OID, -1) of the enum type a column is declared with; None for any other type."""
    if not isinstance(dtype, exp.DataType) or dtype.this != exp.DataType.Type.USERDEFINED:
        return None
    name = dtype.args.get("kind")
    if isinstance(name, exp.Dot):
        type_schema, type_name = name.this.name, name.expression.name
    elif isinstance(name, exp.Identifier):
        type_schema, type_name = None, name.name
    else:
        return None
    row = cursor.execute(
        f"SELECT {stable('t', 'schema_name', 'type_name')} FROM duckdb_types() WHERE logical_type = 'ENUM' "
        "AND NOT internal AND lower(type_name) = lower(?) AND (? IS NULL OR lower(schema_name) = lower(?)) "
        "ORDER BY lower(schema_name) = lower(?) DESC, schema_name LIMIT 1",
        [type_name, type_schema, type_schema, schema]).fetchone()
    return (int(row[0]), -1) if row else None


def _key(table: exp.Table, schema: str) -> tuple[str, str]:
    return (table.db or schema).lower(), table.name.lower()


def _forget(cursor, key: tuple[str, str], column: str | None = None) -> None:
    cursor.execute(f"DELETE FROM {TABLE} WHERE schema_name = ? AND table_name = ? "
                   "AND (? IS NULL OR column_name = ?)", [*key, column and column.lower(), column and column.lower()])


def _remember(cursor, key: tuple[str, str], column: str, decl: tuple[int, int] | None) -> None:
    if decl:
        cursor.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?)", [*key, column.lower(), *decl])


def _case(expr: str, pairs: dict, default: str) -> str:
    return f"CASE {expr} " + " ".join(f"WHEN {k} THEN {v}" for k, v in pairs.items()) + f" ELSE {default} END"


def oid_sql(data_type: str) -> str:
    """SQL for the OID of a DuckDB type name, as engine/types.py maps it for results."""
    scalars = {f"'{k}'": v for k, v in duck_types._SCALAR.items() if '"' not in k}
    arrays = {f"'{k}[]'": T.array_of(v) for k, v in duck_types._SCALAR.items() if '"' not in k}
    return (f"CASE WHEN {data_type} LIKE 'DECIMAL(%' THEN {T.NUMERIC} "
            f"WHEN {data_type} LIKE 'DECIMAL(%)[]' THEN {T.array_of(T.NUMERIC)} "
            f"WHEN {data_type} LIKE 'ENUM(%)[]' THEN {T.array_of(T.TEXT)} "
            f"WHEN {data_type} LIKE 'STRUCT%' OR {data_type} LIKE 'MAP%' OR {data_type} LIKE 'UNION%' "
            f"OR {data_type} LIKE '%[][]' THEN {T.JSON} "
            f"ELSE {_case(data_type, {**scalars, **arrays}, str(T.TEXT))} END")


def attribute_sql() -> str:
    """pg_attribute: PostgreSQL 15's columns, from duckdb_columns()."""
    oid = ("(CASE WHEN c.data_type = 'VARCHAR' AND d.type_oid IS NOT NULL THEN d.type_oid "
           f"WHEN c.data_type LIKE 'ENUM(%' AND c.data_type NOT LIKE '%[]' THEN coalesce(en.type_oid, {T.TEXT}) "
           f"ELSE {oid_sql('c.data_type')} END)")
    lengths = {t.oid: t.typlen for t in T.BY_OID.values()}
    length = f"(CASE WHEN en.type_oid IS NOT NULL THEN 4 ELSE {_case('rd_o.oid', lengths, '-1')} END)"
    aligns = {T.BOOL: "'c'", T.CHAR: "'c'", T.INT2: "'s'", T.INT8: "'d'", T.FLOAT8: "'d'", T.TIMESTAMP: "'d'",
              T.TIMESTAMPTZ: "'d'", T.TIME: "'d'", T.INTERVAL: "'d'", T.UUID: "'c'"}
    return (
        f"SELECT {relation('c.database_name', 'c.schema_name', 'c.table_name')} AS attrelid, "
        "c.column_name AS attname, rd_o.oid::UINTEGER AS atttypid, "
        f"-1 AS attstattarget, CAST({length} AS SMALLINT) AS attlen, CAST(c.column_index AS INTEGER) AS attnum, "
        "CAST(CASE WHEN rd_o.oid IN (SELECT array_oid FROM redduck_pg.array_types) THEN 1 ELSE 0 END AS INTEGER) "
        "AS attndims, -1 AS attcacheoff, "
        "CAST(CASE WHEN c.data_type = 'VARCHAR' AND d.type_oid IS NOT NULL THEN d.typmod "
        "WHEN c.data_type LIKE 'DECIMAL(%' THEN ((c.numeric_precision << 16) | c.numeric_scale) + 4 "
        "ELSE -1 END AS INTEGER) AS atttypmod, "
        f"{length} BETWEEN 1 AND 8 AS attbyval, CAST({_case('rd_o.oid', aligns, chr(39) + 'i' + chr(39))} "
        "AS VARCHAR) AS attalign, "
        f"CAST(CASE WHEN {length} > 0 THEN 'p' WHEN rd_o.oid = {T.NUMERIC} THEN 'm' ELSE 'x' END AS VARCHAR) "
        "AS attstorage, ''::VARCHAR AS attcompression, NOT c.is_nullable AS attnotnull, "
        "c.column_default IS NOT NULL AS atthasdef, false AS atthasmissing, ''::VARCHAR AS attidentity, "
        "''::VARCHAR AS attgenerated, false AS attisdropped, true AS attislocal, 0 AS attinhcount, "
        "0::UINTEGER AS attcollation, NULL::VARCHAR[] AS attacl, NULL::VARCHAR[] AS attoptions, "
        "NULL::VARCHAR[] AS attfdwoptions, NULL::VARCHAR AS attmissingval "
        "FROM duckdb_columns() c "
        f"LEFT JOIN {TABLE} d ON c.data_type = 'VARCHAR' AND c.database_name = current_database() "
        "AND d.schema_name = lower(c.schema_name) AND d.table_name = lower(c.table_name) "
        "AND d.column_name = lower(c.column_name) "
        "LEFT JOIN redduck_pg.enum_columns en ON en.table_oid = c.table_oid AND en.column_index = c.column_index "
        f"CROSS JOIN LATERAL (SELECT {oid} AS oid) rd_o")


def attributes_with_indexes_sql() -> str:
    """pg_attribute: the tables' columns, and an index's own, numbered from 1 (psql's \\d of an index)."""
    # the tables' columns once, for both halves (planning and computing them is most of the cost)
    return ("WITH rd_ta AS MATERIALIZED (SELECT * FROM redduck_pg.table_attributes) SELECT * FROM rd_ta UNION ALL "
            "SELECT a.* REPLACE (k.indexrelid::UINTEGER AS attrelid, CAST(k.pos AS INTEGER) AS attnum, "
            "false AS atthasdef) FROM (SELECT indexrelid, indrelid, unnest(indkey) AS key, "
            "generate_subscripts(indkey, 1) AS pos FROM redduck_pg.pg_index) k "
            "JOIN rd_ta a ON a.attrelid = k.indrelid AND a.attnum = k.key")


def enum_type_text(labels: str) -> str:
    """SQL for the type DuckDB prints for an enum of these labels: ENUM('a', 'b') (a column's
    type names no enum, only its labels)."""
    return ("'ENUM(' || array_to_string(list_transform(" + labels + ", lambda l: chr(39) || "
            "replace(l, chr(39), chr(39) || chr(39)) || chr(39)), ', ') || ')'")


def enum_columns_sql() -> str:
    """The enum type of each enum column. DuckDB's pg_attribute gives every enum one id, and a
    column only knows the labels: the type it was declared with (declared_types) where that
    still has them, else the first type of those labels."""
    return ("SELECT c.table_oid, c.schema_name, c.table_name, c.column_index, "
            "arg_min(o.oid, o.k) AS type_oid, arg_min(t.type_name, o.k) AS type_name FROM duckdb_columns() c "
            f"JOIN duckdb_types() t ON t.logical_type = 'ENUM' AND NOT t.internal "
            f"AND c.data_type = {enum_type_text('t.labels')} "
            f"LEFT JOIN {TABLE} d ON d.schema_name = lower(c.schema_name) AND d.table_name = lower(c.table_name) "
            "AND d.column_name = lower(c.column_name) "
            f"CROSS JOIN LATERAL (SELECT {stable('t', 't.schema_name', 't.type_name')} AS oid) o0 "
            "CROSS JOIN LATERAL (SELECT o0.oid, [CASE WHEN o0.oid = d.type_oid THEN 0 ELSE 1 END, o0.oid] AS k) o "
            "WHERE c.data_type LIKE 'ENUM(%' GROUP BY ALL")


def array_types_sql() -> str:
    """(array OID, element OID) of the array types redduck knows."""
    values = ", ".join(f"({t.array_oid}, {t.oid})" for t in T.BY_OID.values() if t.array_oid)
    return f"SELECT * FROM (VALUES {values}) AS a(array_oid, elem_oid)"


def columns_sql() -> str:
    """information_schema.columns with PostgreSQL's type names (DuckDB reports its own)."""
    decl = (f"LEFT JOIN {TABLE} d ON c.data_type = 'VARCHAR' AND d.schema_name = lower(c.table_schema) "
            "AND d.table_name = lower(c.table_name) AND d.column_name = lower(c.column_name)")
    oid = f"coalesce(d.type_oid, {oid_sql('c.data_type')})"
    return (
        "SELECT c.* REPLACE ("
        "CASE WHEN c.data_type LIKE 'ENUM(%' AND c.data_type NOT LIKE '%[]' THEN 'USER-DEFINED' "
        f"WHEN {oid} IN (SELECT array_oid FROM redduck_pg.array_types) THEN 'ARRAY' "
        f"ELSE {_case(oid, {k: repr(v) for k, v in TYPE_NAMES.items()}, 'NULL')} END AS data_type, "
        "CASE WHEN c.data_type LIKE 'ENUM(%' AND c.data_type NOT LIKE '%[]' THEN en.type_name "
        f"ELSE (SELECT rd_t.typname FROM redduck_pg.pg_type rd_t WHERE rd_t.oid = {oid} LIMIT 1) END AS udt_name, "
        "CAST(CASE WHEN d.typmod > 4 THEN d.typmod - 4 END AS INTEGER) AS character_maximum_length, "
        "CAST(CASE WHEN d.typmod > 4 THEN (d.typmod - 4) * 4 WHEN c.data_type = 'VARCHAR' THEN 1073741824 END "
        f"AS INTEGER) AS character_octet_length, {pg_default_sql('c.column_default')} AS column_default) "
        f"FROM information_schema.columns c {decl} LEFT JOIN redduck_pg.enum_columns en "
        "ON en.schema_name = c.table_schema AND en.table_name = c.table_name AND en.column_index = c.ordinal_position")


def pg_default_sql(expr: str) -> str:
    """A default as PostgreSQL prints it: a sequence's nextval names it as a regclass."""
    return rf"regexp_replace({expr}, '^nextval\(''([^'']*)''\)$', 'nextval(''\1''::regclass)')"


def attrdef_sql() -> str:
    """pg_attrdef with an OID of its own per default (DuckDB's repeats the column number)."""
    default = stable("d", "schema_name", "table_name || '.' || column_name")
    return (f"SELECT {default} AS oid, "
            f"{relation('database_name', 'schema_name', 'table_name')} AS adrelid, "
            f"column_index::SMALLINT AS adnum, {pg_default_sql('column_default')} AS adbin "
            "FROM duckdb_columns() WHERE column_default IS NOT NULL")
