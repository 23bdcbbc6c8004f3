"""Binary COPY FROM, general path: rows with NULLs or variable-width columns.

Rows follow one another, so finding where each field starts is a walk over the rows; the
walk records only (start, length) pairs, with struct on a block of bytes. The values are
then taken a column at a time with NumPy: fixed-width numbers and timestamps by one gather,
text and bytea straight into Arrow's offsets and data buffers. Only the types without a
fixed layout here (numeric, interval, uuid, arrays …) are decoded value by value.
"""
from __future__ import annotations

import functools
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


def scan(buf: bytes, ncols: int, limit: int, line: int, row_error,
         widths: tuple | None = None) -> tuple[np.ndarray, np.ndarray, int, bool]:
    """Field starts and lengths (rows × ncols) of the whole rows at the head of `buf`, up to
    `limit`; the bytes consumed; whether the trailer (-1) was reached.

    `widths` (each column's fixed binary width, or None where it varies) lets the common row,
    every fixed-width field present, be read with one struct call per variable-width field,
    plus one, instead of one per field; other rows are read field by field. Only lengths are
    kept: the starts follow from them."""
    layout = _layout(widths) if widths is not None else None
    row_starts: list[int] = []   # rows read field by field, since the last part
    lengths: list[int] = []
    parts: list[tuple] = []      # (starts, lengths) arrays of rows, in order
    size = len(buf)
    pos, rows, done = 0, 0, False

    def close_part():
        if row_starts:
            parts.append((np.array(row_starts, dtype=np.int64), np.array(lengths, dtype=np.int64).reshape(-1, ncols)))
            row_starts.clear()
            lengths.clear()
    while rows < limit and pos + 2 <= size:
        if layout is not None:
            pos, rows, part = _fast_rows(buf, pos, size, limit, rows, layout)
            if part is not None:
                close_part()
                parts.append(part)
            if part is None or len(part[0]) < _FEW_ROWS:
                layout = None   # rows of another shape are common here: field by field for this block
            if rows >= limit or pos + 2 > size:
                break
        p = _row_by_fields(buf, pos, size, ncols, line + rows + 1, row_error, lengths)
        if p == _TRAILER:
            pos, done = pos + 2, True
            break
        if p < 0:
            break   # a row cut off by the block's end
        row_starts.append(pos)
        pos, rows = p, rows + 1
    close_part()
    if parts:
        first = np.concatenate([a for a, _ in parts])
        lens = np.concatenate([b for _, b in parts])
    else:
        first, lens = np.zeros(0, dtype=np.int64), np.zeros((0, ncols), dtype=np.int64)
    step = 4 + np.maximum(lens, 0)
    starts = first[:, None] + 6 + np.cumsum(step, axis=1) - step
    return starts, lens, pos, done


_TRAILER = -2
_FEW_ROWS = 64   # a fast stretch shorter than this: the block's rows are read field by field


@functools.lru_cache(maxsize=64)
def _layout(widths: tuple):
    """A row with every fixed-width field present, as struct reads: the first from the row's
    start (the field count, the lengths up to the first variable-width field's, included;
    values skipped), then one from after each variable field's bytes. With the lengths each
    read must find, and where in a row's lengths the variable ones are."""
    reads, fmt, expect = [], "!h", [len(widths)]
    for w in widths:
        if w is None:
            reads.append((struct.Struct(fmt + "i"), tuple(expect)))
            fmt, expect = "!", []
        else:
            fmt += f"i{w}x"
            expect.append(w)
    tail = (struct.Struct(fmt), tuple(expect)) if expect else None
    return reads, tail, tuple(w if w is not None else 0 for w in widths), [i for i, w in enumerate(widths) if w is None]


