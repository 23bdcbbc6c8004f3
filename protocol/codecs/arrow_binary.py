"""Arrow arrays → PostgreSQL binary format, a whole array at a time (numpy)."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import types as T
from . import values
from .arrow_compound import intervals_binary, lists_binary
from .arrow_text import to_binary
from .datarow import Fixed, rows_of_equal_width

_US_2000 = 946_684_800_000_000  # 2000-01-01 in Unix microseconds
_DAYS_2000 = 10_957

_FIXED = {T.INT2: ">i2", T.INT4: ">i4", T.INT8: ">i8", T.FLOAT4: ">f4", T.FLOAT8: ">f8",
          T.OID: ">u4", T.REGCLASS: ">u4", T.REGTYPE: ">u4", T.REGPROC: ">u4"}


def fixed_width(np_values: np.ndarray, validity: pa.Buffer | None, null_count: int) -> pa.Array:
    """Rows of equal width (an (n,) big-endian array) as a binary Arrow array."""
    n = len(np_values)
    raw = np.ascontiguousarray(np_values).view(np.uint8)
    w = raw.size // n if n else 1
    return rows_of_equal_width(raw.reshape(n, w) if n else raw.reshape(0, 1), validity, null_count)


def _validity(arr: pa.Array):
    if arr.null_count == 0:
        return None, 0
    # a fresh, zero-offset validity bitmap
    mask = np.packbits(~np.asarray(arr.is_null().to_numpy(zero_copy_only=False)), bitorder="little")
    return pa.py_buffer(mask.tobytes()), arr.null_count


def _numbers(arr: pa.Array, dtype: str) -> np.ndarray:
    filled = arr.fill_null(False if pa.types.is_boolean(arr.type) else 0) if arr.null_count else arr
    return filled.to_numpy(zero_copy_only=False).astype(dtype)


def fixed_values(arr: pa.Array, oid: int) -> Fixed | None:
    """A fixed-width column without NULLs as the values that DataRow rows take in as they
    are built (datarow.Fixed), in their native dtype: the rows' assignment byte-swaps."""
    t = arr.type
    if arr.null_count or pa.types.is_dictionary(t):
        return None
    if oid in _FIXED and (pa.types.is_integer(t) or pa.types.is_floating(t)):
        return Fixed(arr.to_numpy(zero_copy_only=False), np.dtype(_FIXED[oid]))
    if oid in (T.TIMESTAMP, T.TIMESTAMPTZ) and pa.types.is_timestamp(t):
        us = arr.cast(pa.timestamp("us", t.tz)).cast(pa.int64()).to_numpy(zero_copy_only=False)
        return Fixed(us - _US_2000, np.dtype(">i8"))
    if oid == T.DATE and pa.types.is_date32(t):
        days = arr.cast(pa.int32()).to_numpy(zero_copy_only=False)
        return Fixed(days.astype(np.int64) - _DAYS_2000, np.dtype(">i4"))
    if oid == T.BOOL and pa.types.is_boolean(t):
        return Fixed(arr.to_numpy(zero_copy_only=False), np.dtype("u1"))
    return None


def encode_binary_array(arr: pa.Array, oid: int) -> pa.Array:
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.binary())
    validity, nulls = _validity(arr)
    if oid in _FIXED and (pa.types.is_integer(t) or pa.types.is_floating(t)):
        return fixed_width(_numbers(arr, _FIXED[oid]), validity, nulls)
    if oid == T.BOOL and pa.types.is_boolean(t):
        return fixed_width(_numbers(arr, "u1"), validity, nulls)
    if oid == T.DATE and pa.types.is_date32(t):
        days = _numbers(arr.cast(pa.int32()), ">i4")
        return fixed_width((days.astype(np.int64) - _DAYS_2000).astype(">i4"), validity, nulls)
    if oid in (T.TIMESTAMP, T.TIMESTAMPTZ) and pa.types.is_timestamp(t):
        us = arr.cast(pa.timestamp("us", t.tz)).cast(pa.int64())
        return fixed_width((_numbers(us, "i8") - _US_2000).astype(">i8"), validity, nulls)
    if oid == T.TIME and pa.types.is_time(t):
        us = arr.cast(pa.time64("us")).cast(pa.int64())
        return fixed_width(_numbers(us, ">i8"), validity, nulls)
    if oid in (T.TEXT, T.VARCHAR, T.BPCHAR, T.NAME, T.JSON, T.BYTEA, T.UNKNOWN) and (
            pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t)
            or pa.types.is_large_binary(t) or pa.types.is_string_view(t)):
        return to_binary(arr)
    if oid == T.JSONB and (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return pc.binary_join_element_wise(pa.scalar(b"\x01"), to_binary(arr), b"")
    if oid == T.UUID and pa.types.is_fixed_size_binary(t):
        return arr.cast(pa.binary())
    if oid == T.UUID and (pa.types.is_string(t) or pa.types.is_large_string(t)):
        hexs = pc.replace_substring(arr, "-", "")
        filled = hexs.fill_null("0" * 32) if hexs.null_count else hexs
        raw = np.frombuffer(bytes.fromhex("".join(filled.to_pylist())), dtype=np.uint8).reshape(-1, 16)
        return fixed_width(raw.view("V16").reshape(-1), validity, nulls)
    if oid in (T.TEXT, T.VARCHAR):
        from .arrow_text import encode_text_array
        return encode_text_array(arr, oid)
    if oid == T.NUMERIC and pa.types.is_decimal128(t):
        from .numeric_binary import encode_numeric_array
        done = encode_numeric_array(arr)
        if done is not None:
            return done
    if oid == T.INTERVAL and pa.types.is_interval(t):
        return intervals_binary(arr)
    if pa.types.is_list(t) and oid in T.ELEMENT_OF_ARRAY:
        elem = T.ELEMENT_OF_ARRAY[oid]
        return lists_binary(arr, elem, lambda child: encode_binary_array(child, elem))
    # wide numerics and the rest: per value
    return pa.array([None if v is None else values.encode_binary(v, oid) for v in arr.to_pylist()], pa.binary())
