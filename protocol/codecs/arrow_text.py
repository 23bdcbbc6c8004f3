"""Arrow arrays → PostgreSQL text output, a whole array at a time (pyarrow compute)."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import types as T
from . import values
from .arrow_compound import intervals_text, lists_text
from .float_text import format_floats

_HEX = np.frombuffer(b"".join(f"{i:02x}".encode() for i in range(256)), dtype=np.uint8).reshape(256, 2)


def to_binary(arr: pa.Array) -> pa.Array:
    """Any string-like Arrow array as plain `binary` (32-bit offsets)."""
    t = arr.type
    if pa.types.is_string_view(t) or pa.types.is_binary_view(t):
        arr = arr.cast(pa.string() if pa.types.is_string_view(t) else pa.binary())
        t = arr.type
    if pa.types.is_large_string(t) or pa.types.is_large_binary(t):
        arr = arr.cast(pa.large_binary()).cast(pa.binary())
    elif not pa.types.is_binary(arr.type):
        arr = arr.cast(pa.binary())
    return arr


def _trim_fraction(s: pa.Array) -> pa.Array:
    # '…05.120000' → '…05.12'; '…05.000000' → '…05'
    s = pc.replace_substring_regex(s, r"(\.\d*?)0+$", r"\1")
    return pc.replace_substring_regex(s, r"\.$", "")


def _trim_fixed_fraction(s: pa.Array) -> pa.Array | None:
    """'YYYY-MM-DD HH:MM:SS.ffffff' → trailing fraction zeros (and a bare '.') dropped, with
    NumPy on the fixed-width bytes; None when the strings are not all of that shape."""
    s = to_binary(s)
    n = len(s)
    if n == 0 or s.offset:
        return None
    offsets = np.frombuffer(s.buffers()[1], dtype=np.int32, count=n + 1)
    data = np.frombuffer(s.buffers()[2], dtype=np.uint8, count=int(offsets[-1]))
    if s.null_count:
        lengths = np.diff(offsets)
        valid = lengths != 0
        if not np.all(lengths[valid] == 26):
            return None
        rows = data.reshape(-1, 26)   # the valid rows' bytes, in order
    elif offsets[-1] == 26 * n and (n == 1 or np.diff(offsets).min() == 26):
        valid = None
        rows = data.reshape(n, 26)
    else:
        return None
    frac = rows[:, 20:26]
    if (frac == ord("0")).all():
        width = np.full(1, 19)     # whole seconds, the common case: one width, no digit search
    else:
        nonzero = frac != ord("0")
        # digits to keep: position of the last non-zero fraction digit + 1
        keep = np.where(nonzero.any(axis=1), 6 - np.argmax(nonzero[:, ::-1], axis=1), 0)
        width = np.where(keep > 0, 20 + keep, 19)
    if width.min() == width.max():
        w = int(width[0])          # one width for all: a strided copy, no mask
        out = np.ascontiguousarray(rows[:, :w])
        new_len = np.full(n, w, np.int32) if valid is None else valid.astype(np.int32) * w
    else:
        out = rows[np.arange(26)[None, :] < width[:, None]]
        new_len = np.zeros(n, np.int32)
        if valid is None:
            new_len[:] = width
        else:
            new_len[valid] = width
    new_off = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(new_len, out=new_off[1:])
    return pa.Array.from_buffers(pa.binary(), n, [s.buffers()[0], pa.py_buffer(new_off), pa.py_buffer(out)],
                                 null_count=s.null_count)


def _timestamps(arr: pa.Array, tz: str) -> pa.Array:
    if arr.type.tz is None:
        text = pc.cast(arr.cast(pa.timestamp("us")), pa.string())
        fast = _trim_fixed_fraction(text)
        return fast if fast is not None else _trim_fraction(pc.strftime(arr, "%Y-%m-%d %H:%M:%S"))
    local = pc.cast(arr, pa.timestamp(arr.type.unit, tz))
    local = local.cast(pa.timestamp(arr.type.unit, tz or "UTC"))
    body = _trim_fraction(pc.strftime(local, "%Y-%m-%d %H:%M:%S"))
    off = pc.strftime(local, "%z")
    off = pc.replace_substring_regex(off, r"^([+-]\d\d)00$", r"\1")
    off = pc.replace_substring_regex(off, r"^([+-]\d\d)(\d\d)$", r"\1:\2")
    return pc.binary_join_element_wise(body, off, "")


def _bytea(arr: pa.Array) -> pa.Array:
    """'\\x' + hex of every value, with NumPy on the data buffer."""
    arr = to_binary(arr)
    if arr.offset:
        arr = pa.concat_arrays([arr])  # a zero-offset copy keeps the buffer arithmetic simple
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=n + 1, offset=arr.offset * 4)
    start, end = int(offsets[0]), int(offsets[-1])
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[start:end] if arr.buffers()[2] else np.empty(0, np.uint8)
    lengths = np.diff(offsets)
    new_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths * 2 + 2, out=new_off[1:])
    out = np.empty(int(new_off[-1]), dtype=np.uint8)
    out[new_off[:-1]] = ord("\\")
    out[new_off[:-1] + 1] = ord("x")
    if len(data):
        row_of_byte = np.repeat(np.arange(n), lengths)
        pos = new_off[:-1][row_of_byte] + 2 + 2 * (np.arange(len(data)) - (offsets[:-1][row_of_byte] - start))
        hexd = _HEX[data]
        out[pos] = hexd[:, 0]
        out[pos + 1] = hexd[:, 1]
    validity = arr.buffers()[0] if arr.null_count else None
    return pa.Array.from_buffers(pa.large_binary(), n, [validity, pa.py_buffer(new_off.tobytes()),
                                                        pa.py_buffer(out.tobytes())],
                                 null_count=arr.null_count).cast(pa.binary())


def _per_value(arr: pa.Array, oid: int) -> pa.Array:
    # structs, maps, nested lists (JSON text): rare in bulk results; their formats are intricate
    return pa.array([None if v is None else values.encode_text(v, oid) for v in arr.to_pylist()], pa.string())


def encode_text_array(arr: pa.Array, oid: int, tz: str = "UTC") -> pa.Array:
    """PostgreSQL's text output for every value of `arr` (nulls stay null)."""
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.binary())
    if pa.types.is_boolean(t):
        return pc.if_else(arr, b"t", b"f")
    if pa.types.is_integer(t) or pa.types.is_decimal(t):
        return to_binary(pc.cast(arr, pa.string()))
    if pa.types.is_floating(t):
        return to_binary(format_floats(arr, "float4" if pa.types.is_float32(t) or pa.types.is_float16(t) else "float8"))
    if pa.types.is_timestamp(t):
        return to_binary(_timestamps(arr, tz))
    if pa.types.is_date(t):
        return to_binary(pc.cast(arr, pa.string()))
    if pa.types.is_time(t):
        return to_binary(_trim_fraction(pc.cast(arr, pa.string())))
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return to_binary(arr)
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        if oid == T.UUID and pa.types.is_fixed_size_binary(t):
            return _per_value(pa.array([None if v is None else str(__import__("uuid").UUID(bytes=v))
                                        for v in arr.to_pylist()]), T.TEXT)
        return to_binary(_bytea(arr if not pa.types.is_fixed_size_binary(t) else arr.cast(pa.binary())))
    if pa.types.is_interval(t):
        return to_binary(intervals_text(arr))
    if pa.types.is_list(t) and oid in T.ELEMENT_OF_ARRAY:
        elem = T.ELEMENT_OF_ARRAY[oid]
        return to_binary(lists_text(arr, lambda child: encode_text_array(child, elem, tz)))
    return to_binary(_per_value(arr, oid))
