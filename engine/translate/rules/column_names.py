"""Output column names as PostgreSQL derives them (`?column?`, `count`, `now` …).

`select count(*)` → `SELECT COUNT(*) AS count`; `select 1` → `SELECT 1 AS "?column?"`.
"""
from __future__ import annotations

from sqlglot import exp

_TYPE_NAMES = {"INT": "int4", "INTEGER": "int4", "BIGINT": "int8", "SMALLINT": "int2", "TEXT": "text",
               "VARCHAR": "varchar", "DOUBLE": "float8", "FLOAT": "float4", "REAL": "float4",
               "BOOLEAN": "bool", "DATE": "date", "TIMESTAMP": "timestamp", "TIMESTAMPTZ": "timestamptz",
               "DECIMAL": "numeric", "NUMERIC": "numeric", "JSON": "json", "JSONB": "jsonb", "UUID": "uuid",
               "INTERVAL": "interval", "TIME": "time", "CHAR": "bpchar", "DOUBLE PRECISION": "float8",
               "VARBINARY": "bytea", "BLOB": "bytea", "BYTEA": "bytea", "BPCHAR": "bpchar"}

# sqlglot's normalized function classes → the function name PostgreSQL would show
_FUNC_NAMES = {"Pad": None, "Trim": None, "Hex": "to_hex", "TimestampTrunc": "date_trunc", "DateTrunc": "date_trunc",
               "TimeToStr": "to_char", "StrToDate": "to_date", "StrToTime": "to_timestamp",
               "ArraySize": "array_length", "Explode": "unnest", "Unnest": "unnest",
               "ExplodingGenerateSeries": "generate_series", "GenerateSeries": "generate_series",
               "LogicalAnd": "bool_and", "LogicalOr": "bool_or", "StrPosition": "position",
               "ArrayToString": "array_to_string", "ArrayJoin": "array_to_string", "StringToArray": "string_to_array",
               "Split": "string_to_array", "JSONExtract": "?column?", "JSONExtractScalar": "?column?",
               "JSONBExtract": "?column?", "JSONBExtractScalar": "?column?", "RegexpLike": "?column?",
               "RegexpILike": "?column?", "Levenshtein": "levenshtein", "ToChar": "to_char",
               "UnixToTime": "to_timestamp", "CurrentTimestampLTZ": "now", "ArrayAgg": "array_agg", "JSONArrayAgg": "json_agg",
               "GroupConcat": "string_agg", "Stddev": "stddev", "StddevSamp": "stddev_samp",
               "Variance": "variance", "VariancePop": "var_pop", "ApproxDistinct": "count"}


