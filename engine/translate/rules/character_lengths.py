"""varchar(n) and char(n) lengths enforced where values are inserted or updated, as PostgreSQL
enforces them (22001 "value too long for type character varying(n)"); DuckDB keeps no length.
`INSERT INTO t (code) VALUES ($1)` with code varchar(12) → `… VALUES (redduck_pg.fit_length($1,
12, 'character varying(12)'))`. Trailing spaces beyond the length are cut, as PostgreSQL does."""
from __future__ import annotations

from sqlglot import exp

from redduck.protocol import types as T

from .targets import write_target


def _fit(value: exp.Expression, decl: tuple[int, int]) -> exp.Expression:
    oid, n = decl
    name = f"{'character varying' if oid == T.VARCHAR else 'character'}({n})"
    return exp.Anonymous(this="fit_length", expressions=[value.copy(), exp.Literal.number(n),
                                                         exp.Literal.string(name)])


def character_lengths(tree: exp.Expression, ctx) -> exp.Expression:
    if ctx.declared_length is None or not isinstance(tree, (exp.Insert, exp.Update)):
        return tree
    table, cols = write_target(tree)
    if table is None:
        return tree
    if isinstance(tree, exp.Update):
        for eq in tree.expressions:
            if isinstance(eq, exp.EQ) and isinstance(eq.this, exp.Column) and \
                    (decl := ctx.declared_length(table, eq.this.name)):
                eq.set("expression", _fit(eq.expression, decl))
        return tree
    if not isinstance(tree.expression, exp.Values):
        return tree
    cols = cols or (ctx.column_type(table, None, [table]) if ctx.column_type else None) or []
    lengths = [ctx.declared_length(table, c) for c in cols]
    if not any(lengths):
        return tree
    for row in tree.expression.expressions:
        if isinstance(row, exp.Tuple):
            row.set("expressions", [_fit(v, lengths[i]) if i < len(lengths) and lengths[i] and
                                    not isinstance(v, exp.Null) else v for i, v in enumerate(row.expressions)])
    return tree
