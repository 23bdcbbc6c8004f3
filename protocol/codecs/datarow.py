"""Encoded columns → the DataRow messages of a whole batch, as one bytes object."""
from __future__ import annotations

import itertools

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


def _as_matrix(col: pa.Array, lengths: np.ndarray) -> np.ndarray | None:
    """A binary column whose values all have one width and no NULLs, as an (n, w) uint8
    view of its data; None otherwise."""
    n = len(col)
    if col.null_count or n == 0 or lengths.min() != lengths.max():
        return None
    w = int(lengths[0])
    start = int(np.frombuffer(col.buffers()[1], dtype=np.int32, count=1, offset=col.offset * 4)[0])
    data = col.buffers()[2]
    if data is None or w == 0:
        return np.empty((n, 0), dtype=np.uint8)
    return np.frombuffer(data, dtype=np.uint8, count=n * w, offset=start).reshape(n, w)


def _coalesced(segments: list) -> list:
    """Adjacent fixed-width segments ((n, w) matrices) as one: the join below then copies
    a row in fewer, larger pieces, and a batch of fixed-width columns needs no join."""
    out = []
    for fixed, run in itertools.groupby(segments, key=lambda seg: isinstance(seg, np.ndarray)):
        run = list(run)
        out += [np.hstack(run) if len(run) > 1 else run[0]] if fixed else run
    return out


def encode_datarows(columns: list[pa.Array], num_rows: int, framed: list[bool] | None = None) -> bytes:
    """All DataRows of one batch: 'D', int32 length, int16 count, then (int32 len, bytes)….
    A column marked `framed` already carries its int32 length before each value."""
    if num_rows == 0:
        return b""
    ncols = len(columns)
    segments = []   # in row order: (n, w) uint8 matrices, or binary arrays of varying width
    total = np.full(num_rows, 4 + 2, dtype=np.int64)
    for i, col in enumerate(columns):
        lengths = _lengths(col)
        if framed and framed[i]:
            total += lengths
        else:
            total += 4 + np.maximum(lengths, 0)
            segments.append(_int32_matrix(lengths))
        fixed = _as_matrix(col, lengths)
        segments.append(fixed if fixed is not None else col.fill_null(b"") if col.null_count else col)
    header = np.empty((num_rows, 7), dtype=np.uint8)
    header[:, 0] = ord("D")
    header[:, 1:5] = total.astype(">i4").view(np.uint8).reshape(-1, 4)
    header[:, 5:7] = np.frombuffer(np.array([ncols], ">i2").tobytes(), np.uint8)
    parts = _coalesced([header, *segments])
    if len(parts) == 1:
        return np.ascontiguousarray(parts[0]).tobytes()
    joined = pc.binary_join_element_wise(
        *[rows_of_equal_width(p) if isinstance(p, np.ndarray) else p for p in parts], b"")
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32, count=num_rows + 1, offset=joined.offset * 4)
    return joined.buffers()[2].to_pybytes()[int(offsets[0]):int(offsets[-1])]


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
