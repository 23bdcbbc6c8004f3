"""Aggregates typed as PostgreSQL types them, where the argument is a column of known type
(or integer arithmetic on such columns):
`sum(int_col)` → `CAST(SUM(int_col) AS BIGINT)` (DuckDB's sum of integers is a 128-bit
HUGEINT, which a client would see as numeric) and `avg(int_or_numeric_col)` →
`CAST(AVG(col) AS DECIMAL(38, 16))` (PostgreSQL's avg of these is numeric; DuckDB's is a double);
`percentile_cont(f) WITHIN GROUP (ORDER BY numeric_col)` sorts the column as double precision, as
PostgreSQL does (DuckDB's interpolates in the column's DECIMAL and rounds to its scale: 125.375
came back as 125.37)."""
from __future__ import annotations

import re

from sqlglot import exp

from .targets import column_type, table_aliases

_SMALL_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT"}
_INTEGERS = _SMALL_INTEGERS | {"BIGINT", "UINTEGER", "UBIGINT", "HUGEINT"}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def _type_of(e: exp.Expression, aliases: dict, ctx) -> str | None:
    """The DuckDB type of a column, or of integer arithmetic on columns and integers (sum(a * b)
    is of a's type as PostgreSQL types it); None when not known."""
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Column):
        dtype = column_type(e, aliases, ctx)
        return dtype.upper() if dtype else None
    if isinstance(e, exp.Literal) and e.is_int:
        return "INTEGER"
    if isinstance(e, exp.Neg):
        return _type_of(e.this, aliases, ctx)
    if isinstance(e, (exp.Add, exp.Sub, exp.Mul)):
        kinds = {_type_of(e.this, aliases, ctx), _type_of(e.expression, aliases, ctx)}
        if kinds <= _SMALL_INTEGERS:
            return "INTEGER"
        if kinds <= _INTEGERS:
            return "BIGINT"
    return None


def _column_type(node: exp.Expression, aliases: dict, ctx) -> str | None:
    arg = node.this
    if isinstance(arg, exp.Literal):
        # sum(1) is int8; avg(1) is left alone (PostgreSQL's scale for it is not avg(col)'s)
        return "INTEGER" if isinstance(node, exp.Sum) and arg.is_int and not node.args.get("distinct") else None
    if ctx.column_type is None or node.args.get("distinct"):
        return None
    return _type_of(arg, aliases, ctx)


def _avg_scale(dtype: str) -> int | None:
    if dtype in _INTEGERS:
        return 16
    m = _DECIMAL.fullmatch(dtype)
    return max(16, int(m.group(2))) if m else None


def _percentiles_as_double(tree: exp.Expression, aliases: dict, ctx) -> None:
    for wg in tree.find_all(exp.WithinGroup):
        order = wg.expression
        if not isinstance(wg.this, exp.PercentileCont) or not isinstance(order, exp.Order) or not order.expressions:
            continue
        key = order.expressions[0]
        dtype = _type_of(key.this, aliases, ctx) if ctx.column_type is not None else None
        if dtype is not None and dtype.startswith("DECIMAL"):
            key.set("this", exp.cast(key.this.copy(), "DOUBLE"))


def aggregate_types(tree: exp.Expression, ctx) -> exp.Expression:
    nodes = list(tree.find_all(exp.Sum, exp.Avg))
    if any(True for _ in tree.find_all(exp.WithinGroup)):
        _percentiles_as_double(tree, table_aliases(tree), ctx)
    if not nodes:
        return tree
    aliases = table_aliases(tree)
    for node in nodes:
        dtype = _column_type(node, aliases, ctx)
        if dtype is None:
            continue
        whole = node.parent if isinstance(node.parent, exp.Window) else node   # sum(x) OVER (…) as one
        if isinstance(node, exp.Sum) and dtype in _SMALL_INTEGERS:
            whole.replace(exp.cast(whole.copy(), "BIGINT"))
        elif isinstance(node, exp.Avg) and (scale := _avg_scale(dtype)) is not None:
            whole.replace(exp.cast(whole.copy(), f"DECIMAL(38, {scale})"))
    return tree
