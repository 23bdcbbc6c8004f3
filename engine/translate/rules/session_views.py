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
                         for n, st, h, b, sc in rows], alias="v", columns=_CURSOR_COLUMNS)
    return exp.select(*[exp.column(c) for c in _CURSOR_COLUMNS]).from_(values)


def _database(ctx) -> exp.Expression:
    """pg_database with PostgreSQL 15's columns: the one database (and its alias)."""
    import sqlglot
    return sqlglot.parse_one(
        "SELECT oid, datname, 10::BIGINT AS datdba, 6 AS encoding, 'c' AS datlocprovider, false AS datistemplate, "
        "true AS datallowconn, -1 AS datconnlimit, 0::BIGINT AS datfrozenxid, 0::BIGINT AS datminmxid, "
        "1663::BIGINT AS dattablespace, 'C' AS datcollate, 'C' AS datctype, NULL::VARCHAR AS daticulocale, "
        "NULL::VARCHAR AS datcollversion, NULL::VARCHAR[] AS datacl "
        f"FROM (VALUES (16384::BIGINT, '{ctx.database.replace(chr(39), '')}')) AS d(oid, datname)", read="duckdb")


# settings PostgreSQL reports that clients read from pg_settings (pgjdbc: max_index_keys)
_EXTRA_SETTINGS = {"max_index_keys": "32", "max_function_args": "100", "block_size": "8192",
                   "server_version_num": "150018", "default_text_search_config": "pg_catalog.english"}


def _settings(ctx) -> exp.Expression:
    """pg_settings from the session's own settings (DuckDB's would list DuckDB's)."""
    values = dict(_EXTRA_SETTINGS)
    values.update({k: str(v) for k, v in ctx.settings.items()})
    rows = [exp.tuple_(exp.Literal.string(k), exp.Literal.string(v)) for k, v in sorted(values.items())]
    sel = exp.select(
        exp.column("name"), exp.column("setting"), exp.null().as_("unit"),
        exp.Literal.string("Ungrouped").as_("category"), exp.Literal.string("").as_("short_desc"),
        exp.Literal.string("").as_("extra_desc"), exp.Literal.string("user").as_("context"),
        exp.Literal.string("string").as_("vartype"), exp.Literal.string("default").as_("source"),
        exp.null().as_("min_val"), exp.null().as_("max_val"), exp.column("setting").as_("boot_val"),
        exp.column("setting").as_("reset_val"), exp.false().as_("pending_restart")).from_(
        exp.values(rows, alias="s", columns=["name", "setting"]))
    return sel


_SESSION_VIEWS = {"pg_cursors": _cursors_values, "pg_database": _database, "pg_settings": _settings}


def session_views(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if isinstance(node, exp.Table) and node.name.lower() in _SESSION_VIEWS and node.db.lower() in ("", "pg_catalog"):
            alias = node.alias or node.name
            return exp.Subquery(this=_SESSION_VIEWS[node.name.lower()](ctx),
                                alias=exp.TableAlias(this=exp.to_identifier(alias)))
        return node
    return tree.transform(fix, copy=False)
