"""`age(xid)` as PostgreSQL means it for transaction ids: `pg_catalog.age(T.xmin)` →
`redduck_xid_age(T.xmin)` (catalog/xids.py); DuckDB's own age() takes timestamps only.

An argument counts as an xid when it is cast to xid/xid8 or is a column tools know as one
(xmin, transactionid, …); age(timestamp) is left to DuckDB."""
from __future__ import annotations

from sqlglot import exp

from .regtypes import _reg_kind

_XID_COLUMNS = {"xmin", "xmax", "transactionid", "backend_xid", "backend_xmin", "datfrozenxid", "relfrozenxid",
                "datminmxid", "relminmxid"}
_XID_TYPES = {"XID", "XID8"}


def _is_xid(e: exp.Expression) -> bool:
    if isinstance(e, exp.Column):
        return e.name.lower() in _XID_COLUMNS
    if isinstance(e, exp.Cast):
        return (_reg_kind(e.to) or "") in _XID_TYPES
    return False


def _age_args(node: exp.Expression) -> list | None:
    if isinstance(node, exp.Anonymous) and node.name.lower() == "age":
        return node.expressions
    if type(node).__name__ == "Age":   # a typed Age node in sqlglot versions that have one
        return [node.this] if node.args.get("expression") is None else None
    return None


def xid_age(tree: exp.Expression, ctx) -> exp.Expression:
    for node in list(tree.find_all(exp.Func)):
        args = _age_args(node)
        if args and len(args) == 1 and _is_xid(args[0]):
            node.replace(exp.Anonymous(this="redduck_xid_age", expressions=[args[0]]))
    return tree
