"""Arrow types → PostgreSQL OIDs, for data that carries no richer type name."""
from __future__ import annotations

import pyarrow as pa

from .. import types as T


def oid_for_arrow(t: pa.DataType) -> int:
    if pa.types.is_boolean(t):
        return T.BOOL
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t):
        return T.INT2
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return T.INT4
    if pa.types.is_int64(t) or pa.types.is_uint32(t):
        return T.INT8
    if pa.types.is_uint64(t) or pa.types.is_decimal(t):
        return T.NUMERIC
    if pa.types.is_float32(t) or pa.types.is_float16(t):
        return T.FLOAT4
    if pa.types.is_float64(t):
        return T.FLOAT8
    if pa.types.is_date(t):
        return T.DATE
    if pa.types.is_time(t):
        return T.TIME
    if pa.types.is_timestamp(t):
        return T.TIMESTAMPTZ if t.tz else T.TIMESTAMP
    if pa.types.is_interval(t) or pa.types.is_duration(t):
        return T.INTERVAL
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return T.BYTEA
    if pa.types.is_fixed_size_binary(t) and t.byte_width == 16:
        return T.UUID
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        vt = t.value_type
        if pa.types.is_struct(vt) or pa.types.is_nested(vt):
            return T.JSON
        return T.array_of(oid_for_arrow(vt))
    if pa.types.is_struct(t) or pa.types.is_map(t):
        return T.JSON
    if pa.types.is_dictionary(t):
        return oid_for_arrow(t.value_type)
    return T.TEXT
