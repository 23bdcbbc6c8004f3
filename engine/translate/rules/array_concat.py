"""`||` with an array and an element, as PostgreSQL reads it: `array[1, 2] || 3` →
`list_append([1, 2], 3)`, `0 || tags` → `list_prepend(0, tags)` (DuckDB's || joins two lists
or two strings only). An operand is an array when written as one, cast to one, or a column
of a list type."""
from __future__ import annotations

from sqlglot import exp

from .targets import column_type, table_aliases


def _is_array(e: exp.Expression, aliases: dict, ctx) -> bool | None:
    """True / False when known, None when not."""
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Array) or (isinstance(e, exp.Cast) and e.to.is_type(exp.DataType.Type.ARRAY)):
        return True
    if isinstance(e, exp.Literal):
        return False
    if isinstance(e, exp.Column):
        dtype = column_type(e, aliases, ctx)
        return dtype.endswith("]") if dtype else None
    return None


def array_concat(tree: exp.Expression, ctx) -> exp.Expression:
    pipes = list(tree.find_all(exp.DPipe))
    if not pipes:
        return tree
    aliases = table_aliases(tree)
    for node in reversed(pipes):   # innermost first: a || b || c nests left
        left, right = _is_array(node.this, aliases, ctx), _is_array(node.expression, aliases, ctx)
        if left and right is False:
            node.replace(exp.Anonymous(this="list_append", expressions=[node.this.copy(), node.expression.copy()]))
        elif right and left is False:
            node.replace(exp.Anonymous(this="list_prepend", expressions=[node.this.copy(), node.expression.copy()]))
    return tree
