"""`has_table_privilege(…)` and friends, `pg_has_role`, and `current_user` answered from
redduck's roles and grants: `has_table_privilege('t', 'SELECT')` →
`redduck_privilege('table', '<user>', CAST('t' AS VARCHAR), 'SELECT')`."""
from __future__ import annotations

from sqlglot import exp

from .session_functions import _name

_KINDS = {"has_table_privilege": "table", "has_any_column_privilege": "table", "has_column_privilege": "column",
          "has_sequence_privilege": "table", "has_schema_privilege": "schema",
          "has_database_privilege": "database", "has_function_privilege": "function",
          "pg_has_role": "role", "has_foreign_data_wrapper_privilege": "other",
          "has_language_privilege": "other", "has_server_privilege": "other",
          "has_tablespace_privilege": "other", "has_type_privilege": "other"}
_CURRENT = {"current_user", "session_user", "current_role", "user"}


def privilege_functions(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node: exp.Expression):
        if isinstance(node, exp.SessionUser) and isinstance(node.parent, exp.Select) \
                and node.arg_key == "expressions":
            return exp.alias_(exp.Literal.string(ctx.user), "session_user")
        if isinstance(node, (exp.CurrentUser, exp.SessionUser)) or (isinstance(node, exp.Anonymous) and node.name.lower() in _CURRENT
                                                 and not node.expressions):
            return exp.Literal.string(ctx.user)
        if isinstance(node, exp.Column) and not node.table and not node.this.quoted \
                and node.name.lower() in _CURRENT:
            # SQL's `session_user`, `user`, `current_role`: keywords in PostgreSQL, never columns
            value = exp.Literal.string(ctx.user)
            if isinstance(node.parent, exp.Select) and node.arg_key == "expressions":
                return exp.alias_(value, node.name.lower())
            return value
        if isinstance(node, exp.Dot) and node.this.name.lower() == "pg_catalog" and \
                isinstance(node.expression, exp.Anonymous) and node.expression.name.lower() in (
                    *_KINDS, "pg_cancel_backend", "pg_terminate_backend"):
            return fix(node.expression)
        if isinstance(node, exp.Anonymous) and _name(node) in ("pg_cancel_backend", "pg_terminate_backend") \
                and len(node.expressions) == 1:
            fn = "redduck_cancel_backend" if _name(node) == "pg_cancel_backend" else "redduck_terminate_backend"
            return exp.Anonymous(this=fn, expressions=[exp.Literal.string(ctx.user),
                                                       exp.cast(node.expressions[0], "INTEGER")])
        if not isinstance(node, exp.Anonymous) or _name(node) not in _KINDS:
            return node
        kind = _KINDS[_name(node)]
        args = list(node.expressions)
        want = 4 if kind == "column" else 3
        if len(args) == want - 1:
            args = [exp.Literal.string(ctx.user)] + args
        if len(args) != want:
            return node
        if kind == "column":   # (user, table, column, privilege): the table's privilege decides
            args = args[:2] + args[3:]
            kind = "table"
        return exp.Anonymous(this="redduck_privilege", expressions=[
            exp.Literal.string(kind), exp.cast(args[0], "VARCHAR"), exp.cast(args[1], "VARCHAR"),
            exp.cast(args[2], "VARCHAR")])

    return tree.transform(fix, copy=False)
