"""OnnxCompiler: preprocessing + network + output head in one ONNX graph.

The one export point. The graph is emitted from the trained weights and the learnt
preprocessing with onnx.helper (no tracing), with a dynamic batch axis:
  inputs   num  double[N, k]  (numeric and date/timestamp columns; NULL = NaN)
           cat_i string[N, 1] (one per categorical column; NULL = '')
  outputs  probabilities float[N, C] and label_index int64[N] (classification: fn() asks
           for the index alone, which skips the probability head), or value float[N, 1]
"""
from __future__ import annotations

import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .features import DATETIME, SQUARE_CAP, FeatureSpec
from .trainer import TrainedNet

OPSET = 19


def compile_model(spec: FeatureSpec, net: TrainedNet, problem: str, n_classes: int) -> bytes:
    nodes, inits, inputs = [], [], []

    def const(name: str, value: np.ndarray, row: bool = True) -> str:
        value = np.asarray(value)
        if row and value.dtype.kind == "f" and value.ndim < 2:
            # a (1, k) operand, not a scalar or (k,): ONNX Runtime's broadcast of those over
            # an (N, 1) or (N, k) tensor takes its slow general path (20–30 µs a node on
            # 2,048 rows, against about 1 µs)
            value = value.reshape(1, -1)
        inits.append(numpy_helper.from_array(value, name))
        return name

    parts = []
    numeric = spec.numeric_inputs
    if numeric:
        double = spec.num_dtype == np.float64
        elem, npt = (TensorProto.DOUBLE, np.float64) if double else (TensorProto.FLOAT, np.float32)
        inputs.append(helper.make_tensor_value_info("num", elem, ["N", len(numeric)]))
        fill = const("fill", np.array([c.fill for c in numeric], npt))
        nodes += [helper.make_node("IsNaN", ["num"], ["num_nan"]),
                  helper.make_node("Where", ["num_nan", fill, "num"], ["num_filled"])]
        plain, logged = spec.numeric_order()  # contiguous: plain columns, then logged ones
        if plain and logged:
            nodes.append(helper.make_node("Split", ["num_filled", const("split_sizes", np.array(
                [len(plain), len(logged)], np.int64))], ["num_plain", "num_log"], axis=1))
        zparts = []
        for tag, idx in (("plain", plain), ("log", logged)):
            if not idx:
                continue
            src = f"num_{tag}" if plain and logged else "num_filled"
            if tag == "log":
                nodes += [helper.make_node("Max", [src, const("zero_n", np.array(0.0, npt))], ["num_pos"]),
                          helper.make_node("Add", ["num_pos", const("one_n", np.array(1.0, npt))], ["num_p1"]),
                          helper.make_node("Log", ["num_p1"], ["num_logged"])]
                src = "num_logged"
            scale = const(f"{tag}_scale", np.array([1.0 / numeric[i].std for i in idx], npt))
            shift = const(f"{tag}_shift", np.array([-numeric[i].mean / numeric[i].std for i in idx], npt))
            nodes += [helper.make_node("Mul", [src, scale], [f"z_{tag}_s"]),
                      helper.make_node("Add", [f"z_{tag}_s", shift], [f"z_{tag}"])]
            zparts.append(f"z_{tag}")
        z = zparts[0]
        if len(zparts) > 1:
            nodes.append(helper.make_node("Concat", zparts, ["num_z"], axis=1))
            z = "num_z"
        if double:
            nodes.append(helper.make_node("Cast", [z], ["num_zf"], to=TensorProto.FLOAT))
            z = "num_zf"
        nodes += [helper.make_node("Mul", [z, z], ["num_sq"]),
                  helper.make_node("Min", ["num_sq", const("sq_cap", np.array(SQUARE_CAP, np.float32))], ["num_sqc"])]
        parts += [z, "num_sqc"]
        dt_idx = [i for i, c in enumerate(numeric) if c.kind == DATETIME]
        if dt_idx:
            idx = const("dt_idx", np.array(dt_idx, np.int64))
            nodes += [helper.make_node("Gather", ["num_filled", idx], ["dt_s"], axis=1),  # double here
                      helper.make_node("Div", ["dt_s", const("c3600", np.array(3600.0))], ["dt_h"]),
                      helper.make_node("Floor", ["dt_h"], ["dt_hf"]),
                      helper.make_node("Mod", ["dt_hf", const("c24", np.array(24.0))], ["dt_hour"], fmod=1),
                      helper.make_node("Div", ["dt_hour", const("c23", np.array(23.0))], ["dt_hour_n"]),
                      helper.make_node("Div", ["dt_s", const("c86400", np.array(86400.0))], ["dt_d"]),
                      helper.make_node("Floor", ["dt_d"], ["dt_df"]),
                      helper.make_node("Add", ["dt_df", const("c4", np.array(4.0))], ["dt_d4"]),
                      helper.make_node("Mod", ["dt_d4", const("c7", np.array(7.0))], ["dt_dow"], fmod=1),
                      helper.make_node("Div", ["dt_dow", const("c6", np.array(6.0))], ["dt_dow_n"]),
                      helper.make_node("Concat", ["dt_hour_n", "dt_dow_n"], ["dt_parts"], axis=1),
                      helper.make_node("Cast", ["dt_parts"], ["dt_parts_f"], to=TensorProto.FLOAT)]
            parts.append("dt_parts_f")
    for i, c in enumerate(spec.category_inputs):
        name = f"cat_{i}"
        inputs.append(helper.make_tensor_value_info(name, TensorProto.STRING, ["N", 1]))
        vocab = const(f"vocab_{i}", np.array([c.categories], dtype=object))
        nodes += [helper.make_node("Equal", [name, vocab], [f"{name}_eq"]),
                  helper.make_node("Cast", [f"{name}_eq"], [f"{name}_oh"], to=TensorProto.FLOAT)]
        parts.append(f"{name}_oh")
    nodes.append(helper.make_node("Concat", parts, ["features"], axis=1))
    heads = []
    for mi, weights in enumerate(net.all_members()):
        h = "features"
        for li, (W, b) in enumerate(weights):
            w = const(f"m{mi}_W{li}", W.astype(np.float32))
            bb = const(f"m{mi}_b{li}", b.astype(np.float32), row=False)
            out = f"m{mi}_h{li}"
            nodes.append(helper.make_node("Gemm", [h, w, bb], [out], transB=1))
            if li < len(weights) - 1:
                nodes.append(helper.make_node("Relu", [out], [f"{out}_r"]))
                out = f"{out}_r"
            h = out
        heads.append(h)
    if len(heads) > 1:  # an ensemble: the mean of the members' raw outputs
        nodes.append(helper.make_node("Mean", heads, ["net_out"]))
        h = "net_out"
    if problem == "binary":
        thr = min(max(net.threshold, 1e-7), 1 - 1e-7)
        # shift logits so that p ≥ 0.5 exactly where p_raw ≥ the tuned threshold: fn and
        # fn_prob always agree on the label, and the ranking (AUC) is unchanged
        shift = const("logit_thr", np.array(math.log(thr / (1 - thr)), np.float32))
        nodes += [helper.make_node("Sub", [h, shift], ["logit"]),
                  helper.make_node("Sigmoid", ["logit"], ["p1"]),
                  helper.make_node("Sub", [const("one", np.array(1.0, np.float32)), "p1"], ["p0"]),
                  helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
                  # the label alone (fn()): p1 > 0.5 exactly where the raw output exceeds the shift
                  helper.make_node("Greater", [h, shift], ["is_1"]),
                  helper.make_node("Cast", ["is_1"], ["label_2d"], to=TensorProto.INT64),
                  helper.make_node("Squeeze", ["label_2d", const("axis1", np.array([1], np.int64))],
                                   ["label_index"])]
        outputs = [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2]),
                   helper.make_tensor_value_info("label_index", TensorProto.INT64, ["N"])]
    elif problem == "multiclass":
        nodes += [helper.make_node("Softmax", [h], ["probabilities"], axis=1),
                  helper.make_node("ArgMax", [h], ["label_index"], axis=1, keepdims=0)]
        outputs = [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", n_classes]),
                   helper.make_tensor_value_info("label_index", TensorProto.INT64, ["N"])]
    else:
        nodes += [helper.make_node("Mul", [h, const("y_std", np.array(net.y_std, np.float32))], ["v_scaled"]),
                  helper.make_node("Add", ["v_scaled", const("y_mean", np.array(net.y_mean, np.float32))], ["value"])]
        outputs = [helper.make_tensor_value_info("value", TensorProto.FLOAT, ["N", 1])]
    graph = helper.make_graph(nodes, "redduck_model", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="redduck")
    model.ir_version = 9
    onnx.checker.check_model(model)
    return model.SerializeToString()


def reference_outputs(spec: FeatureSpec, net: TrainedNet, problem: str, X: np.ndarray) -> np.ndarray:
    """What the graph computes, from the encoded features, with the trainer's torch module."""
    import torch

    from .trainer import _build
    outs = []
    for weights in net.all_members():
        hidden = [W.shape[0] for W, _ in weights[:-1]]
        model = _build(X.shape[1], hidden, weights[-1][0].shape[0])
        linears = [m for m in model if isinstance(m, torch.nn.Linear)]
        with torch.no_grad():
            for m, (W, b) in zip(linears, weights):
                m.weight.copy_(torch.from_numpy(W))
                m.bias.copy_(torch.from_numpy(b))
            outs.append(model(torch.from_numpy(X)).numpy())
    out = np.mean(outs, axis=0)
    if problem == "binary":
        thr = min(max(net.threshold, 1e-7), 1 - 1e-7)
        p1 = 1 / (1 + np.exp(-(out[:, 0] - math.log(thr / (1 - thr)))))
        return np.stack([1 - p1, p1], axis=1)
    if problem == "multiclass":
        e = np.exp(out - out.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)
    return out * net.y_std + net.y_mean
