"""Single-value codecs, text and binary, both directions, keyed by type OID.

Used for bind parameters, for the lean path of small results, and for the few result
types whose encoding is not vectorized (structs, maps, nested lists, wide numerics).
Symmetric pairs per type family.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import struct
import uuid

import numpy as np

from .. import types as T
from ..errors import INVALID_TEXT_REPRESENTATION, PgError

PG_EPOCH = dt.datetime(2000, 1, 1)
PG_EPOCH_DATE = dt.date(2000, 1, 1)
UTC = dt.timezone.utc

# ---------------------------------------------------------------- text out


def format_float(v: float, oid: int = T.FLOAT8) -> str:
    """PostgreSQL's float output: the shortest digits that read back (of a float4 for
    FLOAT4), in exponent form below 1e-4 or from 1e15 (float4: 1e6) up."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    x = np.float32(v) if oid == T.FLOAT4 else np.float64(v)
    if x == 0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    mant, exp = np.format_float_scientific(x, unique=True, trim="-").split("e")
    k = int(exp)
    if k < -4 or k >= (6 if oid == T.FLOAT4 else 15):
        return f"{mant}e{'-' if k < 0 else '+'}{abs(k):02d}"
    return np.format_float_positional(x, unique=True, trim="-")


def format_interval(months: int, days: int, micros: int) -> str:
    """PostgreSQL's `postgres` IntervalStyle (EncodeInterval): a field after a negative one
    carries an explicit '+', and every count but 1 is plural ('-1 days')."""
    years, mons = divmod(abs(months), 12)
    if months < 0:
        years, mons = -years, -mons
    out, is_zero, is_before = [], True, False
    for value, unit in ((years, "year"), (mons, "mon"), (days, "day")):
        if value:
            out.append(f"{'+' if is_before and value > 0 else ''}{value} {unit}{'s' if value != 1 else ''}")
            is_zero, is_before = False, value < 0
    if micros or is_zero:
        s, us = divmod(abs(micros), 1_000_000)
        h, rem = divmod(s, 3600)
        m, s = divmod(rem, 60)
        t = f"{'-' if micros < 0 else '+' if is_before else ''}{h:02d}:{m:02d}:{s:02d}"
        if us:
            t += f".{us:06d}".rstrip("0")
        out.append(t)
    return " ".join(out)


