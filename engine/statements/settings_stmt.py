"""SET / SHOW / RESET on redduck's session settings."""
from __future__ import annotations

from sqlglot.tokens import TokenType

from redduck.protocol import types as T

from ..result import Column
from ..settings import display
from . import register
from .base import UtilityPlan


def _value_text(ts) -> str:
    """SET's value list: identifiers, strings, numbers, DEFAULT, separated by commas."""
    parts = []
    while not ts.at_end():
        t = ts.next()
        if t.token_type == TokenType.COMMA:
            continue
        if t.token_type == TokenType.DASH:
            nxt = ts.next()
            parts.append("-" + nxt.text)
            continue
        parts.append(t.text)
    return ", ".join(parts)


def _set(ts):
    ts.expect("SET")
    local = False
    if ts.accept("SESSION", "CHARACTERISTICS", "AS", "TRANSACTION"):
        from .transaction import _tx_modes
        modes = _tx_modes(ts)
        changes = {("default_" + k if k != "transaction_read_only" else "default_transaction_read_only"): v
                   for k, v in modes.items()}
        return UtilityPlan(lambda s, p: s.set_many(changes), tag="SET")
    if ts.accept("TRANSACTION"):
        from .transaction import _tx_modes
        modes = _tx_modes(ts)
        return UtilityPlan(lambda s, p: s.set_many(modes), tag="SET")
    if ts.accept("LOCAL"):
        local = True
    else:
        ts.accept("SESSION")
    if ts.accept("TIME", "ZONE") or (ts.peek() is not None and ts.peek().text.upper() == "TIME ZONE" and ts.next()):
        name = "timezone"
    elif ts.accept("SESSION", "AUTHORIZATION") or ts.accept("ROLE"):
        name = "session_authorization"
    elif ts.accept("NAMES"):
        name = "client_encoding"
    else:
        name = ts.qualified_name()
        if not (ts.accept("TO") or ts.accept("=")):
            raise ts.error(f"syntax error at or near \"{ts.peek().text if ts.peek() else ''}\"",
                           at_end=ts.peek() is None)
    if ts.at_end():
        raise ts.error("syntax error at end of input", at_end=True)
    if ts.word() == "DEFAULT" and len(ts.tokens) - ts.i == 1:
        return UtilityPlan(lambda s, p: s.reset_setting(name, tag="SET"), tag="SET")
    value = _value_text(ts)
    return UtilityPlan(lambda s, p: s.set_setting(name, value, local=local), tag="SET",
                       inline=name.lower() != "search_path")


def _show(ts):
    ts.expect("SHOW")
    if ts.accept("ALL"):
        cols = [Column("name", T.TEXT), Column("setting", T.TEXT), Column("description", T.TEXT)]
        return UtilityPlan(lambda s, p: s.show_all(), columns=cols)
    if ts.accept("TIME", "ZONE") or (ts.peek() is not None and ts.peek().text.upper() == "TIME ZONE" and ts.next()):
        name = "timezone"
    elif ts.accept("TRANSACTION", "ISOLATION", "LEVEL"):
        name = "transaction_isolation"
    elif ts.accept("SESSION", "AUTHORIZATION"):
        name = "session_authorization"
    else:
        name = ts.qualified_name()
    ts.done()
    from ..settings import Settings
    canon = Settings.canonical(name, must_exist=False)
    col = [Column(display(canon) if canon in ("timezone",) else canon, T.TEXT)]
    return UtilityPlan(lambda s, p: s.show_setting(name), columns=col, inline=True)


def _reset(ts):
    ts.expect("RESET")
    if ts.accept("ALL"):
        ts.done()
        return UtilityPlan(lambda s, p: s.reset_all(), tag="RESET")
    if ts.accept("TIME", "ZONE") or (ts.peek() is not None and ts.peek().text.upper() == "TIME ZONE" and ts.next()):
        name = "timezone"
    else:
        name = ts.qualified_name()
    ts.done()
    return UtilityPlan(lambda s, p: s.reset_setting(name), tag="RESET")


register(("SET",), _set)
register(("SHOW",), _show)
register(("RESET",), _reset)
