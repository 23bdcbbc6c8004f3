"""Type names PostgreSQL accepts and DuckDB does not: `float(p)` is real for p ≤ 24 and double
precision above (SQLAlchemy and pandas write FLOAT(53)); DuckDB takes no precision there."""
from __future__ import annotations

from sqlglot import exp

_FLOATS = (exp.DataType.Type.FLOAT, exp.DataType.Type.DOUBLE)


def pg_types(tree: exp.Expression, ctx) -> exp.Expression:
    for dtype in list(tree.find_all(exp.DataType)):
        if dtype.this in _FLOATS and dtype.expressions:
            p = dtype.expressions[0].this
            bits = int(p.name) if isinstance(p, exp.Literal) and p.is_int else 53
            dtype.replace(exp.DataType.build("REAL" if bits <= 24 else "DOUBLE"))
    return tree
