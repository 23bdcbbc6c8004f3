"""float4/float8 text output as PostgreSQL 12+ writes it, a whole Arrow array at a time.

Both Arrow and PostgreSQL print the shortest digits that read back to the same value;
they differ only in where they switch to exponent form. PostgreSQL writes `d.ddde±XX`
(at least two exponent digits) when the decimal exponent is below -4 or reaches the
type's precision (15 for float8, 6 for float4); Arrow switches outside [-7, 10). So the
exponent of each value near a switch point is read off Arrow's text and only the values
whose form differs are rewritten, grouped by exponent so that each group is a handful
of string kernels.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

PRECISION = {"float8": 15, "float4": 6}


def _exponents(s: pa.Array, is_exp: np.ndarray) -> np.ndarray:
    """The decimal exponent of each printed value (0 for zero, NaN, infinities)."""
    exp_part = pc.extract_regex(s, r"e\+?(?P<e>-?\d+)$")
    from_exp = pc.cast(pc.struct_field(exp_part, "e").fill_null("0"), pa.int32()).to_numpy(zero_copy_only=False)
    body = pc.replace_substring(s, "-", "")
    point = pc.find_substring(body, ".").to_numpy(zero_copy_only=False)
    length = pc.utf8_length(body).to_numpy(zero_copy_only=False)
    int_digits = np.where(point >= 0, point, length)
    zeros = pc.utf8_length(pc.struct_field(pc.extract_regex(body, r"^0\.(?P<z>0*)"), "z").fill_null(""))
    zeros = zeros.to_numpy(zero_copy_only=False)
    below_one = pc.starts_with(body, "0.").to_numpy(zero_copy_only=False)
    plain = np.where(below_one, -(zeros + 1), int_digits - 1)
    return np.where(is_exp, from_exp, plain).astype(np.int64)


def _digits(s: pa.Array) -> pa.Array:
    """Significant digits, without sign, point, exponent or leading zeros."""
    mant = pc.replace_substring_regex(s, r"e[+-]\d+$", "")
    return pc.utf8_ltrim(pc.replace_substring_regex(mant, r"[-.]", ""), "0")


def _sign(s: pa.Array) -> pa.Array:
    return pc.if_else(pc.starts_with(s, "-"), "-", "")


def _as_plain(s: pa.Array, k: int) -> pa.Array:
    """`d.ddde+k` (k ≥ 0) → the same digits written out: intpart[.fraction]."""
    digits = _digits(s)
    whole = pc.utf8_rpad(pc.utf8_slice_codeunits(digits, 0, k + 1), k + 1, "0")
    frac = pc.utf8_slice_codeunits(digits, k + 1)
    dot = pc.if_else(pc.equal(pc.utf8_length(frac), 0), "", ".")
    return pc.binary_join_element_wise(_sign(s), whole, dot, frac, "")


def _as_exponent(s: pa.Array, k: int) -> pa.Array:
    digits = pc.utf8_rtrim(_digits(s), "0")
    head = pc.utf8_slice_codeunits(digits, 0, 1)
    tail = pc.utf8_slice_codeunits(digits, 1)
    dot = pc.if_else(pc.equal(pc.utf8_length(tail), 0), "", ".")
    exp = f"e{'-' if k < 0 else '+'}{abs(k):02d}"
    return pc.binary_join_element_wise(_sign(s), head, dot, tail, exp, "")


def format_floats(arr: pa.Array, kind: str = "float8") -> pa.Array:
    s = pc.cast(arr, pa.string())
    if len(s) == 0:
        return s
    x = arr.to_numpy(zero_copy_only=False)   # nulls read as NaN
    finite = np.isfinite(x)
    if not finite.all() and (np.isinf(x).any() or np.isnan(x).sum() > arr.null_count):
        s = pc.replace_substring(pc.replace_substring(s, "inf", "Infinity"), "nan", "NaN")
    # only values near or beyond either switch point can need rewriting (a margin for rounding)
    ax = np.abs(x)
    near = finite & (x != 0) & ((ax < 1.0001e-4) | (ax >= 0.9999 * 10.0 ** min(PRECISION[kind], 10)))
    if not near.any():
        return s
    sub = s.filter(pa.array(near))
    is_exp = pc.match_substring(sub, "e").to_numpy(zero_copy_only=False)
    k = _exponents(sub, is_exp)
    want_exp = (k < -4) | (k >= PRECISION[kind])
    redo = (want_exp != is_exp) | is_exp   # a form to change, or Arrow's 'e-8' for PostgreSQL's 'e-08'
    if not redo.any():
        return s
    fixed = sub
    for value in np.unique(k[redo]):
        rows = redo & (k == value)
        redone = _as_exponent(sub, int(value)) if want_exp[rows][0] else _as_plain(sub, int(value))
        fixed = pc.if_else(pa.array(rows), redone, fixed)
    return pc.replace_with_mask(s, pa.array(near), fixed)


def format_floats_to(arr: pa.Array, digits: int) -> pa.Array:
    """Floats with `digits` significant digits, as PostgreSQL writes them when extra_float_digits
    is 0 or less (C's %.*g: 15 + extra_float_digits for float8, 6 + it for float4)."""
    x = arr.to_numpy(zero_copy_only=False).astype(np.float64)
    text = np.char.mod(f"%.{max(digits, 1)}g", x)
    text = np.where(np.isnan(x), "NaN", np.where(np.isposinf(x), "Infinity", np.where(np.isneginf(x), "-Infinity", text)))
    return pa.array(text.tolist(), pa.string(), mask=arr.is_null().to_numpy(zero_copy_only=False))


def format_float_to(v: float, digits: int) -> str:
    """One value, as format_floats_to writes it."""
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    return "%.*g" % (max(digits, 1), v)
