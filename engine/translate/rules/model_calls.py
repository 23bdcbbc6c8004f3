"""Calls of a READY model whose inputs are all numbers pass them packed (ml/packing.py):

    m_fn(a, b, c)  →  CASE WHEN FALSE THEN m_fn(a, b, c)
                           ELSE redduck_packed_m_fn(CAST([CAST(CAST(b AS T) AS DOUBLE), …] AS DOUBLE[3])) END

Each argument is first cast to its parameter's type, as DuckDB's binding of the plain call
would, then to DOUBLE (exact but for BIGINT and DECIMAL, which the unpacked path converts
through DOUBLE too). The plain call stays in the branch that is never taken: DuckDB still
binds it, so wrong argument types give the same error as before, and its optimizer drops
the branch before anything runs.
"""
from __future__ import annotations

from sqlglot import exp

from .rewrite import replace_innermost_first


def _element(arg: exp.Expression, param_type: str) -> exp.Expression:
    typed = exp.cast(arg.copy(), exp.DataType.build(param_type, dialect="duckdb"))
    return typed if typed.to.this == exp.DataType.Type.DOUBLE else exp.cast(typed, exp.DataType.build("DOUBLE"))


def model_calls(tree: exp.Expression, ctx) -> exp.Expression:
    packings = {p.function: p for p in getattr(ctx, "model_packings", ())}
    if not packings:
        return tree

    def fix(node: exp.Anonymous) -> exp.Expression:
        p = packings.get(node.name.lower())
        args = node.expressions
        if p is None or len(args) != len(p.param_types) or isinstance(node.parent, exp.Dot) \
                or any(isinstance(a, (exp.Star, exp.PropertyEQ, exp.Kwarg)) for a in args):
            return node
        elems = exp.Array(expressions=[_element(args[i], p.param_types[i]) for i in p.order])
        packed = exp.Anonymous(this=p.packed, expressions=[
            exp.cast(elems, exp.DataType.build(f"DOUBLE[{len(p.order)}]", dialect="duckdb"))])
        return exp.Case(ifs=[exp.If(this=exp.false(), true=node.copy())], default=packed)

    return replace_innermost_first(tree, list(tree.find_all(exp.Anonymous)), fix)
