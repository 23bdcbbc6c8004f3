"""Pattern matching as PostgreSQL means it.

`regexp_matches(s, '(b)(c)')` is a set of text[] (the captures of the first match; with 'g',
of each match) → `unnest(…)` of `regexp_extract` lists (DuckDB's regexp_matches is a boolean);
`substring(s FROM 'b.')` → the first capture of the pattern, or the whole match;
`s LIKE ANY (array[…])` / `ALL` → a test over the list."""
from __future__ import annotations

import re

from sqlglot import exp


def _call(name: str, *args) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _groups(pattern: exp.Expression) -> int | None:
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return None
    try:
        return re.compile(pattern.name).groups
    except re.error:
        return None


def _regexp_matches(s, pattern, flags) -> exp.Expression | None:
    n = _groups(pattern)
    global_ = isinstance(flags, exp.Literal) and "g" in flags.name
    if n is None or (flags is not None and not isinstance(flags, exp.Literal)):
        return None
    groups = list(range(1, n + 1)) or [0]
    if not global_:
        row = exp.Array(expressions=[_call("regexp_extract", s.copy(), pattern.copy(), exp.Literal.number(g))
                                     for g in groups])
        rows = exp.Case(ifs=[exp.If(this=_call("regexp_matches", s.copy(), pattern.copy()),
                                    true=exp.Array(expressions=[row]))], default=exp.Array(expressions=[]))
        return _call("unnest", rows)
    k = exp.column("rd_k")
    row = exp.Array(expressions=[exp.Bracket(this=_call("regexp_extract_all", s.copy(), pattern.copy(),
                                                        exp.Literal.number(g)), expressions=[k]) for g in groups])
    count = _call("len", _call("regexp_extract_all", s.copy(), pattern.copy(), exp.Literal.number(0)))
    every = _call("list_transform", _call("range", exp.Literal.number(1), exp.Add(this=count, expression=exp.Literal.number(1))),
                  exp.Lambda(this=row, expressions=[exp.to_identifier("rd_k")]))
    return _call("unnest", every)


def _like_any(node: exp.Expression) -> exp.Expression | None:
    escape = node.expression if isinstance(node, exp.Escape) else None
    like = node.this if escape is not None else node
    quant = like.expression if isinstance(like, (exp.Like, exp.ILike)) else None
    if not isinstance(quant, (exp.Any, exp.All)):
        return None
    arr = quant.this.this if isinstance(quant.this, exp.Paren) else quant.this
    p = exp.column("rd_p")
    test = type(like)(this=like.this.copy(), expression=p)
    if escape is not None:
        test = exp.Escape(this=test, expression=escape.copy())
    if isinstance(quant, exp.All):
        test = exp.not_(test)
    hits = _call("len", _call("list_filter", arr.copy(), exp.Lambda(this=test, expressions=[exp.to_identifier("rd_p")])))
    return exp.GT(this=hits, expression=exp.Literal.number(0)) if isinstance(quant, exp.Any) else \
        exp.EQ(this=hits, expression=exp.Literal.number(0))


def pattern_functions(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if isinstance(node, exp.Anonymous) and node.name.lower() == "regexp_matches" and 2 <= len(node.expressions) <= 3:
            args = node.expressions
            return _regexp_matches(args[0], args[1], args[2] if len(args) == 3 else None) or node
        if isinstance(node, exp.Substring) and isinstance(node.args.get("start"), exp.Literal) \
                and node.args["start"].is_string and not node.args.get("length"):
            pattern = node.args["start"]
            found = _call("regexp_extract", node.this.copy(), pattern.copy(), exp.Literal.number(1 if _groups(pattern) else 0))
            return exp.Case(ifs=[exp.If(this=_call("regexp_matches", node.this.copy(), pattern.copy()), true=found)])
        if isinstance(node, (exp.Like, exp.ILike, exp.Escape)):
            return _like_any(node) or node
        return node
    return tree.transform(fix, copy=False)
