"""ModelFunction: an ONNX Runtime session behind vectorized (Arrow) DuckDB functions.

`fn(args…)` → the label in the target's type (regression: the value);
`fn_prob(args…)` → STRUCT(labels MAP(INTEGER, T), probabilities MAP(INTEGER, DOUBLE)),
most likely first, keyed 0, 1, … so that Redshift's 0-based `x.labels[0]` means the most
likely label here too, while ordinary lists stay 1-based.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from .features import FeatureSpec, category_values, numeric_values
from .packing import packable, packed_matrix

NOT_READY = "55000"


class ModelNotReady(RuntimeError):
    pass


def providers() -> list[str]:
    import onnxruntime as ort
    have = ort.get_available_providers()
    return [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in have]


def _fast_values(arr) -> np.ndarray:
    """A column as float64 without copies where Arrow already holds doubles and no NULLs
    (the scoring hot path: 2,048 rows per call, tens of columns)."""
    if isinstance(arr, pa.ChunkedArray) and arr.num_chunks == 1:
        arr = arr.chunk(0)
    if isinstance(arr, pa.Array) and arr.null_count == 0 and pa.types.is_float64(arr.type):
        return np.frombuffer(arr.buffers()[1], dtype=np.float64, count=len(arr), offset=arr.offset * 8)
    if isinstance(arr, pa.Array) and arr.null_count == 0 and pa.types.is_int32(arr.type):
        return np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr), offset=arr.offset * 4)
    return numeric_values(arr)


class ModelRuntime:
    def __init__(self, onnx_bytes: bytes, spec: dict, problem: str, labels: list, label_type: pa.DataType) -> None:
        import onnx
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1   # DuckDB hands 2,048 rows at a time; threads cost more than they give
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        model = onnx.load_from_string(onnx_bytes)
        outputs = [o.name for o in model.graph.output]
        self.spec = FeatureSpec.from_dict(spec)
        self._variants = _lean_sessions(model, outputs, opts, packed=packable(self.spec))
        self.problem = problem
        self.label_type = label_type
        self.labels = pa.array(labels, label_type) if problem != "regression" else None
        # numbers and booleans: labels by NumPy indexing, a third of Arrow's take on 2,048 rows
        t = label_type
        self._label_values = self.labels.to_numpy(zero_copy_only=False) if self.labels is not None and \
            self.labels.null_count == 0 and (pa.types.is_integer(t) or pa.types.is_floating(t)
                                             or pa.types.is_boolean(t)) else None
        names = [c.name for c in self.spec.columns]
        self._num_idx = [names.index(c.name) for c in self.spec.numeric_inputs]
        self._cat_idx = [names.index(c.name) for c in self.spec.category_inputs]
        self._out = outputs[0]
        # graphs compiled before label_index existed: the label from the probabilities
        self._label_out = "label_index" if "label_index" in outputs else None

    def _session(self, output: str, feeds: dict):
        """The leanest graph that computes `output` for these inputs (graph_variants.py)."""
        num = feeds.get("num")
        # min() is NaN exactly when some value is (NaN propagates), without a mask to allocate
        clean = num is not None and num.size > 0 and not np.isnan(num.min())
        packed = num is not None and num.dtype != self.spec.num_dtype   # a packed call's doubles
        return self._variants.get((output, clean, packed)) or self._variants[(output, False, packed)]

    def _feeds(self, args) -> dict:
        feeds = {}
        if self._num_idx:
            n = len(args[self._num_idx[0]])
            num = np.empty((n, len(self._num_idx)), dtype=self.spec.num_dtype)
            with np.errstate(over="ignore"):   # a double beyond float32's range is infinity, as SQL's cast would say
                for j, i in enumerate(self._num_idx):
                    num[:, j] = _fast_values(args[i])
            feeds["num"] = num
        for j, i in enumerate(self._cat_idx):
            feeds[f"cat_{j}"] = category_values(args[i]).reshape(-1, 1)
        return feeds

    def packed_feeds(self, rows) -> dict:
        """The feeds of a packed call (packing.py): one DOUBLE[k] array, already in `num` order."""
        return {"num": packed_matrix(rows, len(self._num_idx))}

    def run(self, args, output: str | None = None, feeds: dict | None = None) -> np.ndarray:
        output = output or self._out
        feeds = feeds if feeds is not None else self._feeds(args)
        return self._session(output, feeds).run([output], feeds)[0]

    def predict(self, args, feeds: dict | None = None) -> pa.Array:
        if self.problem == "regression":
            return pa.array(self.run(args, feeds=feeds)[:, 0].astype(np.float64))
        if self._label_out:
            return self._labels_at(self.run(args, self._label_out, feeds))
        return self._labels_at(self.run(args, feeds=feeds).argmax(axis=1))

    def _labels_at(self, idx: np.ndarray) -> pa.Array:
        if self._label_values is not None:
            return pa.array(self._label_values[idx], type=self.label_type)
        return self.labels.take(pa.array(idx))

    def predict_proba(self, args, feeds: dict | None = None) -> pa.Array:
        out = self.run(args, feeds=feeds)
        n, k = out.shape
        order = np.argsort(-out, axis=1, kind="stable")
        probs = np.take_along_axis(out, order, axis=1).astype(np.float64).reshape(-1)
        labels = self.labels.take(pa.array(order.reshape(-1)))
        offsets = pa.array(np.arange(0, n * k + 1, k, dtype=np.int32))
        keys = pa.array(np.tile(np.arange(k, dtype=np.int32), n))
        lab_map = pa.MapArray.from_arrays(offsets, keys, labels)
        prob_map = pa.MapArray.from_arrays(offsets, keys, pa.array(probs))
        return pa.StructArray.from_arrays([lab_map, prob_map], names=["labels", "probabilities"])


def _lean_sessions(model, outputs: list[str], opts, packed: bool) -> dict:
    """(output, clean, packed) → a session of the stored graph cut down to that output,
    without imputation when `clean` (a batch with no NULL or NaN), taking doubles when
    `packed` (packed calls, when the model has them); (output, False, False) always exists."""
    import onnxruntime as ort

    from .graph_variants import only_outputs, with_double_input, without_imputation
    out = {}
    for output in outputs:
        cut = only_outputs(model, [output])
        lean = without_imputation(cut)
        for clean, graph in ((False, cut), (True, lean)):
            if graph is None:
                continue
            out[(output, clean, False)] = ort.InferenceSession(graph.SerializeToString(), opts, providers=providers())
            wide = with_double_input(graph) if packed else None
            if wide is not None:
                out[(output, clean, True)] = ort.InferenceSession(wide.SerializeToString(), opts,
                                                                  providers=providers())
    return out


def with_arity(fn, n: int):
    """DuckDB reads a UDF's arity from its signature; give a *args callable exactly n."""
    import inspect

    def udf(*args):
        return fn(*args)
    udf.__signature__ = inspect.Signature(
        [inspect.Parameter(f"arg{i}", inspect.Parameter.POSITIONAL_ONLY) for i in range(n)])
    return udf


class ModelFunctions:
    """The callables DuckDB invokes; they ask the service for the model's state each call."""

    def __init__(self, service, name: str) -> None:
        self.service = service
        self.name = name

    def _runtime(self) -> ModelRuntime:
        rt = self.service.runtime(self.name)
        if rt is None:
            state, reason = self.service.state_of(self.name)
            if state == "DROPPED":   # its functions stay registered a while (service._retire)
                raise ModelNotReady(f'[42704] model "{self.name}" does not exist: it was dropped')
            detail = f": {reason}" if reason else ""
            raise ModelNotReady(f"[{NOT_READY}] model \"{self.name}\" is not ready (state {state}){detail}")
        return rt

    def label(self, *args):
        return self._runtime().predict(args)

    def proba(self, *args):
        return self._runtime().predict_proba(args)

    def label_packed(self, rows):
        rt = self._runtime()
        return rt.predict(None, rt.packed_feeds(rows))

    def proba_packed(self, rows):
        rt = self._runtime()
        return rt.predict_proba(None, rt.packed_feeds(rows))