def format_timestamp(v: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    if v.tzinfo is not None:
        v = v.astimezone(tz or UTC)
    s = v.strftime("%Y-%m-%d %H:%M:%S")
    if v.year < 1000:
        s = f"{v.year:04d}" + s[s.index("-"):]
    if v.microsecond:
        s += f".{v.microsecond:06d}".rstrip("0")
    if v.tzinfo is not None:
        s += format_utc_offset(v.utcoffset())
    return s


def format_utc_offset(off: dt.timedelta | None) -> str:
    secs = int(off.total_seconds()) if off else 0
    sign = "-" if secs < 0 else "+"
    h, rem = divmod(abs(secs), 3600)
    m = rem // 60
    return f"{sign}{h:02d}" + (f":{m:02d}" if m else "")


def _array_item(v, elem_oid: int) -> str:
    if v is None:
        return "NULL"
    s = encode_text(v, elem_oid)
    if s == "" or any(c in s for c in '{},"\\ \t\n') or s.upper() == "NULL":
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


def encode_text(v, oid: int) -> str:
    """A Python value as PostgreSQL's text output for the type."""
    if oid in T.ELEMENT_OF_ARRAY:
        elem = T.ELEMENT_OF_ARRAY[oid]
        return "{" + ",".join(_array_item(x, elem) for x in v) + "}"
    if isinstance(v, bool):
        return "t" if v else "f"
    if isinstance(v, float):
        return format_float(v, oid)
    if isinstance(v, dt.datetime):
        return format_timestamp(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        s = v.strftime("%H:%M:%S")
        return s + (f".{v.microsecond:06d}".rstrip("0") if v.microsecond else "")
    if isinstance(v, dt.timedelta):
        return format_interval(0, v.days, v.seconds * 1_000_000 + v.microseconds)
    if isinstance(v, tuple) and len(v) == 3 and oid == T.INTERVAL:
        return format_interval(v[0], v[1], v[2] // 1000)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(v).hex()
    if isinstance(v, (dict, list)):
        return json.dumps(_jsonable(v), separators=(", ", ": "))
    if isinstance(v, tuple):   # ROW(…): PostgreSQL's record text, (1,a,"b c",)
        return "(" + ",".join(_record_item(x) for x in v) + ")"
    return str(v)


def _record_item(x) -> str:
    if x is None:
        return ""
    s = encode_text(x, 0)
    if s == "" or any(c in s for c in ',()"\\ '):
        return '"' + s.replace("\\", "\\\\").replace('"', '""') + '"'
    return s


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list) and v and isinstance(v[0], tuple) and len(v[0]) == 2:
        return {str(k): _jsonable(x) for k, x in v}  # Arrow map as (key, value) pairs
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (dt.date, dt.datetime, dt.time, decimal.Decimal, uuid.UUID)):
        return str(v)
    if isinstance(v, bytes):
        return v.hex()
    return v


# ---------------------------------------------------------------- binary out

def encode_binary(v, oid: int) -> bytes:
    if oid in T.ELEMENT_OF_ARRAY:
        return _encode_array_binary(v, T.ELEMENT_OF_ARRAY[oid])
    if oid == T.BOOL:
        return b"\x01" if v else b"\x00"
    if oid == T.INT2:
        return struct.pack("!h", v)
    if oid in (T.INT4, T.OID, T.REGCLASS, T.REGTYPE, T.REGPROC):
        return struct.pack("!i" if oid == T.INT4 else "!I", v)
    if oid == T.INT8:
        return struct.pack("!q", v)
    if oid == T.FLOAT4:
        return struct.pack("!f", v)
    if oid == T.FLOAT8:
        return struct.pack("!d", v)
    if oid == T.NUMERIC:
        return _encode_numeric(decimal.Decimal(v))
    if oid == T.DATE:
        return struct.pack("!i", (v - PG_EPOCH_DATE).days)
    if oid in (T.TIMESTAMP, T.TIMESTAMPTZ):
        if v.tzinfo is not None:
            v = v.astimezone(UTC).replace(tzinfo=None)
        d = v - PG_EPOCH
        return struct.pack("!q", (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds)
    if oid == T.TIME:
        return struct.pack("!q", ((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond)
    if oid == T.INTERVAL:
        if isinstance(v, tuple):
            months, days, nanos = v
            return struct.pack("!qii", nanos // 1000, days, months)
        return struct.pack("!qii", v.seconds * 1_000_000 + v.microseconds, v.days, 0)
    if oid == T.UUID:
        return (v if isinstance(v, uuid.UUID) else uuid.UUID(str(v))).bytes
    if oid == T.BYTEA:
        return bytes(v)
    if oid == T.JSONB:
        return b"\x01" + encode_text(v, oid).encode()
    return encode_text(v, oid).encode()


def _encode_array_binary(v, elem: int) -> bytes:
    if not v:
        return struct.pack("!iiI", 0, 0, elem)   # PostgreSQL's empty array has no dimensions
    out = [struct.pack("!iiI", 1, int(any(x is None for x in v)), elem), struct.pack("!ii", len(v), 1)]
    for x in v:
        if x is None:
            out.append(struct.pack("!i", -1))
        else:
            b = encode_binary(x, elem)
            out.append(struct.pack("!i", len(b)) + b)
    return b"".join(out)


def _encode_numeric(d: decimal.Decimal) -> bytes:
    if d.is_nan():
        return struct.pack("!hhHh", 0, 0, 0xC000, 0)
    if d.is_infinite():
        return struct.pack("!hhHh", 0, 0, 0xD000 if d > 0 else 0xF000, 0)
    sign, digits, exp = d.as_tuple()
    dscale = max(0, -exp)
    # base-10 digits → base-10000 groups aligned on the decimal point
    ds = "".join(map(str, digits))
    int_len = len(ds) + exp  # digits before the point
    if int_len > 0:
        int_part, frac_part = ds[:int_len] if exp < 0 else ds + "0" * exp, ds[int_len:] if exp < 0 else ""
    else:
        int_part, frac_part = "", "0" * (-int_len) + ds
    int_part = int_part.lstrip("0")
    pad_i = (-len(int_part)) % 4
    int_part = "0" * pad_i + int_part
    frac_part = frac_part + "0" * ((-len(frac_part)) % 4)
    groups = [int(int_part[i:i + 4]) for i in range(0, len(int_part), 4)]
    weight = len(groups) - 1
    groups += [int(frac_part[i:i + 4]) for i in range(0, len(frac_part), 4)]
    # strip leading zeros (adjust weight) and trailing zeros
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight = 0
    return struct.pack(f"!hhHh{len(groups)}H", len(groups), weight, 0x4000 if sign else 0, dscale, *groups)


def _decode_numeric(b: bytes) -> decimal.Decimal:
    ndigits, weight, sign, dscale = struct.unpack_from("!hhHh", b)
    if sign == 0xC000:
        return decimal.Decimal("NaN")
    if sign in (0xD000, 0xF000):
        return decimal.Decimal("Infinity" if sign == 0xD000 else "-Infinity")
    groups = struct.unpack_from(f"!{ndigits}H", b, 8)
    value = decimal.Decimal(0)
    for i, g in enumerate(groups):
        value += decimal.Decimal(g).scaleb(4 * (weight - i))
    value = value.quantize(decimal.Decimal(1).scaleb(-dscale)) if ndigits else decimal.Decimal(0).scaleb(-dscale)
    return -value if sign == 0x4000 else value


# ---------------------------------------------------------------- in (parameters)

def _bad(oid: int, text: str) -> PgError:
    return PgError(INVALID_TEXT_REPRESENTATION,
                   f'invalid input syntax for type {T.type_name(oid)}: "{text}"')


def decode_text(s: str, oid: int):
    """A text-format parameter as the Python value DuckDB should bind."""
    try:
        if oid == T.BOOL:
            low = s.strip().lower()
            if low in ("t", "true", "y", "yes", "on", "1"):
                return True
            if low in ("f", "false", "n", "no", "off", "0"):
                return False
            raise ValueError
        if oid in (T.INT2, T.INT4, T.INT8, T.OID):
            return int(s)
        if oid in (T.FLOAT4, T.FLOAT8):
            return float(s.replace("Infinity", "inf"))
        if oid == T.NUMERIC:
            return decimal.Decimal(s)
        if oid == T.DATE:   # pgjdbc's setDate sends '2020-01-02 +00': a date reads no zone
            return dt.date.fromisoformat(s.strip().split()[0])
        if oid == T.TIMESTAMP:
            return dt.datetime.fromisoformat(s.strip())
        if oid == T.TIMESTAMPTZ:
            v = dt.datetime.fromisoformat(_iso_offset(s.strip()))
            return v if v.tzinfo else v.replace(tzinfo=UTC)
        if oid == T.TIME:
            return dt.time.fromisoformat(s.strip())
        if oid == T.UUID:
            return str(uuid.UUID(s))
        if oid == T.BYTEA:
            return bytes.fromhex(s[2:]) if s.startswith("\\x") else s.encode()
    except (ValueError, ArithmeticError) as e:
        raise _bad(oid, s) from e
    return s


def _iso_offset(s: str) -> str:
    # PostgreSQL prints '+02' where Python wants '+02:00'
    if len(s) > 3 and s[-3] in "+-" and s[-2:].isdigit():
        return s + ":00"
    return s


def decode_binary(b: bytes, oid: int):
    try:
        if oid == T.BOOL:
            return b != b"\x00"
        if oid == T.INT2:
            return struct.unpack("!h", b)[0]
        if oid == T.INT4:
            return struct.unpack("!i", b)[0]
        if oid == T.OID:
            return struct.unpack("!I", b)[0]
        if oid == T.INT8:
            return struct.unpack("!q", b)[0]
        if oid == T.FLOAT4:
            return struct.unpack("!f", b)[0]
        if oid == T.FLOAT8:
            return struct.unpack("!d", b)[0]
        if oid == T.NUMERIC:
            return _decode_numeric(b)
        if oid == T.DATE:
            return PG_EPOCH_DATE + dt.timedelta(days=struct.unpack("!i", b)[0])
        if oid in (T.TIMESTAMP, T.TIMESTAMPTZ):
            v = PG_EPOCH + dt.timedelta(microseconds=struct.unpack("!q", b)[0])
            return v.replace(tzinfo=UTC) if oid == T.TIMESTAMPTZ else v
        if oid == T.TIME:
            us = struct.unpack("!q", b)[0]
            s, us = divmod(us, 1_000_000)
            return dt.time(s // 3600, s // 60 % 60, s % 60, us)
        if oid == T.INTERVAL:
            us, days, months = struct.unpack("!qii", b)
            if months:
                return f"{months} months {days} days {us} microseconds"
            return dt.timedelta(days=days, microseconds=us)
        if oid == T.UUID:
            return str(uuid.UUID(bytes=b))
        if oid == T.BYTEA:
            return bytes(b)
        if oid == T.JSONB:
            return b[1:].decode()
        if oid in T.ELEMENT_OF_ARRAY:
            return _decode_array_binary(b)
    except (struct.error, ValueError, OverflowError) as e:
        raise PgError(INVALID_TEXT_REPRESENTATION,
                      f"incorrect binary data format for type {T.type_name(oid)}") from e
    return b.decode("utf-8")


def _decode_array_binary(b: bytes) -> list:
    ndim, _flags, elem = struct.unpack_from("!iiI", b)
    if ndim == 0:
        return []
    n, _lb = struct.unpack_from("!ii", b, 12)
    pos, out = 20, []
    for _ in range(n):
        (ln,) = struct.unpack_from("!i", b, pos)
        pos += 4
        if ln == -1:
            out.append(None)
        else:
            out.append(decode_binary(b[pos:pos + ln], elem))
            pos += ln
    return out


def decode_array_text(s: str, elem: int) -> list:
    """'{1,2,NULL,"a b"}' → [1, 2, None, 'a b'] (one dimension)."""
    s = s.strip()
    if not (s.startswith("{") and s.endswith("}")):
        raise _bad(T.array_of(elem), s)
    items, cur, quoted, i, inner = [], [], False, 0, s[1:-1]
    was_quoted = False
    while i < len(inner):
        c = inner[i]
        if quoted:
            if c == "\\":
                i += 1
                cur.append(inner[i])
            elif c == '"':
                quoted = False
            else:
                cur.append(c)
        elif c == '"':
            quoted = was_quoted = True
        elif c == ",":
            items.append(("".join(cur), was_quoted))
            cur, was_quoted = [], False
        else:
            cur.append(c)
        i += 1
    if inner:
        items.append(("".join(cur), was_quoted))
    return [None if (not q and v.strip().upper() == "NULL") else decode_text(v if q else v.strip(), elem)
            for v, q in items]
