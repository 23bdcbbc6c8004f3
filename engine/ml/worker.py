"""The training process: reads a job folder, trains, compiles, explains, writes results.

Runs as `python -m redduck.engine.ml.worker JOB_DIR` so that PyTorch's Python loop
never holds the server's GIL (or as `… --standby`, a spare that reads JOB_DIR from stdin
once its imports are done: launcher.py). The job folder holds job.json and data.arrow (the
snapshot); the worker writes progress.json while it runs and result.json + model.onnx.
"""
from __future__ import annotations

import json
import os
import sys
import time
import traceback

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _write_json(path: str, obj) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f)
    os.replace(tmp, path)


def infer_problem(y: pa.Array) -> tuple[str, list]:
    """Redshift's inference: 2 distinct → binary; a few (text, or ≤ 20 integers) → multiclass;
    otherwise regression. Returns (problem, sorted labels)."""
    if isinstance(y, pa.ChunkedArray):
        y = y.combine_chunks()
    y = y.drop_null()
    uniq = y.unique().to_pylist()
    t = y.type
    numeric = pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
    if len(uniq) <= 2:
        return "binary", sorted(uniq, key=lambda v: (str(type(v)), v))
    if not numeric or (pa.types.is_integer(t) and len(uniq) <= 20):
        return "multiclass", sorted(uniq, key=lambda v: (str(type(v)), v))
    return "regression", []


