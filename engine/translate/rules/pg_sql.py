"""PostgreSQL catalog-query idioms DuckDB does not take as written.

`x COLLATE pg_catalog.default` → `x` (DuckDB has no such collation; the default is meant);
`a LIKE 'p\\_%'` → `a LIKE 'p\\_%' ESCAPE '\\'` (PostgreSQL's default escape character);
`pg_table_is_visible(oid)` → visible only when the relation's schema is on the search path
(so redduck's own `redduck_ml` tables stay out of `\\dt`, as PostgreSQL's rules would have it).
"""
from __future__ import annotations

from sqlglot import exp

from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, PgError


def pg_sql(tree: exp.Expression, ctx) -> exp.Expression:
    sources = {t.alias_or_name.lower() for t in tree.find_all(exp.Table, exp.Subquery, exp.CTE)}

    def fix(node):
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous) \
                and node.this.name.lower() == "pg_partition_ancestors" and node.this.expressions:
            # no partitions here: a relation is its own only ancestor, at depth 1
            row = exp.select(exp.cast(node.this.expressions[0], "BIGINT"), exp.Literal.number(1))
            return exp.Subquery(this=row, alias=node.args.get("alias") or exp.TableAlias(
                this=exp.to_identifier("pg_partition_ancestors")))
        if isinstance(node, (exp.Like, exp.ILike)) and not isinstance(node.parent, exp.Escape):
            # PostgreSQL's LIKE escapes with a backslash unless told otherwise; DuckDB's does not
            return exp.Escape(this=node, expression=exp.Literal.string("\\"))
        if isinstance(node, exp.Column) and node.args.get("catalog") is not None \
                and node.catalog.lower() not in sources:
            # database.schema.table.column: this database may be named; another, not (a path
            # that starts at a FROM item, as in Redshift's SUPER navigation, is no database)
            if node.catalog.lower() not in (ctx.database.lower(), "postgres"):
                raise PgError(FEATURE_NOT_SUPPORTED,
                              f"cross-database references are not implemented: {node.sql(dialect='postgres')}")
            node.set("catalog", None)
            return node
        if isinstance(node, exp.Collate):
            coll = node.expression
            name = coll.sql().lower().replace('"', "")
            if name.endswith("default") or name in ("c", "pg_catalog.c", "posix", "pg_catalog.posix"):
                return node.this
        if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Anonymous) and \
                node.this.name.lower() == "pg_catalog" and node.expression.name.lower() in _VISIBLE:
            return _visible(node.expression)
        if isinstance(node, exp.Anonymous) and node.name.lower() in _VISIBLE and \
                not isinstance(node.parent, exp.Dot):
            return _visible(node)
        return node
    return tree.transform(fix, copy=False)


_VISIBLE = {"pg_table_is_visible": "redduck_table_is_visible",
            "pg_function_is_visible": "redduck_function_is_visible"}


def _visible(call: exp.Anonymous) -> exp.Expression:
    return exp.Anonymous(this=_VISIBLE[call.name.lower()], expressions=list(call.expressions))
