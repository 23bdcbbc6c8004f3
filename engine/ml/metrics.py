"""Validation metrics, vectorized: F1 with its best threshold, AUC, accuracy, F1 macro, MSE."""
from __future__ import annotations

import numpy as np


def best_f1_threshold(y: np.ndarray, p: np.ndarray, near: float = 0.97) -> tuple[float, float]:
    """(best F1, threshold) on the validation set. The cut is the lowest score whose F1 is
    within `near` of the best: with a rare class the best cut sits on a few rows, and
    measured on later data the highest near-best cut gave away recall."""
    order = np.argsort(-p, kind="stable")
    ys, ps = y[order].astype(np.float64), p[order]
    tp = np.cumsum(ys)
    fp = np.cumsum(1 - ys)
    pos = ys.sum()
    if pos == 0:
        return 0.0, 0.5
    # only cut where the score changes, so ties fall on one side
    last = np.r_[ps[1:] != ps[:-1], True]
    f1 = np.where(last, 2 * tp / (tp + fp + pos), 0.0)
    best = float(f1.max())
    i = int(np.flatnonzero(f1 >= near * best).max())
    thr = float(ps[i]) if i + 1 >= len(ps) else float((ps[i] + ps[i + 1]) / 2)
    return best, thr


def f1_at(y: np.ndarray, p: np.ndarray, thr: float) -> dict:
    pred = p >= thr
    tp = float(np.sum(pred & (y == 1)))
    fp = float(np.sum(pred & (y == 0)))
    fn = float(np.sum(~pred & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def auc(y: np.ndarray, p: np.ndarray) -> float:
    pos, neg = y == 1, y == 0
    n_pos, n_neg = int(pos.sum()), int(neg.sum())
    if not n_pos or not n_neg:
        return 0.5
    ranks = np.empty(len(p))
    order = np.argsort(p, kind="mergesort")
    ranks[order] = np.arange(1, len(p) + 1)
    # average ranks of ties
    sp = p[order]
    _, first, counts = np.unique(sp, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(y: np.ndarray, p: np.ndarray) -> float:
    order = np.argsort(-p, kind="stable")
    ys = y[order]
    tp = np.cumsum(ys)
    precision = tp / np.arange(1, len(ys) + 1)
    return float((precision * ys).sum() / max(ys.sum(), 1))


def f1_macro(y: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    scores = []
    for k in range(n_classes):
        tp = np.sum((pred == k) & (y == k))
        fp = np.sum((pred == k) & (y != k))
        fn = np.sum((pred != k) & (y == k))
        scores.append(2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else 0.0)
    return float(np.mean(scores))


def accuracy(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean(y == pred)) if len(y) else 0.0


def mse(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean((y - pred) ** 2)) if len(y) else 0.0


# objective → (metric name as SHOW MODEL prints it, higher is better)
METRIC_NAMES = {"F1": ("validation:binary_f_beta", True), "AUC": ("validation:auc", True),
                "Accuracy": ("validation:accuracy", True), "F1_Macro": ("validation:f1_macro", True),
                "MSE": ("validation:mse", False), "RMSE": ("validation:rmse", False),
                "MAE": ("validation:mae", False), "R2": ("validation:r2", True)}
