"""Catalog views whose rows are the session's own state: `pg_cursors`.

`select 1 from pg_catalog.pg_cursors where name = 'c'` → a VALUES list of the cursors.
"""
from __future__ import annotations

from sqlglot import exp

_CURSOR_COLUMNS = ["name", "statement", "is_holdable", "is_binary", "is_scrollable", "creation_time"]


def _cursors_values(ctx) -> exp.Expression:
    rows = [(n, st, h, b, sc) for n, st, h, b, sc in ctx.cursors] or [None]
    if rows == [None]:
        sel = exp.select(*[exp.cast(exp.null(), t).as_(c) for c, t in zip(
            _CURSOR_COLUMNS, ["TEXT", "TEXT", "BOOLEAN", "BOOLEAN", "BOOLEAN", "TIMESTAMPTZ"])]).where(exp.false())
        return sel
    values = exp.values([exp.tuple_(*[exp.Literal.string(n), exp.Literal.string(st), exp.Boolean(this=h),
                                      exp.Boolean(this=b), exp.Boolean(this=sc), exp.CurrentTimestamp()])
                         for n, st, h, b, sc in rows])
    return exp.select(*[exp.column(f"col{i + 1}").as_(c) for i, c in enumerate(_CURSOR_COLUMNS)]).from_(
        values.as_("v"))


def _database(ctx) -> exp.Expression:
    """pg_database with PostgreSQL 15's columns: the one database (and its alias)."""
    import sqlglot
    return sqlglot.parse_one(
        "SELECT oid, datname, 10::BIGINT AS datdba, 6 AS encoding, 'c' AS datlocprovider, false AS datistemplate, "
        "true AS datallowconn, -1 AS datconnlimit, 0::BIGINT AS datfrozenxid, 0::BIGINT AS datminmxid, "
        "1663::BIGINT AS dattablespace, 'C' AS datcollate, 'C' AS datctype, NULL::VARCHAR AS daticulocale, "
        "NULL::VARCHAR AS datcollversion, NULL::VARCHAR[] AS datacl "
        f"FROM (VALUES (16384::BIGINT, '{ctx.database.replace(chr(39), '')}')) AS d(oid, datname)", read="duckdb")


_SESSION_VIEWS = {"pg_cursors": _cursors_values, "pg_database": _database}


def session_views(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if isinstance(node, exp.Table) and node.name.lower() in _SESSION_VIEWS and node.db.lower() in ("", "pg_catalog"):
            alias = node.alias or node.name
            return exp.Subquery(this=_SESSION_VIEWS[node.name.lower()](ctx),
                                alias=exp.TableAlias(this=exp.to_identifier(alias)))
        return node
    return tree.transform(fix, copy=False)
