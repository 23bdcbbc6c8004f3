"""SQL-level PREPARE / EXECUTE / DEALLOCATE."""
from __future__ import annotations

from sqlglot.tokens import TokenType

from . import register
from .base import UtilityPlan


def _prepare(ts):
    ts.expect("PREPARE")
    name = ts.name()
    types = []
    if ts.is_type(TokenType.L_PAREN):
        ts.next()
        depth, cur = 0, []
        while True:
            t = ts.next()
            if t.token_type == TokenType.L_PAREN:
                depth += 1
            elif t.token_type == TokenType.R_PAREN:
                if depth == 0:
                    break
                depth -= 1
            elif t.token_type == TokenType.COMMA and depth == 0:
                types.append(" ".join(cur))
                cur = []
                continue
            cur.append(t.text)
        if cur:
            types.append(" ".join(cur))
    ts.expect("AS")
    body = ts.rest_sql()
    return UtilityPlan(lambda s, p: s.sql_prepare(name, body, types), tag="PREPARE")


def _execute(ts):
    ts.expect("EXECUTE")
    name = ts.name()
    args_sql = None
    if ts.is_type(TokenType.L_PAREN):
        start = ts.peek().start
        rest = ts.stmt.sql[start - ts.stmt.offset:]
        args_sql = rest
    return UtilityPlan(lambda s, p: s.sql_execute(name, args_sql),
                       describe=lambda s: s.sql_prepared_columns(name))


def _deallocate(ts):
    ts.expect("DEALLOCATE")
    ts.accept("PREPARE")
    if ts.accept("ALL"):
        ts.done()
        return UtilityPlan(lambda s, p: s.sql_deallocate(None), tag="DEALLOCATE ALL")
    name = ts.name()
    ts.done()
    return UtilityPlan(lambda s, p: s.sql_deallocate(name), tag="DEALLOCATE")


register(("PREPARE",), _prepare)
register(("EXECUTE",), _execute)
register(("DEALLOCATE",), _deallocate)
