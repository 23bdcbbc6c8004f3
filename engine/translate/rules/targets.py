"""The tables a statement reads or writes and the types of their columns, for the rules that
rewrite by type (the INSERT/UPDATE target, table aliases, a column's DuckDB type)."""
from __future__ import annotations

from sqlglot import exp


def write_target(tree: exp.Expression) -> tuple[str | None, list | None]:
    """('schema.table' or 'table', the INSERT's column list or None); (None, None) if unknown."""
    target = tree.this
    if isinstance(target, exp.Schema) and isinstance(target.this, exp.Table):
        t = target.this
        return ".".join(p for p in (t.db, t.name) if p), [c.name for c in target.expressions]
    if isinstance(target, exp.Table):
        return ".".join(p for p in (target.db, target.name) if p), None
    return None, None


def table_aliases(tree: exp.Expression) -> dict:
    """Each table's alias (or name) in the statement → its 'schema.table' or 'table'."""
    return {t.alias_or_name.lower(): ".".join(p for p in (t.db, t.name) if p) for t in tree.find_all(exp.Table)}


def column_type(col: exp.Column, aliases: dict, ctx) -> str | None:
    """The DuckDB type of a column of the statement's tables; None when unknown."""
    if ctx.column_type is None:
        return None
    table = aliases.get(col.table.lower()) if col.table else None
    dtype = ctx.column_type(table, col.name, list(aliases.values()))
    return dtype if isinstance(dtype, str) else None