def stratified_split(y: np.ndarray, frac: float, seed: int, stratify: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    idx = np.arange(len(y))
    if not stratify:
        perm = rng.permutation(idx)
        k = int(round(len(y) * frac))
        return np.sort(perm[k:]), np.sort(perm[:k])
    va = []
    for v in np.unique(y):
        members = rng.permutation(idx[y == v])
        k = max(1, int(round(len(members) * frac))) if len(members) > 1 else 0
        va.append(members[:k])
    va = np.sort(np.concatenate(va))
    mask = np.ones(len(y), bool)
    mask[va] = False
    return idx[mask], va


def sample_max_cells(table: pa.Table, target: str, max_cells: int, seed: int, stratify: bool) -> pa.Table:
    """Stratified sample down to max_cells, keeping every row of the rarest class."""
    rows = max(1, max_cells // max(table.num_columns, 1))
    if table.num_rows <= rows:
        return table
    rng = np.random.default_rng(seed)
    if not stratify:
        return table.take(np.sort(rng.choice(table.num_rows, rows, replace=False)))
    y = np.asarray(table.column(target).to_pylist(), dtype=object)
    values, counts = np.unique(y.astype(str), return_counts=True)
    rare = values[np.argmin(counts)]
    keep = [np.flatnonzero(y.astype(str) == rare)]
    rest = np.flatnonzero(y.astype(str) != rare)
    left = max(rows - len(keep[0]), 0)
    keep.append(rng.choice(rest, min(left, len(rest)), replace=False))
    return table.take(np.sort(np.concatenate(keep)))


DEFAULT_STUDENT = [64, 32]


def _student_shape(setting, fixed_hidden) -> list | None:
    """DISTILL 'off' | 'h1,h2…'; by default [64, 32], unless the client fixed the network."""
    if setting is None:
        return None if fixed_hidden else list(DEFAULT_STUDENT)
    text = str(setting).strip().lower()
    if text in ("off", "false", "0", "no"):
        return None
    if text in ("on", "true", "yes"):
        return list(DEFAULT_STUDENT)
    return [int(x) for x in text.replace(";", ",").split(",") if x.strip()]


def run(job_dir: str) -> None:
    from . import metrics as MX
    from .explainer import explain
    from .features import fit, raw_inputs, transform_inputs
    from .metrics import METRIC_NAMES
    from .onnx_compiler import compile_model
    from .trainer import TrainConfig, distill, fit as fit_net, forward_numpy, macs, macs_of

    t0 = time.monotonic()
    job = json.load(open(os.path.join(job_dir, "job.json")))
    progress_path = os.path.join(job_dir, "progress.json")
    _write_json(progress_path, {"phase": "loading"})
    table = pa.ipc.open_file(pa.memory_map(os.path.join(job_dir, "data.arrow"))).read_all()
    target = job["target"]
    seed = int(job.get("seed", 42))
    table = table.filter(table.column(target).is_valid())
    if table.num_rows == 0:
        raise ValueError(f"no training rows: the FROM query gave no row with a non-NULL {target}")
    problem, labels = infer_problem(table.column(target))
    if job.get("problem_type"):
        problem = job["problem_type"]
        if problem != "regression":
            labels = sorted(table.column(target).unique().drop_null().to_pylist(), key=lambda v: (str(type(v)), v))
    if problem == "binary" and len(labels) != 2:
        raise ValueError(f"BINARY_CLASSIFICATION needs exactly 2 distinct target values, found {len(labels)}")
    objective = job.get("objective") or {"binary": "F1", "multiclass": "Accuracy", "regression": "MSE"}[problem]
    if job.get("max_cells"):
        table = sample_max_cells(table, target, int(job["max_cells"]), seed, problem != "regression")
    features = job["features"]
    y_raw = table.column(target)
    if problem == "regression":
        y = y_raw.cast(pa.float64()).to_numpy(zero_copy_only=False)
    else:
        y = pc.index_in(y_raw, value_set=pa.array(labels, type=y_raw.type)).to_numpy(zero_copy_only=False).astype(np.int64)
    tr, va = stratified_split(y, 0.2, seed, problem != "regression")
    spec = fit(table.take(tr), features, dict(zip(features, job["feature_types"])))
    cols = {f: table.column(f) for f in features}
    feeds = raw_inputs(spec, cols)
    X = transform_inputs(spec, feeds)
    hp = job.get("hyperparameters", {})
    hidden = hp.get("HIDDEN_LAYERS") or hp.get("HIDDEN_LAYER_SIZES")
    cfg = TrainConfig(problem=problem, objective=objective, n_classes=max(len(labels), 2),
                      max_runtime_s=float(job.get("max_runtime", 5400)), seed=seed,
                      hidden=[int(x) for x in str(hidden).replace(";", ",").split(",")] if hidden else None,
                      learning_rate=float(hp["LEARNING_RATE"]) if "LEARNING_RATE" in hp else None,
                      epochs=int(hp.get("EPOCHS", 60)), batch_size=int(hp.get("BATCH_SIZE", hp.get("MINI_BATCH_SIZE", 1024))),
                      patience=int(hp.get("PATIENCE", 10)),
                      ensemble=str(hp.get("ENSEMBLE", "on")).lower() not in ("off", "false", "0", "no"))

    def progress(p):
        p["phase"] = "training"
        _write_json(progress_path, p)

    net = fit_net(X[tr], y[tr], X[va], y[va], cfg, progress)
    teacher = None
    student = _student_shape(hp.get("DISTILL"), cfg.hidden)
    if student and macs(net, X.shape[1]) > macs_of(student, X.shape[1]):
        # scoring cost is the network's: a small student of the chosen model, kept when it
        # validates about as well (benchmarks/ml.py: same holdout F1, a third of the work)
        small = distill(net, X[tr], y[tr], X[va], y[va], cfg, student, t0 + cfg.max_runtime_s, progress)
        if small is not None:
            teacher, net = net.hidden, small
    _write_json(progress_path, {"phase": "compiling", "elapsed_s": time.monotonic() - t0})
    onnx_bytes = compile_model(spec, net, problem, cfg.n_classes)
    # metrics of the compiled decision on the validation rows
    out_va = forward_numpy(net, X[va])
    metric_name, _ = METRIC_NAMES[objective]
    m = {}
    if problem == "binary":
        p_raw = 1 / (1 + np.exp(-out_va[:, 0].astype(np.float64)))
        m.update(MX.f1_at(y[va], p_raw, net.threshold))
        m["auc"] = MX.auc(y[va], p_raw)
        m["average_precision"] = MX.average_precision(y[va], p_raw)
        m["threshold"] = net.threshold
    elif problem == "multiclass":
        pred = out_va.argmax(1)
        m["accuracy"] = MX.accuracy(y[va], pred)
        m["f1_macro"] = MX.f1_macro(y[va], pred, cfg.n_classes)
    else:
        pred = out_va[:, 0] * net.y_std + net.y_mean
        m["mse"] = MX.mse(y[va], pred)
        m["rmse"] = float(np.sqrt(m["mse"]))
        m["mae"] = float(np.mean(np.abs(y[va] - pred)))
        m["r2"] = float(1 - m["mse"] / max(np.var(y[va]), 1e-12))
    value = {"F1": m.get("f1"), "AUC": m.get("auc"), "Accuracy": m.get("accuracy"), "F1_Macro": m.get("f1_macro"),
             "MSE": m.get("mse"), "RMSE": m.get("rmse"), "MAE": m.get("mae"), "R2": m.get("r2")}[objective]
    m[metric_name] = value
    _write_json(progress_path, {"phase": "explaining", "elapsed_s": time.monotonic() - t0})

    def predict(Xe):
        o = forward_numpy(net, Xe)
        if problem == "binary":
            return 1 / (1 + np.exp(-o[:, 0].astype(np.float64)))
        if problem == "multiclass":
            e = np.exp(o - o.max(1, keepdims=True))
            return (e / e.sum(1, keepdims=True))[:, int(np.bincount(y).argmax())]
        return o[:, 0] * net.y_std + net.y_mean

    va_feeds = {k: v[va] for k, v in feeds.items()}
    report = explain(predict, spec, va_feeds, seed=seed)
    with open(os.path.join(job_dir, "model.onnx"), "wb") as f:
        f.write(onnx_bytes)
    result = {"problem_type": problem, "objective": objective, "labels": labels, "metrics": m,
              "metric_name": metric_name, "spec": spec.to_dict(), "explanation": report,
              "hidden": net.hidden, "teacher": teacher, "learning_rate": net.learning_rate, "epochs": net.epochs,
              "threshold": net.threshold, "training_rows": int(len(tr)), "validation_rows": int(len(va)),
              "train_seconds": time.monotonic() - t0}
    _write_json(os.path.join(job_dir, "result.json"), result)


def standby() -> str | None:
    """A spare (launcher.py): import what training needs, then wait for a job directory on
    stdin, and write what the job prints to its log as a fresh worker would. None: the
    server has gone."""
    import onnx  # noqa: F401
    import torch  # noqa: F401

    from . import explainer, onnx_compiler, trainer  # noqa: F401
    line = sys.stdin.readline()
    if not line.strip():
        return None
    job_dir = json.loads(line)
    fd = os.open(os.path.join(job_dir, "worker.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    return job_dir


def main() -> None:
    job_dir = standby() if sys.argv[1] == "--standby" else sys.argv[1]
    if job_dir is None:
        return
    try:
        run(job_dir)
    except Exception as e:  # the parent reads the reason and marks the model FAILED
        _write_json(os.path.join(job_dir, "error.json"), {"error": f"{type(e).__name__}: {e}",
                                                         "traceback": traceback.format_exc()})
        sys.exit(1)


if __name__ == "__main__":
    main()
