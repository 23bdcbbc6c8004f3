"""pg_catalog tables redduck completes: `pg_catalog.pg_class` → `redduck_pg.pg_class`
(DuckDB's view plus the PostgreSQL 15 columns it lacks, such as relforcerowsecurity)."""
from __future__ import annotations

from sqlglot import exp

from redduck.engine.catalog.empty_catalogs import TABLE_MACROS
from redduck.engine.catalog.macros import VIEWS

# information_schema views DuckDB lacks, kept in redduck_pg beside the pg_catalog ones
INFORMATION_SCHEMA_VIEWS = {"table_privileges", "columns"}


def catalog_tables(tree: exp.Expression, ctx) -> exp.Expression:
    # pg_catalog.pg_class.relname (SQLAlchemy writes these) → pg_class.relname: the table is
    # in the FROM clause under its own name either way
    for col in tree.find_all(exp.Column):
        if col.args.get("db") is not None and col.db.lower() == "pg_catalog":
            col.set("db", None)
    for t in tree.find_all(exp.Table):
        if isinstance(t.this, exp.Anonymous) and t.this.name.lower() in TABLE_MACROS and t.db.lower() in (
                "", "pg_catalog"):
            t.set("db", exp.to_identifier("redduck_pg"))   # redduck's set-returning catalog functions
            continue
        if isinstance(t.this, (exp.Anonymous, exp.Func)) and t.db.lower() == "pg_catalog":
            t.set("db", None)  # pg_catalog.generate_series(…) is DuckDB's own table function
            continue
        if t.name.lower() in INFORMATION_SCHEMA_VIEWS and t.db.lower() == "information_schema":
            t.set("db", exp.to_identifier("redduck_pg"))
            if not t.alias:
                t.set("alias", exp.TableAlias(this=exp.to_identifier(t.name)))
            continue
        if t.db.lower() in ("pg_catalog", "information_schema") and not t.alias and not t.args.get("catalog"):
            # `pg_catalog.pg_x.col` then resolves in correlated subqueries too
            t.set("alias", exp.TableAlias(this=exp.to_identifier(t.name)))
        if t.name.lower() in VIEWS and t.db.lower() in ("", "pg_catalog") and not t.args.get("catalog") \
                and t.name.lower() not in INFORMATION_SCHEMA_VIEWS:
            t.set("db", exp.to_identifier("redduck_pg"))
            if not t.alias:
                t.set("alias", exp.TableAlias(this=exp.to_identifier(t.name)))
    _vectors_as_text(tree)
    return tree


# pg_index's int2vector/oidvector columns: lists inside the query (subscripts, unnest), but
# PostgreSQL's text form ("1 3") where the client reads them (SQLAlchemy splits the string)
_VECTORS = {"indkey", "indoption", "indclass", "indcollation"}


def _vectors_as_text(tree: exp.Expression) -> None:
    if not isinstance(tree, exp.Select) or not any(
            t.name.lower() == "pg_index" and t.db.lower() == "redduck_pg" for t in tree.find_all(exp.Table)):
        return
    out = []
    for e in tree.expressions:
        col = e.this if isinstance(e, exp.Alias) else e
        if isinstance(col, exp.Column) and col.name.lower() in _VECTORS:
            text = exp.Anonymous(this="array_to_string", expressions=[col.copy(), exp.Literal.string(" ")])
            e = exp.alias_(text, e.alias if isinstance(e, exp.Alias) else col.name)
        out.append(e)
    tree.set("expressions", out)
