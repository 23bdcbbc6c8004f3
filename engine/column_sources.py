"""Which table column each result column is read from, as PostgreSQL fills RowDescription's
table OID and column number (JDBC's getTableName and getColumnName, the editors of BI tools
read them; varchar(n) columns are recognised by them too).

Plain SELECTs over tables, joined or not: `*`, `t.*`, `t.col` and unqualified columns that
exactly one of the tables has. Anything else (an expression, a column of a subquery or of a
CTE, a join USING or NATURAL, whose merged columns belong to no one table) is (0, 0)."""
from __future__ import annotations

from sqlglot import exp

UNKNOWN = (0, 0)


class _Source:
    def __init__(self, names: tuple, oid: int = 0, columns: list | None = None) -> None:
        self.names = names                      # how the query may qualify it (alias, or table name)
        self.oid = oid
        self.columns = [c.lower() for c in columns] if columns is not None else None

    def position(self, column: str) -> int | None:
        if self.columns is None or column.lower() not in self.columns:
            return None
        return self.columns.index(column.lower()) + 1


def column_sources(tree: exp.Expression, table_columns) -> list | None:
    """(table OID, column number) per result column; None when the columns cannot be
    counted (a `*` over a source whose columns are unknown). `table_columns(schema, name)`
    gives (OID, column names) of a table, or None."""
    if not isinstance(tree, exp.Select) or not tree.args.get("from_"):
        return None
    joins = tree.args.get("joins") or []
    if any(j.args.get("using") or (j.args.get("method") or "").upper() == "NATURAL" for j in joins):
        return None
    ctes = {c.alias_or_name.lower() for c in (tree.args["with_"].expressions if tree.args.get("with_") else [])}
    sources = [_source(tree.args["from_"].this, table_columns, ctes)] + [_source(j.this, table_columns, ctes)
                                                                            for j in joins]
    out = []
    for e in tree.expressions:
        target = e.this if isinstance(e, exp.Alias) else e
        if isinstance(target, exp.Star):
            if any(s.columns is None for s in sources):
                return None
            out += [(s.oid, i + 1) for s in sources for i in range(len(s.columns))]
        elif isinstance(target, exp.Column) and isinstance(target.this, exp.Star):
            src = _named(sources, target.table)
            if src is None or src.columns is None:
                return None
            out += [(src.oid, i + 1) for i in range(len(src.columns))]
        elif isinstance(target, exp.Column):
            out.append(_column(sources, target))
        else:
            out.append(UNKNOWN)
    return out


def _source(node: exp.Expression, table_columns, ctes: set) -> _Source:
    names = (node.alias_or_name.lower(),)
    if not isinstance(node, exp.Table) or not isinstance(node.this, exp.Identifier) or \
            (not node.db and node.name.lower() in ctes):
        return _Source(names)
    if not node.alias:
        names = (node.name.lower(),)
    info = table_columns(node.db or None, node.name)
    return _Source(names, *info) if info is not None else _Source(names)


def _named(sources: list, qualifier: str) -> _Source | None:
    hits = [s for s in sources if qualifier.lower() in s.names]
    return hits[0] if len(hits) == 1 else None


def _column(sources: list, col: exp.Column) -> tuple:
    if col.table:
        src = _named(sources, col.table)
        pos = src.position(col.name) if src is not None else None
        return (src.oid, pos) if pos else UNKNOWN
    if any(s.columns is None for s in sources):
        return UNKNOWN   # it may be the subquery's
    hits = [(s.oid, p) for s in sources if (p := s.position(col.name))]
    return hits[0] if len(hits) == 1 else UNKNOWN
