"""Functions DuckDB names or types otherwise: `every(b)` → `bool_and(b)`; `pg_typeof(x)` →
PostgreSQL's name of x's type (`pg_typeof(1.5)` is numeric; DuckDB would say decimal(2,1))."""
from __future__ import annotations

from sqlglot import exp


def renamed_functions(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if not isinstance(node, exp.Anonymous):
            return node
        name = node.name.lower()
        if name == "every" and len(node.expressions) == 1:
            return exp.LogicalAnd(this=node.expressions[0])
        if name == "pg_typeof" and len(node.expressions) == 1:
            oid = exp.Anonymous(this="redduck_type_oid", expressions=[
                exp.Anonymous(this="typeof", expressions=[node.expressions[0]])])
            return exp.Anonymous(this="format_type", expressions=[oid, exp.null()])
        return node
    return tree.transform(fix, copy=False)
