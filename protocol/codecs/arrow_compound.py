"""Intervals and one-dimensional arrays, a whole Arrow array at a time.

Intervals are Arrow's month_day_nano (int32 months, int32 days, int64 ns, 16 bytes a
value); arrays are list arrays whose elements are encoded by the scalar encoders at once
and then joined back per list. Output matches protocol.codecs.values byte for byte.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .datarow import _int32_column, _lengths, rows_of_equal_width

_MDN = np.dtype([("months", "<i4"), ("days", "<i4"), ("nanos", "<i8")])
_PG_INTERVAL = np.dtype([("micros", ">i8"), ("days", ">i4"), ("months", ">i4")])


def _unsliced(arr: pa.Array) -> pa.Array:
    # a zero-offset copy: validity bitmaps and offsets then need no shifting
    return pa.concat_arrays([arr]) if arr.offset else arr


def _interval_fields(arr: pa.Array) -> np.ndarray:
    return np.frombuffer(arr.buffers()[1], dtype=_MDN, count=len(arr), offset=arr.offset * _MDN.itemsize)


def intervals_binary(arr: pa.Array) -> pa.Array:
    """PostgreSQL's binary interval: int64 microseconds, int32 days, int32 months."""
    arr = _unsliced(arr)
    raw = _interval_fields(arr)
    out = np.empty(len(arr), dtype=_PG_INTERVAL)
    out["micros"] = raw["nanos"] // 1000
    out["days"] = raw["days"]
    out["months"] = raw["months"]
    validity = arr.buffers()[0] if arr.null_count else None
    return rows_of_equal_width(out.view(np.uint8).reshape(-1, _PG_INTERVAL.itemsize), validity, arr.null_count)


def _text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def _pad2(values: np.ndarray) -> pa.Array:
    return pc.utf8_lpad(_text(values), 2, "0")


def intervals_text(arr: pa.Array) -> pa.Array:
    """The `postgres` IntervalStyle, as values.format_interval writes one value."""
    if len(arr) == 0:
        return pa.array([], pa.string())
    raw = _interval_fields(arr)
    n = len(arr)
    months = raw["months"].astype(np.int64)
    years, mons = np.abs(months) // 12 * np.sign(months), np.abs(months) % 12 * np.sign(months)
    micros = raw["nanos"] // 1000
    is_zero = np.ones(n, dtype=bool)
    is_before = np.zeros(n, dtype=bool)
    pieces = []
    for value, unit in ((years, "year"), (mons, "mon"), (raw["days"].astype(np.int64), "day")):
        nz = value != 0
        if not nz.any():
            continue
        text = pc.binary_join_element_wise(
            pc.if_else(pa.array(~is_zero & nz), " ", ""), pc.if_else(pa.array(is_before & (value > 0)), "+", ""),
            _text(value), f" {unit}", pc.if_else(pa.array(value != 1), "s", ""), "")
        pieces.append(pc.if_else(pa.array(nz), text, ""))
        is_before = np.where(nz, value < 0, is_before)
        is_zero &= ~nz
    with_time = (micros != 0) | is_zero
    if with_time.any():
        mag = np.abs(micros)
        secs, frac = mag // 1_000_000, mag % 1_000_000
        sign = pc.if_else(pa.array(micros < 0), "-", pc.if_else(pa.array(is_before), "+", ""))
        fraction = pc.if_else(pa.array(frac != 0), pc.binary_join_element_wise(
            ".", pc.utf8_rtrim(pc.utf8_lpad(_text(frac), 6, "0"), "0"), ""), "")
        clock = pc.binary_join_element_wise(
            pc.if_else(pa.array(is_zero), "", " "), sign, _pad2(secs // 3600), ":", _pad2(secs // 60 % 60), ":",
            _pad2(secs % 60), fraction, "")
        pieces.append(pc.if_else(pa.array(with_time), clock, ""))
    joined = pc.binary_join_element_wise(*pieces, "") if len(pieces) > 1 else pieces[0]
    return pc.if_else(arr.is_null(), pa.scalar(None, pa.string()), joined)


def _elements_of(arr: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The list offsets (relative to the child values) and the child values themselves."""
    arr = _unsliced(arr)
    return arr.offsets, arr.values


_NEEDS_QUOTES = r'^$|[{},"\\\s]|^[Nn][Uu][Ll][Ll]$'


def lists_text(arr: pa.Array, encode_elements) -> pa.Array:
    """`{a,"b c",NULL}`: elements in their text form, quoted where PostgreSQL quotes them."""
    offsets, child = _elements_of(arr)
    texts = pc.cast(encode_elements(child), pa.string())
    escaped = pc.replace_substring_regex(texts, r'(["\\])', r"\\\1")
    quoted = pc.binary_join_element_wise('"', escaped, '"', "")
    items = pc.if_else(pc.fill_null(pc.match_substring_regex(texts, _NEEDS_QUOTES), False), quoted, texts)
    items = items.fill_null("NULL")
    lists = pa.ListArray.from_arrays(offsets, items, mask=arr.is_null() if arr.null_count else None)
    return pc.binary_join_element_wise("{", pc.binary_join(lists, ","), "}", "")


def lists_binary(arr: pa.Array, elem_oid: int, encode_elements) -> pa.Array:
    """ndim, has-null flag, element OID, (size, lower bound 1), then each element framed;
    an empty array has no dimensions (ndim 0), as PostgreSQL sends it."""
    offsets, child = _elements_of(arr)
    encoded = encode_elements(child)
    lengths = _lengths(encoded)
    framed = pc.binary_join_element_wise(_int32_column(lengths), encoded.fill_null(b""), b"")
    off = offsets.to_numpy(zero_copy_only=False)
    nulls = np.concatenate([[0], np.cumsum(child.is_null().to_numpy(zero_copy_only=False), dtype=np.int64)])
    sizes = np.diff(off)
    has_null = (nulls[off[1:]] - nulls[off[:-1]]) > 0
    n = len(arr)
    head = np.empty(n, dtype=[("ndim", ">i4"), ("flags", ">i4"), ("oid", ">u4"), ("size", ">i4"), ("lbound", ">i4")])
    head["ndim"], head["flags"], head["oid"], head["size"], head["lbound"] = 1, has_null, elem_oid, sizes, 1
    raw = head.view(np.uint8).reshape(n, head.itemsize)
    heads = rows_of_equal_width(raw)
    if (sizes == 0).any():
        empty = raw[:, :12].copy()
        empty[:, :8] = 0   # ndim 0, no flags, the element OID, no dimensions
        heads = pc.if_else(pa.array(sizes > 0), heads, rows_of_equal_width(empty))
    bodies = pc.binary_join(pa.ListArray.from_arrays(offsets, framed), b"")
    out = pc.binary_join_element_wise(heads, bodies, b"")
    return pc.if_else(arr.is_null(), pa.scalar(None, pa.binary()), out) if arr.null_count else out
