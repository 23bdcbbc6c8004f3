"""CREATE FUNCTION … LANGUAGE sql becomes a DuckDB macro, its body translated like any query:
`CREATE FUNCTION addone(x int) RETURNS int AS $$ SELECT x + 1 $$ LANGUAGE sql` →
`CREATE MACRO addone(x) AS x + 1` (and `DROP FUNCTION f(int)` → `DROP FUNCTION f`); `RETURNS TABLE (…)` → `CREATE MACRO … AS TABLE SELECT …`;
unnamed arguments, read as $1, $2 in the body, are named _1, _2. Other languages (plpgsql …)
are 0A000: DuckDB runs no procedural code (passed on, DuckDB would make a macro that
returns the body's text)."""
from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, SYNTAX_ERROR, PgError


def _language(tree: exp.Create) -> str:
    prop = tree.find(exp.LanguageProperty)
    return prop.name.lower() if prop else ("sql" if isinstance(tree.expression, exp.Return) else "")


def _parameters(udf: exp.UserDefinedFunction) -> list[str]:
    names = []
    for i, arg in enumerate(udf.expressions, start=1):
        if isinstance(arg, exp.ColumnDef):
            if arg.find(exp.DefaultColumnConstraint):
                raise PgError(FEATURE_NOT_SUPPORTED, "argument defaults are not supported by redduck")
            names.append(arg.name)
        else:   # a type alone: the argument is $i
            names.append(f"_{i}")
    return names


def _body(tree: exp.Create) -> exp.Expression:
    body = tree.expression
    if isinstance(body, exp.Return):
        return body.this
    text = body.name if isinstance(body, (exp.Heredoc, exp.Literal)) else None
    if text is None:
        raise PgError(FEATURE_NOT_SUPPORTED, "this form of function body is not supported by redduck")
    from ..translator import READ
    try:
        stmts = [s for s in sqlglot.parse(text, read=READ) if s is not None]
    except ParseError as e:
        raise PgError(SYNTAX_ERROR, f"syntax error in the function body: {e.errors[0]['description']}"
                      if e.errors else "syntax error in the function body") from None
    if len(stmts) != 1 or not isinstance(stmts[0], exp.Query):
        raise PgError(FEATURE_NOT_SUPPORTED, "a LANGUAGE sql function body must be one SELECT here",
                      hint="DuckDB macros, which these functions become, hold one query.")
    return stmts[0]


def sql_functions(tree: exp.Expression, ctx) -> exp.Expression:
    if isinstance(tree, exp.Drop) and (tree.args.get("kind") or "").upper() == "FUNCTION":
        tree.set("expressions", None)   # DROP FUNCTION f(int): a macro has no argument types
        return tree
    if not (isinstance(tree, exp.Create) and (tree.args.get("kind") or "").upper() == "FUNCTION"
            and isinstance(tree.this, exp.UserDefinedFunction)):
        return tree
    lang = _language(tree)
    if lang != "sql":
        raise PgError(FEATURE_NOT_SUPPORTED, f'functions in language "{lang or "?"}" are not supported by redduck',
                      hint="LANGUAGE sql functions are: they become DuckDB macros.")
    names = _parameters(tree.this)
    body = _body(tree)
    body = body.transform(lambda n: exp.column(names[int(n.name) - 1])
                          if isinstance(n, (exp.Parameter, exp.Placeholder)) and str(n.name).isdigit()
                          and 0 < int(n.name) <= len(names) else n)
    from . import RULES
    for rule in RULES:
        if rule is not sql_functions:
            body = rule(body, ctx) or body
    returns = tree.find(exp.ReturnsProperty)
    table = returns is not None and returns.args.get("is_table")
    if not table and isinstance(body, exp.Select) and len(body.expressions) == 1 and not any(
            body.args.get(k) for k in ("from_", "where", "group", "having", "order", "limit")):
        body = body.expressions[0].unalias()   # SELECT x + 1 → x + 1
    elif not table:
        body = exp.Subquery(this=body)
    props = exp.Properties(expressions=[exp.ReturnsProperty(this=exp.Schema(this=exp.Var(this="TABLE")),
                                                            is_table=True)]) if table else None
    return exp.Create(kind="MACRO", replace=tree.args.get("replace"), properties=props, expression=body,
                      this=exp.UserDefinedFunction(this=tree.this.this.copy(),
                                                   expressions=[exp.to_identifier(n) for n in names], wrapped=True))
