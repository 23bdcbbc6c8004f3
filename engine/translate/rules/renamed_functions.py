"""Functions DuckDB names or types otherwise: `every(b)` → `bool_and(b)`; `pg_typeof(x)` →
PostgreSQL's name of x's type (`pg_typeof(1.5)` is numeric; DuckDB would say decimal(2,1));
`num_nulls(a, b, …)` → `(a IS NULL)::INT + …` (a macro takes a fixed number of arguments);
`cardinality(a)` → `CAST(len(a) AS INTEGER)`; `width_bucket(…)` → redduck's macro (sqlglot reads it as a function DuckDB has not)."""
from __future__ import annotations

from sqlglot import exp


def renamed_functions(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if isinstance(node, exp.WidthBucket):
            args = [node.this, node.args.get("min_value"), node.args.get("max_value"), node.args.get("num_buckets")]
            return exp.Anonymous(this="width_bucket", expressions=args) if all(args) else node
        if not isinstance(node, exp.Anonymous):
            return node
        name = node.name.lower()
        if name == "cardinality" and len(node.expressions) == 1:   # DuckDB's is unsigned (numeric to a client)
            return exp.cast(exp.Anonymous(this="len", expressions=[node.expressions[0]]), "INTEGER")
        if name == "every" and len(node.expressions) == 1:
            return exp.LogicalAnd(this=node.expressions[0])
        if name in ("num_nulls", "num_nonnulls") and node.expressions:
            tests = [exp.cast(exp.Is(this=e, expression=exp.null()) if name == "num_nulls" else
                              exp.not_(exp.Is(this=e, expression=exp.null())), "INTEGER") for e in node.expressions]
            total = tests[0]
            for t in tests[1:]:
                total = exp.Add(this=total, expression=t)
            return exp.Paren(this=total)
        if name == "pg_typeof" and len(node.expressions) == 1:
            oid = exp.Anonymous(this="redduck_type_oid", expressions=[
                exp.Anonymous(this="typeof", expressions=[node.expressions[0]])])
            return exp.Anonymous(this="format_type", expressions=[oid, exp.null()])
        return node
    return tree.transform(fix, copy=False)
