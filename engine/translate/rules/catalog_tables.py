"""pg_catalog tables redduck completes: `pg_catalog.pg_class` → `redduck_pg.pg_class`
(DuckDB's view plus the PostgreSQL 15 columns it lacks, such as relforcerowsecurity)."""
from __future__ import annotations

from sqlglot import exp

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
        if isinstance(t.this, (exp.Anonymous, exp.Func)) and t.db.lower() == "pg_catalog":
            t.set("db", None)  # pg_catalog.generate_series(…) is DuckDB's own table function
            continue
        if t.name.lower() in INFORMATION_SCHEMA_VIEWS and t.db.lower() == "information_schema":
            t.set("db", exp.to_identifier("redduck_pg"))
            if not t.alias:
                t.set("alias", exp.TableAlias(this=exp.to_identifier(t.name)))
            continue
        if t.name.lower() in VIEWS and t.db.lower() in ("", "pg_catalog") and not t.args.get("catalog") \
                and t.name.lower() not in INFORMATION_SCHEMA_VIEWS:
            t.set("db", exp.to_identifier("redduck_pg"))
            if not t.alias:
                t.set("alias", exp.TableAlias(this=exp.to_identifier(t.name)))
    return tree
