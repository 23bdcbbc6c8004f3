"""Functions PostgreSQL types `integer` and DuckDB BIGINT, cast back to INTEGER, so that a
client sees the column type PostgreSQL sends: `length(s)` → `CAST(LENGTH(s) AS INT)`
(int4, OID 23, not int8). Their values are counts and positions, always within int4."""
from __future__ import annotations

from sqlglot import exp

from .rewrite import replace_innermost_first

_NODES = (exp.Length, exp.BitLength, exp.StrPosition, exp.Ascii, exp.ArraySize, exp.ArrayPosition)
_NAMES = {"octet_length", "array_ndims", "cardinality", "array_upper", "array_lower"}   # parsed as anonymous calls
_INT = exp.DataType.build("INT")


def _integer_typed(node: exp.Expression) -> bool:
    return isinstance(node, _NODES) or (isinstance(node, exp.Anonymous) and node.name.lower() in _NAMES)


def integer_results(tree: exp.Expression, ctx) -> exp.Expression:
    nodes = [n for n in tree.walk() if _integer_typed(n)]
    if not nodes:
        return tree

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node.parent, exp.Cast):
            return node        # the client casts it itself
        return exp.cast(node.copy(), _INT)

    return replace_innermost_first(tree, nodes, fix)
