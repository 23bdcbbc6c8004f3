"""NUMERIC in PostgreSQL's binary form, a whole Arrow decimal array at a time.

The wire value is int16 ndigits, int16 weight, int16 sign, int16 dscale, then ndigits
base-10,000 digits, most significant first, leading and trailing zero digits left out.
Decimals whose unscaled values fit in 64 bits (DuckDB's DECIMAL up to 18 digits) with a
scale up to 15 are done here with NumPy; the rest go value by value.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

_INT_GROUPS = 5   # 10,000**5 > 2**63: the integer part of an int64 fits in five groups


def _unscaled_int64(arr: pa.Array) -> np.ndarray | None:
    """The unscaled values as int64, or None when one needs more than 64 bits."""
    words = np.frombuffer(arr.buffers()[1], dtype="<i8", count=2 * (len(arr) + arr.offset))[2 * arr.offset:]
    low, high = words[0::2], words[1::2]
    if not np.array_equal(high, low >> 63):
        return None
    return low


def encode_numeric_array(arr: pa.Array) -> pa.Array | None:
    t = arr.type
    if not pa.types.is_decimal128(t) or t.scale < 0 or t.scale > 15:
        return None
    u = _unscaled_int64(arr)
    if u is None:
        return None
    n, s = len(arr), t.scale
    valid = np.ones(n, bool) if arr.null_count == 0 else np.asarray(arr.is_valid())
    u = np.where(valid, u, 0)
    neg = u < 0
    a = np.abs(u).astype(np.uint64)
    whole, frac = a // np.uint64(10 ** s), a % np.uint64(10 ** s)
    fg = (s + 3) // 4                              # digit groups after the point
    frac = frac * np.uint64(10 ** (4 * fg - s))    # < 10**(4 * fg) <= 10**18
    groups = np.empty((n, _INT_GROUPS + fg), np.uint16)
    for k in range(_INT_GROUPS):
        groups[:, k] = (whole // np.uint64(10_000 ** (_INT_GROUPS - 1 - k))) % np.uint64(10_000)
    for j in range(fg):
        groups[:, _INT_GROUPS + j] = (frac // np.uint64(10_000 ** (fg - 1 - j))) % np.uint64(10_000)
    nonzero = groups != 0
    any_digit = nonzero.any(axis=1)
    first = np.where(any_digit, nonzero.argmax(axis=1), 0)
    last = np.where(any_digit, groups.shape[1] - 1 - nonzero[:, ::-1].argmax(axis=1), -1)
    ndigits = np.where(any_digit, last - first + 1, 0)
    weight = np.where(any_digit, _INT_GROUPS - 1 - first, 0)
    header = np.stack([ndigits, weight, np.where(neg, 0x4000, 0), np.full(n, s)], axis=1).astype(np.uint16)
    cells = np.concatenate([header, groups], axis=1)
    col = np.arange(groups.shape[1])
    keep = np.concatenate([np.ones((n, 4), bool), (col >= first[:, None]) & (col <= last[:, None])], axis=1)
    keep &= valid[:, None]
    data = cells[keep].astype(">u2").tobytes()
    lengths = np.where(valid, 2 * (4 + ndigits), 0).astype(np.int32)
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    validity = None if arr.null_count == 0 else pa.array(valid).buffers()[1]
    return pa.Array.from_buffers(pa.binary(), n, [validity, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)],
                                 null_count=arr.null_count)
