"""Quoted literals inserted into a bytea column read as PostgreSQL's bytea input:
`INSERT INTO t (b) VALUES ('\\x0102')` → `… VALUES (unhex('0102'))` (DuckDB would store the
characters of the text: its own escapes, not PostgreSQL's hex form)."""
from __future__ import annotations

from sqlglot import exp


def _target(tree: exp.Insert) -> tuple[str | None, list | None]:
    target = tree.this
    if isinstance(target, exp.Schema) and isinstance(target.this, exp.Table):
        t = target.this
        return ".".join(p for p in (t.db, t.name) if p), [c.name for c in target.expressions]
    if isinstance(target, exp.Table):
        return ".".join(p for p in (target.db, target.name) if p), None
    return None, None


def insert_literals(tree: exp.Expression, ctx) -> exp.Expression:
    if not isinstance(tree, exp.Insert) or ctx.column_type is None or not isinstance(tree.expression, exp.Values):
        return tree
    table, cols = _target(tree)
    if table is None:
        return tree
    cols = cols or ctx.column_type(table, None, [table]) or []
    blobs = {i for i, c in enumerate(cols) if (ctx.column_type(table, c, [table]) or "").upper() == "BLOB"}
    if not blobs:
        return tree
    for row in tree.expression.expressions:
        for i, value in enumerate(row.expressions if isinstance(row, exp.Tuple) else []):
            if i in blobs and isinstance(value, exp.Literal) and value.is_string and value.this.startswith("\\x"):
                value.replace(exp.Anonymous(this="unhex", expressions=[exp.Literal.string(value.this[2:])]))
    return tree
