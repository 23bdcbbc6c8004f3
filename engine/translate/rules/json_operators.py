"""jsonb's key operators, which DuckDB has not: `j ? 'k'` → `list_contains(jsonb_top_keys(j), 'k')`,
`j ?| array[…]` → `list_has_any(…)`, `j ?& array[…]` → `list_has_all(…)`. The top-level keys
are an object's keys or an array's string elements, as PostgreSQL matches them."""
from __future__ import annotations

from sqlglot import exp

_TESTS = {exp.JSONBContainsTopKey: "list_contains", exp.JSONBContainsAnyTopKeys: "list_has_any",
          exp.JSONBContainsAllTopKeys: "list_has_all"}


def json_operators(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        fn = _TESTS.get(type(node))
        if fn is None:
            return node
        keys = exp.Anonymous(this="jsonb_top_keys", expressions=[node.this])
        return exp.Anonymous(this=fn, expressions=[keys, node.expression])
    return tree.transform(fix, copy=False)