def pg_name(e: exp.Expression) -> str | None:
    """The name PostgreSQL gives an unaliased select-list expression (None: keep as is)."""
    if isinstance(e, exp.Dot) and isinstance(e.expression, (exp.Anonymous, exp.Func)):
        return pg_name(e.expression)   # pg_catalog.format_type(…) is named format_type
    if isinstance(e, (exp.Column, exp.Dot)):
        return None  # DuckDB already names a column reference by its name
    if isinstance(e, (exp.Cast, exp.TryCast)):
        base = e.this
        while isinstance(base, (exp.Cast, exp.TryCast, exp.Paren)):
            base = base.this
        inner = pg_name(e.this)
        # a cast of a constant is named by its (outermost) type; of anything else, by that thing
        if inner and inner != "?column?" and not isinstance(base, (exp.Literal, exp.Null, exp.Boolean)):
            return inner
        if isinstance(e.this, (exp.Column, exp.Dot)):
            return e.this.name
        to = e.to
        if to.is_type(exp.DataType.Type.ARRAY) and to.expressions:   # '{1}'::int[] is named int4
            to = to.expressions[0]
        t = to.this.name if hasattr(to.this, "name") else str(to.this)
        if isinstance(to, exp.DataType) and to.this == exp.DataType.Type.USERDEFINED:
            t = to.args.get("kind") or to.sql()
        return _TYPE_NAMES.get(str(t).upper(), str(t).lower())
    if isinstance(e, exp.Paren):
        return pg_name(e.this)
    if isinstance(e, exp.Bracket):  # x.labels[0] is named "labels", as PostgreSQL names subscripts
        base = e.this
        return base.name if isinstance(base, (exp.Column, exp.Dot)) else pg_name(base)
    if isinstance(e, exp.Count):
        return "count"
    if isinstance(e, exp.Anonymous):
        return e.name.lower()
    if isinstance(e, exp.CurrentVersion):
        return "version"
    if isinstance(e, exp.CurrentTimestamp):
        return "now" if "start" in e.meta else "current_timestamp"  # now() carries a span
    if isinstance(e, (exp.CurrentDate, exp.CurrentTime, exp.CurrentUser, exp.CurrentSchema)):
        return {exp.CurrentDate: "current_date", exp.CurrentTime: "current_time",
                exp.CurrentUser: "current_user", exp.CurrentSchema: "current_schema"}[type(e)]
    if isinstance(e, exp.Case):
        return "case"

    if isinstance(e, (exp.Window, exp.WithinGroup)):
        return pg_name(e.this)       # sum(x) OVER (…), percentile_cont(f) WITHIN GROUP (…)
    if e.meta.get("pg_name"):
        return str(e.meta["pg_name"]).lower()   # a function call, named as the client wrote it
    if isinstance(e, (exp.Binary, exp.Not)):
        return "?column?"   # an operator (2 ^ 10, a % b, AND …), even where sqlglot has a function
    if isinstance(e, exp.Interval):
        return "interval"
    if isinstance(e, (exp.Tuple, exp.Struct)):
        return "row"
    if isinstance(e, exp.Trim):
        where = (e.args.get("position") or "").upper()
        return {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(where, "btrim")
    if isinstance(e, exp.Pad):
        return "lpad" if e.args.get("is_left") else "rpad"
    if type(e).__name__ in _FUNC_NAMES and _FUNC_NAMES[type(e).__name__]:
        return _FUNC_NAMES[type(e).__name__]
    if isinstance(e, exp.Array):
        return "array"
    if isinstance(e, exp.Exists):
        return "exists"
    if isinstance(e, exp.Func):
        name = e.sql_name().lower()
        aliases = {"array_agg": "array_agg", "group_concat": "string_agg", "listagg": "string_agg",
                   "avg": "avg", "coalesce": "coalesce", "greatest": "greatest", "least": "least",
                   "nullif": "nullif", "substring": "substring", "lower": "lower", "upper": "upper"}
        return aliases.get(name, name)
    if isinstance(e, exp.Subquery):
        inner = e.this
        if isinstance(inner, exp.Select) and len(inner.expressions) == 1:
            return pg_name(inner.expressions[0].unalias()) if not isinstance(
                inner.expressions[0], exp.Alias) else inner.expressions[0].alias
        return "?column?"
    return "?column?"


def pg_column_names(tree: exp.Expression, ctx) -> None:
    for select in tree.find_all(exp.Select):
        # only the outermost select lists name result columns; inner names rarely matter
        # but keep them consistent so that outer references by name still resolve
        if select.parent is not None and not isinstance(select.parent, (exp.SetOperation, exp.Subquery, exp.CTE,
                                                                        exp.Insert, exp.Create)):
            continue
        if select.find_ancestor(exp.Subquery, exp.CTE, exp.In, exp.Exists) is not None:
            continue
        new = []
        changed = False
        for e in select.expressions:
            if isinstance(e, (exp.Alias, exp.Star)) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star):
                new.append(e)
                continue
            name = pg_name(e)
            if name is None:
                new.append(e)
                continue
            new.append(exp.alias_(e, name, quoted=True))
            changed = True
        if changed:
            select.set("expressions", new)
