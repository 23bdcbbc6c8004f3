"""SQL-level cursors: DECLARE … CURSOR, FETCH, MOVE, CLOSE (forward-only)."""
from __future__ import annotations

from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, PgError

from . import register
from .base import UtilityPlan


def _declare(ts):
    ts.expect("DECLARE")
    name = ts.name()
    binary = False
    scroll = False
    while True:
        if ts.accept("BINARY"):
            binary = True
        elif ts.accept("INSENSITIVE") or ts.accept("ASENSITIVE"):
            pass
        elif ts.accept("NO", "SCROLL"):
            pass
        elif ts.accept("SCROLL"):
            scroll = True
        else:
            break
    ts.expect("CURSOR")
    hold = False
    if ts.accept("WITH", "HOLD"):
        hold = True
    elif ts.accept("WITHOUT", "HOLD"):
        pass
    ts.expect("FOR")
    query = ts.rest_sql()
    return UtilityPlan(lambda s, p: s.declare_cursor(name, query, hold=hold, binary=binary, scroll=scroll, params=p),
                       tag="DECLARE CURSOR", param_count=_params_in(query))


def _params_in(query) -> int:
    from sqlglot.tokens import TokenType
    toks = query.tokens
    return max((int(toks[i + 1].text) for i, t in enumerate(toks[:-1])
                if t.token_type == TokenType.PARAMETER and toks[i + 1].text.isdigit()), default=0)


def _direction(ts) -> int | None:
    """Rows to move forward; None means ALL."""
    if ts.accept("NEXT"):
        return 1
    if ts.accept("ALL"):
        return None
    if ts.accept("FORWARD"):
        if ts.accept("ALL"):
            return None
        if ts.is_type(__import__("sqlglot").tokens.TokenType.NUMBER):
            return ts.number()
        return 1
    for word in ("PRIOR", "FIRST", "LAST", "ABSOLUTE", "RELATIVE", "BACKWARD"):
        if ts.word() == word:
            raise PgError(FEATURE_NOT_SUPPORTED, f"FETCH {word} is not supported: redduck cursors are forward-only",
                          position=ts.peek().start + 1)
    from sqlglot.tokens import TokenType
    if ts.is_type(TokenType.NUMBER) or ts.word() == "-":
        n = ts.number()
        if n < 0:
            raise PgError(FEATURE_NOT_SUPPORTED, "backward FETCH is not supported: redduck cursors are forward-only")
        return n
    return 1


def _fetch_or_move(ts, move: bool):
    ts.next()
    count = _direction(ts)
    ts.accept("FROM") or ts.accept("IN")
    name = ts.name()
    ts.done()
    if move:
        return UtilityPlan(lambda s, p: s.fetch_cursor(name, count, move=True))
    return UtilityPlan(lambda s, p: s.fetch_cursor(name, count),
                       describe=lambda s: s.cursor_columns(name))


def _close(ts):
    ts.expect("CLOSE")
    if ts.accept("ALL"):
        ts.done()
        return UtilityPlan(lambda s, p: s.close_cursor(None), tag="CLOSE CURSOR ALL")
    name = ts.name()
    ts.done()
    return UtilityPlan(lambda s, p: s.close_cursor(name), tag="CLOSE CURSOR")


register(("DECLARE",), _declare)
register(("FETCH",), lambda ts: _fetch_or_move(ts, False))
register(("MOVE",), lambda ts: _fetch_or_move(ts, True))
register(("CLOSE",), _close)
