"""Binary COPY FROM, general path: rows with NULLs or variable-width columns.

Rows follow one another, so finding where each field starts is a walk over the rows; the
walk records only (start, length) pairs, with struct on a block of bytes. The values are
then taken a column at a time with NumPy: fixed-width numbers and timestamps by one gather,
text and bytea straight into Arrow's offsets and data buffers. Only the types without a
fixed layout here (numeric, interval, uuid, arrays …) are decoded value by value.
"""
from __future__ import annotations

import struct

import numpy as np
import pyarrow as pa

from .. import types as T
from ..errors import PgError
from . import values
from .copy_binary_fixed import PG_EPOCH_DAYS, PG_EPOCH_US, _wire

_COUNT = struct.Struct("!h")
_LENGTH = struct.Struct("!i")
_BYTES_OIDS = {T.TEXT, T.VARCHAR, T.BPCHAR, T.NAME, T.BYTEA, T.UNKNOWN}


def scan(buf: bytes, ncols: int, limit: int, line: int, row_error) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Field starts and lengths (rows × ncols) of the whole rows at the head of `buf`, up to
    `limit`; the bytes consumed; whether the trailer (-1) was reached."""
    starts: list[int] = []
    lengths: list[int] = []
    unpack_count, unpack_len = _COUNT.unpack_from, _LENGTH.unpack_from
    size = len(buf)
    pos, rows, done = 0, 0, False
    while rows < limit and pos + 2 <= size:
        (count,) = unpack_count(buf, pos)
        if count == -1:
            pos, done = pos + 2, True
            break
        if count != ncols:
            raise row_error(f"row field count is {count}, expected {ncols}", line + rows + 1)
        p = pos + 2
        for _ in range(ncols):
            if p + 4 > size:
                break
            (n,) = unpack_len(buf, p)
            p += 4
            starts.append(p)
            lengths.append(n)
            if n > 0:
                p += n
            elif n < -1:
                raise row_error(f"invalid field length {n}", line + rows + 1)
        else:
            if p <= size:
                pos, rows = p, rows + 1
                continue
        del starts[rows * ncols:], lengths[rows * ncols:]   # a row cut off by the block's end
        break
    shape = (rows, ncols)
    return (np.array(starts, dtype=np.int64).reshape(shape), np.array(lengths, dtype=np.int64).reshape(shape),
            pos, done)


def _gather(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bytes of each field laid end to end, and Arrow's offsets for them."""
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    total = int(offsets[-1])
    if total == 0:
        return np.empty(0, np.uint8), offsets
    index = np.repeat(starts - offsets[:-1], lengths) + np.arange(total)
    return data[index], offsets


def columns(buf: bytes, starts: np.ndarray, lengths: np.ndarray, schema: pa.Schema, oids: list,
            first_line: int, row_error) -> pa.RecordBatch:
    data = np.frombuffer(buf, dtype=np.uint8)
    cols = []
    for i, field in enumerate(schema):
        s, n = starts[:, i], lengths[:, i]
        valid = n >= 0
        t = field.type
        wire = _wire(t)
        mask = None if valid.all() else ~valid
        if wire is not None:
            dtype, width = wire
            bad = valid & (n != width)
            if bad.any():
                raise row_error(f"incorrect binary data format for column {field.name}",
                                first_line + int(np.argmax(bad)) + 1)
            raw = np.zeros((len(s), width), dtype=np.uint8)
            raw[valid] = data[s[valid, None] + np.arange(width)]
            v = raw.view(dtype).reshape(-1)
            if pa.types.is_boolean(t):
                cols.append(pa.array(v != 0, mask=mask))
            elif pa.types.is_date32(t):
                cols.append(pa.array(v.astype(np.int32) + PG_EPOCH_DAYS, pa.date32(), mask=mask))
            elif pa.types.is_timestamp(t):
                cols.append(pa.array(v.astype(np.int64) + PG_EPOCH_US, t, mask=mask))
            else:
                cols.append(pa.array(v.astype(v.dtype.newbyteorder("=")), mask=mask).cast(t))
        elif oids[i] in _BYTES_OIDS and (pa.types.is_string(t) or pa.types.is_binary(t)):
            kept = np.where(valid, n, 0)
            raw, offsets = _gather(data, s, kept)
            bitmap = None if mask is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
            arr = pa.Array.from_buffers(pa.large_binary() if pa.types.is_binary(t) else pa.large_string(), len(s),
                                        [bitmap, pa.py_buffer(offsets), pa.py_buffer(raw)],
                                        null_count=int((~valid).sum()))
            if pa.types.is_string(t):
                try:
                    arr.validate(full=True)
                except pa.ArrowInvalid:
                    raise PgError("22021", f'invalid byte sequence for encoding "UTF8" in column {field.name}') \
                        from None
            cols.append(arr.cast(t))
        else:
            mv = memoryview(buf)
            cols.append(pa.array([values.decode_binary(bytes(mv[a:a + b]), oids[i]) if b >= 0 else None
                                  for a, b in zip(s.tolist(), n.tolist())], t))
    return pa.RecordBatch.from_arrays(cols, schema=schema)
