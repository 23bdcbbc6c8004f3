"""A deterministic credit-card-fraud-like table with the walkthrough's schema.

The Kaggle file cannot be downloaded everywhere, so this writes one of the same shape:
txtime INTEGER (seconds over two days, sorted), v1..v28 DOUBLE, amount DOUBLE, class INTEGER,
by default 284,807 rows with 492 frauds. Frauds follow three patterns, two of them
non-linear, so that a logistic regression clearly loses to an MLP:
  40 %  v14, v12, v10 shifted low together          (linear)
  30 %  v4 and v11 far from zero with the same sign  (an XOR-like, two-sided pattern)
  30 %  |v17| and |v16| both large                   (four corners, no linear signal)

    python examples/creditcard/generate.py --rows 284807 --seed 7 --out creditcard.csv
"""
from __future__ import annotations

import argparse

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROWS, FRAUDS, SECONDS = 284_807, 492, 172_800
SCALES = np.linspace(1.9, 0.35, 28)


def generate(rows: int = ROWS, seed: int = 7, frauds: int | None = None) -> pa.Table:
    rng = np.random.default_rng(seed)
    frauds = frauds if frauds is not None else max(1, round(rows * FRAUDS / ROWS))
    v = rng.standard_normal((rows, 28)) * SCALES
    hour = rng.choice(24, size=rows, p=_diurnal())
    txtime = np.sort(rng.integers(0, 2, rows) * 86_400 + hour * 3600 + rng.integers(0, 3600, rows))
    amount = np.round(np.exp(rng.normal(3.1, 1.5, rows)).clip(0, 25_691.16), 2)
    cls = np.zeros(rows, dtype=np.int32)
    idx = rng.choice(rows, size=frauds, replace=False)
    cls[idx] = 1
    kinds = rng.choice(3, size=frauds, p=[0.4, 0.3, 0.3])
    for i, k in zip(idx, kinds):
        if k == 0:
            v[i, [13, 11, 9]] = (rng.normal([-3.0, -2.6, -2.4], 0.7)) * SCALES[[13, 11, 9]]
        elif k == 1:
            s = rng.choice([-1.0, 1.0])
            v[i, [3, 10]] = s * rng.normal(3.0, 0.5, 2) * SCALES[[3, 10]]
        else:
            v[i, [16, 15]] = rng.choice([-1.0, 1.0], 2) * rng.normal(4.0, 0.5, 2) * SCALES[[16, 15]]
        amount[i] = round(float(rng.choice([rng.uniform(0.5, 2.0), np.exp(rng.normal(4.5, 1.2))])), 2)
    cols = {"txtime": pa.array(txtime.astype(np.int32))}
    for j in range(28):
        cols[f"v{j + 1}"] = pa.array(v[:, j])
    cols["amount"] = pa.array(amount)
    cols["class"] = pa.array(cls)
    return pa.table(cols)


def _diurnal() -> np.ndarray:
    h = np.arange(24)
    rate = 0.25 + np.exp(-0.5 * ((h - 14.0) / 4.5) ** 2)
    return rate / rate.sum()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=ROWS)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default="creditcard.csv")
    args = ap.parse_args()
    table = generate(args.rows, args.seed)
    pacsv.write_csv(table, args.out, pacsv.WriteOptions(quoting_style="none"))
    print(f"wrote {args.out}: {table.num_rows} rows, {int(pa.compute.sum(table['class']).as_py())} frauds")


if __name__ == "__main__":
    import pyarrow.compute  # noqa: F401
    main()
