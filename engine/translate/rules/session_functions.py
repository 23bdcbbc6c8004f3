"""PostgreSQL's session functions, answered from redduck's session state.

`pg_backend_pid()` → the session's pid literal; `version()` → a PostgreSQL 15 string
naming redduck and DuckDB; `current_setting('x' [, missing_ok])` → the session's value,
never one of DuckDB's own options (a name redduck does not know is 42704, or NULL when
missing_ok, as in PostgreSQL); `current_database()` and `current_catalog` → the database's
name.
"""
from __future__ import annotations

import duckdb
from sqlglot import exp

from redduck.engine.settings import SERVER_VERSION
from redduck.protocol.errors import UNDEFINED_OBJECT, PgError


def version_string() -> str:
    from redduck import __version__
    return (f"PostgreSQL {SERVER_VERSION} (redduck {__version__} on DuckDB {duckdb.__version__}) "
            "on x86_64-pc-linux-gnu, compiled by gcc, 64-bit")


def _name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    return node.sql_name().lower() if isinstance(node, exp.Func) else ""


def session_functions(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node: exp.Expression):
        if isinstance(node, exp.Dot) and node.this.name.lower() == "pg_catalog" and isinstance(
                node.expression, (exp.Anonymous, exp.Func)):
            replaced = fix(node.expression)
            return node if replaced is node.expression else replaced
        if not isinstance(node, (exp.Anonymous, exp.Func)):
            return node
        name = _name(node)
        if name == "pg_backend_pid":
            return exp.cast(exp.Literal.number(ctx.pid), "INT")
        if name == "version" or isinstance(node, exp.CurrentVersion):
            return exp.Literal.string(version_string())
        if name == "current_setting" and node.expressions:
            return _current_setting(node.expressions, ctx.settings)
        if name in ("current_database", "current_catalog"):   # pgjdbc 42.7's getCatalog()
            return exp.Literal.string(ctx.database)
        return node

    return tree.transform(fix, copy=False)


def _current_setting(args: list, settings: dict) -> exp.Expression:
    arg, missing_ok = args[0], args[1] if len(args) > 1 else exp.false()
    if isinstance(arg, exp.Literal) and arg.is_string:
        value = settings.get(arg.this.lower())
        if value is not None:
            return exp.Literal.string(str(value))
        if isinstance(missing_ok, exp.Boolean):
            if missing_ok.this:
                return exp.cast(exp.null(), "TEXT")
            raise PgError(UNDEFINED_OBJECT, f'unrecognized configuration parameter "{arg.this}"')
    # a setting named by a column (psql's \\dconfig), or missing_ok decided at run time: the
    # session's values, looked up; an unknown name is NULL
    return exp.Case(this=exp.Anonymous(this="lower", expressions=[arg.copy()]), ifs=[
        exp.If(this=exp.Literal.string(k.lower()), true=exp.Literal.string(str(v)))
        for k, v in sorted(settings.items())])
