"""Parameter types from the query tree and the catalog, for clients that send OID 0.

asyncpg picks its encoders from ParameterDescription, so `$1` compared with an integer
column must be described as int4, not left unknown.
"""
from __future__ import annotations

from sqlglot import exp

from redduck.protocol import types as T

from .types import oid_of

_CAST_OIDS = {"INT": T.INT4, "INTEGER": T.INT4, "INT4": T.INT4, "BIGINT": T.INT8, "INT8": T.INT8,
              "SMALLINT": T.INT2, "INT2": T.INT2, "TEXT": T.TEXT, "VARCHAR": T.VARCHAR,
              "DOUBLE": T.FLOAT8, "FLOAT": T.FLOAT8, "FLOAT8": T.FLOAT8, "REAL": T.FLOAT4,
              "FLOAT4": T.FLOAT4, "BOOLEAN": T.BOOL, "BOOL": T.BOOL, "DATE": T.DATE,
              "TIMESTAMP": T.TIMESTAMP, "TIMESTAMPTZ": T.TIMESTAMPTZ, "DECIMAL": T.NUMERIC,
              "NUMERIC": T.NUMERIC, "JSON": T.JSON, "JSONB": T.JSONB, "UUID": T.UUID, "BYTEA": T.BYTEA,
              "VARBINARY": T.BYTEA, "BLOB": T.BYTEA, "INTERVAL": T.INTERVAL, "TIME": T.TIME,
              "CHAR": T.BPCHAR, "DOUBLE PRECISION": T.FLOAT8, "UINTEGER": T.OID, "UINT": T.OID}

_COMPARE = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Add, exp.Sub, exp.Mul, exp.Div,
            exp.Like, exp.ILike, exp.Is, exp.NullSafeEQ, exp.NullSafeNEQ)


def param_index(node: exp.Expression) -> int | None:
    if isinstance(node, (exp.Parameter, exp.Placeholder)):
        name = node.name if isinstance(node.name, str) else ""
        if not name and isinstance(node.this, exp.Expression):
            name = node.this.name
        return int(name) if str(name).isdigit() else None
    return None


def cast_oid(dtype: exp.DataType) -> int:
    if dtype.is_type(exp.DataType.Type.ARRAY) and dtype.expressions:
        return T.array_of(cast_oid(dtype.expressions[0]))
    name = dtype.this.name if hasattr(dtype.this, "name") else str(dtype.this)
    return _CAST_OIDS.get(name.upper(), T.TEXT)


def infer_param_oids(tree: exp.Expression, count: int, column_type, given: tuple = (),
                     function_params: dict | None = None) -> list[int]:
    """OIDs for $1..$count: the client's where given, else inferred, else text.
    `function_params`: parameter types (DuckDB) of functions known by name (the model
    functions), so that `m_fn($1, …)` describes $1 as the function's own parameter."""
    oids = [0] * count
    for i, o in enumerate(given[:count]):
        oids[i] = o

    def put(idx: int | None, oid: int) -> None:
        if idx and 1 <= idx <= count and not oids[idx - 1]:
            oids[idx - 1] = oid

    tables = _table_aliases(tree)

    def col_oid(col: exp.Column) -> int | None:
        t = column_type(tables.get(col.table, col.table) if col.table else None, col.name, list(tables.values()))
        return oid_of(t) if t else None

    for node in tree.walk():
        if isinstance(node, (exp.Any, exp.All)):
            # x = ANY($1): an array of x's type (text[] when x's type is unknown)
            inner = node.this.this if isinstance(node.this, exp.Paren) else node.this
            idx = param_index(inner)
            if idx:
                cmp = node.parent
                other = cmp.this if isinstance(cmp, _COMPARE) and cmp.expression is node else None
                o = col_oid(other) if isinstance(other, exp.Column) else None
                t = T.BY_OID.get(o or T.TEXT)
                put(idx, t.array_oid if t is not None and t.array_oid else T.BY_OID[T.TEXT].array_oid)
            continue
        if isinstance(node, exp.Anonymous) and function_params:
            types = function_params.get(node.name.lower())
            if types and len(types) == len(node.expressions):
                for arg, t in zip(node.expressions, types):
                    put(param_index(arg), oid_of(t))
        if isinstance(node, exp.Cast):
            put(param_index(node.this), cast_oid(node.to))
        elif isinstance(node, _COMPARE):
            left, right = node.this, node.expression
            for p, other in ((left, right), (right, left)):
                idx = param_index(p)
                if idx and isinstance(other, exp.Column):
                    o = col_oid(other)
                    if o:
                        put(idx, o)
                elif idx and isinstance(other, exp.Literal):
                    put(idx, T.TEXT if other.is_string else (T.INT4 if other.is_int else T.NUMERIC))
        elif isinstance(node, (exp.In,)):
            if isinstance(node.this, exp.Column):
                o = col_oid(node.this)
                for e in node.expressions:
                    if o:
                        put(param_index(e), o)
        elif isinstance(node, exp.Between):
            if isinstance(node.this, exp.Column):
                o = col_oid(node.this)
                if o:
                    put(param_index(node.args.get("low")), o)
                    put(param_index(node.args.get("high")), o)
        elif isinstance(node, (exp.Limit, exp.Offset)):
            put(param_index(node.expression), T.INT8)
    if isinstance(tree, exp.Insert):
        _insert_params(tree, put, column_type)
    if isinstance(tree, exp.Update):
        table = tree.this.name if isinstance(tree.this, exp.Table) else None
        for eq in tree.expressions:
            if isinstance(eq, exp.EQ) and isinstance(eq.this, exp.Column):
                t = column_type(table, eq.this.name, [table])
                if t:
                    put(param_index(eq.expression), oid_of(t))
    return [o or T.TEXT for o in oids]


def _table_aliases(tree: exp.Expression) -> dict:
    out = {}
    for t in tree.find_all(exp.Table):
        name = t.name
        if t.db:
            name = f"{t.db}.{name}"
        out[t.alias_or_name] = name
        out[t.name] = name
    return out


def _insert_params(tree: exp.Insert, put, column_type) -> None:
    target = tree.this
    cols = None
    if isinstance(target, exp.Schema):
        table = target.this.name
        cols = [c.name for c in target.expressions]
    else:
        table = target.name if isinstance(target, exp.Table) else None
    if table is None:
        return
    if cols is None:
        cols = column_type(table, None, [table]) or []
    values = tree.expression
    if isinstance(values, exp.Values):
        for row in values.expressions:
            for i, e in enumerate(row.expressions):
                if i < len(cols):
                    t = column_type(table, cols[i], [table])
                    if t:
                        put(param_index(e), oid_of(t))
