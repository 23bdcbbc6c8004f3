"""DISCARD, LISTEN/UNLISTEN/NOTIFY, CHECKPOINT/VACUUM/ANALYZE, EXPLAIN, REFRESH MATERIALIZED VIEW."""
from __future__ import annotations

from redduck.protocol import types as T
from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, UNDEFINED_TABLE, PgError

from ..result import Column
from . import register
from .base import UtilityPlan


def _discard(ts):
    ts.expect("DISCARD")
    what = ts.next().text.upper()
    ts.done()
    if what not in ("ALL", "PLANS", "SEQUENCES", "TEMP", "TEMPORARY"):
        raise ts.error(f'syntax error at or near "{what}"')
    return UtilityPlan(lambda s, p: s.discard(what), tag=f"DISCARD {what if what != 'TEMPORARY' else 'TEMP'}")


def _noop(tag):
    def hook(ts):
        return UtilityPlan(lambda s, p: None, tag=tag)
    return hook


def _lock(ts):
    def run(s, p):
        # as PostgreSQL: a lock outside a transaction block would be let go at once
        if s.tx == "I" or s.implicit_tx:
            from redduck.protocol.errors import NO_ACTIVE_SQL_TRANSACTION
            raise PgError(NO_ACTIVE_SQL_TRANSACTION, "LOCK TABLE can only be used in transaction blocks")
    return UtilityPlan(run, tag="LOCK TABLE")


def _checkpoint(ts):
    ts.next()
    ts.done()
    return UtilityPlan(lambda s, p: s.checkpoint(), tag="CHECKPOINT")


def _explain(ts):
    ts.expect("EXPLAIN")
    analyze = False
    if ts.accept("ANALYZE") or ts.accept("ANALYSE"):
        analyze = True
    ts.accept("VERBOSE")
    from sqlglot.tokens import TokenType
    if ts.is_type(TokenType.L_PAREN):
        while not ts.is_type(TokenType.R_PAREN):
            if ts.word() == "ANALYZE":
                analyze = True
            ts.next()
        ts.next()
    body = ts.rest_sql()
    return UtilityPlan(lambda s, p: s.explain(body, analyze), columns=[Column("QUERY PLAN", T.TEXT)])


def _refresh(ts):
    """REFRESH MATERIALIZED VIEW: a materialized view is kept as a view here (its rows are always
    current), so there is nothing to refresh; an unknown name is 42P01 as in PostgreSQL."""
    ts.expect("REFRESH", "MATERIALIZED", "VIEW")
    ts.accept("CONCURRENTLY")
    name = ts.qualified_name()
    if ts.accept("WITH"):
        ts.accept("NO")
        ts.expect("DATA")
    ts.done()
    schema, _, table = name.rpartition(".")

    def run(s, p):
        if s.engine.table_columns(schema or None, table) is None:
            raise PgError(UNDEFINED_TABLE, f'relation "{name}" does not exist')
    return UtilityPlan(run, tag="REFRESH MATERIALIZED VIEW")


def _unsupported(what):
    def hook(ts):
        raise PgError(FEATURE_NOT_SUPPORTED, f"{what} is not supported by redduck", position=ts.stmt.offset + 1)
    return hook


def _closed(what):
    """DuckDB statements that reach the server's files, extensions or other databases."""
    def hook(ts):
        from redduck.protocol.errors import INSUFFICIENT_PRIVILEGE
        raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied: {what} is not available to clients",
                      position=ts.stmt.offset + 1)
    return hook


for _word in ("ATTACH", "DETACH", "INSTALL", "LOAD", "PRAGMA", "EXPORT", "IMPORT", "FORCE"):
    register((_word,), _closed(_word))
register(("DISCARD",), _discard)
register(("LISTEN",), _noop("LISTEN"))
register(("UNLISTEN",), _noop("UNLISTEN"))
register(("NOTIFY",), _noop("NOTIFY"))
register(("VACUUM",), _noop("VACUUM"))
register(("ANALYZE",), _noop("ANALYZE"))
register(("CHECKPOINT",), _checkpoint)
register(("EXPLAIN",), _explain)
register(("LOCK",), _lock)
register(("CLUSTER",), _unsupported("CLUSTER"))
register(("REINDEX",), _unsupported("REINDEX"))
register(("REFRESH",), _refresh)
register(("DO",), _unsupported("DO (an anonymous code block)"))
