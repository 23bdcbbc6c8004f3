"""Division of constants as PostgreSQL divides them.

`10.0 / 4` is numeric 2.5000000000000000 there: the quotient of two numerics carries at least
16 significant digits, by select_div_scale in PostgreSQL's numeric.c, and is folded here with
Python's decimal arithmetic to that scale (DuckDB would answer the double 2.5). An integer
divided by an integer stays integer division. `x::real / 3` is double precision there (the
integer goes to float8), so the real side is widened."""
from __future__ import annotations

import decimal

from sqlglot import exp

_NBASE_DIGITS = 4          # PostgreSQL stores numerics in base 10000
_MIN_SIG_DIGITS = 16


def _value(e: exp.Expression) -> tuple[decimal.Decimal, bool] | None:
    """(value, is numeric rather than integer) of a constant operand; None otherwise."""
    numeric = False
    if isinstance(e, exp.Cast) and e.to.is_type(exp.DataType.Type.DECIMAL) and not e.to.expressions:
        e, numeric = e.this, True
    neg = False
    if isinstance(e, exp.Neg):
        e, neg = e.this, True
    if not (isinstance(e, exp.Literal) and not e.is_string):
        return None
    try:
        v = decimal.Decimal(e.name)
    except decimal.InvalidOperation:
        return None
    return (-v if neg else v), numeric or not e.is_int


def _weight_and_first(v: decimal.Decimal) -> tuple[int, int]:
    """The weight (in base-10000 digits) and the first base-10000 digit of |v|."""
    v = abs(v)
    if v == 0:
        return 0, 0
    exponent = v.adjusted()                    # power of ten of the first significant digit
    weight = exponent // _NBASE_DIGITS
    first = int(v.scaleb(-weight * _NBASE_DIGITS))   # the base-10000 digit at that weight
    return weight, first


def _scale(v: decimal.Decimal) -> int:
    return max(0, -v.as_tuple().exponent)


def _quotient(a: decimal.Decimal, b: decimal.Decimal) -> tuple[decimal.Decimal, int]:
    w1, f1 = _weight_and_first(a)
    w2, f2 = _weight_and_first(b)
    qweight = w1 - w2 - (1 if f1 <= f2 else 0)
    rscale = max(_MIN_SIG_DIGITS - qweight * _NBASE_DIGITS, _scale(a), _scale(b), 0)
    ctx = decimal.Context(prec=200, rounding=decimal.ROUND_HALF_UP)
    q = ctx.divide(a, b).quantize(decimal.Decimal(1).scaleb(-rscale), rounding=decimal.ROUND_HALF_UP, context=ctx)
    return q, rscale


def numeric_division(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if not isinstance(node, exp.Div):
            return node
        left, right = _value(node.this), _value(node.expression)
        if left and right and (left[1] or right[1]) and right[0] != 0:
            q, scale = _quotient(left[0], right[0])
            digits = len(q.as_tuple().digits)
            if digits <= 38:
                return exp.cast(exp.Literal.number(format(q, "f")), f"DECIMAL({max(digits, scale + 1, 1)}, {scale})")
        for a, b in ((node.this, node.expression), (node.expression, node.this)):
            if isinstance(a, exp.Cast) and a.to.is_type(exp.DataType.Type.FLOAT) and _value(b):
                a.set("to", exp.DataType.build("DOUBLE"))
        return node
    return tree.transform(fix, copy=False)
