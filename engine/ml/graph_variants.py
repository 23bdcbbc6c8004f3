"""Leaner copies of a model's ONNX graph for the scoring hot path.

ONNX Runtime runs every node of a graph whatever outputs are asked for, and on 2,048-row
batches each elementwise node costs about as much as a small Gemm. So the runtime keeps,
beside the stored graph (the one export point, self-contained), copies cut from it:
  - the label alone (fn()): the probability head is not computed;
  - without NULL imputation: IsNaN + Where (the dearest preprocessing step) skipped, used
    only for a batch the runtime has checked to hold no NULL and no NaN;
  - with a double `num` input cast to float32 by the graph's first node, for packed calls
    (packing.py): ONNX Runtime's Cast costs less than DuckDB's, per row.
All are the same model: the nodes kept are the stored graph's, unchanged.
"""
from __future__ import annotations

import onnx
from onnx import helper
from onnx.utils import Extractor

FILLED = "num_filled"   # onnx_compiler's name for the imputed numeric matrix
NUM = "num"             # … and for the numeric input


def only_outputs(model: onnx.ModelProto, outputs: list[str]) -> onnx.ModelProto:
    inputs = [i.name for i in model.graph.input if i.name not in {t.name for t in model.graph.initializer}]
    return Extractor(model).extract_model(inputs, outputs)


def without_imputation(model: onnx.ModelProto) -> onnx.ModelProto | None:
    """The graph reading `num` where it read the imputed `num_filled`; None if it has none."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    nodes = list(model.graph.node)
    where = [n for n in nodes if FILLED in n.output]
    if len(where) != 1 or where[0].op_type != "Where":
        return None
    nan_masks = set(where[0].input[:1])
    keep = [n for n in nodes if n is not where[0] and not (n.op_type == "IsNaN" and set(n.output) <= nan_masks)]
    for n in keep:
        for i, name in enumerate(n.input):
            if name == FILLED:
                n.input[i] = NUM
    del model.graph.node[:]
    model.graph.node.extend(keep)
    used = {i for n in keep for i in n.input}
    inits = [t for t in model.graph.initializer if t.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(inits)
    onnx.checker.check_model(model)
    return model


def with_double_input(model: onnx.ModelProto) -> onnx.ModelProto | None:
    """The graph taking `num` as double and casting it to the float32 it computes in; None
    when its `num` is not float32."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    num = [i for i in model.graph.input if i.name == NUM]
    if len(num) != 1 or num[0].type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
        return None
    num[0].type.tensor_type.elem_type = onnx.TensorProto.DOUBLE
    cast_to = NUM + "_f32"
    for n in model.graph.node:
        for i, name in enumerate(n.input):
            if name == NUM:
                n.input[i] = cast_to
    model.graph.node.insert(0, helper.make_node("Cast", [NUM], [cast_to], to=onnx.TensorProto.FLOAT))
    onnx.checker.check_model(model)
    return model
