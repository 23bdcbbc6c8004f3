"""Binary COPY FROM, fast path: when every column has a fixed width and a chunk has no NULL,
its rows all have one size, so NumPy reads a whole chunk as one structured array (the
field counts and lengths checked in bulk) instead of one field at a time."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

PG_EPOCH_DAYS = 10957            # 2000-01-01 - 1970-01-01
PG_EPOCH_US = PG_EPOCH_DAYS * 86_400_000_000

# Arrow type → (wire dtype, width) for the types whose binary form has a fixed size
_WIRE = {pa.bool_(): (">u1", 1), pa.int16(): (">i2", 2), pa.int32(): (">i4", 4), pa.int64(): (">i8", 8),
         pa.float32(): (">f4", 4), pa.float64(): (">f8", 8), pa.date32(): (">i4", 4)}


def _wire(t: pa.DataType):
    if pa.types.is_timestamp(t) and t.unit == "us":
        return (">i8", 8)
    return _WIRE.get(t)


def row_dtype(schema: pa.Schema) -> np.dtype | None:
    """The structured dtype of one row, or None when a column's width varies."""
    fields = [("n", ">i2")]
    for i, f in enumerate(schema):
        w = _wire(f.type)
        if w is None:
            return None
        fields += [(f"l{i}", ">i4"), (f"v{i}", w[0])]
    return np.dtype(fields)


def decode_rows(buf: bytes, schema: pa.Schema, dtype: np.dtype) -> pa.RecordBatch | None:
    """`buf` holds whole rows; None when they are not all full-width, non-NULL rows."""
    rows = np.frombuffer(buf, dtype=dtype)
    if not (rows["n"] == len(schema)).all():
        return None
    cols = []
    for i, f in enumerate(schema):
        if not (rows[f"l{i}"] == _wire(f.type)[1]).all():
            return None   # a NULL (or a bad length): the careful path decodes it
        v = rows[f"v{i}"]
        if pa.types.is_boolean(f.type):
            cols.append(pa.array(v != 0))
        elif pa.types.is_date32(f.type):
            cols.append(pa.array((v.astype(np.int32) + PG_EPOCH_DAYS), pa.date32()))
        elif pa.types.is_timestamp(f.type):
            cols.append(pa.array(v.astype(np.int64) + PG_EPOCH_US, f.type))
        else:
            cols.append(pa.array(v.astype(v.dtype.newbyteorder("="))).cast(f.type))
    return pa.RecordBatch.from_arrays(cols, schema=schema)
