"""Packed model calls: a model whose inputs are all numbers is also callable with one
DOUBLE[k] argument holding them in the order of the graph's `num` input.

DuckDB hands an Arrow UDF each argument as its own array, converted under the GIL: with
thirty arguments that costs about as much as the network itself, and two DuckDB threads
then mostly wait for each other. A `[a, b, …]::DOUBLE[k]` array is built by DuckDB's
threads without the GIL and arrives as one matrix. It holds doubles, not the graph's
float32: DuckDB's cast to FLOAT costs more per row than ONNX Runtime's Cast node that the
packed sessions put in front of the graph (graph_variants.with_double_input), and the
numbers then reach float32 exactly as on the unpacked path (doubles rounded once, a value
beyond float32's range as infinity). The translator (rules/model_calls.py) rewrites
calls; the packed functions are registered with the model's own (service.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .features import NUMERIC, FeatureSpec

PACKED_PREFIX = "redduck_packed_"

NUMERIC_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "UHUGEINT", "FLOAT", "REAL", "DOUBLE"}


@dataclass(frozen=True)
class Packing:
    function: str        # the model function as called (lower case)
    packed: str          # the function taking DOUBLE[k]
    order: tuple         # argument index of each element of the array
    param_types: tuple   # the model function's parameter types (DuckDB)


def is_numeric_type(t: str) -> bool:
    t = t.upper()
    return t in NUMERIC_TYPES or t.startswith("DECIMAL")


def packable(fs: FeatureSpec) -> bool:
    """Whether the graph's inputs are plain numbers in one float32 `num` matrix."""
    return fs.num_dtype == np.float32 and bool(fs.columns) and all(c.kind == NUMERIC for c in fs.columns)


def packing_order(spec: dict | None, param_types: list) -> tuple | None:
    """Argument indices in the order of the graph's `num` input, when every argument is a
    plain number the graph takes as float32; None otherwise (categories, dates)."""
    if not spec:
        return None
    fs = FeatureSpec.from_dict(spec)
    if not packable(fs) or len(fs.columns) != len(param_types) or not all(is_numeric_type(t) for t in param_types):
        return None
    names = [c.name for c in fs.columns]
    return tuple(names.index(c.name) for c in fs.numeric_inputs)


def packed_matrix(rows, k: int) -> np.ndarray:
    """A FixedSizeList[k] array as an (n, k) matrix of its element type, NULL elements as
    NaN (the graph imputes them), without a copy when there are none."""
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks() if rows.num_chunks != 1 else rows.chunk(0)
    n = len(rows)
    flat = rows.values.slice(rows.offset * k, n * k)   # what this (maybe sliced) array covers
    if flat.null_count:
        flat = flat.fill_null(float("nan"))
    m = flat.to_numpy(zero_copy_only=False).reshape(n, k)
    if rows.null_count:            # a NULL array (never built by the rewrite, but callable)
        m = m.copy()
        m[rows.is_null().to_numpy(zero_copy_only=False)] = np.nan
    return m
