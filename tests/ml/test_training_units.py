"""Trainer, ONNX compiler and explainer without the server: parity, Shapley property."""
import numpy as np
import onnxruntime as ort
import pyarrow as pa
import pytest

from redduck.engine.ml import features as F
from redduck.engine.ml.explainer import shapley
from redduck.engine.ml.onnx_compiler import compile_model, reference_outputs
from redduck.engine.ml.trainer import TrainConfig, fit, forward_numpy


def table(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    x1, x2, noise = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    cat = rng.choice(["red", "green", "blue"], size=n)
    ts = pa.array((1_700_000_000 + rng.integers(0, 86400 * 30, n)) * 1_000_000, pa.timestamp("us"))
    x1_null = pa.array(np.where(rng.random(n) < 0.05, np.nan, x1), from_pandas=True)
    y = ((x1 * x2 > 0) ^ (cat == "red")).astype(np.int64)
    return pa.table({"x1": x1_null, "x2": x2, "noise": noise, "cat": cat, "ts": ts, "y": y})


@pytest.fixture(scope="module")
def trained():
    t = table()
    names = ["x1", "x2", "noise", "cat", "ts"]
    spec = F.fit(t, names, {"x1": "DOUBLE", "x2": "DOUBLE", "noise": "DOUBLE", "cat": "VARCHAR", "ts": "TIMESTAMP"})
    feeds = F.raw_inputs(spec, {n: t.column(n) for n in names})
    X = F.transform_inputs(spec, feeds)
    y = t.column("y").to_numpy()
    cfg = TrainConfig("binary", "F1", hidden=[32, 16], learning_rate=5e-3, epochs=30, seed=1)
    net = fit(X[:3200], y[:3200], X[3200:], y[3200:], cfg)
    return spec, feeds, X, y, net


def test_onnx_matches_torch(trained):
    spec, feeds, X, y, net = trained
    sess = ort.InferenceSession(compile_model(spec, net, "binary", 2), providers=["CPUExecutionProvider"])
    got = sess.run(None, feeds)[0]
    want = reference_outputs(spec, net, "binary", X)
    assert np.max(np.abs(got - want)) <= 1e-5
    assert np.array_equal(got.argmax(1), want.argmax(1))
    # and the network learnt the non-linear pattern
    assert np.mean(got[3200:].argmax(1) == y[3200:]) > 0.85


def test_reproducible_with_seed(trained):
    spec, feeds, X, y, net = trained
    cfg = TrainConfig("binary", "F1", hidden=[32, 16], learning_rate=5e-3, epochs=30, seed=1)
    again = fit(X[:3200], y[:3200], X[3200:], y[3200:], cfg)
    for (w1, b1), (w2, b2) in zip(net.weights, again.weights):
        assert np.array_equal(w1, w2) and np.array_equal(b1, b2)


def test_shapley_efficiency_and_noise_near_zero(trained):
    spec, feeds, X, y, net = trained

    def predict(Xe):
        return 1 / (1 + np.exp(-forward_numpy(net, Xe)[:, 0].astype(np.float64)))

    rows = {k: v[:100] for k, v in feeds.items()}
    bg = {k: v[200:230] for k, v in feeds.items()}
    phi = shapley(predict, spec, rows, bg, permutations=6, seed=3)
    fx = predict(F.transform_inputs(spec, rows))
    base = predict(F.transform_inputs(spec, bg)).mean()
    assert np.allclose(phi.sum(axis=1), fx - base, atol=1e-6)
    glob = np.abs(phi).mean(axis=0)
    names = [c.name for c in spec.columns]
    assert glob[names.index("noise")] < 0.25 * max(glob[names.index("x1")], glob[names.index("x2")])


def test_max_cells_sample_keeps_every_rare_row():
    from redduck.engine.ml.worker import infer_problem, sample_max_cells
    rng = np.random.default_rng(0)
    y = (rng.random(20000) < 0.01).astype(np.int64)
    t = pa.table({"x": rng.normal(size=20000), "z": rng.normal(size=20000), "y": y})
    out = sample_max_cells(t, "y", max_cells=3000, seed=1, stratify=True)
    assert out.num_rows == 1000
    assert int(np.sum(out.column("y").to_numpy())) == int(y.sum())
    assert sample_max_cells(t, "y", max_cells=10**9, seed=1, stratify=True).num_rows == 20000
    assert infer_problem(pa.array([0, 1, 1]))[0] == "binary"
    assert infer_problem(pa.array(["a", "b", "c"]))[0] == "multiclass"
    assert infer_problem(pa.array(np.linspace(0, 1, 100)))[0] == "regression"


def test_distilled_student_keeps_the_teachers_quality(trained):
    from redduck.engine.ml.trainer import distill, macs
    spec, feeds, X, y, net = trained
    # small data: small batches, so that the student takes enough steps
    cfg = TrainConfig("binary", "F1", epochs=60, seed=1, distill_margin=0.05, batch_size=128)
    teacher = fit(X[:3200], y[:3200], X[3200:], y[3200:], TrainConfig("binary", "F1", hidden=[128, 64],
                                                                       learning_rate=3e-3, epochs=30, seed=1))
    student = distill(teacher, X[:3200], y[:3200], X[3200:], y[3200:], cfg, [16], deadline=float("inf"))
    assert student is not None and student.hidden == [16]
    assert macs(student, X.shape[1]) * 4 < macs(teacher, X.shape[1])
    assert student.score >= teacher.score - 0.05
    p = 1 / (1 + np.exp(-forward_numpy(student, X[3200:])[:, 0].astype(np.float64)))
    assert np.mean((p >= student.threshold) == y[3200:]) > 0.85


def test_lean_graphs_give_the_stored_graphs_answers(trained):
    """The runtime's cut-down graphs (label only; no imputation for clean batches) decide
    as the stored graph does, and a batch with a NULL still goes through imputation."""
    from redduck.engine.ml.runtime import ModelRuntime
    spec, feeds, X, y, net = trained
    onnx_bytes = compile_model(spec, net, "binary", 2)
    rt = ModelRuntime(onnx_bytes, spec.to_dict(), "binary", [0, 1], pa.int64())
    assert {("label_index", True, False), ("label_index", False, False), ("probabilities", True, False)} \
        <= set(rt._variants)
    assert not any(packed for _, _, packed in rt._variants)   # categories and a timestamp: never packed
    t = table()
    args = [t.column(c.name).combine_chunks() for c in spec.columns]
    full = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"]).run(None, rt._feeds(args))
    assert np.array_equal(rt.predict(args).to_numpy(), full[0].argmax(1))
    assert np.array_equal(rt.predict(args).to_numpy(), full[1])
    clean = [a.fill_null(0.0) if pa.types.is_floating(a.type) else a for a in args]
    feeds_clean = rt._feeds(clean)
    assert rt._session("label_index", feeds_clean) is rt._variants[("label_index", True, False)]
    assert rt._session("label_index", rt._feeds(args)) is rt._variants[("label_index", False, False)]
    stored = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"]).run(None, feeds_clean)
    assert np.allclose(rt.run(clean), stored[0], atol=1e-6)
    assert np.array_equal(rt.predict(clean).to_numpy(), stored[1])


def test_labels_of_every_type_are_the_predicted_ones(trained):
    """Number and boolean labels come by NumPy indexing, others by Arrow's take: the same
    decisions whatever the target's type."""
    from redduck.engine.ml.runtime import ModelRuntime
    spec, feeds, X, y, net = trained
    onnx_bytes = compile_model(spec, net, "binary", 2)
    t = table()
    args = [t.column(c.name).combine_chunks() for c in spec.columns]
    want = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"]).run(None, feeds)[1]
    for labels, typ, fast in (([0, 1], pa.int64(), True), ([2.5, 7.0], pa.float64(), True),
                              ([False, True], pa.bool_(), True), (["no", "yes"], pa.string(), False)):
        rt = ModelRuntime(onnx_bytes, spec.to_dict(), "binary", labels, typ)
        assert (rt._label_values is not None) == fast
        got = rt.predict(args)
        assert got.type == typ and got.to_pylist() == [labels[i] for i in want]


def test_packed_doubles_score_as_the_unpacked_call():
    """A packed call's DOUBLE[k] matrix goes through a session whose first node casts it to
    float32: the same answers as the unpacked call, NaN imputed, beyond float32 as infinity."""
    from redduck.engine.ml.runtime import ModelRuntime
    t = table()
    names = ["x1", "x2", "noise"]
    spec = F.fit(t, names, {n: "DOUBLE" for n in names})
    X = F.transform_inputs(spec, F.raw_inputs(spec, {n: t.column(n) for n in names}))
    y = t.column("y").to_numpy()
    net = fit(X[:3200], y[:3200], X[3200:], y[3200:], TrainConfig("binary", "F1", hidden=[8], learning_rate=5e-3,
                                                                  epochs=3, seed=1))
    rt = ModelRuntime(compile_model(spec, net, "binary", 2), spec.to_dict(), "binary", [0, 1], pa.int64())
    args = [t.column(n).combine_chunks() for n in names]
    args[1] = pa.array(np.where(np.arange(len(t)) % 97 == 0, 1e300, args[1].to_numpy()))
    doubles = np.stack([a.to_numpy(zero_copy_only=False) for a in args], axis=1)
    for clean in (False, True):
        m = np.nan_to_num(doubles, nan=0.5) if clean else doubles
        arrays = [pa.array(m[:, j]) for j in range(3)]
        packed = {"num": m.astype(np.float64)}
        assert rt._session("label_index", packed) is rt._variants[("label_index", clean, True)]
        assert np.array_equal(rt.predict(None, packed).to_numpy(), rt.predict(arrays).to_numpy())
        assert np.array_equal(rt.run(None, feeds=packed), rt.run(arrays), equal_nan=True)


def test_packed_matrix_reads_slices_and_nulls():
    import pyarrow as pa
    from redduck.engine.ml.packing import packed_matrix
    whole = pa.FixedSizeListArray.from_arrays(pa.array(np.arange(12, dtype=np.float32)), 3)
    assert packed_matrix(whole.slice(1, 2), 3).tolist() == [[3, 4, 5], [6, 7, 8]]
    m = packed_matrix(pa.chunked_array([pa.array([[1, 2, None], None, [4, 5, 6]], pa.list_(pa.float32(), 3))]), 3)
    assert m[0, :2].tolist() == [1, 2] and np.isnan(m[0, 2]) and np.isnan(m[1]).all() and m[2].tolist() == [4, 5, 6]


@pytest.mark.parametrize("weight_decay", [0.0, 1e-5])
def test_lean_adam_steps_exactly_as_torch_adam(weight_decay):
    import torch
    from redduck.engine.ml.adam import LeanAdam, decay_lr
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Linear(7, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    lean = torch.nn.Sequential(torch.nn.Linear(7, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    lean.load_state_dict(ref.state_dict())
    opt_ref = torch.optim.Adam(ref.parameters(), lr=3e-3, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt_ref, gamma=0.97)
    opt_lean = LeanAdam(lean.parameters(), lr=3e-3, weight_decay=weight_decay)
    start = ref[0].weight.detach().clone()
    X, y = torch.randn(256, 7), torch.randn(256, 1)
    for epoch in range(3):
        for i in range(0, 256, 32):
            for model, opt in ((ref, opt_ref), (lean, opt_lean)):
                opt.zero_grad(set_to_none=True)
                ((model(X[i:i + 32]) - y[i:i + 32]) ** 2).mean().backward()
                opt.step()
        sched.step()
        decay_lr(opt_lean, 0.97)
    assert opt_lean.lr == opt_ref.param_groups[0]["lr"]
    for a, b in zip(ref.parameters(), lean.parameters()):
        assert torch.equal(a, b)
    assert not torch.equal(ref[0].weight, start)  # they did move
