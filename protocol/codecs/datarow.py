"""Encoded columns → the DataRow messages of a whole batch, as one bytes-like object."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def rows_of_equal_width(raw: np.ndarray, validity: pa.Buffer | None = None, null_count: int = 0) -> pa.Array:
    """An (n, w) uint8 matrix as a binary array of n values of w bytes, without a copy
    (offsets 0, w, 2w …) — cheaper than a fixed-size binary array cast to binary."""
    n, w = raw.shape
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    return pa.Array.from_buffers(pa.binary(), n, [validity, pa.py_buffer(offsets), pa.py_buffer(
        np.ascontiguousarray(raw))], null_count=null_count)


def _lengths(col: pa.Array) -> np.ndarray:
    n = len(col)
    offsets = np.frombuffer(col.buffers()[1], dtype=np.int32, count=n + 1, offset=col.offset * 4)
    lengths = np.diff(offsets).astype(np.int64)
    if col.null_count:
        lengths[col.is_null().to_numpy(zero_copy_only=False)] = -1
    return lengths


def _int32_column(v: np.ndarray) -> pa.Array:
    return rows_of_equal_width(_int32_matrix(v))


def _int32_matrix(v: np.ndarray) -> np.ndarray:
    return v.astype(">i4").view(np.uint8).reshape(-1, 4)


class Fixed(NamedTuple):
    """A column without NULLs whose values all take `wire` bytes: `values`, (n,) in any dtype
    that numpy casts to `wire` ('>i4' from int32, 'V9' from a view of 9-byte strings …). The
    cast, byte swap included, happens as the values are written into their rows."""
    values: np.ndarray
    wire: np.dtype


def _as_fixed(col: pa.Array, lengths: np.ndarray) -> Fixed | None:
    """A binary column whose values all have one width and no NULLs, as a Fixed view of its
    data; None otherwise."""
    n = len(col)
    if col.null_count or n == 0 or lengths.min() != lengths.max():
        return None
    w = int(lengths[0])
    start = int(np.frombuffer(col.buffers()[1], dtype=np.int32, count=1, offset=col.offset * 4)[0])
    data = col.buffers()[2]
    if data is None or w == 0:
        return Fixed(np.empty(n, dtype="V0"), np.dtype("V0"))
    return Fixed(np.frombuffer(data, dtype=f"V{w}", count=n, offset=start), np.dtype(f"V{w}"))


class _RowRun:
    """The fixed-width stretch of every row between two values of varying width: a NumPy
    record per row, each field written by one strided assignment. Building the rows this
    way, instead of framing each column and then joining or stacking them, touches each
    output byte once (asyncpg's 1M-row fetch: 180 -> 30 ms of encoding)."""

    def __init__(self) -> None:
        self.fields: list[tuple[str, np.dtype]] = []
        self.values: list = []

    def add(self, wire, value) -> None:
        wire = np.dtype(wire)
        if wire.itemsize:
            self.fields.append((f"f{len(self.fields)}", wire))
            self.values.append(value)

    def build(self, n: int) -> np.ndarray:
        """(n, width) uint8 rows."""
        rows = np.empty(n, dtype=np.dtype(self.fields))
        for (name, _), value in zip(self.fields, self.values):
            rows[name] = value
        return rows.view(np.uint8).reshape(n, -1)


def encode_datarows(columns: list, num_rows: int) -> bytes | memoryview:
    """All DataRows of one batch: 'D', int32 length, int16 count, then (int32 len, bytes)….
    A column is a binary Arrow array of its encoded values (NULLs where NULL), or Fixed.
    Returns a bytes-like object; no copy of the rows is made to turn it into bytes."""
    if num_rows == 0:
        return b""
    cols = []
    total = np.int64(4 + 2)            # a row's length, less its type byte: a scalar while it is one
    for col in columns:
        if isinstance(col, Fixed):
            total = total + 4 + col.wire.itemsize
        else:
            lengths = _lengths(col)
            fixed = _as_fixed(col, lengths)
            if fixed is not None:
                col = fixed
                total = total + 4 + fixed.wire.itemsize
            else:
                total = total + 4 + np.maximum(lengths, 0)
                col = (col.fill_null(b"") if col.null_count else col, lengths)
        cols.append(col)
    run, parts = _RowRun(), []
    run.add("u1", ord("D"))
    run.add(">i4", total)
    run.add(">i2", len(columns))
    for col in cols:
        if isinstance(col, Fixed):
            run.add(">i4", col.wire.itemsize)
            run.add(col.wire, col.values)
        else:
            values, lengths = col
            run.add(">i4", lengths)
            parts += [run.build(num_rows), values]
            run = _RowRun()
    if run.fields:
        parts.append(run.build(num_rows))
    if len(parts) == 1:
        return memoryview(parts[0]).cast("B").toreadonly()
    joined = pc.binary_join_element_wise(
        *[rows_of_equal_width(p) if isinstance(p, np.ndarray) else p for p in parts], b"")
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32, count=num_rows + 1, offset=joined.offset * 4)
    return memoryview(joined.buffers()[2]).cast("B").toreadonly()[int(offsets[0]):int(offsets[-1])]


def frame_elements(type_byte: bytes, arr: pa.Array) -> bytes:
    """Each element of a binary array as one message of its own (e.g. a CopyData per row,
    as PostgreSQL sends them and as psycopg's row reader expects)."""
    n = len(arr)
    if n == 0:
        return b""
    lengths = _lengths(arr)
    header = np.empty((n, 5), dtype=np.uint8)
    header[:, 0] = type_byte[0]
    header[:, 1:5] = (lengths + 4).astype(">i4").view(np.uint8).reshape(-1, 4)
    head = rows_of_equal_width(header)
    joined = pc.binary_join_element_wise(head, arr, b"")
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32, count=n + 1, offset=joined.offset * 4)
    return joined.buffers()[2].to_pybytes()[int(offsets[0]):int(offsets[-1])]


def encode_rows_python(rows, encoders) -> bytes:
    """The lean path for a handful of rows from fetchall(): no Arrow round trip."""
    out = bytearray()
    ncols = len(encoders).to_bytes(2, "big")
    for row in rows:
        body = bytearray(ncols)
        for v, enc in zip(row, encoders):
            if v is None:
                body += b"\xff\xff\xff\xff"
            else:
                b = enc(v)
                body += len(b).to_bytes(4, "big") + b
        out += b"D" + (len(body) + 4).to_bytes(4, "big") + body
    return bytes(out)
