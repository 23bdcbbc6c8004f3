"""Preprocessing learnt on the training data: NULL imputation, standardization, one-hot
for text/boolean/low-cardinality columns, date/timestamp parts.

`transform` is the NumPy reference; the ONNX compiler emits the same steps as graph
nodes, and the parity test holds them to each other.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_CATEGORIES = 50

NUMERIC = "numeric"
CATEGORY = "category"
DATETIME = "datetime"


@dataclass
class ColumnSpec:
    name: str
    sql_type: str            # DuckDB type of the function parameter
    kind: str                # numeric | category | datetime
    fill: float = 0.0        # imputation value (the training mean)
    mean: float = 0.0
    std: float = 1.0
    categories: list = field(default_factory=list)
    log: bool = False        # heavy right tail (amounts, counts): standardize log1p(x)

    def width(self) -> int:
        return {NUMERIC: 1, DATETIME: 3, CATEGORY: len(self.categories)}[self.kind]


@dataclass
class FeatureSpec:
    columns: list

    def to_dict(self) -> dict:
        return {"columns": [asdict(c) for c in self.columns]}

    @classmethod
    def from_dict(cls, d: dict) -> "FeatureSpec":
        return cls([ColumnSpec(**c) for c in d["columns"]])

    @property
    def numeric_inputs(self) -> list:
        """The columns of the `num` input, plain ones first, then the log1p ones, so that
        the graph splits them with one Split instead of gathering."""
        num = [c for c in self.columns if c.kind in (NUMERIC, DATETIME)]
        return [c for c in num if not c.log] + [c for c in num if c.log]

    @property
    def num_dtype(self):
        """float32 unless a date/timestamp column needs epoch seconds in full precision."""
        return np.float64 if any(c.kind == DATETIME for c in self.columns) else np.float32

    def numeric_order(self) -> tuple[list, list]:
        """Indices (into numeric_inputs) of the plain and the log1p columns: z is laid out
        plain first, then logged, so the graph needs no reordering."""
        numeric = self.numeric_inputs
        return ([i for i, c in enumerate(numeric) if not c.log], [i for i, c in enumerate(numeric) if c.log])

    @property
    def category_inputs(self) -> list:
        return [c for c in self.columns if c.kind == CATEGORY]

    def width(self) -> int:
        return sum(c.width() for c in self.columns)


def kind_of(t: pa.DataType) -> str:
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return DATETIME
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return NUMERIC
    return CATEGORY  # text, boolean, enum, anything else


def numeric_values(arr: pa.Array) -> np.ndarray:
    """Any numeric/boolean/temporal Arrow array as float64, NULL → NaN (timestamps: epoch s)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_date(t):
        arr = pc.multiply(arr.cast(pa.int32()).cast(pa.float64()), 86400.0)
    elif pa.types.is_timestamp(t):
        arr = pc.divide(arr.cast(pa.timestamp("us", t.tz)).cast(pa.int64()).cast(pa.float64()), 1e6)
    elif pa.types.is_boolean(t) or pa.types.is_decimal(t) or pa.types.is_integer(t):
        arr = arr.cast(pa.float64())
    elif not pa.types.is_float64(t):
        arr = arr.cast(pa.float64())
    return arr.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)


def category_values(arr: pa.Array) -> np.ndarray:
    """Any array as strings for one-hot matching; NULL → '' (matches no category)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_boolean(arr.type):
        arr = pc.if_else(arr, "true", "false")
    s = arr.cast(pa.string()).fill_null("")
    return np.asarray(s.to_numpy(zero_copy_only=False), dtype=object)


def _skew(v: np.ndarray) -> float:
    sd = v.std()
    return float(((v - v.mean()) ** 3).mean() / sd ** 3) if sd > 0 else 0.0


SQUARE_CAP = 25.0  # z² features, capped: |z| and "far from the mean" come cheap to the network


def fit(table: pa.Table, names: list[str], sql_types: dict) -> FeatureSpec:
    cols = []
    for name in names:
        arr = table.column(name)
        kind = kind_of(arr.type)
        if kind in (NUMERIC, DATETIME):
            v = numeric_values(arr)
            finite = v[np.isfinite(v)]
            log = bool(kind == NUMERIC and finite.size and finite.min() >= 0 and _skew(finite) > 2.0)
            if log:
                finite = np.log1p(finite)
            mean = float(finite.mean()) if finite.size else 0.0
            std = float(finite.std()) if finite.size else 1.0
            fill = float(np.expm1(mean)) if log else mean
            cols.append(ColumnSpec(name, sql_types[name], kind, fill=fill, mean=mean, std=std if std > 1e-12 else 1.0,
                                   log=log))
        else:
            v = category_values(arr)
            uniq, counts = np.unique(v[v != ""], return_counts=True)
            order = np.argsort(-counts, kind="stable")[:MAX_CATEGORIES]
            cols.append(ColumnSpec(name, sql_types[name], CATEGORY, categories=[str(u) for u in uniq[order]]))
    return FeatureSpec(cols)


def raw_inputs(spec: FeatureSpec, arrays: dict) -> dict:
    """The ONNX graph's inputs from raw columns: `num` double[N,k], `cat_i` string[N,1]."""
    feeds = {}
    numeric = spec.numeric_inputs
    if numeric:
        feeds["num"] = np.stack([numeric_values(arrays[c.name]) for c in numeric], axis=1).astype(spec.num_dtype)
    for i, c in enumerate(spec.category_inputs):
        feeds[f"cat_{i}"] = category_values(arrays[c.name]).reshape(-1, 1)
    return feeds


def transform(spec: FeatureSpec, arrays: dict) -> np.ndarray:
    """Encoded float32 features from raw columns, in the graph's order: standardized
    numeric/date columns z, then min(z², 25), then the date parts, then the one-hot blocks."""
    return transform_inputs(spec, raw_inputs(spec, arrays))


def transform_inputs(spec: FeatureSpec, feeds: dict) -> np.ndarray:
    parts = []
    numeric = spec.numeric_inputs
    if numeric:
        dt = spec.num_dtype
        num = feeds["num"].astype(dt, copy=False)
        fill = np.array([c.fill for c in numeric], dt)
        filled = np.where(np.isnan(num), fill, num)
        plain, logged = spec.numeric_order()
        zs = []
        for idx, is_log in ((plain, False), (logged, True)):
            if not idx:
                continue
            x = filled[:, idx]
            if is_log:
                x = np.log(np.maximum(x, dt(0)) + dt(1))
            scale = np.array([1.0 / numeric[i].std for i in idx], dt)
            shift = np.array([-numeric[i].mean / numeric[i].std for i in idx], dt)
            zs.append(x * scale + shift)
        z = np.concatenate(zs, axis=1).astype(np.float32)
        parts.append(z)
        parts.append(np.minimum(z * z, np.float32(SQUARE_CAP)))
        dt_idx = [i for i, c in enumerate(numeric) if c.kind == DATETIME]
        if dt_idx:
            s = filled[:, dt_idx]
            hour = np.fmod(np.floor(s / 3600.0), 24.0) / 23.0
            dow = np.fmod(np.floor(s / 86400.0) + 4.0, 7.0) / 6.0
            parts.append(np.concatenate([hour, dow], axis=1).astype(np.float32))
    for i, c in enumerate(spec.category_inputs):
        v = feeds[f"cat_{i}"].reshape(-1)
        cats = np.asarray(c.categories, dtype=object)
        parts.append((v[:, None] == cats[None, :]).astype(np.float32))
    return np.concatenate(parts, axis=1) if parts else np.zeros((0, 0), np.float32)
