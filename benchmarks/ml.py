"""ML benchmark: CREATE MODEL on the benchmark data set against scikit-learn, and SQL scoring
against ONNX Runtime alone, in one run.

Data: ../shared/data/gen_creditcard.py --seed 42 (284,807 rows, 492 frauds; its true_logit is
the Bayes-optimal score), split as the walkthrough does (train on txtime below the 80 %
cutoff, hold out the rest). For each of 3 seeds: redduck's CREATE MODEL → READY wall time
and holdout F1 / precision / recall / AUC-PR, against scikit-learn's
MLPClassifier((64, 32), early_stopping=True) and LogisticRegression on the same rows.
Then rows/s of SELECT count(*) FILTER (WHERE fn(…) = 1) over 284,807 and 2,848,070 rows
against ONNX Runtime alone on the same matrix.

    .venv/bin/python benchmarks/ml.py [--gen ../shared/data/gen_creditcard.py] [--seeds 3]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psycopg
import pyarrow.csv as pacsv

sys.path.insert(0, os.path.dirname(__file__))
from peers import RedduckPeer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ["txtime"] + [f"v{i}" for i in range(1, 29)] + ["amount"]
ARGS = ",".join(FEATURES)


def load_generator(path: str):
    spec = importlib.util.spec_from_file_location("gen_creditcard", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def metrics(y: np.ndarray, pred: np.ndarray, score: np.ndarray) -> dict:
    from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score
    return {"f1": f1_score(y, pred), "precision": precision_score(y, pred, zero_division=0),
            "recall": recall_score(y, pred), "auc_pr": average_precision_score(y, score)}


def sklearn_models(X_tr, y_tr, X_te, y_te, seed: int) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler
    sc = StandardScaler().fit(X_tr)
    A, B = sc.transform(X_tr), sc.transform(X_te)
    out = {}
    t0 = time.perf_counter()
    mlp = MLPClassifier((64, 32), early_stopping=True, random_state=seed).fit(A, y_tr)
    out["scikit-learn MLP"] = dict(metrics(y_te, mlp.predict(B), mlp.predict_proba(B)[:, 1]),
                                   seconds=time.perf_counter() - t0)
    t0 = time.perf_counter()
    lr = LogisticRegression(max_iter=2000).fit(A, y_tr)
    out["LogisticRegression"] = dict(metrics(y_te, lr.predict(B), lr.predict_proba(B)[:, 1]),
                                     seconds=time.perf_counter() - t0)
    return out


def redduck_model(conn, seed: int, cutoff: int, hyper: str = "") -> dict:
    name = f"cc_bench_{seed}"
    conn.execute(f"drop model if exists {name}")
    t0 = time.perf_counter()
    conn.execute(f"create model {name} from (select * from cc where txtime < {cutoff}) target class "
                 f"function {name}_fn iam_role default "
                 + (f"hyperparameters default except ({hyper}) " if hyper else "")
                 + f"settings (s3_bucket 'b', seed {seed})")
    state = conn.execute(f"select wait_for_model('{name}', 3600)").fetchone()[0]
    ready = time.perf_counter() - t0
    show = dict(conn.execute(f"show model {name}").fetchall())
    assert state == "READY", show
    rows = conn.execute(
        f"select class, {name}_fn({ARGS}), "
        f"case when p.labels[0] = 1 then p.probabilities[0] else p.probabilities[1] end "
        f"from (select *, {name}_fn_prob({ARGS}) as p from cc where txtime >= {cutoff}) s").fetchall()
    y, pred, score = (np.array(c) for c in zip(*rows))
    return dict(metrics(y, pred, score), seconds=ready, name=name, network=show.get("Network", ""))


def scoring(conn, name: str, table: str, n: int) -> float:
    def run():
        t0 = time.perf_counter()
        got = conn.execute(f"select count(*) filter (where {name}_fn({ARGS}) = 1) from {table}").fetchone()[0]
        return time.perf_counter() - t0, got
    run()
    times = sorted(run()[0] for _ in range(3))
    return n / times[1]


def onnx_alone(conn, name: str, X: np.ndarray) -> float:
    import onnxruntime as ort
    onnx = conn.execute(f"select onnx from redduck_ml.models where name = '{name}'").fetchone()
    if onnx is None:
        return float("nan")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(bytes(onnx[0]), opts, providers=["CPUExecutionProvider"])
    feeds = {"num": X.astype(np.float32)}  # the graph takes float32 when no column is a timestamp
    # what fn() asks the graph for: the label (older graphs: everything)
    wanted = ["label_index"] if "label_index" in [o.name for o in sess.get_outputs()] else None
    sess.run(wanted, feeds)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        sess.run(wanted, feeds)
        times.append(time.perf_counter() - t0)
    return len(X) / sorted(times)[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", default=str(ROOT.parent / "shared" / "data" / "gen_creditcard.py"))
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--hyperparameters", default="",
                    help="CREATE MODEL's HYPERPARAMETERS DEFAULT EXCEPT (…) list, e.g. \"ENSEMBLE 'off'\"")
    args = ap.parse_args()
    gen = load_generator(args.gen)
    d = gen.generate(seed=42)
    table = gen.to_arrow(d)
    n = table.num_rows
    t = d["txtime"]
    cutoff = int(np.sort(t)[int(np.ceil(n * 0.8)) - 1])
    X = gen.matrix(d)
    y = d["y"]
    tr, te = t < cutoff, t >= cutoff
    oracle = gen.true_logit(X[te])
    from sklearn.metrics import f1_score
    best_oracle = max(f1_score(y[te], oracle > th) for th in np.quantile(oracle, np.linspace(0.99, 0.9995, 60)))
    imports = tempfile.mkdtemp(prefix="redduck-ml-bench-")
    pacsv.write_csv(table, os.path.join(imports, "cc.csv"))
    rd = RedduckPeer(import_dir=imports).start()
    results = {"redduck MLP": [], "scikit-learn MLP": [], "LogisticRegression": []}
    try:
        with psycopg.connect(rd.dsn(), autocommit=True) as c:
            c.execute("create table cc (txtime int, " + ", ".join(f"v{i} float8" for i in range(1, 29))
                      + ", amount float8, class int)")
            c.execute(f"copy cc from '{imports}/cc.csv' csv ignoreheader 1")
            for seed in range(args.seeds):
                r = redduck_model(c, seed, cutoff, args.hyperparameters)
                results["redduck MLP"].append(r)
                for k, v in sklearn_models(X[tr], y[tr], X[te], y[te], seed).items():
                    results[k].append(v)
                print(f"seed {seed}: redduck F1 {r['f1']:.3f} in {r['seconds']:.1f}s ({r['network']}); "
                      f"sklearn MLP F1 {results['scikit-learn MLP'][-1]['f1']:.3f}", flush=True)
            name = results["redduck MLP"][-1]["name"]
            c.execute("create table cc10 as select * from cc, range(10)")
            s1 = scoring(c, name, "cc", n)
            s10 = scoring(c, name, "cc10", 10 * n)
            o1 = onnx_alone(c, name, X)
            o10 = onnx_alone(c, name, np.concatenate([X] * 10))
    finally:
        rd.stop()
    print(f"\nholdout: {int(te.sum())} rows, {int(y[te].sum())} frauds; cutoff txtime {cutoff}; "
          f"Bayes-optimal F1 {best_oracle:.3f}")
    print(f"{'model':22} {'F1 (median)':>11} {'spread':>13} {'precision':>9} {'recall':>7} {'AUC-PR':>7} {'seconds':>8}")
    for k, runs in results.items():
        f1s = [r["f1"] for r in runs]
        med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
        print(f"{k:22} {med('f1'):11.3f} {min(f1s):6.3f}-{max(f1s):.3f} {med('precision'):9.3f} "
              f"{med('recall'):7.3f} {med('auc_pr'):7.3f} {med('seconds'):8.1f}")
    rf = statistics.median(r["f1"] for r in results["redduck MLP"])
    sf = statistics.median(r["f1"] for r in results["scikit-learn MLP"])
    print(f"redduck / scikit-learn MLP F1: {rf / sf:.2f}")
    print(f"\n{'scoring':40} {'rows/s':>12} {'ONNX Runtime alone':>19} {'ratio (ORT/SQL)':>16}")
    print(f"{'SQL fn() over 284,807 rows':40} {s1:12,.0f} {o1:19,.0f} {o1 / s1:16.2f}")
    print(f"{'SQL fn() over 2,848,070 rows':40} {s10:12,.0f} {o10:19,.0f} {o10 / s10:16.2f}")


if __name__ == "__main__":
    main()
