"""Time-zone arithmetic in the session's TimeZone, where a timestamptz is known as one (a column
of that type, a cast to it, now()): `date_trunc('day', t)` → truncated in local time,
`extract(hour FROM t)` and `t::date` → of the local time, as PostgreSQL computes them. DuckDB's
own zone is UTC for every session (its configuration is locked against clients), so without this
a New York session's day would start at 20:00."""
from __future__ import annotations

from sqlglot import exp

from .targets import column_type, table_aliases
from .typed_literals import is_local_zone


def _tstz(e: exp.Expression, aliases: dict, ctx) -> bool:
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Cast):
        return e.to.is_type(exp.DataType.Type.TIMESTAMPTZ)
    if isinstance(e, exp.CurrentTimestamp):
        return True
    if isinstance(e, exp.Anonymous) and e.name.lower() == "timezone" and len(e.expressions) == 2 \
            and isinstance(e.expressions[1], exp.Cast) and e.expressions[1].to.is_type(exp.DataType.Type.TIMESTAMP):
        return True   # a literal read in the session's zone (typed_literals)
    if isinstance(e, exp.Column):
        return column_type(e, aliases, ctx) == "TIMESTAMP WITH TIME ZONE"
    return False


def _local(zone: str, e: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="timezone", expressions=[exp.Literal.string(zone), e.copy()])


def session_zone(tree: exp.Expression, ctx) -> exp.Expression:
    zone = ctx.settings.get("timezone")
    if not is_local_zone(zone):
        return tree
    aliases = table_aliases(tree)

    def fix(node):
        if isinstance(node, exp.TimestampTrunc) and _tstz(node.this, aliases, ctx):
            trunc = exp.TimestampTrunc(this=_local(zone, node.this), unit=node.args.get("unit"))
            return _local(zone, trunc)   # local midnight (or hour …) back to an instant
        if isinstance(node, exp.Extract) and _tstz(node.expression, aliases, ctx) and node.this.name.upper() != "EPOCH":
            return exp.Extract(this=node.this.copy(), expression=_local(zone, node.expression))
        if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.DATE) and _tstz(node.this, aliases, ctx):
            return exp.cast(_local(zone, node.this), "DATE")
        return node
    return tree.transform(fix, copy=False)