def _fast_rows(buf, pos, size, limit, rows, layout):
    """Rows of the common shape from `pos` on, until one is not (or the block, or `limit`,
    ends): the position and row count after them, and their (starts, lengths) arrays, or None."""
    reads, tail, fixed_lengths, var_at = layout
    if len(reads) == 1:     # one variable-width field (text, say): the hot case
        return _fast_rows_one_var(buf, pos, size, limit, rows, layout)
    if not reads:
        return pos, rows, None   # no variable field: the fixed-width path reads these rows
    starts, lengths = [], []
    while rows < limit:     # several variable-width fields
        p, got = pos, list(fixed_lengths)
        for (st, want), k in zip(reads, var_at):
            if p + st.size > size:
                break
            vals = st.unpack_from(buf, p)
            n = vals[-1]
            if vals[:-1] != want or n < -1:
                break
            got[k] = n
            p += st.size + (n if n > 0 else 0)
        else:
            if tail:
                if p + tail[0].size > size or tail[0].unpack_from(buf, p) != tail[1]:
                    break
                p += tail[0].size
            if p > size:
                break
            starts.append(pos)
            lengths += got
            pos, rows = p, rows + 1
            continue
        break
    if not starts:
        return pos, rows, None
    return pos, rows, (np.array(starts, dtype=np.int64), np.array(lengths, dtype=np.int64).reshape(len(starts), -1))


def _be(data: np.ndarray, at: np.ndarray, width: int) -> np.ndarray:
    """The big-endian signed integers of `width` bytes at each offset `at`."""
    v = np.zeros(len(at), dtype=np.int64)
    for i in range(width):
        v = (v << 8) | data[at + i]
    sign = np.int64(1) << (8 * width - 1)
    return (v ^ sign) - sign


_CHECK_ROWS = 4096   # rows followed, then checked at once


def _fast_rows_one_var(buf, pos, size, limit, rows, layout):
    """As _fast_rows, for one variable-width field: the loop only reads each row's field count
    and variable length, to find the next row; the fixed-width lengths are then checked with
    NumPy, _CHECK_ROWS rows at a time, and the rows from the first that is not of the common
    shape are left to the caller."""
    reads, tail, fixed_lengths, var_at = layout
    (head, _), = reads
    k = var_at[0]
    at = head.size - 4                      # the variable field's length, from the row's start
    row_size = head.size + (tail[0].size if tail else 0)
    # the field count too: a row whose fixed-width field is NULL misplaces the next row, whose
    # count then stops the loop at once
    unpack = struct.Struct(f"!h{at - 2}xi").unpack_from
    ncols = len(fixed_lengths)
    data = np.frombuffer(buf, dtype=np.uint8)
    parts_s, parts_v = [], []
    p, n_rows = pos, rows
    while n_rows < limit:
        starts, var = [], []
        want = min(_CHECK_ROWS, limit - n_rows)
        for _ in range(want):
            if p + row_size > size:
                break
            count, n = unpack(buf, p)
            if count != ncols:
                break
            end = p + row_size + (n if n > 0 else 0)
            if end > size:
                break
            starts.append(p)
            var.append(n)
            p = end
        if not starts:
            break
        s = np.array(starts, dtype=np.int64)
        v = np.array(var, dtype=np.int64)
        ok = v >= -1
        offset = 2
        for i, w in enumerate(fixed_lengths):   # each field's length where the common shape puts it
            if i != k:
                ok &= _be(data, s + offset + (np.maximum(v, 0) if i > k else 0), 4) == w
            offset += 4 + (w if i != k else 0)
        good = len(s) if ok.all() else int(np.argmin(ok))
        parts_s.append(s[:good])
        parts_v.append(v[:good])
        n_rows += good
        if good < want:   # a row not of the common shape, the block's end, the trailer
            p = starts[good] if good < len(starts) else p
            break
    if n_rows == rows:
        return pos, rows, None
    s, v = np.concatenate(parts_s), np.concatenate(parts_v)
    lens = np.tile(np.array(fixed_lengths, dtype=np.int64), (len(s), 1))
    lens[:, k] = v
    return p, n_rows, (s, lens)


def _row_by_fields(buf: bytes, pos: int, size: int, ncols: int, line: int, row_error, lengths: list) -> int:
    """The end of the row at `pos`, read field by field, its lengths appended; -1 when it is
    cut off by the block's end (nothing appended); _TRAILER at the trailer."""
    (count,) = _COUNT.unpack_from(buf, pos)
    if count == -1:
        return _TRAILER
    if count != ncols:
        raise row_error(f"row field count is {count}, expected {ncols}", line)
    p, got = pos + 2, []
    for _ in range(ncols):
        if p + 4 > size:
            return -1
        (n,) = _LENGTH.unpack_from(buf, p)
        p += 4
        got.append(n)
        if n > 0:
            p += n
        elif n < -1:
            raise row_error(f"invalid field length {n}", line)
    if p > size:
        return -1
    lengths += got
    return p


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
