"""Hooks for CREATE MODEL, SHOW MODEL { name | ALL } and DROP MODEL [IF EXISTS]."""
from __future__ import annotations

from redduck.protocol import types as T

from ..result import Column, Result
from ..rowsource import RowSource
from ..statements import register
from ..statements.base import UtilityPlan
from .grammar import parse_create_model

SHOW_COLUMNS = [Column("Key", T.TEXT), Column("Value", T.TEXT)]
SHOW_ALL_COLUMNS = [Column("schema_name", T.TEXT), Column("model_name", T.TEXT), Column("model_state", T.TEXT),
                    Column("model_type", T.TEXT), Column("function_name", T.TEXT)]


def _service(session):
    svc = session.engine.models
    if svc is None:
        from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, PgError
        raise PgError(FEATURE_NOT_SUPPORTED, "models are disabled on this server")
    return svc


def _may_use(session, name: str, owner_only: bool = False) -> None:
    """Owners and superusers may do anything with a model; EXECUTE grantees may see it."""
    store = session.engine.security
    owner = _service(session).owner_of(name)
    if owner is None or store.is_superuser(session.user) or owner in store.roles_of(session.user):
        return  # a missing model gets its own error
    if owner_only:
        from redduck.protocol.errors import INSUFFICIENT_PRIVILEGE, PgError
        raise PgError(INSUFFICIENT_PRIVILEGE, f"must be owner of model {name}")
    session.engine.authorizer.check_model(session.user, name.lower(), "EXECUTE")


def _create_model(session, spec):
    session.engine.authorizer.check_create_model(session.user)
    return _service(session).create(session, spec)


def _create(ts):
    spec = parse_create_model(ts.stmt)
    return UtilityPlan(lambda s, p: _create_model(s, spec), tag="CREATE MODEL")


def _show_model(session, name):
    _may_use(session, name)
    return Result(columns=SHOW_COLUMNS, rows=RowSource(batches=[_service(session).show(name)]), tag="")


def _drop_model(session, name, if_exists):
    _may_use(session, name, owner_only=True)
    return _service(session).drop(name, if_exists)


def _show(ts):
    ts.expect("SHOW", "MODEL")
    if ts.accept("ALL"):
        ts.done()
        return UtilityPlan(lambda s, p: Result(columns=SHOW_ALL_COLUMNS, rows=RowSource(batches=[_service(s).show_all()]),
                                               tag=""), columns=SHOW_ALL_COLUMNS)
    name = ts.qualified_name().split(".")[-1]
    ts.done()
    return UtilityPlan(lambda s, p: _show_model(s, name), columns=SHOW_COLUMNS)


def _drop(ts):
    ts.expect("DROP", "MODEL")
    if_exists = ts.accept("IF", "EXISTS")
    name = ts.qualified_name().split(".")[-1]
    ts.done()
    return UtilityPlan(lambda s, p: _drop_model(s, name, if_exists), tag="DROP MODEL")


register(("CREATE", "MODEL"), _create)
register(("SHOW", "MODEL"), _show)
register(("DROP", "MODEL"), _drop)
