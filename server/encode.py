"""Result pieces (python rows or Arrow batches) → DataRow bytes in the client's formats."""
from __future__ import annotations

import itertools
import os
import threading
import zoneinfo
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute  # noqa: F401

from redduck.protocol import types as T
from redduck.protocol.codecs import values
from redduck.protocol.codecs.arrow_binary import encode_binary_array, fixed_values
from redduck.protocol.codecs.arrow_text import encode_text_array, to_binary
from redduck.protocol.codecs.copy_format import copy_out_rows
from redduck.protocol.codecs.datarow import encode_datarows, encode_rows_python, frame_elements
from redduck.protocol.codecs.float_text import format_float_to, format_floats_to

# pyarrow imports pandas, where it is installed, the first time it converts an array: 150 ms
# measured inside a server's first large text result (to_numpy of a float column). Pay it
# when the server starts instead.
pa.array([0.0]).to_numpy(zero_copy_only=False)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def encoder_pool() -> ThreadPoolExecutor:
    """Threads shared by all sessions for encoding large results beside their DuckDB reads."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="redduck-encode")
        return _pool


def encode_ahead(formats: list[int]) -> int:
    """Batches of one large result encoding at once. Text costs 3-4x binary per value and the
    server is what a text client waits for; binary encoding outpaces any client on one thread,
    and a second would only take CPU from the client decoding it (measured on 2 vCPUs:
    asyncpg's own CPU per 1M rows +4% with two)."""
    return 1 if all(f == 1 for f in formats) else 2


def column_formats(formats: tuple, ncols: int) -> list[int]:
    if not formats:
        return [0] * ncols
    if len(formats) == 1:
        return [formats[0]] * ncols
    return list(formats) + [0] * (ncols - len(formats))


def _tzinfo(tz: str):
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _python_encoder(oid: int, fmt: int, tz: str, float_digits: int = 0):
    if fmt == 1:
        return lambda v: values.encode_binary(v, oid)
    if float_digits:
        return lambda v: format_float_to(v, float_digits).encode()
    if oid == T.TIMESTAMPTZ:
        tzi = _tzinfo(tz)
        return lambda v: values.format_timestamp(v, tzi).encode()
    if oid == T.TEXT or oid == T.VARCHAR:
        return lambda v: (v if isinstance(v, str) else values.encode_text(v, oid)).encode()
    if oid in (T.INT4, T.INT8, T.INT2):
        return lambda v: str(v).encode()
    return lambda v: values.encode_text(v, oid).encode()


def _merged(pieces: list) -> list:
    """Runs of Arrow batches as one batch each: encoding has a fixed cost per batch (about
    0.17 ms binary, 0.26 ms text, for four columns) and DuckDB's reader hands out 2,048 rows
    at a time. Measured on 16,384 rows: 2.7 -> 1.9 ms binary, 5.7 -> 4.0 ms text; the
    concatenation itself 0.02 ms."""
    if len(pieces) < 2:        # most results: nothing to merge (and a small one's every µs shows)
        return pieces
    out: list = []
    for arrow, run in itertools.groupby(pieces, key=lambda p: isinstance(p, pa.RecordBatch)):
        run = list(run)
        out += [run[0] if len(run) == 1 else pa.concat_batches(run)] if arrow else run
    return out


def encode_pieces(pieces: list, columns: list, formats: list[int], tz: str = "UTC") -> bytes | memoryview:
    """DataRows of every piece, as one bytes-like object (a view of the rows as encoded where
    that spares a copy of them)."""
    oids = [c.wire_codec for c in columns]
    out = []
    for piece in _merged(pieces):
        if isinstance(piece, pa.RecordBatch):
            cols = []
            for a, o, f, c in zip(piece.columns, oids, formats, columns):
                fixed = fixed_values(a, o) if f == 1 else None
                cols.append(fixed if fixed is not None else encode_binary_array(a, o) if f == 1 else
                            to_binary(format_floats_to(a, c.float_digits)) if c.float_digits else
                            encode_text_array(a, o, tz))
            out.append(encode_datarows(cols, piece.num_rows))
        else:
            encoders = [_python_encoder(o, f, tz, c.float_digits) for o, f, c in zip(oids, formats, columns)]
            out.append(encode_rows_python(piece, encoders))
    return out[0] if len(out) == 1 else b"".join(out)


def encode_copy_pieces(pieces: list, columns: list, opts, tz: str = "UTC", first_prefix: bytes = b"") -> list[bytes]:
    """COPY … TO STDOUT data as framed CopyData messages, one per row."""
    oids = [c.wire_codec for c in columns]
    out = []
    for piece in pieces:
        if not isinstance(piece, pa.RecordBatch):
            names = [c.name for c in columns]
            cols = list(zip(*piece)) if piece else [[] for _ in columns]
            arrays = [_py_to_arrow(list(col)) for col in cols]
            piece = pa.RecordBatch.from_arrays(arrays, names=names)
        rows = copy_out_rows(piece, oids, opts, tz)
        if first_prefix and len(rows):
            prefix = pa.array([first_prefix] + [b""] * (len(rows) - 1), pa.binary())
            rows = pa.compute.binary_join_element_wise(prefix, rows, b"")
            first_prefix = b""
        out.append(frame_elements(b"d", rows))
    return out


def _py_to_arrow(col: list) -> pa.Array:
    try:
        return pa.array(col)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in col], pa.string())
