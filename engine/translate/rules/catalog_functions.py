"""Calls of redduck's catalog functions (to_regtype, pg_get_userbyid …) → their schema
`redduck_pg`, which no search path includes, so that \\df lists none of them."""
from __future__ import annotations

from sqlglot import exp

from redduck.engine.catalog import CATALOG_FUNCTIONS
from redduck.engine.catalog.macros import SCHEMA

from .rewrite import replace_innermost_first


def catalog_functions(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if isinstance(node, exp.Dot) and node.this.name.lower() == "information_schema" and isinstance(
                node.expression, exp.Anonymous) and node.expression.name.lower() in CATALOG_FUNCTIONS:
            return exp.Dot(this=exp.to_identifier(SCHEMA), expression=node.expression.copy())
        if isinstance(node, exp.Anonymous) and node.name.lower() in CATALOG_FUNCTIONS and not isinstance(
                node.parent, (exp.Dot, exp.Table)):   # in FROM, catalog_tables points it already
            return exp.Dot(this=exp.to_identifier(SCHEMA), expression=node.copy())
        if isinstance(node, exp.CurrentSchemas):   # sqlglot knows it; DuckDB's own lists `main`
            call = exp.Anonymous(this="current_schemas", expressions=[node.this or exp.false()])
            return exp.Dot(this=exp.to_identifier(SCHEMA), expression=call)
        return node
    # every call is visited, arguments before the calls they are in (which are then copied)
    return replace_innermost_first(tree, list(tree.find_all(exp.Anonymous, exp.Dot, exp.CurrentSchemas)), fix)
