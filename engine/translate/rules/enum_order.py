"""Ordering comparisons of an enum column with a string literal compare enum positions, as
PostgreSQL's (the literal is read as a value of the enum): `mood > 'sad'` →
`mood > CAST('sad' AS ENUM('sad', 'ok', 'happy'))`. DuckDB would compare the labels as text."""
from __future__ import annotations

from sqlglot import exp

from .targets import column_type, table_aliases

_ORDERING = (exp.GT, exp.GTE, exp.LT, exp.LTE)


def _enum_type(col: exp.Column, aliases: dict, ctx) -> str | None:
    dtype = column_type(col, aliases, ctx)
    return dtype if dtype and dtype.upper().startswith("ENUM(") else None


def _as_enum(lit: exp.Expression, dtype: str) -> exp.Expression:
    return exp.Cast(this=lit, to=exp.DataType.build(dtype, dialect="duckdb"))


def enum_order(tree: exp.Expression, ctx) -> exp.Expression:
    nodes = [n for n in tree.find_all(*_ORDERING, exp.Between)]
    if not nodes:
        return tree
    aliases = table_aliases(tree)
    for node in nodes:
        if isinstance(node, exp.Between):
            if isinstance(node.this, exp.Column) and (dtype := _enum_type(node.this, aliases, ctx)):
                for key in ("low", "high"):
                    bound = node.args.get(key)
                    if isinstance(bound, exp.Literal) and bound.is_string:
                        node.set(key, _as_enum(bound.copy(), dtype))
            continue
        for col, lit, key in ((node.this, node.expression, "expression"), (node.expression, node.this, "this")):
            if isinstance(col, exp.Column) and isinstance(lit, exp.Literal) and lit.is_string \
                    and (dtype := _enum_type(col, aliases, ctx)):
                node.set(key, _as_enum(lit.copy(), dtype))
                break
    return tree
