"""`a OPERATOR(pg_catalog.~) b` (psql's \\d queries) → the operator itself."""
from __future__ import annotations

from sqlglot import exp

_BINARY = {"=": exp.EQ, "<>": exp.NEQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE,
           "||": exp.DPipe, "+": exp.Add, "-": exp.Sub, "*": exp.Mul, "/": exp.Div}


def pg_operators(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if not isinstance(node, exp.Operator):
            return node
        op = str(node.args.get("operator", "")).split(".")[-1].strip()
        a, b = node.this, node.expression
        if op == "~":
            return exp.RegexpLike(this=a, expression=b)
        if op == "~*":
            return exp.RegexpILike(this=a, expression=b)
        if op == "!~":
            return exp.not_(exp.RegexpLike(this=a, expression=b))
        if op == "!~*":
            return exp.not_(exp.RegexpILike(this=a, expression=b))
        if op in _BINARY:
            return _BINARY[op](this=a, expression=b)
        return node
    return tree.transform(fix, copy=False)
