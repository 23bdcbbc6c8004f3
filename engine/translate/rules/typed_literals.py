"""Literals cast as PostgreSQL casts them: `'1e3'::numeric` is 1000 and `'1.50'::numeric` 1.50
(a numeric keeps the scale written; DuckDB's bare DECIMAL is (18,3)); `3::numeric` stays a
numeric (not the integer 3, which would make 1/3::numeric an integer division);
`'abc'::varchar(2)` is 'ab' (an explicit cast truncates; DuckDB ignores the length);
`'{a,"b c",NULL}'::text[]` is the array PostgreSQL's text form spells (DuckDB reads '[…]');
`'2020-01-02 +00'::date` (pgjdbc's setDate, inlined in simple mode) is the date: a date reads no
time or zone; `'2020-06-01 12:00'::timestamptz`, without an offset, is that time in the session's
TimeZone (`timezone('America/New_York', '…'::TIMESTAMP)`; DuckDB would read it as UTC)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sqlglot import exp

from redduck.protocol import types as T
from redduck.protocol.codecs.values import decode_array_text
from redduck.protocol.errors import PgError

_CHARACTER = (exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR, exp.DataType.Type.NVARCHAR,
              exp.DataType.Type.NCHAR, exp.DataType.Type.BPCHAR)


ISO_DATE_THEN_MORE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})[ T]\S")


_ZONELESS = re.compile(r"\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*")
_IANA = re.compile(r"[A-Za-z_]+(/[A-Za-z0-9_+\-]+)+")


def is_local_zone(zone: str | None) -> bool:
    """A session TimeZone other than UTC, named as DuckDB's time-zone functions take it."""
    return bool(zone) and zone.upper() not in ("UTC", "ETC/UTC", "GMT", "Z") and bool(_IANA.fullmatch(zone))


def local_timestamptz(text: str, zone: str | None) -> exp.Expression | None:
    """A timestamptz literal without an offset, read in the session's zone (None: as it stands)."""
    if not is_local_zone(zone) or not _ZONELESS.fullmatch(text):
        return None
    return exp.Anonymous(this="timezone", expressions=[
        exp.Literal.string(zone), exp.cast(exp.Literal.string(text.strip()), "TIMESTAMP")])


def _numeric(text: str) -> exp.Expression | None:
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    digits = format(d, "f")
    sign, ds, exponent = d.as_tuple()
    scale = max(0, -exponent)
    precision = max(len(digits.lstrip("-").replace(".", "")), scale + 1)
    if precision > 38:
        return None
    return exp.cast(exp.Literal.number(digits), f"DECIMAL({precision}, {scale})")


def _length(to: exp.DataType) -> int | None:
    params = to.expressions
    if to.this in _CHARACTER and params and isinstance(params[0].this, exp.Literal) and params[0].this.is_int:
        return int(params[0].this.name)
    return None


def typed_literals(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if not isinstance(node, exp.Cast) or not isinstance(node.this, exp.Literal):
            return node
        lit, to = node.this, node.to
        if to.is_type(exp.DataType.Type.DECIMAL) and not to.expressions:
            return _numeric(lit.name) or node
        if to.is_type(exp.DataType.Type.ARRAY) and lit.is_string and lit.name.strip().startswith("{"):
            try:
                items = decode_array_text(lit.name, T.TEXT)
            except (PgError, IndexError):
                return node   # DuckDB reports what it cannot read
            return exp.Cast(this=exp.Array(expressions=[exp.null() if v is None else exp.Literal.string(v)
                                                        for v in items]), to=to.copy())
        if to.is_type(exp.DataType.Type.DATE) and lit.is_string and (m := ISO_DATE_THEN_MORE.match(lit.name)):
            return exp.Cast(this=exp.Literal.string(m.group(1)), to=to.copy())
        if to.is_type(exp.DataType.Type.TIMESTAMPTZ) and lit.is_string:
            return local_timestamptz(lit.name, ctx.settings.get("timezone")) or node
        n = _length(to)
        if n is not None and lit.is_string and len(lit.name) > n:
            return exp.Cast(this=exp.Literal.string(lit.name[:n]), to=to.copy())
        return node
    return tree.transform(fix, copy=False)
