"""Output column names as PostgreSQL derives them (`?column?`, `count`, `now` …).

`select count(*)` → `SELECT COUNT(*) AS count`; `select 1` → `SELECT 1 AS "?column?"`.
"""
from __future__ import annotations

from sqlglot import exp

_TYPE_NAMES = {"INT": "int4", "INTEGER": "int4", "BIGINT": "int8", "SMALLINT": "int2", "TEXT": "text",
               "VARCHAR": "varchar", "DOUBLE": "float8", "FLOAT": "float4", "REAL": "float4",
               "BOOLEAN": "bool", "DATE": "date", "TIMESTAMP": "timestamp", "TIMESTAMPTZ": "timestamptz",
               "DECIMAL": "numeric", "NUMERIC": "numeric", "JSON": "json", "JSONB": "jsonb", "UUID": "uuid",
               "INTERVAL": "interval", "TIME": "time", "CHAR": "bpchar", "DOUBLE PRECISION": "float8"}


def pg_name(e: exp.Expression) -> str | None:
    """The name PostgreSQL gives an unaliased select-list expression (None: keep as is)."""
    if isinstance(e, (exp.Column, exp.Dot)):
        return None  # DuckDB already names a column reference by its name
    if isinstance(e, (exp.Cast, exp.TryCast)):
        inner = pg_name(e.this)
        if inner and inner != "?column?":
            return inner
        if isinstance(e.this, (exp.Column, exp.Dot)):
            return e.this.name
        t = e.to.this.name if hasattr(e.to.this, "name") else str(e.to.this)
        return _TYPE_NAMES.get(t.upper(), t.lower())
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
        if select.parent is not None and not isinstance(select.parent, (exp.Union, exp.Subquery, exp.CTE,
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
